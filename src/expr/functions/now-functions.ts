// now(), current_timestamp, localtimestamp and current_date: the engine
// clock's time at the start of the running statement, as PostgreSQL's now() is
// fixed for a transaction. The engine sets that time around each statement
// (withStatementTime); statements run synchronously to completion, so one
// slot suffices. Within such a statement the binder folds these calls to
// constants. A view definition runs without one: there the calls stay
// symbolic, and a view may use now() only in a temporal filter
// (plan/bind-temporal.ts), driven by the engine clock instead of this kernel.

import type { SqlType } from '../../common/sql-type.js';
import { constantColumn } from '../../columnar/column.js';
import type { FunctionDef } from '../function-def.js';
import { fixed } from '../function-def.js';
import { MICROS_PER_DAY } from '../datetime.js';

/** The running statement's time in µs since the epoch; null between statements. */
let statementMicros: number | null = null;

/** Milliseconds (a clock reading) as whole microseconds, the engine's unit of time. */
export function msToMicros(ms: number): number {
  return Math.floor(ms * 1000);
}

/** Runs `run` with now() = `micros`, or with no fixed time (null: a view definition); restores the outer value. */
export function withStatementTime<T>(micros: number | null, run: () => T): T {
  const outer = statementMicros;
  statementMicros = micros;
  try {
    return run();
  } finally {
    statementMicros = outer;
  }
}

/** True inside a statement whose now() is fixed: the binder may fold clock calls. */
export function clockIsFixed(): boolean {
  return statementMicros !== null;
}

/** now() of the running statement; outside any statement (a kernel run directly), the wall clock. */
export function statementTimeMicros(): number {
  return statementMicros ?? msToMicros(Date.now());
}

/** Registry names of the functions that read the clock (never folded, rejected in views outside temporal filters). */
export const CLOCK_FUNCTIONS: ReadonlySet<string> = new Set(['now', 'localtimestamp', 'current_date']);

/** SQL spellings written without parentheses, which the parser reads as column names. */
export const CLOCK_KEYWORDS: ReadonlyMap<string, string> = new Map([
  ['current_timestamp', 'now'],
  ['localtimestamp', 'localtimestamp'],
  ['current_date', 'current_date'],
]);

function clock(name: string, type: SqlType, aliases: readonly string[], value: (micros: number) => number): FunctionDef {
  return {
    name,
    aliases,
    minArgs: 0,
    maxArgs: 0,
    resolve: () => fixed([], type, (_args, length, resultType) => constantColumn(resultType, value(statementTimeMicros()), length)),
  };
}

export const nowFunctions: readonly FunctionDef[] = [
  clock('now', 'timestamptz', ['current_timestamp', 'transaction_timestamp', 'statement_timestamp'], (us) => us),
  // The session time zone is UTC: local wall-clock time is the same count of µs.
  clock('localtimestamp', 'timestamp', [], (us) => us),
  clock('current_date', 'date', [], (us) => Math.floor(us / MICROS_PER_DAY)),
];
