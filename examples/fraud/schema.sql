-- Fraud: a burst of failed logins followed by a large transfer.
--
-- Rule: flag a transfer of more than 1,000 when the same account had at
-- least 10 failed logins in the 10 minutes up to the transfer (from
-- transfer time - 10 minutes to transfer time, both ends included).
-- Times are event times (when it happened at the bank), not arrival times.

-- Every login attempt. The watermark trails the newest login by 5 seconds;
-- a login may still arrive up to 1 minute behind the watermark and count
-- (a late login corrects the flags). Later than that it is not applied: it
-- goes to freshet_quarantine with reason 'late'.
CREATE TABLE logins (
  account TEXT NOT NULL,
  ts      TIMESTAMP,
  success BOOLEAN NOT NULL,
  ip      TEXT,
  WATERMARK FOR ts AS ts - INTERVAL '5 seconds'
) APPEND ONLY WITH (allowed_lateness = '1 minute');

CREATE TABLE transfers (
  id         BIGINT PRIMARY KEY,
  account    TEXT NOT NULL,
  ts         TIMESTAMP,
  amount     NUMERIC(12, 2) NOT NULL,
  to_account TEXT,
  WATERMARK FOR ts AS ts - INTERVAL '5 seconds'
) APPEND ONLY WITH (allowed_lateness = '1 minute');

-- The pattern as a join on the account with a time range, counted per
-- transfer. A transfer appears here as soon as its 10th failed login is in,
-- whichever of the two arrives last.
CREATE MATERIALIZED VIEW flagged_transfers AS
  SELECT t.id, t.account, t.ts, t.amount,
         count(*)  AS failed_logins,
         min(l.ts) AS first_failure,
         count(DISTINCT l.ip) AS distinct_ips
  FROM transfers t
  JOIN logins l
    ON l.account = t.account
   AND NOT l.success
   AND l.ts BETWEEN t.ts - INTERVAL '10 minutes' AND t.ts
  WHERE t.amount > 1000
  GROUP BY t.id, t.account, t.ts, t.amount
  HAVING count(*) >= 10;

-- For the operations screen: flags per account, and the late logins.
CREATE MATERIALIZED VIEW flagged_accounts AS
  SELECT account, count(*) AS flagged, sum(amount) AS at_risk, max(ts) AS last_flag
  FROM flagged_transfers
  GROUP BY account;

CREATE MATERIALIZED VIEW late_logins AS
  SELECT row_data ->> 'account' AS account, event_time, closed_before
  FROM freshet_quarantine
  WHERE table_name = 'logins';
