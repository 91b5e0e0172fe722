// Lowers a logical plan to a chain of dataflow operators. The same chain
// maintains a view (fed deltas) and answers a one-shot SELECT (fed a
// snapshot), so both share one semantics.

import { compileExpr } from '../expr/compile-expr.js';
import type { Operator } from '../dataflow/operator.js';
import { FilterOperator } from '../dataflow/filter.js';
import { ProjectOperator } from '../dataflow/project.js';
import { lowerAggregate } from './lower-aggregate.js';
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
      below.operators.push(lowerAggregate(plan));
      return below;
    }
  }
}

/**
 * Output columns on which a view's rows are unique, or null when none are
 * known. A Project over an Aggregate (HAVING filters in between only drop
 * rows) emits each group at most once, so if the Project passes every group
 * key through as a plain column, those output columns identify a row. DISTINCT
 * groups on every column, so its key is the whole row anyway: null.
 */
export function uniqueKeyColumns(plan: LogicalPlan, visibleColumns: number): number[] | null {
  if (plan.kind !== 'project') return null;
  let below = plan.input;
  while (below.kind === 'filter') below = below.input;
  if (below.kind !== 'aggregate' || below.distinct === true || below.groupBy.length === 0) return null;
  const key: number[] = [];
  for (let g = 0; g < below.groupBy.length; g++) {
    const out = plan.exprs.findIndex((e, i) => i < visibleColumns && e.kind === 'column' && e.index === g);
    if (out < 0) return null;
    key.push(out);
  }
  return key;
}
