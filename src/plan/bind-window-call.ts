// One window call's function and arguments: which functions run over a window
// (the ones dataflow/window.ts computes), PostgreSQL's errors for the rest
// (0A000 for window functions and aggregates not maintained yet, 42809 for a
// scalar function with OVER), and LAG/LEAD's constant offset and default.

import { EngineError, SqlState, unsupported } from '../common/errors.js';
import type { SqlType } from '../common/sql-type.js';
import { typeInfo } from '../common/sql-type.js';
import type { Scalar } from '../columnar/column.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { lookupFunction } from '../expr/function-registry.js';
import type { WindowFunction } from '../dataflow/window-spec.js';
import { WindowFunctions, windowResultType } from '../dataflow/window-spec.js';
import type { CallExpr } from '../sql/ast.js';
import type { ExprContext } from './bind-expr.js';
import { bindExpr, castTo, unify } from './bind-expr.js';
import { AGGREGATE_NAMES, aggregateResultType, ORDERED_SET_AGGREGATES } from './aggregate-signatures.js';
import { renderExpr } from './render-expr.js';

/** A window call with its arguments bound (over the window's input), before columns are assigned. */
export interface BoundWindowCall {
  readonly fn: WindowFunction;
  /** The argument expression; null for ROW_NUMBER/RANK/DENSE_RANK and COUNT(*). */
  readonly arg: BoundExpr | null;
  readonly offset?: number;
  readonly defaultValue?: Scalar;
  readonly label: string;
  readonly type: SqlType;
}

/** PostgreSQL window functions Freshet does not compute yet. */
const UNSUPPORTED_WINDOW_FUNCTIONS: ReadonlySet<string> = new Set(['ntile', 'nth_value', 'percent_rank', 'cume_dist']);

const WINDOW_FUNCTION_NAMES: ReadonlySet<string> = new Set(WindowFunctions);

/** Arity of the functions that are not aggregates: [min, max]. */
const ARITY: Partial<Record<WindowFunction, readonly [number, number]>> = {
  row_number: [0, 0], rank: [0, 0], dense_rank: [0, 0],
  lag: [1, 3], lead: [1, 3], first_value: [1, 1], last_value: [1, 1],
};

function typeName(t: SqlType): string {
  return typeInfo[t].sqlName.toLowerCase();
}

function checkFunction(call: CallExpr): WindowFunction {
  const name = call.name;
  if (UNSUPPORTED_WINDOW_FUNCTIONS.has(name)) throw unsupported(`window function ${name}()`, call.pos);
  if (ORDERED_SET_AGGREGATES.has(name) || call.withinGroup !== undefined) {
    throw new EngineError(SqlState.wrongObjectType, `OVER is not supported for ordered-set aggregate ${name}`, call.pos);
  }
  if (!WINDOW_FUNCTION_NAMES.has(name)) {
    if (AGGREGATE_NAMES.has(name)) throw unsupported(`aggregate ${name}() as a window function`, call.pos);
    if (lookupFunction(name) === undefined) {
      throw new EngineError(SqlState.undefinedFunction, `function ${name}(${call.args.length === 0 ? '' : '...'}) does not exist`, call.pos);
    }
    throw new EngineError(SqlState.wrongObjectType, `OVER specified, but ${name} is not a window function nor an aggregate function`, call.pos);
  }
  const fn = name as WindowFunction;
  const isAggregate = AGGREGATE_NAMES.has(fn);
  if (call.distinct) throw unsupported(`DISTINCT in window function ${fn}()`, call.pos);
  if (call.filter !== null) throw unsupported(`FILTER in window function ${fn}()`, call.pos);
  if (call.orderBy !== undefined) throw unsupported(`ORDER BY inside the arguments of window function ${fn}()`, call.pos);
  if (call.star && fn !== 'count') throw new EngineError(SqlState.syntaxError, `${fn}(*) is only valid for count(*)`, call.pos);
  const [min, max] = ARITY[fn] ?? (isAggregate ? [call.star ? 0 : 1, call.star ? 0 : 1] : [1, 1]);
  if (call.args.length < min || call.args.length > max) {
    throw new EngineError(SqlState.undefinedFunction, `function ${fn} takes ${min === max ? min : `${min} to ${max}`} arguments, got ${call.args.length}`, call.pos);
  }
  return fn;
}

/** LAG/LEAD's offset: a constant integer (PostgreSQL also allows per-row offsets; Freshet does not yet). */
function constantOffset(e: BoundExpr, fn: string, call: CallExpr): number | null {
  if (e.kind !== 'const') throw unsupported(`${fn}() with an offset that is not a constant`, call.pos);
  if (e.value === null) return null;
  const c = castTo(e, e.untyped === true ? 'integer' : e.type, call.pos);
  if (c.kind !== 'const' || c.type !== 'integer' && c.type !== 'bigint') {
    throw new EngineError(SqlState.undefinedFunction, `function ${fn}(..., ${typeName(c.type)}) does not exist: the offset must be an integer`, call.pos);
  }
  return c.value as number;
}

/** Binds the call's function and arguments with `ctx` (which must reject nested window calls). */
export function bindWindowCall(call: CallExpr, ctx: ExprContext): BoundWindowCall {
  const fn = checkFunction(call);
  const label = renderExpr(call);
  const args = call.args.map((a) => bindExpr(a, ctx));
  let arg: BoundExpr | null = call.star || args.length === 0 ? null : args[0]!;
  if (arg !== null && arg.kind === 'const' && arg.untyped === true) arg = castTo(arg, 'text', call.pos);
  let offset: number | undefined;
  let defaultValue: Scalar | undefined;
  if ((fn === 'lag' || fn === 'lead') && arg !== null) {
    const off = args[1] === undefined ? 1 : constantOffset(args[1], fn, call);
    let def = args[2];
    if (def !== undefined) {
      if (def.kind !== 'const') throw unsupported(`${fn}() with a default that is not a constant`, call.pos);
      // PostgreSQL (13+) resolves the value and the default to a common type.
      const unified = unify([arg, def], fn, call.pos);
      arg = unified[0]!;
      def = unified[1]!;
      if (def.kind !== 'const') throw unsupported(`${fn}() with a default that is not a constant`, call.pos);
      defaultValue = def.value;
    }
    if (off === null) {
      // A NULL offset makes every result NULL (the default is not used either).
      arg = { kind: 'const', value: null, type: arg.type };
      offset = 0;
      defaultValue = undefined;
    } else {
      offset = off;
    }
  }
  // The window state keeps one number per value: an INTERVAL's months/days/µs parts would be lost.
  if (arg !== null && (arg.type === 'interval' || arg.type === 'jsonb') && fn !== 'count') {
    throw unsupported(`window function ${fn}() over ${typeName(arg.type)}`, call.pos);
  }
  if (arg !== null && arg.type === 'numeric' && (fn === 'sum' || fn === 'avg')) {
    throw unsupported(`window function ${fn}() over numeric (cast the argument to double precision)`, call.pos);
  }
  let type: SqlType;
  if (AGGREGATE_NAMES.has(fn) && arg !== null) {
    const t = aggregateResultType(fn, arg.type);
    if (t === null) throw new EngineError(SqlState.undefinedFunction, `function ${fn}(${typeName(arg.type)}) does not exist`, call.pos);
    type = windowResultType({ fn, arg: 0 }, [arg.type]);
  } else {
    type = windowResultType({ fn, arg: arg === null ? null : 0 }, arg === null ? [] : [arg.type]);
  }
  return {
    fn,
    arg,
    label,
    type,
    ...(offset === undefined ? {} : { offset }),
    ...(defaultValue === undefined ? {} : { defaultValue }),
  };
}
