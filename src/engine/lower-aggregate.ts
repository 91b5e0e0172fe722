// Lowers an Aggregate plan node (GROUP BY, aggregate calls, DISTINCT) to the
// AggregateOperator: compiles the group keys and each call's argument.

import { assert } from '../common/assert.js';
import { compileExpr } from '../expr/compile-expr.js';
import { exprKey } from '../expr/bound-expr.js';
import type { Operator } from '../dataflow/operator.js';
import { AggregateOperator } from '../dataflow/aggregate.js';
import type { AggregateNode } from '../plan/logical-plan.js';

export function lowerAggregate(plan: AggregateNode): Operator {
  const calls = plan.aggregates.map((a) => ({
    fn: a.fn,
    arg: a.arg === null ? null : compileExpr(a.arg),
    argType: a.arg === null ? null : a.arg.type,
    resultType: a.resultType,
    label: a.label,
    argKey: a.arg === null ? '*' : exprKey(a.arg),
    distinct: a.distinct,
  }));
  assert(calls.length + plan.groupBy.length === plan.columns.length, 'aggregate column count mismatch');
  return new AggregateOperator(plan.groupBy.map(compileExpr), plan.groupBy.map((g) => g.type), calls, plan.groupLabels);
}
