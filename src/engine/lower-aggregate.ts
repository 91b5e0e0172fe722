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

export function lowerAggregate(plan: AggregateNode): Operator {
  const calls = aggregateCalls(plan);
  assert(calls.length + plan.groupBy.length === plan.columns.length, 'aggregate column count mismatch');
  return new AggregateOperator(plan.groupBy.map(compileExpr), plan.groupBy.map((g) => g.type), calls, plan.groupLabels);
}

/** The node's aggregate calls, compiled. */
export function aggregateCalls(plan: AggregateNode): AggregateCall[] {
  return plan.aggregates.map((a): AggregateCall => ({
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
}
