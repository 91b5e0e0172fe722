#!/usr/bin/env node
// The long-run fuzzer: `npm run fuzz -- --cases N [--seed S] [--features SPEC]`.
// Runs test/fuzz/fuzz.test.ts under vitest (which loads the TypeScript sources)
// with the matching FRESHET_FUZZ_* variables; without --seed it picks a random
// first seed and prints it, so any failure can be replayed.
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const usage = 'usage: npm run fuzz -- [--cases N] [--seed S] [--features +innerJoin,-having|all]';

function parseArgs(argv) {
  const opts = { cases: '10000', seed: String(Math.floor(Math.random() * 2 ** 31)), features: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s) : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (name) {
      case '--cases':
        opts.cases = value();
        break;
      case '--seed':
        opts.seed = value();
        break;
      case '--features':
        opts.features = value();
        break;
      case '-h':
      case '--help':
        console.log(usage);
        process.exit(0);
        break;
      default:
        console.error(`unknown argument "${arg}"\n${usage}`);
        process.exit(2);
    }
  }
  for (const key of ['cases', 'seed']) {
    if (!/^\d+$/.test(opts[key] ?? '')) {
      console.error(`--${key} needs a non-negative integer, got "${opts[key]}"\n${usage}`);
      process.exit(2);
    }
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const env = { ...process.env, FRESHET_FUZZ_CASES: opts.cases, FRESHET_FUZZ_SEED: opts.seed };
if (opts.features !== undefined) env.FRESHET_FUZZ_FEATURES = opts.features;
console.log(`fuzzing ${opts.cases} cases from seed ${opts.seed}${opts.features ? ` with features ${opts.features}` : ''}`);

const vitest = resolve(root, 'node_modules/vitest/vitest.mjs');
const child = spawn(process.execPath, [vitest, 'run', 'test/fuzz/fuzz.test.ts', '--testNamePattern', 'random'], {
  cwd: root,
  env,
  stdio: 'inherit',
});
child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)));
