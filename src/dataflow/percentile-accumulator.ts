// percentile_cont(f) / percentile_disc(f) WITHIN GROUP (ORDER BY x): per group
// an order-statistic multiset of the non-NULL x (order-statistic-forest.ts),
// so a change costs O(log d) and reading a group's percentile is one or two
// rank lookups, O(log d), never a rescan (d distinct values in the group).
// Follows PostgreSQL: cont interpolates linearly between the values at ranks
// floor and ceil of f·(n-1); disc returns the value at rank ceil(f·n) (at
// least 1). NULL for a group without non-NULL input, or when f is NULL.

import type { SqlType } from '../common/sql-type.js';
import { assert } from '../common/assert.js';
import type { Column } from '../columnar/column.js';
import { allocValues, makeColumn } from '../columnar/column.js';
import { allValid, setNull } from '../columnar/validity.js';
import type { GroupAccumulator } from './accumulators.js';
import { OrderStatisticForest } from './order-statistic-forest.js';
import { ForestAccumulator } from './forest-accumulator.js';

export class PercentileAccumulator extends ForestAccumulator implements GroupAccumulator {
  protected readonly forest: OrderStatisticForest;
  private readonly numeric: boolean;
  readonly stateDescription = 'per-group order-statistic tree of the ORDER BY values with counts (rank lookup in O(log d))';

  /**
   * @param fraction f in [0, 1], or null (a NULL fraction: every result is NULL)
   * @param descending WITHIN GROUP (ORDER BY x DESC)
   */
  constructor(
    private readonly continuous: boolean,
    private readonly fraction: number | null,
    private readonly descending: boolean,
    private readonly argType: SqlType,
  ) {
    super();
    assert(fraction === null || (fraction >= 0 && fraction <= 1), 'percentile fraction outside [0, 1]');
    this.numeric = argType !== 'text';
    assert(!continuous || this.numeric, 'percentile_cont needs a numeric argument');
    this.forest = new OrderStatisticForest(this.numeric, false);
  }

  update(slots: Int32Array, col: Column | null, weights: Int32Array, n: number): void {
    assert(col !== null, 'percentile needs an argument');
    const values = col.values;
    const validity = col.validity;
    const forest = this.forest;
    for (let i = 0; i < n; i++) {
      if (validity !== null && ((validity[i >>> 3]! >>> (i & 7)) & 1) === 0) continue;
      forest.add(slots[i]!, values[i]!, '', weights[i]!);
    }
  }

  /** The node at rank k (0-based) in the WITHIN GROUP order. */
  private nodeAt(slot: number, k: number, total: number): number {
    return this.forest.nodeAtRank(slot, this.descending ? total - 1 - k : k);
  }

  read(slots: Int32Array): Column {
    const m = slots.length;
    const resultType: SqlType = this.continuous ? 'double' : this.argType;
    const out = allocValues(resultType, m) as (number | string)[];
    let validity: Uint8Array | null = null;
    const forest = this.forest;
    const f = this.fraction;
    for (let j = 0; j < m; j++) {
      const s = slots[j]!;
      const total = forest.totalOf(s);
      if (total <= 0 || f === null) {
        validity ??= allValid(m);
        setNull(validity, j);
        continue;
      }
      if (this.continuous) {
        const position = f * (total - 1);
        const lo = Math.floor(position);
        const hi = Math.ceil(position);
        const first = forest.numKey(this.nodeAt(s, lo, total));
        if (hi === lo) out[j] = first;
        else {
          const second = forest.numKey(this.nodeAt(s, hi, total));
          out[j] = first + (second - first) * (position - lo);
        }
      } else {
        const rank = Math.max(Math.ceil(f * total), 1);
        const node = this.nodeAt(s, rank - 1, total);
        out[j] = this.numeric ? forest.numKey(node) : forest.strKey(node);
      }
    }
    return makeColumn(resultType, out as Column['values'], validity, m);
  }

  /** Distinct (group, value) entries held, for tests and metrics. */
  entries(): number {
    return this.forest.size;
  }
}
