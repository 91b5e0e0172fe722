#!/usr/bin/env node
// The long crash run: `npm run crash-test -- --kills 500 [--seed S] [--verbose]`.
// Runs test/crash/crash.test.ts under vitest (which loads the TypeScript
// harness) against the compiled server, with the matching FRESHET_CRASH_*
// variables; without --seed it picks a random seed and prints it, so a failure
// can be replayed (same workload and kill delays; kill points vary with timing).
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const usage = 'usage: npm run crash-test -- [--kills N] [--seed S] [--verbose]';

function parseArgs(argv) {
  const opts = { kills: '500', seed: String(Math.floor(Math.random() * 2 ** 31)), verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s) : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (name) {
      case '--kills':
        opts.kills = value();
        break;
      case '--seed':
        opts.seed = value();
        break;
      case '--verbose':
        opts.verbose = true;
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
  for (const key of ['kills', 'seed']) {
    if (!/^\d+$/.test(opts[key] ?? '')) {
      console.error(`--${key} needs a non-negative integer, got "${opts[key]}"\n${usage}`);
      process.exit(2);
    }
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const env = { ...process.env, FRESHET_CRASH_KILLS: opts.kills, FRESHET_CRASH_SEED: opts.seed };
if (opts.verbose) env.FRESHET_CRASH_VERBOSE = '1';
console.log(`crash test: ${opts.kills} kills from seed ${opts.seed}`);

const vitest = resolve(root, 'node_modules/vitest/vitest.mjs');
const child = spawn(process.execPath, [vitest, 'run', 'test/crash/crash.test.ts'], { cwd: root, env, stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)));
