// Window functions in a SELECT: `fn(...) OVER (PARTITION BY ... ORDER BY ...
// [frame])` in the select list and ORDER BY. Evaluated after GROUP BY/HAVING
// and before DISTINCT/ORDER BY/LIMIT, as in PostgreSQL.
//
// Contract with bind-query.ts: `register(call)` binds a window call's
// arguments, PARTITION BY and ORDER BY in the clause context it was created
// with and returns a placeholder column (a negative index) standing for the
// call's result; `build(plan)` adds the nodes computing every registered call
// over `plan` (the FROM/WHERE plan, or the grouping plan) and returns the
// mapping from placeholder (and ordinary) column indexes to the columns of the
// returned plan, which passes `plan`'s columns through at their indexes.
//
// Calls sharing one PARTITION BY / ORDER BY share one Window node; each node
// is preceded, when needed, by a Project appending the keys and arguments
// that are not plain input columns. Nodes for different specs are chained.

import { EngineError, SqlState } from '../common/errors.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { exprKey } from '../expr/bound-expr.js';
import type { WindowCall, WindowFrame, WindowOrderKey } from '../dataflow/window-spec.js';
import type { CallExpr, WindowSpec } from '../sql/ast.js';
import type { ExprContext } from './bind-expr.js';
import { bindExpr } from './bind-expr.js';
import type { LogicalPlan, OutputColumn } from './logical-plan.js';
import type { BoundWindowCall } from './bind-window-call.js';
import { bindWindowCall } from './bind-window-call.js';
import { bindWindowFrame } from './bind-window-frame.js';
import { renderExpr } from './render-expr.js';

export interface WindowBinder {
  register(call: CallExpr): BoundExpr;
  build(plan: LogicalPlan): { readonly plan: LogicalPlan; readonly remap: (index: number) => number };
}

interface BoundKey {
  readonly expr: BoundExpr;
  readonly label: string;
}

interface BoundOrderKey extends BoundKey {
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

/** The PARTITION BY and ORDER BY of one or more calls. */
interface BoundSpec {
  readonly key: string;
  readonly partitionBy: readonly BoundKey[];
  readonly orderBy: readonly BoundOrderKey[];
}

interface Registered {
  readonly spec: BoundSpec;
  readonly call: BoundWindowCall;
  readonly argLabel: string;
  readonly frame: WindowFrame | undefined;
  /** Identity for deduplication: the same call written twice is computed once. */
  readonly key: string;
}

function bindSpec(spec: WindowSpec, ctx: ExprContext): BoundSpec {
  const partitionBy = spec.partitionBy.map((e) => ({ expr: bindExpr(e, ctx), label: renderExpr(e) }));
  const orderBy = spec.orderBy.map((o): BoundOrderKey => {
    const descending = o.direction === 'desc';
    // PostgreSQL: NULLs sort as if larger than every value.
    const nullsFirst = o.nulls === null ? descending : o.nulls === 'first';
    return { expr: bindExpr(o.expr, ctx), label: renderExpr(o.expr), descending, nullsFirst };
  });
  const key = [
    partitionBy.map((k) => exprKey(k.expr)).join(','),
    orderBy.map((k) => `${exprKey(k.expr)} ${k.descending ? 'd' : 'a'}${k.nullsFirst ? 'f' : 'l'}`).join(','),
  ].join('|');
  return { key, partitionBy, orderBy };
}

export function createWindowBinder(ctx: ExprContext): WindowBinder {
  // Inside a window call another one is an error; everything else binds as in the clause.
  const inner: ExprContext = {
    ...ctx,
    window: (call) => {
      throw new EngineError(SqlState.windowingError, `window function calls cannot be nested (${call.name}() OVER (...))`, call.pos);
    },
  };
  const registered: Registered[] = [];

  return {
    register(call) {
      const over = call.over;
      if (over === null) throw new EngineError(SqlState.internalError, `${call.name}() has no OVER clause`, call.pos);
      const bound = bindWindowCall(call, inner);
      const spec = bindSpec(over, inner);
      const frame = over.frameText === null
        ? undefined
        : bindWindowFrame(over.frameText, { orderTypes: spec.orderBy.map((k) => k.expr.type), params: ctx.params, pos: over.pos });
      const key = [
        spec.key,
        bound.fn,
        bound.arg === null ? '' : exprKey(bound.arg),
        bound.offset ?? '',
        JSON.stringify(bound.defaultValue ?? null),
        frame === undefined ? '' : JSON.stringify(frame),
      ].join('#');
      let k = registered.findIndex((r) => r.key === key);
      if (k < 0) {
        k = registered.length;
        registered.push({ spec, call: bound, argLabel: call.args.map(renderExpr).join(', '), frame, key });
      }
      return { kind: 'column', index: -1 - k, type: bound.type };
    },
    build(plan) {
      if (registered.length === 0) return { plan, remap: (i) => i };
      const callColumn = new Int32Array(registered.length);
      const specs = [...new Set(registered.map((r) => r.spec.key))];
      let current = plan;
      for (const specKey of specs) {
        const members: number[] = [];
        registered.forEach((r, k) => {
          if (r.spec.key === specKey) members.push(k);
        });
        current = windowStage(current, plan.columns.length, members.map((k) => registered[k]!), (j, column) => {
          callColumn[members[j]!] = column;
        });
      }
      return { plan: current, remap: (i) => (i < 0 ? callColumn[-1 - i]! : i) };
    },
  };
}

/**
 * One Window node (and the Project before it) computing `calls`, which share
 * one spec. Expressions read the first `base` columns of `input` (the plan
 * the calls were bound over), which every stage passes through unchanged.
 */
function windowStage(
  input: LogicalPlan,
  base: number,
  calls: readonly Registered[],
  placed: (j: number, column: number) => void,
): LogicalPlan {
  const width = input.columns.length;
  const extra: BoundExpr[] = [];
  const extraColumns: OutputColumn[] = [];
  const extraKeys = new Map<string, number>();
  const columnOf = (e: BoundExpr, label: string): number => {
    if (e.kind === 'column' && e.index >= 0 && e.index < base) return e.index;
    const key = exprKey(e);
    const known = extraKeys.get(key);
    if (known !== undefined) return known;
    const column = width + extra.length;
    extra.push(e);
    extraColumns.push({ name: label, type: e.type });
    extraKeys.set(key, column);
    return column;
  };
  const spec = calls[0]!.spec;
  const partitionBy = spec.partitionBy.map((k) => columnOf(k.expr, k.label));
  const orderBy = spec.orderBy.map((k): WindowOrderKey => ({ column: columnOf(k.expr, k.label), descending: k.descending, nullsFirst: k.nullsFirst }));
  const windowCalls = calls.map((r): WindowCall => {
    const c = r.call;
    return {
      fn: c.fn,
      arg: c.arg === null ? null : columnOf(c.arg, r.argLabel),
      label: c.label,
      ...(c.offset === undefined ? {} : { offset: c.offset }),
      ...(c.defaultValue === undefined ? {} : { defaultValue: c.defaultValue }),
      ...(r.frame === undefined ? {} : { frame: r.frame }),
    };
  });
  // The Window operator keys rows by their columns: a plan without any (SELECT f() OVER () with no FROM) gets one.
  if (width + extra.length === 0) columnOf({ kind: 'const', value: true, type: 'boolean' }, '?row');
  let below = input;
  if (extra.length > 0) {
    const passThrough = input.columns.map((c, index): BoundExpr => ({ kind: 'column', index, type: c.type }));
    below = {
      kind: 'project',
      input,
      exprs: [...passThrough, ...extra],
      labels: [...input.columns.map((c) => c.name), ...extraColumns.map((c) => c.name)],
      columns: [...input.columns, ...extraColumns],
    };
  }
  const inputWidth = below.columns.length;
  calls.forEach((_, j) => placed(j, inputWidth + j));
  return {
    kind: 'window',
    input: below,
    partitionBy,
    orderBy,
    calls: windowCalls,
    columns: [...below.columns, ...calls.map((r) => ({ name: r.call.label, type: r.call.type }))],
  };
}
