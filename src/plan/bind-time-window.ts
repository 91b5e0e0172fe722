// Binds the time-window table functions in FROM:
//   TUMBLE(t, DESCRIPTOR(ts), size [, offset])
//   HOP(t, DESCRIPTOR(ts), slide, size [, offset])
//   CUMULATE(t, DESCRIPTOR(ts), step, size [, offset])
//   SESSION(t, DESCRIPTOR(ts) [, DESCRIPTOR(k1, ...)], gap)
// `t` is a table, view or CTE; `ts` one of its TIMESTAMP/TIMESTAMPTZ columns
// (RisingWave's spelling without DESCRIPTOR is accepted too); the sizes are
// constant intervals of days and time (a day is 24 hours here; months vary in
// length, so they are refused). SESSION's optional DESCRIPTOR lists the
// columns that partition the sessions. The result has t's columns plus
// window_start and window_end, of ts's type.

import { EngineError, SqlState } from '../common/errors.js';
import { parseInterval, formatInterval } from '../columnar/interval-text.js';
import type { TimeWindowKind, TimeWindowSpec } from '../dataflow/time-window-expand.js';
import type { SessionWindowSpec } from '../dataflow/session-window.js';
import type { SqlType } from '../common/sql-type.js';
import type { Expr, TableFunctionRef, TableRef } from '../sql/ast.js';
import { MICROS_PER_DAY } from '../expr/datetime.js';
import type { BoundRelation } from './bind-from.js';
import type { ExprContext } from './bind-expr.js';
import { bindExpr } from './bind-expr.js';

/** The window table functions: the aligned ones (TimeWindowKind) and SESSION. */
export type WindowFunctionName = TimeWindowKind | 'session';

const SHAPES: Record<TimeWindowKind, { readonly sizes: readonly string[] }> = {
  tumble: { sizes: ['size'] },
  hop: { sizes: ['slide', 'size'] },
  cumulate: { sizes: ['step', 'size'] },
};

export function isTimeWindowFunction(name: string): name is WindowFunctionName {
  return name === 'tumble' || name === 'hop' || name === 'cumulate' || name === 'session';
}

function usage(kind: WindowFunctionName): string {
  if (kind === 'session') return 'SESSION(table, DESCRIPTOR(timestamp_column) [, DESCRIPTOR(partition_column, ...)], gap)';
  return `${kind.toUpperCase()}(table, DESCRIPTOR(timestamp_column), ${SHAPES[kind].sizes.join(', ')} [, offset])`;
}

/** A constant interval argument in µs (days as 24 hours); months are refused. */
function intervalMicros(e: Expr, what: string, kind: WindowFunctionName, params: readonly unknown[]): number {
  const ctx: ExprContext = {
    params,
    column(ref) {
      throw new EngineError(SqlState.invalidParameterValue, `the ${what} of ${kind.toUpperCase()} must be a constant interval, not column "${ref.name}"`, ref.pos);
    },
    aggregate(call) {
      throw new EngineError(SqlState.groupingError, `aggregate functions are not allowed in the arguments of ${kind.toUpperCase()}`, call.pos);
    },
  };
  const bound = bindExpr(e, ctx);
  if (bound.kind !== 'const' || (bound.type !== 'interval' && bound.untyped !== true)) {
    throw new EngineError(SqlState.datatypeMismatch, `the ${what} of ${kind.toUpperCase()} must be a constant INTERVAL; usage: ${usage(kind)}`, e.pos);
  }
  if (bound.value === null) throw new EngineError(SqlState.invalidParameterValue, `the ${what} of ${kind.toUpperCase()} must not be NULL`, e.pos);
  const p = parseInterval(String(bound.value));
  if (p.months !== 0) {
    throw new EngineError(
      SqlState.featureNotSupported,
      `the ${what} of ${kind.toUpperCase()} has months (${formatInterval(p.months, p.days, p.micros)}); window sizes must be days or shorter units, since months vary in length`,
      e.pos,
    );
  }
  return p.days * MICROS_PER_DAY + p.micros;
}

/** The timestamp column: `DESCRIPTOR(col)` or a bare column name. */
function timeColumnName(e: Expr, kind: WindowFunctionName): string {
  const inner = e.kind === 'call' && e.name === 'descriptor' && e.args.length === 1 ? e.args[0]! : e;
  if (inner.kind !== 'column' || inner.table !== null) {
    throw new EngineError(SqlState.syntaxError, `the second argument of ${kind.toUpperCase()} must name the timestamp column, as DESCRIPTOR(column); usage: ${usage(kind)}`, e.pos);
  }
  return inner.name;
}

/** The source relation and its timestamp column, shared by every window function. */
function bindSourceAndTime(
  item: TableFunctionRef & { readonly name: WindowFunctionName },
  bindTable: (ref: TableRef) => BoundRelation,
): { readonly input: BoundRelation; readonly sourceName: string; readonly tsName: string; readonly tsColumn: number; readonly tsType: SqlType } {
  const kind = item.name;
  const source = item.args[0]!;
  if (source.kind !== 'column' || source.table !== null) {
    throw new EngineError(SqlState.syntaxError, `the first argument of ${kind.toUpperCase()} must name a table, view or WITH query; usage: ${usage(kind)}`, source.pos);
  }
  const input = bindTable({ kind: 'tableRef', name: source.name, alias: null, pos: source.pos });
  const tsName = timeColumnName(item.args[1]!, kind);
  const tsColumn = input.plan.columns.findIndex((c) => c.name === tsName);
  if (tsColumn < 0) throw new EngineError(SqlState.undefinedColumn, `column "${tsName}" does not exist in "${source.name}"`, item.args[1]!.pos);
  const tsType = input.plan.columns[tsColumn]!.type;
  if (tsType !== 'timestamp' && tsType !== 'timestamptz') {
    throw new EngineError(SqlState.datatypeMismatch, `${kind.toUpperCase()} needs a TIMESTAMP or TIMESTAMPTZ column; "${tsName}" is ${tsType}`, item.args[1]!.pos);
  }
  return { input, sourceName: source.name, tsName, tsColumn, tsType };
}

/** Interval text for labels: days as 24 hours, as the sizes were read. */
function showMicros(micros: number): string {
  return formatInterval(0, Math.trunc(micros / MICROS_PER_DAY), micros % MICROS_PER_DAY);
}

/**
 * SESSION(t, DESCRIPTOR(ts) [, DESCRIPTOR(k1, ...)], gap): rows of one
 * partition less than `gap` apart in ts share a session (window_start = its
 * first ts, window_end = its last ts + gap); rows with a NULL ts have none
 * and are dropped.
 */
function bindSessionWindow(
  item: TableFunctionRef & { readonly name: WindowFunctionName },
  bindTable: (ref: TableRef) => BoundRelation,
  params: readonly unknown[],
): BoundRelation {
  const n = item.args.length;
  if (n !== 3 && n !== 4) {
    throw new EngineError(SqlState.undefinedFunction, `SESSION takes 3 or 4 arguments, got ${n}; usage: ${usage('session')}`, item.pos);
  }
  const { input, sourceName, tsName, tsColumn, tsType } = bindSourceAndTime(item, bindTable);
  const partitionBy: number[] = [];
  if (n === 4) {
    const keys = item.args[2]!;
    if (keys.kind !== 'call' || keys.name !== 'descriptor' || keys.args.length === 0) {
      throw new EngineError(SqlState.syntaxError, `the third argument of SESSION (of four) must list the partition columns, as DESCRIPTOR(column, ...); usage: ${usage('session')}`, keys.pos);
    }
    for (const k of keys.args) {
      if (k.kind !== 'column' || k.table !== null) {
        throw new EngineError(SqlState.syntaxError, `SESSION partition columns must be plain column names of "${sourceName}"; usage: ${usage('session')}`, k.pos);
      }
      const c = input.plan.columns.findIndex((col) => col.name === k.name);
      if (c < 0) throw new EngineError(SqlState.undefinedColumn, `column "${k.name}" does not exist in "${sourceName}"`, k.pos);
      if (!partitionBy.includes(c)) partitionBy.push(c);
    }
  }
  const gapArg = item.args[n - 1]!;
  const gap = intervalMicros(gapArg, 'gap', 'session', params);
  if (!(gap > 0)) throw new EngineError(SqlState.invalidParameterValue, 'the gap of SESSION must be positive', gapArg.pos);
  const spec: SessionWindowSpec = { tsColumn, partitionBy, gap };
  const keyNames = partitionBy.map((c) => input.plan.columns[c]!.name);
  const label = `SESSION(${sourceName}, ${tsName}, gap ${showMicros(gap)}${keyNames.length > 0 ? `, partition by ${keyNames.join(', ')}` : ''})`;
  const columns = [...input.plan.columns, { name: 'window_start', type: tsType }, { name: 'window_end', type: tsType }];
  const qualifier = item.alias ?? sourceName;
  return {
    plan: { kind: 'sessionWindow', input: input.plan, spec, label, columns },
    scope: columns.map((c, index) => ({ qualifier, name: c.name, index, type: c.type })),
  };
}

export function bindTimeWindow(
  item: TableFunctionRef & { readonly name: WindowFunctionName },
  bindTable: (ref: TableRef) => BoundRelation,
  params: readonly unknown[],
): BoundRelation {
  if (item.name === 'session') return bindSessionWindow(item, bindTable, params);
  const kind = item.name;
  const sizes = SHAPES[kind].sizes;
  const n = item.args.length;
  if (n < 2 + sizes.length || n > 3 + sizes.length) {
    throw new EngineError(SqlState.undefinedFunction, `${kind.toUpperCase()} takes ${2 + sizes.length} or ${3 + sizes.length} arguments, got ${n}; usage: ${usage(kind)}`, item.pos);
  }
  const { input, sourceName, tsName, tsColumn, tsType } = bindSourceAndTime(item, bindTable);
  const lengths = sizes.map((what, i) => intervalMicros(item.args[2 + i]!, what, kind, params));
  for (let i = 0; i < lengths.length; i++) {
    if (!(lengths[i]! > 0)) {
      throw new EngineError(SqlState.invalidParameterValue, `the ${sizes[i]} of ${kind.toUpperCase()} must be positive`, item.args[2 + i]!.pos);
    }
  }
  const offset = n > 2 + sizes.length ? intervalMicros(item.args[n - 1]!, 'offset', kind, params) : 0;
  const size = lengths[lengths.length - 1]!;
  const slide = kind === 'tumble' ? size : lengths[0]!;
  if (kind === 'cumulate' && size % slide !== 0) {
    throw new EngineError(SqlState.invalidParameterValue, 'the size of CUMULATE must be a whole number of steps', item.pos);
  }
  const spec: TimeWindowSpec = { kind, tsColumn, size, slide, offset };
  const label = `${kind.toUpperCase()}(${sourceName}, ${tsName}, ${kind === 'tumble' ? `size ${showMicros(size)}` : `${sizes[0]} ${showMicros(slide)}, size ${showMicros(size)}`}${offset !== 0 ? `, offset ${showMicros(offset)}` : ''})`;
  const columns = [...input.plan.columns, { name: 'window_start', type: tsType }, { name: 'window_end', type: tsType }];
  const qualifier = item.alias ?? sourceName;
  return {
    plan: { kind: 'timeWindow', input: input.plan, spec, label, columns },
    scope: columns.map((c, index) => ({ qualifier, name: c.name, index, type: c.type })),
  };
}
