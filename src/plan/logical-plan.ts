// The logical plan: what a query computes, independent of how it is
// maintained. Readonly, kind-tagged nodes; each knows its output columns.
// The dataflow builder (engine/lower-plan.ts) turns a plan into operators,
// for a view (incrementally) and for a one-shot SELECT (over a snapshot).

import type { SqlType } from '../common/sql-type.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import type { AggregateFunction } from '../dataflow/accumulators.js';
import type { WindowCall, WindowOrderKey } from '../dataflow/window-spec.js';
import type { TimeWindowSpec } from '../dataflow/time-window-expand.js';
import type { SessionWindowSpec } from '../dataflow/session-window.js';
import type { TimeComparison } from '../dataflow/temporal-filter.js';

export interface OutputColumn {
  readonly name: string;
  readonly type: SqlType;
}

export type LogicalPlan = ScanNode | SingleRowNode | FilterNode | ProjectNode | AggregateNode | JoinNode | SetOpNode | TopNNode | WindowNode | AssertSingleNode | RecursiveCteNode | RecursiveRefNode | TimeWindowNode | SessionWindowNode | TemporalFilterNode | UnnestNode;

/** TUMBLE / HOP / CUMULATE over an input: its columns, then window_start and window_end. */
export interface TimeWindowNode {
  readonly kind: 'timeWindow';
  readonly input: LogicalPlan;
  readonly spec: TimeWindowSpec;
  /** e.g. "HOP(created_at, slide 00:15:00, size 00:30:00)". */
  readonly label: string;
  readonly columns: readonly OutputColumn[];
}

/** SESSION over an input: its columns, then window_start and window_end of each row's session. */
export interface SessionWindowNode {
  readonly kind: 'sessionWindow';
  readonly input: LogicalPlan;
  readonly spec: SessionWindowSpec;
  /** e.g. "SESSION(ev, ts, gap 00:05:00, partition by k)". */
  readonly label: string;
  readonly columns: readonly OutputColumn[];
}

/** One condition of a temporal filter: `rowExpr op now() + offsetMicros`. */
export interface TemporalBoundPlan {
  /** A TIMESTAMP or TIMESTAMPTZ expression over the input row, without now(). */
  readonly rowExpr: BoundExpr;
  readonly op: TimeComparison;
  /** The constant added to now(), in µs (negative for `now() - INTERVAL ...`). */
  readonly offsetMicros: number;
  /** rowExpr as SQL-ish text, for EXPLAIN. */
  readonly text: string;
}

/**
 * A view's conditions on now() (plan/bind-temporal.ts): keeps the input rows
 * for which every bound holds at the engine clock's current time; rows enter
 * and leave as the clock advances (dataflow/temporal-filter.ts).
 */
export interface TemporalFilterNode {
  readonly kind: 'temporalFilter';
  readonly input: LogicalPlan;
  readonly bounds: readonly TemporalBoundPlan[];
  /** e.g. "visible while ts > now() - 00:05:00; retracted at ts + 00:05:00". */
  readonly label: string;
  readonly columns: readonly OutputColumn[];
}

/** unnest(array) calls of a select list: one row per element (dataflow/unnest.ts). */
export interface UnnestNode {
  readonly kind: 'unnest';
  readonly input: LogicalPlan;
  /** Input columns holding the arrays; the same positions hold the elements in the output. */
  readonly arrayColumns: readonly number[];
  readonly columns: readonly OutputColumn[];
}

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
  /** `FILTER (WHERE cond)`: only rows where cond is TRUE reach the call. */
  readonly filter?: BoundExpr;
  /** A constant parameter: string_agg's delimiter, percentile_cont/disc's fraction. */
  readonly param?: number | string;
  /** string_agg(... ORDER BY key): the sort key; percentile's WITHIN GROUP key is `arg`. */
  readonly orderKey?: BoundExpr;
  readonly descending?: boolean;
  readonly nullsFirst?: boolean;
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
  /** Grouped only by a correlated subquery's outer values: one row per outer value. */
  readonly singleRowPerOuter?: true;
}

/**
 * A join. Output columns: the left input's, then the right's (the outer
 * side's columns become nullable). Equality keys are pairs of expressions over
 * each side's own columns, of equal types; `nullSafe[k]` marks IS NOT DISTINCT
 * FROM keys. The residual condition reads the concatenated row. CROSS JOIN is
 * an inner join with no keys and no residual.
 */
export interface JoinNode {
  readonly kind: 'join';
  readonly joinType: 'inner' | 'left' | 'right' | 'full';
  readonly left: LogicalPlan;
  readonly right: LogicalPlan;
  readonly leftKeys: readonly BoundExpr[];
  readonly rightKeys: readonly BoundExpr[];
  readonly nullSafe: readonly boolean[];
  readonly residual: BoundExpr | null;
  /** SQL-ish text for EXPLAIN, e.g. 'LEFT JOIN ON a.k = b.k'. */
  readonly label: string;
  readonly columns: readonly OutputColumn[];
}

/**
 * UNION ALL, INTERSECT [ALL], EXCEPT [ALL] over inputs with the same column
 * types (the binder casts them). UNION without ALL is a Distinct over UNION ALL.
 */
export interface SetOpNode {
  readonly kind: 'setOp';
  readonly op: 'unionAll' | 'intersect' | 'except';
  readonly all: boolean;
  readonly left: LogicalPlan;
  readonly right: LogicalPlan;
  readonly columns: readonly OutputColumn[];
}

export interface SortKey {
  /** Output column index (may be a hidden column). */
  readonly column: number;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

/**
 * ORDER BY ... LIMIT/OFFSET maintained incrementally (in a view or a
 * subquery): the rows ranked [offset, offset + limit) by the sort keys within
 * each partition (no partition columns: one global ranking).
 */
export interface TopNNode {
  readonly kind: 'topN';
  readonly input: LogicalPlan;
  readonly partitionBy: readonly number[];
  readonly sortKeys: readonly SortKey[];
  readonly limit: number | null;
  readonly offset: number;
  readonly columns: readonly OutputColumn[];
}

/**
 * Window functions sharing one PARTITION BY / ORDER BY: output columns are the
 * input's, then one per call (dataflow/window.ts computes them).
 */
export interface WindowNode {
  readonly kind: 'window';
  readonly input: LogicalPlan;
  readonly partitionBy: readonly number[];
  readonly orderBy: readonly WindowOrderKey[];
  readonly calls: readonly WindowCall[];
  readonly columns: readonly OutputColumn[];
}

/**
 * A scalar subquery's result, checked to hold at most one row per key (the
 * correlated outer values; no keys: one row in all). More is PostgreSQL's
 * error 21000, raised by the change that causes it.
 */
export interface AssertSingleNode {
  readonly kind: 'assertSingle';
  readonly input: LogicalPlan;
  readonly keyColumns: readonly number[];
  readonly columns: readonly OutputColumn[];
}

/**
 * A WITH RECURSIVE relation: the fixed point of `base` UNION [ALL] `step`,
 * where `step` reads the relation itself through RecursiveRef leaves with the
 * same `id`. Every reference in the main query is this same node object.
 */
export interface RecursiveCteNode {
  readonly kind: 'recursiveCte';
  readonly id: number;
  readonly name: string;
  readonly base: LogicalPlan;
  readonly step: LogicalPlan;
  /** UNION (true) or UNION ALL (false). */
  readonly distinct: boolean;
  readonly columns: readonly OutputColumn[];
}

/** Inside a recursive term: the recursive relation's rows so far. */
export interface RecursiveRefNode {
  readonly kind: 'recursiveRef';
  readonly id: number;
  readonly columns: readonly OutputColumn[];
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
    case 'join':
    case 'setOp':
      return [...planInputs(plan.left), ...planInputs(plan.right)];
    case 'recursiveCte':
      return [...planInputs(plan.base), ...planInputs(plan.step)];
    case 'recursiveRef':
      return [];
    default:
      return planInputs(plan.input);
  }
}
