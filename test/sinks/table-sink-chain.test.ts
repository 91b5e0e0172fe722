// INTO TABLE sinks chained: events -> per_cat (view) -> sink -> cat_totals
// (keyed table) -> big (view) -> sink -> big_cats (table without a key) ->
// big_count (view). After every random insert, update and delete of events,
// each of them equals DuckDB computing the same thing from scratch over
// events, and the whole cascade has settled when the statement returns.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';
import { DuckDbOracle } from '../differential/duckdb-oracle.js';
import { diffMultisets, formatRow } from '../differential/comparator.js';
import { Prng } from '../differential/prng.js';
import { freshetRows } from '../engine/oracle-views.js';

const FRESHET_SETUP = `
  CREATE TABLE events (id INT PRIMARY KEY, cat TEXT, amount INT);
  CREATE MATERIALIZED VIEW per_cat AS SELECT coalesce(cat, '-') AS cat, count(*) AS n, sum(amount) AS total FROM events GROUP BY cat;
  CREATE TABLE cat_totals (cat TEXT PRIMARY KEY, n BIGINT, total BIGINT);
  CREATE SINK to_totals FROM per_cat INTO TABLE cat_totals;
  CREATE MATERIALIZED VIEW big AS SELECT cat, total FROM cat_totals WHERE total > 100;
  CREATE TABLE big_cats (cat TEXT, total BIGINT);
  CREATE SINK to_big FROM big INTO TABLE big_cats;
  CREATE MATERIALIZED VIEW big_count AS SELECT count(*) AS n, coalesce(sum(total), 0) AS total FROM big_cats`;

// What each relation must hold, computed by DuckDB from events alone. The
// NULL category is its own group, named '-' (cat_totals' key cannot be NULL).
const ORACLE = {
  cat_totals: "SELECT coalesce(cat, '-') AS cat, count(*) AS n, sum(amount) AS total FROM events GROUP BY cat",
  big: "SELECT coalesce(cat, '-') AS cat, total FROM (SELECT cat, sum(amount) AS total FROM events GROUP BY cat) WHERE total > 100",
  big_cats: "SELECT coalesce(cat, '-') AS cat, total FROM (SELECT cat, sum(amount) AS total FROM events GROUP BY cat) WHERE total > 100",
  big_count: 'SELECT count(*) AS n, coalesce(sum(total), 0) AS total FROM (SELECT sum(amount) AS total FROM events GROUP BY cat) WHERE total > 100',
} as const;

describe('INTO TABLE chains', () => {
  let oracle: DuckDbOracle;
  beforeAll(async () => {
    oracle = await DuckDbOracle.open();
  });
  afterAll(() => oracle.close());

  for (const seed of [1, 2, 3]) {
    it(`view -> sink -> table -> view -> sink -> table -> view equals DuckDB from scratch (seed ${seed})`, async () => {
      const rng = new Prng(seed);
      const engine = new Engine();
      await engine.sql(FRESHET_SETUP);
      await oracle.exec('DROP TABLE IF EXISTS events; CREATE TABLE events (id INT PRIMARY KEY, cat TEXT, amount INT)');
      const cats = ["'a'", "'b'", "'c'", 'NULL'];
      const live = new Set<number>();
      for (let step = 0; step < 60; step++) {
        const id = rng.int(1, 12);
        const amount = rng.int(-20, 90);
        let sql: string;
        if (!live.has(id)) {
          sql = `INSERT INTO events VALUES (${id}, ${rng.pick(cats)}, ${amount})`;
          live.add(id);
        } else if (rng.chance(0.3)) {
          sql = `DELETE FROM events WHERE id = ${id}`;
          live.delete(id);
        } else if (rng.chance(0.5)) {
          sql = `UPDATE events SET amount = ${amount} WHERE id = ${id}`;
        } else {
          sql = `UPDATE events SET cat = ${rng.pick(cats)} WHERE id = ${id}`;
        }
        await engine.sql(sql);
        await oracle.exec(sql);
        for (const [relation, query] of Object.entries(ORACLE)) {
          const expected = (await oracle.query(query)).rows;
          const diff = diffMultisets(expected, await freshetRows(engine, `SELECT * FROM ${relation}`));
          expect(diff, `${relation} after step ${step} (${sql}): missing ${diff?.missing.map(formatRow).join('; ')} unexpected ${diff?.unexpected.map(formatRow).join('; ')}`).toBeNull();
        }
      }
      expect((await engine.sql('SELECT count(*) FROM freshet_dead_letters')).rows).toEqual([[0]]);
    });
  }
});
