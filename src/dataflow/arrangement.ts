// An arrangement: one join input's accumulated rows, indexed by join key.
// The rows are a Z-set of distinct rows (a KeyedRows over every column, count
// = multiplicity); a second KeyedRows holds the distinct join keys, and each
// key heads a doubly linked chain (typed arrays, slot numbers + 1, 0 = end) of
// the rows with that key, so finding a key's rows is one hash probe and
// dropping a row is O(1). Rows whose key cannot match (a NULL in a key column
// compared with `=`) are stored but not chained: an outer join still needs
// them. `match` holds, per row, the total weight of the other side's rows it
// joins with; outer joins keep it to know when a row's null-extended twin
// appears or goes. With an expiry column (state cleanup of interval joins),
// rows are also kept in a heap by that column's time so `expire` can drop the
// rows whose time has passed a limit without scanning the others.
//
// `live` and `insertLive` take an arrangement's contents out and put them in
// a fresh one, counts and match weights included: how a join's state moves
// to a scratch file and back, or splits in two (join-partitions.ts).
// `saveState` / `loadState` copy it exactly, indexes and expiry heap
// included, for checkpoints.

import type { SqlType } from '../common/sql-type.js';
import type { Column } from '../columnar/column.js';
import { gatherColumn } from '../columnar/column.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { KeyedRows } from '../columnar/keyed-rows.js';
import { ExpiryHeap } from './expiry-heap.js';
import { gatherInt32 } from './key-directory.js';
import { assert } from '../common/assert.js';
import type { StateReader, StateWriter } from '../storage/state-codec.js';

/** Per-row key slots of a batch's join keys; -1 where a key cannot match. */
export type KeySlots = Int32Array;

/** A batch of one join input with its evaluated join keys. */
export interface SideDelta {
  readonly batch: ZBatch;
  readonly keys: Column[];
  readonly hashes: Int32Array;
  /** 1 where the key can match (no NULL in a non-null-safe key column). */
  readonly matchable: Uint8Array;
}

/** Bytes per row slot besides the row store's own: chain links, key slot, match. */
const ROW_LINK_BYTES = 4 + 4 + 4 + 4;
/** Bytes per key slot besides the key store's own: the chain head. */
const KEY_LINK_BYTES = 4;

function growInt32(arr: Int32Array, needed: number): Int32Array {
  if (needed <= arr.length) return arr;
  let cap = Math.max(arr.length, 64);
  while (cap < needed) cap *= 2;
  const next = new Int32Array(cap);
  next.set(arr);
  return next;
}

export class Arrangement {
  readonly rows: KeyedRows;
  private readonly keys: KeyedRows;
  /** Per key slot: first row slot + 1 (0 = none). */
  private head: Int32Array = new Int32Array(64);
  /** Per row slot: next / previous row slot + 1 in its key's chain. */
  private next: Int32Array = new Int32Array(64);
  private prev: Int32Array = new Int32Array(64);
  /** Per row slot: its key slot; -1 when not chained (key cannot match); -2 for a slot not yet attached. */
  private keyOf: Int32Array = new Int32Array(64).fill(-2);
  /** Per row slot: the weight of the other side's rows it joins with. */
  match: Int32Array = new Int32Array(64);

  private readonly expiry = new ExpiryHeap();

  constructor(
    types: readonly SqlType[],
    keyTypes: readonly SqlType[],
    /** A timestamp column whose rows `expire` may drop; null for none. */
    private readonly expiryColumn: number | null = null,
  ) {
    this.rows = new KeyedRows(types, types.map((_, i) => i));
    this.keys = new KeyedRows(keyTypes, keyTypes.map((_, i) => i));
  }

  /** Distinct rows held. */
  get size(): number {
    return this.rows.live;
  }

  /** About how many bytes the arrangement holds in memory (for --state-memory). */
  estimateBytes(): number {
    return this.rows.estimateBytes() + this.rows.size * ROW_LINK_BYTES + this.keys.estimateBytes() + this.keys.size * KEY_LINK_BYTES;
  }

  /** The live rows, their counts as weights, and each row's match weight. */
  live(): { readonly batch: ZBatch; readonly match: Int32Array } {
    const { batch, slots } = this.rows.liveRows();
    const match = new Int32Array(slots.length);
    for (let i = 0; i < slots.length; i++) match[i] = this.match[slots[i]!]!;
    return { batch, match };
  }

  /**
   * Fills an empty arrangement with rows taken by `live` from another of the
   * same shape, with their counts and match weights: the columns are copied
   * whole (no per-row probing), then each row is chained by its key.
   */
  insertLive(rows: SideDelta, match: Int32Array): void {
    const n = rows.batch.length;
    if (n === 0) return;
    // Joins that drop rows by time keep their state in one part, which never moves (join.ts).
    assert(this.rows.size === 0 && this.expiryColumn === null, 'insertLive fills an empty arrangement without an expiry heap');
    const first = this.rows.appendDistinct(rows.batch.columns, rows.batch.weights, n);
    this.fitSlots();
    this.match.set(match, first);
    // The keys of the rows that can match, found or added in one vectorized call; the others stay unchained.
    const chained = new Int32Array(n);
    let m = 0;
    for (let i = 0; i < n; i++) {
      if (rows.matchable[i] === 1) chained[m++] = i;
      else this.keyOf[first + i] = -1;
    }
    const all = m === n;
    const keyColumns = all ? rows.keys : rows.keys.map((c) => gatherColumn(c, chained, m));
    const keyHashes = all ? rows.hashes : gatherInt32(rows.hashes, chained.subarray(0, m));
    const keySlots = this.keys.findOrAdd(keyColumns, keyHashes, m);
    if (this.keys.size > this.head.length) this.head = growInt32(this.head, this.keys.size);
    for (let j = 0; j < m; j++) this.chain(first + chained[j]!, keySlots[j]!);
  }

  /** Checkpoints: the arrangement exactly as it is (both stores, the chains, match weights, the expiry heap). */
  saveState(out: StateWriter): void {
    this.rows.saveState(out);
    this.keys.saveState(out);
    out.i32(this.head);
    out.i32(this.next);
    out.i32(this.prev);
    out.i32(this.keyOf);
    out.i32(this.match);
    this.expiry.saveState(out);
  }

  /** Restores what saveState wrote into this empty arrangement of the same shape. */
  loadState(input: StateReader): void {
    this.rows.loadState(input);
    this.keys.loadState(input);
    this.head = input.i32();
    this.next = input.i32();
    this.prev = input.i32();
    this.keyOf = input.i32();
    this.match = input.i32();
    this.expiry.loadState(input);
    const slots = this.keyOf.length;
    input.check(this.head.length >= this.keys.size && this.next.length === slots && this.prev.length === slots && this.match.length === slots && slots >= this.rows.size, 'an arrangement of another shape');
  }

  /** Hashes of a batch's key columns, as `probe` and `attach` use them. */
  hashKeys(keyColumns: readonly Column[], length: number): Int32Array {
    return this.keys.hashKeys(keyColumns, length);
  }

  /** The key slot of each row's key, -1 where absent or where `matchable[i]` is 0. */
  probe(keyColumns: readonly Column[], keyHashes: Int32Array, matchable: Uint8Array, length: number): KeySlots {
    if (this.keys.live === 0) return new Int32Array(length).fill(-1);
    const slots = this.keys.find(keyColumns, keyHashes, length);
    for (let i = 0; i < length; i++) if (matchable[i] === 0) slots[i] = -1;
    return slots;
  }

  /** First row slot of a key's chain, or -1. */
  first(keySlot: number): number {
    return this.head[keySlot]! - 1;
  }

  /** The row after `rowSlot` in its chain, or -1. */
  after(rowSlot: number): number {
    return this.next[rowSlot]! - 1;
  }

  /** Row slots of a batch's rows, adding absent rows (count 0, unchained: see `isNew`). */
  findOrAddRows(columns: readonly Column[], length: number): Int32Array {
    const slots = this.rows.findOrAdd(columns, this.rows.hashKeys(columns, length), length);
    this.fitSlots();
    return slots;
  }

  /** Grows the per-row arrays to the row store's slots (new slots not attached yet). */
  private fitSlots(): void {
    const size = this.rows.size;
    if (size <= this.keyOf.length) return;
    const oldLength = this.keyOf.length;
    this.next = growInt32(this.next, size);
    this.prev = growInt32(this.prev, size);
    this.match = growInt32(this.match, size);
    this.keyOf = growInt32(this.keyOf, size);
    this.keyOf.fill(-2, oldLength);
  }

  /** Row slots of a batch's rows, -1 where absent. */
  findRows(columns: readonly Column[], length: number): Int32Array {
    return this.rows.find(columns, this.rows.hashKeys(columns, length), length);
  }

  /** True for a row slot just added by findOrAddRows and not yet given a key. */
  isNew(rowSlot: number): boolean {
    return this.keyOf[rowSlot] === -2;
  }

  /**
   * Gives a new row slot its key (row `row` of `keyColumns`), chaining it
   * unless `matchable` is false, and its initial match weight.
   */
  attach(rowSlot: number, keyColumns: readonly Column[], keyHashes: Int32Array, row: number, matchable: boolean, match: number): void {
    this.match[rowSlot] = match;
    if (this.expiryColumn !== null) {
      const col = this.rows.columns[this.expiryColumn]!;
      if (!col.isNull(rowSlot)) this.expiry.push((col.values as Float64Array)[rowSlot]!, rowSlot);
    }
    if (!matchable) {
      this.keyOf[rowSlot] = -1;
      return;
    }
    const keySlot = this.keys.findOrAddRow(keyColumns, row, keyHashes[row]!);
    if (keySlot >= this.head.length) this.head = growInt32(this.head, keySlot + 1);
    this.chain(rowSlot, keySlot);
  }

  /** Puts a row slot at the head of its key's chain (the head array must cover the key slot). */
  private chain(rowSlot: number, keySlot: number): void {
    this.keys.addCount(keySlot, 1);
    const oldHead = this.head[keySlot]!;
    this.next[rowSlot] = oldHead;
    this.prev[rowSlot] = 0;
    if (oldHead !== 0) this.prev[oldHead - 1] = rowSlot + 1;
    this.head[keySlot] = rowSlot + 1;
    this.keyOf[rowSlot] = keySlot;
  }

  /** Removes rows whose count is 0 from their chains and recycles their slots. */
  releaseDead(rowSlots: Int32Array, n: number): void {
    const counts = this.rows.counts;
    const dead: number[] = [];
    const deadKeys: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = rowSlots[i]!;
      if (counts[s] !== 0 || this.keyOf[s] === -3) continue;
      const k = this.keyOf[s]!;
      if (k >= 0) {
        const p = this.prev[s]!;
        const nx = this.next[s]!;
        if (p === 0) this.head[k] = nx;
        else this.next[p - 1] = nx;
        if (nx !== 0) this.prev[nx - 1] = p;
        if (this.keys.addCount(k, -1) === 0) deadKeys.push(k);
      }
      this.keyOf[s] = -3;
      dead.push(s);
    }
    this.rows.release(dead);
    this.keys.release(deadKeys);
    for (const s of dead) this.keyOf[s] = -2;
  }

  /**
   * Drops every row whose expiry-column time is below `limit`; returns them
   * with their counts as weights (to put back if the commit fails), or null
   * when none went. Heap entries of freed or reused slots are skipped.
   */
  expire(limit: number): ZBatch | null {
    const col = this.rows.columns[this.expiryColumn!]!;
    const values = col.values as Float64Array;
    const counts = this.rows.counts;
    const heap = this.expiry;
    const slots: number[] = [];
    const counted: number[] = [];
    while (heap.length > 0 && heap.minTime() < limit) {
      const s = heap.minSlot();
      heap.pop();
      // Zeroing the count at once also skips a second entry for the same slot.
      if (counts[s] === 0 || this.keyOf[s]! < -1 || col.isNull(s) || !(values[s]! < limit)) continue;
      slots.push(s);
      counted.push(counts[s]!);
      this.rows.addCount(s, -counts[s]!);
    }
    if (slots.length === 0) return null;
    const rows = Int32Array.from(slots);
    const columns = this.rows.gather(rows);
    this.releaseDead(rows, rows.length);
    return { columns, weights: Int32Array.from(counted), length: rows.length };
  }
}
