// The benchmark runner: `npm run bench` (full) and `npm run bench -- --quick`.
// Runs each benchmark of the suite in a child process of its own (so its
// peak memory is its own), each writing bench/results/<date>-<name>.json,
// then writes bench/REPORT.md, a summary of those results with the DuckDB
// ratios, and the charts beside it (bench/nexmark-throughput.svg,
// bench/update-latency.svg).
//
// The quick suite: Nexmark (200,000 events, batches of 10,000) and the
// GROUP BY benchmark at 200,000 rows (hydration; update latency of batches of
// 1, 100 and 10,000 rows). The full suite: Nexmark (10M events, batches of
// 1,000, 10,000 and 100,000), GROUP BY at 10M rows (batches of 1 to 100,000
// rows, and the size from which a recompute wins), the SQL views, state beyond memory and
// durability benchmarks; the ones REPORT.md does not summarize yet are listed
// with their result files.
//   node dist/bench/run.js [--quick]

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { version as duckdbVersion } from '@duckdb/node-api';
import { parseFlags, resultsDir } from './bench-common.js';
import { barChart, groupedBarChart } from './svg-chart.js';

interface Suite {
  readonly name: string;
  readonly args: readonly string[];
}

const QUICK: readonly Suite[] = [
  { name: 'nexmark', args: ['--quick'] },
  { name: 'group-by', args: ['--rows', '200000', '--groups', '20000', '--reps', '3', '--sizes', '1,100,10000'] },
];
const FULL: readonly Suite[] = [
  { name: 'nexmark', args: [] },
  { name: 'group-by', args: ['--sizes', '1,10,100,1000,10000,100000'] },
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
}

interface NexmarkHydration {
  query: string;
  freshetMs: number;
  duckdbMs: number;
  ratio: number;
}

function nexmarkSection(r: { events: number; runs: NexmarkRun[]; hydrations?: NexmarkHydration[] }): string[] {
  const batches = [...new Set(r.runs.map((x) => x.batch))];
  const queries = [...new Set(r.runs.map((x) => x.query))];
  const lines = [
    `${int(r.events)} generated events per run; Freshet's events/s is events over the time until its view reflected every batch; the ratio is that time over DuckDB computing the query once over all the events (CREATE TABLE AS, median of 3). "equal" compares a digest of the final view with DuckDB's result.`,
    '',
    `| query | kind | ${batches.map((b) => `events/s, batches of ${int(b)} | Freshet / DuckDB`).join(' | ')} | DuckDB one-shot ms | equal |`,
    `|---|---|${batches.map(() => '---:|---:').join('|')}|---:|---|`,
  ];
  for (const q of queries) {
    const runs = batches.map((b) => r.runs.find((x) => x.query === q && x.batch === b)!);
    const first = runs[0]!;
    lines.push(`| ${q} | ${first.kind} | ${runs.map((x) => `${int(x.eventsPerSecond)} | ${fixed(x.ratio)}x`).join(' | ')} | ${fixed(first.duckdbMs)} | ${runs.every((x) => x.equal === null) ? 'yes' : 'NO'} |`);
  }
  if (r.hydrations !== undefined && r.hydrations.length > 0) {
    lines.push(
      '',
      `Hydration: each view created over all ${int(r.events)} events already in the tables (CREATE MATERIALIZED VIEW), against DuckDB's CREATE TABLE AS of the query.`,
      '',
      '| query | Freshet ms | DuckDB ms | Freshet / DuckDB |',
      '|---|---:|---:|---:|',
      ...r.hydrations.map((h) => `| ${h.query} | ${fixed(h.freshetMs)} | ${fixed(h.duckdbMs)} | ${fixed(h.ratio)}x |`),
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
      const r = o.result as { events: number; runs: NexmarkRun[]; hydrations?: NexmarkHydration[] };
      lines.push(...nexmarkSection(r), '', '![Nexmark throughput per query](nexmark-throughput.svg)', '');
      const largest = Math.max(...r.runs.map((x) => x.batch));
      const svg = barChart(
        `Nexmark, ${int(r.events)} events in batches of ${int(largest)}: Freshet events/s per query`,
        r.runs.filter((x) => x.batch === largest).map((x) => ({ label: x.query, value: x.eventsPerSecond })),
      );
      writeFileSync(join(benchDir, 'nexmark-throughput.svg'), svg);
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
    } else {
      lines.push(`Not summarized here yet: see \`${resultFile(o.suite.name).replace(/.*\/bench\//, 'bench/')}\` and bench/README.md.`, '');
    }
  }
  writeFileSync(join(benchDir, 'REPORT.md'), `${lines.join('\n')}\n`);
  log(`wrote ${join(benchDir, 'REPORT.md')}`);
  if (outcomes.some((o) => o.error !== null)) process.exitCode = 1;
}

main();
