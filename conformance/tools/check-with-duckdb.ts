// Cross-checks .slt files against DuckDB: `node dist/conformance/tools/check-with-duckdb.js files...`.
// Prints every record whose expectation DuckDB disagrees with. Known, expected disagreements
// (DuckDB allows JOIN, returns NULL for x/0, has no SQLSTATE codes) are for a human to judge.
import { describeFailure, runSltFile } from '../slt-runner.js';
import { DuckDbTarget } from './duckdb-target.js';

let failed = 0;
for (const file of process.argv.slice(2)) {
  const report = await runSltFile(file, { createEngine: () => new DuckDbTarget(), matchErrorMessages: false, dialect: 'pg' });
  for (const o of report.outcomes) if (o.status === 'failed') console.log(`${describeFailure(file, o)}\n`);
  console.log(`${file}: ${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped`);
  failed += report.failed;
}
process.exitCode = failed > 0 ? 1 : 0;
