#!/usr/bin/env node
// The long-run fuzzer: `npm run fuzz -- --cases N [--seed S] [--features SPEC]`.
// Runs test/fuzz/fuzz.test.ts under vitest (which loads the TypeScript sources)
// with the matching FRESHET_FUZZ_* variables.
import { runTestFile } from '../../scripts/run-test-file.mjs';

runTestFile({
  usage: 'usage: npm run fuzz -- [--cases N] [--seed S] [--features +innerJoin,-having|all]',
  flags: {
    cases: { env: 'FRESHET_FUZZ_CASES', default: '10000', integer: true },
    seed: { env: 'FRESHET_FUZZ_SEED', integer: true },
    features: { env: 'FRESHET_FUZZ_FEATURES' },
  },
  file: 'test/fuzz/fuzz.test.ts',
  vitestArgs: ['--testNamePattern', 'random'],
  banner: (o) => `fuzzing ${o.cases} cases from seed ${o.seed}${o.features ? ` with features ${o.features}` : ''}`,
});
