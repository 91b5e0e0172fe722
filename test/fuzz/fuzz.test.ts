// The query fuzzer: random SELECTs built as node-sql-parser ASTs and rendered by
// its sqlify (an SQL implementation independent of Freshet's), run as views
// over seeded random INSERT/DELETE/UPDATE streams; after every batch each view
// must equal DuckDB's from-scratch result. About 12% of the cases are
// TUMBLE/HOP/CUMULATE views, which DuckDB computes through a rewrite of its own
// (time-window-source.ts). A failure is shrunk, saved as
// conformance/regressions/<seed>.slt, and the test fails naming file and seed.
//   FRESHET_FUZZ_CASES=N      number of cases (default 1000)
//   FRESHET_FUZZ_SEED=S       first seed (default fixed); case i uses S + i, so
//                             FRESHET_FUZZ_SEED=<seed> FRESHET_FUZZ_CASES=1 replays one case
//   FRESHET_FUZZ_FEATURES=..  adjusts the enabled constructs (see fuzz-features.ts)

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFailure, runSltFile } from '../../conformance/slt-runner.js';
import { Engine } from '../../src/index.js';
import type { CaseOutcome, SystemUnderTest } from '../differential/case-runner.js';
import { openDuckDbSut } from '../differential/duckdb-sut.js';
import { genFuzzCase, isTimeWindowCase, timeWindowShare, type FuzzCase } from './fuzz-case.js';
import { parseFeatures } from './fuzz-features.js';
import { FuzzRunner } from './fuzz-runner.js';
import { messageShape } from '../differential/shrinker.js';
import { shrinkFuzzCase } from './fuzz-shrinker.js';
import { saveRegression } from './regression-slt.js';

const cases = Number(process.env['FRESHET_FUZZ_CASES'] ?? 1000);
const firstSeed = Number(process.env['FRESHET_FUZZ_SEED'] ?? 31_415_926);
const featureSpec = process.env['FRESHET_FUZZ_FEATURES'];
const features = parseFeatures(featureSpec);

/** Below this many cases the share of checks that see rows is too noisy to assert. */
const minCasesForCoverage = 100;

/** How many distinct causes get shrunk and saved per run. */
const maxSaved = 3;

async function openFreshet(): Promise<SystemUnderTest> {
  const engine = new Engine({ clock: () => 0 });
  return { sql: (text) => engine.sql(text), close: () => engine.close() };
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
      return `DuckDB rejected generated SQL (generator bug) at step ${o.stepIndex}: ${o.sql} -- ${o.message}`;
  }
}

/** Groups failures by cause: mismatches together, errors by the shape of their message. */
function signature(o: CaseOutcome): string {
  return o.kind === 'engineError' || o.kind === 'invalid' ? `${o.kind}: ${messageShape(o.message)}` : o.kind;
}

function replayCommand(seed: number): string {
  const feats = featureSpec === undefined ? '' : ` FRESHET_FUZZ_FEATURES='${featureSpec}'`;
  return `FRESHET_FUZZ_SEED=${seed} FRESHET_FUZZ_CASES=1${feats} npx vitest run test/fuzz/fuzz.test.ts`;
}

describe('fuzz: node-sql-parser queries as Freshet views vs DuckDB recomputation', () => {
  let runner: FuzzRunner;
  beforeAll(async () => {
    runner = await FuzzRunner.open();
  });
  afterAll(() => runner.close());

  it('catches, shrinks and saves a wrong answer (a DuckDB stand-in that drops a row)', async () => {
    // Drops the last row of every non-empty SELECT result: the harness must notice.
    const broken = (): Promise<SystemUnderTest> => openDuckDbSut((rows) => rows.slice(0, Math.max(0, rows.length - 1)));
    let c: FuzzCase | null = null;
    let out: CaseOutcome = { kind: 'pass' };
    for (let seed = firstSeed; seed < firstSeed + 20 && out.kind === 'pass'; seed++) {
      c = genFuzzCase(seed, features);
      // The stand-in is DuckDB, which reads no TUMBLE/HOP/CUMULATE in Freshet's view text.
      if (isTimeWindowCase(c)) continue;
      out = await runner.run(c, broken);
    }
    expect(out.kind).toBe('mismatch');
    if (c === null) return;
    const shrunk = await shrinkFuzzCase(c, out, (x) => runner.run(x, broken), { maxRuns: 200, maxMillis: 30_000 });
    expect(shrunk.outcome.kind).toBe('mismatch');
    const dir = mkdtempSync(join(tmpdir(), 'freshet-fuzz-'));
    try {
      const path = saveRegression(shrunk.case, shrunk.outcome, replayCommand(c.seed), dir);
      const text = readFileSync(path, 'utf8');
      expect(text).toContain('statement ok\nCREATE TABLE');
      expect(text).toMatch(/query [IRT]+ rowsort\nSELECT \* FROM v\d/);
      // The expected rows are DuckDB's, so Freshet, which agrees with DuckDB here, passes the file
      // in the conformance runner: the saved format is one the runner reads as intended.
      const report = await runSltFile(path);
      expect(report.outcomes.filter((o) => o.status === 'failed').map((o) => describeFailure(path, o))).toEqual([]);
      expect(report.passed).toBeGreaterThan(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it(`${cases} random (query, delta stream) cases from seed ${firstSeed}`, async () => {
    const bySignature = new Map<string, { c: FuzzCase; out: CaseOutcome; seeds: number[] }>();
    let failed = 0;
    let windowCases = 0;
    runner.checks = 0;
    runner.nonEmptyChecks = 0;
    for (let i = 0; i < cases; i++) {
      const c = genFuzzCase(firstSeed + i, features);
      if (isTimeWindowCase(c)) windowCases++;
      const out = await runner.run(c, openFreshet);
      if (out.kind === 'pass') continue;
      failed++;
      const sig = signature(out);
      const seen = bySignature.get(sig);
      if (seen === undefined) bySignature.set(sig, { c, out, seeds: [c.seed] });
      else seen.seeds.push(c.seed);
    }
    console.log(`${cases} cases (${windowCases} over time windows), ${failed} failed; ${runner.checks} view checks, ${runner.nonEmptyChecks} non-empty`);
    if (failed === 0) {
      // Over many cases, about half the checks or more must see rows, or the comparisons prove little.
      if (cases >= minCasesForCoverage) expect(runner.nonEmptyChecks / runner.checks).toBeGreaterThan(0.45);
      // A window generator that stopped producing views would otherwise go unnoticed.
      if (cases >= minCasesForCoverage && features.has('timeWindow')) expect(windowCases / cases).toBeGreaterThan(timeWindowShare / 2);
      return;
    }
    const groups = [...bySignature.values()].sort((a, b) => b.seeds.length - a.seeds.length);
    const message: string[] = [`${failed} of ${cases} cases failed (first seed ${firstSeed}), by cause:`];
    for (const g of groups) message.push(`  ${g.seeds.length} x ${summary(g.out)} (seeds ${g.seeds.slice(0, 8).join(', ')}${g.seeds.length > 8 ? ', ...' : ''})`);
    for (const g of groups.slice(0, maxSaved)) {
      const replay = replayCommand(g.c.seed);
      // A generator bug is reported as is: shrinking it would hide what went wrong.
      const shrunk = g.out.kind === 'invalid'
        ? { case: g.c, outcome: g.out, runs: 0 }
        : await shrinkFuzzCase(g.c, g.out, (x) => runner.run(x, openFreshet));
      const file = g.out.kind === 'invalid' ? null : saveRegression(shrunk.case, shrunk.outcome, replay);
      message.push('', `seed ${g.c.seed}: ${summary(shrunk.outcome)} (${shrunk.runs} shrink runs)`);
      if (file !== null) message.push(`  saved ${file}`);
      message.push(`  replay: ${replay}`);
    }
    expect.fail(message.join('\n'));
  }, Math.max(600_000, cases * 2_000));
});
