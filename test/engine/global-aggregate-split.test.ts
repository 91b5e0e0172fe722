// Global aggregates (no GROUP BY) whose state grows with the input — MIN/MAX,
// DISTINCT — computed in two phases under a state budget
// (engine/split-global-aggregate.ts): per hash bucket in parts that move to
// scratch files, then combined. A seeded random workload (inserts with
// duplicates and NULLs, deletes, updates, emptying the table) runs on Freshet
// under a 4 KiB budget and on DuckDB; every few steps, and after a restart
// that loads the views from a checkpoint, each view must equal DuckDB's
// result. Aggregates that do not combine exactly (AVG, two DISTINCT
// arguments, DISTINCT over NUMERIC) stay in one phase and must be right too.

import { afterAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine.js';
import { DuckDbOracle } from '../differential/duckdb-oracle.js';
import { SeededRandom } from '../seeded-random.js';
import { expectStoredViewsMatch, randomInsert } from './oracle-views.js';
import { explainWithAndWithoutBudget, restartAndContinue } from './two-phase-helpers.js';

const root = mkdtempSync(join(tmpdir(), 'freshet-global-split-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Views with [Freshet query, DuckDB query] when the spellings differ. */
const SPLIT: Record<string, string | [string, string]> = {
  g_mixed: 'SELECT count(*) AS n, count(DISTINCT k) AS d, min(a) AS lo, max(a) AS hi, sum(id) AS s, count(k) AS c FROM t',
  g_filtered: 'SELECT count(DISTINCT a) FILTER (WHERE k > 100) AS d, max(k) AS m, bool_or(k < 5) AS b, bool_and(k IS NOT NULL) AS all_keyed FROM t',
  g_distinct_sum: 'SELECT sum(DISTINCT k) AS s, count(DISTINCT k) AS d, min(k) AS lo FROM t',
  g_having: 'SELECT max(a) AS m FROM t HAVING count(*) > 3',
  g_extremes: 'SELECT min(k) AS lo, max(a) AS hi FROM t',
  g_numeric: 'SELECT min(x) AS lo, max(x) AS hi, sum(x) AS s, count(DISTINCT id) AS d FROM t',
};
const KEPT: Record<string, string> = {
  g_avg: 'SELECT min(k) AS lo, avg(k) AS mean FROM t',
  g_two_distinct: 'SELECT count(DISTINCT k) AS dk, count(DISTINCT a) AS da FROM t',
  g_numeric_distinct: 'SELECT count(DISTINCT x) AS d, min(x) AS lo FROM t',
};

function freshetQuery(q: string | [string, string]): string {
  return typeof q === 'string' ? q : q[0];
}
function duckQuery(q: string | [string, string]): string {
  return typeof q === 'string' ? q : q[1];
}

/** Bucket parts of the split views in scratch files now. */
function coldBucketParts(engine: Engine, views: readonly string[]): number {
  return engine
    .status()
    .operators.filter((o) => views.includes(o.view) && o.operator === 'Aggregate')
    .reduce((n, o) => n + (o.memory?.coldParts ?? 0), 0);
}

describe('global aggregates in two phases under --state-memory', () => {
  test('seeded random changes under a 4 KiB budget, then a restart, match DuckDB', async () => {
    const dir = join(root, 'random');
    const rng = new SeededRandom(4242);
    let engine = await Engine.open({ dataDir: dir, stateMemory: 4 * 1024 });
    const duck = await DuckDbOracle.open();
    const all = { ...SPLIT, ...KEPT };
    const names = Object.keys(all);
    let id = 0;
    try {
      // x: NUMERIC(8, 2) written with one or two decimals, so equal values come in two spellings.
      await engine.sql('CREATE TABLE t (id INT, k INT, a TEXT, x NUMERIC(8, 2))');
      await duck.exec('CREATE TABLE t (id INTEGER, k INTEGER, a VARCHAR, x DECIMAL(8, 2))');
      for (const [name, q] of Object.entries(all)) {
        await engine.sql(`CREATE MATERIALIZED VIEW ${name} AS ${freshetQuery(q)}`);
        await duck.exec(`CREATE VIEW ${name} AS ${duckQuery(q)}`);
      }
      // Views over an empty table: one row each (count 0, the rest NULL), none for the HAVING.
      await expectStoredViewsMatch(engine, duck, names, 'empty table');
      let maxCold = 0;
      for (let step = 1; step <= 40; step++) {
        const roll = rng.next();
        let sql: string;
        if (roll < 0.6) {
          sql = randomInsert(rng, 't', () => ++id, rng.pick([1, 3, 50, 300]), 300, (i, k) => `(${i}, ${k}, ${rng.chance(0.05) ? 'NULL' : `'a${rng.int(0, 200)}'`}, ${rng.chance(0.5) ? `${rng.int(0, 99)}.5` : `${rng.int(0, 99)}.50`})`);
        } else if (roll < 0.8) sql = `DELETE FROM t WHERE id % ${rng.int(3, 9)} = ${rng.int(0, 2)}`;
        else if (roll < 0.95) sql = `UPDATE t SET k = k + ${rng.int(1, 3)}, a = a || 'u' WHERE id % ${rng.int(4, 11)} = 1`;
        else sql = 'DELETE FROM t';
        await engine.sql(sql);
        await duck.exec(sql);
        maxCold = Math.max(maxCold, coldBucketParts(engine, Object.keys(SPLIT)));
        if (step % 5 === 0) await expectStoredViewsMatch(engine, duck, names, `step ${step} (${sql.slice(0, 80)})`);
      }
      await expectStoredViewsMatch(engine, duck, names, 'end');
      // The buckets' state went to scratch files.
      expect(maxCold).toBeGreaterThan(0);
      // Restarted, the views load from the checkpoint and go on.
      engine = await restartAndContinue(engine, dir, 4 * 1024, duck, names, randomInsert(rng, 't', () => ++id, 200, 300, (i, k) => `(${i}, ${k}, 'b${i % 37}', ${i % 50}.25)`));
    } finally {
      duck.close();
      await engine.close();
    }
  });

  test('EXPLAIN shows the two phases only under a budget, and only for the aggregates that combine', async () => {
    const views = Object.fromEntries(Object.entries({ ...SPLIT, ...KEPT }).map(([name, q]) => [name, freshetQuery(q)]));
    const { budgeted, plain } = await explainWithAndWithoutBudget('CREATE TABLE t (id INT, k INT, a TEXT, x NUMERIC(8, 2))', views);
    expect(budgeted.get('g_mixed')).toMatch(/hash bucket of the argument of count\(DISTINCT k\)/);
    expect(budgeted.get('g_filtered')).toMatch(/hash bucket of the argument of count\(DISTINCT a\)/);
    expect(budgeted.get('g_numeric')).toMatch(/hash bucket of the argument of count\(DISTINCT id\)/);
    expect(budgeted.get('g_extremes')).toMatch(/hash bucket of the arguments/);
    expect(budgeted.get('g_distinct_sum')).toMatch(/hash bucket of the argument of sum\(DISTINCT k\)/);
    for (const view of Object.keys(KEPT)) expect(budgeted.get(view)).not.toMatch(/hash bucket/);
    for (const text of plain.values()) expect(text).not.toMatch(/hash bucket/);
  });
});
