// Opt-in: FRESHET_DIFF_PG="-h /tmp/pg -p 5432 -U postgres" npx vitest run test/differential/pg-crosscheck.test.ts
// Verifies that DuckDB, the differential oracle, agrees with a real PostgreSQL on
// generated cases, i.e. that the generator avoids every known dialect difference.

import { describe, expect, it } from 'vitest';
import { genCase } from './case-gen.js';
import { renderViewQuery } from './case-model.js';
import { crossCheck } from './pg-crosscheck.js';

const pg = process.env['FRESHET_DIFF_PG'];
const cases = Number(process.env['FRESHET_DIFF_CASES'] ?? 200);
const seed = Number(process.env['FRESHET_DIFF_SEED'] ?? 77_000);

describe.skipIf(pg === undefined)('DuckDB oracle vs PostgreSQL', () => {
  it(`agrees on ${cases} generated cases`, async () => {
    const args = (pg ?? '').split(/\s+/).filter((a) => a !== '');
    for (let i = 0; i < cases; i++) {
      const c = genCase(seed + i);
      const f = await crossCheck(c, args);
      if (f !== null) {
        const step = c.steps.find((s) => s.kind === 'createView' && s.view.name === f.view);
        const query = step?.kind === 'createView' ? renderViewQuery(step.view) : '';
        expect.fail(`seed ${c.seed} step ${f.stepIndex} view ${f.view}: ${query}\n${f.detail}`);
      }
    }
  }, 600_000);
});
