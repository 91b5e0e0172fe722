// Benchmark: the cold tier and background backfill, against DuckDB (a
// persistent database in the same process, on the same rows).
//   1. load N events (no primary key) into a durable engine with a small hot
//      budget in 100k-row commits, checkpoint: rows hot/cold, Parquet bytes vs
//      the in-memory estimate vs raw columns vs DuckDB's file
//   2. one-shot queries: a 1% time range (segments pruned) and full-scan
//      GROUP BY, vs DuckDB
//   3. CREATE MATERIALIZED VIEW over both tiers, a small-state (100 groups)
//      and a large-state (~1M groups) view: time, rows/s, peak memory, view
//      state, vs DuckDB CREATE TABLE AS; single-row INSERTs meanwhile
//   4. recovery (views rebuilt from both tiers) from the log, and after a checkpoint
// Every answer is checked against counts and sums computed here.
//   node --max-old-space-size=16384 dist/bench/cold-tier.js [--rows N] [--quick] [--seed S] [--reps R]

import { DOUBLE, DuckDBDataChunk, DuckDBInstance, INTEGER, TIMESTAMP, VARCHAR, version as duckdbVersion } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Engine } from '../src/index.js';
import type { TableStatus } from '../src/engine.js';
import { Rand, parseFlags, maxRssMb, median, ms, percentile, writeResult } from './bench-common.js';
import {
  DUCK_TABLE_DDL,
  Expected,
  ID_GROUPS,
  K,
  LARGE_CHECK,
  LARGE_VIEW,
  SMALL_VIEW,
  START_US,
  TABLE_DDL,
  arrowSlice,
  duckColumns,
  generateEvents,
  rangeTotals,
  rawColumnBytes,
  singleRowInsert,
  timestampLiteral,
} from './cold-tier-data.js';
import type { Events } from './cold-tier-data.js';

interface Options {
  rows: number;
  seed: number;
  reps: number;
  quick: boolean;
  hotMemory: number;
}

function parseArgs(argv: readonly string[]): Options {
  const { given, quick } = parseFlags(argv, ['rows', 'seed', 'reps', 'hot-mib']);
  return {
    rows: given.get('rows') ?? (quick ? 500_000 : 5_000_000),
    seed: given.get('seed') ?? 1,
    reps: given.get('reps') ?? 3,
    quick,
    hotMemory: (given.get('hot-mib') ?? (quick ? 8 : 64)) * 1024 * 1024,
  };
}

const BATCH_ROWS = 100_000;
/** Most rows of the bulk insert between the backfills and the close that recovery replays (fewer when the hot budget has less room: see main). */
const EXTRA_ROWS = 100_000;
/** Most single-row INSERTs issued during the large view's backfill. */
const MAX_SINGLES = 100_000;
const SAMPLE_MS = 20;
const log = (s: string): void => void process.stderr.write(`${s}\n`);
const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
const checked = (c: string | null): string => (c === null ? 'yes' : `NO: ${c}`);

/** Bytes of every file under `path`. */
function bytesUnder(path: string): number {
  const st = statSync(path, { throwIfNoEntry: false });
  if (st === undefined) return 0;
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((n, f) => n + bytesUnder(join(path, f)), 0);
}

/**
 * A full garbage collection before a measured phase, so that memory above the
 * value at its start is the phase's own. V8's gc() is exposed at run time
 * (the run command has no --expose-gc); without it this does nothing.
 */
const collectGarbage: () => void = (() => {
  if (typeof globalThis.gc !== 'function') v8.setFlagsFromString('--expose-gc');
  const gc = (globalThis.gc ?? runInNewContext('gc')) as unknown;
  return typeof gc === 'function' ? (gc as () => void) : () => {};
})();

interface MemoryPeaks {
  readonly baseRssMb: number;
  readonly peakRssMb: number;
  readonly baseHeapMb: number;
  readonly peakHeapMb: number;
  /** ArrayBuffers (typed-array columns live there, outside heapUsed). */
  readonly baseBuffersMb: number;
  readonly peakBuffersMb: number;
  readonly samples: number;
}

/** Peak RSS, heapUsed and ArrayBuffer bytes sampled every 20 ms (timers run between a backfill's chunks), after a GC at the start. */
class MemorySampler {
  private timer: ReturnType<typeof setInterval> | null = null;
  private peaks: MemoryPeaks;

  constructor(private readonly onSample?: () => void) {
    collectGarbage();
    const m = process.memoryUsage();
    const [rss, heap, buffers] = [m.rss / 1e6, m.heapUsed / 1e6, m.arrayBuffers / 1e6];
    this.peaks = { baseRssMb: rss, peakRssMb: rss, baseHeapMb: heap, peakHeapMb: heap, baseBuffersMb: buffers, peakBuffersMb: buffers, samples: 0 };
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
  }

  private sample(): void {
    const m = process.memoryUsage();
    const p = this.peaks;
    this.peaks = {
      ...p,
      peakRssMb: Math.max(p.peakRssMb, m.rss / 1e6),
      peakHeapMb: Math.max(p.peakHeapMb, m.heapUsed / 1e6),
      peakBuffersMb: Math.max(p.peakBuffersMb, m.arrayBuffers / 1e6),
      samples: p.samples + 1,
    };
    this.onSample?.();
  }

  stop(): MemoryPeaks {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.sample();
    return this.peaks;
  }
}

/** heapUsed + ArrayBuffers after a full GC, in MB. */
function heldMb(): number {
  collectGarbage();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 1e6;
}

const peaks = (m: MemoryPeaks): string =>
  `${fmt(m.peakRssMb)} MB (+${fmt(m.peakRssMb - m.baseRssMb)}) | ${fmt(m.peakHeapMb)} MB (+${fmt(m.peakHeapMb - m.baseHeapMb)}) | ${fmt(m.peakBuffersMb)} MB (+${fmt(m.peakBuffersMb - m.baseBuffersMb)})`;

function eventsStatus(engine: Engine): TableStatus {
  const t = engine.status().tables.find((x) => x.name === 'events');
  if (t === undefined) throw new Error('no table events in engine.status()');
  return t;
}

// ---- the queries and their answers

interface OneShot {
  readonly name: string;
  readonly sql: string;
  /** The rows the query must return, in order. */
  readonly expected: readonly (readonly number[])[];
}

function queries(e: Events, exp: Expected): OneShot[] {
  const n = e.n;
  const range = (fromRow: number, rows: number): { lo: number; hi: number } => ({ lo: START_US + fromRow * 1000, hi: START_US + (fromRow + rows) * 1000 });
  // ts lies in [START + id ms, START + (id + 1) ms): a whole-ms range holds exactly the ids it spans.
  const old = range(Math.floor(n * 0.3), Math.floor(n / 100));
  const recent = range(n - Math.floor(n / 100), Math.floor(n / 100));
  const rangeSql = (r: { lo: number; hi: number }): string =>
    `SELECT count(*) AS n, sum(v) AS s FROM events WHERE ts >= ${timestampLiteral(r.lo)} AND ts < ${timestampLiteral(r.hi)}`;
  return [
    { name: '1% time range (older rows, in the cold tier)', sql: rangeSql(old), expected: [rangeTotals(e, old.lo, old.hi)] },
    { name: '1% time range (newest rows, in memory)', sql: rangeSql(recent), expected: [rangeTotals(e, recent.lo, recent.hi)] },
    { name: 'full scan: GROUP BY k % 10', sql: 'SELECT k % 10 AS b, count(*) AS n, sum(v) AS s FROM events GROUP BY k % 10 ORDER BY b', expected: exp.byKMod10() },
  ];
}

/** null when `got` equals `expected` exactly (numbers compared after Number()). */
function compareRows(got: readonly (readonly unknown[])[], expected: readonly (readonly number[])[]): string | null {
  if (got.length !== expected.length) return `${got.length} rows, expected ${expected.length}`;
  for (let i = 0; i < got.length; i++) {
    const g = got[i]!.map((x) => Number(x));
    const x = expected[i]!;
    if (g.length !== x.length || g.some((v, j) => v !== x[j])) return `row ${i} is [${g.join(', ')}], expected [${x.join(', ')}]`;
  }
  return null;
}

/** null when the table and both views (when present) hold what `exp` says. */
async function checkFreshet(engine: Engine, exp: Expected, views: boolean): Promise<string | null> {
  const totals = (await engine.sql('SELECT count(*), sum(v) FROM events')).rows;
  const t = compareRows(totals, [[exp.rows, exp.sumQ / 4]]);
  if (t !== null) return `table events: ${t}`;
  if (!views) return null;
  const small = (await engine.sql('SELECT k, n, s FROM by_k ORDER BY k')).rows;
  const expSmall = Array.from({ length: K }, (_, k) => [k, exp.countByK[k]!, exp.sumQByK[k]! / 4]).filter((r) => r[1]! > 0);
  const s = compareRows(small, expSmall);
  if (s !== null) return `view by_k: ${s}`;
  const large = compareRows((await engine.sql(LARGE_CHECK('by_id'))).rows, [exp.largeCheck()]);
  return large === null ? null : `view by_id (groups, rows, Σg·n, Σs, Σ(g%1000)·s): ${large}`;
}

// ---- Freshet phases

/** Rows loaded into an in-memory engine to measure what a row takes in memory. */
const IN_MEMORY_ROWS = 1_000_000;

/** Heap + ArrayBuffer bytes an in-memory engine holds (after GC) with the first `rows` rows, and its own estimate (status hot.bytes). */
async function measureInMemory(e: Events, rows: number): Promise<{ rows: number; heldBytes: number; estimateBytes: number }> {
  const before = heldMb();
  const engine = new Engine();
  await engine.sql(TABLE_DDL);
  for (let at = 0; at < rows; at += BATCH_ROWS) await engine.insertArrow('events', arrowSlice(e, at, Math.min(rows, at + BATCH_ROWS)));
  const held = (heldMb() - before) * 1e6;
  const estimateBytes = eventsStatus(engine).hot.bytes;
  await engine.close();
  return { rows, heldBytes: held, estimateBytes };
}

interface LoadResult {
  readonly ms: number;
  readonly autoCheckpoints: number;
  /** Mean ms of the commits that ended in a checkpoint (moving rows cold), and of the others. */
  readonly commitWithCheckpointMs: number;
  readonly commitMs: number;
  /** Null when the last commit ended in a checkpoint, leaving nothing to do. */
  readonly checkpointMs: number | null;
  readonly status: TableStatus;
  readonly segmentFiles: number;
  readonly parquetBytes: number;
  readonly checkpointBytes: number;
  readonly walBytes: number;
}

async function load(engine: Engine, dataDir: string, e: Events): Promise<LoadResult> {
  await engine.sql(TABLE_DDL);
  const plain: number[] = [];
  const withCheckpoint: number[] = [];
  for (let at = 0; at < e.n; at += BATCH_ROWS) {
    const slice = arrowSlice(e, at, Math.min(e.n, at + BATCH_ROWS));
    const t0 = performance.now();
    await engine.insertArrow('events', slice);
    const elapsed = performance.now() - t0;
    // A commit that ends in a checkpoint (the hot tier outgrew its budget) leaves an empty log segment.
    (engine.status().logBytesSinceCheckpoint === 0 ? withCheckpoint : plain).push(elapsed);
  }
  const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
  let checkpointMs: number | null = null;
  if (engine.status().logBytesSinceCheckpoint > 0) {
    const t0 = performance.now();
    await engine.checkpoint();
    checkpointMs = performance.now() - t0;
  }
  const segments = join(dataDir, 'segments');
  return {
    ms: sum(plain) + sum(withCheckpoint),
    autoCheckpoints: withCheckpoint.length,
    commitWithCheckpointMs: withCheckpoint.length === 0 ? Number.NaN : sum(withCheckpoint) / withCheckpoint.length,
    commitMs: plain.length === 0 ? Number.NaN : sum(plain) / plain.length,
    checkpointMs,
    status: eventsStatus(engine),
    segmentFiles: readdirSync(segments).filter((f) => f.endsWith('.parquet')).length,
    parquetBytes: bytesUnder(segments),
    checkpointBytes: bytesUnder(join(dataDir, 'checkpoints')),
    walBytes: bytesUnder(join(dataDir, 'wal')),
  };
}

interface QueryRun {
  readonly name: string;
  readonly sql: string;
  readonly ms: number[];
  readonly segmentsRead: number;
  readonly segmentsSkipped: number;
  readonly check: string | null;
}

async function freshetQuery(engine: Engine, q: OneShot, reps: number): Promise<QueryRun> {
  const times: number[] = [];
  let check: string | null = null;
  const before = eventsStatus(engine).cold;
  for (let rep = 0; rep < reps; rep++) {
    const t0 = performance.now();
    const result = await engine.sql(q.sql);
    times.push(performance.now() - t0);
    check ??= compareRows(result.rows, q.expected);
  }
  const after = eventsStatus(engine).cold;
  return {
    name: q.name,
    sql: q.sql,
    ms: times,
    segmentsRead: ((after?.segmentsRead ?? 0) - (before?.segmentsRead ?? 0)) / reps,
    segmentsSkipped: ((after?.segmentsSkipped ?? 0) - (before?.segmentsSkipped ?? 0)) / reps,
    check,
  };
}

interface BackfillRun {
  readonly view: string;
  readonly sql: string;
  readonly ms: number;
  readonly rowsTotal: number | null;
  readonly rowsPerSecond: number;
  readonly progressSamples: number;
  readonly memory: MemoryPeaks;
  readonly stateEntries: number;
  readonly operators: readonly { readonly operator: string; readonly entries: number }[];
  readonly ingest: { commits: number; p50Ms: number; p99Ms: number; maxMs: number; commitsPerSec: number } | null;
}

/**
 * CREATE MATERIALIZED VIEW `view` with memory sampled meanwhile; with `singles`,
 * single-row INSERTs go in one after another until the CREATE resolves
 * (returns how many of them were used).
 */
async function backfill(engine: Engine, view: string, sql: string, rows: number, singles: Events | null): Promise<{ run: BackfillRun; used: number }> {
  let rowsTotal: number | null = null;
  let progressSamples = 0;
  const sampler = new MemorySampler(() => {
    const p = engine.progress().find((x) => x.view === view);
    if (p === undefined) return;
    rowsTotal = p.rowsTotal;
    progressSamples++;
  });
  const t0 = performance.now();
  let doneAt = 0;
  const create = engine.sql(`CREATE MATERIALIZED VIEW ${view} AS ${sql}`).then(() => {
    doneAt = performance.now();
  });
  const latencies: number[] = [];
  let used = 0;
  if (singles !== null) {
    while (doneAt === 0 && used < singles.n - 1) {
      const start = performance.now();
      await engine.sql(singleRowInsert(singles, used++));
      const end = performance.now();
      // Only commits acknowledged while the view was still being built count.
      if (doneAt === 0 || end <= doneAt) latencies.push(end - start);
    }
  }
  await create;
  const elapsed = doneAt - t0;
  const memory = sampler.stop();
  const operators = engine.stateSizes(view).map((s) => ({ operator: s.operator, entries: s.entries }));
  return {
    used,
    run: {
      view,
      sql,
      ms: elapsed,
      rowsTotal,
      rowsPerSecond: rows / (elapsed / 1000),
      progressSamples,
      memory,
      stateEntries: operators.reduce((n, o) => n + o.entries, 0),
      operators,
      ingest:
        singles === null
          ? null
          : {
              commits: latencies.length,
              p50Ms: percentile(latencies, 50),
              p99Ms: percentile(latencies, 99),
              maxMs: latencies.length === 0 ? Number.NaN : Math.max(...latencies),
              commitsPerSec: latencies.length / (elapsed / 1000),
            },
    },
  };
}

interface RecoveryRun {
  readonly name: string;
  readonly ms: number;
  readonly engineMs: number;
  readonly records: number;
  readonly checkpointLsn: number | null;
  /** After the open (recovery runs without yielding, so a sampler would see nothing in between). */
  readonly rssMb: number;
  readonly heapUsedMb: number;
  /** heapUsed + ArrayBuffers after a GC, above the value before the open: what the recovered engine holds. */
  readonly heldMb: number;
  readonly status: TableStatus;
  readonly check: string | null;
}

async function reopen(name: string, dataDir: string, hotMemory: number, exp: Expected): Promise<{ engine: Engine; run: RecoveryRun }> {
  const before = heldMb();
  const t0 = performance.now();
  const engine = await Engine.open({ dataDir, hotMemory, checkpointOnClose: false });
  const elapsed = performance.now() - t0;
  const memory = process.memoryUsage();
  const held = heldMb() - before;
  const report = engine.recovery!;
  return {
    engine,
    run: {
      name,
      ms: elapsed,
      engineMs: report.ms,
      records: report.records,
      checkpointLsn: report.checkpointLsn,
      rssMb: memory.rss / 1e6,
      heapUsedMb: memory.heapUsed / 1e6,
      heldMb: held,
      status: eventsStatus(engine),
      check: await checkFreshet(engine, exp, true),
    },
  };
}

// ---- DuckDB

async function duckLoad(conn: DuckDBConnection, e: Events): Promise<{ loadMs: number; checkpointMs: number }> {
  await conn.run(DUCK_TABLE_DDL);
  const appender = await conn.createAppender('events');
  const types = [INTEGER, INTEGER, DOUBLE, TIMESTAMP, VARCHAR];
  const chunkRows = 2048;
  let spent = 0;
  for (let at = 0; at < e.n; at += chunkRows) {
    const to = Math.min(e.n, at + chunkRows);
    const columns = duckColumns(e, at, to);
    const t0 = performance.now();
    const chunk = DuckDBDataChunk.create(types, to - at);
    chunk.setColumns(columns);
    appender.appendDataChunk(chunk);
    if (Math.floor(to / BATCH_ROWS) > Math.floor(at / BATCH_ROWS) || to === e.n) appender.flushSync();
    spent += performance.now() - t0;
  }
  let t0 = performance.now();
  appender.closeSync();
  spent += performance.now() - t0;
  t0 = performance.now();
  await conn.run('CHECKPOINT');
  return { loadMs: spent, checkpointMs: performance.now() - t0 };
}

async function duckRows(conn: DuckDBConnection, sql: string): Promise<unknown[][]> {
  return (await conn.runAndReadAll(sql)).getRowsJS() as unknown[][];
}

async function duckQuery(conn: DuckDBConnection, q: OneShot, reps: number): Promise<{ ms: number[]; check: string | null }> {
  const times: number[] = [];
  let check: string | null = null;
  for (let rep = 0; rep < reps; rep++) {
    const t0 = performance.now();
    const rows = await duckRows(conn, q.sql);
    times.push(performance.now() - t0);
    check ??= compareRows(rows, q.expected);
  }
  return { ms: times, check };
}

// ---- main

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const n = opts.rows;
  log(`cold-tier: ${fmt(n)} events, hot memory ${fmt(opts.hotMemory / 1024 / 1024)} MiB, ${opts.reps} reps per query`);
  const loadBefore = loadavg()[0]!;
  const root = mkdtempSync(join(tmpdir(), 'freshet-cold-tier-'));
  const dataDir = join(root, 'freshet');
  try {
    const rand = new Rand(opts.seed);
    const data = generateEvents(rand, 0, n);
    const singles = generateEvents(new Rand(opts.seed + 1), n, MAX_SINGLES);
    const exp = new Expected();
    exp.add(data);
    const rawBytes = rawColumnBytes(data);
    const oneShots = queries(data, exp);

    // 0. What the rows take in memory, measured on an in-memory engine (no Parquet codec, whose WebAssembly memory would count).
    const inMemory = await measureInMemory(data, Math.min(n, IN_MEMORY_ROWS));
    log(`  in memory: ${fmt(inMemory.rows)} rows hold ${mb(inMemory.heldBytes)} (estimate ${mb(inMemory.estimateBytes)})`);

    // 1. Load and checkpoint.
    let engine = await Engine.open({ dataDir, hotMemory: opts.hotMemory, checkpointOnClose: false });
    const loaded = await load(engine, dataDir, data);
    const st = loaded.status;
    const hotBytesPerRow = st.hot.rows === 0 ? 0 : st.hot.bytes / st.hot.rows;
    const coldRows = st.cold?.rows ?? 0;
    log(
      `  load ${ms(loaded.ms)} ms (${loaded.autoCheckpoints} checkpoints on the way) + checkpoint ${loaded.checkpointMs === null ? '-' : ms(loaded.checkpointMs)} ms; ` +
        `hot ${fmt(st.hot.rows)} rows (${mb(st.hot.bytes)} est.), cold ${fmt(coldRows)} rows in ${st.cold?.segments ?? 0} segments, ${mb(loaded.parquetBytes)}`,
    );
    const loadCheck = await checkFreshet(engine, exp, false);
    log(`  table ${loadCheck ?? 'checked'}`);

    // 2. One-shot queries.
    const freshetQueries: QueryRun[] = [];
    for (const q of oneShots) {
      const run = await freshetQuery(engine, q, opts.reps);
      freshetQueries.push(run);
      log(`  ${q.name}: ${run.ms.map(ms).join(', ')} ms; segments read ${run.segmentsRead}, skipped ${run.segmentsSkipped}; ${run.check ?? 'checked'}`);
    }

    // 3. Backfills: the small view, then the large one with single-row INSERTs meanwhile.
    const small = (await backfill(engine, 'by_k', SMALL_VIEW, n, null)).run;
    log(`  backfill by_k ${ms(small.ms)} ms, ${fmt(small.rowsPerSecond)} rows/s, ${small.stateEntries} state entries`);
    const large = await backfill(engine, 'by_id', LARGE_VIEW, n, singles);
    exp.add(singles, 0, large.used);
    const largeGroups = exp.groups;
    const ingest = large.run.ingest!;
    log(
      `  backfill by_id ${ms(large.run.ms)} ms, ${fmt(large.run.rowsPerSecond)} rows/s, ${fmt(large.run.stateEntries)} state entries; ` +
        `${ingest.commits} INSERTs meanwhile, p50 ${ms(ingest.p50Ms)} / p99 ${ms(ingest.p99Ms)} ms`,
    );
    const backfillCheck = await checkFreshet(engine, exp, true);
    log(`  views ${backfillCheck ?? 'checked'}`);

    // 4. Recovery: more rows, close without a checkpoint, reopen; then checkpoint, close, reopen.
    // The extra rows stay within the hot budget: past it, the commit would end in a checkpoint and leave no log to replay.
    const beforeExtra = eventsStatus(engine);
    const headroomRows = Math.floor((opts.hotMemory - beforeExtra.hot.bytes) / (beforeExtra.hot.bytes / beforeExtra.hot.rows));
    const extraRows = Math.max(1, Math.min(EXTRA_ROWS, Math.floor(headroomRows / 2)));
    const extra = generateEvents(new Rand(opts.seed + 2), n + large.used, extraRows);
    await engine.insertArrow('events', arrowSlice(extra, 0, extra.n));
    exp.add(extra);
    const logBytes = engine.status().logBytesSinceCheckpoint;
    if (logBytes === 0) log('  warning: the extra rows ended in a checkpoint; recovery replays no log');
    await engine.close();
    const fromLog = await reopen('from the checkpoint + log (views rebuilt)', dataDir, opts.hotMemory, exp);
    engine = fromLog.engine;
    log(`  recovery from the log ${ms(fromLog.run.ms)} ms, ${fromLog.run.records} records; ${fromLog.run.check ?? 'checked'}`);
    // A checkpoint right after recovery finds nothing appended since the open and does nothing; one commit first.
    await engine.sql(singleRowInsert(singles, large.used));
    exp.add(singles, large.used, large.used + 1);
    const t0 = performance.now();
    await engine.checkpoint();
    const secondCheckpointMs = performance.now() - t0;
    await engine.close();
    const fromCheckpoint = await reopen('from a checkpoint just taken (views rebuilt)', dataDir, opts.hotMemory, exp);
    engine = fromCheckpoint.engine;
    log(`  recovery from the checkpoint ${ms(fromCheckpoint.run.ms)} ms, ${fromCheckpoint.run.records} records; ${fromCheckpoint.run.check ?? 'checked'}`);
    const finalStatus = eventsStatus(engine);
    await engine.close();
    const freshetPeakRssMb = maxRssMb();

    // DuckDB: the same N rows in a persistent database.
    mkdirSync(join(root, 'duck'));
    const duckPath = join(root, 'duck', 'events.duckdb');
    const instance = await DuckDBInstance.create(duckPath);
    const conn = await instance.connect();
    const duckLoaded = await duckLoad(conn, data);
    const duckBytes = bytesUnder(duckPath) + bytesUnder(`${duckPath}.wal`);
    const threads = String((await duckRows(conn, "SELECT current_setting('threads')"))[0]![0]);
    log(`  DuckDB load ${ms(duckLoaded.loadMs)} ms + CHECKPOINT ${ms(duckLoaded.checkpointMs)} ms; ${mb(duckBytes)}; ${threads} threads`);
    const duckQueries: { ms: number[]; check: string | null }[] = [];
    for (const q of oneShots) {
      const run = await duckQuery(conn, q, opts.reps);
      duckQueries.push(run);
      log(`  DuckDB ${q.name}: ${run.ms.map(ms).join(', ')} ms; ${run.check ?? 'checked'}`);
    }
    // DuckDB's answers are for the N loaded rows (it does not see the INSERTs made during the backfill).
    const base = new Expected();
    base.add(data);
    const duckCtas: { view: string; ms: number; check: string | null }[] = [];
    for (const [view, sql] of [['by_k', SMALL_VIEW], ['by_id', LARGE_VIEW]] as const) {
      const t = performance.now();
      await conn.run(`CREATE TABLE ${view} AS ${sql}`);
      const elapsed = performance.now() - t;
      const check =
        view === 'by_k'
          ? compareRows(await duckRows(conn, 'SELECT k, n, s FROM by_k ORDER BY k'), Array.from({ length: K }, (_, k) => [k, base.countByK[k]!, base.sumQByK[k]! / 4]))
          : compareRows(await duckRows(conn, LARGE_CHECK('by_id')), [base.largeCheck()]);
      duckCtas.push({ view, ms: elapsed, check });
      log(`  DuckDB CREATE TABLE ${view} AS: ${ms(elapsed)} ms; ${check ?? 'checked'}`);
    }
    // The segments are plain Parquet: DuckDB reads them, and they hold the oldest rows (ids 0..cold-1).
    const finalCold = finalStatus.cold?.rows ?? 0;
    const seg = (await duckRows(conn, `SELECT count(*), min(id), max(id), count(DISTINCT id) FROM read_parquet('${join(dataDir, 'segments', '*.parquet')}')`))[0]!.map(Number);
    const segmentCheck = compareRows([seg], [[finalCold, 0, finalCold - 1, finalCold]]);
    log(`  DuckDB reads Freshet's segments: ${seg.join(', ')}; ${segmentCheck ?? 'checked'}`);
    conn.closeSync();
    instance.closeSync();

    // ---- tables
    const loadAfter = loadavg()[0]!;
    const lines: string[] = [
      `cold-tier  rows=${fmt(n)} hotMemory=${fmt(opts.hotMemory / 1024 / 1024)} MiB reps=${opts.reps} seed=${opts.seed}; table events (id, k over ${K}, v, ts, tag over 1,000), no primary key; ratio = DuckDB ms / Freshet ms (>1: Freshet faster)`,
      '',
      `Load of ${fmt(n)} rows in ${fmt(BATCH_ROWS)}-row insertArrow commits (fsync always), then engine.checkpoint()`,
      '',
      '| load | ms | rows/s | ratio |',
      '|---|---:|---:|---:|',
      `| Freshet, hot memory ${fmt(opts.hotMemory / 1024 / 1024)} MiB | ${ms(loaded.ms)} | ${fmt(n / (loaded.ms / 1000))} | ${(duckLoaded.loadMs / loaded.ms).toFixed(2)} |`,
      `| … of which ${loaded.autoCheckpoints} commits ended in a checkpoint that moved rows cold (mean ms each; the other commits: ${ms(loaded.commitMs)} ms) | ${ms(loaded.commitWithCheckpointMs)} | | |`,
      loaded.checkpointMs === null
        ? '| Freshet engine.checkpoint() after it (nothing to do: the last commit ended in one) | – | | |'
        : `| Freshet engine.checkpoint() after it | ${ms(loaded.checkpointMs)} | | ${(duckLoaded.checkpointMs / loaded.checkpointMs).toFixed(2)} vs CHECKPOINT |`,
      `| DuckDB appender, flushed per ${fmt(BATCH_ROWS)} rows (+ CHECKPOINT ${ms(duckLoaded.checkpointMs)} ms) | ${ms(duckLoaded.loadMs)} | ${fmt(n / (duckLoaded.loadMs / 1000))} | 1.00 |`,
      '',
      `After the load: ${fmt(st.hot.rows)} rows hot, ${fmt(coldRows)} cold in ${st.cold?.segments ?? 0} segments (${loaded.segmentFiles} files); table ${checked(loadCheck)}`,
      '',
      '| storage | rows | bytes | bytes/row | × raw |',
      '|---|---:|---:|---:|---:|',
    ];
    const rawPerRow = rawBytes / n;
    const storageRows: [string, number, number][] = [
      ['raw columns (typed arrays + tag UTF-8)', n, rawBytes],
      ['Freshet in-memory estimate, all rows (hot bytes/row × N)', n, hotBytesPerRow * n],
      ['Freshet hot tier (status hot.bytes, an estimate)', st.hot.rows, st.hot.bytes],
      [`Freshet in memory, measured: heap + ArrayBuffers after GC of an in-memory engine holding ${fmt(inMemory.rows)} rows, per row × N`, n, (inMemory.heldBytes / inMemory.rows) * n],
      ['Freshet cold tier: Parquet segment files', coldRows, loaded.parquetBytes],
      ['Freshet checkpoint file (hot rows)', st.hot.rows, loaded.checkpointBytes],
      ['DuckDB database file (after CHECKPOINT)', n, duckBytes],
    ];
    for (const [name, rows, bytes] of storageRows) {
      const perRow = rows === 0 ? 0 : bytes / rows;
      lines.push(`| ${name} | ${fmt(rows)} | ${mb(bytes)} | ${perRow.toFixed(1)} | ${(perRow / rawPerRow).toFixed(2)} |`);
    }
    lines.push(
      '',
      `One-shot queries (median of ${opts.reps}; segments read/skipped per run, from status().tables deltas)`,
      '',
      '| query | Freshet ms | DuckDB ms | ratio | segments read / skipped | Freshet checked | DuckDB checked |',
      '|---|---:|---:|---:|---:|---|---|',
    );
    freshetQueries.forEach((f, i) => {
      const d = duckQueries[i]!;
      lines.push(
        `| ${f.name} | ${ms(median(f.ms))} | ${ms(median(d.ms))} | ${(median(d.ms) / median(f.ms)).toFixed(2)} | ${f.segmentsRead} / ${f.segmentsSkipped} | ${checked(f.check)} | ${checked(d.check)} |`,
      );
    });
    lines.push(
      '',
      `Background backfill: CREATE MATERIALIZED VIEW over ${fmt(coldRows)} cold + ${fmt(st.hot.rows)} hot rows (memory sampled every ${SAMPLE_MS} ms after a full GC; +x = above the value at the start)`,
      '',
      '| view | groups | state entries | Freshet ms | rows/s | peak RSS | peak heapUsed | peak ArrayBuffers | DuckDB CREATE TABLE AS ms | ratio | checked |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    );
    for (const [run, groups, duck] of [
      [small, K, duckCtas[0]!],
      [large.run, largeGroups, duckCtas[1]!],
    ] as const) {
      lines.push(
        `| ${run.view}: \`${run.sql}\` | ${fmt(groups)} | ${fmt(run.stateEntries)} | ${ms(run.ms)} | ${fmt(run.rowsPerSecond)} | ${peaks(run.memory)} | ${ms(duck.ms)} | ${(duck.ms / run.ms).toFixed(2)} | Freshet ${checked(backfillCheck)}, DuckDB ${checked(duck.check)} |`,
      );
    }
    lines.push(
      '',
      `Single-row INSERTs (fsync always) one after another while by_id was being built: ${ingest.commits} committed in ${ms(large.run.ms)} ms (${ingest.commitsPerSec.toFixed(1)}/s), latency p50 ${ms(ingest.p50Ms)} ms, p99 ${ms(ingest.p99Ms)} ms, max ${ms(ingest.maxMs)} ms`,
      '',
      `Recovery with both views (${fmt(extraRows)} more rows in one insertArrow after the backfills; ${mb(logBytes)} of log since the last checkpoint: both CREATEs, the INSERTs, the extra rows)`,
      '',
      '| reopen | ms | log records replayed | rows hot / cold | RSS after | engine holds (heap + ArrayBuffers after GC) | recovered = expected |',
      '|---|---:|---:|---:|---:|---:|---|',
    );
    for (const r of [fromLog.run, fromCheckpoint.run]) {
      lines.push(`| ${r.name} | ${ms(r.ms)} | ${r.records} | ${fmt(r.status.hot.rows)} / ${fmt(r.status.cold?.rows ?? 0)} | ${fmt(r.rssMb)} MB | ${fmt(r.heldMb)} MB | ${checked(r.check)} |`);
    }
    lines.push(
      `| (between the two: one single-row INSERT, engine.checkpoint() ${ms(secondCheckpointMs)} ms, close) | | | | | | |`,
      '',
      `DuckDB read_parquet over Freshet's segment files: ${fmt(seg[0]!)} rows, ids ${fmt(seg[1]!)}..${fmt(seg[2]!)} (the oldest rows); ${checked(segmentCheck)}`,
      `peak RSS ${maxRssMb().toFixed(0)} MB (Freshet phases ${freshetPeakRssMb.toFixed(0)} MB); load average ${loadBefore.toFixed(1)} -> ${loadAfter.toFixed(1)} on ${availableParallelism()} cores; DuckDB ${duckdbVersion()} (${threads} threads); Node ${process.version}; temp dir ${tmpdir()}`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);

    const file = writeResult('cold-tier', {
      benchmark: 'cold-tier',
      date: new Date().toISOString(),
      options: opts,
      idGroups: ID_GROUPS,
      loadAverage: { before: loadBefore, after: loadAfter },
      load: { ...loaded, check: loadCheck, duckdb: duckLoaded },
      bytes: {
        raw: rawBytes,
        freshetEstimateAllRows: hotBytesPerRow * n,
        hot: st.hot.bytes,
        inMemoryMeasured: inMemory,
        parquet: loaded.parquetBytes,
        checkpoint: loaded.checkpointBytes,
        wal: loaded.walBytes,
        duckdb: duckBytes,
      },
      queries: freshetQueries.map((f, i) => ({ ...f, medianMs: median(f.ms), duckdbMs: duckQueries[i]!.ms, duckdbMedianMs: median(duckQueries[i]!.ms), duckdbCheck: duckQueries[i]!.check })),
      backfills: [small, large.run],
      backfillCheck,
      duckdbCreateTableAs: duckCtas,
      recovery: { extraRows, logBytes, fromLog: fromLog.run, checkpointMs: secondCheckpointMs, fromCheckpoint: fromCheckpoint.run },
      segmentsReadByDuckdb: { counts: seg, check: segmentCheck },
      peakRssMb: maxRssMb(),
      freshetPeakRssMb,
      duckdb: duckdbVersion(),
      duckdbThreads: threads,
      node: process.version,
    });
    log(`wrote ${file}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
