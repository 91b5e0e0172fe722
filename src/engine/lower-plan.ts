// Lowers a logical plan to a circuit of dataflow operators. The same circuit
// maintains a view (fed deltas) and answers a one-shot SELECT (fed a
// snapshot), so both share one semantics.

import { UnnestOperator } from '../dataflow/unnest.js';
import { TimeWindowExpandOperator } from '../dataflow/time-window-expand.js';
import { SessionWindowOperator } from '../dataflow/session-window.js';
import { compileExpr } from '../expr/compile-expr.js';
import { Circuit } from '../dataflow/circuit.js';
import { FilterOperator } from '../dataflow/filter.js';
import { TemporalFilterOperator } from '../dataflow/temporal-filter.js';
import { ProjectOperator } from '../dataflow/project.js';
import { JoinOperator } from '../dataflow/join.js';
import { SetOperationOperator } from '../dataflow/set-operation.js';
import { PartitionedSetOperation } from '../dataflow/partitioned-set-operation.js';
import { TopNOperator } from '../dataflow/top-n.js';
import { AssertSingleOperator } from '../dataflow/assert-single.js';
import { WindowOperator } from '../dataflow/window.js';
import { FixpointOperator } from '../dataflow/fixpoint.js';
import type { LogicalPlan } from '../plan/logical-plan.js';
import { lowerAggregate } from './lower-aggregate.js';
import { splitGlobalAggregate } from './split-global-aggregate.js';
import { splitTopN } from './split-top-n.js';
import { PartitionedOperator } from '../dataflow/partitioned-operator.js';
import type { Operator } from '../dataflow/operator.js';
import type { Kernel } from '../expr/compile-expr.js';
import { exactWindow } from '../dataflow/window-spec.js';
import { AggregateOperator } from '../dataflow/aggregate.js';
import type { NodeCleanup } from '../dataflow/circuit.js';
import type { RowExpiry } from '../dataflow/join.js';
import type { SideExpiry, StateBound } from '../plan/state-bounds.js';
import type { StateBudget } from '../storage/state-spill.js';

/**
 * What lowering a view takes beyond its plan: its state cleanup
 * (plan/state-bounds.ts: each stateful node's bound and the tables' close
 * points), and the engine's state budget, under which joins may move state
 * to scratch files (--state-memory; null or absent: all in memory).
 */
export interface CleanupPlan {
  readonly bounds: ReadonlyMap<LogicalPlan, StateBound>;
  /** A table's current close point (watermark minus allowed lateness), µs. */
  readonly closePoint: (table: string) => () => number;
  readonly stateBudget?: StateBudget | null;
}

export function lowerPlan(plan: LogicalPlan, cleanup?: CleanupPlan): Circuit {
  const circuit = new Circuit();
  lowerInto(circuit, plan, new Map(), new Map(), cleanup);
  return circuit;
}

function rowExpiry(e: SideExpiry | null, cleanup: CleanupPlan): RowExpiry | undefined {
  return e === null ? undefined : { column: e.column, slack: e.slack, closePoint: cleanup.closePoint(e.table), otherColumn: e.otherColumn, otherOffset: e.otherOffset };
}

/** The source name a recursive term reads its own relation by (no user can write it). */
export function recursiveSource(id: number): string {
  return `\u0000recursive ${id}`;
}

/**
 * Adds the nodes computing `plan` to `circuit`; returns the index of the node
 * producing its rows. `shared` maps each recursive CTE already lowered in this
 * circuit to its node, so every reference reads the one fixed point; `lowered`
 * maps plan nodes already lowered to theirs, so a subtree the binder used
 * twice (a correlated subquery's outer values are a Distinct over the outer
 * plan itself) is computed once and its output fans out.
 */
function lowerInto(circuit: Circuit, plan: LogicalPlan, shared: Map<number, number>, lowered: Map<LogicalPlan, number>, cleanup?: CleanupPlan): number {
  const known = lowered.get(plan);
  if (known !== undefined) return known;
  const index = lowerNode(circuit, plan, shared, lowered, cleanup);
  lowered.set(plan, index);
  return index;
}

function lowerNode(circuit: Circuit, plan: LogicalPlan, shared: Map<number, number>, lowered: Map<LogicalPlan, number>, cleanup?: CleanupPlan): number {
  const types = plan.columns.map((c) => c.type);
  const lower = (p: LogicalPlan): number => lowerInto(circuit, p, shared, lowered, cleanup);
  const bound = cleanup?.bounds.get(plan);
  // Unbounded nodes carry only EXPLAIN text; bounded ones also evict after each step.
  const textOnly: { cleanup?: NodeCleanup } = bound === undefined ? {} : { cleanup: { text: bound.text } };
  switch (plan.kind) {
    case 'recursiveCte': {
      const known = shared.get(plan.id);
      if (known !== undefined) return known;
      const op = new FixpointOperator(types, () => ({ base: lowerPlan(plan.base), step: lowerPlan(plan.step) }), recursiveSource(plan.id), plan.distinct, plan.name);
      const index = circuit.add({ kind: 'fixpoint', op });
      shared.set(plan.id, index);
      return index;
    }
    case 'recursiveRef':
      return circuit.add({ kind: 'source', relation: recursiveSource(plan.id), types });
    case 'scan':
      return circuit.add({ kind: 'source', relation: plan.relation, types });
    case 'singleRow':
      return circuit.add({ kind: 'source', relation: null, types });
    case 'unnest': {
      const input = lower(plan.input);
      const detail = plan.arrayColumns.map((c) => `unnest(${plan.input.columns[c]!.name})`).join(', ');
      return circuit.add({ kind: 'unary', op: new UnnestOperator(types, plan.arrayColumns, detail), input });
    }
    case 'timeWindow': {
      const input = lower(plan.input);
      return circuit.add({ kind: 'unary', op: new TimeWindowExpandOperator(plan.input.columns.map((c) => c.type), plan.spec, plan.label), input });
    }
    case 'sessionWindow': {
      const input = lower(plan.input);
      return circuit.add({ kind: 'unary', op: new SessionWindowOperator(plan.input.columns.map((c) => c.type), plan.spec, plan.label), input });
    }
    case 'filter': {
      const input = lower(plan.input);
      return circuit.add({ kind: 'unary', op: new FilterOperator(types, compileExpr(plan.predicate), plan.label), input });
    }
    case 'temporalFilter': {
      const input = lower(plan.input);
      const bounds = plan.bounds.map((b) => ({ instant: compileExpr(b.rowExpr), op: b.op, offsetMicros: b.offsetMicros }));
      return circuit.add({ kind: 'temporal', op: new TemporalFilterOperator(types, bounds, plan.label), input });
    }
    case 'project': {
      const input = lower(plan.input);
      const labels = plan.labels.map((l, i) => (plan.columns[i]!.name === l ? l : `${l} AS ${plan.columns[i]!.name}`));
      return circuit.add({ kind: 'unary', op: new ProjectOperator(types, plan.exprs.map(compileExpr), labels.join(', ')), input });
    }
    case 'aggregate': {
      const input = lower(plan.input);
      // A grouped aggregate's state is in parts by group key, each written as itself (dataflow/partitioned-operator.ts).
      if (bound?.kind !== 'groups' && plan.groupBy.length > 0) {
        const parted = inParts(() => lowerAggregate(plan), plan.groupBy.map(compileExpr), cleanup);
        if (parted !== null) return circuit.add({ kind: 'unary', op: parted, input, ...textOnly });
      }
      // A global one whose state grows with its input, in two phases of which the first is in parts (split-global-aggregate.ts).
      const budget = cleanup?.stateBudget ?? null;
      const phases = budget === null ? null : splitGlobalAggregate(plan, budget);
      if (phases !== null) {
        return addChain(circuit, phases, input, textOnly);
      }
      const op = lowerAggregate(plan);
      if (bound?.kind === 'groups' && cleanup !== undefined && op instanceof AggregateOperator) {
        op.enableCleanup({ column: bound.column, offset: bound.offset, strict: bound.strict, closePoint: cleanup.closePoint(bound.table) });
        return circuit.add({ kind: 'unary', op, input, cleanup: { text: bound.text, evict: () => op.evictClosed() } });
      }
      return circuit.add({ kind: 'unary', op, input, ...textOnly });
    }
    case 'join': {
      const left = lower(plan.left);
      const right = lower(plan.right);
      const op = new JoinOperator({
        kind: plan.joinType,
        leftTypes: plan.left.columns.map((c) => c.type),
        rightTypes: plan.right.columns.map((c) => c.type),
        leftKeys: plan.leftKeys.map(compileExpr),
        rightKeys: plan.rightKeys.map(compileExpr),
        keyTypes: plan.leftKeys.map((k) => k.type),
        nullSafe: plan.nullSafe,
        residual: plan.residual === null ? null : compileExpr(plan.residual),
        detail: plan.label,
        ...(bound?.kind === 'interval' && cleanup !== undefined ? intervalExpiry(bound, cleanup) : {}),
      }, cleanup?.stateBudget ?? null);
      if (bound?.kind === 'interval') return circuit.add({ kind: 'binary', op, left, right, cleanup: { text: bound.text, evict: () => op.evictClosed() } });
      return circuit.add({ kind: 'binary', op, left, right, ...textOnly });
    }
    case 'setOp': {
      const left = lower(plan.left);
      const right = lower(plan.right);
      if (plan.op === 'unionAll') return circuit.add({ kind: 'union', inputs: [left, right], types });
      const kind = plan.op;
      const make = (): SetOperationOperator => new SetOperationOperator(kind, plan.all, types);
      // Each row's output depends on its own counts alone: in parts by row under a budget (partitioned-set-operation.ts).
      const budget = cleanup?.stateBudget ?? null;
      return circuit.add({ kind: 'binary', op: budget === null ? make() : new PartitionedSetOperation(make, budget), left, right, ...textOnly });
    }
    case 'window': {
      const input = lower(plan.input);
      const inputTypes = plan.input.columns.map((c) => c.type);
      const make = (): Operator => new WindowOperator(inputTypes, plan.partitionBy, plan.orderBy, plan.calls, plan.input.columns.map((c) => c.name));
      const parted = plan.partitionBy.length > 0 && exactWindow(plan.calls, inputTypes) ? inParts(make, plan.partitionBy.map(columnKernel), cleanup) : null;
      return circuit.add({ kind: 'unary', op: parted ?? make(), input, ...textOnly });
    }
    case 'assertSingle': {
      const input = lower(plan.input);
      return circuit.add({ kind: 'unary', op: new AssertSingleOperator(types, plan.keyColumns), input });
    }
    case 'topN': {
      const input = lower(plan.input);
      const make = (): Operator => new TopNOperator(types, plan.partitionBy, plan.sortKeys, plan.limit, plan.offset, plan.columns.map((c) => c.name));
      // Top-N output is a subset of its input (ties broken by every column), exact whatever the arrival order.
      const parted = plan.partitionBy.length > 0 ? inParts(make, plan.partitionBy.map(columnKernel), cleanup) : null;
      // A global one, in two phases of which the first is in parts by hash bucket (split-top-n.ts).
      const budget = cleanup?.stateBudget ?? null;
      const phases = parted === null && budget !== null ? splitTopN(plan, budget) : null;
      if (phases !== null) return addChain(circuit, phases, input, textOnly);
      return circuit.add({ kind: 'unary', op: parted ?? make(), input, ...textOnly });
    }
  }
}

/**
 * Under a state budget, an operator whose state is keyed by `keys` in parts
 * that can move to disk (dataflow/partitioned-operator.ts); null without a
 * budget (the operator as it is). Only for operators that divide their own
 * state by key (grouped aggregates), or whose state is their input rows and
 * whose output depends on the input multiset alone (top-N, exact windows).
 */
function inParts(make: () => Operator, keys: readonly Kernel[], cleanup: CleanupPlan | undefined): Operator | null {
  const budget = cleanup?.stateBudget ?? null;
  return budget === null ? null : new PartitionedOperator(make, keys, budget);
}

/** Adds unary operators reading one another in order from node `input`; the last carries `last` (its cleanup text). */
function addChain(circuit: Circuit, ops: readonly Operator[], input: number, last: { cleanup?: NodeCleanup }): number {
  return ops.reduce((from, op, i) => circuit.add({ kind: 'unary', op, input: from, ...(i === ops.length - 1 ? last : {}) }), input);
}

function columnKernel(index: number): Kernel {
  return (input) => input.column(index);
}

function intervalExpiry(bound: Extract<StateBound, { kind: 'interval' }>, cleanup: CleanupPlan): { leftExpiry?: RowExpiry; rightExpiry?: RowExpiry } {
  const left = rowExpiry(bound.left, cleanup);
  const right = rowExpiry(bound.right, cleanup);
  return { ...(left === undefined ? {} : { leftExpiry: left }), ...(right === undefined ? {} : { rightExpiry: right }) };
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
  while (below.kind === 'filter' || below.kind === 'temporalFilter') below = below.input;
  if (below.kind !== 'aggregate' || below.distinct === true || below.groupBy.length === 0) return null;
  const key: number[] = [];
  for (let g = 0; g < below.groupBy.length; g++) {
    const out = plan.exprs.findIndex((e, i) => i < visibleColumns && e.kind === 'column' && e.index === g);
    if (out < 0) return null;
    key.push(out);
  }
  return key;
}
