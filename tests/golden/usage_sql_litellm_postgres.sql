-- postgres SQL: the one query `payback usage` runs on table LiteLLM_SpendLogs (the litellm schema).
-- It scans the table once and returns hourly aggregates, the rows of each model
-- and the count in each bucket of token counts (three digits: 1,000-1,009, ...);
-- the months, growth, peak and percentiles (within 0.5 %) are
-- then computed from those rows (see `payback usage --sql` for that DuckDB SQL).
-- status: 0 not an LLM call that succeeded; 1 no time that reads as a date; 2 a time before 1970 or after 2199; 3 token counts with a comma that is not a thousands separator (such as 1,5); 4 token counts missing or not numbers; 5 token counts that are not finite numbers; 6 negative token counts; 7 more cached tokens than input tokens; 8 over 10^8 tokens a request; 9 outside the filters; 10 used.
-- A table of many blocks is read in parts on PostgreSQL 14 and later: this query
-- with WHERE ctid >= '(first,0)' AND ctid < '(end,0)' on each range of blocks,
-- each on a connection of its own, in one snapshot; the parts' rows are added.
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
      WHEN CAST(DATE_PART('microseconds', hs) AS BIGINT) < 16
      THEN CAST(FLOOR(CAST(DATE_PART('epoch', hs) AS DOUBLE PRECISION) / 3600) AS BIGINT)
    END AS hour,
    CAST(DATE_PART('microseconds', hs) AS BIGINT) % 16 AS status,
    tin,
    tout,
    tmodel,
    CAST(SUM(n) AS BIGINT) AS n,
    SUM(input) AS input,
    SUM(output) AS output,
    SUM(cached) AS cached,
    CAST(DATE_PART('epoch', MIN(first_t)) * 1000000 AS BIGINT) AS first_us,
    CAST(DATE_PART('epoch', MAX(last_t)) * 1000000 AS BIGINT) AS last_us
  FROM (
    SELECT
      grouped,
      hs,
      CASE
        WHEN tin < 1e3
        THEN tin
        WHEN tin < 1e4
        THEN FLOOR(CAST(tin AS DOUBLE PRECISION) / 1e1) * 1e1
        WHEN tin < 1e5
        THEN FLOOR(CAST(tin AS DOUBLE PRECISION) / 1e2) * 1e2
        WHEN tin < 1e6
        THEN FLOOR(CAST(tin AS DOUBLE PRECISION) / 1e3) * 1e3
        WHEN tin < 1e7
        THEN FLOOR(CAST(tin AS DOUBLE PRECISION) / 1e4) * 1e4
        WHEN tin < 1e8
        THEN FLOOR(CAST(tin AS DOUBLE PRECISION) / 1e5) * 1e5
        ELSE FLOOR(CAST(tin AS DOUBLE PRECISION) / 1e6) * 1e6
      END AS tin,
      CASE
        WHEN tout < 1e3
        THEN tout
        WHEN tout < 1e4
        THEN FLOOR(CAST(tout AS DOUBLE PRECISION) / 1e1) * 1e1
        WHEN tout < 1e5
        THEN FLOOR(CAST(tout AS DOUBLE PRECISION) / 1e2) * 1e2
        WHEN tout < 1e6
        THEN FLOOR(CAST(tout AS DOUBLE PRECISION) / 1e3) * 1e3
        WHEN tout < 1e7
        THEN FLOOR(CAST(tout AS DOUBLE PRECISION) / 1e4) * 1e4
        WHEN tout < 1e8
        THEN FLOOR(CAST(tout AS DOUBLE PRECISION) / 1e5) * 1e5
        ELSE FLOOR(CAST(tout AS DOUBLE PRECISION) / 1e6) * 1e6
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
          COALESCE(
            CASE
              WHEN t < '1970-01-01 00:00:00+00'
              AND DATE_BIN(INTERVAL '1 HOUR', t, '1970-01-01 00:00:00+00') < t
              THEN DATE_BIN(INTERVAL '1 HOUR', t, '1970-01-01 00:00:00+00') + INTERVAL '1 HOUR'
              ELSE DATE_BIN(INTERVAL '1 HOUR', t, '1970-01-01 00:00:00+00')
            END,
            '1970-01-01 00:00:00.000016+00'
          ) + CASE status
            WHEN 10
            THEN INTERVAL '10 MICROSECONDS'
            WHEN 0
            THEN INTERVAL '0 MICROSECONDS'
            WHEN 1
            THEN INTERVAL '1 MICROSECONDS'
            WHEN 2
            THEN INTERVAL '2 MICROSECONDS'
            WHEN 3
            THEN INTERVAL '3 MICROSECONDS'
            WHEN 4
            THEN INTERVAL '4 MICROSECONDS'
            WHEN 5
            THEN INTERVAL '5 MICROSECONDS'
            WHEN 6
            THEN INTERVAL '6 MICROSECONDS'
            WHEN 7
            THEN INTERVAL '7 MICROSECONDS'
            WHEN 8
            THEN INTERVAL '8 MICROSECONDS'
            WHEN 9
            THEN INTERVAL '9 MICROSECONDS'
          END AS hs,
          input,
          output,
          cached,
          CASE WHEN status = 10 THEN input END AS tin,
          CASE WHEN status = 10 THEN output END AS tout,
          CASE WHEN status = 10 THEN model END AS tmodel
        FROM (
          SELECT
            *,
            CASE
              WHEN keep = 0
              THEN 0
              WHEN t IS NULL
              THEN 1
              WHEN t < '1970-01-01 00:00:00+00' OR t >= '2200-01-01 00:00:00+00'
              THEN 2
              WHEN input IS NULL OR output IS NULL OR cached IS NULL
              THEN 4
              WHEN input * 0 + output * 0 + cached * 0 <> 0
              THEN 5
              WHEN input < 0 OR output < 0 OR cached < 0
              THEN 6
              WHEN cached > input
              THEN 7
              WHEN input > 100000000 OR output > 100000000
              THEN 8
              WHEN TRUE
              THEN 10
              ELSE 9
            END AS status
          FROM (
            SELECT
              CASE WHEN ISFINITE("startTime") THEN "startTime" END AS t,
              CAST("prompt_tokens" AS DOUBLE PRECISION) AS input,
              CAST("completion_tokens" AS DOUBLE PRECISION) AS output,
              COALESCE(
                COALESCE(
                  CASE
                    WHEN CAST(JSON_EXTRACT_PATH_TEXT(CAST("metadata" AS JSON), 'usage_object', 'prompt_tokens_details', 'cached_tokens') AS TEXT) ~ '^\s*[-+]?([0-9]{1,30}(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]{1,2})?\s*$'
                    THEN CAST(CAST(JSON_EXTRACT_PATH_TEXT(CAST("metadata" AS JSON), 'usage_object', 'prompt_tokens_details', 'cached_tokens') AS TEXT) AS DOUBLE PRECISION)
                    WHEN CAST(JSON_EXTRACT_PATH_TEXT(CAST("metadata" AS JSON), 'usage_object', 'prompt_tokens_details', 'cached_tokens') AS TEXT) ~ '^\s*([-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?|[0-9]{1,3}(,[0-9]{3})+)\s*$'
                    THEN CASE
                      WHEN CAST(JSON_EXTRACT_PATH_TEXT(CAST("metadata" AS JSON), 'usage_object', 'prompt_tokens_details', 'cached_tokens') AS TEXT) ~ '^\s*[0-9]{1,3}(,[0-9]{3}){1,9}\s*$'
                      THEN CAST(REPLACE(
                        CAST(JSON_EXTRACT_PATH_TEXT(CAST("metadata" AS JSON), 'usage_object', 'prompt_tokens_details', 'cached_tokens') AS TEXT),
                        ',',
                        ''
                      ) AS DOUBLE PRECISION)
                      WHEN CAST(JSON_EXTRACT_PATH_TEXT(CAST("metadata" AS JSON), 'usage_object', 'prompt_tokens_details', 'cached_tokens') AS TEXT) ~ '[eE]-'
                      THEN 0.0
                      WHEN TRIM(
                        CAST(JSON_EXTRACT_PATH_TEXT(CAST("metadata" AS JSON), 'usage_object', 'prompt_tokens_details', 'cached_tokens') AS TEXT)
                      ) LIKE '-%'
                      THEN CAST('-Infinity' AS DOUBLE PRECISION)
                      ELSE CAST('Infinity' AS DOUBLE PRECISION)
                    END
                    WHEN LOWER(
                      TRIM(
                        CAST(JSON_EXTRACT_PATH_TEXT(CAST("metadata" AS JSON), 'usage_object', 'prompt_tokens_details', 'cached_tokens') AS TEXT)
                      )
                    ) IN ('nan', 'inf', '+inf', '-inf', 'infinity', '+infinity', '-infinity')
                    THEN CAST(TRIM(
                      CAST(JSON_EXTRACT_PATH_TEXT(CAST("metadata" AS JSON), 'usage_object', 'prompt_tokens_details', 'cached_tokens') AS TEXT)
                    ) AS DOUBLE PRECISION)
                  END,
                  CASE
                    WHEN CAST(JSON_EXTRACT_PATH_TEXT(CAST("metadata" AS JSON), 'usage_object', 'cache_read_input_tokens') AS TEXT) ~ '^\s*[-+]?([0-9]{1,30}(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]{1,2})?\s*$'
                    THEN CAST(CAST(JSON_EXTRACT_PATH_TEXT(CAST("metadata" AS JSON), 'usage_object', 'cache_read_input_tokens') AS TEXT) AS DOUBLE PRECISION)
                    WHEN CAST(JSON_EXTRACT_PATH_TEXT(CAST("metadata" AS JSON), 'usage_object', 'cache_read_input_tokens') AS TEXT) ~ '^\s*([-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?|[0-9]{1,3}(,[0-9]{3})+)\s*$'
                    THEN CASE
                      WHEN CAST(JSON_EXTRACT_PATH_TEXT(CAST("metadata" AS JSON), 'usage_object', 'cache_read_input_tokens') AS TEXT) ~ '^\s*[0-9]{1,3}(,[0-9]{3}){1,9}\s*$'
                      THEN CAST(REPLACE(
                        CAST(JSON_EXTRACT_PATH_TEXT(CAST("metadata" AS JSON), 'usage_object', 'cache_read_input_tokens') AS TEXT),
                        ',',
                        ''
                      ) AS DOUBLE PRECISION)
                      WHEN CAST(JSON_EXTRACT_PATH_TEXT(CAST("metadata" AS JSON), 'usage_object', 'cache_read_input_tokens') AS TEXT) ~ '[eE]-'
                      THEN 0.0
                      WHEN TRIM(
                        CAST(JSON_EXTRACT_PATH_TEXT(CAST("metadata" AS JSON), 'usage_object', 'cache_read_input_tokens') AS TEXT)
                      ) LIKE '-%'
                      THEN CAST('-Infinity' AS DOUBLE PRECISION)
                      ELSE CAST('Infinity' AS DOUBLE PRECISION)
                    END
                    WHEN LOWER(
                      TRIM(
                        CAST(JSON_EXTRACT_PATH_TEXT(CAST("metadata" AS JSON), 'usage_object', 'cache_read_input_tokens') AS TEXT)
                      )
                    ) IN ('nan', 'inf', '+inf', '-inf', 'infinity', '+infinity', '-infinity')
                    THEN CAST(TRIM(
                      CAST(JSON_EXTRACT_PATH_TEXT(CAST("metadata" AS JSON), 'usage_object', 'cache_read_input_tokens') AS TEXT)
                    ) AS DOUBLE PRECISION)
                  END
                ),
                0.0
              ) AS cached,
              COALESCE(NULLIF(CAST("model" AS TEXT), ''), '(none)') AS model,
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
            OFFSET 0
          ) AS normalized
          OFFSET 0
        ) AS checked
        OFFSET 0
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
