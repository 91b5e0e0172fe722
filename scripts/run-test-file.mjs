// Shared by the long-run scripts (npm run fuzz, npm run crash-test): reads
// `--name value` / `--name=value` / boolean `--name` flags, hands them to one
// vitest file as FRESHET_* environment variables, and exits with its status.
// Without --seed a random seed is picked and printed, so a failure can be replayed.
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * flags: { name: { env: 'FRESHET_...', default?: string, integer?: true, boolean?: true } }
 * file: the test file; vitestArgs: extra arguments; banner(opts): the line printed first.
 */
export function runTestFile({ usage, flags, file, vitestArgs = [], banner }) {
  const opts = {};
  for (const [name, spec] of Object.entries(flags)) if (spec.default !== undefined) opts[name] = spec.default;
  opts.seed ??= String(Math.floor(Math.random() * 2 ** 31));
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      console.log(usage);
      process.exit(0);
    }
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s) : [arg, undefined];
    const name = flag.startsWith('--') ? flag.slice(2) : '';
    const spec = flags[name];
    if (spec === undefined) {
      console.error(`unknown argument "${arg}"\n${usage}`);
      process.exit(2);
    }
    opts[name] = spec.boolean ? '1' : (inline ?? argv[++i]);
  }
  const env = { ...process.env };
  for (const [name, spec] of Object.entries(flags)) {
    if (opts[name] === undefined) continue;
    if (spec.integer && !/^\d+$/.test(opts[name])) {
      console.error(`--${name} needs a non-negative integer, got "${opts[name]}"\n${usage}`);
      process.exit(2);
    }
    env[spec.env] = opts[name];
  }
  console.log(banner(opts));
  const vitest = resolve(root, 'node_modules/vitest/vitest.mjs');
  const child = spawn(process.execPath, [vitest, 'run', file, ...vitestArgs], { cwd: root, env, stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)));
}
