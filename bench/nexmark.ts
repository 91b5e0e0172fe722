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
// Hydration: a fresh engine loads every event first (not timed), then
// CREATE MATERIALIZED VIEW builds the view over them, against DuckDB's CREATE
// TABLE AS of the same query.
//   node dist/bench/nexmark.js [--events N] [--batch B] [--seed S] [--quick]
// Full: 10,000,000 events in batches of 1,000, 10,000 and 100,000. --quick:
// 200,000 events in batches of 10,000.

import { DuckDBInstance, version as duckdbVersion } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { availableParallelism, loadavg } from 'node:os';
import { Engine } from '../src/index.js';
import type { QueryResult } from '../src/index.js';
import { maxRssMb, median, ms, parseFlags, writeResult } from './bench-common.js';
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
async function runFreshet(q: NexmarkQuery, generator: NexmarkGenerator, events: number, batch: number): Promise<{ feedMs: number; rows: number; digest: number[]; fields: QueryResult['fields'] }> {
  const engine = new Engine();
  for (const ddl of nexmarkDdl()) await engine.sql(ddl);
  await engine.sql(`CREATE MATERIALIZED VIEW ${q.name} AS ${q.freshet}`);
  let feedMs = 0;
  for (let at = 0; at < events; at += batch) {
    const b = generator.generate(at, Math.min(events, at + batch));
    const tables = (['person', 'auction', 'bid'] as const).filter((t) => b[t].length > 0).map((t) => [t, arrowTable(t, b[t])] as const);
    const t0 = performance.now();
    for (const [name, table] of tables) await engine.insertArrow(name, table);
    feedMs += performance.now() - t0;
  }
  const fields = (await engine.sql(`SELECT * FROM ${q.name} LIMIT 0`)).fields;
  const digest = (await engine.sql(digestSql(fields, q.name))).rows[0]!.map(Number);
  await engine.close();
  return { feedMs, rows: digest[0]!, digest, fields };
}

/** Loads every event into a fresh engine (not timed), then times CREATE MATERIALIZED VIEW over them. */
async function hydrateFreshet(q: NexmarkQuery, generator: NexmarkGenerator, events: number): Promise<number> {
  const engine = new Engine();
  for (const ddl of nexmarkDdl()) await engine.sql(ddl);
  for (let at = 0; at < events; at += 100_000) {
    const b = generator.generate(at, Math.min(events, at + 100_000));
    for (const t of ['person', 'auction', 'bid'] as const) if (b[t].length > 0) await engine.insertArrow(t, arrowTable(t, b[t]));
  }
  const t0 = performance.now();
  await engine.sql(`CREATE MATERIALIZED VIEW ${q.name} AS ${q.freshet}`);
  const ms = performance.now() - t0;
  await engine.close();
  return ms;
}

async function loadDuckDb(generator: NexmarkGenerator, events: number): Promise<{ conn: DuckDBConnection; close: () => void; loadMs: number }> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  for (const ddl of nexmarkDdl()) await conn.run(ddl);
  const t0 = performance.now();
  for (let at = 0; at < events; at += 100_000) await appendToDuckDb(conn, generator.generate(at, Math.min(events, at + 100_000)));
  return { conn, loadMs: performance.now() - t0, close: () => { conn.closeSync(); instance.closeSync(); } };
}

async function main(): Promise<void> {
  const { given, quick } = parseFlags(process.argv.slice(2), ['events', 'batch', 'seed']);
  const events = given.get('events') ?? (quick ? 200_000 : 10_000_000);
  const batches = given.has('batch') ? [given.get('batch')!] : quick ? [10_000] : [1_000, 10_000, 100_000];
  const generator = new NexmarkGenerator({ seed: given.get('seed') ?? 1, outOfOrderMicros: 5_000_000 });
  log(`nexmark: ${events.toLocaleString('en-US')} events, batches ${batches.join(', ')}; ${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(2)}, DuckDB ${duckdbVersion()}`);

  const duck = await loadDuckDb(generator, events);
  log(`  DuckDB loaded the events in ${ms(duck.loadMs)} ms`);
  const runs: Run[] = [];
  const hydrations: Hydration[] = [];
  for (const q of NEXMARK_QUERIES) {
    const times: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      await duck.conn.run(`CREATE OR REPLACE TABLE result AS ${q.duckdb ?? q.freshet}`);
      times.push(performance.now() - t0);
    }
    const duckdbMs = median(times);
    const hydrateMs = await hydrateFreshet(q, generator, events);
    hydrations.push({ query: q.name, freshetMs: hydrateMs, duckdbMs, ratio: hydrateMs / duckdbMs });
    log(`  ${q.name} hydration: ${ms(hydrateMs)} ms; DuckDB CREATE TABLE AS ${ms(duckdbMs)} ms (${(hydrateMs / duckdbMs).toFixed(1)}x)`);
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
    '| query | Freshet CREATE MATERIALIZED VIEW ms | DuckDB CREATE TABLE AS ms | Freshet / DuckDB |',
    '|---|---:|---:|---:|',
    ...hydrations.map((h) => `| ${h.query} | ${ms(h.freshetMs)} | ${ms(h.duckdbMs)} | ${h.ratio.toFixed(1)}x |`),
  ];
  process.stdout.write(`\n${lines.join('\n')}\n\n${hydrationLines.join('\n')}\n\n`);
  const file = writeResult('nexmark', { events, batches, duckdbLoadMs: duck.loadMs, peakRssMb: maxRssMb(), runs, hydrations });
  log(`wrote ${file}`);
  if (runs.some((r) => r.equal !== null)) process.exitCode = 1;
}

await main();
