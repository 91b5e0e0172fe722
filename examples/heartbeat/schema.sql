-- Heartbeat: sensors that stopped reporting.
--
-- A sensor is silent when its newest reading (or, if it never reported, its
-- installation) is 60 seconds old or more by the engine clock. It appears in
-- silent_sensors at that instant, with no new data needed (the clock drives
-- the view), and disappears with the commit that brings its next reading.

-- The registry: which sensors should be reporting. Deleting a sensor here
-- (decommissioned) removes it from silent_sensors.
CREATE TABLE sensors (
  sensor       TEXT PRIMARY KEY,
  site         TEXT NOT NULL,
  installed_at TIMESTAMP NOT NULL
);

-- Readings, by event time. A reading may be buffered on the device and
-- arrive up to 30 seconds behind the watermark and still count.
CREATE TABLE readings (
  sensor      TEXT NOT NULL,
  ts          TIMESTAMP,
  temperature DOUBLE PRECISION,
  WATERMARK FOR ts AS ts - INTERVAL '5 seconds'
) APPEND ONLY WITH (allowed_lateness = '30 seconds');

-- The newest reading per sensor (a small view: one row per sensor).
CREATE MATERIALIZED VIEW last_reading AS
  SELECT sensor, max(ts) AS last_seen, count(*) AS readings
  FROM readings
  GROUP BY sensor;

-- The absence: a temporal filter on now(), so rows enter as time passes.
CREATE MATERIALIZED VIEW silent_sensors AS
  SELECT s.sensor, s.site, l.last_seen
  FROM sensors s
  LEFT JOIN last_reading l ON l.sensor = s.sensor
  WHERE coalesce(l.last_seen, s.installed_at) <= now() - INTERVAL '60 seconds';

-- What a control room watches: silent sensors per site.
CREATE MATERIALIZED VIEW silent_per_site AS
  SELECT site, count(*) AS silent
  FROM silent_sensors
  GROUP BY site;
