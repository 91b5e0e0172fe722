// Benchmark: a GROUP BY view over a keyed table, Freshet against DuckDB on the
// same data in the same process. Measures (a) hydration, Freshet's CREATE
// MATERIALIZED VIEW vs DuckDB's CREATE TABLE AS, and (b) update latency for
// batches of each size (10% deletes, 45% inserts of new keys, 45% updates of
// existing keys by upsert) until the view reflects them, vs DuckDB applying
// the batch and recomputing the query; and the batch size from which the
// recompute wins (its p50 below Freshet's), if any size measured reaches it.
//   node dist/bench/group-by.js [--rows N] [--groups G] [--reps R] [--seed S] [--sizes 1,100,10000]
// --reps is the number of hydrations timed. Batches per size: 300 of 1 row,
// fewer of larger ones (BATCHES), after a few warm-up batches.

import { tableFromArrays } from 'apache-arrow';
import { BIGINT, DOUBLE, DuckDBDataChunk, DuckDBInstance, INTEGER, version as duckdbVersion } from '@duckdb/node-api';
import { Engine } from '../src/index.js';
import { Rand, maxRssMb, median, ms, percentile, writeResult } from './bench-common.js';

interface Options {
  readonly rows: number;
  readonly groups: number;
  readonly reps: number;
  readonly seed: number;
  /** Batch sizes whose update latency is measured. */
  readonly sizes: readonly number[];
}

function parseArgs(argv: readonly string[]): Options {
  const opts = { rows: 10_000_000, groups: 100_000, reps: 3, seed: 1, sizes: [1, 100, 1000, 10_000] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const key = flag?.replace(/^--/, '');
    if (key === 'sizes') {
      const sizes = (argv[i + 1] ?? '').split(',').map(Number);
      if (sizes.length === 0 || !sizes.every((x) => Number.isInteger(x) && x > 0)) throw new Error(`--sizes expects positive integers separated by commas, got '${argv[i + 1] ?? ''}'`);
      opts.sizes = sizes.sort((a, b) => a - b);
      i++;
      continue;
    }
    const value = Number(argv[i + 1]);
    if (key === 'rows' || key === 'groups' || key === 'reps' || key === 'seed') {
      if (!Number.isInteger(value) || value < 0) throw new Error(`${flag} expects a non-negative integer, got '${argv[i + 1]}'`);
      opts[key] = value;
      i++;
    } else {
      throw new Error(`unknown flag '${flag}'; expected --rows, --groups, --reps, --seed or --sizes`);
    }
  }
  return opts;
}

/** Batches timed (after warm-up ones) per batch size: enough for a p99 at small sizes, few at large ones. */
function batchesOf(size: number): { readonly timed: number; readonly warmup: number } {
  if (size <= 1) return { timed: 300, warmup: 5 };
  if (size <= 100) return { timed: 100, warmup: 2 };
  if (size <= 1000) return { timed: 40, warmup: 1 };
  return { timed: 10, warmup: 1 };
}

const viewQuery = 'SELECT k, count(*), sum(v), min(v), max(v) FROM t GROUP BY k';
/** Aliased for DuckDB so its column names match PostgreSQL's (count, sum, min, max). */
const duckQuery = 'SELECT k, count(*) AS count, sum(v) AS sum, min(v) AS min, max(v) AS max FROM t GROUP BY k';

/** One change batch as SQL text: deletes first, then inserts/upserts. */
interface Batch {
  readonly deletes: string | null;
  readonly inserts: string | null;
}

function makeBatches(rand: Rand, count: number, size: number, rows: number, groups: number, nextId: { v: number }): Batch[] {
  const out: Batch[] = [];
  for (let b = 0; b < count; b++) {
    const del: number[] = [];
    const ins: string[] = [];
    const used = new Set<number>();
    for (let i = 0; i < size; i++) {
      // For a 1-row batch this is a 10% chance of a delete; for 1,000 rows, ~100 deletes.
      if (rand.below(10) === 0) {
        const id = rand.below(rows);
        if (!used.has(id)) {
          used.add(id);
          del.push(id);
        }
      } else {
        // Half new keys (inserts), half existing keys (upserts); keys distinct within a batch.
        let id = rand.below(2) === 0 ? nextId.v++ : rand.below(rows);
        if (used.has(id)) id = nextId.v++;
        used.add(id);
        const v = Math.round(rand.double() * 1e6) / 1e3;
        ins.push(`(${id}, ${rand.below(groups)}, ${v})`);
      }
    }
    out.push({
      deletes: del.length > 0 ? `DELETE FROM t WHERE id IN (${del.join(', ')})` : null,
      inserts: ins.length > 0 ? `INSERT INTO t VALUES ${ins.join(', ')}` : null,
    });
  }
  return out;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const { rows, groups, reps } = opts;
  const log = (s: string): void => void process.stderr.write(`${s}\n`);
  log(`group-by: ${rows.toLocaleString('en-US')} rows, ${groups.toLocaleString('en-US')} groups, ${reps} reps`);

  // ---- data (shared by both engines)
  const rand = new Rand(opts.seed);
  const id = new BigInt64Array(rows);
  const k = new Int32Array(rows);
  const v = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    id[i] = BigInt(i);
    k[i] = rand.below(groups);
    v[i] = Math.round(rand.double() * 1e6) / 1e3;
  }
  const nextId = { v: rows };
  // Per size: its batches, the first few of which are warm-up.
  const plans = opts.sizes.map((size) => ({ size, ...batchesOf(size), batches: makeBatches(rand, batchesOf(size).timed + batchesOf(size).warmup, size, rows, groups, nextId) }));

  // ---- Freshet (first, so its peak RSS is measured before DuckDB allocates)
  const engine = new Engine();
  await engine.sql('CREATE TABLE t (id BIGINT PRIMARY KEY, k INTEGER, v DOUBLE PRECISION)');
  let t0 = performance.now();
  await engine.insertArrow('t', tableFromArrays({ id, k, v }));
  const freshetLoadMs = performance.now() - t0;
  log(`freshet: loaded in ${ms(freshetLoadMs)} ms`);

  const freshetHydrate: number[] = [];
  for (let r = 0; r < reps; r++) {
    if (r > 0) await engine.sql('DROP MATERIALIZED VIEW g');
    t0 = performance.now();
    await engine.sql(`CREATE MATERIALIZED VIEW g AS ${viewQuery}`);
    freshetHydrate.push(performance.now() - t0);
  }
  log(`freshet: hydration ${freshetHydrate.map(ms).join(', ')} ms`);

  const applyFreshet = async (b: Batch): Promise<number> => {
    const start = performance.now();
    if (b.deletes !== null) await engine.sql(b.deletes);
    if (b.inserts !== null) await engine.sql(b.inserts);
    return performance.now() - start;
  };
  const freshetTimes: number[][] = [];
  for (const plan of plans) {
    const times: number[] = [];
    for (const [i, b] of plan.batches.entries()) {
      const t = await applyFreshet(b);
      if (i >= plan.warmup) times.push(t);
    }
    freshetTimes.push(times);
  }
  const freshetRssMb = maxRssMb();
  const freshetView = await engine.sql('SELECT * FROM g');
  log(`freshet: updates done; peak RSS so far ${freshetRssMb.toFixed(0)} MB`);

  // ---- DuckDB
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  await conn.run('CREATE TABLE t (id BIGINT PRIMARY KEY, k INTEGER, v DOUBLE)');
  t0 = performance.now();
  const appender = await conn.createAppender('t');
  const chunkRows = 2048;
  for (let at = 0; at < rows; at += chunkRows) {
    const n = Math.min(chunkRows, rows - at);
    const chunk = DuckDBDataChunk.create([BIGINT, INTEGER, DOUBLE], n);
    chunk.setColumns([Array.from(id.subarray(at, at + n)), Array.from(k.subarray(at, at + n)), Array.from(v.subarray(at, at + n))]);
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
  const duckLoadMs = performance.now() - t0;
  log(`duckdb: loaded in ${ms(duckLoadMs)} ms`);

  const duckHydrate: number[] = [];
  for (let r = 0; r < reps; r++) {
    t0 = performance.now();
    await conn.run(`CREATE OR REPLACE TABLE r AS ${duckQuery}`);
    duckHydrate.push(performance.now() - t0);
  }
  log(`duckdb: CREATE TABLE AS ${duckHydrate.map(ms).join(', ')} ms`);

  const applyDuck = async (b: Batch): Promise<{ dml: number; recompute: number }> => {
    const start = performance.now();
    if (b.deletes !== null) await conn.run(b.deletes);
    if (b.inserts !== null) await conn.run(b.inserts.replace(/^INSERT INTO/, 'INSERT OR REPLACE INTO'));
    const mid = performance.now();
    await conn.run(`CREATE OR REPLACE TABLE r AS ${duckQuery}`);
    return { dml: mid - start, recompute: performance.now() - mid };
  };
  const duckTimes: { dml: number; recompute: number }[][] = [];
  for (const plan of plans) {
    const times: { dml: number; recompute: number }[] = [];
    for (const [i, b] of plan.batches.entries()) {
      const t = await applyDuck(b);
      if (i >= plan.warmup) times.push(t);
    }
    duckTimes.push(times);
  }

  // ---- sanity: the maintained view equals DuckDB's recomputation (group count and totals)
  const check = (await conn.runAndReadAll('SELECT count(*), sum(count), sum(sum) FROM r')).getRowsJS()[0] ?? [];
  let fCount = 0;
  let fSum = 0;
  for (const row of freshetView.rows) {
    fCount += Number(row[1]);
    fSum += Number(row[2] ?? 0);
  }
  const dGroups = Number(check[0]);
  const dCount = Number(check[1]);
  const dSum = Number(check[2]);
  const agree =
    freshetView.rows.length === dGroups && fCount === dCount && Math.abs(fSum - dSum) <= 1e-9 * Math.max(1, Math.abs(dSum));
  conn.closeSync();
  instance.closeSync();
  await engine.close();

  // ---- report
  const stats = (xs: readonly number[]): { p50: number; p99: number } => ({ p50: percentile(xs, 50), p99: percentile(xs, 99) });
  const batches = plans.map((plan, p) => {
    const freshet = stats(freshetTimes[p]!);
    const duck = duckTimes[p]!;
    const total = stats(duck.map((x) => x.dml + x.recompute));
    return {
      size: plan.size,
      count: plan.timed,
      freshet,
      duckdb: { total, dml: stats(duck.map((x) => x.dml)), recompute: stats(duck.map((x) => x.recompute)) },
      ratioP50: total.p50 / freshet.p50,
      ratioP99: total.p99 / freshet.p99,
    };
  });
  // The smallest batch size measured at which DuckDB's recompute beats Freshet's p50; null when none does.
  const crossover = batches.find((b) => b.ratioP50 < 1)?.size ?? null;
  const fH = median(freshetHydrate);
  const dH = median(duckHydrate);
  const ratio = (duck: number, freshet: number): string => `${(duck / freshet).toFixed(2)}x`;

  const lines = [
    '',
    `group-by  rows=${rows} groups=${groups} reps=${reps}  (ratio = DuckDB time / Freshet time; >1 means Freshet is faster)`,
    'measure                         Freshet ms    DuckDB ms (DML + recompute)       ratio',
    `hydration (median)              ${ms(fH).padStart(10)}    ${ms(dH).padStart(10)}                        ${ratio(dH, fH)}`,
    ...batches.flatMap((b) =>
      (['p50', 'p99'] as const).map(
        (q) => `${`${b.size.toLocaleString('en-US')}-row batch ${q}`.padEnd(32)}${ms(b.freshet[q]).padStart(10)}    ${ms(b.duckdb.total[q]).padStart(10)} (${ms(b.duckdb.dml[q])} + ${ms(b.duckdb.recompute[q])})`.padEnd(84) + ratio(b.duckdb.total[q], b.freshet[q]),
      ),
    ),
    `recompute wins from: ${crossover === null ? `no size measured (up to ${opts.sizes[opts.sizes.length - 1]!.toLocaleString('en-US')} rows)` : `${crossover.toLocaleString('en-US')}-row batches`}`,
    `load (insertArrow / appender)   ${ms(freshetLoadMs).padStart(10)}    ${ms(duckLoadMs).padStart(10)}`,
    `peak RSS: ${freshetRssMb.toFixed(0)} MB after Freshet phases, ${maxRssMb().toFixed(0)} MB at end (DuckDB shares the process)`,
    `view agrees with DuckDB recomputation: ${agree ? 'yes' : `NO (Freshet ${freshetView.rows.length} groups, count ${fCount}, sum ${fSum}; DuckDB ${dGroups}, ${dCount}, ${dSum})`}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  const result = {
    benchmark: 'group-by',
    date: new Date().toISOString(),
    options: opts,
    environment: { node: process.version, duckdb: duckdbVersion(), platform: process.platform, arch: process.arch },
    query: viewQuery,
    loadMs: { freshet: freshetLoadMs, duckdb: duckLoadMs },
    hydrationMs: { freshet: { median: fH, all: freshetHydrate }, duckdb: { median: dH, all: duckHydrate }, ratio: dH / fH },
    batches,
    crossover,
    peakRssMb: { afterFreshet: freshetRssMb, end: maxRssMb() },
    viewAgreesWithDuckDB: agree,
  };
  const file = writeResult('group-by', result);
  log(`wrote ${file}`);
}

await main();
