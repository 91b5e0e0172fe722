// The primary keys of a keyed table's cold rows, in memory: key value →
// (segment, row). An upsert or a keyed DELETE must know at once whether a key
// exists anywhere in the table, and where its old row is, without reading
// segments; only the key columns are kept, so a wide row's other columns
// stay on disk. A key is in the index while its cold row is live.

import type { SqlType } from '../common/sql-type.js';
import type { Column } from '../columnar/column.js';
import { KeyedRows } from '../columnar/keyed-rows.js';

export class ColdKeyIndex {
  private readonly keys: KeyedRows;
  /** Per key slot: the segment id and row of the key's live cold row. */
  private segmentOf = new Int32Array(64);
  private rowOf = new Int32Array(64);

  constructor(keyTypes: readonly SqlType[]) {
    this.keys = new KeyedRows(keyTypes, keyTypes.map((_, i) => i));
  }

  /** Keys indexed. */
  get size(): number {
    return this.keys.live;
  }

  /** Indexes row j of `keyColumns` as row `rowNumbers[j]` of segment `segment`. */
  add(keyColumns: readonly Column[], length: number, segment: number, rowNumbers: Int32Array): void {
    const slots = this.keys.findOrAdd(keyColumns, this.keys.hashKeys(keyColumns, length), length);
    this.grow(this.keys.size);
    for (let j = 0; j < length; j++) {
      const slot = slots[j]!;
      this.keys.addCount(slot, 1);
      this.segmentOf[slot] = segment;
      this.rowOf[slot] = rowNumbers[j]!;
    }
  }

  /** Per row of `keyColumns`: its key's slot, or -1 when no live cold row has it. */
  find(keyColumns: readonly Column[], length: number): Int32Array {
    const slots = this.keys.find(keyColumns, this.keys.hashKeys(keyColumns, length), length);
    for (let i = 0; i < length; i++) if (slots[i]! >= 0 && this.keys.counts[slots[i]!] === 0) slots[i] = -1;
    return slots;
  }

  segment(slot: number): number {
    return this.segmentOf[slot]!;
  }

  row(slot: number): number {
    return this.rowOf[slot]!;
  }

  /** Forgets the keys in `slots` (their rows were deleted). */
  remove(slots: Iterable<number>): void {
    const gone: number[] = [];
    for (const slot of slots) {
      if (this.keys.counts[slot] === 0) continue;
      this.keys.addCount(slot, -1);
      gone.push(slot);
    }
    this.keys.release(gone);
  }

  private grow(needed: number): void {
    if (needed <= this.segmentOf.length) return;
    let cap = this.segmentOf.length;
    while (cap < needed) cap *= 2;
    const seg = new Int32Array(cap);
    seg.set(this.segmentOf);
    this.segmentOf = seg;
    const row = new Int32Array(cap);
    row.set(this.rowOf);
    this.rowOf = row;
  }
}
