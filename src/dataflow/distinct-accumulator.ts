// DISTINCT inside aggregates: COUNT/SUM/AVG(DISTINCT x). Keeps, per
// (group, value), the multiplicity of x in a KeyedRows, and feeds the inner
// (non-distinct) accumulators a +1 / -1 only when a multiplicity crosses
// between 0 and positive. O(1) per changed row; NULLs are ignored, as in
// PostgreSQL. COUNT/SUM/AVG(DISTINCT) of one argument share one DistinctState.

import type { SqlType } from '../common/sql-type.js';
import { assert } from '../common/assert.js';
import type { Column } from '../columnar/column.js';
import { gatherColumn, makeColumn } from '../columnar/column.js';
import { KeyedRows } from '../columnar/keyed-rows.js';
import type { GroupAccumulator, GroupState } from './accumulators.js';
import type { StateReader, StateWriter } from '../storage/state-codec.js';
import { StateUnsupported } from '../storage/state-codec.js';

export class DistinctState implements GroupState {
  /** Columns: [group slot (integer), argument value]; both form the key. */
  private store: KeyedRows;
  private readonly inner: GroupAccumulator[] = [];

  constructor(private readonly argType: SqlType) {
    this.store = new KeyedRows(['integer', argType], [0, 1]);
  }

  get stateDescription(): string {
    const inner = [...new Set(this.inner.map((a) => a.stateDescription))].join(' / ');
    return `per (group, value) multiplicity of the DISTINCT argument, and over each group's distinct values: ${inner}`;
  }

  /** Registers an accumulator that sees each distinct value of a group once. */
  addInner(acc: GroupAccumulator): void {
    this.inner.push(acc);
  }

  update(slots: Int32Array, col: Column | null, weights: Int32Array, n: number, slotCount: number): void {
    assert(col !== null, 'aggregate DISTINCT needs an argument');
    // Keep the non-NULL rows with a non-zero weight.
    const validity = col.validity;
    let rows = new Int32Array(n);
    let m = 0;
    for (let i = 0; i < n; i++) {
      if (weights[i] === 0) continue;
      if (validity !== null && ((validity[i >>> 3]! >>> (i & 7)) & 1) === 0) continue;
      rows[m++] = i;
    }
    if (m === 0) {
      for (const acc of this.inner) acc.update(new Int32Array(0), col, new Int32Array(0), 0, slotCount);
      return;
    }
    if (m < n) rows = rows.subarray(0, m);
    const groupCol = makeColumn('integer', m === n ? slots.subarray(0, n) : gatherSlots(slots, rows), null, m);
    const valueCol = m === n ? col : gatherColumn(col, rows);
    const batch = [groupCol, valueCol];
    const store = this.store;
    const keys = store.findOrAdd(batch, store.hashKeys(batch, m), m);

    // Walk rows in order: a key that repeats within the batch crosses at most
    // once per sign change, and the net effect is (after > 0) - (before > 0).
    const crossRows = new Int32Array(m);
    const crossWeights = new Int32Array(m);
    let c = 0;
    const counts = store.counts;
    let dead = false;
    for (let j = 0; j < m; j++) {
      const k = keys[j]!;
      const before = counts[k]!;
      const after = store.addCount(k, weights[rows[j]!]!);
      if (before <= 0 && after > 0) {
        crossRows[c] = j;
        crossWeights[c++] = 1;
      } else if (before > 0 && after <= 0) {
        crossRows[c] = j;
        crossWeights[c++] = -1;
      }
      if (after === 0) dead = true;
    }
    const cr = crossRows.subarray(0, c);
    const crossSlots = gatherSlots(groupCol.values as Int32Array, cr);
    const crossValues = gatherColumn(valueCol, cr);
    const cw = crossWeights.subarray(0, c);
    for (const acc of this.inner) acc.update(crossSlots, crossValues, cw, c, slotCount);
    if (dead && store.wantsCompaction()) store.compact();
  }

  remap(remap: Int32Array, newSize: number): void {
    for (const acc of this.inner) acc.remap(remap, newSize);
    // Rebuild the store with renumbered group slots. A group removed by
    // compaction has no live (group, value) entries left; one dropped by a
    // split of the state (AggregateOperator.retainKeys) takes its values along.
    const all = this.store.liveSlots();
    const groupOf = this.store.gather(all)[0]!.values as Int32Array;
    let m = 0;
    const live = new Int32Array(all.length);
    for (let j = 0; j < all.length; j++) if (remap[groupOf[j]!]! >= 0) live[m++] = all[j]!;
    const cols = this.store.gather(live.subarray(0, m));
    const groups = cols[0]!.values as Int32Array;
    const counts = new Int32Array(m);
    for (let j = 0; j < m; j++) {
      groups[j] = remap[groups[j]!]!;
      counts[j] = this.store.counts[live[j]!]!;
    }
    const next = new KeyedRows(['integer', this.argType], [0, 1]);
    const keys = next.findOrAdd(cols, next.hashKeys(cols, m), m);
    next.addCounts(keys, counts, m);
    this.store = next;
  }

  saveState(out: StateWriter): void {
    this.store.saveState(out);
    for (const acc of this.inner) {
      if (acc.saveState === undefined) throw new StateUnsupported(acc.stateDescription);
      acc.saveState(out);
    }
  }

  loadState(input: StateReader): void {
    this.store.loadState(input);
    for (const acc of this.inner) acc.loadState!(input);
  }

  estimateBytes(): number {
    let bytes = this.store.estimateBytes();
    for (const acc of this.inner) bytes += acc.estimateBytes?.() ?? 0;
    return bytes;
  }

  /** Live (group, value) entries, for tests and metrics. */
  entries(): number {
    return this.store.live;
  }
}

function gatherSlots(slots: Int32Array, rows: Int32Array): Int32Array {
  const out = new Int32Array(rows.length);
  for (let j = 0; j < rows.length; j++) out[j] = slots[rows[j]!]!;
  return out;
}
