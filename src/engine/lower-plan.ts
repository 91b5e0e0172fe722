// Lowers a logical plan to a chain of dataflow operators. The same chain
// maintains a view (fed deltas) and answers a one-shot SELECT (fed a
// snapshot), so both share one semantics.

import { assert } from '../common/assert.js';
import { compileExpr } from '../expr/compile-expr.js';
import { exprKey } from '../expr/bound-expr.js';
import type { Operator } from '../dataflow/operator.js';
import { FilterOperator } from '../dataflow/filter.js';
import { ProjectOperator } from '../dataflow/project.js';
import { AggregateOperator } from '../dataflow/aggregate.js';
import type { LogicalPlan } from '../plan/logical-plan.js';

export interface LoweredPlan {
  /** The relation the chain reads; null for the FROM-less single row. */
  readonly source: string | null;
  readonly operators: Operator[];
}

export function lowerPlan(plan: LogicalPlan): LoweredPlan {
  switch (plan.kind) {
    case 'scan':
      return { source: plan.relation, operators: [] };
    case 'singleRow':
      return { source: null, operators: [] };
    case 'filter': {
      const below = lowerPlan(plan.input);
      const types = plan.columns.map((c) => c.type);
      below.operators.push(new FilterOperator(types, compileExpr(plan.predicate), plan.label));
      return below;
    }
    case 'project': {
      const below = lowerPlan(plan.input);
      const types = plan.columns.map((c) => c.type);
      const labels = plan.labels.map((l, i) => (plan.columns[i]!.name === l ? l : `${l} AS ${plan.columns[i]!.name}`));
      below.operators.push(new ProjectOperator(types, plan.exprs.map(compileExpr), labels.join(', ')));
      return below;
    }
    case 'aggregate': {
      const below = lowerPlan(plan.input);
      const calls = plan.aggregates.map((a) => ({
        fn: a.fn,
        arg: a.arg === null ? null : compileExpr(a.arg),
        argType: a.arg === null ? null : a.arg.type,
        resultType: a.resultType,
        label: a.label,
        argKey: a.arg === null ? '*' : exprKey(a.arg),
      }));
      assert(calls.length + plan.groupBy.length === plan.columns.length, 'aggregate column count mismatch');
      below.operators.push(
        new AggregateOperator(plan.groupBy.map(compileExpr), plan.groupBy.map((g) => g.type), calls, plan.groupLabels),
      );
      return below;
    }
  }
}
