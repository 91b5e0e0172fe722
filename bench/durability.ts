// Benchmark: what durability costs and how fast Freshet comes back, against
// a persistent DuckDB database in the same process on the same rows.
//   1. recovery of N rows from the write-ahead log alone (Engine.open replays it)
//   2. recovery from a checkpoint (rows and the GROUP BY view's state loaded)
//   2b. the same with two views of large state (a self-join, 100k MIN/MAX
//       groups): loaded from the checkpoint vs rebuilt from the table
//   3. bytes on disk (WAL, checkpoint, DuckDB file) vs the raw columns
//   4. commits/s of single-row INSERTs (fsync always vs batch, 1 and 64 in
//      flight) and N-row bulk loads in 10k-row commits
//   5. DuckDB's own "recovery": opening its database file and querying it
// Every recovered engine is checked against counts and sums computed here.
//   node --max-old-space-size=16384 dist/bench/durability.js [--rows N] [--quick] [--commits C] [--reps R] [--seed S]

import { DOUBLE, DuckDBDataChunk, DuckDBInstance, INTEGER, TIMESTAMP, VARCHAR, version as duckdbVersion } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { closeSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../src/index.js';
import { Rand, parseFlags, maxRssMb, median, ms, percentile, writeResult } from './bench-common.js';
import {
  DUCK_TABLE_DDL,
  TABLE_DDL,
  VIEW_DDL,
  TAGS,
  arrowSlice,
  duckColumns,
  expectedTotals,
  generateReadings,
  rawColumnBytes,
  singleRowInsert,
  tagNames,
} from './durability-data.js';
import type { Expected, Readings } from './durability-data.js';

interface Options {
  rows: number;
  commits: number;
  reps: number;
  seed: number;
  quick: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const { given, quick } = parseFlags(argv, ['rows', 'commits', 'reps', 'seed']);
  return {
    rows: given.get('rows') ?? (quick ? 100_000 : 1_000_000),
    commits: given.get('commits') ?? (quick ? 1_000 : 5_000),
    reps: given.get('reps') ?? 3,
    seed: given.get('seed') ?? 1,
    quick,
  };
}

const BATCH_ROWS = 10_000;
const WINDOW = 64;
const log = (s: string): void => void process.stderr.write(`${s}\n`);
const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/** Bytes of every file under `path`. */
function bytesUnder(path: string): number {
  const st = statSync(path, { throwIfNoEntry: false });
  if (st === undefined) return 0;
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((n, f) => n + bytesUnder(join(path, f)), 0);
}

/** The disk's own cost of a durable append (100 bytes + fsync, median of 500), which bounds commits/s at one in flight. */
function fsyncProbeMs(dir: string): number {
  const path = join(dir, 'fsync-probe');
  const fd = openSync(path, 'a');
  const bytes = new Uint8Array(100);
  const times: number[] = [];
  try {
    for (let i = 0; i < 500; i++) {
      const t0 = performance.now();
      writeSync(fd, bytes);
      fsyncSync(fd);
      times.push(performance.now() - t0);
    }
  } finally {
    closeSync(fd);
    rmSync(path, { force: true });
  }
  return median(times);
}

/**
 * Untimed: a small load and a few hundred statements on an in-memory engine,
 * so the JIT has compiled the insert, commit and view paths before anything
 * is measured (otherwise whichever run comes first pays for it).
 */
async function warmUp(r: Readings, stmts: readonly string[]): Promise<void> {
  const engine = new Engine();
  await engine.sql(TABLE_DDL);
  await engine.sql(VIEW_DDL);
  for (let at = 0; at < Math.min(r.n, 200_000); at += BATCH_ROWS) await engine.insertArrow('t', arrowSlice(r, at, Math.min(r.n, at + BATCH_ROWS)));
  await engine.sql('DELETE FROM t');
  for (const s of stmts.slice(0, 500)) await engine.sql(s);
  await engine.close();
}

// ---- Freshet

/** Loads the rows in 10k-row insertArrow commits; returns the time spent in insertArrow (building the arrow slices is not counted). */
async function bulkLoad(engine: Engine, r: Readings): Promise<number> {
  let spent = 0;
  for (let at = 0; at < r.n; at += BATCH_ROWS) {
    const slice = arrowSlice(r, at, Math.min(r.n, at + BATCH_ROWS));
    const t0 = performance.now();
    await engine.insertArrow('t', slice);
    spent += performance.now() - t0;
  }
  return spent;
}

/** null when table t and view v hold exactly what `exp` says; otherwise what differs. */
async function checkFreshet(engine: Engine, exp: Expected): Promise<string | null> {
  const totals = (await engine.sql('SELECT count(*), sum(amount) FROM t')).rows[0]!;
  const rows = Number(totals[0]);
  const cents = Math.round(Number(totals[1] ?? 0) * 100);
  if (rows !== exp.rows || cents !== exp.totalCents) return `table t: ${rows} rows / ${cents} cents, expected ${exp.rows} / ${exp.totalCents}`;
  const tagIndex = new Map(tagNames.map((s, k) => [s, k]));
  const seen = new Uint8Array(TAGS);
  for (const row of (await engine.sql('SELECT tag, n, total FROM v')).rows) {
    const k = tagIndex.get(String(row[0]));
    if (k === undefined || seen[k] === 1) return `view v: unexpected or repeated group ${String(row[0])}`;
    seen[k] = 1;
    if (Number(row[1]) !== exp.count[k] || Math.round(Number(row[2]) * 100) !== exp.cents[k]) {
      return `view v: group ${String(row[0])} has ${String(row[1])} / ${String(row[2])}, expected ${exp.count[k]} / ${exp.cents[k]! / 100}`;
    }
  }
  for (let k = 0; k < TAGS; k++) if (exp.count[k]! > 0 && seen[k] === 0) return `view v: group ${tagNames[k]} is missing`;
  return null;
}

interface RecoveryResult {
  readonly ms: number[];
  readonly engineMs: number[];
  readonly records: number;
  readonly checkpointLsn: number | null;
  readonly damage: readonly string[];
  readonly check: string | null;
  /** Views recovery loaded from the checkpoint, and views it rebuilt from the tables. */
  readonly viewsRestored: number;
  readonly viewsRebuilt: number;
}

/** The views of case 2b: a self-join holding every row twice, and 100,000 groups of MIN/MAX multisets. */
const LARGE_VIEW_DDL = [
  'CREATE MATERIALIZED VIEW w_join AS SELECT a.id, a.amount - b.amount AS delta FROM t a JOIN t b ON a.id = b.id + 1',
  'CREATE MATERIALIZED VIEW w_minmax AS SELECT id % 100000 AS bucket, min(amount) AS lo, max(amount) AS hi, count(*) AS n FROM t GROUP BY id % 100000',
];

interface LargeViewsCase {
  readonly checkpointViews: boolean;
  readonly checkpointMs: number;
  readonly checkpointBytes: number;
  readonly recovery: RecoveryResult;
}

/** null when the large views hold what the rows say (ids are 0..n-1, so the join pairs each id with the one before). */
async function checkLargeViews(engine: Engine, r: Readings): Promise<string | null> {
  const [joinRows, deltaSum] = (await engine.sql('SELECT count(*), sum(delta) FROM w_join')).rows[0]!;
  const expectDelta = r.n > 1 ? (r.cents[r.n - 1]! - r.cents[0]!) / 100 : 0;
  if (Number(joinRows) !== Math.max(0, r.n - 1) || Math.abs(Number(deltaSum ?? 0) - expectDelta) > 1e-6) {
    return `w_join: ${String(joinRows)} rows, sum(delta) ${String(deltaSum)}; expected ${r.n - 1}, ${expectDelta}`;
  }
  const buckets = Math.min(r.n, 100_000);
  const lo = new Float64Array(buckets).fill(Infinity);
  const hi = new Float64Array(buckets).fill(-Infinity);
  for (let i = 0; i < r.n; i++) {
    const b = r.id[i]! % 100_000;
    lo[b] = Math.min(lo[b]!, r.cents[i]!);
    hi[b] = Math.max(hi[b]!, r.cents[i]!);
  }
  const expectLo = lo.reduce((a, b) => a + b, 0);
  const expectHi = hi.reduce((a, b) => a + b, 0);
  const [groups, n, sumLo, sumHi] = (await engine.sql('SELECT count(*), sum(n), sum(lo), sum(hi) FROM w_minmax')).rows[0]!;
  if (Number(groups) !== buckets || Number(n) !== r.n || Math.round(Number(sumLo) * 100) !== expectLo || Math.round(Number(sumHi) * 100) !== expectHi) {
    return `w_minmax: ${String(groups)} groups, ${String(n)} rows, sums ${String(sumLo)} / ${String(sumHi)}; expected ${buckets}, ${r.n}, ${expectLo / 100} / ${expectHi / 100}`;
  }
  return null;
}

/**
 * Opens `dataDir` `reps` times (none of them writes a checkpoint, so each
 * finds the same files); checks the first (with `large`, the views of case 2b
 * too, and that recovery loaded or rebuilt every view as the checkpoint says).
 */
async function timeRecovery(dataDir: string, reps: number, exp: Expected, large?: Readings): Promise<RecoveryResult> {
  const times: number[] = [];
  const engineMs: number[] = [];
  let first: Omit<RecoveryResult, 'ms' | 'engineMs'> | null = null;
  for (let rep = 0; rep < reps; rep++) {
    const t0 = performance.now();
    const engine = await Engine.open({ dataDir, checkpointOnClose: false });
    times.push(performance.now() - t0);
    const report = engine.recovery!;
    engineMs.push(report.ms);
    first ??= {
      records: report.records,
      checkpointLsn: report.checkpointLsn,
      damage: report.damage,
      check: (await checkFreshet(engine, exp)) ?? (large === undefined ? null : await checkLargeViews(engine, large)),
      viewsRestored: report.views.restored.length,
      viewsRebuilt: report.views.rebuilt.length,
    };
    await engine.close();
  }
  return { ms: times, engineMs, ...first! };
}

interface CommitRun {
  readonly engine: string;
  readonly fsync: string;
  readonly concurrency: number;
  readonly commits: number;
  readonly ms: number;
  readonly commitsPerSec: number;
  /** Per-statement latency; only measured with one statement in flight. */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly check: string | null;
}

/** Runs the single-row INSERTs on a fresh engine with the table and view: one at a time, or WINDOW at a time. */
async function freshetCommits(dataDir: string | null, fsync: 'always' | 'batch', concurrency: number, stmts: readonly string[], expectedCents: number): Promise<CommitRun> {
  const engine = dataDir === null ? new Engine() : await Engine.open({ dataDir, fsync, checkpointOnClose: false });
  await engine.sql(TABLE_DDL);
  await engine.sql(VIEW_DDL);
  const latencies: number[] = [];
  const t0 = performance.now();
  if (concurrency === 1) {
    for (const s of stmts) {
      const start = performance.now();
      await engine.sql(s);
      latencies.push(performance.now() - start);
    }
  } else {
    for (let at = 0; at < stmts.length; at += concurrency) await Promise.all(stmts.slice(at, at + concurrency).map((s) => engine.sql(s)));
  }
  const elapsed = performance.now() - t0;
  const got = (await engine.sql('SELECT (SELECT count(*) FROM t), (SELECT sum(amount) FROM t), (SELECT sum(n) FROM v)')).rows[0]!;
  const check =
    Number(got[0]) === stmts.length && Math.round(Number(got[1]) * 100) === expectedCents && Number(got[2]) === stmts.length
      ? null
      : `got ${String(got[0])} rows / ${String(got[1])} / view ${String(got[2])}, expected ${stmts.length} / ${expectedCents / 100}`;
  await engine.close();
  return {
    engine: dataDir === null ? 'Freshet in memory (no log)' : `Freshet fsync ${fsync}`,
    fsync: dataDir === null ? 'none' : fsync,
    concurrency,
    commits: stmts.length,
    ms: elapsed,
    commitsPerSec: stmts.length / (elapsed / 1000),
    p50Ms: latencies.length > 0 ? percentile(latencies, 50) : null,
    p99Ms: latencies.length > 0 ? percentile(latencies, 99) : null,
    check,
  };
}

// ---- DuckDB

/** Appends the rows to a persistent database, flushing (committing) every 10k rows, then CHECKPOINTs. */
async function duckLoad(conn: DuckDBConnection, r: Readings): Promise<{ loadMs: number; checkpointMs: number }> {
  await conn.run(DUCK_TABLE_DDL);
  const appender = await conn.createAppender('t');
  const types = [INTEGER, VARCHAR, DOUBLE, TIMESTAMP];
  const chunkRows = 2000;
  let spent = 0;
  for (let at = 0; at < r.n; at += chunkRows) {
    const to = Math.min(r.n, at + chunkRows);
    const columns = duckColumns(r, at, to);
    const t0 = performance.now();
    const chunk = DuckDBDataChunk.create(types, to - at);
    chunk.setColumns(columns);
    appender.appendDataChunk(chunk);
    if (to % BATCH_ROWS === 0 || to === r.n) appender.flushSync();
    spent += performance.now() - t0;
  }
  let t0 = performance.now();
  appender.closeSync();
  spent += performance.now() - t0;
  t0 = performance.now();
  await conn.run('CHECKPOINT');
  return { loadMs: spent, checkpointMs: performance.now() - t0 };
}

async function duckCheck(conn: DuckDBConnection, exp: Expected): Promise<string | null> {
  const got = (await conn.runAndReadAll('SELECT count(*), sum(amount) FROM t')).getRowsJS()[0]!;
  const rows = Number(got[0]);
  const cents = Math.round(Number(got[1]) * 100);
  return rows === exp.rows && cents === exp.totalCents ? null : `DuckDB t: ${rows} rows / ${cents} cents, expected ${exp.rows} / ${exp.totalCents}`;
}

/** Opens the database file and runs `query`: DuckDB's path from a closed file to an answer. */
async function duckOpenAndQuery(path: string, query: string): Promise<number> {
  const t0 = performance.now();
  const instance = await DuckDBInstance.create(path);
  const conn = await instance.connect();
  await conn.runAndReadAll(query);
  const elapsed = performance.now() - t0;
  conn.closeSync();
  instance.closeSync();
  return elapsed;
}

async function duckCommits(path: string, stmts: readonly string[], expectedCents: number): Promise<CommitRun> {
  const instance = await DuckDBInstance.create(path);
  const conn = await instance.connect();
  await conn.run(DUCK_TABLE_DDL);
  const latencies: number[] = [];
  const t0 = performance.now();
  for (const s of stmts) {
    const start = performance.now();
    await conn.run(s);
    latencies.push(performance.now() - start);
  }
  const elapsed = performance.now() - t0;
  const got = (await conn.runAndReadAll('SELECT count(*), sum(amount) FROM t')).getRowsJS()[0]!;
  const check = Number(got[0]) === stmts.length && Math.round(Number(got[1]) * 100) === expectedCents ? null : `DuckDB got ${String(got[0])} rows / ${String(got[1])}`;
  conn.closeSync();
  instance.closeSync();
  return {
    engine: 'DuckDB autocommit',
    fsync: 'per commit',
    concurrency: 1,
    commits: stmts.length,
    ms: elapsed,
    commitsPerSec: stmts.length / (elapsed / 1000),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    check,
  };
}

// ---- main

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const { rows, commits, reps } = opts;
  log(`durability: ${fmt(rows)} rows, ${fmt(commits)} single-row commits, ${reps} recovery reps`);
  // Other processes on the machine stretch latencies; the load average says how much to trust a run.
  const loadBefore = loadavg()[0]!;
  const root = mkdtempSync(join(tmpdir(), 'freshet-durability-'));
  const dir = (name: string): string => join(root, name);
  try {
    const data = generateReadings(new Rand(opts.seed), rows);
    const exp = expectedTotals(data);
    const rawBytes = rawColumnBytes(data);

    // The single-row INSERTs: fresh ids on an empty table, the same text for both engines.
    const rand = new Rand(opts.seed + 1);
    const stmts: string[] = [];
    let stmtCents = 0;
    for (let i = 0; i < commits; i++) {
      const cents = rand.below(100_000);
      stmtCents += cents;
      stmts.push(singleRowInsert(i, rand.below(TAGS), cents, Date.UTC(2024, 0, 1) * 1000 + i * 1000));
    }

    const fsyncMs = fsyncProbeMs(root);
    log(`  fsync of a 100-byte append: ${ms(fsyncMs)} ms (median)`);
    await warmUp(data, stmts);

    // Bulk loads: in memory (the baseline), then with each fsync policy.
    const bulk: { engine: string; ms: number; checkpointMs?: number }[] = [];
    {
      const engine = new Engine();
      await engine.sql(TABLE_DDL);
      await engine.sql(VIEW_DDL);
      bulk.push({ engine: 'Freshet in memory (no log)', ms: await bulkLoad(engine, data) });
      await engine.close();
    }
    log(`  bulk in memory ${ms(bulk[0]!.ms)} ms`);

    // 1. The log alone: load with fsync always, close without a checkpoint.
    {
      const engine = await Engine.open({ dataDir: dir('wal-only'), fsync: 'always', checkpointOnClose: false });
      await engine.sql(TABLE_DDL);
      await engine.sql(VIEW_DDL);
      bulk.push({ engine: 'Freshet fsync always', ms: await bulkLoad(engine, data) });
      await engine.close();
    }
    const walBytes = bytesUnder(join(dir('wal-only'), 'wal'));
    log(`  bulk fsync always ${ms(bulk[1]!.ms)} ms; WAL ${mb(walBytes)}`);
    const fromWal = await timeRecovery(dir('wal-only'), reps, exp);
    log(`  recovery from the WAL ${fromWal.ms.map(ms).join(', ')} ms; ${fromWal.check ?? 'checked'}`);
    rmSync(dir('wal-only'), { recursive: true, force: true });

    // 2. A checkpoint: load with fsync batch, checkpoint, close.
    let checkpointMs: number;
    {
      const engine = await Engine.open({ dataDir: dir('checkpoint'), fsync: 'batch', checkpointOnClose: false });
      await engine.sql(TABLE_DDL);
      await engine.sql(VIEW_DDL);
      bulk.push({ engine: 'Freshet fsync batch', ms: await bulkLoad(engine, data) });
      const t0 = performance.now();
      await engine.checkpoint();
      checkpointMs = performance.now() - t0;
      await engine.close();
    }
    const checkpointBytes = bytesUnder(join(dir('checkpoint'), 'checkpoints'));
    const checkpointDirBytes = bytesUnder(dir('checkpoint'));
    log(`  bulk fsync batch ${ms(bulk[2]!.ms)} ms; checkpoint ${ms(checkpointMs)} ms, ${mb(checkpointBytes)}`);
    const fromCheckpoint = await timeRecovery(dir('checkpoint'), reps, exp);
    log(`  recovery from the checkpoint ${fromCheckpoint.ms.map(ms).join(', ')} ms; ${fromCheckpoint.check ?? 'checked'}`);
    rmSync(dir('checkpoint'), { recursive: true, force: true });

    // 2b. Large views: checkpoints with their state (recovery loads it) and without (recovery rebuilds them).
    const largeViews: LargeViewsCase[] = [];
    for (const checkpointViews of [true, false]) {
      const at = dir(`large-views-${checkpointViews}`);
      const engine = await Engine.open({ dataDir: at, fsync: 'batch', checkpointOnClose: false, checkpointViews });
      await engine.sql(TABLE_DDL);
      await engine.sql(VIEW_DDL);
      await bulkLoad(engine, data);
      for (const ddl of LARGE_VIEW_DDL) await engine.sql(ddl);
      const t0 = performance.now();
      await engine.checkpoint();
      const ckptMs = performance.now() - t0;
      await engine.close();
      const bytes = bytesUnder(join(at, 'checkpoints')) + bytesUnder(join(at, 'views'));
      const rec = await timeRecovery(at, reps, exp, data);
      log(`  large views ${checkpointViews ? 'loaded' : 'rebuilt'}: checkpoint ${ms(ckptMs)} ms, ${mb(bytes)}; recovery ${rec.ms.map(ms).join(', ')} ms; ${rec.check ?? 'checked'}`);
      largeViews.push({ checkpointViews, checkpointMs: ckptMs, checkpointBytes: bytes, recovery: rec });
      rmSync(at, { recursive: true, force: true });
    }

    // 4. Single-row commits.
    const runs: CommitRun[] = [];
    for (const [policy, durable] of [['always', false], ['always', true], ['batch', true]] as const) {
      for (const concurrency of [1, WINDOW]) {
        const dataDir = durable ? dir(`commits-${policy}-${concurrency}`) : null;
        const run = await freshetCommits(dataDir, policy, concurrency, stmts, stmtCents);
        if (dataDir !== null) rmSync(dataDir, { recursive: true, force: true });
        log(`  ${run.engine} x${concurrency}: ${fmt(run.commitsPerSec)} commits/s; ${run.check ?? 'checked'}`);
        runs.push(run);
      }
    }
    const freshetPeakRssMb = maxRssMb();

    // DuckDB: the same rows in a persistent database, then its open-and-query times.
    const duckPath = join(root, 'duck', 'bench.duckdb');
    mkdirSync(join(root, 'duck'), { recursive: true });
    let duckLoadResult: { loadMs: number; checkpointMs: number };
    let duckLoadCheck: string | null;
    {
      const instance = await DuckDBInstance.create(duckPath);
      const conn = await instance.connect();
      duckLoadResult = await duckLoad(conn, data);
      duckLoadCheck = await duckCheck(conn, exp);
      conn.closeSync();
      instance.closeSync();
    }
    bulk.push({ engine: 'DuckDB appender, flushed per 10k rows', ms: duckLoadResult.loadMs, checkpointMs: duckLoadResult.checkpointMs });
    const duckBytes = bytesUnder(duckPath) + bytesUnder(`${duckPath}.wal`);
    log(`  DuckDB load ${ms(duckLoadResult.loadMs)} ms + CHECKPOINT ${ms(duckLoadResult.checkpointMs)} ms; ${mb(duckBytes)}; ${duckLoadCheck ?? 'checked'}`);
    const duckCount: number[] = [];
    const duckGroup: number[] = [];
    for (let rep = 0; rep < reps; rep++) {
      duckCount.push(await duckOpenAndQuery(duckPath, 'SELECT count(*) FROM t'));
      duckGroup.push(await duckOpenAndQuery(duckPath, 'SELECT tag, count(*) AS n, sum(amount) AS total FROM t GROUP BY tag'));
    }
    log(`  DuckDB open + count(*) ${duckCount.map(ms).join(', ')} ms; open + GROUP BY ${duckGroup.map(ms).join(', ')} ms`);
    const duckRun = await duckCommits(join(root, 'duck', 'commits.duckdb'), stmts, stmtCents);
    log(`  DuckDB autocommit: ${fmt(duckRun.commitsPerSec)} commits/s; ${duckRun.check ?? 'checked'}`);
    runs.push(duckRun);

    // ---- tables
    const duckOpenCount = median(duckCount);
    const duckOpenGroup = median(duckGroup);
    const checked = (c: string | null): string => (c === null ? 'yes' : `NO: ${c}`);
    const lines: string[] = [
      `durability  rows=${fmt(rows)} commits=${fmt(commits)} reps=${reps} seed=${opts.seed}; this disk fsyncs a 100-byte append in ${ms(fsyncMs)} ms (median)`,
      '',
    ];
    lines.push(
      `Recovery of ${fmt(rows)} rows (table + GROUP BY view; median of ${reps} opens; ratio = DuckDB open + count(*) / Freshet, >1: Freshet faster)`,
      '',
      '| recovery | Freshet ms | rows/s | log records replayed | recovered = inserted | DuckDB open + count(*) ms | DuckDB open + GROUP BY ms | ratio |',
      '|---|---:|---:|---:|---|---:|---:|---:|',
    );
    for (const [name, rec] of [['from the WAL only', fromWal], ['from a checkpoint', fromCheckpoint]] as const) {
      const t = median(rec.ms);
      lines.push(`| ${name} | ${ms(t)} | ${fmt(rows / (t / 1000))} | ${rec.records} | ${checked(rec.check)} | ${ms(duckOpenCount)} | ${ms(duckOpenGroup)} | ${(duckOpenCount / t).toFixed(2)} |`);
    }
    lines.push(
      '',
      `Recovery with two large views besides v (w_join: a self-join, ${fmt(rows - 1)} rows, both sides arranged; w_minmax: 100,000 groups of MIN/MAX multisets), their state loaded from the checkpoint vs rebuilt from the table`,
      '',
      '| views at recovery | checkpoint ms | checkpoint + view files bytes | recovery ms (median) | views loaded / rebuilt | results checked |',
      '|---|---:|---:|---:|---:|---|',
    );
    for (const c of largeViews) {
      lines.push(`| ${c.checkpointViews ? 'loaded from the checkpoint' : 'rebuilt from the table'} | ${ms(c.checkpointMs)} | ${mb(c.checkpointBytes)} | ${ms(median(c.recovery.ms))} | ${c.recovery.viewsRestored} / ${c.recovery.viewsRebuilt} | ${checked(c.recovery.check)} |`);
    }
    lines.push(
      '',
      `Bytes on disk for ${fmt(rows)} rows (raw = typed-array bytes + tag UTF-8 bytes)`,
      '',
      '| storage | bytes | bytes/row | × raw | × DuckDB |',
      '|---|---:|---:|---:|---:|',
    );
    for (const [name, b] of [
      ['raw columns in memory', rawBytes],
      ['Freshet WAL (no checkpoint)', walBytes],
      ['Freshet checkpoint file', checkpointBytes],
      ['DuckDB database file (after CHECKPOINT)', duckBytes],
    ] as const) {
      lines.push(`| ${name} | ${mb(b)} | ${(b / rows).toFixed(1)} | ${(b / rawBytes).toFixed(2)} | ${(b / duckBytes).toFixed(2)} |`);
    }
    lines.push(
      '',
      `Single-row INSERT commits (${fmt(commits)} statements via engine.sql; Freshet also maintains the view; ratio = Freshet commits/s / DuckDB's)`,
      '',
      '| engine | in flight | commits/s | p50 / p99 ms | results checked | ratio |',
      '|---|---:|---:|---:|---|---:|',
    );
    for (const run of runs) {
      const lat = run.p50Ms === null ? '–' : `${ms(run.p50Ms)} / ${ms(run.p99Ms!)}`;
      lines.push(`| ${run.engine} | ${run.concurrency} | ${fmt(run.commitsPerSec)} | ${lat} | ${checked(run.check)} | ${(run.commitsPerSec / duckRun.commitsPerSec).toFixed(2)} |`);
    }
    const duckBulk = duckLoadResult.loadMs;
    lines.push(
      '',
      `Bulk load of ${fmt(rows)} rows in ${fmt(BATCH_ROWS)}-row commits (ratio = DuckDB ms / Freshet ms, >1: Freshet faster)`,
      '',
      '| load | ms | rows/s | ratio |',
      '|---|---:|---:|---:|',
    );
    for (const b of bulk) {
      const extra = b.checkpointMs === undefined ? '' : ` (+ CHECKPOINT ${ms(b.checkpointMs)} ms)`;
      lines.push(`| ${b.engine}${extra} | ${ms(b.ms)} | ${fmt(rows / (b.ms / 1000))} | ${(duckBulk / b.ms).toFixed(2)} |`);
    }
    lines.push(`| Freshet engine.checkpoint() after the batch load | ${ms(checkpointMs)} | ${fmt(rows / (checkpointMs / 1000))} | ${(duckLoadResult.checkpointMs / checkpointMs).toFixed(2)} vs DuckDB CHECKPOINT |`);
    const loadAfter = loadavg()[0]!;
    lines.push(
      '',
      `peak RSS ${maxRssMb().toFixed(0)} MB (Freshet phases ${freshetPeakRssMb.toFixed(0)} MB); load average ${loadBefore.toFixed(1)} -> ${loadAfter.toFixed(1)} on ${availableParallelism()} cores; DuckDB ${duckdbVersion()}; Node ${process.version}; temp dir ${tmpdir()}`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);

    const file = writeResult('durability', {
      benchmark: 'durability',
      date: new Date().toISOString(),
      options: opts,
      rawBytes,
      fsyncProbeMs: fsyncMs,
      loadAverage: { before: loadBefore, after: loadAfter },
      recovery: {
        fromWal: { ...fromWal, medianMs: median(fromWal.ms) },
        fromCheckpoint: { ...fromCheckpoint, medianMs: median(fromCheckpoint.ms) },
        largeViews: largeViews.map((c) => ({ ...c, recovery: { ...c.recovery, medianMs: median(c.recovery.ms) } })),
        duckdbOpenCountMs: duckCount,
        duckdbOpenGroupByMs: duckGroup,
      },
      bytes: { raw: rawBytes, wal: walBytes, checkpoint: checkpointBytes, checkpointDataDir: checkpointDirBytes, duckdb: duckBytes },
      commits: runs,
      bulk: [...bulk, { engine: 'Freshet engine.checkpoint()', ms: checkpointMs }],
      duckdbLoadCheck: duckLoadCheck,
      peakRssMb: maxRssMb(),
      freshetPeakRssMb,
      duckdb: duckdbVersion(),
      node: process.version,
    });
    log(`wrote ${file}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
