// Benchmark: materialized views over a 1M-row orders table (joins, a join with
// an aggregate on top, COUNT(DISTINCT), top-10 per group, LAG and a running sum),
// Freshet against DuckDB in the same process. For each case: hydration (CREATE
// MATERIALIZED VIEW vs CREATE TABLE AS) and update latency of 1-row and 1,000-row
// batches (90% inserts, 10% deletes) until the view reflects them, vs DuckDB
// applying the same DML and recomputing the query; then a check that both agree.
//   node dist/bench/sql-views.js [--rows N] [--seed S] [--only a,b] [--batches1 K] [--batches1000 K] [--profile]

import { tableFromArrays } from 'apache-arrow';
import {
  BIGINT,
  DOUBLE,
  DuckDBDataChunk,
  DuckDBInstance,
  INTEGER,
  VARCHAR,
  version as duckdbVersion,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { join } from 'node:path';
import { Engine } from '../src/index.js';
import { Rand, maxRssMb, ms, percentile, resultsDir, writeResult } from './bench-common.js';
import { OrderChanges, type ChangeBatch } from './sql-views/change-batches.js';
import { sqlViewCases, type SqlViewCase } from './sql-views/cases.js';
import { CpuProfiler, type ProfileSummary } from './sql-views/cpu-profile.js';
import { compareRowMultisets, type MultisetComparison } from './sql-views/row-multiset.js';
import { dimensionsFor, generateTables, type ColumnData, type TableData } from './sql-views/schema.js';

interface Options {
  rows: number;
  seed: number;
  batches1: number;
  batches1000: number;
  only: readonly string[] | null;
  profile: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const opts: Options = { rows: 1_000_000, seed: 1, batches1: 50, batches1000: 10, only: null, profile: false };
  const caseNames = sqlViewCases.map((c) => c.name);
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const key = flag?.replace(/^--/, '');
    const raw = argv[i + 1];
    if (key === 'profile') {
      opts.profile = true;
    } else if (key === 'only') {
      const names = (raw ?? '').split(',').filter((s) => s !== '');
      const unknown = names.filter((n) => !caseNames.includes(n));
      if (names.length === 0 || unknown.length > 0) {
        throw new Error(`--only expects case names from ${caseNames.join(', ')}; got '${raw ?? ''}'`);
      }
      opts.only = names;
      i++;
    } else if (key === 'rows' || key === 'seed' || key === 'batches1' || key === 'batches1000') {
      const value = Number(raw);
      if (!Number.isInteger(value) || value < (key === 'rows' ? 1 : 0)) {
        throw new Error(`${flag} expects a ${key === 'rows' ? 'positive' : 'non-negative'} integer, got '${raw}'`);
      }
      opts[key] = value;
      i++;
    } else {
      throw new Error(`unknown flag '${flag}'; expected --rows, --seed, --only, --batches1, --batches1000 or --profile`);
    }
  }
  return opts;
}

/** Batches run before measuring, per size: they warm the JIT and DuckDB's caches. */
const WARMUP_ONE_ROW = 3;
const WARMUP_THOUSAND_ROW = 1;
const PROFILE_TOP = 15;

const duckTypes: Record<ColumnData['duckType'], DuckDBType> = { BIGINT, INTEGER, DOUBLE, VARCHAR };

interface Stats {
  readonly p50: number;
  readonly p99: number;
}

function stats(xs: readonly number[]): Stats {
  return { p50: percentile(xs, 50), p99: percentile(xs, 99) };
}

interface DuckTiming {
  readonly dml: number;
  readonly recompute: number;
}

interface SizeResult {
  readonly batches: number;
  readonly freshet: Stats;
  readonly duckdb: { readonly total: Stats; readonly dml: Stats; readonly recompute: Stats };
  readonly ratioP50: number;
  readonly ratioP99: number;
  readonly freshetProfile?: ProfileSummary;
}

interface CaseResult {
  readonly name: string;
  readonly description: string;
  readonly query: string | null;
  readonly hydrationMs: { readonly freshet: number; readonly duckdb: number; readonly ratio: number } | null;
  readonly oneRow: SizeResult;
  readonly thousandRow: SizeResult;
  readonly check: MultisetComparison | null;
}

async function loadFreshet(engine: Engine, tables: readonly TableData[]): Promise<void> {
  for (const t of tables) {
    await engine.sql(t.ddl);
    const arrays: Record<string, ColumnData['values']> = {};
    for (const c of t.columns) arrays[c.name] = c.values;
    await engine.insertArrow(t.name, tableFromArrays(arrays as Parameters<typeof tableFromArrays>[0]));
  }
}

async function loadDuckDB(conn: DuckDBConnection, tables: readonly TableData[]): Promise<void> {
  const chunkRows = 2048;
  for (const t of tables) {
    await conn.run(t.ddl.replaceAll('DOUBLE PRECISION', 'DOUBLE'));
    const appender = await conn.createAppender(t.name);
    const types = t.columns.map((c) => duckTypes[c.duckType]);
    for (let at = 0; at < t.rowCount; at += chunkRows) {
      const n = Math.min(chunkRows, t.rowCount - at);
      const chunk = DuckDBDataChunk.create(types, n);
      chunk.setColumns(t.columns.map((c) => Array.from(c.values.slice(at, at + n) as ArrayLike<DuckDBValue>)));
      appender.appendDataChunk(chunk);
    }
    appender.closeSync();
  }
}

async function runBatches(batches: readonly ChangeBatch[], warmup: number, apply: (b: ChangeBatch) => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  for (const [i, b] of batches.entries()) {
    const start = performance.now();
    await apply(b);
    if (i >= warmup) times.push(performance.now() - start);
  }
  return times;
}

function sizeResult(freshet: readonly number[], duck: readonly DuckTiming[], profile: ProfileSummary | null): SizeResult {
  const f = stats(freshet);
  const total = stats(duck.map((d) => d.dml + d.recompute));
  return {
    batches: freshet.length,
    freshet: f,
    duckdb: { total, dml: stats(duck.map((d) => d.dml)), recompute: stats(duck.map((d) => d.recompute)) },
    ratioP50: total.p50 / f.p50,
    ratioP99: total.p99 / f.p99,
    ...(profile === null ? {} : { freshetProfile: profile }),
  };
}

async function runCase(
  c: SqlViewCase,
  engine: Engine,
  conn: DuckDBConnection,
  changes: OrderChanges,
  opts: Options,
  log: (s: string) => void,
): Promise<CaseResult> {
  const small = changes.batches(WARMUP_ONE_ROW + opts.batches1, 1);
  const large = changes.batches(WARMUP_THOUSAND_ROW + opts.batches1000, 1000);
  const viewName = `v_${c.name.replaceAll('-', '_')}`;

  // ---- Freshet: the view is current when the DML statement returns.
  let freshetHydrate = 0;
  if (c.view !== null) {
    const t0 = performance.now();
    await engine.sql(`CREATE MATERIALIZED VIEW ${viewName} AS ${c.view}`);
    freshetHydrate = performance.now() - t0;
    log(`  freshet: hydration ${ms(freshetHydrate)} ms`);
  }
  const applyFreshet = async (b: ChangeBatch): Promise<void> => {
    if (b.deletes !== null) await engine.sql(b.deletes);
    if (b.inserts !== null) await engine.sql(b.inserts);
  };
  const profiled = async (size: string, batches: readonly ChangeBatch[], warmup: number): Promise<{ times: number[]; profile: ProfileSummary | null }> => {
    if (!opts.profile) return { times: await runBatches(batches, warmup, applyFreshet), profile: null };
    const profiler = new CpuProfiler();
    await profiler.start();
    const times = await runBatches(batches, warmup, applyFreshet);
    const file = join(resultsDir(), `sql-views-${c.name}-${size}.cpuprofile`);
    const profile = await profiler.stop(file, PROFILE_TOP);
    log(`  freshet: profile of ${size} batches written to ${file}`);
    return { times, profile };
  };
  const fSmall = await profiled('1-row', small, WARMUP_ONE_ROW);
  log(`  freshet: 1-row p50 ${ms(percentile(fSmall.times, 50))} ms`);
  const fLarge = await profiled('1000-row', large, WARMUP_THOUSAND_ROW);
  log(`  freshet: 1,000-row p50 ${ms(percentile(fLarge.times, 50))} ms`);
  let freshetRows: readonly (readonly unknown[])[] | null = null;
  if (c.view !== null) {
    freshetRows = (await engine.sql(`SELECT * FROM ${viewName}`)).rows;
    await engine.sql(`DROP MATERIALIZED VIEW ${viewName}`);
  }

  // ---- DuckDB: the same DML, then the query recomputed from scratch into a table.
  let duckHydrate = 0;
  const recompute = c.duckdb === null ? null : `CREATE OR REPLACE TABLE r AS ${c.duckdb}`;
  if (recompute !== null) {
    const t0 = performance.now();
    await conn.run(recompute);
    duckHydrate = performance.now() - t0;
    log(`  duckdb: CREATE TABLE AS ${ms(duckHydrate)} ms`);
  }
  const duckTimes = async (batches: readonly ChangeBatch[], warmup: number): Promise<DuckTiming[]> => {
    const out: DuckTiming[] = [];
    for (const [i, b] of batches.entries()) {
      const start = performance.now();
      if (b.deletes !== null) await conn.run(b.deletes);
      if (b.inserts !== null) await conn.run(b.inserts);
      const mid = performance.now();
      if (recompute !== null) await conn.run(recompute);
      if (i >= warmup) out.push({ dml: mid - start, recompute: performance.now() - mid });
    }
    return out;
  };
  const dSmall = await duckTimes(small, WARMUP_ONE_ROW);
  const dLarge = await duckTimes(large, WARMUP_THOUSAND_ROW);
  log(`  duckdb: batches done`);

  let check: MultisetComparison | null = null;
  if (freshetRows !== null) {
    const duckRows = (await conn.runAndReadAll('SELECT * FROM r')).getRowsJS();
    check = compareRowMultisets(freshetRows, duckRows);
    await conn.run('DROP TABLE r');
    log(`  check: ${check.equal ? 'view equals DuckDB recompute' : 'MISMATCH'} (${check.leftRows} rows)`);
  }

  return {
    name: c.name,
    description: c.description,
    query: c.view,
    hydrationMs: c.view === null ? null : { freshet: freshetHydrate, duckdb: duckHydrate, ratio: duckHydrate / freshetHydrate },
    oneRow: sizeResult(fSmall.times, dSmall, fSmall.profile),
    thousandRow: sizeResult(fLarge.times, dLarge, fLarge.profile),
    check,
  };
}

function ratio(x: number): string {
  return x >= 100 ? `${x.toFixed(0)}×` : `${x.toFixed(1)}×`;
}

function markdown(results: readonly CaseResult[]): string {
  const head =
    '| case | view rows | hydration Freshet / DuckDB ms | 1-row p50 Freshet / DuckDB ms | ratio | 1-row p99 ratio | ' +
    '1,000-row p50 Freshet ms | 1,000-row p50 DuckDB ms (DML + recompute) | ratio | 1,000-row p99 Freshet / DuckDB ms | ratio | ≥100× at 1,000 | agrees |';
  const rule = '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|:---:|';
  const rows = results.map((r) => {
    const s = r.oneRow;
    const l = r.thousandRow;
    const hyd = r.hydrationMs === null ? '—' : `${ms(r.hydrationMs.freshet)} / ${ms(r.hydrationMs.duckdb)}`;
    const target = r.check === null ? '—' : l.ratioP50 >= 100 ? 'yes' : 'no';
    const agrees = r.check === null ? '—' : r.check.equal ? 'yes' : 'NO';
    const viewRows = r.check === null ? '—' : r.check.leftRows.toLocaleString('en-US');
    return (
      `| ${r.name} | ${viewRows} | ${hyd} | ${ms(s.freshet.p50)} / ${ms(s.duckdb.total.p50)} | ${ratio(s.ratioP50)} | ${ratio(s.ratioP99)} | ` +
      `${ms(l.freshet.p50)} | ${ms(l.duckdb.total.p50)} (${ms(l.duckdb.dml.p50)} + ${ms(l.duckdb.recompute.p50)}) | ${ratio(l.ratioP50)} | ` +
      `${ms(l.freshet.p99)} / ${ms(l.duckdb.total.p99)} | ${ratio(l.ratioP99)} | ${target} | ${agrees} |`
    );
  });
  return [head, rule, ...rows].join('\n');
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const log = (s: string): void => void process.stderr.write(`${s}\n`);
  const dims = dimensionsFor(opts.rows);
  const cases = sqlViewCases.filter((c) => opts.only === null || opts.only.includes(c.name));
  log(
    `sql-views: ${dims.orders.toLocaleString('en-US')} orders, ${dims.customers.toLocaleString('en-US')} customers, ` +
      `${dims.products.toLocaleString('en-US')} products; ${opts.batches1} 1-row and ${opts.batches1000} 1,000-row batches per case`,
  );

  const rand = new Rand(opts.seed);
  const tables = generateTables(rand, dims);
  const changes = new OrderChanges(rand, dims);

  const engine = new Engine();
  let t0 = performance.now();
  await loadFreshet(engine, tables);
  const freshetLoadMs = performance.now() - t0;
  log(`freshet: loaded in ${ms(freshetLoadMs)} ms`);

  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  // PostgreSQL semantics where DuckDB's defaults differ.
  await conn.run("SET integer_division = true; SET default_null_order = 'nulls_last_on_asc_first_on_desc'");
  t0 = performance.now();
  await loadDuckDB(conn, tables);
  const duckLoadMs = performance.now() - t0;
  log(`duckdb: loaded in ${ms(duckLoadMs)} ms`);

  const results: CaseResult[] = [];
  for (const c of cases) {
    log(`case ${c.name}: ${c.description}`);
    results.push(await runCase(c, engine, conn, changes, opts, log));
  }
  conn.closeSync();
  instance.closeSync();
  await engine.close();

  const table = markdown(results);
  const lines = [
    '',
    `sql-views  orders=${dims.orders} customers=${dims.customers} products=${dims.products} seed=${opts.seed}  ` +
      '(ratio = DuckDB DML + recompute time / Freshet time; >1 means Freshet is faster)',
    '',
    table,
    '',
    `load (insertArrow / appender): Freshet ${ms(freshetLoadMs)} ms, DuckDB ${ms(duckLoadMs)} ms; peak RSS ${maxRssMb().toFixed(0)} MB`,
  ];
  for (const r of results) {
    for (const [size, s] of [['1-row', r.oneRow], ['1,000-row', r.thousandRow]] as const) {
      const p = s.freshetProfile;
      if (p === undefined) continue;
      const fmt = (e: ProfileSummary['top'][number]): string => `  ${e.percent.toFixed(1).padStart(5)}%  ${ms(e.selfMs).padStart(8)} ms  ${e.fn}`;
      lines.push('', `${r.name}, ${size} batches (${s.batches} measured + warm-up): Freshet CPU ${ms(p.totalMs)} ms by layer`);
      lines.push(...p.areas.map(fmt), '  top functions by self time:', ...p.top.map(fmt));
    }
    if (r.check !== null && !r.check.equal) {
      lines.push('', `${r.name}: view (${r.check.leftRows} rows) differs from DuckDB (${r.check.rightRows} rows), e.g.`);
      for (const e of r.check.examples) lines.push(`  ${e.difference > 0 ? '+' : ''}${e.difference}  ${e.row}`);
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  const file = writeResult('sql-views', {
    benchmark: 'sql-views',
    date: new Date().toISOString(),
    options: opts,
    environment: { node: process.version, duckdb: duckdbVersion(), platform: process.platform, arch: process.arch },
    dimensions: dims,
    batches: { warmupDiscarded: { oneRow: WARMUP_ONE_ROW, thousandRow: WARMUP_THOUSAND_ROW }, deleteShare: 0.1 },
    loadMs: { freshet: freshetLoadMs, duckdb: duckLoadMs },
    peakRssMb: maxRssMb(),
    cases: results,
    markdown: table,
  });
  log(`wrote ${file}`);
}

await main();
