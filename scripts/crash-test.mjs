#!/usr/bin/env node
// The long crash run: `npm run crash-test -- --kills 500 [--seed S] [--verbose]`.
// Runs test/crash/crash.test.ts under vitest (which loads the TypeScript
// harness) against the compiled server; the same seed gives the same workload
// and kill delays (the exact kill points still vary with timing).
import { runTestFile } from './run-test-file.mjs';

runTestFile({
  usage: 'usage: npm run crash-test -- [--kills N] [--seed S] [--verbose]',
  flags: {
    kills: { env: 'FRESHET_CRASH_KILLS', default: '500', integer: true },
    seed: { env: 'FRESHET_CRASH_SEED', integer: true },
    verbose: { env: 'FRESHET_CRASH_VERBOSE', boolean: true },
  },
  file: 'test/crash/crash.test.ts',
  banner: (o) => `crash test: ${o.kills} kills from seed ${o.seed}`,
});
