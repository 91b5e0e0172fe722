// A global ORDER BY ... LIMIT in two phases under a state budget
// (engine/split-top-n.ts): a top-N per hash bucket of the row, in parts that
// move to scratch files, then the global top-N over what the buckets keep. A
// seeded random workload with duplicate rows, NULLs and ties runs on Freshet
// under a 4 KiB budget and on DuckDB; every few steps, and after a restart
// that loads the views from a checkpoint, each view must equal DuckDB's
// result. Every ORDER BY orders by all columns with explicit NULLS, so the
// window is one multiset in both systems.

import { afterAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine.js';
import { topNBuckets } from '../../src/engine/split-top-n.js';
import { DuckDbOracle } from '../differential/duckdb-oracle.js';
import { SeededRandom } from '../seeded-random.js';
import { expectStoredViewsMatch, randomInsert } from './oracle-views.js';
import { explainWithAndWithoutBudget, restartAndContinue } from './two-phase-helpers.js';

const root = mkdtempSync(join(tmpdir(), 'freshet-top-split-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const VIEWS: Record<string, string> = {
  t_top: 'SELECT id, k, a FROM t ORDER BY k DESC NULLS LAST, a NULLS FIRST, id LIMIT 7',
  t_offset: 'SELECT k, a FROM t ORDER BY a NULLS LAST, k NULLS LAST LIMIT 5 OFFSET 3',
  t_dupes: 'SELECT k FROM t ORDER BY k NULLS FIRST LIMIT 20',
  // Copies of one row share a bucket: the window past the offset must come from that bucket alone.
  t_dupes_offset: 'SELECT k FROM t ORDER BY k NULLS FIRST LIMIT 10 OFFSET 15',
  // LIMIT 0 keeps nothing: not split (a first phase would keep the offset's rows).
  t_zero: 'SELECT k FROM t ORDER BY k NULLS FIRST LIMIT 0 OFFSET 5',
  // Too large a window for buckets (16 x 5,000 > 65,536): one phase.
  t_wide: 'SELECT id, k FROM t ORDER BY k NULLS LAST, id LIMIT 5000',
};

describe('global top-N in two phases under --state-memory', () => {
  test('the bucket count shrinks as the window grows, down to none', () => {
    expect([1, 64, 65, 1000, 4096, 4097].map(topNBuckets)).toEqual([1024, 1024, 512, 64, 16, 0]);
  });

  test('seeded random changes under a 4 KiB budget, then a restart, match DuckDB', async () => {
    const dir = join(root, 'random');
    const rng = new SeededRandom(777);
    let engine = await Engine.open({ dataDir: dir, stateMemory: 4 * 1024 });
    const duck = await DuckDbOracle.open();
    const names = Object.keys(VIEWS);
    let id = 0;
    try {
      await engine.sql('CREATE TABLE t (id INT, k INT, a TEXT)');
      await duck.exec('CREATE TABLE t (id INTEGER, k INTEGER, a VARCHAR)');
      for (const [name, q] of Object.entries(VIEWS)) {
        await engine.sql(`CREATE MATERIALIZED VIEW ${name} AS ${q}`);
        await duck.exec(`CREATE VIEW ${name} AS ${q}`);
      }
      let maxCold = 0;
      for (let step = 1; step <= 40; step++) {
        const roll = rng.next();
        let sql: string;
        if (roll < 0.6) sql = randomInsert(rng, 't', () => ++id, rng.pick([1, 4, 60, 400]), 500, (i, k) => `(${i}, ${k}, ${rng.chance(0.05) ? 'NULL' : `'a${rng.int(0, 40)}'`})`);
        else if (roll < 0.85) sql = `DELETE FROM t WHERE id % ${rng.int(3, 9)} = ${rng.int(0, 2)} OR k > ${rng.int(450, 520)}`;
        else if (roll < 0.97) sql = `UPDATE t SET k = k + ${rng.int(1, 30)} WHERE id % ${rng.int(4, 11)} = 1`;
        else sql = 'DELETE FROM t';
        await engine.sql(sql);
        await duck.exec(sql);
        const cold = engine.status().operators.filter((o) => o.operator === 'TopN').reduce((n, o) => n + (o.memory?.coldParts ?? 0), 0);
        maxCold = Math.max(maxCold, cold);
        if (step % 5 === 0) await expectStoredViewsMatch(engine, duck, names, `step ${step} (${sql.slice(0, 80)})`);
      }
      await expectStoredViewsMatch(engine, duck, names, 'end');
      expect(maxCold).toBeGreaterThan(0);
      engine = await restartAndContinue(engine, dir, 4 * 1024, duck, names, randomInsert(rng, 't', () => ++id, 300, 600, (i, k) => `(${i}, ${k}, 'b${i % 29}')`));
    } finally {
      duck.close();
      await engine.close();
    }
  });

  test('EXPLAIN shows the phases only under a budget and for windows that fit', async () => {
    const { budgeted, plain } = await explainWithAndWithoutBudget('CREATE TABLE t (id INT, k INT, a TEXT)', VIEWS);
    expect(budgeted.get('t_top')).toMatch(/hash bucket of the row \(1024 buckets\)/);
    expect(budgeted.get('t_wide')).not.toMatch(/hash bucket/);
    expect(budgeted.get('t_zero')).not.toMatch(/hash bucket/);
    for (const text of plain.values()) expect(text).not.toMatch(/hash bucket/);
  });
});
