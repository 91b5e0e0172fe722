// Binds the time-window table functions in FROM:
//   TUMBLE(t, DESCRIPTOR(ts), size [, offset])
//   HOP(t, DESCRIPTOR(ts), slide, size [, offset])
//   CUMULATE(t, DESCRIPTOR(ts), step, size [, offset])
// `t` is a table, view or CTE; `ts` one of its TIMESTAMP/TIMESTAMPTZ columns
// (RisingWave's spelling without DESCRIPTOR is accepted too); the sizes are
// constant intervals of days and time (a day is 24 hours here; months vary in
// length, so they are refused). The result has t's columns plus window_start
// and window_end, of ts's type.

import { EngineError, SqlState } from '../common/errors.js';
import { parseInterval, formatInterval } from '../columnar/interval-text.js';
import type { TimeWindowKind, TimeWindowSpec } from '../dataflow/time-window-expand.js';
import type { Expr, TableFunctionRef, TableRef } from '../sql/ast.js';
import { MICROS_PER_DAY } from '../expr/datetime.js';
import type { BoundRelation } from './bind-from.js';
import type { ExprContext } from './bind-expr.js';
import { bindExpr } from './bind-expr.js';

const SHAPES: Record<TimeWindowKind, { readonly sizes: readonly string[] }> = {
  tumble: { sizes: ['size'] },
  hop: { sizes: ['slide', 'size'] },
  cumulate: { sizes: ['step', 'size'] },
};

export function isTimeWindowFunction(name: string): name is TimeWindowKind {
  return name === 'tumble' || name === 'hop' || name === 'cumulate';
}

function usage(kind: TimeWindowKind): string {
  return `${kind.toUpperCase()}(table, DESCRIPTOR(timestamp_column), ${SHAPES[kind].sizes.join(', ')} [, offset])`;
}

/** A constant interval argument in µs (days as 24 hours); months are refused. */
function intervalMicros(e: Expr, what: string, kind: TimeWindowKind, params: readonly unknown[]): number {
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
function timeColumnName(e: Expr, kind: TimeWindowKind): string {
  const inner = e.kind === 'call' && e.name === 'descriptor' && e.args.length === 1 ? e.args[0]! : e;
  if (inner.kind !== 'column' || inner.table !== null) {
    throw new EngineError(SqlState.syntaxError, `the second argument of ${kind.toUpperCase()} must name the timestamp column, as DESCRIPTOR(column); usage: ${usage(kind)}`, e.pos);
  }
  return inner.name;
}

export function bindTimeWindow(
  item: TableFunctionRef & { readonly name: TimeWindowKind },
  bindTable: (ref: TableRef) => BoundRelation,
  params: readonly unknown[],
): BoundRelation {
  const kind = item.name;
  const sizes = SHAPES[kind].sizes;
  const n = item.args.length;
  if (n < 2 + sizes.length || n > 3 + sizes.length) {
    throw new EngineError(SqlState.undefinedFunction, `${kind.toUpperCase()} takes ${2 + sizes.length} or ${3 + sizes.length} arguments, got ${n}; usage: ${usage(kind)}`, item.pos);
  }
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
  const show = (micros: number): string => formatInterval(0, Math.trunc(micros / MICROS_PER_DAY), micros % MICROS_PER_DAY);
  const label = `${kind.toUpperCase()}(${source.name}, ${tsName}, ${kind === 'tumble' ? `size ${show(size)}` : `${sizes[0]} ${show(slide)}, size ${show(size)}`}${offset !== 0 ? `, offset ${show(offset)}` : ''})`;
  const columns = [...input.plan.columns, { name: 'window_start', type: tsType }, { name: 'window_end', type: tsType }];
  const qualifier = item.alias ?? source.name;
  return {
    plan: { kind: 'timeWindow', input: input.plan, spec, label, columns },
    scope: columns.map((c, index) => ({ qualifier, name: c.name, index, type: c.type })),
  };
}
