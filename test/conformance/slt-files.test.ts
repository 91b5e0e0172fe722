// Runs every conformance/slt/*.slt file — and every shrunk failing case the fuzzer saved
// in conformance/regressions/ — through the sqllogictest runner against a fresh Engine,
// one-shot and in view mode (each query re-checked as a materialized view created before
// its rows arrive): one test per file, failing with the runner's description of each
// failed record.
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
      const report = await runSltFile(join(conformanceDir, file), { viewMode: true });
      const failures = report.outcomes.filter((o) => o.status === 'failed').map((o) => describeFailure(file, o));
      expect(failures, `${report.failed} of ${report.passed + report.failed} records failed:\n\n${failures.join('\n\n')}`).toEqual([]);
      expect(report.passed).toBeGreaterThan(0);
      const view = report.view!;
      const viewFailures = view.outcomes.filter((o) => o.status === 'failed').map((o) => describeFailure(file, o));
      expect(viewFailures, `${view.failed} of ${view.passed + view.failed} records failed in view mode:\n\n${viewFailures.join('\n\n')}`).toEqual([]);
    });
  }
});
