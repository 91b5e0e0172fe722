-- Dashboard: page views per minute over the last hour, each minute compared
-- with the same minute of the day over the previous 7 days.
--
-- Live data: the page_views stream. Historical data: minute_history, one
-- row per past minute, loaded in bulk (from a warehouse, say) and then kept
-- up to date by Freshet itself: every minute that closes is archived into it.

CREATE TABLE page_views (
  ts         TIMESTAMP,
  path       TEXT NOT NULL,
  user_id    BIGINT,
  latency_ms DOUBLE PRECISION,
  WATERMARK FOR ts AS ts - INTERVAL '10 seconds'
) APPEND ONLY WITH (allowed_lateness = '30 seconds');

CREATE TABLE minute_history (
  minute TIMESTAMP PRIMARY KEY,
  views  BIGINT NOT NULL
);

-- Live: minutes of the last hour. The temporal filter drops a row an hour
-- after its minute started, so this view (and its state) holds one hour.
-- The newest minute is still filling.
CREATE MATERIALIZED VIEW views_per_minute AS
  SELECT window_start AS minute, count(*) AS views, round(avg(latency_ms)) AS avg_latency_ms
  FROM TUMBLE(page_views, DESCRIPTOR(ts), INTERVAL '1 minute')
  WHERE window_start > now() - INTERVAL '1 hour'
  GROUP BY window_start;

-- Archive: a minute's final count, once the watermark (less the allowed
-- lateness) has passed its end, goes into minute_history.
CREATE MATERIALIZED VIEW closed_minutes AS
  SELECT window_start AS minute, count(*) AS views
  FROM TUMBLE(page_views, DESCRIPTOR(ts), INTERVAL '1 minute')
  GROUP BY window_start
  EMIT ON WINDOW CLOSE;
CREATE SINK archive FROM closed_minutes INTO TABLE minute_history;

-- The blend: each live minute next to the average of the same minute of the
-- day on each of the 7 previous days (a day with no row counts as 0 views).
CREATE MATERIALIZED VIEW dashboard AS
  SELECT l.minute,
         l.views,
         round(coalesce(sum(h.views), 0) / 7.0, 1) AS avg_7d,
         round((l.views * 7.0 / nullif(sum(h.views), 0) - 1) * 100, 1) AS change_pct,
         CASE WHEN sum(h.views) IS NULL THEN 'no history'
              WHEN l.views * 7 > 2 * sum(h.views) THEN 'spike'
              WHEN l.views * 7 < 0.5 * sum(h.views) THEN 'dip'
              ELSE 'normal' END AS status
  FROM views_per_minute l
  LEFT JOIN minute_history h
    ON extract(hour FROM h.minute) = extract(hour FROM l.minute)
   AND extract(minute FROM h.minute) = extract(minute FROM l.minute)
   AND h.minute >= l.minute - INTERVAL '7 days'
   AND h.minute < l.minute
  GROUP BY l.minute, l.views;
