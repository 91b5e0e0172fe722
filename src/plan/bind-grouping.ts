// GROUP BY and aggregate calls: binds the grouping keys, registers each
// distinct aggregate call once, and gives the grouped clauses (HAVING, the
// select list, ORDER BY) a context where columns must be group keys or sit
// inside an aggregate (42803 otherwise).

import { EngineError, SqlState } from '../common/errors.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { exprKey } from '../expr/bound-expr.js';
import type { CallExpr, ColumnRef, Expr, Select } from '../sql/ast.js';
import type { AggregateFunction } from '../dataflow/accumulators.js';
import type { AggregateCallPlan, LogicalPlan } from './logical-plan.js';
import { bindExpr, castTo } from './bind-expr.js';
import type { ExprContext } from './bind-expr.js';
import { AGGREGATE_NAMES, aggregateResultType } from './aggregate-signatures.js';
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
        else x.args.forEach(visit);
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
      let fn: AggregateFunction;
      let arg: BoundExpr | null = null;
      if (call.star) {
        if (call.name !== 'count') throw new EngineError(SqlState.syntaxError, `${call.name}(*) is not valid; only count(*) is`, call.pos);
        if (call.distinct) throw new EngineError(SqlState.syntaxError, 'count(DISTINCT *) is not valid; write count(DISTINCT expression) or count(*)', call.pos);
        fn = 'count_star';
      } else {
        if (call.args.length !== 1) {
          throw new EngineError(SqlState.undefinedFunction, `function ${call.name} takes exactly one argument, got ${call.args.length}`, call.pos);
        }
        arg = bindExpr(call.args[0]!, argCtx);
        if (arg.kind === 'const' && arg.untyped === true) arg = castTo(arg, 'text', call.pos);
        fn = call.name as AggregateFunction;
      }
      const resultType = aggregateResultType(call.name, arg === null ? null : arg.type);
      if (resultType === null) {
        throw new EngineError(SqlState.undefinedFunction, `function ${call.name}(${arg === null ? '' : arg.type}) does not exist`, call.pos);
      }
      // MIN/MAX(DISTINCT x) equal MIN/MAX(x); only COUNT/SUM/AVG change.
      const distinct = call.distinct && (fn === 'count' || fn === 'sum' || fn === 'avg');
      const key = `${fn}:${distinct ? 'distinct:' : ''}${arg === null ? '*' : exprKey(arg)}`;
      let index = aggKeys.get(key);
      if (index === undefined) {
        index = aggregates.length;
        aggKeys.set(key, index);
        aggregates.push({ fn, arg, resultType, label: renderExpr(call), distinct });
      }
      return { kind: 'column', index: groupCount + index, type: resultType };
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
  return { ctx, build };
}
