// Benchmark: join state beyond --state-memory, against DuckDB.
//
// A view joins N orders with M customers and aggregates by region:
//   SELECT c.region, count(*), sum(o.amount) FROM orders o JOIN customers c ON o.customer = c.id GROUP BY c.region
// Its join keeps both inputs (N + M rows) as state; the result is 50 rows.
// Each budget (no limit, then smaller ones) runs in a child process of its
// own, so its peak memory is its own:
//   1. load the tables (engine.insertArrow, 100k-row batches)
//   2. CREATE MATERIALIZED VIEW: time, peak RSS, the join's parts in memory
//      and in scratch files
//   3. single-row changes: new orders (meet one customer's part) and
//      customer upserts (retract and re-add every order of that customer),
//      latency until the view reflects each, p50/p99
//   4. a second view, an aggregate whose state holds values (per customer
//      MIN and MAX of the order ids, COUNT(DISTINCT id % 1000)): build
//      time, memory, parts
//   5. two views without a key of their own: a global aggregate (COUNT
//      DISTINCT customer, MIN, MAX) and a global top-10 of the orders, which
//      a budget splits into phases per hash bucket: build time, memory,
//      parts, single-row insert latency with all four views
// DuckDB (this process) builds the same tables with range(), runs the query
// as CREATE TABLE AS, and recomputes it after each of the same changes.
// Every child's final views must equal DuckDB's final results.
//   node --expose-gc dist/bench/state-spill.js [--orders N] [--customers M] [--quick] [--seed S]

import { DuckDBInstance, version as duckdbVersion } from '@duckdb/node-api';
import { execFileSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Float64, Int32, Table, Utf8, makeData, makeVector, vectorFromArray } from 'apache-arrow';
import { Engine } from '../src/index.js';
import { Rand, maxRssMb, median, ms, parseFlags, percentile, writeResult } from './bench-common.js';

const REGIONS = 50;
const BATCH = 100_000;
const QUERY = 'SELECT c.region, count(*) AS n, sum(o.amount) AS s FROM orders o JOIN customers c ON o.customer = c.id GROUP BY c.region';
const EXTREMES = 'SELECT customer, min(id) AS lo, max(id) AS hi, count(DISTINCT id % 1000) AS d FROM orders GROUP BY customer';
/** A digest of the EXTREMES view that both engines compute: groups and the sums of each column. */
const EXTREMES_DIGEST = 'SELECT count(*) AS groups, sum(lo) AS lo, sum(hi) AS hi, sum(d) AS d FROM';
/** Views over the whole of orders, without a group key: in two phases under a budget (engine/split-global-aggregate.ts, split-top-n.ts). */
const GLOBAL = 'SELECT count(DISTINCT customer) AS customers, min(amount) AS lo, max(id) AS hi, count(*) AS n FROM orders';
const TOP = 'SELECT id, customer, amount FROM orders ORDER BY amount DESC, id DESC LIMIT 10';
/** One number per view's rows that both engines compute. */
const GLOBAL_DIGEST = 'SELECT customers + lo + hi + n FROM';
const TOP_DIGEST = 'SELECT sum(id) + sum(customer) + sum(amount) FROM';
const log = (s: string): void => void process.stderr.write(`${s}\n`);
const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

/** Order i's customer and amount, and customer j's region: the same formulas build both engines' tables. */
const customerOf = (i: number, m: number): number => (i * 7919) % m;
const amountOf = (i: number): number => (i % 1000) / 4;
const regionOf = (j: number): string => `r${j % REGIONS}`;

/** The changes after the build, the same for every child and for DuckDB. */
function changes(seed: number, n: number, m: number, count: number): { orders: [number, number][]; customers: [number, string][] } {
  const rand = new Rand(seed);
  const orders: [number, number][] = [];
  const customers: [number, string][] = [];
  for (let i = 0; i < count; i++) orders.push([n + i, rand.below(m)]);
  for (let i = 0; i < count; i++) customers.push([rand.below(m), `r${rand.below(REGIONS)}`]);
  return { orders, customers };
}

/**
 * Heap and array-buffer memory after full collections (the child runs with
 * --expose-gc); array buffers are released after the collection that frees
 * them, hence the pause and the second one.
 */
async function heldMb(): Promise<number> {
  globalThis.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 100));
  globalThis.gc?.();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 1e6;
}

interface ChildResult {
  budgetMib: number | null;
  loadMs: number;
  buildMs: number;
  /** JS heap plus array buffers after a full GC: what the process holds, without the allocator's slack that RSS keeps. */
  heldAfterLoadMb: number;
  heldAfterBuildMb: number;
  peakRssMb: number;
  orderInsert: { p50: number; p99: number };
  customerUpsert: { p50: number; p99: number };
  joinMemory: { hotParts: number; hotBytes: number; coldParts: number; coldBytes: number } | null;
  extremes: { buildMs: number; heldAfterMb: number; memory: { hotParts: number; hotBytes: number; coldParts: number; coldBytes: number } | null; digest: number[] };
  /** The global aggregate and top-N: build times, memory after both, their phase-1 parts, inserts with all four views, digests. */
  unkeyed: { globalMs: number; topMs: number; heldAfterMb: number; coldParts: number; coldMb: number; insert: { p50: number; p99: number }; digest: number[] };
  spills: number;
  loads: number;
  view: [string, number, number][];
}

async function child(n: number, m: number, seed: number, budgetMib: number | null, count: number): Promise<ChildResult> {
  const engine = new Engine(budgetMib === null ? {} : { stateMemory: budgetMib * 1024 * 1024 });
  await engine.sql('CREATE TABLE orders (id INT, customer INT, amount DOUBLE PRECISION)');
  await engine.sql('CREATE TABLE customers (id INT PRIMARY KEY, region TEXT, tier INT)');
  const t0 = performance.now();
  for (let at = 0; at < n; at += BATCH) {
    const to = Math.min(n, at + BATCH);
    const id = new Int32Array(to - at);
    const customer = new Int32Array(to - at);
    const amount = new Float64Array(to - at);
    for (let i = at; i < to; i++) {
      id[i - at] = i;
      customer[i - at] = customerOf(i, m);
      amount[i - at] = amountOf(i);
    }
    await engine.insertArrow('orders', new Table({
      id: makeVector(makeData({ type: new Int32(), length: to - at, data: id })),
      customer: makeVector(makeData({ type: new Int32(), length: to - at, data: customer })),
      amount: makeVector(makeData({ type: new Float64(), length: to - at, data: amount })),
    }));
  }
  for (let at = 0; at < m; at += BATCH) {
    const to = Math.min(m, at + BATCH);
    const id = new Int32Array(to - at);
    const tier = new Int32Array(to - at);
    const region: string[] = [];
    for (let j = at; j < to; j++) {
      id[j - at] = j;
      tier[j - at] = j % 5;
      region.push(regionOf(j));
    }
    await engine.insertArrow('customers', new Table({
      id: makeVector(makeData({ type: new Int32(), length: to - at, data: id })),
      region: vectorFromArray(region, new Utf8()),
      tier: makeVector(makeData({ type: new Int32(), length: to - at, data: tier })),
    }));
  }
  const loadMs = performance.now() - t0;
  const heldAfterLoadMb = await heldMb();

  const t1 = performance.now();
  await engine.sql(`CREATE MATERIALIZED VIEW v AS ${QUERY}`);
  const buildMs = performance.now() - t1;
  const heldAfterBuildMb = await heldMb();

  const { orders, customers } = changes(seed, n, m, count);
  const orderMs: number[] = [];
  for (const [id, c] of orders) {
    const s = performance.now();
    await engine.sql(`INSERT INTO orders VALUES (${id}, ${c}, ${amountOf(id)})`);
    orderMs.push(performance.now() - s);
  }
  const customerMs: number[] = [];
  for (const [id, region] of customers) {
    const s = performance.now();
    await engine.sql(`INSERT INTO customers VALUES (${id}, '${region}', ${id % 5})`);
    customerMs.push(performance.now() - s);
  }
  const join = engine.status().operators.find((o) => o.operator === 'Join')?.memory ?? null;
  const rows = (await engine.sql('SELECT region, n, s FROM v ORDER BY region')).rows.map((r) => [String(r[0]), Number(r[1]), Number(r[2])] as [string, number, number]);

  const t2 = performance.now();
  await engine.sql(`CREATE MATERIALIZED VIEW v2 AS ${EXTREMES}`);
  const extremesBuildMs = performance.now() - t2;
  const heldAfterExtremesMb = await heldMb();
  const status = engine.status();
  const extremesMemory = status.operators.find((o) => o.view === 'v2' && o.operator === 'Aggregate')?.memory ?? null;
  const digest = (await engine.sql(`${EXTREMES_DIGEST} v2`)).rows[0]!.map(Number);

  const t3 = performance.now();
  await engine.sql(`CREATE MATERIALIZED VIEW v3 AS ${GLOBAL}`);
  const globalMs = performance.now() - t3;
  const t4 = performance.now();
  await engine.sql(`CREATE MATERIALIZED VIEW v4 AS ${TOP}`);
  const topMs = performance.now() - t4;
  const heldAfterUnkeyedMb = await heldMb();
  let coldParts = 0;
  let coldBytes = 0;
  for (const o of engine.status().operators) {
    if (o.view !== 'v3' && o.view !== 'v4') continue;
    coldParts += o.memory?.coldParts ?? 0;
    coldBytes += o.memory?.coldBytes ?? 0;
  }
  // New orders with every view in place; the last ones' amounts (249.75 = the maximum) enter the top-10.
  const insertMs: number[] = [];
  for (let i = 0; i < count; i++) {
    const id = n + count + i;
    const s = performance.now();
    await engine.sql(`INSERT INTO orders VALUES (${id}, ${orders[i]![1]}, ${amountOf(id)})`);
    insertMs.push(performance.now() - s);
  }
  const unkeyedDigest = [...(await engine.sql(`${GLOBAL_DIGEST} v3`)).rows[0]!, ...(await engine.sql(`${TOP_DIGEST} v4`)).rows[0]!].map(Number);
  await engine.close();
  return {
    budgetMib,
    loadMs,
    buildMs,
    heldAfterLoadMb,
    heldAfterBuildMb,
    peakRssMb: maxRssMb(),
    orderInsert: { p50: percentile(orderMs, 50), p99: percentile(orderMs, 99) },
    customerUpsert: { p50: percentile(customerMs, 50), p99: percentile(customerMs, 99) },
    joinMemory: join,
    extremes: { buildMs: extremesBuildMs, heldAfterMb: heldAfterExtremesMb, memory: extremesMemory, digest },
    unkeyed: { globalMs, topMs, heldAfterMb: heldAfterUnkeyedMb, coldParts, coldMb: coldBytes / 1e6, insert: { p50: percentile(insertMs, 50), p99: percentile(insertMs, 99) }, digest: unkeyedDigest },
    spills: status.stateMemory?.spills ?? 0,
    loads: status.stateMemory?.loads ?? 0,
    view: rows,
  };
}

async function duckdb(n: number, m: number, seed: number, count: number, reps: number) {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const t0 = performance.now();
  await conn.run(`CREATE TABLE orders AS SELECT i::INTEGER AS id, ((i * 7919) % ${m})::INTEGER AS customer, (i % 1000) / 4.0 AS amount FROM range(${n}) t(i)`);
  await conn.run(`CREATE TABLE customers AS SELECT j::INTEGER AS id, 'r' || (j % ${REGIONS}) AS region, (j % 5)::INTEGER AS tier FROM range(${m}) t(j)`);
  await conn.run('ALTER TABLE customers ADD PRIMARY KEY (id)');
  const loadMs = performance.now() - t0;
  const buildMs: number[] = [];
  for (let r = 0; r < reps; r++) {
    const s = performance.now();
    await conn.run(`CREATE OR REPLACE TABLE res AS ${QUERY}`);
    buildMs.push(performance.now() - s);
  }
  // DuckDB recomputes after each change; a sample of the changes is timed (a recompute takes as long as a build).
  const { orders, customers } = changes(seed, n, m, count);
  const timed = Math.min(count, 20);
  const orderMs: number[] = [];
  for (let i = 0; i < orders.length; i++) {
    const [id, c] = orders[i]!;
    const s = performance.now();
    await conn.run(`INSERT INTO orders VALUES (${id}, ${c}, ${amountOf(id)})`);
    if (i < timed) await conn.run(`CREATE OR REPLACE TABLE res AS ${QUERY}`);
    if (i < timed) orderMs.push(performance.now() - s);
  }
  const customerMs: number[] = [];
  for (let i = 0; i < customers.length; i++) {
    const [id, region] = customers[i]!;
    const s = performance.now();
    await conn.run(`INSERT OR REPLACE INTO customers VALUES (${id}, '${region}', ${id % 5})`);
    if (i < timed) await conn.run(`CREATE OR REPLACE TABLE res AS ${QUERY}`);
    if (i < timed) customerMs.push(performance.now() - s);
  }
  const final = (await conn.runAndReadAll(`SELECT region, n, s FROM (${QUERY}) ORDER BY region`)).getRowsJson().map((r) => [String(r[0]), Number(r[1]), Number(r[2])] as [string, number, number]);
  const extremesMs: number[] = [];
  for (let r = 0; r < reps; r++) {
    const s = performance.now();
    await conn.run(`CREATE OR REPLACE TABLE res2 AS ${EXTREMES}`);
    extremesMs.push(performance.now() - s);
  }
  const digest = (await conn.runAndReadAll(`${EXTREMES_DIGEST} res2`)).getRowsJson()[0]!.map(Number);
  const globalMs: number[] = [];
  const topMs: number[] = [];
  for (let r = 0; r < reps; r++) {
    let s = performance.now();
    await conn.run(`CREATE OR REPLACE TABLE res3 AS ${GLOBAL}`);
    globalMs.push(performance.now() - s);
    s = performance.now();
    await conn.run(`CREATE OR REPLACE TABLE res4 AS ${TOP}`);
    topMs.push(performance.now() - s);
  }
  for (let i = 0; i < count; i++) {
    const id = n + count + i;
    await conn.run(`INSERT INTO orders VALUES (${id}, ${orders[i]![1]}, ${amountOf(id)})`);
  }
  const unkeyedDigest = [
    ...(await conn.runAndReadAll(`${GLOBAL_DIGEST} (${GLOBAL})`)).getRowsJson()[0]!,
    ...(await conn.runAndReadAll(`${TOP_DIGEST} (${TOP})`)).getRowsJson()[0]!,
  ].map(Number);
  conn.closeSync();
  instance.closeSync();
  return { loadMs, buildMs: median(buildMs), orderMs: median(orderMs), customerMs: median(customerMs), final, extremesMs: median(extremesMs), digest, globalMs: median(globalMs), topMs: median(topMs), unkeyedDigest };
}

function sameDigest(a: readonly number[], b: readonly number[]): string | null {
  return a.length === b.length && a.every((x, i) => Math.abs(x - b[i]!) <= 1e-9 * Math.max(1, Math.abs(b[i]!))) ? null : `extremes digest ${a.join(',')} vs ${b.join(',')}`;
}

function sameRows(a: readonly [string, number, number][], b: readonly [string, number, number][]): string | null {
  if (a.length !== b.length) return `${a.length} rows vs ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    const [ra, na, sa] = a[i]!;
    const [rb, nb, sb] = b[i]!;
    if (ra !== rb || na !== nb || Math.abs(sa - sb) > 1e-9 * Math.max(1, Math.abs(sb))) return `row ${i}: ${ra},${na},${sa} vs ${rb},${nb},${sb}`;
  }
  return null;
}

async function main(): Promise<void> {
  const { given, quick } = parseFlags(process.argv.slice(2), ['orders', 'customers', 'seed', 'changes', 'child', 'budget-mib']);
  const n = given.get('orders') ?? (quick ? 1_000_000 : 4_000_000);
  const m = given.get('customers') ?? (quick ? 250_000 : 1_000_000);
  const seed = given.get('seed') ?? 1;
  const count = given.get('changes') ?? 200;
  if (given.has('child')) {
    const result = await child(n, m, seed, given.get('budget-mib') ?? null, count);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const budgets: (number | null)[] = quick ? [null, 16] : [null, 64, 16];
  log(`state-spill: ${fmt(n)} orders x ${fmt(m)} customers, budgets ${budgets.map((b) => (b === null ? 'none' : `${b} MiB`)).join(', ')}; ${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(2)}, DuckDB ${duckdbVersion()}`);
  const results: ChildResult[] = [];
  for (const b of budgets) {
    const args = ['--expose-gc', '--max-old-space-size=16384', fileURLToPath(import.meta.url), '--child', '1', '--orders', String(n), '--customers', String(m), '--seed', String(seed), '--changes', String(count)];
    if (b !== null) args.push('--budget-mib', String(b));
    const out = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
    const r = JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
    log(`  budget ${b === null ? 'none' : `${b} MiB`}: build ${ms(r.buildMs)} ms, held ${r.heldAfterLoadMb.toFixed(0)} -> ${r.heldAfterBuildMb.toFixed(0)} MB (peak RSS ${r.peakRssMb.toFixed(0)}), order p50 ${ms(r.orderInsert.p50)} ms, customer p50 ${ms(r.customerUpsert.p50)} ms`);
    results.push(r);
  }
  const duck = await duckdb(n, m, seed, count, 3);
  const checks = results.map((r) => sameRows(r.view, duck.final) ?? sameDigest(r.extremes.digest, duck.digest) ?? sameDigest(r.unkeyed.digest, duck.unkeyedDigest));
  const lines = [
    `| budget | build ms | DuckDB CTAS ms | build / DuckDB | held after load → after build (MB) | peak RSS MB | join parts hot / cold | join MB hot / cold | order insert p50 / p99 ms | customer upsert p50 / p99 ms | DuckDB recompute after a change ms | equals DuckDB |`,
    `|---|---:|---:|---:|---|---:|---|---:|---|---|---:|---|`,
    ...results.map((r, i) => {
      const mem = r.joinMemory;
      return `| ${r.budgetMib === null ? 'none' : `${r.budgetMib} MiB`} | ${ms(r.buildMs)} | ${ms(duck.buildMs)} | ${(r.buildMs / duck.buildMs).toFixed(1)}x | ${r.heldAfterLoadMb.toFixed(0)} → ${r.heldAfterBuildMb.toFixed(0)} | ${r.peakRssMb.toFixed(0)} | ${mem === null ? '-' : `${mem.hotParts} / ${mem.coldParts}`} | ${mem === null ? '-' : `${(mem.hotBytes / 1e6).toFixed(1)} / ${(mem.coldBytes / 1e6).toFixed(1)}`} | ${ms(r.orderInsert.p50)} / ${ms(r.orderInsert.p99)} | ${ms(r.customerUpsert.p50)} / ${ms(r.customerUpsert.p99)} | ${ms(duck.orderMs)} / ${ms(duck.customerMs)} | ${checks[i] === null ? 'yes' : `NO: ${checks[i]}`} |`;
    }),
  ];
  const extremeLines = [
    `| budget | build ms | DuckDB CTAS ms | build / DuckDB | held after (MB, both views) | aggregate parts hot / cold | aggregate MB hot / cold |`,
    `|---|---:|---:|---:|---:|---|---:|`,
    ...results.map((r) => {
      const mem = r.extremes.memory;
      return `| ${r.budgetMib === null ? 'none' : `${r.budgetMib} MiB`} | ${ms(r.extremes.buildMs)} | ${ms(duck.extremesMs)} | ${(r.extremes.buildMs / duck.extremesMs).toFixed(1)}x | ${r.extremes.heldAfterMb.toFixed(0)} | ${mem === null ? '-' : `${mem.hotParts} / ${mem.coldParts}`} | ${mem === null ? '-' : `${(mem.hotBytes / 1e6).toFixed(1)} / ${(mem.coldBytes / 1e6).toFixed(1)}`} |`;
    }),
  ];
  const unkeyedLines = [
    `| budget | global aggregate build ms (DuckDB CTAS) | top-10 build ms (DuckDB CTAS) | held after (MB, four views) | their parts in files (MB) | new order with four views p50 / p99 ms |`,
    `|---|---|---|---:|---|---|`,
    ...results.map((r) => {
      const u = r.unkeyed;
      return `| ${r.budgetMib === null ? 'none' : `${r.budgetMib} MiB`} | ${ms(u.globalMs)} (${ms(duck.globalMs)}) | ${ms(u.topMs)} (${ms(duck.topMs)}) | ${u.heldAfterMb.toFixed(0)} | ${u.coldParts} (${u.coldMb.toFixed(1)}) | ${ms(u.insert.p50)} / ${ms(u.insert.p99)} |`;
    }),
  ];
  process.stdout.write(`\n${QUERY}\n\n${lines.join('\n')}\n\n${EXTREMES}\n\n${extremeLines.join('\n')}\n\n${GLOBAL}\n${TOP}\n\n${unkeyedLines.join('\n')}\n\n`);
  const file = writeResult('state-spill', { orders: n, customers: m, seed, changes: count, query: QUERY, duckdb: { ...duck, final: undefined }, results: results.map((r) => ({ ...r, view: undefined })), equal: checks });
  log(`wrote ${file}`);
  if (checks.some((c) => c !== null)) process.exitCode = 1;
}

await main();
