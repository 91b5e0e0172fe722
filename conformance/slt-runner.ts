// Runs the records of one sqllogictest file against a fresh engine and reports,
// per record, passed / failed (with a short reason) / skipped. Freshet counts as
// `postgresql` for skipif/onlyif. RisingWave-only `flush;` and
// `SET RW_IMPLICIT_FLUSH ...` are no-ops: Freshet views are current after every commit.
// With `viewMode`, the file then runs again on a fresh engine with every `query`
// re-checked as a materialized view (see view-mode.ts); both counts are reported.
import { readFile } from 'node:fs/promises';
import { Engine } from '../src/engine.js';
import type { QueryResult } from '../src/query-result.js';
import { alignRows, compareResult, renderingsFor, type ActualResult, type Dialect, type Rendering } from './compare-results.js';
import { parseSlt, type QueryRecord, type SltRecord, type SortMode } from './slt-parser.js';
import { planViewChecks, type ViewCheck } from './view-mode.js';

/** What the runner needs of an engine: `Engine` fits, and so do test doubles and oracles. */
export interface SqlTarget {
  sqlAll(sql: string): Promise<QueryResult[]>;
  close?(): Promise<void>;
  /** `control clock`: moves the target's clock to `ms` and lets time-driven views catch up. */
  setClock?(ms: number): Promise<void>;
}

/** A fresh engine whose clock `control clock` records move (it starts at the real time). */
export function clockedEngine(): SqlTarget {
  let now = Date.now();
  const engine = new Engine({ clock: () => now });
  return {
    sqlAll: (sql) => engine.sqlAll(sql),
    close: () => engine.close(),
    async setClock(ms) {
      now = ms;
      await engine.tick();
    },
  };
}

export interface RunOptions {
  /** A fresh engine per file; `new Engine()` by default. */
  readonly createEngine?: () => SqlTarget;
  /** How values are written; inferred from the file when absent (see `inferDialect`). */
  readonly dialect?: Dialect;
  /** Whether `statement error <regex>` must match the error text (default true). Other
   *  engines' corpora carry their own messages, so the corpus run turns this off. */
  readonly matchErrorMessages?: boolean;
  /** Engine names this run answers to in skipif/onlyif. */
  readonly engineNames?: readonly string[];
  /** Also run the file in view mode and report it in `FileReport.view` (default false). */
  readonly viewMode?: boolean;
}

export type RecordStatus = 'passed' | 'failed' | 'skipped';

export interface RecordOutcome {
  readonly line: number;
  readonly status: RecordStatus;
  readonly sql: string;
  /** For failures: a one-line cause, e.g. `0A000 JOIN is not supported yet` or `wrong result`. */
  readonly reason?: string;
  /** For failures: expected vs actual, possibly several lines. */
  readonly detail?: string;
}

/** The counts and outcomes of one mode of running a file. */
export interface ModeReport {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly outcomes: readonly RecordOutcome[];
}

/** One-shot results at the top level; view mode's in `view` when it ran. */
export interface FileReport extends ModeReport {
  readonly file: string;
  readonly view?: ModeReport;
}

const defaultEngineNames = ['postgresql', 'postgres', 'freshet'];
const defaultHashThreshold = 0;
const maxDetailLines = 12;

/** Statements that only make sense to RisingWave; Freshet's views need no flush. */
const noOpStatement = /^\s*(flush|set\s+rw_implicit_flush\b[^;]*)\s*;?\s*$/i;

/** SQLite's files declare themselves by hashing or by their `.test` extension. */
export function inferDialect(file: string, records: readonly SltRecord[]): Dialect {
  if (file.endsWith('.test')) return 'sqlite';
  for (const r of records) {
    if (r.kind === 'hash-threshold') return 'sqlite';
    if (r.kind === 'query' && r.expected.length === 1 && / values hashing to /.test(r.expected[0] ?? '')) return 'sqlite';
  }
  return 'pg';
}

interface ErrorInfo {
  readonly code: string;
  readonly message: string;
  /** Of a multi-statement request, how many statements committed before the error. */
  readonly committed: number;
}

function errorInfo(e: unknown): ErrorInfo {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    const index = (e as { statementIndex?: unknown }).statementIndex;
    return { code: typeof code === 'string' ? code : 'internal', message: e.message, committed: typeof index === 'number' ? index : 0 };
  }
  return { code: 'internal', message: String(e), committed: 0 };
}

const errorText = (e: ErrorInfo): string => `${e.code}: ${e.message}`;

function matchesPattern(pattern: string, text: string): boolean {
  try {
    if (new RegExp(pattern).test(text)) return true;
  } catch {
    // Not a valid regex (sqllogictest-rs error blocks are plain text): compare as text below.
  }
  return text.includes(pattern);
}

function excerpt(lines: readonly string[]): string {
  const shown = lines.slice(0, maxDetailLines).map((l) => `    ${l}`);
  if (lines.length > maxDetailLines) shown.push(`    ... (${lines.length - maxDetailLines} more)`);
  return shown.length === 0 ? '    (no rows)' : shown.join('\n');
}

function shouldSkip(record: SltRecord, names: readonly string[]): boolean {
  for (const c of record.conditions) {
    const ours = names.includes(c.engine);
    if (c.kind === 'skipif' && ours) return true;
    if (c.kind === 'onlyif' && !ours) return true;
  }
  return false;
}

/** Runs `sql`; an error becomes a value so each record decides what it means. */
async function execute(engine: SqlTarget, sql: string): Promise<{ results: QueryResult[] } | { error: ErrorInfo }> {
  if (noOpStatement.test(sql)) return { results: [] };
  try {
    return { results: await engine.sqlAll(sql) };
  } catch (e) {
    return { error: errorInfo(e) };
  }
}

/** What the one-shot run saw of each record, for view mode to follow. */
interface RecordTrace {
  /** False for records skipped by skipif/onlyif or after `halt`. */
  executed: boolean;
  /** Whether the record failed, and how many of its statements committed. */
  error?: ErrorInfo;
  committed?: number;
  /** Queries: the rows returned. */
  result?: ActualResult;
}

function countOutcomes(outcomes: RecordOutcome[]): ModeReport {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const o of outcomes) {
    if (o.status === 'passed') passed++;
    else if (o.status === 'failed') failed++;
    else skipped++;
  }
  return { passed, failed, skipped, outcomes };
}

interface FileContext {
  readonly records: readonly SltRecord[];
  readonly renderings: readonly Rendering[];
  readonly names: readonly string[];
  readonly createEngine: () => SqlTarget;
}

export async function runSltText(text: string, file: string, options: RunOptions = {}): Promise<FileReport> {
  const records = parseSlt(text, file);
  const dialect = options.dialect ?? inferDialect(file, records);
  const ctx: FileContext = {
    records,
    renderings: renderingsFor[dialect],
    names: options.engineNames ?? defaultEngineNames,
    createEngine: options.createEngine ?? clockedEngine,
  };
  const trace: RecordTrace[] = records.map(() => ({ executed: false }));
  const oneShot = await runOneShot(ctx, options.matchErrorMessages ?? true, trace);
  if (options.viewMode !== true) return { file, ...oneShot };
  return { file, ...oneShot, view: await runViewMode(ctx, trace) };
}

async function runOneShot(ctx: FileContext, matchMessages: boolean, trace: RecordTrace[]): Promise<ModeReport> {
  const { records, renderings, names } = ctx;
  const engine = ctx.createEngine();
  const outcomes: RecordOutcome[] = [];
  const labels = new Map<string, { hashLine: string; line: number }>();
  let hashThreshold = defaultHashThreshold;
  let defaultSort: SortMode = 'nosort';

  const pass = (r: { line: number; sql: string }): void => {
    outcomes.push({ line: r.line, status: 'passed', sql: r.sql });
  };
  const fail = (r: { line: number; sql: string }, reason: string, detail?: string): void => {
    outcomes.push({ line: r.line, status: 'failed', sql: r.sql, reason, ...(detail === undefined ? {} : { detail }) });
  };

  try {
    records: for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      const seen = trace[i]!;
      if (shouldSkip(record, names)) {
        if (record.kind === 'statement' || record.kind === 'query' || record.kind === 'query-error') {
          outcomes.push({ line: record.line, status: 'skipped', sql: record.sql });
        }
        continue;
      }
      seen.executed = true;
      switch (record.kind) {
        case 'hash-threshold':
          hashThreshold = record.threshold;
          break;
        case 'halt':
          seen.executed = false;
          break records;
        case 'control-sortmode':
          defaultSort = record.sortMode;
          break;
        case 'control-clock':
          await engine.setClock?.(record.at);
          break;
        case 'unsupported':
          if (record.countAsSkipped) outcomes.push({ line: record.line, status: 'skipped', sql: record.directive });
          break;
        case 'statement': {
          const res = await execute(engine, record.sql);
          if ('error' in res) {
            seen.error = res.error;
            seen.committed = res.error.committed;
          } else seen.committed = Number.POSITIVE_INFINITY;
          if (record.expect === 'error') {
            if (!('error' in res)) {
              fail(record, 'expected an error, statement succeeded', record.errorPattern === undefined ? undefined : `    expected error: ${record.errorPattern}`);
            } else if (matchMessages && record.errorPattern !== undefined && !matchesPattern(record.errorPattern, errorText(res.error))) {
              fail(record, 'error did not match', `    expected error: ${record.errorPattern}\n    actual error:   ${errorText(res.error)}`);
            } else {
              pass(record);
            }
          } else if ('error' in res) {
            fail(record, `${res.error.code} ${res.error.message}`);
          } else if (record.expect === 'count') {
            const last = res.results[res.results.length - 1];
            const count = last?.rowCount ?? null;
            if (count === record.count) pass(record);
            else fail(record, 'wrong row count', `    expected ${record.count ?? ''} rows affected, got ${String(count)}`);
          } else {
            pass(record);
          }
          break;
        }
        case 'query-error': {
          const res = await execute(engine, record.sql);
          seen.committed = 'error' in res ? res.error.committed : Number.POSITIVE_INFINITY;
          if (!('error' in res)) fail(record, 'expected an error, query succeeded');
          else if (matchMessages && record.errorPattern !== undefined && !matchesPattern(record.errorPattern, errorText(res.error))) {
            fail(record, 'error did not match', `    expected error: ${record.errorPattern}\n    actual error:   ${errorText(res.error)}`);
          } else pass(record);
          break;
        }
        case 'query': {
          const res = await execute(engine, record.sql);
          if ('error' in res) {
            seen.error = res.error;
            seen.committed = res.error.committed;
            fail(record, `${res.error.code} ${res.error.message}`);
            break;
          }
          seen.committed = Number.POSITIVE_INFINITY;
          const actual = lastResult(res.results);
          seen.result = actual;
          const sortMode = record.sortMode ?? defaultSort;
          const outcome = compareResult({ actual, types: record.types, sortMode, expected: record.expected, renderings });
          const nValues = actual.rows.length * actual.pgTypes.length;
          const actualShown = hashThreshold > 0 && nValues > hashThreshold && record.expected.length === 1 ? [outcome.hashLine] : outcome.actualLines;
          if (!outcome.ok) {
            fail(record, 'wrong result', `    expected:\n${excerpt(record.expected)}\n    actual:\n${excerpt(actualShown)}`);
            break;
          }
          if (record.label !== undefined) {
            const seenLabel = labels.get(record.label);
            if (seenLabel === undefined) labels.set(record.label, { hashLine: outcome.hashLine, line: record.line });
            else if (seenLabel.hashLine !== outcome.hashLine) {
              fail(record, 'wrong result', `    label ${record.label}: ${outcome.hashLine}, but line ${seenLabel.line} gave ${seenLabel.hashLine}`);
              break;
            }
          }
          pass(record);
          break;
        }
      }
    }
  } finally {
    await engine.close?.();
  }
  return countOutcomes(outcomes);
}

function lastResult(results: readonly QueryResult[]): ActualResult {
  const last = results[results.length - 1];
  return { rows: last?.rows ?? [], pgTypes: last?.fields.map((f) => f.type) ?? [] };
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * View mode: the file's statements run again on a fresh engine; each checkable query's
 * view is created where the plan says, read with `SELECT *` where the query record
 * stands, and dropped right after (so later DDL is not blocked by it). A query or
 * query-error record runs again only when it is more than one SELECT (it may change
 * the state); its result is not checked again. Counted: one outcome per
 * query record, plus a failure for each statement that succeeds or fails differently
 * from the one-shot run (an open view made it fail, or the state diverged).
 */
async function runViewMode(ctx: FileContext, trace: readonly RecordTrace[]): Promise<ModeReport> {
  const { records } = ctx;
  const plan = planViewChecks({
    records,
    executed: (i) => trace[i]?.executed ?? false,
    committedStatements: (i) => trace[i]?.committed ?? 0,
  });
  const engine = ctx.createEngine();
  const outcomes: RecordOutcome[] = [];
  /** Views created and not yet read, in creation order. */
  const open: ViewCheck[] = [];
  /** Outcomes decided before their query's turn (creation failed, view dropped). */
  const decided = new Map<number, RecordOutcome>();
  let defaultSort: SortMode = 'nosort';

  const decide = (check: ViewCheck, status: RecordStatus, reason: string, detail?: string): void => {
    const q = records[check.queryIndex] as QueryRecord;
    decided.set(check.queryIndex, { line: q.line, status, sql: q.sql, reason, ...(detail === undefined ? {} : { detail }) });
  };

  const createViews = async (after: number): Promise<void> => {
    for (const check of plan.createAfter.get(after) ?? []) {
      const q = records[check.queryIndex] as QueryRecord;
      let res = await execute(engine, `CREATE MATERIALIZED VIEW ${quoteIdent(check.viewName)} AS ${check.queryText}`);
      // The one-shot result knows the column count; the record's type letters may not.
      const ncols = trace[check.queryIndex]?.result?.pgTypes.length ?? q.types.length;
      if ('error' in res && res.error.code === '42701' && ncols > 0) {
        // Unnamed expressions share the name ?column?, and max(a), max(b) share max: fine
        // in a query, not in a view. Rename the columns positionally instead.
        const cols = Array.from({ length: ncols }, (_, j) => `c${j + 1}`).join(', ');
        res = await execute(engine, `CREATE MATERIALIZED VIEW ${quoteIdent(check.viewName)} AS SELECT * FROM (${check.queryText}) AS __slt_renamed(${cols})`);
      }
      if (!('error' in res)) open.push(check);
      else if (res.error.code === '0A000') decide(check, 'skipped', `not maintainable: ${res.error.message}`);
      else decide(check, 'failed', `CREATE MATERIALIZED VIEW: ${res.error.code} ${res.error.message}`);
    }
  };

  /**
   * A statement that the one-shot run committed failed here: an open view's maintenance
   * raised the error (a failing statement changes nothing, so it can be retried). The
   * suspects — views whose one-shot query raised the same error — are dropped together
   * and blamed; if the statement still fails, the other views are dropped one at a time
   * until it goes through, and the last one dropped is blamed.
   */
  const isolate = async (index: number, sql: string, error: ErrorInfo): Promise<boolean> => {
    const statementLine = records[index]!.line;
    const reason = `maintaining the view fails the statement at line ${statementLine}: ${error.code} ${error.message}`;
    const drop = async (check: ViewCheck): Promise<void> => {
      await execute(engine, `DROP MATERIALIZED VIEW ${quoteIdent(check.viewName)}`);
      open.splice(open.indexOf(check), 1);
    };
    const suspects = open.filter((c) => trace[c.queryIndex]?.error?.code === error.code);
    for (const check of suspects) {
      await drop(check);
      decide(check, 'failed', `${reason} (its one-shot query fails with ${error.code} too)`);
    }
    if (suspects.length > 0 && !('error' in (await execute(engine, sql)))) return true;
    for (const check of [...open]) {
      await drop(check);
      if (!('error' in (await execute(engine, sql)))) {
        decide(check, 'failed', reason);
        return true;
      }
      decide(check, 'skipped', `dropped while finding the view that fails the statement at line ${statementLine}`);
    }
    return false;
  };

  try {
    await createViews(-1);
    records: for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      const seen = trace[i]!;
      if (record.kind === 'halt' && !shouldSkip(record, ctx.names)) break records;
      if (!seen.executed) {
        if (record.kind === 'query') outcomes.push({ line: record.line, status: 'skipped', sql: record.sql, reason: plan.skips.get(i) ?? 'not run' });
        continue;
      }
      switch (record.kind) {
        case 'control-sortmode':
          defaultSort = record.sortMode;
          break;
        case 'control-clock':
          await engine.setClock?.(record.at);
          break;
        case 'statement': {
          const res = await execute(engine, record.sql);
          if ('error' in res && seen.error === undefined) {
            const recovered = await isolate(i, record.sql, res.error);
            if (!recovered) outcomes.push({ line: record.line, status: 'failed', sql: record.sql, reason: `statement fails in view mode only: ${res.error.code} ${res.error.message}` });
          } else if (!('error' in res) && seen.error !== undefined) {
            outcomes.push({ line: record.line, status: 'failed', sql: record.sql, reason: `statement succeeds in view mode but failed one-shot (${seen.error.code})` });
          }
          break;
        }
        case 'query-error':
          if (plan.rerun.has(i)) await execute(engine, record.sql);
          break;
        case 'query': {
          if (plan.rerun.has(i)) await execute(engine, record.sql);
          const early = decided.get(i);
          const check = plan.checks.get(i);
          if (early !== undefined) outcomes.push(early);
          else if (check === undefined) outcomes.push({ line: record.line, status: 'skipped', sql: record.sql, reason: plan.skips.get(i) ?? 'no view' });
          else outcomes.push(await readView(engine, check, record, record.sortMode ?? defaultSort, seen, ctx.renderings, open));
          break;
        }
        default:
          break;
      }
      await createViews(i);
    }
  } finally {
    await engine.close?.();
  }
  return countOutcomes(outcomes);
}

/** Reads a query's view, compares it with the record's expected result, and drops it. */
async function readView(
  engine: SqlTarget,
  check: ViewCheck,
  record: QueryRecord,
  sortMode: SortMode,
  oneShot: RecordTrace,
  renderings: readonly Rendering[],
  open: ViewCheck[],
): Promise<RecordOutcome> {
  const sql = `${record.sql}\n-- read as: SELECT * FROM ${check.viewName}`;
  const res = await execute(engine, `SELECT * FROM ${quoteIdent(check.viewName)}`);
  open.splice(open.indexOf(check), 1);
  await execute(engine, `DROP MATERIALIZED VIEW ${quoteIdent(check.viewName)}`);
  if ('error' in res) return { line: record.line, status: 'failed', sql, reason: `reading the view: ${res.error.code} ${res.error.message}` };
  let actual = lastResult(res.results);
  // A view has no row order. A nosort record is compared as rowsort (its rows as a
  // multiset), except when the expected result is a hash: a hash cannot be re-sorted,
  // so the view's rows are put in the order the one-shot query returned them, when the
  // two are the same multiset (otherwise the comparison below fails, as it should).
  let mode = sortMode;
  const hashed = record.expected.length === 1 && / values hashing to /.test(record.expected[0] ?? '');
  if (mode === 'nosort') {
    if (!hashed) mode = 'rowsort';
    else if (oneShot.result !== undefined) actual = alignRows(actual, oneShot.result, record.types, renderings[0]!) ?? actual;
  }
  const outcome = compareResult({ actual, types: record.types, sortMode: mode, expected: record.expected, renderings });
  if (outcome.ok) return { line: record.line, status: 'passed', sql };
  const shown = hashed ? [outcome.hashLine] : outcome.actualLines;
  return { line: record.line, status: 'failed', sql, reason: 'wrong result in view mode', detail: `    expected:\n${excerpt(record.expected)}\n    actual (view):\n${excerpt(shown)}` };
}

export async function runSltFile(path: string, options: RunOptions = {}): Promise<FileReport> {
  return runSltText(await readFile(path, 'utf8'), path, options);
}

/** Renders one failure for humans: `file:line: reason`, the SQL, and the details. */
export function describeFailure(file: string, o: RecordOutcome): string {
  const sql = o.sql.split('\n').map((l) => `    ${l}`).join('\n');
  return `${file}:${o.line}: ${o.reason ?? 'failed'}\n${sql}${o.detail === undefined ? '' : `\n${o.detail}`}`;
}
