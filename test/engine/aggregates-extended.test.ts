// bool_and/bool_or/every, string_agg, variance/stddev, percentile_cont/disc and
// FILTER (WHERE ...) end to end: views maintained through random inserts,
// updates and deletes (down to an empty table) and the same queries run
// one-shot, both checked after every step against DuckDB computing the query
// from scratch (doubles within a relative 1e-9). Where DuckDB's spelling
// differs (no `every`; string_agg without ORDER BY is unordered there) the
// oracle query states Freshet's documented order explicitly.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';
import { DuckDbOracle } from '../differential/duckdb-oracle.js';
import { applyToBoth, expectViewsMatch, sqlValue } from './oracle-views.js';
import { Prng } from '../differential/prng.js';

interface ViewCase {
  readonly name: string;
  readonly freshet: string;
  readonly duckdb: string;
}

const AGGS_FRESHET = `count(*) AS n, count(*) FILTER (WHERE x > 2) AS n_big, sum(x) FILTER (WHERE b) AS sum_b,
  bool_and(b) AS all_b, every(b) AS every_b, bool_or(b) AS any_b, bool_or(x > 5) FILTER (WHERE s IS NOT NULL) AS any_big,
  string_agg(s, ',') AS ss, string_agg(s, '|' ORDER BY x DESC) AS ss_x, string_agg(DISTINCT s, '') AS ss_d,
  stddev(y) AS sd, stddev_pop(y) AS sdp, variance(x) AS var_x, var_pop(y) AS vp, var_samp(y) FILTER (WHERE x < 3) AS vs_f,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY y) AS median, percentile_cont(0.25) WITHIN GROUP (ORDER BY x DESC) AS q_desc,
  percentile_disc(0.5) WITHIN GROUP (ORDER BY x) AS disc, percentile_disc(0.75) WITHIN GROUP (ORDER BY s) AS disc_s,
  var_samp(DISTINCT x) AS vd, stddev_pop(DISTINCT y) FILTER (WHERE b) AS sdd,
  min(y) FILTER (WHERE b) AS min_b, max(y) AS max_y, max(s) FILTER (WHERE x > 0) AS max_s, count(DISTINCT x) FILTER (WHERE NOT b) AS cd`;

const AGGS_DUCKDB = `count(*) AS n, count(*) FILTER (WHERE x > 2) AS n_big, sum(x) FILTER (WHERE b) AS sum_b,
  bool_and(b) AS all_b, bool_and(b) AS every_b, bool_or(b) AS any_b, bool_or(x > 5) FILTER (WHERE s IS NOT NULL) AS any_big,
  string_agg(s, ',' ORDER BY s) AS ss, string_agg(s, '|' ORDER BY x DESC NULLS FIRST, s DESC) AS ss_x, string_agg(DISTINCT s, '' ORDER BY s) AS ss_d,
  stddev_samp(y) AS sd, stddev_pop(y) AS sdp, var_samp(x) AS var_x, var_pop(y) AS vp, var_samp(y) FILTER (WHERE x < 3) AS vs_f,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY y) AS median, percentile_cont(0.25) WITHIN GROUP (ORDER BY x DESC) AS q_desc,
  percentile_disc(0.5) WITHIN GROUP (ORDER BY x) AS disc, percentile_disc(0.75) WITHIN GROUP (ORDER BY s) AS disc_s,
  var_samp(DISTINCT x) AS vd, stddev_pop(DISTINCT y) FILTER (WHERE b) AS sdd,
  min(y) FILTER (WHERE b) AS min_b, max(y) AS max_y, max(s) FILTER (WHERE x > 0) AS max_s, count(DISTINCT x) FILTER (WHERE NOT b) AS cd`;

const VIEWS: ViewCase[] = [
  { name: 'by_k', freshet: `SELECT k, ${AGGS_FRESHET} FROM t GROUP BY k`, duckdb: `SELECT k, ${AGGS_DUCKDB} FROM t GROUP BY k` },
  { name: 'global', freshet: `SELECT ${AGGS_FRESHET} FROM t`, duckdb: `SELECT ${AGGS_DUCKDB} FROM t` },
  {
    name: 'filtered_input',
    freshet: `SELECT b, ${AGGS_FRESHET} FROM t WHERE x IS NOT NULL GROUP BY b`,
    duckdb: `SELECT b, ${AGGS_DUCKDB} FROM t WHERE x IS NOT NULL GROUP BY b`,
  },
];

const TABLE = 'CREATE TABLE t (id integer, k text, x integer, y double precision, b boolean, s text)';

describe('extended aggregates against DuckDB', () => {
  let oracle: DuckDbOracle;
  beforeAll(async () => {
    oracle = await DuckDbOracle.open();
  });
  afterAll(() => oracle.close());

  const check = (engine: Engine, step: string): Promise<void> => expectViewsMatch(oracle, engine, VIEWS, step);

  const both = (engine: Engine, sql: string): Promise<void> => applyToBoth(oracle, engine, sql);

  it('views and one-shot queries follow random inserts, updates and deletes, down to an empty table', async () => {
    await oracle.exec('DROP TABLE IF EXISTS t');
    const engine = new Engine();
    await both(engine, TABLE);
    for (const v of VIEWS) await engine.sql(`CREATE MATERIALIZED VIEW ${v.name} AS ${v.freshet}`);
    await check(engine, 'creation over an empty table');
    const rng = new Prng(4242);
    let nextId = 0;
    const ids: number[] = [];
    for (let step = 0; step < 60; step++) {
      const roll = rng.float();
      let sql: string;
      if (roll < 0.55 || ids.length === 0) {
        const rows: string[] = [];
        for (let i = rng.int(1, 8); i > 0; i--) {
          const id = nextId++;
          ids.push(id);
          const values = [
            id,
            rng.chance(0.1) ? null : rng.pick(['a', 'b', 'c']),
            rng.chance(0.1) ? null : rng.int(-3, 9),
            rng.chance(0.1) ? null : rng.chance(0.2) ? 1e6 + rng.int(0, 64) / 16 : rng.int(-800, 800) / 8,
            rng.chance(0.15) ? null : rng.chance(0.6),
            rng.chance(0.15) ? null : rng.pick(['p', 'q', 'r', 'sé', 'z', '']),
          ];
          rows.push(`(${values.map(sqlValue).join(', ')})`);
        }
        sql = `INSERT INTO t VALUES ${rows.join(', ')}`;
      } else if (roll < 0.75) {
        const victim = ids.splice(rng.int(0, ids.length - 1), 1)[0]!;
        sql = `DELETE FROM t WHERE id = ${victim}`;
      } else if (roll < 0.9) {
        sql = `UPDATE t SET x = x + 1, b = NOT b WHERE id % ${rng.int(2, 5)} = 0`;
      } else if (roll < 0.96) {
        sql = `DELETE FROM t WHERE k = ${sqlValue(rng.pick(['a', 'b', 'c']))}`;
        // The ids of deleted rows stay in `ids`; deleting them again is a no-op in both engines.
      } else {
        sql = 'DELETE FROM t';
      }
      await both(engine, sql);
      await check(engine, `step ${step}: ${sql}`);
    }
    await both(engine, 'DELETE FROM t');
    await check(engine, 'deleting every row');
  }, 60_000);
});

describe('extended aggregates: binding and errors', () => {
  const setup = async (): Promise<Engine> => {
    const e = new Engine();
    await e.sql(TABLE);
    return e;
  };
  const error = async (e: Engine, sql: string): Promise<{ code: string; message: string }> => {
    try {
      await e.sql(sql);
    } catch (err) {
      return { code: (err as { code: string }).code, message: (err as Error).message };
    }
    throw new Error(`expected an error from ${sql}`);
  };

  it('rejects what PostgreSQL rejects, with the construct named', async () => {
    const e = await setup();
    const cases: [string, string, RegExp][] = [
      ['SELECT percentile_cont(1.5) WITHIN GROUP (ORDER BY x) FROM t', '22003', /percentile value 1\.5 is not between 0 and 1/],
      ['SELECT percentile_disc(-0.1) WITHIN GROUP (ORDER BY x) FROM t', '22003', /not between 0 and 1/],
      ['SELECT percentile_cont(x) WITHIN GROUP (ORDER BY x) FROM t', '0A000', /fraction that is not a constant/],
      ['SELECT percentile_cont(0.5) FROM t', '42809', /WITHIN GROUP is required/],
      ['SELECT sum(x) WITHIN GROUP (ORDER BY x) FROM t', '42809', /not an ordered-set aggregate/],
      ['SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s) FROM t', '42883', /percentile_cont.*text.*does not exist/],
      ['SELECT min(b) FROM t', '42883', /min\(boolean\) does not exist/],
      ['SELECT bool_and(x) FROM t', '42883', /bool_and\(integer\) does not exist/],
      ["SELECT string_agg(x, ',') FROM t", '42883', /string_agg\(integer, text\) does not exist/],
      ['SELECT count(*) FILTER (WHERE x) FROM t', '42804', /FILTER must be type boolean/],
      ["SELECT string_agg(DISTINCT s, ',' ORDER BY x) FROM t", '42P10', /ORDER BY expressions must appear in argument list/],
      ['SELECT abs(x) FILTER (WHERE b) FROM t', '42809', /not an aggregate/],
      ['SELECT lower(s ORDER BY s) FROM t', '42809', /ORDER BY specified, but lower is not an aggregate function/],
      ['SELECT lower(s) WITHIN GROUP (ORDER BY s) FROM t', '42809', /WITHIN GROUP specified, but lower is not an aggregate function/],
      ['SELECT x FROM t WHERE bool_or(b)', '42803', /not allowed in WHERE/],
    ];
    for (const [sql, code, message] of cases) {
      const err = await error(e, sql);
      expect(err.code, sql).toBe(code);
      expect(err.message, sql).toMatch(message);
    }
  });

  it('parses WITHIN GROUP and ORDER BY inside a call; `within` alone is still an alias', async () => {
    const e = await setup();
    await e.sql("INSERT INTO t VALUES (1, 'a', 1, 1, true, 'b'), (2, 'a', 5, 2, false, 'c')");
    const r = await e.sql("SELECT count(*) within, string_agg(s, '+' ORDER BY s DESC NULLS LAST) FROM t");
    expect(r.fields.map((f) => f.name)).toEqual(['within', 'string_agg']);
    expect(r.rows).toEqual([[2, 'c+b']]);
    const err = await error(e, 'SELECT percentile_cont(0.5) WITHIN GROUP ORDER BY x FROM t');
    expect(err.code).toBe('42601');
    expect(err.message).toMatch(/\(/);
  });

  it('max/min over text follow PostgreSQL (code point order); two calls differing only in FILTER are distinct', async () => {
    const e = await setup();
    await e.sql("INSERT INTO t VALUES (1, 'a', 1, 1, true, 'b'), (2, 'a', 5, 2, false, 'B'), (3, 'a', 7, 3, true, 'é')");
    const r = await e.sql('SELECT min(s), max(s), sum(x) FILTER (WHERE b), sum(x) FILTER (WHERE NOT b), sum(x) FROM t');
    expect(r.rows).toEqual([['B', 'é', 8, 5, 13]]);
  });

  it('a WITHIN GROUP call and a string_agg ORDER BY show in EXPLAIN with the state they keep', async () => {
    const e = await setup();
    await e.sql(`CREATE MATERIALIZED VIEW v AS SELECT k, percentile_disc(0.5) WITHIN GROUP (ORDER BY x DESC) AS p,
      string_agg(s, ',' ORDER BY y) AS sa, stddev(y) AS sd, bool_or(b) FILTER (WHERE x > 0) AS bo FROM t GROUP BY k`);
    const text = (await e.sql('EXPLAIN MATERIALIZED VIEW v')).rows.map((r) => r[0]).join('\n');
    expect(text).toMatch(/percentile_disc\(0\.5\) WITHIN GROUP \(ORDER BY x DESC\)/);
    expect(text).toMatch(/string_agg\(s, ',' ORDER BY y\)/);
    expect(text).toMatch(/bool_or\(b\) FILTER \(WHERE \(?x > 0\)?\)/);
    expect(text).toMatch(/order-statistic tree/);
    expect(text).toMatch(/ordered multiset of \(ORDER BY key, value\)/);
    expect(text).toMatch(/Σx and Σx²/);
    expect(text).toMatch(/count of TRUE and of FALSE/);
    expect(text).toMatch(/percentiles: O\(log d\)/);
  });
});
