// Shared by the tests of the two-phase lowerings under a state budget
// (global-aggregate-split.test.ts, global-top-n-split.test.ts).

import { expect } from 'vitest';
import { Engine } from '../../src/engine.js';
import type { DuckDbOracle } from '../differential/duckdb-oracle.js';
import { expectStoredViewsMatch } from './oracle-views.js';

/**
 * Closes `engine`, opens `dir` again under `stateMemory` and checks that every
 * view was loaded (none rebuilt) and equals DuckDB's; then applies `more` to
 * both and checks again. Returns the reopened engine.
 */
export async function restartAndContinue(engine: Engine, dir: string, stateMemory: number, duck: DuckDbOracle, names: readonly string[], more: string): Promise<Engine> {
  await engine.close();
  const reopened = await Engine.open({ dataDir: dir, stateMemory });
  expect(reopened.recovery!.views.rebuilt).toEqual([]);
  await expectStoredViewsMatch(reopened, duck, names, 'after the restart');
  await reopened.sql(more);
  await duck.exec(more);
  await expectStoredViewsMatch(reopened, duck, names, 'changes after the restart');
  return reopened;
}

/** EXPLAIN VIEW of each view, created after `schema` on an engine with a 1 MiB budget and on one without. */
export async function explainWithAndWithoutBudget(schema: string, views: Record<string, string>): Promise<{ budgeted: Map<string, string>; plain: Map<string, string> }> {
  const out = { budgeted: new Map<string, string>(), plain: new Map<string, string>() };
  for (const [kind, engine] of [['budgeted', new Engine({ stateMemory: 1024 * 1024 })], ['plain', new Engine()]] as const) {
    try {
      await engine.sql(schema);
      for (const [name, q] of Object.entries(views)) {
        await engine.sql(`CREATE MATERIALIZED VIEW ${name} AS ${q}`);
        out[kind].set(name, (await engine.sql(`EXPLAIN VIEW ${name}`)).rows.map((r) => String(r[0])).join('\n'));
      }
    } finally {
      await engine.close();
    }
  }
  return out;
}
