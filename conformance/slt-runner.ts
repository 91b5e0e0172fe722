// Runs the records of one sqllogictest file against a fresh engine and reports,
// per record, passed / failed (with a short reason) / skipped. Freshet counts as
// `postgresql` for skipif/onlyif. RisingWave-only `flush;` and
// `SET RW_IMPLICIT_FLUSH ...` are no-ops: Freshet views are current after every commit.
import { readFile } from 'node:fs/promises';
import { Engine } from '../src/engine.js';
import type { QueryResult } from '../src/query-result.js';
import { compareResult, renderingsFor, type Dialect } from './compare-results.js';
import { parseSlt, type SltRecord, type SortMode } from './slt-parser.js';

/** What the runner needs of an engine: `Engine` fits, and so do test doubles and oracles. */
export interface SqlTarget {
  sqlAll(sql: string): Promise<QueryResult[]>;
  close?(): Promise<void>;
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

export interface FileReport {
  readonly file: string;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly outcomes: readonly RecordOutcome[];
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
}

function errorInfo(e: unknown): ErrorInfo {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : 'internal', message: e.message };
  }
  return { code: 'internal', message: String(e) };
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

export async function runSltText(text: string, file: string, options: RunOptions = {}): Promise<FileReport> {
  const records = parseSlt(text, file);
  const dialect = options.dialect ?? inferDialect(file, records);
  const renderings = renderingsFor[dialect];
  const names = options.engineNames ?? defaultEngineNames;
  const matchMessages = options.matchErrorMessages ?? true;
  const engine = options.createEngine?.() ?? new Engine();
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
    records: for (const record of records) {
      if (shouldSkip(record, names)) {
        if (record.kind === 'statement' || record.kind === 'query' || record.kind === 'query-error') {
          outcomes.push({ line: record.line, status: 'skipped', sql: record.sql });
        }
        continue;
      }
      switch (record.kind) {
        case 'hash-threshold':
          hashThreshold = record.threshold;
          break;
        case 'halt':
          break records;
        case 'control-sortmode':
          defaultSort = record.sortMode;
          break;
        case 'unsupported':
          if (record.countAsSkipped) outcomes.push({ line: record.line, status: 'skipped', sql: record.directive });
          break;
        case 'statement': {
          const res = await execute(engine, record.sql);
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
          if (!('error' in res)) fail(record, 'expected an error, query succeeded');
          else if (matchMessages && record.errorPattern !== undefined && !matchesPattern(record.errorPattern, errorText(res.error))) {
            fail(record, 'error did not match', `    expected error: ${record.errorPattern}\n    actual error:   ${errorText(res.error)}`);
          } else pass(record);
          break;
        }
        case 'query': {
          const res = await execute(engine, record.sql);
          if ('error' in res) {
            fail(record, `${res.error.code} ${res.error.message}`);
            break;
          }
          const last = res.results[res.results.length - 1];
          const actual = { rows: last?.rows ?? [], pgTypes: last?.fields.map((f) => f.type) ?? [] };
          const sortMode = record.sortMode ?? defaultSort;
          const outcome = compareResult({ actual, types: record.types, sortMode, expected: record.expected, renderings });
          const nValues = actual.rows.length * actual.pgTypes.length;
          const actualShown = hashThreshold > 0 && nValues > hashThreshold && record.expected.length === 1 ? [outcome.hashLine] : outcome.actualLines;
          if (!outcome.ok) {
            fail(record, 'wrong result', `    expected:\n${excerpt(record.expected)}\n    actual:\n${excerpt(actualShown)}`);
            break;
          }
          if (record.label !== undefined) {
            const seen = labels.get(record.label);
            if (seen === undefined) labels.set(record.label, { hashLine: outcome.hashLine, line: record.line });
            else if (seen.hashLine !== outcome.hashLine) {
              fail(record, 'wrong result', `    label ${record.label}: ${outcome.hashLine}, but line ${seen.line} gave ${seen.hashLine}`);
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
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const o of outcomes) {
    if (o.status === 'passed') passed++;
    else if (o.status === 'failed') failed++;
    else skipped++;
  }
  return { file, passed, failed, skipped, outcomes };
}

export async function runSltFile(path: string, options: RunOptions = {}): Promise<FileReport> {
  return runSltText(await readFile(path, 'utf8'), path, options);
}

/** Renders one failure for humans: `file:line: reason`, the SQL, and the details. */
export function describeFailure(file: string, o: RecordOutcome): string {
  const sql = o.sql.split('\n').map((l) => `    ${l}`).join('\n');
  return `${file}:${o.line}: ${o.reason ?? 'failed'}\n${sql}${o.detail === undefined ? '' : `\n${o.detail}`}`;
}
