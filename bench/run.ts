// The benchmark runner: `npm run bench` (full) and `npm run bench -- --quick`.
// Runs each benchmark of the suite in a child process of its own (so its
// peak memory is its own), each writing bench/results/<date>-<name>.json,
// then writes bench/REPORT.md: the issue's targets with this run's figures,
// a summary of each result with the DuckDB ratios, and bench/SPEEDUPS.md (the
// hand-kept record of speed fixes); and the charts beside it
// (bench/nexmark-throughput.svg, bench/state-over-time.svg,
// bench/update-latency.svg).
//
// The quick suite: Nexmark (200,000 events, batches of 10,000), the GROUP BY
// benchmark at 200,000 rows (hydration; update latency of batches of 1, 100,
// 1,000 and 10,000 rows) and freshness over HTTP (100,000 rows of history).
// The full suite: Nexmark (10M events, batches of 1,000, 10,000 and 100,000),
// GROUP BY at 10M rows (batches of 1 to 100,000 rows, and the size from which
// a recompute wins), freshness (1M rows of history), the SQL views, state
// beyond memory and durability benchmarks; the ones REPORT.md does not
// summarize are listed with their result files.
//   node dist/bench/run.js [--quick]

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { version as duckdbVersion } from '@duckdb/node-api';
import { parseFlags, resultsDir } from './bench-common.js';
import { barChart, groupedBarChart, lineChart } from './svg-chart.js';

interface Suite {
  readonly name: string;
  readonly args: readonly string[];
}

const QUICK: readonly Suite[] = [
  { name: 'nexmark', args: ['--quick'] },
  { name: 'group-by', args: ['--rows', '200000', '--groups', '20000', '--reps', '3', '--sizes', '1,100,1000,10000'] },
  { name: 'freshness', args: ['--quick'] },
];
const FULL: readonly Suite[] = [
  { name: 'nexmark', args: [] },
  { name: 'group-by', args: ['--sizes', '1,10,100,1000,10000,100000'] },
  { name: 'freshness', args: [] },
  { name: 'sql-views', args: [] },
  { name: 'state-spill', args: [] },
  { name: 'durability', args: [] },
];

const here = dirname(fileURLToPath(import.meta.url));
/** bench/ in the source tree (this file runs from dist/bench). */
const benchDir = join(here, '..', '..', 'bench');
const log = (s: string): void => void process.stderr.write(`${s}\n`);

function resultFile(name: string): string {
  return join(resultsDir(), `${new Date().toISOString().slice(0, 10)}-${name}.json`);
}

/** Runs one benchmark; returns its result (or the reason it has none). */
function runSuite(s: Suite): { readonly result: unknown; readonly seconds: number; readonly error: string | null } {
  const t0 = performance.now();
  try {
    execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=16384', join(here, `${s.name}.js`), ...s.args], { stdio: ['ignore', 'inherit', 'inherit'] });
  } catch (err) {
    // A benchmark exits 1 when a result differs from DuckDB's: its results are still reported.
    const file = resultFile(s.name);
    const seconds = (performance.now() - t0) / 1000;
    const why = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    return existsSync(file) ? { result: JSON.parse(readFileSync(file, 'utf8')), seconds, error: why } : { result: null, seconds, error: why };
  }
  return { result: JSON.parse(readFileSync(resultFile(s.name), 'utf8')), seconds: (performance.now() - t0) / 1000, error: null };
}

const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const fixed = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

interface NexmarkRun {
  query: string;
  kind: string;
  batch: number;
  feedMs: number;
  eventsPerSecond: number;
  duckdbMs: number;
  ratio: number;
  rows: number;
  equal: string | null;
  state?: { events: number; stateEntries: number; tableBytes: number }[];
}

interface NexmarkHydration {
  query: string;
  freshetMs: number;
  duckdbMs: number;
  ratio: number;
  freshetPeakMb?: number;
  freshetHeldMb?: number;
  duckdbPeakMb?: number;
}

interface NexmarkResult {
  events: number;
  /** DuckDB's appender load of all the events, ms. */
  duckdbLoadMs?: number;
  runs: NexmarkRun[];
  hydrations?: NexmarkHydration[];
}

/** Feldera's published Nexmark throughput per core, events/s (its comparison with Flink): the band the issue sets as the floor. */
const FELDERA_PER_CORE = { low: 50_000, high: 436_000 };

function nexmarkSection(r: NexmarkResult): string[] {
  const batches = [...new Set(r.runs.map((x) => x.batch))];
  const queries = [...new Set(r.runs.map((x) => x.query))];
  const load = r.duckdbLoadMs;
  const lines = [
    `${int(r.events)} generated events per run; Freshet's events/s is events over the time until its view reflected every batch; the ratio is that time over DuckDB computing the query once over all the events (CREATE TABLE AS, median of 3). "equal" compares a digest of the final view with DuckDB's result.${load === undefined ? '' : ` Freshet's time includes storing every event in its table; DuckDB's does not: its load of the events took ${int(load)} ms, and the last column compares Freshet with DuckDB's load plus its query.`}`,
    '',
    `| query | kind | ${batches.map((b) => `events/s, batches of ${int(b)} | Freshet / DuckDB`).join(' | ')} | DuckDB one-shot ms | equal |${load === undefined ? '' : ' Freshet / (DuckDB load + query) |'}`,
    `|---|---|${batches.map(() => '---:|---:').join('|')}|---:|---|${load === undefined ? '' : '---:|'}`,
  ];
  for (const q of queries) {
    const runs = batches.map((b) => r.runs.find((x) => x.query === q && x.batch === b)!);
    const first = runs[0]!;
    const loaded = load === undefined ? '' : ` ${runs.map((x) => `${fixed(x.feedMs / (load + x.duckdbMs))}x`).join(' / ')} |`;
    lines.push(`| ${q} | ${first.kind} | ${runs.map((x) => `${int(x.eventsPerSecond)} | ${fixed(x.ratio)}x`).join(' | ')} | ${fixed(first.duckdbMs)} | ${runs.every((x) => x.equal === null) ? 'yes' : 'NO'} |${loaded}`);
  }
  // Freshet runs each view on one core, so its events/s is its per-core figure.
  const largest = Math.max(...batches);
  const atLargest = r.runs.filter((x) => x.batch === largest);
  const below = atLargest.filter((x) => x.eventsPerSecond < FELDERA_PER_CORE.low).map((x) => x.query);
  const above = atLargest.filter((x) => x.eventsPerSecond > FELDERA_PER_CORE.high).map((x) => x.query);
  lines.push(
    '',
    `Per core: Freshet maintains each view on one core, so events/s is per core. Feldera's published Nexmark figures are about ${int(FELDERA_PER_CORE.low)}–${int(FELDERA_PER_CORE.high)} events/s per core. In batches of ${int(largest)}, ${below.length === 0 ? 'no query is below the bottom of that band' : `${below.join(', ')} ${below.length === 1 ? 'is' : 'are'} below its bottom`}; ${above.length === 0 ? 'none is above its top' : `${above.join(', ')} ${above.length === 1 ? 'is' : 'are'} above its top`}.`,
  );
  if (r.hydrations !== undefined && r.hydrations.length > 0) {
    const memory = r.hydrations.every((h) => h.freshetPeakMb !== undefined);
    lines.push(
      '',
      `Hydration: each view created over all ${int(r.events)} events already in the tables (CREATE MATERIALIZED VIEW), against DuckDB's CREATE TABLE AS of the query, each query in a process of its own.${memory ? ' Memory: Freshet\'s peak RSS growth during the build (a lower bound, as V8 reuses heap freed by loading) and what the view holds afterwards (heap and array buffers after a GC; 0 where the heap came out smaller than before, which happens when the build lets go of buffers loading left behind); DuckDB\'s peak by its own account (duckdb_memory(), sampled during the build).' : ''}`,
      '',
      `| query | Freshet ms | DuckDB ms | Freshet / DuckDB |${memory ? ' Freshet peak MB | Freshet holds MB | DuckDB peak MB |' : ''}`,
      `|---|---:|---:|---:|${memory ? '---:|---:|---:|' : ''}`,
      ...r.hydrations.map((h) => `| ${h.query} | ${fixed(h.freshetMs)} | ${fixed(h.duckdbMs)} | ${fixed(h.ratio)}x |${memory ? ` ${int(h.freshetPeakMb!)} | ${int(Math.max(0, h.freshetHeldMb!))} | ${int(h.duckdbPeakMb!)} |` : ''}`),
    );
  }
  return lines;
}

interface Latency {
  p50: number;
  p99: number;
}

interface GroupByResult {
  options: { rows: number; groups: number };
  query: string;
  hydrationMs: { freshet: { median: number }; duckdb: { median: number }; ratio: number };
  batches: { size: number; count: number; freshet: Latency; duckdb: { total: Latency }; ratioP50: number; ratioP99: number }[];
  crossover: number | null;
  viewAgreesWithDuckDB: boolean;
}

function groupBySection(r: GroupByResult): string[] {
  const largest = r.batches[r.batches.length - 1]?.size ?? 0;
  return [
    `\`${r.query}\` over ${int(r.options.rows)} rows in ${int(r.options.groups)} groups; batches of 10% deletes, 45% inserts and 45% updates (upserts), timed until the view reflects each, against DuckDB applying the same DML and recomputing. Ratios are DuckDB's time over Freshet's (above 1: Freshet is faster). The view agrees with DuckDB's recomputation: ${r.viewAgreesWithDuckDB ? 'yes' : 'NO'}.`,
    '',
    '| | batches | Freshet ms (p50 / p99) | DuckDB ms (p50 / p99) | DuckDB / Freshet (p50 / p99) |',
    '|---|---:|---|---|---|',
    `| hydration (CREATE MATERIALIZED VIEW vs CREATE TABLE AS, median) | | ${fixed(r.hydrationMs.freshet.median)} | ${fixed(r.hydrationMs.duckdb.median)} | ${fixed(r.hydrationMs.ratio)}x |`,
    ...r.batches.map((b) => `| ${int(b.size)}-row batch | ${b.count} | ${fixed(b.freshet.p50)} / ${fixed(b.freshet.p99)} | ${fixed(b.duckdb.total.p50)} / ${fixed(b.duckdb.total.p99)} | ${fixed(b.ratioP50)}x / ${fixed(b.ratioP99)}x |`),
    '',
    r.crossover === null
      ? `The recompute does not win at any batch size measured (up to ${int(largest)} rows).`
      : `The recompute wins (p50) from ${int(r.crossover)}-row batches.`,
  ];
}

interface FreshnessStep {
  rowsPerRequest: number;
  offered: number;
  achieved: number;
  failed: number;
  ackMs: Latency;
  visibleMs: Latency;
  sustained: boolean;
}

interface FreshnessResult {
  options: { history: number; seconds: number; fsync: string };
  groupView: string;
  finalRows: number;
  steps: FreshnessStep[];
  series: { rowsPerRequest: number; highestSustainedRowsPerSecond: number; ratioP50: number }[];
  duckdb: { insertPlusQueryMs: number; queryMs: number };
}

function freshnessSection(r: FreshnessResult): string[] {
  const lines = [
    `\`freshet serve --fsync ${r.options.fsync}\` in a child process holds a table with ${int(r.options.history)} rows of history and two views over it: \`${r.groupView}\` and a one-row totals view. This process inserts rows through POST /v1/sql at rising offered rates (open loop, ${r.options.seconds} s per step) while a poller reads the totals view back to back. "Visible" is from sending a request to the first poll that counts its rows (an upper bound: it includes the poll's round trip, and a read waits until what it sees is durable). A rate is sustained when at least 95% of it is achieved with a visible p99 under 1 s.`,
    '',
    '| rows per request | offered rows/s | achieved rows/s | ack ms (p50 / p99) | visible ms (p50 / p99) | sustained |',
    '|---:|---:|---:|---|---|---|',
    ...r.steps.map((s) => `| ${s.rowsPerRequest} | ${int(s.offered)} | ${int(s.achieved)} | ${fixed(s.ackMs.p50)} / ${fixed(s.ackMs.p99)} | ${fixed(s.visibleMs.p50)} / ${Number.isFinite(s.visibleMs.p99) ? fixed(s.visibleMs.p99) : 'never'} | ${s.sustained ? 'yes' : `no${s.failed > 0 ? ` (${s.failed} failed)` : ''}`} |`),
    '',
  ];
  for (const s of r.series) lines.push(`- ${s.rowsPerRequest} row${s.rowsPerRequest === 1 ? '' : 's'} per request: highest sustained rate ${int(s.highestSustainedRowsPerSecond)} rows/s; at the lowest rate, DuckDB's INSERT plus recompute / Freshet's visible p50 = ${fixed(s.ratioP50)}x.`);
  lines.push(`- DuckDB, in process on a database file with the final ${int(r.finalRows)} rows: one INSERT plus a recompute of the GROUP BY takes ${fixed(r.duckdb.insertPlusQueryMs)} ms (the query alone ${fixed(r.duckdb.queryMs)} ms), without HTTP; a dashboard that recomputes pays it on every read, and it grows with the history.`);
  return lines;
}

/** The issue's targets, each with the figure measured in this run and whether it holds. */
function targetsSection(nexmark: NexmarkResult | null, groupBy: GroupByResult | null): string[] {
  const rows: string[] = [];
  const verdict = (ok: boolean): string => (ok ? 'met' : '**missed**');
  if (groupBy !== null) {
    const one = groupBy.batches.find((b) => b.size === 1);
    const thousand = groupBy.batches.find((b) => b.size === 1000);
    if (one !== undefined) rows.push(`| 1-row update p99 under 1 ms (${int(groupBy.options.rows)}-row history; the target says 10M) | ${fixed(one.freshet.p99)} ms | ${verdict(one.freshet.p99 < 1)} |`);
    if (thousand !== undefined) rows.push(`| 1,000-row batches at least 1,000x faster than DuckDB's recompute | ${fixed(thousand.ratioP50)}x at p50, ${fixed(thousand.ratioP99)}x at p99 | ${verdict(thousand.ratioP50 >= 1000)} |`);
    rows.push(`| GROUP BY hydration within 2x of DuckDB | ${fixed(1 / groupBy.hydrationMs.ratio)}x DuckDB's time | ${verdict(1 / groupBy.hydrationMs.ratio <= 2)} |`);
  }
  if (nexmark !== null) {
    const batch = nexmark.runs.some((x) => x.batch === 10_000) ? 10_000 : Math.max(...nexmark.runs.map((x) => x.batch));
    const at = nexmark.runs.filter((x) => x.batch === batch);
    const span = (xs: readonly NexmarkRun[]): string => `${fixed(Math.min(...xs.map((x) => x.ratio)))}x–${fixed(Math.max(...xs.map((x) => x.ratio)))}x`;
    const stateless = at.filter((x) => ['q0', 'q1', 'q2'].includes(x.query));
    const others = at.filter((x) => x.kind !== 'stateless');
    rows.push(`| Nexmark q0–q2 within 2x of DuckDB's one-shot time (batches of ${int(batch)}) | ${span(stateless)} | ${verdict(stateless.every((x) => x.ratio <= 2))} |`);
    rows.push(`| Nexmark aggregates and joins within 5x | ${span(others)}; within 5x: ${others.filter((x) => x.ratio <= 5).map((x) => x.query).join(', ') || 'none'} | ${verdict(others.every((x) => x.ratio <= 5))} |`);
    const slowest = Math.min(...at.map((x) => x.eventsPerSecond));
    rows.push(`| Nexmark above Feldera's per-core throughput (${int(FELDERA_PER_CORE.low)}–${int(FELDERA_PER_CORE.high)} events/s) on every query | slowest ${int(slowest)} events/s; ${at.filter((x) => x.eventsPerSecond > FELDERA_PER_CORE.high).length} of ${at.length} above the band's top | ${slowest > FELDERA_PER_CORE.high ? 'met' : slowest > FELDERA_PER_CORE.low ? 'met against the band\'s bottom only' : '**missed**'} |`);
    const h = nexmark.hydrations ?? [];
    if (h.length > 0) rows.push(`| Nexmark hydration within 2x of DuckDB | ${fixed(Math.min(...h.map((x) => x.ratio)))}x–${fixed(Math.max(...h.map((x) => x.ratio)))}x; within 2x: ${h.filter((x) => x.ratio <= 2).map((x) => x.query).join(', ') || 'none'} | ${verdict(h.every((x) => x.ratio <= 2))} |`);
  }
  if (rows.length === 0) return [];
  return ['## Targets (issue 6)', '', '| target | this run | |', '|---|---|---|', ...rows, ''];
}

function main(): void {
  const { quick } = parseFlags(process.argv.slice(2), []);
  const suites = quick ? QUICK : FULL;
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  log(`bench: ${quick ? 'quick' : 'full'} suite (${suites.map((s) => s.name).join(', ')}); ${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(2)}`);
  const outcomes = suites.map((s) => ({ suite: s, ...runSuite(s) }));
  const lines = [
    '# Benchmark report',
    '',
    `Written by \`npm run bench${quick ? ' -- --quick' : ''}\` (bench/run.ts) on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${availableParallelism()} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, DuckDB ${duckdbVersion()}. One run of each benchmark; DuckDB runs in the same process on the same data. The raw results are in bench/results/ (not committed).`,
    '',
  ];
  for (const o of outcomes) {
    lines.push(`## ${o.suite.name}`, '', `\`node dist/bench/${o.suite.name}.js ${o.suite.args.join(' ')}\`, ${o.seconds.toFixed(0)} s${o.error === null ? '' : `; exited with an error: ${o.error}`}.`, '');
    if (o.result === null) continue;
    if (o.suite.name === 'nexmark') {
      const r = o.result as NexmarkResult;
      lines.push(...nexmarkSection(r), '', '![Nexmark throughput per query](nexmark-throughput.svg)', '');
      const largest = Math.max(...r.runs.map((x) => x.batch));
      const svg = barChart(
        `Nexmark, ${int(r.events)} events in batches of ${int(largest)}: Freshet events/s per query`,
        r.runs.filter((x) => x.batch === largest).map((x) => ({ label: x.query, value: x.eventsPerSecond })),
      );
      writeFileSync(join(benchDir, 'nexmark-throughput.svg'), svg);
      const stateful = r.runs.filter((x) => x.batch === largest && x.kind !== 'stateless' && (x.state?.length ?? 0) > 0);
      if (stateful.length > 0) {
        lines.push(
          `State over time: the entries (rows, groups or values) each stateful view's operators hold as the events arrive, batches of ${int(largest)}. The tables hold ${int((stateful[0]!.state![stateful[0]!.state!.length - 1]!.tableBytes) / 2 ** 20)} MB of events in memory at the end, the same for every query.`,
          '',
          '![State size over time](state-over-time.svg)',
          '',
        );
        writeFileSync(join(benchDir, 'state-over-time.svg'), lineChart(
          `Nexmark: state entries held by each stateful view as events arrive (log scale)`,
          'events fed',
          'state entries',
          stateful.map((x) => ({ label: x.query, points: x.state!.map((p) => [p.events, p.stateEntries] as const) })),
          true,
        ));
      }
    } else if (o.suite.name === 'group-by') {
      const r = o.result as GroupByResult;
      lines.push(...groupBySection(r), '', '![Update latency against batch size](update-latency.svg)', '');
      const svg = groupedBarChart(
        `Update latency (p50) by batch size, ${int(r.options.rows)}-row GROUP BY view (log scale)`,
        ['Freshet: until the view reflects the batch', 'DuckDB: DML + recompute'],
        r.batches.map((b) => ({ label: `${int(b.size)} ${b.size === 1 ? 'row' : 'rows'}`, values: [b.freshet.p50, b.duckdb.total.p50] })),
        'ms',
      );
      writeFileSync(join(benchDir, 'update-latency.svg'), svg);
    } else if (o.suite.name === 'freshness') {
      lines.push(...freshnessSection(o.result as FreshnessResult), '');
    } else {
      lines.push(`Not summarized here yet: see \`${resultFile(o.suite.name).replace(/.*\/bench\//, 'bench/')}\` and bench/README.md.`, '');
    }
  }
  const resultOf = (name: string): unknown => outcomes.find((o) => o.suite.name === name)?.result ?? null;
  lines.splice(4, 0, ...targetsSection(resultOf('nexmark') as NexmarkResult | null, resultOf('group-by') as GroupByResult | null));
  const speedups = join(benchDir, 'SPEEDUPS.md');
  if (existsSync(speedups)) lines.push(readFileSync(speedups, 'utf8').trimEnd(), '');
  writeFileSync(join(benchDir, 'REPORT.md'), `${lines.join('\n')}\n`);
  log(`wrote ${join(benchDir, 'REPORT.md')}`);
  if (outcomes.some((o) => o.error !== null)) process.exitCode = 1;
}

main();
