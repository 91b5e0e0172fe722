// GROUP BY and aggregate calls: binds the grouping keys, registers each
// distinct aggregate call once, and gives the grouped clauses (HAVING, the
// select list, ORDER BY) a context where columns must be group keys or sit
// inside an aggregate (42803 otherwise).

import { EngineError, SqlState, unsupported } from '../common/errors.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { exprKey } from '../expr/bound-expr.js';
import type { CallExpr, ColumnRef, Expr, OrderItem, Select } from '../sql/ast.js';
import type { AggregateCallPlan, LogicalPlan } from './logical-plan.js';
import { bindCall, bindExpr, castTo, requireBoolean } from './bind-expr.js';
import { PER_ROW_DELIMITER } from '../dataflow/text-agg-accumulator.js';
import type { ExprContext } from './bind-expr.js';
import type { AggregateFunction } from '../dataflow/accumulators.js';
import { AGGREGATE_ALIASES, AGGREGATE_NAMES, DOUBLE_AGGREGATES, ORDERED_SET_AGGREGATES, UNSUPPORTED_AGGREGATES, aggregateResultType } from './aggregate-signatures.js';
import { renderExpr } from './render-expr.js';
import type { ScopeColumn } from './scope.js';
import { resolveColumn } from './scope.js';

/** A select-list item after star expansion. */
export interface Item {
  readonly expr: Expr;
  readonly name: string;
  readonly alias: string | null;
}

export function containsAggregate(e: Expr): boolean {
  let found = false;
  const visit = (x: Expr | null): void => {
    if (x === null || found) return;
    switch (x.kind) {
      case 'call':
        if (AGGREGATE_NAMES.has(x.name) && x.over === null) found = true;
        else {
          x.args.forEach(visit);
          // rank() OVER (ORDER BY count(*)): aggregates inside a window spec group the query too.
          x.over?.partitionBy.forEach(visit);
          x.over?.orderBy.forEach((o) => visit(o.expr));
        }
        return;
      case 'unary':
        return visit(x.operand);
      case 'binary':
      case 'isDistinct':
        visit(x.left);
        return visit(x.right);
      case 'isNull':
      case 'isBool':
        return visit(x.operand);
      case 'between':
        visit(x.operand);
        visit(x.low);
        return visit(x.high);
      case 'inList':
        visit(x.operand);
        return x.list.forEach(visit);
      case 'like':
        visit(x.operand);
        visit(x.pattern);
        return visit(x.escape);
      case 'case':
        visit(x.operand);
        x.whens.forEach((w) => {
          visit(w.when);
          visit(w.then);
        });
        return visit(x.else);
      case 'cast':
        return visit(x.operand);
      default:
        return;
    }
  };
  visit(e);
  return found;
}

export function noAggregates(clause: string): (call: CallExpr) => BoundExpr {
  return (call) => {
    throw new EngineError(SqlState.groupingError, `aggregate functions are not allowed in ${clause}`, call.pos);
  };
}

/** GROUP BY 2, GROUP BY alias: PostgreSQL lets both name select-list items. */
function groupByTarget(e: Expr, items: readonly Item[], scope: readonly ScopeColumn[]): Expr {
  if (e.kind === 'number' && /^\d+$/.test(e.text)) {
    const k = Number(e.text);
    const item = items[k - 1];
    if (item === undefined) throw new EngineError(SqlState.invalidColumnReference, `GROUP BY position ${k} is not in select list`, e.pos);
    return item.expr;
  }
  if (e.kind === 'column' && e.table === null && !scope.some((c) => c.name === e.name)) {
    const item = items.find((it) => it.alias === e.name);
    if (item !== undefined) return item.expr;
  }
  return e;
}

export function bindGrouping(q: Select, items: readonly Item[], scope: readonly ScopeColumn[], inputCtx: ExprContext, input: LogicalPlan) {
  const groupExprs: BoundExpr[] = [];
  const groupLabels: string[] = [];
  const groupKeys = new Map<string, number>();
  const groupCtx: ExprContext = { ...inputCtx, aggregate: noAggregates('GROUP BY') };
  for (const g of q.groupBy) {
    const target = groupByTarget(g, items, scope);
    const bound = bindExpr(target, groupCtx);
    const key = exprKey(bound);
    if (groupKeys.has(key)) continue;
    groupKeys.set(key, groupExprs.length);
    groupExprs.push(bound);
    groupLabels.push(renderExpr(target));
  }
  const aggregates: AggregateCallPlan[] = [];
  const aggKeys = new Map<string, number>();
  const groupCount = groupExprs.length;

  const ctx: ExprContext = {
    params: inputCtx.params,
    groupMatch(e: Expr): BoundExpr | null {
      if (groupExprs.length === 0 || containsAggregate(e)) return null;
      let bound: BoundExpr;
      try {
        bound = bindExpr(e, groupCtx);
      } catch {
        return null;
      }
      const k = groupKeys.get(exprKey(bound));
      return k === undefined ? null : { kind: 'column', index: k, type: groupExprs[k]!.type };
    },
    column(ref: ColumnRef): BoundExpr {
      resolveColumn(scope, ref); // reports unknown columns first
      throw new EngineError(
        SqlState.groupingError,
        `column "${renderExpr(ref)}" must appear in the GROUP BY clause or be used in an aggregate function`,
        ref.pos,
      );
    },
    aggregate(call: CallExpr): BoundExpr {
      const argCtx: ExprContext = { ...inputCtx, aggregate: () => {
        throw new EngineError(SqlState.groupingError, 'aggregate function calls cannot be nested', call.pos);
      } };
      const p = bindAggregateCall(call, argCtx);
      const key = [
        p.fn,
        p.distinct ? 'distinct' : '',
        p.arg === null ? '*' : exprKey(p.arg),
        p.filter === undefined ? '' : exprKey(p.filter),
        p.param === undefined ? '' : JSON.stringify(p.param),
        p.orderKey === undefined ? '' : exprKey(p.orderKey),
        p.descending === true ? 'desc' : '',
        p.nullsFirst === true ? 'nullsfirst' : '',
      ].join('\u0000');
      let index = aggKeys.get(key);
      if (index === undefined) {
        index = aggregates.length;
        aggKeys.set(key, index);
        aggregates.push(p);
      }
      return { kind: 'column', index: groupCount + index, type: p.resultType };
    },
  };

  const build = (): LogicalPlan => ({
    kind: 'aggregate',
    input,
    groupBy: groupExprs,
    groupLabels,
    aggregates,
    columns: [
      ...groupExprs.map((g, i) => ({ name: groupLabels[i]!, type: g.type })),
      ...aggregates.map((a) => ({ name: a.label, type: a.resultType })),
    ],
  });
  return { ctx, build, groupBy: groupExprs };
}

/** Aggregates whose DISTINCT form differs from the plain one (MIN/MAX/bool_and/bool_or do not). */
const DISTINCT_MATTERS: ReadonlySet<string> = new Set([
  'count', 'sum', 'avg', 'string_agg', 'array_agg', 'stddev_samp', 'stddev_pop', 'var_samp', 'var_pop',
]);

function bindArg(e: Expr, ctx: ExprContext): BoundExpr {
  const arg = bindExpr(e, ctx);
  return arg.kind === 'const' && arg.untyped === true ? castTo(arg, 'text', e.pos) : arg;
}

function renderOrder(items: readonly OrderItem[]): string {
  return items.map((o) => `${renderExpr(o.expr)}${o.direction === 'desc' ? ' DESC' : ''}${o.nulls === null ? '' : ` NULLS ${o.nulls.toUpperCase()}`}`).join(', ');
}

/** One aggregate call: its function, argument, FILTER, parameters and order, checked against PostgreSQL's rules. */
function bindAggregateCall(call: CallExpr, argCtx: ExprContext): AggregateCallPlan {
  const reason = UNSUPPORTED_AGGREGATES.get(call.name);
  if (reason !== undefined) throw unsupported(`aggregate ${call.name}() (${reason})`, call.pos);
  const name = AGGREGATE_ALIASES.get(call.name) ?? call.name;
  const ordered = ORDERED_SET_AGGREGATES.has(name);
  if (call.withinGroup !== undefined && !ordered) {
    throw new EngineError(SqlState.wrongObjectType, `${call.name} is not an ordered-set aggregate, so it cannot have WITHIN GROUP`, call.pos);
  }
  if (ordered && call.withinGroup === undefined) {
    throw new EngineError(SqlState.wrongObjectType, `WITHIN GROUP is required for ordered-set aggregate ${call.name}`, call.pos);
  }
  let filter: BoundExpr | undefined;
  if (call.filter !== null) {
    const f = requireBoolean(bindExpr(call.filter, argCtx), 'FILTER', call.filter.pos);
    // FILTER (WHERE TRUE) filters nothing: bind it as the plain call.
    if (!(f.kind === 'const' && f.value === true)) filter = f;
  }
  let label = renderExpr(call);
  let fn: AggregateFunction;
  let arg: BoundExpr | null = null;
  const extra: { param?: number | string; orderKey?: BoundExpr; descending?: boolean; nullsFirst?: boolean } = {};

  if (call.star) {
    if (call.name !== 'count') throw new EngineError(SqlState.syntaxError, `${call.name}(*) is not valid; only count(*) is`, call.pos);
    if (call.distinct) throw new EngineError(SqlState.syntaxError, 'count(DISTINCT *) is not valid; write count(DISTINCT expression) or count(*)', call.pos);
    if (argCtx.countStarArg !== undefined) {
      fn = 'count';
      arg = argCtx.countStarArg;
    } else {
      fn = 'count_star';
    }
  } else if (ordered) {
    const within = call.withinGroup!;
    if (call.distinct) throw new EngineError(SqlState.syntaxError, `cannot use DISTINCT with WITHIN GROUP (in ${call.name})`, call.pos);
    if (call.orderBy !== undefined) throw new EngineError(SqlState.syntaxError, `cannot use multiple ORDER BY clauses with WITHIN GROUP (in ${call.name})`, call.pos);
    if (call.args.length !== 1 || within.length !== 1) {
      throw new EngineError(
        SqlState.undefinedFunction,
        `${call.name} takes one fraction argument and one WITHIN GROUP (ORDER BY ...) key, got ${call.args.length} and ${within.length}`,
        call.pos,
      );
    }
    const fraction = bindExpr(call.args[0]!, argCtx);
    if (fraction.kind !== 'const') throw unsupported(`${call.name} with a fraction that is not a constant`, call.args[0]!.pos);
    if (fraction.value !== null) {
      if (typeof fraction.value !== 'number' && fraction.untyped !== true && fraction.type !== 'numeric') {
        throw new EngineError(SqlState.undefinedFunction, `function ${call.name}(${fraction.type}) does not exist; the fraction must be a number between 0 and 1`, call.args[0]!.pos);
      }
      const f = Number(fraction.value);
      if (!(f >= 0 && f <= 1)) {
        throw new EngineError(SqlState.numericValueOutOfRange, `percentile value ${String(fraction.value)} is not between 0 and 1 (in ${call.name})`, call.args[0]!.pos);
      }
      extra.param = f;
    }
    const key = within[0]!;
    arg = bindArg(key.expr, argCtx);
    if (key.direction === 'desc') extra.descending = true;
    fn = name as AggregateFunction;
    label = `${call.name}(${renderExpr(call.args[0]!)}) WITHIN GROUP (ORDER BY ${renderOrder(within)})`;
  } else if (name === 'string_agg') {
    if (call.args.length !== 2) {
      throw new EngineError(SqlState.undefinedFunction, `function string_agg takes exactly two arguments (value, delimiter), got ${call.args.length}`, call.pos);
    }
    arg = bindArg(call.args[0]!, argCtx);
    const delimiter = bindArg(call.args[1]!, argCtx);
    if (arg.type !== 'text' || delimiter.type !== 'text') {
      throw new EngineError(SqlState.undefinedFunction, `function string_agg(${arg.type}, ${delimiter.type}) does not exist; it takes (text, text)`, call.pos);
    }
    const value = arg;
    if (delimiter.kind === 'const') {
      // A NULL delimiter joins with nothing, as in PostgreSQL.
      extra.param = delimiter.value === null ? '' : (delimiter.value as string);
    } else {
      // A delimiter per row: each value travels with its own (value NUL delimiter;
      // PostgreSQL text holds no NUL), and the accumulator puts it before the value.
      const nul: BoundExpr = { kind: 'const', value: PER_ROW_DELIMITER, type: 'text' };
      const own = bindCall('coalesce', [delimiter, { kind: 'const', value: '', type: 'text' }], call.pos, 'function coalesce');
      arg = bindCall('concat_op', [arg, bindCall('concat_op', [nul, own], call.pos, 'operator ||')], call.pos, 'operator ||');
      extra.param = PER_ROW_DELIMITER;
    }
    fn = 'string_agg';
    const order = call.orderBy;
    if (order !== undefined) {
      if (order.length > 1) throw unsupported('string_agg with more than one ORDER BY key', order[1]!.pos);
      const item = order[0]!;
      const key = bindArg(item.expr, argCtx);
      const descending = item.direction === 'desc';
      if (descending) extra.descending = true;
      if (exprKey(key) !== exprKey(value)) {
        if (call.distinct) {
          throw new EngineError(SqlState.invalidColumnReference, 'in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list', item.pos);
        }
        extra.orderKey = key;
        // PostgreSQL's default: NULLS LAST for ASC, NULLS FIRST for DESC.
        if (item.nulls === null ? descending : item.nulls === 'first') extra.nullsFirst = true;
      }
      label = `${call.name}(${call.distinct ? 'DISTINCT ' : ''}${call.args.map(renderExpr).join(', ')} ORDER BY ${renderOrder(order)})`;
    }
  } else if (name === 'array_agg') {
    if (call.args.length !== 1) {
      throw new EngineError(SqlState.undefinedFunction, `function array_agg takes exactly one argument, got ${call.args.length}`, call.pos);
    }
    arg = bindArg(call.args[0]!, argCtx);
    fn = 'array_agg';
    const order = call.orderBy;
    if (order !== undefined) {
      if (order.length > 1) throw unsupported('array_agg with more than one ORDER BY key', order[1]!.pos);
      const item = order[0]!;
      const key = bindArg(item.expr, argCtx);
      const descending = item.direction === 'desc';
      if (descending) extra.descending = true;
      // array_agg keeps NULL values, so where NULL keys sort matters even when the key is the value.
      if (item.nulls === null ? descending : item.nulls === 'first') extra.nullsFirst = true;
      if (exprKey(key) !== exprKey(arg)) {
        if (call.distinct) {
          throw new EngineError(SqlState.invalidColumnReference, 'in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list', item.pos);
        }
        extra.orderKey = key;
      }
      label = `${call.name}(${call.distinct ? 'DISTINCT ' : ''}${renderExpr(call.args[0]!)} ORDER BY ${renderOrder(order)})`;
    }
  } else {
    if (call.args.length !== 1) {
      throw new EngineError(SqlState.undefinedFunction, `function ${call.name} takes exactly one argument, got ${call.args.length}`, call.pos);
    }
    arg = bindArg(call.args[0]!, argCtx);
    fn = name as AggregateFunction;
    // ORDER BY inside an order-insensitive aggregate changes nothing; its names must still resolve.
    for (const item of call.orderBy ?? []) bindExpr(item.expr, argCtx);
  }
  // stddev/variance/percentile_cont compute in doubles (README: differences from PostgreSQL).
  if (arg !== null && arg.type === 'numeric' && DOUBLE_AGGREGATES.has(fn)) arg = castTo(arg, 'double', call.pos);
  const resultType = aggregateResultType(fn === 'count_star' ? 'count' : fn, arg === null ? null : arg.type);
  if (resultType === null) {
    const shown = ordered ? `${call.name}(...) WITHIN GROUP (ORDER BY ${arg!.type})` : `${call.name}(${arg === null ? '' : arg.type})`;
    throw new EngineError(SqlState.undefinedFunction, `function ${shown} does not exist`, call.pos);
  }
  if (filter !== undefined) label += ` FILTER (WHERE ${renderExpr(call.filter!)})`;
  const distinct = call.distinct && DISTINCT_MATTERS.has(fn);
  return { fn, arg, resultType, label, distinct, ...(filter === undefined ? {} : { filter }), ...extra };
}
