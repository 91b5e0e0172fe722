// SESSION windows as views under seeded random inserts, updates and deletes
// (rows that merge sessions, split them, move between partitions), checked
// after every change (view and one-shot) against DuckDB computing sessions
// from scratch with window functions: lag() finds the gaps of at least `gap`,
// a running sum of them numbers the sessions, min/max per session give the
// bounds. Also EMIT ON WINDOW CLOSE over sessions, the binding errors users
// see, and EXPLAIN.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';
import { DuckDbOracle } from '../differential/duckdb-oracle.js';
import { canonFreshet, diffMultisets, formatRow } from '../differential/comparator.js';
import type { Row } from '../differential/comparator.js';
import { Prng } from '../differential/prng.js';
import type { OracleView } from './oracle-views.js';
import { applyToBoth, expectViewsMatch } from './oracle-views.js';

const MIN = 60_000_000; // µs

/**
 * DuckDB: `source`'s rows with a ts, plus ws/we (µs) of their sessions per
 * partition `keys` (a comma list, or '' for none) for a gap of `gap` µs.
 * Ties in ts are peers under the default RANGE frame, so they share a session.
 */
function duckSessions(source: string, keys: string, gap: number): string {
  const part = keys === '' ? '' : `PARTITION BY ${keys}`;
  const sessionPart = keys === '' ? 'PARTITION BY sid' : `PARTITION BY ${keys}, sid`;
  return `(SELECT *, min(t) OVER (${sessionPart}) AS ws, max(t) OVER (${sessionPart}) + ${gap} AS we FROM (
      SELECT *, sum(brk) OVER (${part} ORDER BY t) AS sid FROM (
        SELECT *, CASE WHEN lag(t) OVER (${part} ORDER BY t) IS NULL OR t - lag(t) OVER (${part} ORDER BY t) >= ${gap} THEN 1 ELSE 0 END AS brk
        FROM (SELECT *, epoch_us(ts) AS t FROM ${source} WHERE ts IS NOT NULL)
      )
    ))`;
}

const VIEWS: OracleView[] = [
  {
    name: 'session_rows',
    freshet: "SELECT id, k, v, window_start, window_end FROM SESSION(ev, DESCRIPTOR(ts), DESCRIPTOR(k), INTERVAL '5 minutes')",
    duckdb: `SELECT id, k, v, make_timestamp(ws), make_timestamp(we) FROM ${duckSessions('ev', 'k', 5 * MIN)}`,
  },
  {
    // The aggregate a session view is for: rows and sum per session per key.
    name: 'session_counts',
    freshet: "SELECT k, window_start, window_end, count(*) AS c, sum(v) AS s FROM SESSION(ev, DESCRIPTOR(ts), DESCRIPTOR(k), INTERVAL '5 minutes') GROUP BY k, window_start, window_end",
    duckdb: `SELECT k, make_timestamp(ws), make_timestamp(we), count(*), sum(v) FROM ${duckSessions('ev', 'k', 5 * MIN)} GROUP BY k, ws, we`,
  },
  {
    // One partition (no key), a longer gap: sessions span keys.
    name: 'session_global',
    freshet: "SELECT window_start, window_end, count(*) AS c, max(v) AS m FROM SESSION(ev, DESCRIPTOR(ts), INTERVAL '10 minutes') GROUP BY window_start, window_end",
    duckdb: `SELECT make_timestamp(ws), make_timestamp(we), count(*), max(v) FROM ${duckSessions('ev', '', 10 * MIN)} GROUP BY ws, we`,
  },
  {
    // The bare-column spelling, an alias, and a filter over the session's rows.
    name: 'session_filtered',
    freshet: "SELECT id, window_end FROM SESSION(ev, ts, INTERVAL '3 minutes') AS s WHERE s.v > 0",
    duckdb: `SELECT id, make_timestamp(we) FROM ${duckSessions('ev', '', 3 * MIN)} WHERE v > 0`,
  },
  {
    // Over a WITH query, partitioned by two columns (one computed).
    name: 'session_cte',
    freshet: "WITH p AS (SELECT id, k, v % 2 AS par, ts FROM ev WHERE v >= 0) SELECT k, par, window_start, count(*) AS c FROM SESSION(p, DESCRIPTOR(ts), DESCRIPTOR(k, par), INTERVAL '4 minutes') GROUP BY k, par, window_start",
    duckdb: `SELECT k, par, make_timestamp(ws), count(*) FROM ${duckSessions('(SELECT id, k, v % 2 AS par, ts FROM ev WHERE v >= 0)', 'k, par', 4 * MIN)} GROUP BY k, par, ws`,
  },
];

const BASE = Date.UTC(2024, 2, 10, 9, 0, 0);

function timestampLiteral(rng: Prng): string {
  if (rng.chance(0.08)) return 'NULL';
  const ms = BASE + rng.int(0, 120) * 60_000 + (rng.chance(0.5) ? rng.int(0, 59) * 1000 : 0);
  return `'${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}'`;
}

function change(rng: Prng, next: { id: number }): string {
  switch (rng.int(0, 5)) {
    case 0:
    case 1: {
      const rows: string[] = [];
      for (let i = rng.int(1, 6); i > 0; i--) {
        const k = rng.chance(0.1) ? 'NULL' : String(rng.int(1, 3));
        rows.push(`(${next.id++}, ${k}, ${rng.int(-5, 20)}, ${timestampLiteral(rng)})`);
      }
      return `INSERT INTO ev VALUES ${rows.join(', ')}`;
    }
    case 2:
      return `DELETE FROM ev WHERE id % 9 = ${rng.int(0, 8)}`;
    case 3:
      // Moves a row in time: its old session may split, its new one merge.
      return `UPDATE ev SET ts = ${timestampLiteral(rng)} WHERE id = ${rng.int(1, Math.max(1, next.id - 1))}`;
    case 4:
      return `UPDATE ev SET k = ${rng.int(1, 3)} WHERE id % 5 = ${rng.int(0, 4)}`;
    default:
      return `UPDATE ev SET v = v + ${rng.int(-3, 3)} WHERE k = ${rng.int(1, 3)}`;
  }
}

describe('SESSION views equal DuckDB after every change', () => {
  let duck: DuckDbOracle;
  beforeAll(async () => {
    duck = await DuckDbOracle.open();
  });
  afterAll(() => duck.close());

  for (const seed of [21, 22, 23]) {
    it(`seed ${seed}`, async () => {
      const engine = new Engine({ clock: () => 0 });
      const rng = new Prng(seed);
      await duck.exec('DROP TABLE IF EXISTS ev');
      await applyToBoth(duck, engine, 'CREATE TABLE ev (id integer, k integer, v integer, ts timestamp)');
      const next = { id: 1 };
      // The views see rows that were there before they were created (backfill).
      for (let i = 0; i < 4; i++) await applyToBoth(duck, engine, change(rng, next));
      for (const v of VIEWS) await engine.sql(`CREATE MATERIALIZED VIEW ${v.name} AS ${v.freshet}`);
      await expectViewsMatch(duck, engine, VIEWS, 'backfill');
      for (let step = 0; step < 30; step++) {
        const sql = change(rng, next);
        await applyToBoth(duck, engine, sql);
        await expectViewsMatch(duck, engine, VIEWS, `step ${step}: ${sql}`);
      }
      await engine.close();
    });
  }
});

describe('SESSION with EMIT ON WINDOW CLOSE', () => {
  let duck: DuckDbOracle;
  beforeAll(async () => {
    duck = await DuckDbOracle.open();
  });
  afterAll(() => duck.close());

  const canon = async (engine: Engine, sql: string): Promise<Row[]> => {
    const r = await engine.sql(sql);
    return r.rows.map((row) => row.map((v, i) => canonFreshet(v, r.fields[i]!.dataTypeID)));
  };

  it('a session appears once the close point passes its end, and never changes', async () => {
    const engine = new Engine();
    const rng = new Prng(31);
    await engine.sql("CREATE TABLE ev (id integer, k integer, v integer, ts timestamp, WATERMARK FOR ts AS ts - INTERVAL '2 minutes') WITH (allowed_lateness = '1 minute')");
    // window_start is selected first but only window_end can say a session is final.
    await engine.sql("CREATE MATERIALIZED VIEW closed AS SELECT k, window_start, window_end, count(*) AS c FROM SESSION(ev, DESCRIPTOR(ts), DESCRIPTOR(k), INTERVAL '3 minutes') GROUP BY k, window_start, window_end EMIT ON WINDOW CLOSE");
    let emitted: Row[] = [];
    let id = 0;
    let sawSome = false;
    for (let step = 0; step < 30; step++) {
      const rows: string[] = [];
      for (let n = rng.int(1, 4); n > 0; n--) {
        rows.push(`(${++id}, ${rng.int(1, 2)}, ${rng.int(0, 9)}, TIMESTAMP '2024-05-01 00:00:00' + INTERVAL '${step * 90 + rng.int(-150, 60)} seconds')`);
      }
      await engine.sql(`INSERT INTO ev VALUES ${rows.join(', ')}`);
      await duck.exec('DROP TABLE IF EXISTS ev');
      await duck.exec('CREATE TABLE ev (id integer, k integer, v integer, ts timestamp)');
      const accepted = await engine.sql('SELECT id, k, v, ts FROM ev');
      await duck.exec(`INSERT INTO ev VALUES ${accepted.rows.map((r) => `(${r[0]}, ${r[1]}, ${r[2]}, TIMESTAMP '${String(r[3])}')`).join(', ')}`);
      const close = Number((await engine.sql("SELECT extract(epoch FROM watermark) * 1000000 - 60000000 FROM freshet_watermarks WHERE table_name = 'ev'")).rows[0]![0]);
      const expected = (await duck.query(
        `SELECT k, make_timestamp(ws), make_timestamp(we), count(*) FROM ${duckSessions('ev', 'k', 3 * MIN)} GROUP BY k, ws, we HAVING we <= ${close}`,
      )).rows;
      const actual = await canon(engine, 'SELECT * FROM closed');
      const diff = diffMultisets(expected, actual);
      expect(diff, `step ${step}: missing ${diff?.missing.map(formatRow).join('; ')} unexpected ${diff?.unexpected.map(formatRow).join('; ')}`).toBeNull();
      const now = actual.map(formatRow);
      for (const before of emitted) expect(now, `an emitted session changed at step ${step}`).toContain(formatRow(before));
      emitted = actual;
      sawSome ||= actual.length > 0;
    }
    expect(sawSome).toBe(true);
  });
});

describe('SESSION binding errors', () => {
  const cases: [string, string, RegExp][] = [
    ["SELECT * FROM SESSION(ev, DESCRIPTOR(ts), INTERVAL '0')", '22023', /gap of SESSION must be positive/],
    ["SELECT * FROM SESSION(ev, DESCRIPTOR(ts), INTERVAL '-5 minutes')", '22023', /gap of SESSION must be positive/],
    ["SELECT * FROM SESSION(ev, DESCRIPTOR(ts), INTERVAL '1 month')", '0A000', /gap of SESSION has months \(1 mon\).*months vary in length/],
    ["SELECT * FROM SESSION(ev, DESCRIPTOR(k), INTERVAL '5 minutes')", '42804', /SESSION needs a TIMESTAMP or TIMESTAMPTZ column; "k" is integer/],
    ["SELECT * FROM SESSION(ev, DESCRIPTOR(ts), DESCRIPTOR(nope), INTERVAL '5 minutes')", '42703', /column "nope" does not exist in "ev"/],
    ["SELECT * FROM SESSION(ev, DESCRIPTOR(ts), k, INTERVAL '5 minutes')", '42601', /must list the partition columns, as DESCRIPTOR\(column, \.\.\.\)/],
    ["SELECT * FROM SESSION(ev, DESCRIPTOR(ts), DESCRIPTOR(k + 1), INTERVAL '5 minutes')", '42601', /partition columns must be plain column names of "ev"/],
    ['SELECT * FROM SESSION(ev, DESCRIPTOR(ts))', '42883', /SESSION takes 3 or 4 arguments, got 2/],
    ['SELECT * FROM SESSION(ev, DESCRIPTOR(ts), v)', '22023', /gap of SESSION must be a constant interval, not column "v"/],
  ];
  for (const [sql, code, message] of cases) {
    it(sql, async () => {
      const engine = new Engine();
      await engine.sql('CREATE TABLE ev (id integer, k integer, v integer, ts timestamp)');
      await expect(engine.sql(sql)).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
    });
  }

  it('EMIT ON WINDOW CLOSE needs window_end of a session, not its start', async () => {
    const engine = new Engine();
    await engine.sql("CREATE TABLE ev (id integer, k integer, ts timestamp, WATERMARK FOR ts AS ts - INTERVAL '1 minute')");
    await expect(engine.sql("CREATE MATERIALIZED VIEW a AS SELECT window_start, count(*) FROM SESSION(ev, DESCRIPTOR(ts), INTERVAL '5 minutes') GROUP BY window_start EMIT ON WINDOW CLOSE"))
      .rejects.toMatchObject({ code: '0A000', message: expect.stringMatching(/window_end of SESSION/) });
  });

  it('keeps TIMESTAMPTZ bounds and EXPLAIN names the operator, its state and cost', async () => {
    const engine = new Engine();
    await engine.sql('CREATE TABLE tz (k integer, ts timestamptz)');
    await engine.sql("INSERT INTO tz VALUES (1, '2024-01-01 10:00:00+00'), (1, '2024-01-01 10:02:00+00'), (2, '2024-01-01 10:03:00+00')");
    await engine.sql("CREATE MATERIALIZED VIEW s AS SELECT k, window_start, window_end, count(*) AS c FROM SESSION(tz, DESCRIPTOR(ts), DESCRIPTOR(k), INTERVAL '90 seconds') GROUP BY k, window_start, window_end");
    const r = await engine.sql('SELECT * FROM s ORDER BY k, window_start');
    expect(r.fields.map((f) => f.dataTypeID)).toEqual([23, 1184, 1184, 20]);
    // 10:00 and 10:02 are 2 minutes apart: more than the gap, so two sessions for k = 1.
    expect(r.rows.map((row) => row.map(String))).toEqual([
      ['1', '2024-01-01 10:00:00+00', '2024-01-01 10:01:30+00', '1'],
      ['1', '2024-01-01 10:02:00+00', '2024-01-01 10:03:30+00', '1'],
      ['2', '2024-01-01 10:03:00+00', '2024-01-01 10:04:30+00', '1'],
    ]);
    const text = (await engine.sql('EXPLAIN VIEW s')).rows.map((row) => String(row[0])).join('\n');
    expect(text).toMatch(/SessionWindow SESSION\(tz, ts, gap 00:01:30, partition by k\)/);
    expect(text).toMatch(/per partition the rows ordered by time/);
    expect(text).toMatch(/plus the rows of the sessions it touches/);
  });
});
