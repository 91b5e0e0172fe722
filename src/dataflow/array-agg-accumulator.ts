// array_agg(x [ORDER BY key]) per group: an ordered multiset of (sort key,
// element text) in an order-statistic forest (order-statistic-forest.ts),
// sorted by the ORDER BY key, or by x itself without one (PostgreSQL leaves
// that order unspecified; sorting makes it deterministic), ties broken by the
// element text. NULL x are kept (as NULL elements), unlike string_agg.
// Cost: a change is O(log d) (d distinct entries in its group) and never
// rescans the group; reading a changed group walks it once, O(its length), as
// building the array text must. NULL for a group with no rows (PostgreSQL's
// array_agg over no rows). With DISTINCT, each value appears once.

import type { SqlType } from '../common/sql-type.js';
import { assert } from '../common/assert.js';
import type { Column } from '../columnar/column.js';
import { allocValues } from '../columnar/column.js';
import { quoteArrayElement } from '../columnar/array-text.js';
import { elementTexts } from '../expr/array-elements.js';
import type { GroupAccumulator } from './accumulators.js';
import { OrderStatisticForest } from './order-statistic-forest.js';
import { ForestAccumulator } from './forest-accumulator.js';

export interface ArrayAggOrder {
  /** The sort key's type: the ORDER BY key's, or the value's own without ORDER BY. */
  readonly keyType: SqlType;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

/** Whether a type's column values are strings (text, jsonb, bytea, numeric keys, arrays) rather than numbers. */
function stringBacked(type: SqlType): boolean {
  return Array.isArray(allocValues(type, 0));
}

export class ArrayAggAccumulator extends ForestAccumulator implements GroupAccumulator {
  protected readonly forest: OrderStatisticForest;
  readonly stateDescription: string;

  constructor(
    /** The array type T[] of the argument's type T. */
    private readonly resultType: SqlType,
    private readonly order: ArrayAggOrder,
    private readonly distinct: boolean,
    separateKey: boolean,
  ) {
    super();
    // The tree is ascending; a DESC order walks it backwards, so NULL keys sit
    // at the low end exactly when they come first in an ascending walk.
    const nullsLow = order.descending ? !order.nullsFirst : order.nullsFirst;
    this.forest = new OrderStatisticForest(!stringBacked(order.keyType), true, nullsLow);
    this.stateDescription = separateKey
      ? 'per-group ordered multiset of (ORDER BY key, element) with counts'
      : 'per-group ordered multiset of the elements with counts';
  }

  /** No separate ORDER BY key: each value is its own sort key. */
  update(slots: Int32Array, col: Column | null, weights: Int32Array, n: number): void {
    assert(col !== null, 'array_agg takes one argument');
    this.updateWithKey(slots, col, col, weights, n);
  }

  /** Adds weights[i] copies of value i to group slots[i], sorted by keys[i] (NULL keys allowed). */
  updateWithKey(slots: Int32Array, col: Column, keys: Column, weights: Int32Array, n: number): void {
    const texts = elementTexts(col);
    const keyValues = keys.values;
    const keyValidity = keys.validity;
    for (let i = 0; i < n; i++) {
      const t = texts[i];
      const element = t === null || t === undefined ? 'NULL' : quoteArrayElement(t);
      const keyNull = keyValidity !== null && ((keyValidity[i >>> 3]! >>> (i & 7)) & 1) === 0;
      this.forest.add(slots[i]!, keyNull ? null : (keyValues[i] as number | string), element, weights[i]!);
    }
  }

  read(slots: Int32Array): Column {
    const forest = this.forest;
    return forest.readJoined(slots, this.resultType, this.order.descending, this.distinct, (node) => forest.second(node), (parts) => `{${parts.join(',')}}`);
  }

  /** Distinct (group, key, element) entries held, for tests and metrics. */
  entries(): number {
    return this.forest.size;
  }
}
