// The logical plan: what a query computes, independent of how it is
// maintained. Readonly, kind-tagged nodes; each knows its output columns.
// The dataflow builder (engine/lower-plan.ts) turns a plan into operators,
// for a view (incrementally) and for a one-shot SELECT (over a snapshot).

import type { SqlType } from '../common/sql-type.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import type { AggregateFunction } from '../dataflow/accumulators.js';

export interface OutputColumn {
  readonly name: string;
  readonly type: SqlType;
}

export type LogicalPlan = ScanNode | SingleRowNode | FilterNode | ProjectNode | AggregateNode;

export interface ScanNode {
  readonly kind: 'scan';
  readonly relation: string;
  readonly relationKind: 'table' | 'view';
  readonly columns: readonly OutputColumn[];
}

/** The FROM-less source: one row with no columns (SELECT 1). */
export interface SingleRowNode {
  readonly kind: 'singleRow';
  readonly columns: readonly OutputColumn[];
}

export interface FilterNode {
  readonly kind: 'filter';
  readonly input: LogicalPlan;
  readonly predicate: BoundExpr;
  /** SQL-ish text for EXPLAIN. */
  readonly label: string;
  readonly columns: readonly OutputColumn[];
}

export interface ProjectNode {
  readonly kind: 'project';
  readonly input: LogicalPlan;
  readonly exprs: readonly BoundExpr[];
  readonly labels: readonly string[];
  readonly columns: readonly OutputColumn[];
}

export interface AggregateCallPlan {
  readonly fn: AggregateFunction;
  readonly arg: BoundExpr | null;
  readonly resultType: SqlType;
  readonly label: string;
  /** COUNT/SUM/AVG(DISTINCT arg). MIN/MAX(DISTINCT) bind as plain MIN/MAX. */
  readonly distinct: boolean;
}

/**
 * Output columns: the group keys, then one per aggregate call. SELECT DISTINCT
 * is an Aggregate grouping on every input column with no calls, marked
 * `distinct` so EXPLAIN can call it by its SQL name.
 */
export interface AggregateNode {
  readonly kind: 'aggregate';
  readonly input: LogicalPlan;
  readonly groupBy: readonly BoundExpr[];
  readonly groupLabels: readonly string[];
  readonly aggregates: readonly AggregateCallPlan[];
  readonly columns: readonly OutputColumn[];
  readonly distinct?: true;
}

export interface SortKey {
  /** Output column index (may be a hidden column). */
  readonly column: number;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

/** A bound query: the plan plus what only a one-shot read applies. */
export interface QueryPlan {
  readonly root: LogicalPlan;
  /** The first `visibleColumns` of root's columns are the result; the rest only feed ORDER BY. */
  readonly visibleColumns: number;
  readonly orderBy: readonly SortKey[];
  readonly limit: number | null;
  readonly offset: number;
  /** Tables and views the query reads. */
  readonly dependsOn: readonly string[];
}

/** Relations a plan reads, bottom-up. */
export function planInputs(plan: LogicalPlan): string[] {
  switch (plan.kind) {
    case 'scan':
      return [plan.relation];
    case 'singleRow':
      return [];
    default:
      return planInputs(plan.input);
  }
}
