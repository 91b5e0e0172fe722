// Automatic state cleanup of windowed aggregates (plan/state-bounds.ts): an
// unbounded stream keeps each aggregate's state under a bound computed from
// the window, the watermark delay and the lateness (while the views stay equal
// to a naive recompute written here); random batches with late and
// out-of-order rows and deletes match DuckDB over the accepted rows; a failed
// commit puts evicted state back; views that cannot be bounded still work and
// EXPLAIN says so.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';
import { DuckDbOracle } from '../differential/duckdb-oracle.js';
import { Prng } from '../differential/prng.js';
import type { OracleView } from './oracle-views.js';
import { expectViewsMatch } from './oracle-views.js';

const SEC = 1_000_000; // µs
const MIN = 60 * SEC;
const BASE_MS = Date.UTC(2024, 4, 1, 0, 0, 0);

function stateOf(engine: Engine, view: string, operator: string): number {
  const found = engine.stateSizes(view).filter((s) => s.operator === operator);
  expect(found, `${view} has one ${operator}`).toHaveLength(1);
  return found[0]!.entries;
}

async function explain(engine: Engine, view: string): Promise<string> {
  return (await engine.sql(`EXPLAIN VIEW ${view}`)).rows.map((r) => String(r[0])).join('\n');
}

describe('state cleanup of windowed aggregates over an unbounded stream', () => {
  it('keeps TUMBLE and HOP aggregate state bounded over 200k events, with correct results', async () => {
    const KEYS = 10;
    const DELAY = 30 * SEC;
    const LATENESS = 10 * SEC;
    const BATCH = 1000;
    const BATCHES = 200;
    const STEP_MS = 100; // 10 events per second
    const engine = new Engine();
    await engine.sql("CREATE TABLE ev (k integer, v integer, ts timestamp, WATERMARK FOR ts AS ts - INTERVAL '30 seconds') WITH (allowed_lateness = '10 seconds')");
    await engine.sql("CREATE MATERIALIZED VIEW tumble_v AS SELECT k, window_end, count(*) AS n, sum(v) AS s FROM TUMBLE(ev, DESCRIPTOR(ts), INTERVAL '1 minute') GROUP BY k, window_end");
    await engine.sql("CREATE MATERIALIZED VIEW hop_v AS SELECT k, window_start, max(v) AS m, count(*) AS n FROM HOP(ev, DESCRIPTOR(ts), INTERVAL '1 minute', INTERVAL '5 minutes') GROUP BY k, window_start");
    // Windows whose end is past the close point and whose start is at or before the newest
    // row: ends lie in (close, newest + size] with close = newest - DELAY - LATENESS.
    const openWindows = (size: number, slide: number): number => Math.floor((DELAY + LATENESS + size) / slide) + 1;
    const tumbleBound = KEYS * openWindows(MIN, MIN);
    const hopBound = KEYS * openWindows(5 * MIN, MIN);
    const rng = new Prng(11);
    // The oracle: per (k, window) folds written here, independently of the engine.
    const tumble = new Map<string, { n: number; s: number }>();
    const hop = new Map<string, { m: number; n: number }>();
    let maxTumble = 0;
    let maxHop = 0;
    for (let b = 0; b < BATCHES; b++) {
      const rows: Record<string, unknown>[] = [];
      for (let j = 0; j < BATCH; j++) {
        const i = b * BATCH + j;
        // Out of order by up to 20 s: within the watermark delay, so no row is late.
        const ms = BASE_MS + i * STEP_MS - rng.int(0, 20_000);
        const k = rng.int(0, KEYS - 1);
        const v = rng.int(-50, 50);
        rows.push({ k, v, ts: new Date(ms) });
        const us = ms * 1000;
        const tEnd = Math.floor(us / MIN) * MIN + MIN;
        const t = tumble.get(`${k}|${tEnd}`) ?? { n: 0, s: 0 };
        tumble.set(`${k}|${tEnd}`, { n: t.n + 1, s: t.s + v });
        for (let start = Math.floor(us / MIN) * MIN; start > us - 5 * MIN; start -= MIN) {
          const h = hop.get(`${k}|${start}`) ?? { m: -Infinity, n: 0 };
          hop.set(`${k}|${start}`, { m: Math.max(h.m, v), n: h.n + 1 });
        }
      }
      await engine.insert('ev', rows);
      const t = stateOf(engine, 'tumble_v', 'Aggregate');
      const h = stateOf(engine, 'hop_v', 'Aggregate');
      expect(t, `TUMBLE state after batch ${b}`).toBeLessThanOrEqual(tumbleBound);
      expect(h, `HOP state after batch ${b}`).toBeLessThanOrEqual(hopBound);
      maxTumble = Math.max(maxTumble, t);
      maxHop = Math.max(maxHop, h);
    }
    expect(Number((await engine.sql('SELECT late_rows FROM freshet_watermarks')).rows[0]![0])).toBe(0);
    // The views keep every window, closed or not: far more rows than the state ever held.
    const tumbleRows = (await engine.sql('SELECT k, extract(epoch FROM window_end) * 1000000, n, s FROM tumble_v')).rows;
    expect(tumbleRows.length).toBe(tumble.size);
    expect(tumbleRows.length).toBeGreaterThan(20 * maxTumble);
    for (const [k, end, n, s] of tumbleRows) {
      expect(tumble.get(`${k}|${Number(end)}`), `tumble ${k} ${end}`).toEqual({ n: Number(n), s: Number(s) });
    }
    const hopRows = (await engine.sql('SELECT k, extract(epoch FROM window_start) * 1000000, m, n FROM hop_v')).rows;
    expect(hopRows.length).toBe(hop.size);
    expect(hopRows.length).toBeGreaterThan(20 * maxHop);
    for (const [k, start, m, n] of hopRows) {
      expect(hop.get(`${k}|${Number(start)}`), `hop ${k} ${start}`).toEqual({ m: Number(m), n: Number(n) });
    }
  }, 120_000);
});

const MIN_DUCK = 60_000_000;
const align = (size: number): string => `(epoch_us(ts) // ${size}) * ${size}`;

const VIEWS: OracleView[] = [
  {
    name: 'tumble_sum',
    freshet: "SELECT k, window_start, window_end, sum(v) AS s, count(*) AS n FROM TUMBLE(ev, DESCRIPTOR(ts), INTERVAL '2 minutes') GROUP BY k, window_start, window_end",
    duckdb: `SELECT k, make_timestamp(ws), make_timestamp(ws + ${2 * MIN_DUCK}), sum(v), count(*) FROM (SELECT *, ${align(2 * MIN_DUCK)} AS ws FROM ev) GROUP BY k, ws`,
  },
  {
    // Grouped by window_start only: closed at window_start + size.
    name: 'hop_minmax',
    freshet: "SELECT window_start, min(v) AS lo, max(v) AS hi, count(DISTINCT k) AS keys FROM HOP(ev, DESCRIPTOR(ts), INTERVAL '1 minute', INTERVAL '3 minutes') GROUP BY window_start",
    duckdb: `SELECT make_timestamp(ws), min(v), max(v), count(DISTINCT k) FROM (
      SELECT k, v, ${align(MIN_DUCK)} - r.j * ${MIN_DUCK} AS ws, epoch_us(ts) AS t FROM ev, range(0, 3) r(j)
    ) WHERE t < ws + ${3 * MIN_DUCK} GROUP BY ws`,
  },
  {
    // Grouped by the event time itself: a group closes once ts < close point.
    name: 'per_instant',
    freshet: 'SELECT ts, count(*) AS n, sum(v) AS s FROM ev WHERE v > -8 GROUP BY ts',
    duckdb: 'SELECT ts, count(*), sum(v) FROM ev WHERE v > -8 GROUP BY ts',
  },
  {
    // DISTINCT keyed by a window bound is an aggregate without calls.
    name: 'distinct_windows',
    freshet: "SELECT DISTINCT k, window_end FROM TUMBLE(ev, DESCRIPTOR(ts), INTERVAL '1 minute')",
    duckdb: `SELECT DISTINCT k, make_timestamp(${align(MIN_DUCK)} + ${MIN_DUCK}) FROM ev`,
  },
];

async function syncOracle(duck: DuckDbOracle, engine: Engine): Promise<void> {
  await duck.exec('DROP TABLE IF EXISTS ev');
  await duck.exec('CREATE TABLE ev (id integer, k integer, v integer, ts timestamp)');
  const accepted = await engine.sql('SELECT id, k, v, ts FROM ev');
  if (accepted.rows.length > 0) {
    await duck.exec(`INSERT INTO ev VALUES ${accepted.rows.map((r) => `(${r[0]}, ${r[1]}, ${r[2]}, TIMESTAMP '${String(r[3])}')`).join(', ')}`);
  }
}

describe('state cleanup of windowed aggregates, differential against DuckDB', () => {
  let duck: DuckDbOracle;
  beforeAll(async () => {
    duck = await DuckDbOracle.open();
  });
  afterAll(() => duck.close());

  for (const seed of [21, 22, 23]) {
    it(`seed ${seed}: late, out-of-order and deleted rows; views equal a recompute over the accepted rows`, async () => {
      const engine = new Engine();
      const rng = new Prng(seed);
      await engine.sql("CREATE TABLE ev (id integer, k integer, v integer, ts timestamp, WATERMARK FOR ts AS ts - INTERVAL '1 minute') WITH (allowed_lateness = '30 seconds')");
      for (const v of VIEWS) await engine.sql(`CREATE MATERIALIZED VIEW ${v.name} AS ${v.freshet}`);
      let id = 0;
      let refused = 0;
      let evictedSomething = false;
      for (let step = 0; step < 40; step++) {
        if (step > 0 && rng.chance(0.25)) {
          // A delete: refused (55000) when the row's time is closed, applied otherwise.
          const victim = rng.int(1, id);
          try {
            await engine.sql(`DELETE FROM ev WHERE id = ${victim}`);
          } catch (err) {
            expect((err as { code?: string }).code).toBe('55000');
            refused++;
          }
        } else {
          const rows: string[] = [];
          for (let n = rng.int(1, 8); n > 0; n--) {
            // Time moves ~30 s per step; rows land up to 3 minutes behind: some late, many out of order.
            const sec = step * 30 + rng.int(-180, 20);
            rows.push(`(${++id}, ${rng.int(1, 3)}, ${rng.int(-10, 10)}, TIMESTAMP '2024-05-01 00:00:00' + INTERVAL '${sec} seconds')`);
          }
          await engine.sql(`INSERT INTO ev VALUES ${rows.join(', ')}`);
        }
        await syncOracle(duck, engine);
        await expectViewsMatch(duck, engine, VIEWS, `seed ${seed} step ${step}`);
        const stored = (await engine.sql('SELECT count(*) FROM tumble_sum')).rows[0]![0];
        if (stateOf(engine, 'tumble_sum', 'Aggregate') < Number(stored)) evictedSomething = true;
      }
      expect(evictedSomething, 'some closed groups were dropped').toBe(true);
      expect(Number((await engine.sql('SELECT late_rows FROM freshet_watermarks')).rows[0]![0]) + refused).toBeGreaterThan(0);
    }, 60_000);
  }

  it('a failed commit puts evicted groups back', async () => {
    const engine = new Engine();
    await engine.sql("CREATE TABLE ev (k integer, v integer, ts timestamp, WATERMARK FOR ts AS ts) WITH (allowed_lateness = '1 minute')");
    await engine.sql("CREATE MATERIALIZED VIEW w AS SELECT k, window_end, count(*) AS n, sum(v) AS s FROM TUMBLE(ev, DESCRIPTOR(ts), INTERVAL '1 minute') GROUP BY k, window_end");
    // Created last, so it steps after w has evicted: dividing by v - 13 fails the whole commit.
    await engine.sql('CREATE MATERIALIZED VIEW boom AS SELECT 100 / (v - 13) AS q FROM ev');
    await engine.sql("INSERT INTO ev VALUES (1, 1, '2024-05-01 00:00:10'), (2, 2, '2024-05-01 00:00:20')");
    expect(stateOf(engine, 'w', 'Aggregate')).toBe(2);
    // Moves the close point to 00:09:00 (closing the first window) and fails.
    await expect(engine.sql("INSERT INTO ev VALUES (1, 13, '2024-05-01 00:10:00')")).rejects.toMatchObject({ code: '22012' });
    expect(stateOf(engine, 'w', 'Aggregate')).toBe(2);
    // Time did not move: the first window still takes rows, and its state is whole.
    await engine.sql("INSERT INTO ev VALUES (1, 5, '2024-05-01 00:00:30')");
    expect((await engine.sql('SELECT k, n, s FROM w ORDER BY k')).rows).toEqual([[1, 2, 6], [2, 1, 2]]);
    // Now the close point passes the first window for real: its state goes, its rows stay.
    await engine.sql("INSERT INTO ev VALUES (3, 1, '2024-05-01 00:10:00')");
    expect(stateOf(engine, 'w', 'Aggregate')).toBe(1);
    expect((await engine.sql('SELECT k, n, s FROM w ORDER BY k')).rows).toEqual([[1, 2, 6], [2, 1, 2], [3, 1, 1]]);
    await engine.sql("INSERT INTO ev VALUES (1, 1, '2024-05-01 00:00:59')");
    expect(Number((await engine.sql('SELECT late_rows FROM freshet_watermarks')).rows[0]![0])).toBe(1);
  });
});

describe('views whose state cannot be bounded', () => {
  it('still work, and EXPLAIN says their state is unbounded', async () => {
    const engine = new Engine();
    await engine.sql("CREATE TABLE ev (k integer, v integer, ts timestamp, WATERMARK FOR ts AS ts - INTERVAL '1 minute') WITH (allowed_lateness = '30 seconds')");
    await engine.sql('CREATE TABLE plain (k integer, v integer, ts timestamp)');
    await engine.sql("CREATE MATERIALIZED VIEW no_wm AS SELECT k, window_end, count(*) AS n FROM TUMBLE(plain, DESCRIPTOR(ts), INTERVAL '1 minute') GROUP BY k, window_end");
    await engine.sql('CREATE MATERIALIZED VIEW by_key AS SELECT k, sum(v) AS s FROM ev GROUP BY k');
    await engine.sql('CREATE MATERIALIZED VIEW bounded AS SELECT k, window_end, count(*) AS n FROM TUMBLE(ev, DESCRIPTOR(ts), INTERVAL \'1 minute\') GROUP BY k, window_end');
    for (let m = 0; m < 30; m++) {
      const rows = `(${m % 2}, ${m}, TIMESTAMP '2024-05-01 00:00:00' + INTERVAL '${m} minutes')`;
      await engine.sql(`INSERT INTO plain VALUES ${rows}`);
      await engine.sql(`INSERT INTO ev VALUES ${rows}`);
    }
    // Without a watermark every window's group is kept; with one, only the open ones.
    expect(stateOf(engine, 'no_wm', 'Aggregate')).toBe(30);
    expect(stateOf(engine, 'bounded', 'Aggregate')).toBeLessThanOrEqual(3);
    expect((await engine.sql('SELECT count(*) FROM bounded')).rows[0]![0]).toBe(30);
    expect((await engine.sql('SELECT sum(n) FROM no_wm')).rows[0]![0]).toBe(30);
    expect((await engine.sql('SELECT k, s FROM by_key ORDER BY k')).rows).toEqual([[0, 210], [1, 225]]);
    expect(await explain(engine, 'no_wm')).toMatch(/cleanup: none, the state is unbounded: no GROUP BY column/);
    expect(await explain(engine, 'by_key')).toMatch(/cleanup: none, the state is unbounded/);
    expect(await explain(engine, 'bounded')).toMatch(
      /cleanup: state of groups with window_end <= the close point of ev \(watermark - 00:00:30\) is dropped/,
    );
    // A top-N keeps its state and says so.
    await engine.sql('CREATE MATERIALIZED VIEW top AS SELECT k, v FROM ev ORDER BY v DESC LIMIT 3');
    expect(await explain(engine, 'top')).toMatch(/cleanup: none, the state is unbounded/);
    // EXPLAIN CREATE shows the bound before the view exists; window_start is closed at start + size.
    const text = (await engine.sql("EXPLAIN CREATE MATERIALIZED VIEW x AS SELECT window_start, count(*) FROM HOP(ev, DESCRIPTOR(ts), INTERVAL '1 minute', INTERVAL '5 minutes') GROUP BY window_start")).rows.map((r) => String(r[0])).join('\n');
    expect(text).toMatch(/state of groups with window_start \+ 00:05:00 <= the close point of ev/);
  });
});
