// Benchmark: event-time views over a generated stream, Freshet maintaining
// them as events arrive vs DuckDB computing the same final result in one shot.
// Three cases, each on a fresh engine:
//   tumble  per-key counts and sums in 1-minute TUMBLE windows
//   hop     per-key counts and maxima in 1-minute HOP windows sliding by 10 s
//   join    an interval join of two streams (b within 10 s after a, same key)
// Events arrive in time order with up to 2 s of jitter (within the tables'
// 5-second watermark delay, so nothing is late). Reported per case: events/s
// through Freshet (insertArrow batches, views maintained) and through DuckDB
// (appender load + one query), and the views' operator state sampled as the
// stream grows — with state cleanup it stays flat; without, it grows.
//   node dist/bench/event-time.js [--events N] [--batch B] [--seed S] [--cases tumble,hop,join]

import { Table, TimestampMicrosecond, makeData, makeVector } from 'apache-arrow';
import { BIGINT, DuckDBDataChunk, DuckDBInstance, INTEGER, version as duckdbVersion } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { Engine, VIEW_ROWS } from '../src/index.js';
import { Rand, maxRssMb, ms, writeResult } from './bench-common.js';

interface Options {
  events: number;
  batch: number;
  seed: number;
  cases: string[];
}

function parseArgs(argv: readonly string[]): Options {
  const opts: Options = { events: 10_000_000, batch: 10_000, seed: 1, cases: ['tumble', 'hop', 'join'] };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]!.replace(/^--/, '');
    const value = argv[i + 1] ?? '';
    if (flag === 'cases') opts.cases = value.split(',');
    else if (flag === 'events' || flag === 'batch' || flag === 'seed') {
      const n = Number(value);
      if (!Number.isInteger(n) || n <= 0) throw new Error(`--${flag} expects a positive integer, got '${value}'`);
      opts[flag] = n;
    } else throw new Error(`unknown flag '--${flag}'; expected --events, --batch, --seed or --cases`);
  }
  return opts;
}

const START_US = Date.UTC(2024, 0, 1) * 1000;
const DDL = (name: string): string => `CREATE TABLE ${name} (id integer, k integer, v integer, ts timestamp, WATERMARK FOR ts AS ts - INTERVAL '5 seconds')`;

/** A stream: ids, keys, values and event times (µs), in arrival order. */
interface Stream {
  readonly id: Int32Array;
  readonly k: Int32Array;
  readonly v: Int32Array;
  readonly ts: Float64Array;
}

/** `n` events, one per `spacingUs` on average, each up to 2 s early or late. */
function stream(rand: Rand, n: number, keys: number, spacingUs: number, firstId: number): Stream {
  const s = { id: new Int32Array(n), k: new Int32Array(n), v: new Int32Array(n), ts: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    s.id[i] = firstId + i;
    s.k[i] = rand.below(keys);
    s.v[i] = rand.below(1000);
    s.ts[i] = START_US + i * spacingUs + (rand.below(4_000_000) - 2_000_000);
  }
  return s;
}

interface Case {
  readonly name: string;
  readonly tables: readonly string[];
  readonly view: string;
  readonly duck: string;
  /** Events per table, and how to make them. */
  readonly make: (rand: Rand, events: number) => Stream[];
}

const CASES: readonly Case[] = [
  {
    name: 'tumble',
    tables: ['ev'],
    view: "SELECT k, window_start, count(*) AS n, sum(v) AS s FROM TUMBLE(ev, DESCRIPTOR(ts), INTERVAL '1 minute') GROUP BY k, window_start",
    duck: "SELECT k, time_bucket(INTERVAL '1 minute', ts, TIMESTAMP '1970-01-01') AS window_start, count(*) AS n, sum(v) AS s FROM ev GROUP BY ALL",
    make: (rand, events) => [stream(rand, events, 1000, 1000, 0)],
  },
  {
    name: 'hop',
    tables: ['ev'],
    view: "SELECT k, window_start, count(*) AS n, max(v) AS m FROM HOP(ev, DESCRIPTOR(ts), INTERVAL '10 seconds', INTERVAL '1 minute') GROUP BY k, window_start",
    duck:
      'SELECT k, make_timestamp(ws) AS window_start, count(*) AS n, max(v) AS m FROM ' +
      '(SELECT k, v, (epoch_us(ts) // 10000000) * 10000000 - r.j * 10000000 AS ws FROM ev, range(0, 6) r(j)) GROUP BY ALL',
    make: (rand, events) => [stream(rand, events, 1000, 1000, 0)],
  },
  {
    name: 'join',
    tables: ['a', 'b'],
    view: "SELECT a.id AS a_id, b.id AS b_id FROM a JOIN b ON a.k = b.k AND b.ts BETWEEN a.ts AND a.ts + INTERVAL '10 seconds'",
    duck: "SELECT a.id AS a_id, b.id AS b_id FROM a JOIN b ON a.k = b.k AND b.ts BETWEEN a.ts AND a.ts + INTERVAL '10 seconds'",
    make: (rand, events) => [stream(rand, events / 2, 100_000, 2000, 0), stream(rand, events / 2, 100_000, 2000, events / 2)],
  },
];

function arrowBatch(s: Stream, from: number, to: number): Table {
  const ts = new BigInt64Array(to - from);
  for (let i = from; i < to; i++) ts[i - from] = BigInt(s.ts[i]!);
  return new Table({
    id: makeVector(s.id.slice(from, to)),
    k: makeVector(s.k.slice(from, to)),
    v: makeVector(s.v.slice(from, to)),
    ts: makeVector(makeData({ type: new TimestampMicrosecond(), length: to - from, data: ts })),
  });
}

interface Sample {
  readonly events: number;
  readonly stateEntries: number;
}

async function runFreshet(c: Case, streams: readonly Stream[], batch: number): Promise<{ ms: number; samples: Sample[]; rows: number; checksum: number }> {
  const engine = new Engine();
  for (const t of c.tables) await engine.sql(DDL(t));
  await engine.sql(`CREATE MATERIALIZED VIEW v AS ${c.view}`);
  const total = streams.reduce((n, s) => n + s.id.length, 0);
  const samples: Sample[] = [];
  let done = 0;
  let nextSample = total / 20;
  const t0 = performance.now();
  // Interleave the tables' batches so both sides advance together.
  const per = streams[0]!.id.length;
  for (let at = 0; at < per; at += batch) {
    for (let t = 0; t < streams.length; t++) {
      const s = streams[t]!;
      const to = Math.min(at + batch, s.id.length);
      await engine.insertArrow(c.tables[t]!, arrowBatch(s, at, to));
      done += to - at;
    }
    if (done >= nextSample) {
      samples.push({ events: done, stateEntries: engine.stateSizes('v').reduce((n, x) => n + (x.operator === VIEW_ROWS ? 0 : x.entries), 0) });
      nextSample += total / 20;
    }
  }
  const elapsed = performance.now() - t0;
  const check = (await engine.sql(`SELECT count(*), sum(${c.name === 'join' ? 'b_id' : 'n'}) FROM v`)).rows[0]!;
  await engine.close();
  return { ms: elapsed, samples, rows: Number(check[0]), checksum: Number(check[1]) };
}

async function loadDuck(conn: DuckDBConnection, table: string, s: Stream): Promise<void> {
  await conn.run(`CREATE TABLE raw_${table} (id INTEGER, k INTEGER, v INTEGER, us BIGINT)`);
  const appender = await conn.createAppender(`raw_${table}`);
  const chunkRows = 2048;
  for (let at = 0; at < s.id.length; at += chunkRows) {
    const n = Math.min(chunkRows, s.id.length - at);
    const chunk = DuckDBDataChunk.create([INTEGER, INTEGER, INTEGER, BIGINT], n);
    const us: bigint[] = new Array(n);
    for (let i = 0; i < n; i++) us[i] = BigInt(s.ts[at + i]!);
    chunk.setColumns([Array.from(s.id.subarray(at, at + n)), Array.from(s.k.subarray(at, at + n)), Array.from(s.v.subarray(at, at + n)), us]);
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
  await conn.run(`CREATE TABLE ${table} AS SELECT id, k, v, make_timestamp(us) AS ts FROM raw_${table}`);
}

async function runDuck(c: Case, streams: readonly Stream[]): Promise<{ loadMs: number; queryMs: number; rows: number; checksum: number }> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  let t0 = performance.now();
  for (let t = 0; t < c.tables.length; t++) await loadDuck(conn, c.tables[t]!, streams[t]!);
  const loadMs = performance.now() - t0;
  t0 = performance.now();
  await conn.run(`CREATE TABLE r AS ${c.duck}`);
  const queryMs = performance.now() - t0;
  const check = (await conn.runAndReadAll(`SELECT count(*), sum(${c.name === 'join' ? 'b_id' : 'n'}) FROM r`)).getRowsJS()[0]!;
  conn.closeSync();
  instance.closeSync();
  return { loadMs, queryMs, rows: Number(check[0]), checksum: Number(check[1]) };
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const log = (s: string): void => void process.stderr.write(`${s}\n`);
  const results: unknown[] = [];
  const lines = [`event-time  events=${opts.events} batch=${opts.batch} seed=${opts.seed}`, '', '| case | Freshet events/s | DuckDB events/s (load + one query) | DuckDB query alone | state at 10% / 50% / 100% of the stream | peak state | results equal |', '|---|---:|---:|---:|---:|---:|---|'];
  for (const c of CASES.filter((x) => opts.cases.includes(x.name))) {
    const streams = c.make(new Rand(opts.seed), opts.events);
    const events = streams.reduce((n, s) => n + s.id.length, 0);
    log(`case ${c.name}: ${events} events`);
    const f = await runFreshet(c, streams, opts.batch);
    log(`  freshet ${ms(f.ms)} ms, ${f.rows} view rows`);
    const d = await runDuck(c, streams);
    log(`  duckdb load ${ms(d.loadMs)} ms, query ${ms(d.queryMs)} ms, ${d.rows} rows`);
    const at = (p: number): number => f.samples[Math.max(0, Math.min(f.samples.length - 1, Math.round(p * f.samples.length) - 1))]?.stateEntries ?? 0;
    const peak = Math.max(...f.samples.map((s) => s.stateEntries));
    const equal = f.rows === d.rows && f.checksum === d.checksum;
    lines.push(
      `| ${c.name} | ${Math.round(events / (f.ms / 1000)).toLocaleString('en-US')} | ${Math.round(events / ((d.loadMs + d.queryMs) / 1000)).toLocaleString('en-US')} | ${ms(d.queryMs)} ms | ${at(0.1)} / ${at(0.5)} / ${at(1)} | ${peak} | ${equal ? 'yes' : `NO (${f.rows}/${f.checksum} vs ${d.rows}/${d.checksum})`} |`,
    );
    results.push({ case: c.name, events, freshetMs: f.ms, duckLoadMs: d.loadMs, duckQueryMs: d.queryMs, stateCurve: f.samples, peakState: peak, freshetRows: f.rows, duckRows: d.rows, equal });
  }
  lines.push('', `peak RSS ${maxRssMb().toFixed(0)} MB; DuckDB ${duckdbVersion()}; Node ${process.version}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  const file = writeResult('event-time', { benchmark: 'event-time', date: new Date().toISOString(), options: opts, results });
  log(`wrote ${file}`);
}

await main();
