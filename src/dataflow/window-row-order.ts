// The total order of a window operator's rows inside a partition: the ORDER BY
// keys (direction and NULL placement as given; doubles with NaN greatest, text
// by code point), then every remaining column ascending with NULLs last as a
// tie-break, so ROW_NUMBER and FIRST_VALUE/LAST_VALUE among peers are
// deterministic. Rows are read by slot from the operator's row store.

import type { SqlType } from '../common/sql-type.js';
import type { KeyedRows } from '../columnar/keyed-rows.js';
import type { GrowableColumn } from '../columnar/growable-column.js';
import { compareDoubles, compareText } from '../expr/functions/comparison.js';
import type { WindowOrderKey } from './window-spec.js';

function compareCells(col: GrowableColumn, a: number, b: number, nullsFirst: boolean, descending: boolean): number {
  // For performance: most key columns never held a NULL.
  if (col.hasNulls) {
    const an = col.isNull(a);
    const bn = col.isNull(b);
    if (an || bn) {
      if (an && bn) return 0;
      return an === nullsFirst ? -1 : 1;
    }
  }
  const values = col.values;
  const c = Array.isArray(values)
    ? compareText(values[a]!, values[b]!)
    : compareDoubles((values as Float64Array)[a]!, (values as Float64Array)[b]!);
  return descending ? -c : c;
}

export class WindowRowOrder {
  private readonly tieColumns: number[];

  constructor(
    private readonly rows: KeyedRows,
    types: readonly SqlType[],
    readonly orderBy: readonly WindowOrderKey[],
    partitionBy: readonly number[],
  ) {
    const used = new Set<number>([...partitionBy, ...orderBy.map((k) => k.column)]);
    this.tieColumns = types.map((_, i) => i).filter((i) => !used.has(i));
  }

  /** Compares the ORDER BY keys of two stored rows: 0 means peers. */
  compareKeys(a: number, b: number): number {
    if (a === b) return 0;
    const cols = this.rows.columns;
    for (const k of this.orderBy) {
      const c = compareCells(cols[k.column]!, a, b, k.nullsFirst, k.descending);
      if (c !== 0) return c;
    }
    return 0;
  }

  /** Compares two peers by the tie-break columns: 0 only for the same row (slot). */
  compareTies(a: number, b: number): number {
    if (a === b) return 0;
    const cols = this.rows.columns;
    for (const i of this.tieColumns) {
      const c = compareCells(cols[i]!, a, b, false, false);
      if (c !== 0) return c;
    }
    return 0;
  }

  /** The full order of two stored rows (same partition): 0 only for equal rows. */
  compareRows(a: number, b: number): number {
    if (a === b) return 0;
    return this.compareKeys(a, b) || this.compareTies(a, b);
  }
}
