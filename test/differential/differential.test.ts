// The differential test: random schemas, views and change batches run through
// Freshet, and after every batch each view must equal DuckDB computing the
// view's query from scratch over its own copy of the tables. A failure prints
// the seed and a shrunk .slt reproduction.
//   FRESHET_DIFF_CASES=N   number of cases (default 200)
//   FRESHET_DIFF_SEED=S    first case seed (default fixed); case i uses seed S + i,
//                          so FRESHET_DIFF_SEED=<printed seed> FRESHET_DIFF_CASES=1 replays one case.

import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';
import { genCase } from './case-gen.js';
import type { DiffCase } from './case-model.js';
import { runCase, type CaseOutcome, type SystemUnderTest } from './case-runner.js';
import { shrinkCase } from './shrinker.js';
import { renderSltRepro } from './slt-repro.js';

const cases = Number(process.env['FRESHET_DIFF_CASES'] ?? 200);
const firstSeed = Number(process.env['FRESHET_DIFF_SEED'] ?? 20_240_601);

async function openFreshet(): Promise<SystemUnderTest> {
  const engine = new Engine({ clock: () => 0 });
  return {
    sql: (text) => engine.sql(text),
    close: () => engine.close(),
  };
}

function summary(o: CaseOutcome): string {
  switch (o.kind) {
    case 'pass':
      return 'pass';
    case 'mismatch':
      return `view ${o.view} differs from DuckDB after step ${o.stepIndex}`;
    case 'engineError':
      return `Freshet error at step ${o.stepIndex}: ${o.message}`;
    case 'invalid':
      return `DuckDB rejected generated SQL (harness bug) at step ${o.stepIndex}: ${o.sql} -- ${o.message}`;
  }
}

/** Groups failures by cause: a mismatch per view shape, an error by its message shape. */
function signature(o: CaseOutcome): string {
  if (o.kind === 'engineError' || o.kind === 'invalid') {
    return `${o.kind}: ${o.message.replace(/\d+/g, '#').replace(/'[^']*'/g, "'?'").slice(0, 100)}`;
  }
  return o.kind;
}

/** How many distinct causes get a shrunk reproduction in the failure message. */
const maxShrunk = 3;

describe('differential: Freshet views vs DuckDB recomputation', () => {
  it(`${cases} random cases from seed ${firstSeed}`, async () => {
    const bySignature = new Map<string, { c: DiffCase; out: CaseOutcome; count: number }>();
    let failed = 0;
    for (let i = 0; i < cases; i++) {
      const c = genCase(firstSeed + i);
      const out = await runCase(c, openFreshet);
      if (out.kind === 'pass') continue;
      failed++;
      const sig = signature(out);
      const seen = bySignature.get(sig);
      if (seen === undefined) bySignature.set(sig, { c, out, count: 1 });
      else seen.count++;
    }
    if (failed === 0) return;
    const groups = [...bySignature.values()].sort((a, b) => b.count - a.count);
    const message: string[] = [`${failed} of ${cases} cases failed (first seed ${firstSeed}), by cause:`];
    for (const g of groups) message.push(`  ${g.count} x ${summary(g.out)} (e.g. seed ${g.c.seed})`);
    for (const g of groups.slice(0, maxShrunk)) {
      // A harness bug is reported as is: shrinking it would hide what went wrong.
      const shrunk = g.out.kind === 'invalid'
        ? { case: g.c, outcome: g.out, runs: 0 }
        : await shrinkCase(g.c, g.out, (c) => runCase(c, openFreshet));
      const replay = `FRESHET_DIFF_SEED=${g.c.seed} FRESHET_DIFF_CASES=1 npx vitest run test/differential/differential.test.ts`;
      message.push('', `Minimal reproduction of seed ${g.c.seed} (${shrunk.runs} shrink runs): ${summary(shrunk.outcome)}`);
      message.push(renderSltRepro(shrunk.case, shrunk.outcome, replay));
    }
    expect.fail(message.join('\n'));
  }, 600_000);
});
