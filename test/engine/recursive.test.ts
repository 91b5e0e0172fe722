// WITH RECURSIVE maintained incrementally: graph reachability (UNION, over
// graphs with cycles) and hierarchy depth (UNION ALL, over forests) as views
// through seeded random inserts, deletes and updates, checked after every
// change — view and one-shot — against DuckDB computing the recursion from
// scratch. Also: divergence is an error that leaves nothing changed.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';
import { DuckDbOracle } from '../differential/duckdb-oracle.js';
import { expectViewsMatch, sameQuery } from './oracle-views.js';
import { Prng } from '../differential/prng.js';

const QUERIES: Record<string, string> = {
  reach: 'WITH RECURSIVE r(s, d) AS (SELECT a, b FROM edge UNION SELECT r.s, edge.b FROM r JOIN edge ON r.d = edge.a) SELECT s, d FROM r',
  reach_from_1: 'WITH RECURSIVE r(n) AS (SELECT 1 UNION SELECT edge.b FROM r JOIN edge ON edge.a = r.n) SELECT n FROM r',
  reach_count: 'WITH RECURSIVE r(s, d) AS (SELECT a, b FROM edge UNION SELECT r.s, edge.b FROM r JOIN edge ON r.d = edge.a) SELECT s, count(*) AS n FROM r GROUP BY s',
  depth: 'WITH RECURSIVE t(id, lvl) AS (SELECT id, 0 FROM emp WHERE boss IS NULL UNION ALL SELECT emp.id, t.lvl + 1 FROM t JOIN emp ON emp.boss = t.id) SELECT id, lvl FROM t',
  paths: 'WITH RECURSIVE t(top, id) AS (SELECT id, id FROM emp UNION ALL SELECT t.top, emp.id FROM t JOIN emp ON emp.boss = t.id) SELECT top, count(*) AS below FROM t GROUP BY top',
};

const TABLES = ['CREATE TABLE edge (a integer, b integer)', 'CREATE TABLE emp (id integer, boss integer)'];

/** A change to the graph (any edges, cycles included) or to the forest (boss < id keeps it acyclic). */
function change(rng: Prng, nextEmp: { n: number }): string {
  switch (rng.int(0, 5)) {
    case 0:
    case 1:
      return `INSERT INTO edge VALUES (${rng.int(1, 7)}, ${rng.int(1, 7)})`;
    case 2:
      return `DELETE FROM edge WHERE a = ${rng.int(1, 7)}`;
    case 3: {
      const id = nextEmp.n++;
      return `INSERT INTO emp VALUES (${id}, ${id === 1 || rng.int(0, 4) === 0 ? 'NULL' : rng.int(1, id - 1)})`;
    }
    case 4:
      return `DELETE FROM emp WHERE id % 5 = ${rng.int(0, 4)}`;
    default: {
      const id = rng.int(2, Math.max(2, nextEmp.n));
      return `UPDATE emp SET boss = ${rng.int(1, id - 1)} WHERE id = ${id}`;
    }
  }
}


describe('WITH RECURSIVE views equal DuckDB after every change', () => {
  let duck: DuckDbOracle;
  beforeAll(async () => {
    duck = await DuckDbOracle.open();
  });
  afterAll(() => duck.close());

  for (const seed of [1, 2, 3, 4]) {
    it(`seed ${seed}`, async () => {
      const engine = new Engine({ clock: () => 0 });
      const rng = new Prng(seed);
      const nextEmp = { n: 1 };
      for (const t of ['edge', 'emp']) await duck.exec(`DROP TABLE IF EXISTS ${t}`);
      for (const ddl of TABLES) {
        await engine.sql(ddl);
        await duck.exec(ddl);
      }
      for (let i = 0; i < 6; i++) {
        const sql = change(rng, nextEmp);
        await engine.sql(sql);
        await duck.exec(sql);
      }
      for (const [name, q] of Object.entries(QUERIES)) await engine.sql(`CREATE MATERIALIZED VIEW v_${name} AS ${q}`);
      for (let step = 0; step < 25; step++) {
        const sql = change(rng, nextEmp);
        await engine.sql(sql);
        await duck.exec(sql);
        await expectViewsMatch(duck, engine, sameQuery(QUERIES, 'v_'), `step ${step} (${sql})`);
      }
      await engine.close();
    });
  }

  it('a recursion that never stops fails with 54000 and changes nothing', async () => {
    const engine = new Engine({ clock: () => 0 });
    await engine.sql('CREATE TABLE t (n integer)');
    await engine.sql('INSERT INTO t VALUES (1)');
    await engine.sql('CREATE MATERIALIZED VIEW up AS WITH RECURSIVE r(n) AS (SELECT n FROM t UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT n FROM r');
    expect((await engine.sql('SELECT count(*) FROM up')).rows).toEqual([[10]]);
    await engine.sql('CREATE TABLE s (n integer)');
    await engine.sql('CREATE MATERIALIZED VIEW forever AS WITH RECURSIVE r(n) AS (SELECT n FROM s UNION ALL SELECT n + 1 FROM r WHERE n > 0) SELECT n FROM r');
    await expect(engine.sql('INSERT INTO s VALUES (5)')).rejects.toMatchObject({ code: '54000' });
    expect((await engine.sql('SELECT count(*) FROM s')).rows).toEqual([[0]]);
    await engine.sql('INSERT INTO s VALUES (0)');
    expect((await engine.sql('SELECT n FROM forever')).rows).toEqual([[0]]);
    await engine.close();
  });
});
