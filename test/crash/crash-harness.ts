// The crash harness (issue 5): a child `freshet serve` ingests over HTTP from
// several concurrent clients while the harness SIGKILLs it at seeded random
// moments; after each restart on the same data directory, every acknowledged
// row must be there exactly once, nothing unsent may be, and every view must
// equal DuckDB's recompute over the recovered tables (verify-recovery.ts).
// Restarts alternate --fsync always and batch; one in three runs with a tiny
// --hot-memory, so its checkpoints move event rows to cold Parquet segments
// that later restarts recover; now and then the server is also killed while
// it recovers. The seed fixes the workload and kill delays;
// where in the request stream a kill lands still depends on timing.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbOracle } from '../differential/duckdb-oracle.js';
import { CrashClient } from './crash-client.js';
import { schemaRequest } from './crash-schema.js';
import { SeededRandom } from '../seeded-random.js';
import { DEFAULT_BIN, ServerProcess } from './server-process.js';
import type { Recovery } from './server-process.js';
import { verifyRecovery } from './verify-recovery.js';

export interface CrashOptions {
  readonly seed: number;
  /** SIGKILLs during traffic (each followed by a restart and the checks). */
  readonly kills: number;
  readonly bin?: string;
  readonly clients?: number;
  /** The kill comes this many ms after the round's first answered request: uniform in [min, max]. */
  readonly killAfterMs?: readonly [number, number];
  /** Share of rounds killed 0..min ms after traffic starts, before any answer (among cold requests). */
  readonly earlyKillShare?: number;
  /** Share of restarts that are first killed during recovery itself. */
  readonly startupKillShare?: number;
  readonly startTimeoutMs?: number;
  /** Progress, one line per round. */
  readonly log?: (line: string) => void;
}

export interface CrashSummary {
  readonly seed: number;
  readonly kills: number;
  readonly startupKills: number;
  readonly acknowledged: number;
  readonly refused: number;
  readonly unknown: number;
  /** Unknown requests that recovery showed had (partly) committed. */
  readonly unknownApplied: number;
  readonly tableRowsVerified: number;
  readonly viewRowsVerified: number;
  readonly finalTableRows: number;
  readonly recoveryMs: readonly number[];
  readonly startupMs: readonly number[];
  readonly lastRecovery: Recovery | null;
  readonly damageLines: number;
  /** The most cold segment files a restart found (the cold tier took part when > 0). */
  readonly coldSegmentsMax: number;
  /** Views loaded from saved state, summed over the restarts (checkpoints hold view state). */
  readonly viewsRestored: number;
  /** Views a restart rebuilt from its tables instead, with the reason (every crash view has a saved form: none expected). */
  readonly viewsRebuilt: readonly string[];
  readonly elapsedMs: number;
  /** Empty when every check passed; otherwise what failed first, with the round, seed and kept data directory. */
  readonly failures: readonly string[];
  readonly dataDir: string;
}

const CLIENT_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 10_000;

interface Counters {
  acknowledged: number;
  refused: number;
  unknown: number;
}

export async function runCrashHarness(options: CrashOptions): Promise<CrashSummary> {
  const started = performance.now();
  const bin = options.bin ?? DEFAULT_BIN;
  const [killMin, killMax] = options.killAfterMs ?? [20, 300];
  const startupKillShare = options.startupKillShare ?? 0.1;
  const earlyKillShare = options.earlyKillShare ?? 0.1;
  const startTimeoutMs = options.startTimeoutMs ?? 120_000;
  const log = options.log ?? ((): void => {});
  const dataDir = mkdtempSync(join(tmpdir(), 'freshet-crash-'));
  const clientCount = options.clients ?? 4;
  const clients = Array.from({ length: clientCount }, (_, i) => new CrashClient(i, clientCount));
  const counters: Counters = { acknowledged: 0, refused: 0, unknown: 0 };
  const failures: string[] = [];
  const recoveryMs: number[] = [];
  const startupMs: number[] = [];
  let startupKills = 0;
  let viewsRestored = 0;
  const viewsRebuilt: string[] = [];
  let unknownApplied = 0;
  let tableRowsVerified = 0;
  let viewRowsVerified = 0;
  let finalTableRows = 0;
  let damageLines = 0;
  let coldSegmentsMax = 0;
  let lastRecovery: Recovery | null = null;
  let kills = 0;
  const oracle = await DuckDbOracle.open();

  // The server of the current round (a holder, since start() replaces it).
  const current: { server: ServerProcess | null } = { server: null };
  const start = async (restart: number): Promise<string> => {
    const fsync = restart % 2 === 0 ? 'always' : 'batch';
    const server = ServerProcess.spawn({ bin, dataDir, fsync, timeoutMs: startTimeoutMs, ...(restart % 3 === 1 ? { hotMemory: '32KB' } : {}) });
    current.server = server;
    let ready;
    try {
      ready = await server.ready(startTimeoutMs);
    } catch (err) {
      throw new Error(`restart ${restart} (--fsync ${fsync}) failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    startupMs.push(ready.startupMs);
    recoveryMs.push(ready.recovery.ms);
    damageLines += ready.recovery.damage.length;
    coldSegmentsMax = Math.max(coldSegmentsMax, countSegments(dataDir));
    viewsRestored += ready.recovery.viewsRestored;
    viewsRebuilt.push(...ready.recovery.viewsRebuilt.map((v) => `restart ${restart}: ${v}`));
    if (lastRecovery !== null && ready.recovery.lsn < lastRecovery.lsn) {
      throw new Error(`restart ${restart} recovered to LSN ${ready.recovery.lsn}, behind the LSN ${lastRecovery.lsn} an earlier restart recovered`);
    }
    lastRecovery = ready.recovery;
    return ready.url;
  };
  const verify = async (url: string, when: string): Promise<void> => {
    const result = await verifyRecovery(url, clients, oracle);
    tableRowsVerified += result.tableRows;
    viewRowsVerified += result.viewRows;
    finalTableRows = result.tableRows;
    unknownApplied += result.unknownApplied;
    if (result.problems.length > 0) throw new Error(`after ${when}:\n${result.problems.join('\n')}`);
  };

  let round = 0;
  try {
    let url = await start(0);
    const created = await postSql(url, schemaRequest(), []);
    if (created.status !== 200) throw new Error(`creating the schema failed: HTTP ${created.status} ${created.text}`);

    for (round = 1; round <= options.kills; round++) {
      const rng = SeededRandom.derive(options.seed, round, -1);
      // Each restart is a fresh process whose first requests run cold (seconds
      // of JIT warm-up on a busy machine), so the kill delay counts from the
      // first answer; an "early" round kills before that, among cold requests.
      const early = rng.chance(earlyKillShare);
      const killAfter = early ? rng.int(0, killMin) : rng.int(killMin, killMax);
      let stopped = false;
      const problems: string[] = [];
      let answered!: () => void;
      const firstAnswer = new Promise<void>((resolve) => { answered = resolve; });
      const traffic = clients.map((c) => runClient(c, url, SeededRandom.derive(options.seed, round, c.index), () => stopped, counters, problems, answered));
      if (!early) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([firstAnswer, new Promise<void>((resolve) => { timer = setTimeout(resolve, CLIENT_TIMEOUT_MS); })]);
        clearTimeout(timer);
      }
      await sleep(killAfter);
      if (problems.length > 0) throw new Error(`during traffic of round ${round}:\n${problems.join('\n')}`);
      stopped = true;
      await current.server!.kill();
      kills++;
      await Promise.all(traffic);
      if (problems.length > 0) throw new Error(`during traffic of round ${round}:\n${problems.join('\n')}`);

      if (rng.chance(startupKillShare)) {
        // Killed while it reads and trims the log: the next start must still recover everything.
        const victim = ServerProcess.spawn({ bin, dataDir, fsync: 'always', timeoutMs: startTimeoutMs });
        await sleep(rng.int(0, Math.round(startupMs[startupMs.length - 1] ?? 1000)));
        await victim.kill();
        startupKills++;
      }
      url = await start(round);
      await verify(url, `kill ${round} (${killAfter} ms into traffic)`);
      log(`round ${round}: killed after ${killAfter} ms; ${counters.acknowledged} acknowledged, ${counters.unknown} unknown so far; recovered ${lastRecovery!.records} records in ${lastRecovery!.ms} ms; ${finalTableRows} rows`);
    }
    // A clean stop must flush and exit 0, and the next start recover the same rows.
    const ended = await current.server!.stop(STOP_GRACE_MS);
    if (ended !== 'exit code 0') throw new Error(`SIGTERM after the last round ended the server with ${ended}`);
    url = await start(options.kills + 1);
    await verify(url, 'a clean SIGTERM stop and restart');
    await current.server!.stop(STOP_GRACE_MS);
  } catch (err) {
    const output = current.server?.output() ?? '';
    failures.push(`seed ${options.seed}, round ${round}: ${err instanceof Error ? err.message : String(err)}\n(data directory kept: ${dataDir})${output}`);
  } finally {
    await current.server?.kill();
    oracle.close();
  }
  if (failures.length === 0) rmSync(dataDir, { recursive: true, force: true });
  return {
    seed: options.seed,
    kills,
    startupKills,
    ...counters,
    unknownApplied,
    tableRowsVerified,
    viewRowsVerified,
    finalTableRows,
    recoveryMs,
    startupMs,
    lastRecovery,
    damageLines,
    coldSegmentsMax,
    viewsRestored,
    viewsRebuilt,
    elapsedMs: performance.now() - started,
    failures,
    dataDir,
  };
}

/**
 * One client: requests one after another until the harness stops traffic.
 * A request the kill cut off is recorded as the client's unknown request; an
 * answer that contradicts the model (a refusal it did not predict, or the
 * reverse) or a failure while the server is up is a problem.
 */
async function runClient(
  client: CrashClient,
  url: string,
  rng: SeededRandom,
  stopped: () => boolean,
  counters: Counters,
  problems: string[],
  answered: () => void,
): Promise<void> {
  while (!stopped() && problems.length === 0) {
    const request = client.nextRequest(rng);
    let response: Response;
    try {
      response = await fetch(`${url}/v1/sql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: request.query, params: request.params }),
        signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
      });
    } catch (err) {
      client.unknown = request;
      counters.unknown++;
      if (!stopped()) problems.push(`client ${client.index}: request failed while the server was up: ${describeError(err)}\n  ${request.query}`);
      return;
    }
    answered();
    if (response.status === 200) {
      // The status line is the acknowledgement: the body may be cut off by the kill.
      await response.arrayBuffer().catch(() => {});
      counters.acknowledged++;
      if (request.applies !== request.statements.length) {
        problems.push(`client ${client.index}: the server acknowledged a request the model expects to fail at statement ${request.applies}: ${JSON.stringify({ query: request.query, params: request.params })}`);
      }
      client.settle(request, request.statements.length);
      continue;
    }
    let text: string;
    try {
      text = await response.text();
    } catch {
      client.unknown = request;
      counters.unknown++;
      return;
    }
    const error = parseError(text);
    if (response.status >= 400 && response.status < 500 && error !== null) {
      // The statements before the failing one committed (and were made durable before the reply).
      const failedAt = request.statements.length === 1 ? 0 : error.statementIndex;
      counters.refused++;
      if (failedAt !== request.applies) {
        problems.push(`client ${client.index}: the server refused statement ${String(failedAt)} (${error.code} ${error.message}) but the model expects ${request.applies === request.statements.length ? 'success' : `a failure at statement ${request.applies}`}: ${JSON.stringify({ query: request.query, params: request.params })}`);
        return;
      }
      client.settle(request, failedAt);
      continue;
    }
    client.unknown = request;
    counters.unknown++;
    problems.push(`client ${client.index}: unexpected HTTP ${response.status}: ${text.slice(0, 500)}\n  ${request.query}`);
    return;
  }
}

function parseError(text: string): { code: string; message: string; statementIndex: number | undefined } | null {
  try {
    const body = JSON.parse(text) as { error?: { code: string; message: string; statementIndex?: number } };
    return body.error === undefined ? null : { code: body.error.code, message: body.error.message, statementIndex: body.error.statementIndex };
  } catch {
    return null;
  }
}

function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
}

async function postSql(url: string, query: string, params: readonly unknown[]): Promise<{ status: number; text: string }> {
  const response = await fetch(`${url}/v1/sql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, params }),
    signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
  });
  return { status: response.status, text: await response.text() };
}

function countSegments(dataDir: string): number {
  try {
    return readdirSync(join(dataDir, 'segments')).filter((f) => f.endsWith('.parquet')).length;
  } catch {
    return 0;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function formatSummary(s: CrashSummary): string {
  const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const max = (xs: readonly number[]): number => xs.reduce((a, b) => Math.max(a, b), 0);
  const rec = s.lastRecovery;
  return (
    `crash test seed ${s.seed}: ${s.kills} kills (+${s.startupKills} during recovery), ` +
    `${s.acknowledged} requests acknowledged, ${s.refused} refused, ${s.unknown} cut off (${s.unknownApplied} of them found committed); ` +
    `${s.tableRowsVerified} table rows and ${s.viewRowsVerified} view rows verified (${s.finalTableRows} rows at the end); ` +
    `recovery median ${median(s.recoveryMs).toFixed(0)} ms, max ${max(s.recoveryMs).toFixed(0)} ms` +
    (rec === null ? '' : ` (last: ${rec.records} records to LSN ${rec.lsn})`) +
    `; startup median ${(median(s.startupMs) / 1000).toFixed(2)} s, max ${(max(s.startupMs) / 1000).toFixed(2)} s; ` +
    `${s.damageLines} torn-tail notices; up to ${s.coldSegmentsMax} cold segments at a restart; ` +
    `${s.viewsRestored} views loaded from checkpoints, ${s.viewsRebuilt.length} rebuilt; ${(s.elapsedMs / 1000).toFixed(0)} s in all` +
    (s.failures.length > 0 ? '; FAILED' : '')
  );
}
