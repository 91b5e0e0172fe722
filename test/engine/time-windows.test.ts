// TUMBLE, HOP and CUMULATE as views under seeded random inserts, updates and
// deletes, checked after every change (view and one-shot) against DuckDB
// computing the same windows from scratch with its own arithmetic: window
// starts from epoch microseconds, HOP and CUMULATE as a cross join with the
// possible window numbers. Also the binding errors users see.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';
import { DuckDbOracle } from '../differential/duckdb-oracle.js';
import { Prng } from '../differential/prng.js';
import type { OracleView } from './oracle-views.js';
import { applyToBoth, expectViewsMatch } from './oracle-views.js';

const MIN = 60_000_000; // µs

/** DuckDB: the window start of ts for windows of `size` µs aligned to the epoch plus `offset` µs. */
const duckAlign = (ts: string, size: number, offset = 0): string => `((epoch_us(${ts}) - ${offset}) // ${size}) * ${size} + ${offset}`;

const VIEWS: OracleView[] = [
  {
    // Rows with a NULL ts stay, in a window with NULL bounds.
    name: 'tumble_sum',
    freshet: "SELECT k, window_start, window_end, sum(v) AS s, count(*) AS c FROM TUMBLE(ev, DESCRIPTOR(ts), INTERVAL '10 minutes') GROUP BY k, window_start, window_end",
    duckdb: `SELECT k, make_timestamp(ws), make_timestamp(ws + ${10 * MIN}), sum(v), count(*) FROM (SELECT *, ${duckAlign('ts', 10 * MIN)} AS ws FROM ev) GROUP BY k, ws`,
  },
  {
    // RisingWave's spelling (no DESCRIPTOR), an offset, and the NULL-ts rows kept with NULL bounds.
    name: 'tumble_rows',
    freshet: "SELECT id, window_start, window_end FROM tumble(ev, ts, INTERVAL '7 minutes', INTERVAL '3 minutes')",
    duckdb: `SELECT id, make_timestamp(${duckAlign('ts', 7 * MIN, 3 * MIN)}), make_timestamp(${duckAlign('ts', 7 * MIN, 3 * MIN)} + ${7 * MIN}) FROM ev`,
  },
  {
    name: 'hop_max',
    freshet: "SELECT window_start, max(v) AS m, count(*) AS c FROM HOP(ev, DESCRIPTOR(ts), INTERVAL '5 minutes', INTERVAL '15 minutes') GROUP BY window_start",
    duckdb: `SELECT make_timestamp(ws), max(v), count(*) FROM (
      SELECT v, ${duckAlign('ts', 5 * MIN)} - r.k * ${5 * MIN} AS ws, epoch_us(ts) AS t FROM ev, range(0, 3) r(k) WHERE ts IS NOT NULL
    ) WHERE t < ws + ${15 * MIN} GROUP BY ws`,
  },
  {
    // A size that is not a multiple of the slide: rows fall in 2 or 3 windows.
    name: 'hop_uneven',
    freshet: "SELECT id, window_start, window_end FROM HOP(ev, DESCRIPTOR(ts), INTERVAL '4 minutes', INTERVAL '10 minutes') AS h WHERE h.v > 0",
    duckdb: `SELECT id, make_timestamp(ws), make_timestamp(ws + ${10 * MIN}) FROM (
      SELECT id, v, ${duckAlign('ts', 4 * MIN)} - r.k * ${4 * MIN} AS ws, epoch_us(ts) AS t FROM ev, range(0, 3) r(k) WHERE ts IS NOT NULL
    ) WHERE t < ws + ${10 * MIN} AND v > 0`,
  },
  {
    name: 'cumulate_sum',
    freshet: "SELECT k, window_start, window_end, sum(v) AS s FROM CUMULATE(ev, DESCRIPTOR(ts), INTERVAL '5 minutes', INTERVAL '20 minutes') GROUP BY k, window_start, window_end",
    duckdb: `SELECT k, make_timestamp(ws), make_timestamp(ws + r.j * ${5 * MIN}), sum(v) FROM
      (SELECT k, v, ${duckAlign('ts', 20 * MIN)} AS ws, epoch_us(ts) AS t FROM ev WHERE ts IS NOT NULL) e, range(1, 5) r(j)
      WHERE ws + r.j * ${5 * MIN} > t GROUP BY k, ws, r.j`,
  },
];

const BASE = Date.UTC(2024, 2, 10, 9, 0, 0);

function timestampLiteral(rng: Prng): string {
  if (rng.chance(0.08)) return 'NULL';
  const ms = BASE + rng.int(0, 2 * 3600) * 1000 + (rng.chance(0.3) ? rng.int(0, 999) : 0);
  return `'${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}'`;
}

function change(rng: Prng, next: { id: number }): string {
  switch (rng.int(0, 4)) {
    case 0:
    case 1: {
      const rows: string[] = [];
      for (let i = rng.int(1, 6); i > 0; i--) rows.push(`(${next.id++}, ${rng.int(1, 3)}, ${rng.int(-5, 20)}, ${timestampLiteral(rng)})`);
      return `INSERT INTO ev VALUES ${rows.join(', ')}`;
    }
    case 2:
      return `DELETE FROM ev WHERE id % 7 = ${rng.int(0, 6)}`;
    case 3:
      return `UPDATE ev SET ts = ${timestampLiteral(rng)} WHERE id = ${rng.int(1, Math.max(1, next.id - 1))}`;
    default:
      return `UPDATE ev SET v = v + ${rng.int(-3, 3)} WHERE k = ${rng.int(1, 3)}`;
  }
}

describe('time-window views equal DuckDB after every change', () => {
  let duck: DuckDbOracle;
  beforeAll(async () => {
    duck = await DuckDbOracle.open();
  });
  afterAll(() => duck.close());

  for (const seed of [11, 12, 13]) {
    it(`seed ${seed}`, async () => {
      const engine = new Engine({ clock: () => 0 });
      const rng = new Prng(seed);
      await duck.exec('DROP TABLE IF EXISTS ev');
      await applyToBoth(duck, engine, 'CREATE TABLE ev (id integer, k integer, v integer, ts timestamp)');
      const next = { id: 1 };
      // Half the views see rows that were there before they were created (backfill).
      await applyToBoth(duck, engine, change(rng, next));
      for (const v of VIEWS) await engine.sql(`CREATE MATERIALIZED VIEW ${v.name} AS ${v.freshet}`);
      for (let step = 0; step < 25; step++) {
        const sql = change(rng, next);
        await applyToBoth(duck, engine, sql);
        await expectViewsMatch(duck, engine, VIEWS, `step ${step}: ${sql}`);
      }
      await engine.close();
    });
  }
});

describe('time-window binding errors', () => {
  const cases: [string, string, RegExp][] = [
    ["SELECT * FROM TUMBLE(ev, DESCRIPTOR(k), INTERVAL '1 minute')", '42804', /needs a TIMESTAMP or TIMESTAMPTZ column; "k" is integer/],
    ["SELECT * FROM TUMBLE(ev, DESCRIPTOR(nope), INTERVAL '1 minute')", '42703', /column "nope" does not exist in "ev"/],
    ["SELECT * FROM TUMBLE(nope, DESCRIPTOR(ts), INTERVAL '1 minute')", '42P01', /relation "nope" does not exist/],
    ["SELECT * FROM TUMBLE(ev, DESCRIPTOR(ts), INTERVAL '1 month')", '0A000', /months vary in length/],
    ["SELECT * FROM HOP(ev, DESCRIPTOR(ts), INTERVAL '0', INTERVAL '1 minute')", '22023', /slide of HOP must be positive/],
    ["SELECT * FROM HOP(ev, DESCRIPTOR(ts), INTERVAL '1 minute', INTERVAL '-1 minute')", '22023', /size of HOP must be positive/],
    ["SELECT * FROM HOP(ev, DESCRIPTOR(ts), INTERVAL '1 minute')", '42883', /HOP takes 4 or 5 arguments, got 3/],
    ["SELECT * FROM CUMULATE(ev, DESCRIPTOR(ts), INTERVAL '3 minutes', INTERVAL '10 minutes')", '22023', /whole number of steps/],
    ['SELECT * FROM TUMBLE(ev, DESCRIPTOR(ts), v)', '22023', /must be a constant interval, not column "v"/],
  ];
  for (const [sql, code, message] of cases) {
    it(sql, async () => {
      const engine = new Engine();
      await engine.sql('CREATE TABLE ev (id integer, k integer, v integer, ts timestamp)');
      await expect(engine.sql(sql)).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
    });
  }

  it('EXPLAIN names the windows and their cost', async () => {
    const engine = new Engine();
    await engine.sql('CREATE TABLE ev (id integer, k integer, v integer, ts timestamp)');
    await engine.sql("CREATE MATERIALIZED VIEW h AS SELECT window_start, count(*) FROM HOP(ev, DESCRIPTOR(ts), INTERVAL '5 minutes', INTERVAL '15 minutes') GROUP BY window_start");
    const text = (await engine.sql('EXPLAIN VIEW h')).rows.map((r) => String(r[0])).join('\n');
    expect(text).toMatch(/TimeWindow HOP\(ev, ts, slide 00:05:00, size 00:15:00\)/);
    expect(text).toMatch(/up to 3 windows per row/);
  });
});
