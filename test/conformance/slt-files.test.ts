// Runs every conformance/slt/*.slt file — and every shrunk failing case the fuzzer saved
// in conformance/regressions/ — through the sqllogictest runner against a fresh Engine:
// one test per file, failing with the runner's description of each failed record.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeFailure, runSltFile } from '../../conformance/slt-runner.js';

const conformanceDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../conformance');
const files = ['slt', 'regressions']
  .filter((d) => existsSync(join(conformanceDir, d)))
  .flatMap((d) => readdirSync(join(conformanceDir, d)).filter((f) => f.endsWith('.slt')).sort().map((f) => `${d}/${f}`));

describe('conformance/slt', () => {
  it('has files to run', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  for (const file of files) {
    it(file, async () => {
      const report = await runSltFile(join(conformanceDir, file));
      const failures = report.outcomes.filter((o) => o.status === 'failed').map((o) => describeFailure(file, o));
      expect(failures, `${report.failed} of ${report.passed + report.failed} records failed:\n\n${failures.join('\n\n')}`).toEqual([]);
      expect(report.passed).toBeGreaterThan(0);
    });
  }
});
