// Helpers shared by the benchmarks: a seeded generator so both engines see
// identical data, percentiles, number formatting, peak RSS, and writing a
// result file to bench/results/<YYYY-MM-DD>-<name>.json.

import { mkdirSync, writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A benchmark's command line: `--quick` and positive-integer flags
 * `--name N` for each name in `integers`. Unknown flags and bad values fail
 * with a message listing what is accepted.
 */
export function parseFlags(argv: readonly string[], integers: readonly string[]): { readonly given: ReadonlyMap<string, number>; readonly quick: boolean } {
  const given = new Map<string, number>();
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const key = flag.replace(/^--/, '');
    if (key === 'quick') {
      quick = true;
    } else if (integers.includes(key)) {
      const value = Number(argv[i + 1]);
      if (!Number.isInteger(value) || value <= 0) throw new Error(`${flag} expects a positive integer, got '${argv[i + 1] ?? ''}'`);
      given.set(key, value);
      i++;
    } else {
      throw new Error(`unknown flag '${flag}'; expected --quick${integers.map((n) => ` or --${n} N`).join('')}`);
    }
  }
  return { given, quick };
}

/** A small deterministic generator (xorshift32), so both engines see identical data. */
export class Rand {
  private s: number;
  constructor(seed: number) {
    this.s = (seed * 0x9e3779b9) >>> 0 || 1;
  }
  u32(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  below(n: number): number {
    return this.u32() % n;
  }
  double(): number {
    return this.u32() / 0x1_0000_0000;
  }
}

/** The nearest-rank percentile (p in 0..100); NaN for no samples. */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? Number.NaN;
}

export function median(xs: readonly number[]): number {
  return percentile(xs, 50);
}

/** Peak resident set size of this process so far, in MB. */
export function maxRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/**
 * The peak resident set size of this process during a piece of work, in MB
 * above what it was when the work began. A worker thread samples
 * process.memoryUsage.rss() every millisecond into shared memory, so the
 * peak is seen even while the main thread is busy (a view build) or idle
 * waiting on DuckDB's threads (a CREATE TABLE AS). Call `measure` with the
 * work; `close` ends the worker.
 */
export class PeakRss {
  private readonly shared = new Float64Array(new SharedArrayBuffer(16));
  private readonly worker: Worker;

  constructor() {
    // shared[0]: 1 while sampling; shared[1]: the peak so far (bytes).
    this.worker = new Worker(
      `const { workerData } = require('node:worker_threads');
       const s = new Float64Array(workerData);
       setInterval(() => { if (s[0] === 1) { const r = process.memoryUsage.rss(); if (r > s[1]) s[1] = r; } }, 1);`,
      { eval: true, workerData: this.shared.buffer },
    );
    this.worker.unref();
  }

  /** Runs `work`; returns its result and the peak RSS above the starting one, in MB. */
  async measure<T>(work: () => Promise<T>): Promise<{ readonly value: T; readonly peakMb: number }> {
    (globalThis as { gc?: () => void }).gc?.();
    const before = process.memoryUsage.rss();
    this.shared[1] = before;
    this.shared[0] = 1;
    try {
      const value = await work();
      const last = process.memoryUsage.rss();
      return { value, peakMb: (Math.max(this.shared[1]!, last) - before) / 2 ** 20 };
    } finally {
      this.shared[0] = 0;
    }
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/** Milliseconds with a precision that suits their size. */
export function ms(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toFixed(3);
}

/** bench/results in the source tree (found from the compiled file in dist/bench), created if missing. */
export function resultsDir(): string {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Writes `result` as JSON to bench/results/<today>-<name>.json. */
export function writeResult(name: string, result: unknown): string {
  const date = new Date().toISOString().slice(0, 10);
  const file = join(resultsDir(), `${date}-${name}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
