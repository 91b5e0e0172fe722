// Lowers an Aggregate plan node (GROUP BY, aggregate calls, DISTINCT) to the
// AggregateOperator: compiles the group keys and each call's argument, FILTER
// and ORDER BY key.

import { assert } from '../common/assert.js';
import { compileExpr } from '../expr/compile-expr.js';
import { exprKey } from '../expr/bound-expr.js';
import type { Operator } from '../dataflow/operator.js';
import type { AggregateCall } from '../dataflow/aggregate.js';
import { AggregateOperator } from '../dataflow/aggregate.js';
import type { AggregateNode } from '../plan/logical-plan.js';

/**
 * True when a grouped aggregate's state may move to disk in parts
 * (dataflow/partitioned-aggregate.ts), which keeps each part's input rows to
 * rebuild it. Two conditions:
 * - its state already grows with the input, so keeping the rows costs about
 *   as much again, not orders of magnitude more: SELECT DISTINCT, or some
 *   MIN/MAX (value multisets), DISTINCT argument or percentile;
 * - its result is a function of the input multiset alone, bit for bit,
 *   whatever order the rows came in (so a rebuilt part retracts exactly what
 *   the old one emitted): counts, MIN/MAX, boolean aggregates, percentiles,
 *   and sums and averages over INTEGER, NUMERIC (exact decimal sums) and
 *   INTERVAL. Compensated double sums, variances and the ordered
 *   string_agg/array_agg (ties keep arrival order) are not.
 */
export function spillableAggregate(plan: AggregateNode): boolean {
  if (plan.groupBy.length === 0) return false;
  const perValue = plan.aggregates.length === 0 || plan.aggregates.some((a) => a.fn === 'min' || a.fn === 'max' || a.distinct || a.fn === 'percentile_cont' || a.fn === 'percentile_disc');
  return perValue && plan.aggregates.every((a) => {
    switch (a.fn) {
      case 'count_star':
      case 'count':
      case 'min':
      case 'max':
      case 'bool_and':
      case 'bool_or':
      case 'percentile_cont':
      case 'percentile_disc':
        return true;
      case 'sum':
      case 'avg':
        // INTEGER sums are whole numbers in doubles, exact in any order below 2^53.
        return a.arg?.type === 'integer' || a.resultType === 'numeric' || a.resultType === 'interval';
      default:
        return false;
    }
  });
}

export function lowerAggregate(plan: AggregateNode): Operator {
  const calls = plan.aggregates.map((a): AggregateCall => ({
    fn: a.fn,
    arg: a.arg === null ? null : compileExpr(a.arg),
    argType: a.arg === null ? null : a.arg.type,
    resultType: a.resultType,
    label: a.label,
    // Calls share state only when both their argument and their FILTER agree.
    argKey: `${a.arg === null ? '*' : exprKey(a.arg)}${a.filter === undefined ? '' : ` filter ${exprKey(a.filter)}`}`,
    distinct: a.distinct,
    ...(a.filter === undefined ? {} : { filter: compileExpr(a.filter) }),
    ...(a.param === undefined ? {} : { param: a.param }),
    ...(a.orderKey === undefined ? {} : { orderKey: compileExpr(a.orderKey), orderKeyType: a.orderKey.type }),
    ...(a.descending === undefined ? {} : { descending: a.descending }),
    ...(a.nullsFirst === undefined ? {} : { nullsFirst: a.nullsFirst }),
  }));
  assert(calls.length + plan.groupBy.length === plan.columns.length, 'aggregate column count mismatch');
  return new AggregateOperator(plan.groupBy.map(compileExpr), plan.groupBy.map((g) => g.type), calls, plan.groupLabels);
}
