// The contents of a materialized view: a Z-set of whole rows with their
// multiplicities, indexed so a delta lands in O(1) per row. By default the
// index covers the full row; a view whose rows are unique on some columns (a
// GROUP BY key) may index just those, and then holds each key at most once.
// Reads take a consistent snapshot (the scheduler never reads mid-commit).

import type { SqlType } from '../common/sql-type.js';
import { assert } from '../common/assert.js';
import type { Column } from '../columnar/column.js';
import { KeyedRows } from '../columnar/keyed-rows.js';
import type { ZBatch } from '../columnar/z-batch.js';
import type { StateReader, StateWriter } from '../storage/state-codec.js';

export class MaterializedRows {
  private rows: KeyedRows;
  /** True when `rows` is indexed by a unique key rather than the whole row. */
  private readonly keyed: boolean;

  constructor(
    readonly types: readonly SqlType[],
    /**
     * Columns no two live rows share a value on (null: none known, index the
     * whole row). For performance: a delta row then finds its slot by probing
     * only these columns — one numeric column takes KeyedRows' fast path.
     */
    uniqueKey: readonly number[] | null = null,
  ) {
    this.keyed = uniqueKey !== null && uniqueKey.length > 0 && uniqueKey.length < types.length;
    this.rows = new KeyedRows(types, this.keyed ? uniqueKey! : types.map((_, i) => i));
  }

  apply(delta: ZBatch): void {
    const n = delta.length;
    if (n === 0) return;
    const rows = this.rows;
    const slots = rows.findOrAdd(delta.columns, rows.hashKeys(delta.columns, n), n);
    if (!this.keyed) {
      for (let i = 0; i < n; i++) rows.addCount(slots[i]!, delta.weights[i]!);
    } else {
      // A key identifies at most one live row, so a change arrives as -old +new
      // on one slot: retractions first (each must remove exactly the stored
      // row), then insertions overwrite the freed slot with the new values.
      const weights = delta.weights;
      for (let i = 0; i < n; i++) {
        const w = weights[i]!;
        if (w >= 0) continue;
        const slot = slots[i]!;
        assert(rows.counts[slot]! + w >= 0, 'view delta retracts a row the view does not hold');
        assert(this.storedRowEquals(slot, delta.columns, i), 'view delta retracts a row that differs from the stored row for its key');
        rows.addCount(slot, w);
      }
      for (let i = 0; i < n; i++) {
        const w = weights[i]!;
        if (w <= 0) continue;
        const slot = slots[i]!;
        assert(rows.counts[slot] === 0, 'view delta inserts a second row for a key the view holds');
        rows.overwrite(slot, delta.columns, i);
        rows.addCount(slot, w);
      }
    }
    // Rows whose multiplicity fell to zero leave the index; their slots are reused.
    rows.release(slots);
  }

  /** Whether the stored row at `slot` equals row `row` of the batch on every column (NULL = NULL, NaN = NaN). */
  private storedRowEquals(slot: number, batchColumns: readonly Column[], row: number): boolean {
    const cols = this.rows.columns;
    for (let c = 0; c < cols.length; c++) {
      const mine = cols[c]!;
      const theirs = batchColumns[c]!;
      const v = theirs.validity;
      const theirsNull = v !== null && ((v[row >>> 3]! >>> (row & 7)) & 1) === 0;
      const mineNull = mine.hasNulls && mine.isNull(slot);
      if (mineNull !== theirsNull) return false;
      if (mineNull) continue;
      const a = mine.values[slot];
      const b = theirs.values[row];
      if (a !== b && !(a !== a && b !== b)) return false;
    }
    return true;
  }

  /** Every row with its multiplicity as the weight. */
  snapshot(): ZBatch {
    const live = this.rows.liveSlots();
    const weights = new Int32Array(live.length);
    for (let j = 0; j < live.length; j++) {
      const c = this.rows.counts[live[j]!]!;
      assert(c > 0, `view row with non-positive multiplicity ${c}: the dataflow retracted a row it never produced`);
      weights[j] = c;
    }
    return { columns: this.rows.gather(live), weights, length: live.length };
  }

  /** Distinct rows held (a row with multiplicity 3 counts once). */
  get distinctRows(): number {
    return this.rows.live;
  }

  /** Checkpoints: the rows as stored. */
  saveState(out: StateWriter): void {
    this.rows.saveState(out);
  }

  loadState(input: StateReader): void {
    this.rows.loadState(input);
  }
}
