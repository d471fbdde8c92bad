-- trino SQL: the one query `payback usage` runs on table LiteLLM_SpendLogs (the litellm schema).
-- It scans the table once and returns hourly aggregates, the rows of each model
-- and the count of each token value; the months, growth, peak and percentiles are
-- then computed from those rows (see `payback usage --sql` for that DuckDB SQL).
SELECT
  GROUPING(hour, qin, qout, qmodel) AS g,
  hour,
  status,
  why,
  qin,
  qout,
  qmodel,
  COUNT(*) AS n,
  SUM(input) AS input,
  SUM(output) AS output,
  SUM(cached) AS cached,
  MIN(us) AS first_us,
  MAX(us) AS last_us,
  MAX(us % 86400000000) AS off_days,
  MAX(us % 3600000000) AS off_hours
FROM (
  SELECT
    us,
    CAST(TRUNCATE(CAST(us AS DOUBLE) / 3600000000) AS BIGINT) AS hour,
    input,
    output,
    cached,
    why,
    status,
    CASE WHEN status = 3 THEN input END AS qin,
    CASE WHEN status = 3 THEN output END AS qout,
    CASE WHEN status = 3 THEN COALESCE(model, '(none)') END AS qmodel
  FROM (
    SELECT
      *,
      CASE WHEN keep = 0 THEN 0 WHEN NOT why IS NULL THEN 1 WHEN TRUE THEN 3 ELSE 2 END AS status
    FROM (
      SELECT
        *,
        CASE
          WHEN keep = 1
          THEN CASE
            WHEN us IS NULL
            THEN 'no time that reads as a date'
            WHEN us < 0 OR us >= 7258118400000000
            THEN 'a time before 1970 or after 2199'
            WHEN input IS NULL OR output IS NULL OR cached IS NULL
            THEN 'token counts missing or not numbers'
            WHEN input < 0 OR output < 0 OR cached < 0
            THEN 'negative token counts'
            WHEN cached > input
            THEN 'more cached tokens than input tokens'
            WHEN input > 100000000 OR output > 100000000
            THEN 'over 10^8 tokens a request'
          END
        END AS why
      FROM (
        SELECT
          CAST(TO_UNIXTIME("startTime") * 1000000.0 AS BIGINT) AS us,
          CAST("prompt_tokens" AS DOUBLE) AS input,
          CAST("completion_tokens" AS DOUBLE) AS output,
          COALESCE(
            COALESCE(
              TRY_CAST(JSON_EXTRACT_SCALAR("metadata", '$.usage_object.prompt_tokens_details.cached_tokens') AS DOUBLE),
              TRY_CAST(JSON_EXTRACT_SCALAR("metadata", '$.usage_object.cache_read_input_tokens') AS DOUBLE)
            ),
            0.0
          ) AS cached,
          CAST("model" AS VARCHAR) AS model,
          CASE
            WHEN COALESCE(
              (
                "call_type" IS NULL
                OR "call_type" IN (
                  'completion',
                  'acompletion',
                  'text_completion',
                  'atext_completion',
                  'anthropic_messages',
                  'aresponses',
                  'responses'
                )
              ),
              TRUE
            )
            AND COALESCE((
              COALESCE("status", 'success') <> 'failure'
            ), TRUE)
            THEN 1
            ELSE 0
          END AS keep
        FROM "LiteLLM_SpendLogs"
      ) AS normalized
    ) AS checked
  ) AS marked
) AS split
GROUP BY
  GROUPING SETS (
    (hour, status, why),
    (
      qin
    ),
    (
      qout
    ),
    (
      qmodel
    )
  );
