// Benchmark: the Nexmark queries (nexmark/queries.ts) on Freshet against
// DuckDB, on the same generated events (nexmark/generator.ts).
//
// For each query and batch size, a fresh in-memory engine holds the three
// tables and the query's view, and is fed the events in batches of that many
// events (Engine.insertArrow per table; generating and converting a batch is
// not timed). Its throughput is events / time spent in insertArrow, that is,
// until every view reflects each batch. DuckDB loads all the events once and
// computes each query once over them (CREATE TABLE AS, median of 3): the
// ratio is Freshet's total feed time over DuckDB's one computation. Each
// final view must equal DuckDB's result by a digest (row count, then per
// column a sum for numbers and a count of distinct values otherwise).
// About 20 times through each feed, the view's state is sampled: its
// operators' entries and the tables' bytes in memory (state over time).
// Hydration: per query in a child process of its own (hydrateOne), a fresh
// engine loads every event first (not timed), then CREATE MATERIALIZED VIEW
// builds the view over them, with its peak RSS growth (bench-common.ts
// PeakRss) and the memory it holds after; against DuckDB's CREATE TABLE AS of
// the same query, with DuckDB's peak by its own account (duckMemoryPeak).
//   node dist/bench/nexmark.js [--events N] [--batch B] [--seed S] [--queries q0,q5,...] [--quick]
// Full: 10,000,000 events in batches of 1,000, 10,000 and 100,000. --quick:
// 200,000 events in batches of 10,000.

import { DuckDBInstance, version as duckdbVersion } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { execFileSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Engine } from '../src/index.js';
import type { QueryResult } from '../src/index.js';
import { PeakRss, maxRssMb, median, ms, parseFlags, writeResult } from './bench-common.js';
import { NexmarkGenerator } from './nexmark/generator.js';
import { appendToDuckDb, arrowTable, nexmarkDdl } from './nexmark/load.js';
import type { NexmarkQuery } from './nexmark/queries.js';
import { NEXMARK_QUERIES } from './nexmark/queries.js';

const log = (s: string): void => void process.stderr.write(`${s}\n`);
/** PostgreSQL type OIDs of the numeric result types: summed in the digest. */
const NUMERIC_OIDS = new Set([20, 21, 23, 700, 701, 1700]);

interface Hydration {
  readonly query: string;
  readonly freshetMs: number;
  readonly duckdbMs: number;
  /** Freshet's build time over DuckDB's. */
  readonly ratio: number;
  /**
   * Memory, MB. Freshet: the peak RSS above the start during CREATE
   * MATERIALIZED VIEW (a lower bound: V8 reuses heap that loading freed),
   * and what the view holds after it (heap and array buffers after a GC).
   * DuckDB: the peak of its own memory account during CREATE TABLE AS.
   */
  readonly freshetPeakMb: number;
  readonly freshetHeldMb: number;
  readonly duckdbPeakMb: number;
}

/** The state a view holds as events arrive: after `events` events, its operators' entries (rows, groups or values) and the tables' bytes in memory. */
interface StateSample {
  readonly events: number;
  readonly stateEntries: number;
  readonly tableBytes: number;
}

interface Run {
  readonly query: string;
  readonly kind: NexmarkQuery['kind'];
  readonly batch: number;
  readonly feedMs: number;
  readonly eventsPerSecond: number;
  readonly duckdbMs: number;
  /** Freshet's feed time over DuckDB's one computation. */
  readonly ratio: number;
  readonly rows: number;
  readonly equal: string | null;
  /** About 20 samples through the feed. */
  readonly state: readonly StateSample[];
}

/** The digest query over `from` for a result with these fields. */
function digestSql(fields: QueryResult['fields'], from: string): string {
  const parts = fields.map((f) => (NUMERIC_OIDS.has(f.dataTypeID) ? `sum(CAST("${f.name}" AS DOUBLE PRECISION))` : `count(DISTINCT "${f.name}")`));
  return `SELECT count(*), ${parts.join(', ')} FROM ${from}`;
}

function sameDigest(a: readonly number[], b: readonly number[]): string | null {
  if (a.length !== b.length) return `digest widths ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    if (Math.abs(a[i]! - b[i]!) > 1e-9 * Math.max(1, Math.abs(b[i]!))) return `digest column ${i}: ${a[i]} vs ${b[i]}`;
  }
  return null;
}

/** Feeds every event to a fresh engine holding `q`'s view; returns the time spent in insertArrow and the view's digest. */
async function runFreshet(q: NexmarkQuery, generator: NexmarkGenerator, events: number, batch: number): Promise<{ feedMs: number; rows: number; digest: number[]; fields: QueryResult['fields']; state: StateSample[] }> {
  const engine = new Engine();
  for (const ddl of nexmarkDdl()) await engine.sql(ddl);
  await engine.sql(`CREATE MATERIALIZED VIEW ${q.name} AS ${q.freshet}`);
  let feedMs = 0;
  const state: StateSample[] = [];
  const sampleEvery = Math.max(batch, Math.ceil(events / 20 / batch) * batch);
  for (let at = 0; at < events; at += batch) {
    const b = generator.generate(at, Math.min(events, at + batch));
    const tables = (['person', 'auction', 'bid'] as const).filter((t) => b[t].length > 0).map((t) => [t, arrowTable(t, b[t])] as const);
    const t0 = performance.now();
    for (const [name, table] of tables) await engine.insertArrow(name, table);
    feedMs += performance.now() - t0;
    const fed = Math.min(events, at + batch);
    if (fed % sampleEvery === 0 || fed === events) {
      const status = engine.status();
      state.push({
        events: fed,
        stateEntries: status.operators.filter((o) => o.view === q.name).reduce((sum, o) => sum + o.entries, 0),
        tableBytes: status.tables.reduce((sum, t) => sum + t.hot.bytes, 0),
      });
    }
  }
  const fields = (await engine.sql(`SELECT * FROM ${q.name} LIMIT 0`)).fields;
  const digest = (await engine.sql(digestSql(fields, q.name))).rows[0]!.map(Number);
  await engine.close();
  return { feedMs, rows: digest[0]!, digest, fields, state };
}

/** Freshet's side of a hydration: time, peak RSS growth and memory held, MB. */
type FreshetHydration = Pick<Hydration, 'freshetMs' | 'freshetPeakMb' | 'freshetHeldMb'>;

/**
 * Freshet's hydration of one query, in a process of its own (this file with
 * --hydrate-one), so that memory freed by earlier work cannot hide this
 * build's peak: a fresh engine loads every event (not timed), then CREATE
 * MATERIALIZED VIEW is timed, with the RSS above where it was when the build
 * began (after a GC) and the memory the view holds after it.
 */
async function hydrateOne(q: NexmarkQuery, generator: NexmarkGenerator, events: number): Promise<FreshetHydration> {
  const peak = new PeakRss();
  const engine = new Engine();
  for (const ddl of nexmarkDdl()) await engine.sql(ddl);
  for (let at = 0; at < events; at += 100_000) {
    const b = generator.generate(at, Math.min(events, at + 100_000));
    for (const t of ['person', 'auction', 'bid'] as const) if (b[t].length > 0) await engine.insertArrow(t, arrowTable(t, b[t]));
  }
  const heldBefore = heldBytes();
  const built = await peak.measure(async () => {
    const t0 = performance.now();
    await engine.sql(`CREATE MATERIALIZED VIEW ${q.name} AS ${q.freshet}`);
    return performance.now() - t0;
  });
  const freshetHeldMb = (heldBytes() - heldBefore) / 2 ** 20;
  await engine.close();
  await peak.close();
  return { freshetMs: built.value, freshetPeakMb: built.peakMb, freshetHeldMb };
}

/**
 * Runs `work` on DuckDB while a second connection samples DuckDB's own
 * account of its memory (duckdb_memory(): buffers, hash tables, sorts) back
 * to back; returns the peak above the start, in MB. RSS cannot show it: the
 * allocator keeps what loading freed and the build reuses it.
 */
async function duckMemoryPeak<T>(instance: DuckDBInstance, work: () => Promise<T>): Promise<{ readonly value: T; readonly peakMb: number }> {
  const probe = await instance.connect();
  const used = async (): Promise<number> => Number((await probe.runAndReadAll('SELECT sum(memory_usage_bytes) FROM duckdb_memory()')).getRowsJson()[0]![0]);
  const before = await used();
  let peak = before;
  let running = true;
  const sampler = (async () => {
    while (running) peak = Math.max(peak, await used());
  })();
  try {
    const value = await work();
    return { value, peakMb: (Math.max(peak, await used()) - before) / 2 ** 20 };
  } finally {
    running = false;
    await sampler;
    probe.closeSync();
  }
}

/** What this process's JavaScript holds after a full GC: V8's heap plus array buffers (typed arrays), in bytes. */
function heldBytes(): number {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Runs hydrateOne for `q` in a child process and returns what it printed. */
function hydrateInChild(q: NexmarkQuery, events: number, seed: number): FreshetHydration {
  const out = execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=16384', fileURLToPath(import.meta.url), '--hydrate-one', q.name, '--events', String(events), '--seed', String(seed)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  return JSON.parse(out) as FreshetHydration;
}

async function loadDuckDb(generator: NexmarkGenerator, events: number): Promise<{ instance: DuckDBInstance; conn: DuckDBConnection; close: () => void; loadMs: number }> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  for (const ddl of nexmarkDdl()) await conn.run(ddl);
  const t0 = performance.now();
  for (let at = 0; at < events; at += 100_000) await appendToDuckDb(conn, generator.generate(at, Math.min(events, at + 100_000)));
  return { instance, conn, loadMs: performance.now() - t0, close: () => { conn.closeSync(); instance.closeSync(); } };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  // Internal: one query's hydration in this process (see hydrateInChild).
  const only = argv[0] === '--hydrate-one' ? NEXMARK_QUERIES.find((q) => q.name === argv[1]) : undefined;
  if (argv[0] === '--hydrate-one' && only === undefined) throw new Error(`--hydrate-one expects a query name, got '${argv[1] ?? ''}'`);
  // --queries q0,q5,...: a subset, in the suite's order (for long runs and profiling).
  const pick = argv.indexOf('--queries');
  const chosen = pick < 0 ? null : new Set((argv[pick + 1] ?? '').split(','));
  if (chosen !== null) {
    const unknown = [...chosen].filter((name) => !NEXMARK_QUERIES.some((q) => q.name === name));
    if (unknown.length > 0 || chosen.size === 0) throw new Error(`--queries expects names from ${NEXMARK_QUERIES.map((q) => q.name).join(', ')} separated by commas, got '${argv[pick + 1] ?? ''}'`);
    argv.splice(pick, 2);
  }
  const queries = NEXMARK_QUERIES.filter((q) => chosen === null || chosen.has(q.name));
  const { given, quick } = parseFlags(only === undefined ? argv : argv.slice(2), ['events', 'batch', 'seed']);
  const events = given.get('events') ?? (quick ? 200_000 : 10_000_000);
  const batches = given.has('batch') ? [given.get('batch')!] : quick ? [10_000] : [1_000, 10_000, 100_000];
  const seed = given.get('seed') ?? 1;
  const generator = new NexmarkGenerator({ seed, outOfOrderMicros: 5_000_000 });
  if (only !== undefined) {
    process.stdout.write(`${JSON.stringify(await hydrateOne(only, generator, events))}\n`);
    return;
  }
  log(`nexmark: ${events.toLocaleString('en-US')} events, batches ${batches.join(', ')}; ${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(2)}, DuckDB ${duckdbVersion()}`);

  const duck = await loadDuckDb(generator, events);
  log(`  DuckDB loaded the events in ${ms(duck.loadMs)} ms`);
  const runs: Run[] = [];
  const hydrations: Hydration[] = [];
  for (const q of queries) {
    const ctas = `CREATE OR REPLACE TABLE result AS ${q.duckdb ?? q.freshet}`;
    // A first build samples DuckDB's memory (the sampling takes a core); three more are timed.
    const duckdbPeakMb = (await duckMemoryPeak(duck.instance, () => duck.conn.run(ctas))).peakMb;
    const times: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      await duck.conn.run(ctas);
      times.push(performance.now() - t0);
    }
    const duckdbMs = median(times);
    const f = hydrateInChild(q, events, seed);
    const h: Hydration = { query: q.name, ...f, duckdbMs, ratio: f.freshetMs / duckdbMs, duckdbPeakMb };
    hydrations.push(h);
    log(`  ${q.name} hydration: ${ms(h.freshetMs)} ms, peak +${h.freshetPeakMb.toFixed(0)} MB, holds ${h.freshetHeldMb.toFixed(0)} MB; DuckDB CREATE TABLE AS ${ms(h.duckdbMs)} ms, peak +${h.duckdbPeakMb.toFixed(0)} MB (${h.ratio.toFixed(1)}x)`);
    for (const batch of batches) {
      const f = await runFreshet(q, generator, events, batch);
      const expected = (await duck.conn.runAndReadAll(digestSql(f.fields, 'result'))).getRowsJson()[0]!.map(Number);
      const run: Run = {
        query: q.name,
        kind: q.kind,
        batch,
        feedMs: f.feedMs,
        eventsPerSecond: events / (f.feedMs / 1000),
        duckdbMs,
        ratio: f.feedMs / duckdbMs,
        rows: f.rows,
        equal: sameDigest(f.digest, expected),
        state: f.state,
      };
      runs.push(run);
      log(`  ${q.name} batch ${batch}: ${ms(f.feedMs)} ms, ${Math.round(run.eventsPerSecond).toLocaleString('en-US')} events/s; DuckDB ${ms(duckdbMs)} ms (${run.ratio.toFixed(1)}x); ${f.rows} rows; ${run.equal === null ? 'equal' : `DIFFERS: ${run.equal}`}`);
    }
  }
  duck.close();
  const lines = [
    '| query | kind | batch | Freshet feed ms | events/s | DuckDB one-shot ms | Freshet / DuckDB | rows | equals DuckDB |',
    '|---|---|---:|---:|---:|---:|---:|---:|---|',
    ...runs.map((r) => `| ${r.query} | ${r.kind} | ${r.batch.toLocaleString('en-US')} | ${ms(r.feedMs)} | ${Math.round(r.eventsPerSecond).toLocaleString('en-US')} | ${ms(r.duckdbMs)} | ${r.ratio.toFixed(1)}x | ${r.rows} | ${r.equal === null ? 'yes' : `NO: ${r.equal}`} |`),
  ];
  const hydrationLines = [
    '| query | Freshet CREATE MATERIALIZED VIEW ms | DuckDB CREATE TABLE AS ms | Freshet / DuckDB | Freshet peak RSS + MB | Freshet holds MB | DuckDB peak MB |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...hydrations.map((h) => `| ${h.query} | ${ms(h.freshetMs)} | ${ms(h.duckdbMs)} | ${h.ratio.toFixed(1)}x | ${h.freshetPeakMb.toFixed(0)} | ${h.freshetHeldMb.toFixed(0)} | ${h.duckdbPeakMb.toFixed(0)} |`),
  ];
  process.stdout.write(`\n${lines.join('\n')}\n\n${hydrationLines.join('\n')}\n\n`);
  const file = writeResult('nexmark', { events, batches, duckdbLoadMs: duck.loadMs, peakRssMb: maxRssMb(), runs, hydrations });
  log(`wrote ${file}`);
  if (runs.some((r) => r.equal !== null)) process.exitCode = 1;
}

await main();
