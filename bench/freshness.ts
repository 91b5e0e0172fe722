// Benchmark: freshness over HTTP. A real `freshet serve` (bin/freshet.js, a
// child process on 127.0.0.1) holds a table of events, a dashboard's GROUP BY
// view over it and a one-row totals view. This process is the load generator:
// it inserts rows through POST /v1/sql at rising offered rates, open loop (a
// request leaves when it is due, whether or not earlier ones have been
// answered, so a slow server cannot slow the clock that measures it), while a
// poller reads the totals view back to back on a connection of its own.
//
// Per step it reports:
//   - the rate achieved (rows acknowledged per second of the step);
//   - ack latency: request sent to response received;
//   - visible latency: request sent to the first poll whose answer counts the
//     request's rows. The n-th request sent is matched to the poll that first
//     counts n requests' rows, so when requests commit out of order the
//     distribution is that of the ranks (its mean is exact). A poll's answer
//     is taken at its response, so the figure includes up to one poll round
//     trip: an upper bound.
// A step is sustained when it achieves at least 95% of its offered rate with
// no failed request and a visible p99 under 1 s; the steps stop after the
// first that is not (saturation). The highest sustained rate is the summary.
//
// DuckDB's equivalent, in this process on the same rows: a dashboard without
// incremental views must recompute its query per read. Its best freshness is
// one INSERT (committed to a database file) plus one recompute of the GROUP BY
// over the same history (median of 20, without any HTTP); the ratio is that
// over Freshet's visible p50 at the lowest rate (above 1: Freshet is fresher).
// Freshet's figure includes HTTP both ways and, under --fsync batch, the
// group commit: a read waits until what it would see is durable.
//   node dist/bench/freshness.js [--quick] [--history N] [--seconds S] [--fsync always|batch]
// Two series: one row per request (rates from 500/s), and 100 rows per
// request (from 20,000 rows/s), each doubling until saturation. Quick: 100,000
// rows of history, 3-second steps; full: 1,000,000 rows, 10-second steps.

import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, version as duckdbVersion } from '@duckdb/node-api';
import { maxRssMb, median, ms, percentile, writeResult } from './bench-common.js';

const log = (s: string): void => void process.stderr.write(`${s}\n`);
const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'freshet.js');
const LISTENING = /^freshet listening on http:\/\/127\.0\.0\.1:(\d+) /m;
const GROUPS = 1000;

const GROUP_VIEW = 'SELECT k, count(*) AS n, sum(v) AS total, max(seq) AS last_seq FROM events GROUP BY k';
const TOTALS_VIEW = 'SELECT count(*) AS n, max(seq) AS last_seq FROM events';

interface Options {
  readonly quick: boolean;
  readonly history: number;
  readonly seconds: number;
  readonly fsync: 'always' | 'batch';
}

function parseArgs(argv: readonly string[]): Options {
  let quick = false;
  let history: number | undefined;
  let seconds: number | undefined;
  let fsync: 'always' | 'batch' = 'batch';
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1] ?? '';
    if (flag === '--quick') {
      quick = true;
    } else if (flag === '--history' || flag === '--seconds') {
      const n = Number(value);
      if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} expects a positive integer, got '${value}'`);
      if (flag === '--history') history = n;
      else seconds = n;
      i++;
    } else if (flag === '--fsync') {
      if (value !== 'always' && value !== 'batch') throw new Error(`--fsync expects 'always' or 'batch', got '${value}'`);
      fsync = value;
      i++;
    } else {
      throw new Error(`unknown flag '${flag}'; expected --quick, --history N, --seconds S or --fsync always|batch`);
    }
  }
  return { quick, history: history ?? (quick ? 100_000 : 1_000_000), seconds: seconds ?? (quick ? 3 : 10), fsync };
}

/** Row `seq` of the generated stream (seq from 1): its group and value, the same for both engines. */
const groupOf = (seq: number): number => (seq * 2_654_435_761) % GROUPS;
const valueOf = (seq: number): number => (seq % 997) * 0.5;

/** `INSERT INTO events VALUES ...` for rows first..first+count-1, with the values inline. */
function insertSql(first: number, count: number): string {
  const rows: string[] = [];
  for (let seq = first; seq < first + count; seq++) rows.push(`(${seq}, ${groupOf(seq)}, ${valueOf(seq)})`);
  return `INSERT INTO events VALUES ${rows.join(', ')}`;
}

class Server {
  private constructor(private readonly child: ChildProcessWithoutNullStreams, readonly port: number, private readonly dir: string) {}

  /** Starts `freshet serve` on a free port over a fresh data directory. */
  static async start(fsync: string): Promise<Server> {
    const dir = mkdtempSync(join(tmpdir(), 'freshet-freshness-'));
    const child = spawn(process.execPath, ['--max-old-space-size=8192', BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--data', join(dir, 'data'), '--fsync', fsync]);
    let out = '';
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => { err += c; });
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (c: string) => {
        out += c;
        const m = LISTENING.exec(out);
        if (m !== null) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`freshet serve exited (${code}) before listening: ${err}`)));
    });
    return new Server(child, port, dir);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      this.child.kill('SIGTERM');
      await new Promise((resolve) => this.child.once('exit', resolve));
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A keep-alive client of POST /v1/sql; `post` resolves to the HTTP status and body text. */
class SqlClient {
  private readonly agent: Agent;
  constructor(private readonly port: number, sockets: number) {
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets });
  }

  post(query: string): Promise<{ readonly status: number; readonly body: string }> {
    const body = JSON.stringify({ query });
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: this.port, path: '/v1/sql', method: 'POST', agent: this.agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => { text += c; }).on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Runs `query` and fails on any reply but 200. */
  async ok(query: string): Promise<string> {
    const r = await this.post(query);
    if (r.status !== 200) throw new Error(`${query.slice(0, 80)}: HTTP ${r.status} ${r.body}`);
    return r.body;
  }

  close(): void {
    this.agent.destroy();
  }
}

interface Step {
  readonly rowsPerRequest: number;
  /** Offered rows per second. */
  readonly offered: number;
  /** Rows acknowledged per second, over the step's sending time (or until the last reply, if later). */
  readonly achieved: number;
  readonly requests: number;
  readonly failed: number;
  readonly ackMs: { readonly p50: number; readonly p99: number };
  readonly visibleMs: { readonly p50: number; readonly p99: number; readonly mean: number };
  readonly polls: number;
  readonly sustained: boolean;
}

const sleep = (msec: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, msec));

/** The totals view's row count, as the server answers it now. */
async function visibleCount(poller: SqlClient): Promise<number> {
  const body = JSON.parse(await poller.ok('SELECT n FROM totals')) as { rows: [[number | string]] };
  return Number(body.rows[0][0]);
}

/** One step: `rate` rows/s offered for `seconds`, in requests of `perRequest` rows from row `firstSeq` on. */
async function runStep(writer: SqlClient, poller: SqlClient, firstSeq: number, baseCount: number, perRequest: number, rate: number, seconds: number): Promise<Step> {
  const requestsPerSecond = rate / perRequest;
  const total = Math.max(1, Math.round(requestsPerSecond * seconds));
  const sentAt = new Float64Array(total);
  const ackAt = new Float64Array(total).fill(Number.NaN);
  const visibleAt = new Float64Array(total).fill(Number.NaN);
  let failed = 0;
  let acked = 0;
  let sent = 0;
  let matched = 0;
  let polls = 0;
  /** When every reply is in; from then the poller stops once it has seen every acknowledged request (or after 10 s). */
  let repliedAt = Number.POSITIVE_INFINITY;
  const bodies = Array.from({ length: total }, (_, j) => insertSql(firstSeq + j * perRequest, perRequest));
  const pollLoop = (async () => {
    for (;;) {
      const count = await visibleCount(poller);
      const at = performance.now();
      polls++;
      while (matched < total && baseCount + (matched + 1) * perRequest <= count) visibleAt[matched++] = at;
      if (at > repliedAt && (matched >= acked || at > repliedAt + 10_000)) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  const pending: Promise<void>[] = [];
  const start = performance.now();
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * requestsPerSecond) + 1);
    while (sent < due) {
      const j = sent++;
      sentAt[j] = performance.now();
      pending.push(writer.post(bodies[j]!).then((r) => {
        if (r.status === 200) { ackAt[j] = performance.now(); acked++; } else failed++;
      }, () => { failed++; }));
    }
    await sleep(1);
  }
  await Promise.all(pending);
  repliedAt = performance.now();
  await pollLoop;
  const lastAck = Math.max(...ackAt.filter((x) => !Number.isNaN(x)), start + seconds * 1000);
  const acks = [...ackAt].map((t, j) => t - sentAt[j]!).filter((x) => !Number.isNaN(x));
  const visible = [...visibleAt].map((t, j) => t - sentAt[j]!).filter((x) => !Number.isNaN(x));
  const achieved = (acked * perRequest) / ((lastAck - start) / 1000);
  const visibleP99 = visible.length === total ? percentile(visible, 99) : Number.POSITIVE_INFINITY;
  return {
    rowsPerRequest: perRequest,
    offered: rate,
    achieved,
    requests: total,
    failed,
    ackMs: { p50: percentile(acks, 50), p99: percentile(acks, 99) },
    visibleMs: { p50: percentile(visible, 50), p99: visibleP99, mean: visible.reduce((a, b) => a + b, 0) / Math.max(1, visible.length) },
    polls,
    sustained: failed === 0 && achieved >= 0.95 * rate && visibleP99 < 1000,
  };
}

/**
 * DuckDB's freshness floor: one INSERT plus a recompute of the GROUP BY over
 * `rows` rows, in process (median of 20). Its database is a file, so each
 * INSERT commits to DuckDB's write-ahead log, as Freshet's does to its own.
 */
async function duckdbRecompute(rows: number): Promise<{ readonly insertPlusQueryMs: number; readonly queryMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'freshet-freshness-duckdb-'));
  const instance = await DuckDBInstance.create(join(dir, 'events.duckdb'));
  const conn = await instance.connect();
  await conn.run('CREATE TABLE events (seq BIGINT, k INTEGER, v DOUBLE)');
  await conn.run(`INSERT INTO events SELECT g, (g * 2654435761) % ${GROUPS}, (g % 997) * 0.5 FROM range(1, ${rows + 1}) AS t(g)`);
  const both: number[] = [];
  const query: number[] = [];
  for (let i = 0; i < 22; i++) {
    const seq = rows + 1 + i;
    const t0 = performance.now();
    await conn.run(insertSql(seq, 1));
    const t1 = performance.now();
    await conn.runAndReadAll(GROUP_VIEW);
    const t2 = performance.now();
    if (i >= 2) { both.push(t2 - t0); query.push(t2 - t1); }
  }
  conn.closeSync();
  instance.closeSync();
  rmSync(dir, { recursive: true, force: true });
  return { insertPlusQueryMs: median(both), queryMs: median(query) };
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  log(`freshness: ${opts.history.toLocaleString('en-US')} rows of history, ${opts.seconds}-second steps, --fsync ${opts.fsync}; ${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(2)}, DuckDB ${duckdbVersion()}`);
  const server = await Server.start(opts.fsync);
  const writer = new SqlClient(server.port, 64);
  const poller = new SqlClient(server.port, 1);
  const steps: Step[] = [];
  let seq = 1;
  try {
    await writer.ok('CREATE TABLE events (seq bigint, k int, v double precision)');
    for (; seq <= opts.history; seq += 5000) await writer.ok(insertSql(seq, Math.min(5000, opts.history - seq + 1)));
    seq = opts.history + 1;
    await writer.ok(`CREATE MATERIALIZED VIEW dashboard AS ${GROUP_VIEW}`);
    await writer.ok(`CREATE MATERIALIZED VIEW totals AS ${TOTALS_VIEW}`);
    for (const [perRequest, firstRate] of [[1, 500], [100, 20_000]] as const) {
      for (let rate = firstRate; ; rate *= 2) {
        const base = await visibleCount(poller);
        const step = await runStep(writer, poller, seq, base, perRequest, rate, opts.seconds);
        seq += step.requests * perRequest;
        steps.push(step);
        log(`  ${perRequest} row(s)/request, offered ${rate.toLocaleString('en-US')} rows/s: achieved ${Math.round(step.achieved).toLocaleString('en-US')}, ack p50/p99 ${ms(step.ackMs.p50)}/${ms(step.ackMs.p99)} ms, visible p50/p99 ${ms(step.visibleMs.p50)}/${ms(step.visibleMs.p99)} ms, ${step.polls} polls, ${step.failed} failed${step.sustained ? '' : ' (saturated)'}`);
        if (!step.sustained) break;
        await sleep(500);
      }
    }
    const final = await visibleCount(poller);
    if (final !== seq - 1) throw new Error(`the totals view counts ${final} rows, but ${seq - 1} were acknowledged`);
  } finally {
    writer.close();
    poller.close();
    await server.stop();
  }
  const duck = await duckdbRecompute(seq - 1);
  const series = [1, 100].map((perRequest) => {
    const ofSeries = steps.filter((s) => s.rowsPerRequest === perRequest);
    const sustained = ofSeries.filter((s) => s.sustained);
    const best = sustained[sustained.length - 1] ?? null;
    return {
      rowsPerRequest: perRequest,
      highestSustainedRowsPerSecond: best?.offered ?? 0,
      atHighestSustained: best,
      /** DuckDB's INSERT plus recompute over Freshet's visible p50 at its lowest rate (above 1: Freshet is fresher). */
      ratioP50: duck.insertPlusQueryMs / (ofSeries[0]?.visibleMs.p50 ?? Number.NaN),
    };
  });
  for (const s of series) log(`  ${s.rowsPerRequest} row(s)/request: highest sustained ${s.highestSustainedRowsPerSecond.toLocaleString('en-US')} rows/s`);
  log(`  DuckDB: INSERT + recompute over ${(seq - 1).toLocaleString('en-US')} rows ${ms(duck.insertPlusQueryMs)} ms (the query alone ${ms(duck.queryMs)} ms)`);
  const file = writeResult('freshness', { options: opts, groupView: GROUP_VIEW, totalsView: TOTALS_VIEW, finalRows: seq - 1, steps, series, duckdb: duck, peakRssMb: maxRssMb() });
  log(`wrote ${file}`);
}

await main();
