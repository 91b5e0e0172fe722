// A global ORDER BY ... LIMIT (no partition) keeps every input row in one
// order tree, with no key to put it in parts by. Under a state budget it is
// computed in two phases instead, as a hierarchical top-K:
//
//   1. each row gets a hash bucket of the whole row, and a top-N per bucket
//      keeps the first offset + limit rows of its bucket — a top-N per
//      partition, in parts by bucket that can leave memory;
//   2. the global top-N over what the buckets keep.
//
// This is exact: a row in the global window is in its bucket's window (the
// rows before it in its bucket are before it globally too), and both phases
// order rows alike (the sort keys, then every other column; the bucket is a
// partition column of phase 1, so it takes no part in the order, and copies
// of a row share its bucket). Phase 2 holds at most buckets x (offset +
// limit) rows, so the bucket count shrinks as the window grows, and a window
// too large for a useful number of buckets stays in one phase.

import type { SqlType } from '../common/sql-type.js';
import type { Operator } from '../dataflow/operator.js';
import { PartitionedOperator } from '../dataflow/partitioned-operator.js';
import { ProjectOperator } from '../dataflow/project.js';
import { TopNOperator } from '../dataflow/top-n.js';
import type { Kernel } from '../expr/compile-expr.js';
import type { TopNNode } from '../plan/logical-plan.js';
import type { StateBudget } from '../storage/state-spill.js';
import { bucketKernel } from './hash-bucket.js';

/** Rows phase 2 may hold at most. */
const SECOND_PHASE_ROWS = 65_536;
/** Most buckets (a power of two), and the fewest worth a first phase. */
const MAX_BUCKETS = 1024;
const MIN_BUCKETS = 16;

/** The buckets for a window of `window` rows: a power of two, or 0 when the window is too large to split. */
export function topNBuckets(window: number): number {
  let buckets = MAX_BUCKETS;
  while (buckets >= MIN_BUCKETS && buckets * window > SECOND_PHASE_ROWS) buckets /= 2;
  return buckets >= MIN_BUCKETS ? buckets : 0;
}

/** The operators of the two phases, in circuit order; null when the top-N stays as it is. */
export function splitTopN(plan: TopNNode, budget: StateBudget): Operator[] | null {
  if (plan.partitionBy.length > 0 || plan.limit === null) return null;
  const window = plan.offset + plan.limit;
  const buckets = topNBuckets(window);
  // LIMIT 0 keeps nothing in one phase; split, its first phase would keep the offset's rows of every bucket.
  if (plan.limit === 0 || buckets === 0) return null;
  const types = plan.columns.map((c) => c.type);
  const names = plan.columns.map((c) => c.name);
  const columns = types.map((_, i): Kernel => (input) => input.column(i));
  const withBucket: SqlType[] = [...types, 'integer'];
  const bucketColumn = types.length;
  const bucket: Kernel = (input) => input.column(bucketColumn);
  const perBucket = (): Operator => new TopNOperator(withBucket, [bucketColumn], plan.sortKeys, window, 0, [...names, 'hash bucket']);
  return [
    new ProjectOperator(withBucket, [...columns, bucketKernel(columns, buckets)], `*, hash bucket of the row (${buckets} buckets)`),
    new PartitionedOperator(perBucket, [bucket], budget),
    new ProjectOperator(types, columns, names.join(', ')),
    new TopNOperator(types, [], plan.sortKeys, plan.limit, plan.offset, names),
  ];
}
