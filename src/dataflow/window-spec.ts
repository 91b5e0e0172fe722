// The shape of a window operator's calls: functions, frames, ORDER BY keys,
// their PostgreSQL result types and default frames, and the checks PostgreSQL
// makes on frames (raised as EngineErrors so a binder can pass specs through).

import type { SqlType } from '../common/sql-type.js';
import { isNumeric } from '../common/sql-type.js';
import { EngineError, SqlState } from '../common/errors.js';
import type { Scalar } from '../columnar/column.js';

export const WindowFunctions = [
  'row_number', 'rank', 'dense_rank', 'lag', 'lead', 'first_value', 'last_value',
  'sum', 'count', 'avg', 'min', 'max',
] as const;
export type WindowFunction = (typeof WindowFunctions)[number];

export interface WindowOrderKey {
  readonly column: number;
  readonly descending: boolean;
  /** Resolved by the caller (PostgreSQL: NULLS LAST for ASC, NULLS FIRST for DESC). */
  readonly nullsFirst: boolean;
}

export type FrameBound =
  | { readonly kind: 'unbounded_preceding' }
  | { readonly kind: 'preceding'; readonly offset: number }
  | { readonly kind: 'current_row' }
  | { readonly kind: 'following'; readonly offset: number }
  | { readonly kind: 'unbounded_following' };

export interface WindowFrame {
  readonly mode: 'rows' | 'range';
  readonly start: FrameBound;
  readonly end: FrameBound;
}

export interface WindowCall {
  readonly fn: WindowFunction;
  /** Argument column; null for ROW_NUMBER/RANK/DENSE_RANK and COUNT(*). */
  readonly arg: number | null;
  /** LAG/LEAD offset (default 1; negative swaps direction, as in PostgreSQL). */
  readonly offset?: number;
  /** LAG/LEAD default when the offset leaves the partition (default NULL); of the argument's type. */
  readonly defaultValue?: Scalar;
  /** Absent: PostgreSQL's default frame. Ignored by functions that take no frame. */
  readonly frame?: WindowFrame;
  /** For EXPLAIN, e.g. 'sum(v)'. */
  readonly label?: string;
}

/** Functions whose value does not depend on the frame. */
export function ignoresFrame(fn: WindowFunction): boolean {
  return fn === 'row_number' || fn === 'rank' || fn === 'dense_rank' || fn === 'lag' || fn === 'lead';
}

/** PostgreSQL's default frame: RANGE UNBOUNDED PRECEDING .. CURRENT ROW (all peers when there is no ORDER BY). */
export const defaultFrame: WindowFrame = {
  mode: 'range',
  start: { kind: 'unbounded_preceding' },
  end: { kind: 'current_row' },
};

function windowingError(message: string): EngineError {
  return new EngineError(SqlState.windowingError, message);
}

/** The output type of a call, as PostgreSQL types it (numeric results narrowed as the engine does). */
export function windowResultType(call: WindowCall, inputTypes: readonly SqlType[]): SqlType {
  const argType = call.arg === null ? null : inputTypes[call.arg];
  switch (call.fn) {
    case 'row_number':
    case 'rank':
    case 'dense_rank':
    case 'count':
      return 'bigint';
    case 'avg':
      return 'double';
    case 'sum':
      return argType === 'double' ? 'double' : 'bigint';
    case 'lag':
    case 'lead':
    case 'first_value':
    case 'last_value':
    case 'min':
    case 'max':
      if (argType === null || argType === undefined) throw windowingError(`${call.fn} needs an argument column`);
      return argType;
  }
}

function boundRank(b: FrameBound): number {
  switch (b.kind) {
    case 'unbounded_preceding': return 0;
    case 'preceding': return 1;
    case 'current_row': return 2;
    case 'following': return 3;
    case 'unbounded_following': return 4;
  }
}

/** Checks one call against the input and the ORDER BY; throws what PostgreSQL would. */
export function checkWindowCall(call: WindowCall, inputTypes: readonly SqlType[], orderBy: readonly WindowOrderKey[]): void {
  const needsArg = !(call.fn === 'row_number' || call.fn === 'rank' || call.fn === 'dense_rank' || call.fn === 'count');
  if (call.arg !== null && (call.arg < 0 || call.arg >= inputTypes.length || !Number.isInteger(call.arg))) {
    throw windowingError(`${call.fn}: argument column ${call.arg} does not exist (the input has ${inputTypes.length} columns)`);
  }
  if (needsArg && call.arg === null) throw windowingError(`${call.fn} needs an argument column`);
  const argType = call.arg === null ? null : inputTypes[call.arg]!;
  if ((call.fn === 'sum' || call.fn === 'avg') && argType === 'numeric') {
    throw new EngineError(SqlState.featureNotSupported, `${call.fn}() OVER a window of NUMERIC values is not supported yet; cast the argument to double precision`);
  }
  if ((call.fn === 'sum' || call.fn === 'avg') && argType !== null && !isNumeric(argType)) {
    throw new EngineError(SqlState.undefinedFunction, `function ${call.fn}(${argType}) does not exist: ${call.fn} over a window needs a numeric argument`);
  }
  if ((call.fn === 'lag' || call.fn === 'lead') && call.offset !== undefined && !Number.isSafeInteger(call.offset)) {
    throw new EngineError(SqlState.invalidParameterValue, `${call.fn}: offset must be an integer, got ${call.offset}`);
  }
  const frame = call.frame;
  if (frame === undefined || ignoresFrame(call.fn)) return;
  const { start, end } = frame;
  if (start.kind === 'unbounded_following') throw windowingError('frame start cannot be UNBOUNDED FOLLOWING');
  if (end.kind === 'unbounded_preceding') throw windowingError('frame end cannot be UNBOUNDED PRECEDING');
  if (boundRank(start) > boundRank(end) && !(start.kind === 'preceding' && end.kind === 'preceding') && !(start.kind === 'following' && end.kind === 'following')) {
    throw windowingError(`frame starting from ${start.kind.replace('_', ' ')} cannot end with ${end.kind.replace('_', ' ')}`);
  }
  for (const b of [start, end]) {
    if (b.kind !== 'preceding' && b.kind !== 'following') continue;
    if (!(b.offset >= 0) || (frame.mode === 'rows' && !Number.isSafeInteger(b.offset))) {
      throw new EngineError(SqlState.invalidParameterValue, `frame ${b.kind} offset must be a non-negative ${frame.mode === 'rows' ? 'integer' : 'number'}, got ${b.offset}`);
    }
    if (frame.mode === 'range') {
      if (orderBy.length !== 1) throw windowingError('RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column');
      const keyType = inputTypes[orderBy[0]!.column]!;
      if (!isNumeric(keyType)) throw windowingError(`RANGE with offset PRECEDING/FOLLOWING is supported only for a numeric ORDER BY column, not ${keyType}`);
    }
  }
}

/** The frame a call's value is computed over (PostgreSQL's default when none was given). */
export function frameOf(call: WindowCall): WindowFrame {
  return call.frame ?? defaultFrame;
}

function boundText(b: FrameBound): string {
  switch (b.kind) {
    case 'unbounded_preceding': return 'UNBOUNDED PRECEDING';
    case 'preceding': return `${b.offset} PRECEDING`;
    case 'current_row': return 'CURRENT ROW';
    case 'following': return `${b.offset} FOLLOWING`;
    case 'unbounded_following': return 'UNBOUNDED FOLLOWING';
  }
}

export function frameText(f: WindowFrame): string {
  return `${f.mode.toUpperCase()} BETWEEN ${boundText(f.start)} AND ${boundText(f.end)}`;
}

/** EXPLAIN's cost line for one call (n = partition rows, k = output rows whose value changes). */
export function windowCallCost(call: WindowCall): string {
  const name = call.label ?? call.fn;
  switch (call.fn) {
    case 'row_number':
    case 'rank':
    case 'dense_rank':
      return `${name}: O(log n) per change + O(log n) per later row whose value changes (none when the change is last in the partition or inserts and deletes balance)`;
    case 'lag':
    case 'lead':
      return `${name}: O(log n) per changed row and per neighbour at the offset`;
    default: {
      const f = frameOf(call);
      const bounded = f.start.kind !== 'unbounded_preceding' && f.end.kind !== 'unbounded_following';
      const reach = bounded && f.mode === 'rows' ? `the ${frameText(f)} frames holding the change (at most the frame width)` : `every row whose ${frameText(f)} frame holds the change`;
      return `${name}: O(log^2 n) per change to find ${reach}, then O(log n) per such row`;
    }
  }
}

/**
 * Window calls whose values do not depend on the order rows arrived in:
 * rankings, offsets, counts, MIN/MAX, and sums and averages of INTEGER
 * columns (whole numbers, exact in doubles). Sums of doubles over a frame
 * may differ in the last bit with the order of the additions.
 */
export function exactWindow(calls: readonly WindowCall[], inputTypes: readonly SqlType[]): boolean {
  return calls.every((c) => (c.fn !== 'sum' && c.fn !== 'avg') || (c.arg !== null && inputTypes[c.arg] === 'integer'));
}
