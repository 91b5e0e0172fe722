// string_agg(x, delimiter [ORDER BY key]) per group: an ordered multiset of the
// non-NULL x (order-statistic-forest.ts), sorted by the ORDER BY key with ties
// broken by x, or by x itself when the call has no ORDER BY (PostgreSQL leaves
// that order unspecified; sorting by value makes it deterministic). A change
// costs O(log d) and never rescans the group; reading a group walks it once,
// O(its length), as producing the string must. NULL for a group with no
// non-NULL x. With DISTINCT, each value is printed once.

import type { SqlType } from '../common/sql-type.js';
import { assert } from '../common/assert.js';
import type { Column } from '../columnar/column.js';
import type { GroupAccumulator } from './accumulators.js';
import { OrderStatisticForest } from './order-statistic-forest.js';
import { ForestAccumulator } from './forest-accumulator.js';

/**
 * The delimiter parameter meaning "each value carries its own": values arrive
 * as `value NUL delimiter` (PostgreSQL text holds no NUL), and each value but
 * the first is printed after its delimiter, as string_agg(x, per_row_expr) does.
 */
export const PER_ROW_DELIMITER = '\u0000';

export interface TextAggOrder {
  /** The ORDER BY key's type, or null when the key is the value itself. */
  readonly keyType: SqlType | null;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

/** Joins `value NUL delimiter` parts: the first value alone, each later one after its delimiter. */
function joinOwnDelimiters(parts: readonly string[]): string {
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    const cut = p.indexOf(PER_ROW_DELIMITER);
    out += i === 0 ? p.slice(0, cut) : p.slice(cut + 1) + p.slice(0, cut);
  }
  return out;
}

export class TextAggAccumulator extends ForestAccumulator implements GroupAccumulator {
  protected readonly forest: OrderStatisticForest;
  private readonly separateKey: boolean;
  readonly stateDescription: string;

  constructor(
    private readonly delimiter: string,
    private readonly order: TextAggOrder,
    private readonly distinct: boolean,
  ) {
    super();
    this.separateKey = order.keyType !== null;
    // The tree is ascending; a DESC order walks it backwards, so NULL keys sit
    // at the low end exactly when they come first in an ascending walk.
    const nullsLow = order.descending ? !order.nullsFirst : order.nullsFirst;
    this.forest = new OrderStatisticForest(order.keyType !== null && order.keyType !== 'text', this.separateKey, nullsLow);
    this.stateDescription = this.separateKey
      ? 'per-group ordered multiset of (ORDER BY key, value) with counts'
      : 'per-group ordered multiset of the values with counts';
  }

  /** Values are their own sort key (no ORDER BY, or ORDER BY the value). */
  update(slots: Int32Array, col: Column | null, weights: Int32Array, n: number): void {
    assert(col !== null && !this.separateKey, 'string_agg without a separate ORDER BY key takes one column');
    const values = col.values as string[];
    const validity = col.validity;
    for (let i = 0; i < n; i++) {
      if (validity !== null && ((validity[i >>> 3]! >>> (i & 7)) & 1) === 0) continue;
      this.forest.add(slots[i]!, values[i]!, '', weights[i]!);
    }
  }

  /** Values sorted by a separate ORDER BY key column (NULL keys allowed). */
  updateWithKey(slots: Int32Array, col: Column, keys: Column, weights: Int32Array, n: number): void {
    assert(this.separateKey, 'string_agg: updateWithKey without an ORDER BY key');
    const values = col.values as string[];
    const validity = col.validity;
    const keyValues = keys.values;
    const keyValidity = keys.validity;
    for (let i = 0; i < n; i++) {
      if (validity !== null && ((validity[i >>> 3]! >>> (i & 7)) & 1) === 0) continue;
      const keyNull = keyValidity !== null && ((keyValidity[i >>> 3]! >>> (i & 7)) & 1) === 0;
      this.forest.add(slots[i]!, keyNull ? null : keyValues[i]!, values[i]!, weights[i]!);
    }
  }

  read(slots: Int32Array): Column {
    const forest = this.forest;
    const part = (node: number): string => (this.separateKey ? forest.second(node) : forest.strKey(node));
    const join = (parts: string[]): string => (this.delimiter === PER_ROW_DELIMITER ? joinOwnDelimiters(parts) : parts.join(this.delimiter));
    return forest.readJoined(slots, 'text', this.order.descending, this.distinct, part, join);
  }

  /** Distinct (group, key, value) entries held, for tests and metrics. */
  entries(): number {
    return this.forest.size;
  }
}
