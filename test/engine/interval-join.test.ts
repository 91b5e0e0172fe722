// Interval joins with state bounded by the watermarks (plan/state-bounds.ts,
// dataflow/join.ts): an unbounded stream keeps the join's arrangements under a
// bound computed from the interval, the delays and the rate while the view
// equals a naive pair search written here; random batches with late,
// out-of-order and deleted rows on both sides match DuckDB over the accepted
// rows; a failed commit puts dropped rows back; joins that cannot be bounded
// keep their state and EXPLAIN says so.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';
import { DuckDbOracle } from '../differential/duckdb-oracle.js';
import { Prng } from '../differential/prng.js';
import type { OracleView } from './oracle-views.js';
import { expectViewsMatch } from './oracle-views.js';

const SEC = 1_000_000; // µs
const BASE_MS = Date.UTC(2024, 4, 1, 0, 0, 0);

function joinState(engine: Engine, view: string): number {
  const found = engine.stateSizes(view).filter((s) => s.operator === 'Join');
  expect(found, `${view} has one join`).toHaveLength(1);
  return found[0]!.entries;
}

async function explain(engine: Engine, view: string): Promise<string> {
  return (await engine.sql(`EXPLAIN VIEW ${view}`)).rows.map((r) => String(r[0])).join('\n');
}

describe('an interval join over an unbounded stream', () => {
  it('keeps both arrangements bounded over 2 x 100k events, with exactly the matching pairs', async () => {
    const KEYS = 5000;
    const INTERVAL = 120 * SEC;
    const DELAY = 20 * SEC;
    const LATENESS = 10 * SEC;
    const BATCH = 1000;
    const BATCHES = 100;
    const STEP_MS = 100; // 10 events per second per table
    const RATE = 10 / SEC;
    const engine = new Engine();
    for (const t of ['a', 'b']) {
      await engine.sql(`CREATE TABLE ${t} (id integer, k integer, ts timestamp, WATERMARK FOR ts AS ts - INTERVAL '20 seconds') WITH (allowed_lateness = '10 seconds')`);
    }
    await engine.sql("CREATE MATERIALIZED VIEW j AS SELECT a.id AS aid, b.id AS bid FROM a JOIN b ON a.k = b.k AND b.ts BETWEEN a.ts - INTERVAL '2 minutes' AND a.ts");
    // Kept: a rows with ts >= close(b), b rows with ts + INTERVAL >= close(a); a close point trails
    // its table's newest row by DELAY + LATENESS, and rows arrive up to JITTER behind the newest.
    const JITTER = 5 * SEC;
    const BOUND = Math.ceil(RATE * (2 * (DELAY + LATENESS + JITTER) + INTERVAL)) + 2 * BATCH;
    const rng = new Prng(3);
    const rowsOf = { a: [] as { id: number; k: number; us: number }[], b: [] as { id: number; k: number; us: number }[] };
    let maxState = 0;
    for (let batch = 0; batch < BATCHES; batch++) {
      for (const t of ['a', 'b'] as const) {
        const rows: Record<string, unknown>[] = [];
        for (let j = 0; j < BATCH; j++) {
          const i = batch * BATCH + j;
          const ms = BASE_MS + i * STEP_MS - rng.int(0, JITTER / 1000);
          const row = { id: i, k: rng.int(0, KEYS - 1), us: ms * 1000 };
          rowsOf[t].push(row);
          rows.push({ id: row.id, k: row.k, ts: new Date(ms) });
        }
        await engine.insert(t, rows);
        const state = joinState(engine, 'j');
        expect(state, `join state after batch ${batch} of ${t}`).toBeLessThanOrEqual(BOUND);
        maxState = Math.max(maxState, state);
      }
    }
    expect((await engine.sql('SELECT sum(late_rows) FROM freshet_watermarks')).rows[0]![0]).toBe(0);
    expect(maxState * 20).toBeLessThan(2 * BATCH * BATCHES);
    // The oracle: for each a row, the b rows of its key with a.ts - INTERVAL <= b.ts <= a.ts.
    const byKey = new Map<number, { id: number; us: number }[]>();
    for (const r of rowsOf.b) {
      const list = byKey.get(r.k) ?? [];
      list.push(r);
      byKey.set(r.k, list);
    }
    const expected: string[] = [];
    for (const r of rowsOf.a) {
      for (const s of byKey.get(r.k) ?? []) if (s.us >= r.us - INTERVAL && s.us <= r.us) expected.push(`${r.id}|${s.id}`);
    }
    const actual = (await engine.sql('SELECT aid, bid FROM j')).rows.map((r) => `${r[0]}|${r[1]}`);
    expect(expected.length).toBeGreaterThan(1000);
    expect(actual.sort()).toEqual(expected.sort());
  }, 120_000);
});

const VIEWS: OracleView[] = [
  {
    name: 'between_on',
    freshet: "SELECT a.id AS aid, b.id AS bid, a.v + b.v AS s FROM a JOIN b ON a.k = b.k AND b.ts BETWEEN a.ts - INTERVAL '3 minutes' AND a.ts + INTERVAL '30 seconds'",
    duckdb: "SELECT a.id, b.id, a.v + b.v FROM a JOIN b ON a.k = b.k AND b.ts BETWEEN a.ts - INTERVAL '3 minutes' AND a.ts + INTERVAL '30 seconds'",
  },
  {
    // Strict bounds written in WHERE, the sides swapped and an interval on the left.
    name: 'strict_where',
    freshet: "SELECT a.id AS aid, b.id AS bid FROM a, b WHERE a.k = b.k AND a.ts > b.ts - INTERVAL '1 minute' AND INTERVAL '2 minutes' + b.ts > a.ts AND a.v > 0",
    duckdb: "SELECT a.id, b.id FROM a, b WHERE a.k = b.k AND a.ts > b.ts - INTERVAL '1 minute' AND INTERVAL '2 minutes' + b.ts > a.ts AND a.v > 0",
  },
  {
    // Bounded on one side only: b rows go once b.ts < close(a); a rows stay.
    name: 'one_sided',
    freshet: 'SELECT a.id AS aid, b.id AS bid FROM a JOIN b ON a.k = b.k AND b.ts >= a.ts',
    duckdb: 'SELECT a.id, b.id FROM a JOIN b ON a.k = b.k AND b.ts >= a.ts',
  },
  {
    // Windows joined on their bounds: the equality key itself bounds the times.
    name: 'window_join',
    freshet: "SELECT x.id AS aid, y.id AS bid, x.window_end FROM TUMBLE(a, DESCRIPTOR(ts), INTERVAL '2 minutes') x JOIN TUMBLE(b, DESCRIPTOR(ts), INTERVAL '2 minutes') y ON x.k = y.k AND x.window_end = y.window_end",
    duckdb: `SELECT x.id, y.id, make_timestamp((epoch_us(x.ts) // 120000000) * 120000000 + 120000000) FROM a x JOIN b y
      ON x.k = y.k AND epoch_us(x.ts) // 120000000 = epoch_us(y.ts) // 120000000`,
  },
  {
    // An aggregate over an interval join: the join is bounded, the aggregate (keyed by k) is not.
    name: 'join_counts',
    freshet: "SELECT a.k, count(*) AS n, sum(b.v) AS s FROM a JOIN b ON a.k = b.k AND b.ts BETWEEN a.ts - INTERVAL '2 minutes' AND a.ts GROUP BY a.k",
    duckdb: "SELECT a.k, count(*), sum(b.v) FROM a JOIN b ON a.k = b.k AND b.ts BETWEEN a.ts - INTERVAL '2 minutes' AND a.ts GROUP BY a.k",
  },
];

async function syncOracle(duck: DuckDbOracle, engine: Engine): Promise<void> {
  for (const t of ['a', 'b']) {
    await duck.exec(`DROP TABLE IF EXISTS ${t}`);
    await duck.exec(`CREATE TABLE ${t} (id integer, k integer, v integer, ts timestamp)`);
    const accepted = await engine.sql(`SELECT id, k, v, ts FROM ${t}`);
    if (accepted.rows.length > 0) {
      await duck.exec(`INSERT INTO ${t} VALUES ${accepted.rows.map((r) => `(${r[0]}, ${r[1]}, ${r[2]}, TIMESTAMP '${String(r[3])}')`).join(', ')}`);
    }
  }
}

describe('interval joins, differential against DuckDB', () => {
  let duck: DuckDbOracle;
  beforeAll(async () => {
    duck = await DuckDbOracle.open();
  });
  afterAll(() => duck.close());

  for (const seed of [31, 32, 33]) {
    it(`seed ${seed}: late, out-of-order and deleted rows on both sides`, async () => {
      const engine = new Engine();
      const rng = new Prng(seed);
      // Different delays and lateness per side, so the two close points differ.
      await engine.sql("CREATE TABLE a (id integer, k integer, v integer, ts timestamp, WATERMARK FOR ts AS ts - INTERVAL '1 minute') WITH (allowed_lateness = '30 seconds')");
      await engine.sql("CREATE TABLE b (id integer, k integer, v integer, ts timestamp, WATERMARK FOR ts AS ts - INTERVAL '20 seconds')");
      for (const v of VIEWS) await engine.sql(`CREATE MATERIALIZED VIEW ${v.name} AS ${v.freshet}`);
      const ids = { a: 0, b: 0 };
      let dropped = false;
      for (let step = 0; step < 40; step++) {
        const t = rng.chance(0.5) ? 'a' : 'b';
        if (ids[t] > 0 && rng.chance(0.2)) {
          try {
            await engine.sql(`DELETE FROM ${t} WHERE id = ${rng.int(1, ids[t])}`);
          } catch (err) {
            expect((err as { code?: string }).code).toBe('55000');
          }
        } else {
          const rows: string[] = [];
          for (let n = rng.int(1, 6); n > 0; n--) {
            // Each side moves ~30 s per step, rows land up to 2.5 minutes behind.
            const sec = step * 30 + rng.int(-150, 15);
            rows.push(`(${++ids[t]}, ${rng.int(1, 3)}, ${rng.int(-5, 9)}, TIMESTAMP '2024-05-01 00:00:00' + INTERVAL '${sec} seconds')`);
          }
          await engine.sql(`INSERT INTO ${t} VALUES ${rows.join(', ')}`);
        }
        await syncOracle(duck, engine);
        await expectViewsMatch(duck, engine, VIEWS, `seed ${seed} step ${step}`);
        const held = Number((await engine.sql('SELECT count(*) FROM a')).rows[0]![0]) + Number((await engine.sql('SELECT count(*) FROM b')).rows[0]![0]);
        if (joinState(engine, 'between_on') < held) dropped = true;
      }
      expect(dropped, 'the join dropped rows').toBe(true);
    }, 60_000);
  }

  it('a failed commit puts dropped rows back', async () => {
    const engine = new Engine();
    await engine.sql('CREATE TABLE a (k integer, v integer, ts timestamp, WATERMARK FOR ts AS ts)');
    await engine.sql('CREATE TABLE b (k integer, v integer, ts timestamp, WATERMARK FOR ts AS ts)');
    await engine.sql("CREATE MATERIALIZED VIEW j AS SELECT a.v AS av, b.v AS bv FROM a JOIN b ON a.k = b.k AND b.ts BETWEEN a.ts - INTERVAL '5 minutes' AND a.ts");
    await engine.sql('CREATE MATERIALIZED VIEW boom AS SELECT 100 / (v - 13) AS q FROM b');
    await engine.sql("INSERT INTO a VALUES (1, 1, '2024-05-01 00:10:00')");
    await engine.sql("INSERT INTO b VALUES (1, 2, '2024-05-01 00:06:00')");
    expect((await engine.sql('SELECT av, bv FROM j')).rows).toEqual([[1, 2]]);
    expect(joinState(engine, 'j')).toBe(2);
    // b's close point would jump to 00:30 and drop a's row; the commit fails instead.
    await expect(engine.sql("INSERT INTO b VALUES (1, 13, '2024-05-01 00:30:00')")).rejects.toMatchObject({ code: '22012' });
    expect(joinState(engine, 'j')).toBe(2);
    // a's row is still there to match a b row in its interval.
    await engine.sql("INSERT INTO b VALUES (1, 3, '2024-05-01 00:09:00')");
    expect((await engine.sql('SELECT av, bv FROM j ORDER BY bv')).rows).toEqual([[1, 2], [1, 3]]);
    // When b's close point really passes 00:10, a's row goes; b's rows go once a's close point
    // passes their time + 5 minutes.
    await engine.sql("INSERT INTO b VALUES (2, 4, '2024-05-01 00:30:00')");
    await engine.sql("INSERT INTO a VALUES (2, 5, '2024-05-01 00:31:00')");
    expect((await engine.sql('SELECT av, bv FROM j ORDER BY bv')).rows).toEqual([[1, 2], [1, 3], [5, 4]]);
    expect(joinState(engine, 'j')).toBe(2);
  });
});

describe('joins whose state cannot be bounded', () => {
  it('still work, and EXPLAIN says which state is kept', async () => {
    const engine = new Engine();
    await engine.sql("CREATE TABLE a (k integer, ts timestamp, WATERMARK FOR ts AS ts - INTERVAL '1 minute') WITH (allowed_lateness = '1 minute')");
    await engine.sql('CREATE TABLE b (k integer, ts timestamp, WATERMARK FOR ts AS ts)');
    await engine.sql('CREATE TABLE d (k integer, ts timestamp)');
    await engine.sql("CREATE MATERIALIZED VIEW bounded AS SELECT a.k FROM a JOIN b ON a.k = b.k AND b.ts BETWEEN a.ts - INTERVAL '10 minutes' AND a.ts");
    await engine.sql('CREATE MATERIALIZED VIEW non_equi AS SELECT a.k AS ak, b.k AS bk FROM a JOIN b ON a.k < b.k');
    await engine.sql("CREATE MATERIALIZED VIEW no_wm AS SELECT a.k FROM a JOIN d ON a.k = d.k AND d.ts BETWEEN a.ts - INTERVAL '10 minutes' AND a.ts");
    await engine.sql("CREATE MATERIALIZED VIEW outer_j AS SELECT a.k, b.k AS bk FROM a LEFT JOIN b ON a.k = b.k AND b.ts BETWEEN a.ts - INTERVAL '10 minutes' AND a.ts");
    for (let m = 0; m < 60; m++) {
      const row = `(${m % 3}, TIMESTAMP '2024-05-01 00:00:00' + INTERVAL '${m} minutes')`;
      for (const t of ['a', 'b', 'd']) await engine.sql(`INSERT INTO ${t} VALUES ${row}`);
    }
    expect(await explain(engine, 'bounded')).toMatch(
      /cleanup: rows of a with ts < the close point of b \(watermark\) are dropped; rows of b with ts \+ 00:10:00 < the close point of a \(watermark - 00:01:00\) are dropped/,
    );
    expect(joinState(engine, 'bounded')).toBeLessThan(20);
    expect(await explain(engine, 'non_equi')).toMatch(/cleanup: none, the state is unbounded: the join condition does not bound/);
    expect(joinState(engine, 'non_equi')).toBe(120);
    // Each a row (key m % 3) pairs with every b row of a larger key: 20 * 40 + 20 * 20.
    expect((await engine.sql('SELECT count(*) FROM non_equi')).rows[0]![0]).toBe(1200);
    // d has no watermark: a's rows must stay; d's rows can still go by a's close point.
    expect(await explain(engine, 'no_wm')).toMatch(/rows of a are kept \(no bound\); rows of d with ts \+ 00:10:00 < the close point of a/);
    expect(joinState(engine, 'no_wm')).toBeGreaterThanOrEqual(60);
    expect(await explain(engine, 'outer_j')).toMatch(/cleanup: none, the state is unbounded: only inner joins drop rows by time \(this is a LEFT join\)/);
    expect(joinState(engine, 'outer_j')).toBe(120);
    // Rows 3 minutes apart share a key: each a row matches b rows at 0, -3, -6, -9 minutes.
    let pairs = 0;
    for (let m = 0; m < 60; m++) for (let d = 0; d <= 9; d += 3) if (m - d >= 0) pairs++;
    expect((await engine.sql('SELECT count(*) FROM bounded')).rows[0]![0]).toBe(pairs);
    expect((await engine.sql('SELECT count(*) FROM no_wm')).rows[0]![0]).toBe(pairs);
  });
});
