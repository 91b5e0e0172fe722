// The `freshet` command line: `serve` runs the HTTP server; `sql` runs statements
// on a fresh in-memory engine (or a running server) and prints psql-style tables.
// A thin edge: it parses arguments and formats results, the engine does the rest.
// Exit codes: 0 success, 1 the SQL (or server) failed, 2 bad command line.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EngineError, SqlState } from './common/errors.js';
import type { QueryResult, ResultValue } from './query-result.js';
import { watchProgress } from './cli-progress.js';
import type { BackfillProgress } from './engine/backfill.js';

export const EXIT_OK = 0;
export const EXIT_SQL_ERROR = 1;
export const EXIT_USAGE = 2;

/** Where the CLI reads and writes; injectable so tests can run main() in-process. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** The whole of standard input, or undefined when it is a terminal. */
  readonly readStdin: () => Promise<string | undefined>;
  /** Draw a progress bar on `err` while a view is built in the background (on a terminal). */
  readonly progress?: boolean;
  /** How often the progress bar is redrawn (ms; default 250). */
  readonly progressEveryMs?: number;
}

const processIo: CliIo = {
  out: (text) => { process.stdout.write(text); },
  err: (text) => { process.stderr.write(text); },
  progress: process.stderr.isTTY === true,
  readStdin: async () => {
    if (process.stdin.isTTY) return undefined;
    process.stdin.setEncoding('utf8');
    let text = '';
    for await (const chunk of process.stdin) text += chunk as string;
    return text;
  },
};

/** Same as the server's default; restated so --help need not load the server. */
const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;
const DEFAULT_TICK_MS = 1000;
const DEFAULT_FSYNC_DELAY_MS = 4;
const DEFAULT_CHECKPOINT_MS = 60_000;
const DEFAULT_HOT_MEMORY = '1GiB';
const DEFAULT_STATE_MEMORY = '2GiB';

const USAGE = `Usage:
  freshet serve [--host 127.0.0.1] [--port 8787] [--data ./freshet-data] [--body-limit BYTES] [--tick-ms 1000]
                [--fsync always|batch] [--fsync-delay-ms 4] [--checkpoint-ms 60000]
                [--hot-memory 1GiB] [--hot-age-ms N] [--state-memory 2GiB]
      Run the HTTP server (POST /v1/sql, GET /healthz). Everything acknowledged is
      in the write-ahead log under --data and recovered at the next start.
      --fsync always: each commit is fsynced before its reply; batch: commits
      arriving within --fsync-delay-ms share one fsync (more throughput, a few
      ms more latency; still nothing acknowledged before it is on disk).
      --checkpoint-ms: how often the state is checkpointed (and at shutdown),
      which bounds how much log the next start replays.
      --hot-memory: table rows kept in memory (bytes, or with KB/MB/GB/KiB/
      MiB/GiB); beyond it the oldest table rows move
      to Parquet segments under --data/segments at the next checkpoint.
      --hot-age-ms: rows inserted longer ago move there too (default: no limit).
      --state-memory: views' keyed state (joins, grouped aggregates, windows
      and top-N, INTERSECT/EXCEPT, global MIN/MAX/DISTINCT, the views' rows) kept in memory (same units); beyond it parts of
      it move to scratch files under --data/state and come back when a change
      needs them (slower, but no out-of-memory).
      --tick-ms: how often the clock advances views with conditions on now()
      (temporal filters).
  freshet sql [--server URL] "<statements>"
      Run ;-separated statements on a fresh in-memory engine, or on the server
      at URL (e.g. http://127.0.0.1:8787), and print each result. Without the
      argument the statements are read from standard input.
  freshet replay VIEW --into NAME [--server http://127.0.0.1:8787]
      Re-run materialized view VIEW's query over the history the tables retain
      into a new view NAME beside it, built in the background with progress
      (REPLAY MATERIALIZED VIEW VIEW INTO NAME). Compare the two with
      SELECT * FROM NAME EXCEPT ALL SELECT * FROM VIEW.
  freshet --help | --version
`;

class UsageError extends Error {}

/** Runs the CLI; resolves to the exit code (for `serve`, once it listens). */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case 'serve': return await serveCommand(rest, io);
      case 'sql': return await sqlCommand(rest, io);
      case 'replay': return await replayCommand(rest, io);
      case 'help': case '--help': case '-h':
        io.out(USAGE);
        return EXIT_OK;
      case '--version': case '-v':
        io.out(`freshet ${packageVersion()}\n`);
        return EXIT_OK;
      case undefined:
        throw new UsageError('missing command');
      default:
        throw new UsageError(command.startsWith('-')
          ? `unknown option '${command}'`
          : `unknown command '${command}'; commands are 'serve', 'sql' and 'replay'`);
    }
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.err(`freshet: ${usageMessage(error, argv[0])}\n\n${USAGE}`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

async function serveCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8787' },
      data: { type: 'string', default: './freshet-data' },
      'body-limit': { type: 'string', default: String(DEFAULT_BODY_LIMIT) },
      'tick-ms': { type: 'string', default: String(DEFAULT_TICK_MS) },
      fsync: { type: 'string', default: 'always' },
      'checkpoint-ms': { type: 'string', default: String(DEFAULT_CHECKPOINT_MS) },
      'fsync-delay-ms': { type: 'string', default: String(DEFAULT_FSYNC_DELAY_MS) },
      'hot-memory': { type: 'string', default: DEFAULT_HOT_MEMORY },
      'hot-age-ms': { type: 'string' },
      'state-memory': { type: 'string', default: DEFAULT_STATE_MEMORY },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
    strict: true,
  });
  if (values.help === true) { io.out(USAGE); return EXIT_OK; }
  const port = integerFlag('--port', values.port, 0, 65535);
  const bodyLimit = integerFlag('--body-limit', values['body-limit'], 1, Number.MAX_SAFE_INTEGER);
  // Above setInterval's limit (2^31 - 1 ms) Node fires at once.
  const tickMs = integerFlag('--tick-ms', values['tick-ms'], 1, 2_147_483_647);
  const fsync = values.fsync;
  if (fsync !== 'always' && fsync !== 'batch') throw new UsageError(`--fsync must be 'always' or 'batch', got '${fsync}'`);
  const batchDelayMs = integerFlag('--fsync-delay-ms', values['fsync-delay-ms'], 1, 1000);
  const checkpointMs = integerFlag('--checkpoint-ms', values['checkpoint-ms'], 100, 2_147_483_647);
  const hotMemory = sizeFlag('--hot-memory', values['hot-memory']);
  const stateMemory = sizeFlag('--state-memory', values['state-memory']);
  const hotAge = values['hot-age-ms'];
  const hotAgeMs = hotAge === undefined ? undefined : integerFlag('--hot-age-ms', hotAge, 1, Number.MAX_SAFE_INTEGER);
  // Loaded on demand: the engine takes seconds to initialise, and --help,
  // --version and usage errors should answer at once.
  const { serve } = await import('./server/serve.js');
  try {
    await serve({ host: values.host, port, dataDir: values.data, bodyLimit, tickMs, fsync, batchDelayMs, checkpointMs, hotMemory, stateMemory, ...(hotAgeMs === undefined ? {} : { hotAgeMs }) });
  } catch (error) {
    io.err(`freshet: cannot serve on ${values.host}:${port}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_SQL_ERROR;
  }
  return EXIT_OK;
}

async function sqlCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: sqlArgumentsLast(args),
    options: {
      server: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help === true) { io.out(USAGE); return EXIT_OK; }
  if (positionals.length > 1) {
    throw new UsageError(`expected the statements as one argument, got ${positionals.length}; quote them: freshet sql "SELECT 1; SELECT 2"`);
  }
  const text = positionals[0] ?? await io.readStdin();
  if (text === undefined) {
    throw new UsageError('no statements: give them as an argument or pipe them to standard input');
  }
  return values.server === undefined ? runLocal(text, io) : runRemote(values.server, text, io);
}

const DEFAULT_SERVER = 'http://127.0.0.1:8787';

async function replayCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      into: { type: 'string' },
      server: { type: 'string', default: DEFAULT_SERVER },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help === true) { io.out(USAGE); return EXIT_OK; }
  if (positionals.length !== 1) throw new UsageError(`expected one view to replay, got ${positionals.length}: freshet replay VIEW --into NAME`);
  if (values.into === undefined) throw new UsageError('missing --into NAME: the new view the replay creates beside the old one');
  const view = sqlName(positionals[0]!);
  const into = sqlName(values.into);
  const code = await runRemote(values.server, `REPLAY MATERIALIZED VIEW ${view} INTO ${into}`, io);
  if (code === EXIT_OK) {
    io.out(`compare the two (rows only in ${values.into}, then rows only in ${positionals[0]!}):\n  SELECT * FROM ${into} EXCEPT ALL SELECT * FROM ${view};\n  SELECT * FROM ${view} EXCEPT ALL SELECT * FROM ${into};\n`);
  }
  return code;
}

/** A name exactly as given (as SHOW VIEWS prints it), double-quoted: any case, any character, reserved words too. */
function sqlName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function runLocal(text: string, io: CliIo): Promise<number> {
  const { Engine } = await import('./engine.js');
  const engine = new Engine();
  const stopProgress = io.progress === true ? watchProgress(async () => engine.progress(), io.err, io.progressEveryMs) : () => {};
  try {
    const results = await engine.sqlAll(text).finally(stopProgress);
    io.out(results.map(formatResult).join(''));
    return EXIT_OK;
  } catch (error) {
    if (!(error instanceof EngineError)) {
      // A bug, not the user's SQL: keep the stack for the report.
      io.err(formatError({ code: SqlState.internalError, message: `internal error: ${messageOf(error)}` }, text));
      if (error instanceof Error && error.stack !== undefined) io.err(`${error.stack}\n`);
      return EXIT_SQL_ERROR;
    }
    // Statements before the failing one committed: show their results first, as psql does.
    const completed = (error.completedResults ?? []) as QueryResult[];
    if (completed.length > 0) io.out(completed.map(formatResult).join(''));
    io.err(formatError({ code: error.code, message: error.message, ...error.position }, text));
    return EXIT_SQL_ERROR;
  } finally {
    await engine.close();
  }
}

async function runRemote(server: string, text: string, io: CliIo): Promise<number> {
  let url: URL;
  try {
    url = new URL('/v1/sql', server);
  } catch {
    throw new UsageError(`--server must be a URL like http://127.0.0.1:8787, got '${server}'`);
  }
  let response: Response;
  const progressUrl = new URL('/v1/progress', server);
  const stopProgress = io.progress === true
    ? watchProgress(async () => ((await (await fetch(progressUrl)).json()) as { backfills: BackfillProgress[] }).backfills, io.err, io.progressEveryMs)
    : () => {};
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: text }),
    }).finally(stopProgress);
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    io.err(`freshet: could not reach the server at ${url.origin}${cause}\n`);
    return EXIT_SQL_ERROR;
  }
  let body: QueryResult | { results: QueryResult[] } | { error: PrintableError };
  try {
    body = await response.json() as typeof body;
  } catch {
    io.err(`freshet: the server at ${url.origin} replied HTTP ${response.status} without a JSON body; is it a freshet server?\n`);
    return EXIT_SQL_ERROR;
  }
  if ('error' in body) {
    io.err(formatError(body.error, text));
    return EXIT_SQL_ERROR;
  }
  const results = 'results' in body ? body.results : [body];
  io.out(results.map(formatResult).join(''));
  return EXIT_OK;
}

/** Renders one result as psql does: an aligned table with a row count, or the
 *  command tag for statements that return no rows. */
export function formatResult(result: QueryResult): string {
  if (result.fields.length === 0 && result.command !== 'SELECT') return `${commandTag(result)}\n`;
  const count = result.rows.length;
  const footer = `(${count} ${count === 1 ? 'row' : 'rows'})\n\n`;
  if (result.fields.length === 0) return footer;
  const cells = result.rows.map((row) => result.fields.map((_, i) => displayValue(row[i] ?? null)));
  const widths = result.fields.map((field, i) =>
    cells.reduce((width, row) => Math.max(width, (row[i] ?? '').length), field.name.length));
  const rightAligned = result.fields.map((field) => NUMERIC_TYPES.has(field.type));
  const line = (parts: readonly string[]): string => ` ${parts.join(' | ')}`.trimEnd();
  const header = line(result.fields.map((field, i) => center(field.name, widths[i] ?? 0)));
  const separator = widths.map((width) => '-'.repeat(width + 2)).join('+');
  const body = cells.map((row) => line(row.map((cell, i) =>
    rightAligned[i] === true ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))));
  return [header, separator, ...body].join('\n') + '\n' + footer;
}

/** An error as psql prints it, with the offending line and a caret under the
 *  column when the position is known. */
export interface PrintableError {
  readonly code: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

export function formatError(error: PrintableError, text: string): string {
  let out = `ERROR:  ${error.message} (SQLSTATE ${error.code})\n`;
  const sourceLine = error.line === undefined ? undefined : text.split('\n')[error.line - 1];
  if (error.line !== undefined && error.column !== undefined && sourceLine !== undefined) {
    const prefix = `LINE ${error.line}: `;
    const shown = sourceLine.replace(/\r$/, '');
    // Keep tabs in the caret's indent so it lines up however the terminal expands them.
    const indent = shown.slice(0, error.column - 1).replace(/[^\t]/g, ' ');
    out += `${prefix}${shown}\n${' '.repeat(prefix.length)}${indent}^\n`;
  }
  return out;
}

const NUMERIC_TYPES: ReadonlySet<string> = new Set(['int2', 'int4', 'int8', 'float4', 'float8', 'numeric']);

function commandTag(result: QueryResult): string {
  if (result.rowCount === null) return result.command;
  // PostgreSQL's INSERT tag carries a legacy OID field, always 0.
  return result.command === 'INSERT' ? `INSERT 0 ${result.rowCount}` : `${result.command} ${result.rowCount}`;
}

function displayValue(value: ResultValue): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  return String(value);
}

function center(text: string, width: number): string {
  const left = Math.floor((width - text.length) / 2);
  return (' '.repeat(Math.max(0, left)) + text).padEnd(width);
}

const SIZE_UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4 };

/** A byte size: digits with an optional unit (KB, MB, GB, TB powers of 1000; KiB, MiB, GiB, TiB powers of 1024). */
function sizeFlag(name: string, raw: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(raw.trim());
  const unit = m === null ? undefined : SIZE_UNITS[m[2]!.toLowerCase()];
  const bytes = m === null || unit === undefined ? Number.NaN : Math.floor(Number(m[1]) * unit);
  if (!(bytes >= 1) || !Number.isSafeInteger(bytes)) {
    throw new UsageError(`${name} must be a size such as 512MB or 2GiB (at least 1 byte), got '${raw}'`);
  }
  return bytes;
}

function integerFlag(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new UsageError(`${name} must be an integer from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}

/** SQL text may begin with '-' (a `--` comment) and would then be read as an
 *  option; an argument holding whitespace cannot be a flag, so pass those after
 *  '--' where parseArgs treats them as positional. */
function sqlArgumentsLast(args: readonly string[]): string[] {
  const doubleDash = args.indexOf('--');
  const head = doubleDash === -1 ? args : args.slice(0, doubleDash);
  const tail = doubleDash === -1 ? [] : args.slice(doubleDash + 1);
  const isSql = (arg: string): boolean => arg.startsWith('-') && /\s/.test(arg);
  const moved = head.filter(isSql);
  if (moved.length === 0 && doubleDash === -1) return [...args];
  return [...head.filter((arg) => !isSql(arg)), '--', ...moved, ...tail];
}

/** parseArgs's unknown-option text suggests '--' quoting, which misleads here. */
function usageMessage(error: Error, command: string | undefined): string {
  const code = (error as { code?: unknown }).code;
  const option = /'([^']+)'/.exec(error.message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined) {
    return `unknown option '${option}' for 'freshet ${command ?? ''}'`;
  }
  return error.message;
}

function isParseArgsError(error: unknown): error is Error {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Finds freshet's package.json from here: src/cli.ts in tests, dist/src/cli.js when built. */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'freshet' && pkg.version !== undefined) return pkg.version;
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}
