-- clickhouse SQL: the one query `payback usage` runs on table LiteLLM_SpendLogs (the litellm schema).
-- It scans the table once and returns hourly aggregates, the rows of each model
-- and the count in each bucket of token counts (three digits: 1,000-1,009, ...);
-- the months, growth, peak and percentiles (within 0.5 %) are
-- then computed from those rows (see `payback usage --sql` for that DuckDB SQL).
-- status: 0 not an LLM call that succeeded; 1 no time that reads as a date; 2 a time before 1970 or after 2199; 3 token counts with a comma that is not a thousands separator (such as 1,5); 4 token counts missing or not numbers; 5 negative token counts; 6 more cached tokens than input tokens; 7 over 10^8 tokens a request; 8 outside the filters; 9 used.
SELECT
  g,
  hour,
  status,
  tin,
  tout,
  tmodel,
  n,
  input,
  output,
  cached,
  first_us,
  last_us
FROM (
  SELECT
    GROUPING(hs, tin, tout, tmodel) AS g,
    grouped,
    CASE
      WHEN (
        (
          hs % 3600000000 + 3600000000
        ) % 3600000000
      ) < 16
      THEN intDiv(
        (
          hs - (
            (
              hs % 3600000000 + 3600000000
            ) % 3600000000
          )
        ),
        3600000000
      )
    END AS hour,
    (
      (
        hs % 3600000000 + 3600000000
      ) % 3600000000
    ) % 16 AS status,
    tin,
    tout,
    tmodel,
    CAST(SUM(n) AS Nullable(Int64)) AS n,
    SUM(input) AS input,
    SUM(output) AS output,
    SUM(cached) AS cached,
    MIN(first_t) AS first_us,
    MAX(last_t) AS last_us
  FROM (
    SELECT
      grouped,
      hs,
      CASE
        WHEN tin < 1e3
        THEN tin
        WHEN tin < 1e4
        THEN FLOOR(tin / 1e1) * 1e1
        WHEN tin < 1e5
        THEN FLOOR(tin / 1e2) * 1e2
        WHEN tin < 1e6
        THEN FLOOR(tin / 1e3) * 1e3
        WHEN tin < 1e7
        THEN FLOOR(tin / 1e4) * 1e4
        WHEN tin < 1e8
        THEN FLOOR(tin / 1e5) * 1e5
        ELSE FLOOR(tin / 1e6) * 1e6
      END AS tin,
      CASE
        WHEN tout < 1e3
        THEN tout
        WHEN tout < 1e4
        THEN FLOOR(tout / 1e1) * 1e1
        WHEN tout < 1e5
        THEN FLOOR(tout / 1e2) * 1e2
        WHEN tout < 1e6
        THEN FLOOR(tout / 1e3) * 1e3
        WHEN tout < 1e7
        THEN FLOOR(tout / 1e4) * 1e4
        WHEN tout < 1e8
        THEN FLOOR(tout / 1e5) * 1e5
        ELSE FLOOR(tout / 1e6) * 1e6
      END AS tout,
      tmodel,
      n,
      input,
      output,
      cached,
      first_t,
      last_t
    FROM (
      SELECT
        GROUPING(hs, tin, tout) AS grouped,
        hs,
        tin,
        tout,
        tmodel,
        COUNT(*) AS n,
        SUM(input) AS input,
        SUM(output) AS output,
        SUM(cached) AS cached,
        MIN(t) AS first_t,
        MAX(t) AS last_t
      FROM (
        SELECT
          t,
          COALESCE(intDiv(t, 3600000000) * 3600000000, 16) + status AS hs,
          input,
          output,
          cached,
          CASE WHEN status = 9 THEN input END AS tin,
          CASE WHEN status = 9 THEN output END AS tout,
          CASE WHEN status = 9 THEN model END AS tmodel
        FROM (
          SELECT
            *,
            CASE
              WHEN keep = 0
              THEN 0
              WHEN t IS NULL
              THEN 1
              WHEN t < 0 OR t >= 7258118400000000
              THEN 2
              WHEN input IS NULL OR output IS NULL OR cached IS NULL
              THEN 4
              WHEN input < 0 OR output < 0 OR cached < 0
              THEN 5
              WHEN cached > input
              THEN 6
              WHEN input > 100000000 OR output > 100000000
              THEN 7
              WHEN TRUE
              THEN 9
              ELSE 8
            END AS status
          FROM (
            SELECT
              toUnixTimestamp64Micro(toDateTime64("startTime", 6, 'UTC')) AS t,
              toFloat64("prompt_tokens") AS input,
              toFloat64("completion_tokens") AS output,
              COALESCE(
                COALESCE(
                  CASE
                    WHEN isNull(
                      toFloat64OrNull(
                        TRIM(
                          toString(
                            JSONExtractString(toString("metadata"), 'usage_object', 'prompt_tokens_details', 'cached_tokens')
                          )
                        )
                      )
                    )
                    AND match(
                      TRIM(
                        toString(
                          JSONExtractString(toString("metadata"), 'usage_object', 'prompt_tokens_details', 'cached_tokens')
                        )
                      ),
                      '^[0-9]{1,3}(,[0-9]{3})+$'
                    )
                    THEN toFloat64OrNull(
                      replaceAll(
                        TRIM(
                          toString(
                            JSONExtractString(toString("metadata"), 'usage_object', 'prompt_tokens_details', 'cached_tokens')
                          )
                        ),
                        ',',
                        ''
                      )
                    )
                    ELSE toFloat64OrNull(
                      TRIM(
                        toString(
                          JSONExtractString(toString("metadata"), 'usage_object', 'prompt_tokens_details', 'cached_tokens')
                        )
                      )
                    )
                  END,
                  CASE
                    WHEN isNull(
                      toFloat64OrNull(
                        TRIM(
                          toString(
                            JSONExtractString(toString("metadata"), 'usage_object', 'cache_read_input_tokens')
                          )
                        )
                      )
                    )
                    AND match(
                      TRIM(
                        toString(
                          JSONExtractString(toString("metadata"), 'usage_object', 'cache_read_input_tokens')
                        )
                      ),
                      '^[0-9]{1,3}(,[0-9]{3})+$'
                    )
                    THEN toFloat64OrNull(
                      replaceAll(
                        TRIM(
                          toString(
                            JSONExtractString(toString("metadata"), 'usage_object', 'cache_read_input_tokens')
                          )
                        ),
                        ',',
                        ''
                      )
                    )
                    ELSE toFloat64OrNull(
                      TRIM(
                        toString(
                          JSONExtractString(toString("metadata"), 'usage_object', 'cache_read_input_tokens')
                        )
                      )
                    )
                  END
                ),
                0.0
              ) AS cached,
              COALESCE(nullIf(toString("model"), ''), '(none)') AS model,
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
      ) AS split
      GROUP BY
        GROUPING SETS (
          (hs, tmodel),
          (
            tin
          ),
          (
            tout
          )
        )
    ) AS sets
  ) AS bucketed
  GROUP BY
    GROUPING SETS (
      (grouped, hs),
      (grouped, tin),
      (grouped, tout),
      (grouped, tmodel)
    )
) AS added
WHERE
  grouped = CASE g WHEN 11 THEN 5 WHEN 13 THEN 6 ELSE 3 END;
