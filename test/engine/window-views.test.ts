// Window functions end to end: views maintained through random inserts,
// updates and deletes (down to an empty table) and the same queries run
// one-shot, both checked after every step against DuckDB computing the query
// from scratch (set to PostgreSQL's NULL order). ROW_NUMBER, LAG/LEAD,
// FIRST_VALUE/LAST_VALUE and ROWS frames order by keys that end in the unique
// id, so their values do not depend on how peers are ordered.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';
import { DuckDbOracle } from '../differential/duckdb-oracle.js';
import { applyToBoth, expectViewsMatch, sqlValue } from './oracle-views.js';
import { Prng } from '../differential/prng.js';

const VIEWS: { readonly name: string; readonly sql: string }[] = [
  {
    name: 'ranks',
    sql: `SELECT id, g, x, row_number() OVER (PARTITION BY g ORDER BY x DESC, id) AS rn,
      rank() OVER (PARTITION BY g ORDER BY x DESC) AS rk, dense_rank() OVER (PARTITION BY g ORDER BY x DESC) AS dr,
      rank() OVER (ORDER BY s NULLS FIRST) AS rs FROM t`,
  },
  {
    name: 'offsets',
    sql: `SELECT id, lag(x) OVER (ORDER BY id) AS l1, lead(x, 2, 0) OVER (ORDER BY id) AS l2,
      lag(s, 1, 'none') OVER (PARTITION BY g ORDER BY id) AS ls, lead(y, -1) OVER (PARTITION BY g ORDER BY id DESC) AS ly,
      first_value(x) OVER (PARTITION BY g ORDER BY y, id) AS fv,
      last_value(s) OVER (PARTITION BY g ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS lv,
      last_value(x) OVER (ORDER BY x) AS lvx FROM t`,
  },
  {
    name: 'frames',
    sql: `SELECT id, sum(x) OVER (PARTITION BY g ORDER BY id) AS running, sum(x) OVER (PARTITION BY g ORDER BY x) AS peers_sum,
      count(*) OVER (PARTITION BY g) AS n, count(x) OVER () AS nx,
      avg(y) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING) AS mavg,
      min(x) OVER (ORDER BY x RANGE BETWEEN 3 PRECEDING AND 1 FOLLOWING) AS mn,
      max(s) OVER (PARTITION BY g ORDER BY x, id ROWS UNBOUNDED PRECEDING) AS mx,
      count(y) OVER (ORDER BY y RANGE BETWEEN 1.5 PRECEDING AND 1.5 FOLLOWING) AS near,
      sum(y) OVER (ORDER BY id ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING) AS before3 FROM t`,
  },
  {
    name: 'grouped',
    sql: `SELECT g, count(*) AS n, sum(x) AS sx, rank() OVER (ORDER BY count(*) DESC) AS r,
      sum(sum(x)) OVER () AS total, max(count(*)) OVER (ORDER BY g) AS run_max FROM t GROUP BY g`,
  },
  {
    name: 'exprs',
    sql: `SELECT id, x * 2 + row_number() OVER (ORDER BY id) AS e, sum(x + 1) OVER (PARTITION BY x % 3 ORDER BY id DESC) AS s3
      FROM t WHERE x IS NOT NULL`,
  },
  {
    name: 'top2',
    sql: 'SELECT id, g, x FROM (SELECT id, g, x, row_number() OVER (PARTITION BY g ORDER BY x DESC, id) AS rn FROM t) s WHERE rn <= 2',
  },
  {
    name: 'top1_rn',
    sql: 'SELECT g, id, rn FROM (SELECT id, g, row_number() OVER (PARTITION BY g ORDER BY y NULLS FIRST, id DESC) AS rn FROM t) s WHERE rn < 2 OR rn = 3',
  },
];

const TABLE = 'CREATE TABLE t (id integer PRIMARY KEY, g text, x integer, y double precision, s text)';

describe('window functions against DuckDB', () => {
  let oracle: DuckDbOracle;
  beforeAll(async () => {
    oracle = await DuckDbOracle.open();
    // PostgreSQL's default: NULLs last ascending, first descending.
    await oracle.exec("SET default_null_order = 'nulls_last_on_asc_first_on_desc'");
  });
  afterAll(() => oracle.close());

  const check = (engine: Engine, step: string): Promise<void> =>
    expectViewsMatch(oracle, engine, VIEWS.map((v) => ({ name: v.name, freshet: v.sql, duckdb: v.sql })), step);

  const both = (engine: Engine, sql: string): Promise<void> => applyToBoth(oracle, engine, sql);

  // The second run keeps window state within 256 bytes: windows over integer or no arguments go to
  // scratch files by PARTITION BY value and come back (dataflow/partitioned-operator.ts).
  for (const stateMemory of [undefined, 256]) {
    it(`views and one-shot queries follow random inserts, updates and deletes, down to an empty table${stateMemory === undefined ? '' : ` (state within ${stateMemory} bytes)`}`, async () => {
      await oracle.exec('DROP TABLE IF EXISTS t');
      const engine = new Engine(stateMemory === undefined ? {} : { stateMemory });
      await both(engine, TABLE);
      for (const v of VIEWS) await engine.sql(`CREATE MATERIALIZED VIEW ${v.name} AS ${v.sql}`);
      await check(engine, 'creation over an empty table');
      const rng = new Prng(9157);
      let nextId = 0;
      const ids: number[] = [];
      for (let step = 0; step < 70; step++) {
        const roll = rng.float();
        let sql: string;
        if (roll < 0.5 || ids.length === 0) {
          const rows: string[] = [];
          for (let i = rng.int(1, step < 5 ? 12 : 5); i > 0; i--) {
            const id = nextId++;
            ids.push(id);
            const values = [
              id,
              rng.chance(0.1) ? null : rng.pick(['a', 'b', 'c']),
              rng.chance(0.1) ? null : rng.int(-4, 9),
              rng.chance(0.1) ? null : rng.int(-16, 16) / 4,
              rng.chance(0.15) ? null : rng.pick(['p', 'q', 'r', 'sé', 'z', '']),
            ];
            rows.push(`(${values.map(sqlValue).join(', ')})`);
          }
          sql = `INSERT INTO t VALUES ${rows.join(', ')}`;
        } else if (roll < 0.7) {
          const victim = ids.splice(rng.int(0, ids.length - 1), 1)[0]!;
          sql = `DELETE FROM t WHERE id = ${victim}`;
        } else if (roll < 0.82) {
          sql = `UPDATE t SET x = x + ${rng.int(-2, 2)} WHERE id % ${rng.int(2, 5)} = ${rng.int(0, 1)}`;
        } else if (roll < 0.9) {
          sql = `UPDATE t SET g = ${sqlValue(rng.pick(['a', 'b', 'c']))}, y = y + 0.25 WHERE id = ${rng.pick(ids)}`;
        } else if (roll < 0.97) {
          sql = `DELETE FROM t WHERE g = ${sqlValue(rng.pick(['a', 'b', 'c']))}`;
          // Deleted ids stay in `ids`; deleting or updating them again is a no-op in both engines.
        } else {
          sql = 'DELETE FROM t';
        }
        await both(engine, sql);
        await check(engine, `step ${step}: ${sql}`);
      }
      await both(engine, 'DELETE FROM t');
      await check(engine, 'deleting every row');
      if (stateMemory !== undefined) expect(engine.status().stateMemory!.loads).toBeGreaterThan(0);
    }, 120_000);
  }

  it('duplicate rows (a table without a primary key): functions whose values do not depend on how peers are ordered', async () => {
    const dupViews = [
      {
        name: 'dup_ranks',
        sql: `SELECT k, v, rank() OVER (PARTITION BY k ORDER BY v) AS r, dense_rank() OVER (ORDER BY v DESC) AS dr,
          count(*) OVER (PARTITION BY k ORDER BY v) AS c, sum(v) OVER (PARTITION BY k ORDER BY v RANGE BETWEEN 1 PRECEDING AND 2 FOLLOWING) AS s,
          max(v) OVER (PARTITION BY k) AS mx, min(v) OVER (ORDER BY v RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS mn FROM u`,
      },
      { name: 'dup_rn', sql: 'SELECT k, row_number() OVER (PARTITION BY k ORDER BY v) AS rn FROM u WHERE v IS NOT NULL' },
    ];
    await oracle.exec('DROP TABLE IF EXISTS u');
    const engine = new Engine();
    await both(engine, 'CREATE TABLE u (k integer, v integer)');
    for (const v of dupViews) await engine.sql(`CREATE MATERIALIZED VIEW ${v.name} AS ${v.sql}`);
    const rng = new Prng(31337);
    for (let step = 0; step < 60; step++) {
      const roll = rng.float();
      const value = (): string => (rng.chance(0.1) ? 'NULL' : String(rng.int(0, 5)));
      let sql: string;
      if (roll < 0.55) {
        const rows = Array.from({ length: rng.int(1, 6) }, () => `(${rng.int(0, 2)}, ${value()})`);
        sql = `INSERT INTO u VALUES ${rows.join(', ')}`;
      } else if (roll < 0.8) {
        sql = `DELETE FROM u WHERE k = ${rng.int(0, 2)} AND v = ${rng.int(0, 5)}`;
      } else if (roll < 0.97) {
        sql = `UPDATE u SET v = v + 1 WHERE v = ${rng.int(0, 5)}`;
      } else {
        sql = 'DELETE FROM u';
      }
      await both(engine, sql);
      // dup_rn: which duplicate gets which number is unobservable, so the rows are comparable.
      await expectViewsMatch(oracle, engine, dupViews.map((v) => ({ name: v.name, freshet: v.sql, duckdb: v.sql })), `step ${step}: ${sql}`);
    }
  }, 120_000);
});
