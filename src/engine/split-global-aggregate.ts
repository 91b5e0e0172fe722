// A global aggregate (no GROUP BY) whose state grows with its input — MIN/MAX
// keep a multiset of the values, DISTINCT calls a count per value — is one
// group, so it cannot be put in parts by group key like other aggregates
// (dataflow/partitioned-operator.ts). Under a state budget it is computed in
// two phases instead, as Flink splits a skewed DISTINCT aggregate:
//
//   1. the same calls grouped by a bucket, a hash of the calls' argument
//      (BUCKETS of them), in parts that can leave memory: each bucket holds
//      the values of its share of the hash space;
//   2. a global aggregate over the buckets' rows that combines them: MIN of
//      the MINs, MAX of the MAXes, SUM of the COUNTs and SUMs, bool_and /
//      bool_or of theirs. Its state is at most one value per bucket.
//
// then COUNTs over no rows at all become 0 (a SUM over no buckets is NULL).
// A DISTINCT call needs every copy of a value in one bucket, so the bucket
// hashes its argument; all DISTINCT calls must then share that argument, of a
// type whose equal values hash alike (not NUMERIC or INTERVAL, which have
// several spellings of one value). Calls that do not combine exactly (AVG,
// SUM of doubles, whose rounding would depend on the bucketing, variances,
// percentiles, string_agg, array_agg) leave the aggregate as it is.

import type { SqlType } from '../common/sql-type.js';
import { makeColumn } from '../columnar/column.js';
import type { AggregateFunction } from '../dataflow/accumulators.js';
import type { AggregateCall } from '../dataflow/aggregate.js';
import { AggregateOperator } from '../dataflow/aggregate.js';
import type { Operator } from '../dataflow/operator.js';
import { PartitionedOperator } from '../dataflow/partitioned-operator.js';
import { ProjectOperator } from '../dataflow/project.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { exprKey } from '../expr/bound-expr.js';
import type { Kernel } from '../expr/compile-expr.js';
import { compileExpr } from '../expr/compile-expr.js';
import type { AggregateNode } from '../plan/logical-plan.js';
import type { StateBudget } from '../storage/state-spill.js';
import { aggregateCalls } from './lower-aggregate.js';
import { bucketKernel } from './hash-bucket.js';

/** Buckets of phase 1 (a power of two): enough that a bucket of a large state is a small part, few enough that phase 2's state stays small. */
export const BUCKETS = 4096;

/** How phase 2 combines each function's per-bucket results. */
const COMBINE: Partial<Record<AggregateFunction, AggregateFunction>> = {
  count_star: 'sum',
  count: 'sum',
  sum: 'sum',
  min: 'min',
  max: 'max',
  bool_and: 'bool_and',
  bool_or: 'bool_or',
};

/** Types whose equal values have one representation (so hash alike), for a DISTINCT call's bucket. */
const ONE_SPELLING: ReadonlySet<SqlType> = new Set<SqlType>(['boolean', 'integer', 'bigint', 'double', 'text', 'timestamp', 'date', 'timestamptz', 'jsonb', 'bytea']);

/** The operators of the two phases, in circuit order (the last gives the aggregate's rows); null when the aggregate stays as it is. */
export function splitGlobalAggregate(plan: AggregateNode, budget: StateBudget): Operator[] | null {
  const aggregates = plan.aggregates;
  if (plan.groupBy.length > 0 || aggregates.length === 0) return null;
  // Only state that grows with the input is worth a second phase.
  if (!aggregates.some((a) => a.fn === 'min' || a.fn === 'max' || a.distinct)) return null;
  if (aggregates.some((a) => COMBINE[a.fn] === undefined || (a.fn === 'sum' && a.resultType === 'double'))) return null;
  const distinctArgs = new Set(aggregates.filter((a) => a.distinct).map((a) => exprKey(a.arg!)));
  if (distinctArgs.size > 1) return null;
  // The bucket: a hash of the DISTINCT argument, else of every argument (any bucketing combines exactly without DISTINCT).
  const hashed = distinctArgs.size === 1 ? [aggregates.find((a) => a.distinct)!.arg!] : uniqueArgs(aggregates.map((a) => a.arg));
  if (distinctArgs.size === 1 && !ONE_SPELLING.has(hashed[0]!.type)) return null;
  const bucket = bucketKernel(hashed.map(compileExpr), BUCKETS);
  const distinctCall = aggregates.find((a) => a.distinct);
  const bucketLabel = distinctCall === undefined ? 'hash bucket of the arguments' : `hash bucket of the argument of ${distinctCall.label}`;

  const calls = aggregateCalls(plan);
  const perBucket = new PartitionedOperator(() => new AggregateOperator([bucket], ['integer'], calls, [bucketLabel]), [bucket], budget);
  // Phase 2 reads the bucket rows: the bucket, then one column per call.
  const combined = calls.map(
    (c, i): AggregateCall => ({
      fn: COMBINE[c.fn]!,
      arg: (input) => input.column(i + 1),
      argType: c.resultType,
      resultType: c.resultType,
      label: `${COMBINE[c.fn]!}(${c.label})`,
      argKey: `bucket column ${i + 1}`,
    }),
  );
  const operators: Operator[] = [perBucket, new AggregateOperator([], [], combined, [])];
  const counts = calls.map((c) => c.fn === 'count' || c.fn === 'count_star');
  if (counts.some((x) => x)) {
    const types = calls.map((c) => c.resultType);
    const kernels = calls.map((_, i): Kernel => (counts[i] ? nullAsZero(i) : (input) => input.column(i)));
    operators.push(new ProjectOperator(types, kernels, calls.map((c, i) => (counts[i] ? `coalesce(${c.label}, 0)` : c.label)).join(', ')));
  }
  return operators;
}

function uniqueArgs(args: readonly (BoundExpr | null)[]): BoundExpr[] {
  const seen = new Map<string, BoundExpr>();
  for (const a of args) if (a !== null && !seen.has(exprKey(a))) seen.set(exprKey(a), a);
  return [...seen.values()];
}

/** Column `index` (a BIGINT count) with NULL read as 0. */
function nullAsZero(index: number): Kernel {
  return (input) => {
    const col = input.column(index);
    if (col.validity === null) return col;
    const n = col.length;
    const values = Float64Array.from(col.values as Float64Array);
    for (let i = 0; i < n; i++) if (((col.validity[i >>> 3]! >>> (i & 7)) & 1) === 0) values[i] = 0;
    return makeColumn(col.type, values, null, n);
  };
}
