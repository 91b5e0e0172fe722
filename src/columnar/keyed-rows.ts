// A row store with a hash index on some of its columns: the building block of
// every piece of keyed state (table contents, view results, aggregate groups).
// Each slot holds one distinct key with its full row and an Int32 count. A
// count of 0 marks a dead slot: a later insert of the same key revives it,
// `release()` removes it from the index and recycles the slot, and
// `compact()` drops all dead slots in bulk (renumbering the live ones).
//
// Index: open addressing with linear probing over a power-of-two Int32Array
// holding slot+1 (0 = empty); per-slot hashes avoid most key comparisons.
// Removal shifts later entries of the probe run back (no tombstones), so
// lookups stay as fast after many deletes as before.

import type { SqlType } from '../common/sql-type.js';
import { assert } from '../common/assert.js';
import type { Column } from './column.js';
import type { ZBatch } from './z-batch.js';
import { gatherColumn } from './column.js';
import { GrowableColumn } from './growable-column.js';
import { hashRows } from './hash-rows.js';
import { valueBytes } from './column-bytes.js';
import { isValid } from './validity.js';
import type { StateReader, StateWriter } from '../storage/state-codec.js';

const MAX_LOAD = 0.5;
/** The direct-address path pays off only for large batches over small key ranges. */
const DENSE_MIN_ROWS = 65_536;
const DENSE_MAX_RANGE = 1 << 22;
/** From this many missing keys in one findOrAdd, they are appended column by column (appendMissing). */
const BULK_APPEND_MIN = 16;

export class KeyedRows {
  readonly columns: GrowableColumn[];
  counts: Int32Array;
  hashes: Int32Array;
  /** 1 for slots removed from the index and waiting on the free list. */
  private released: Uint8Array;
  /** Slots allocated so far (live, dead and released); slot numbers are below it. */
  size = 0;
  /** Released slots, reused by the next new keys. */
  private free: number[] = [];
  /** Slots whose count is non-zero. */
  live = 0;
  private index: Int32Array;
  private mask: number;

  constructor(
    readonly types: readonly SqlType[],
    /** Which of `types` form the key. */
    readonly keyColumns: readonly number[],
  ) {
    this.columns = types.map((t) => new GrowableColumn(t));
    const cap = this.columns[0]?.capacity ?? 64;
    this.counts = new Int32Array(cap);
    this.hashes = new Int32Array(cap);
    this.released = new Uint8Array(cap);
    this.index = new Int32Array(128);
    this.mask = 127;
  }

  /**
   * Makes room for `additional` more keys at once: one index rebuild instead
   * of a cascade of doublings during a bulk insert.
   */
  reserve(additional: number): void {
    const needed = this.size + additional;
    let cap = this.index.length;
    while (needed > cap * MAX_LOAD) cap *= 2;
    if (cap !== this.index.length) this.rehash(cap);
    if (needed > this.counts.length) this.grow(needed);
    for (const c of this.columns) c.ensureCapacity(needed);
  }

  /**
   * findOrAdd that hashes the keys itself. For a large batch keyed by one
   * INTEGER/DATE column spanning a small range it skips hashing: a direct
   * array from key value to slot resolves every row after the first occurrence
   * of each value (a "perfect hash", as column stores use for GROUP BY on
   * small integer domains). Slots are assigned in first-occurrence order
   * either way.
   */
  findOrAddKeys(batchColumns: readonly Column[], length: number): Int32Array {
    if (length >= DENSE_MIN_ROWS && this.keyColumns.length === 1) {
      const dense = this.findOrAddDense(batchColumns, length);
      if (dense !== null) return dense;
    }
    return this.findOrAdd(batchColumns, this.hashKeys(batchColumns, length), length);
  }

  private findOrAddDense(batchColumns: readonly Column[], length: number): Int32Array | null {
    const key = batchColumns[this.keyColumns[0]!]!;
    if (!(key.values instanceof Int32Array) || key.validity !== null) return null;
    const v = key.values;
    let lo = v[0]!;
    let hi = lo;
    for (let i = 1; i < length; i++) {
      const x = v[i]!;
      if (x < lo) lo = x;
      else if (x > hi) hi = x;
    }
    const range = hi - lo + 1;
    if (range > DENSE_MAX_RANGE || range > length * 4) return null;
    const map = new Int32Array(range).fill(-1);
    const firsts: number[] = [];
    for (let i = 0; i < length; i++) {
      const d = v[i]! - lo;
      if (map[d] === -1) {
        map[d] = -2;
        firsts.push(i);
      }
    }
    const rows = Int32Array.from(firsts);
    const firstColumns = batchColumns.map((c) => gatherColumn(c, rows));
    const firstSlots = this.findOrAdd(firstColumns, this.hashKeys(firstColumns, rows.length), rows.length);
    for (let j = 0; j < rows.length; j++) map[v[rows[j]!]! - lo] = firstSlots[j]!;
    const slots = new Int32Array(length);
    for (let i = 0; i < length; i++) slots[i] = map[v[i]! - lo]!;
    return slots;
  }

  /** Hashes the key columns of a batch laid out like this store. */
  hashKeys(batchColumns: readonly Column[], length: number): Int32Array {
    return hashRows(this.keyColumns.map((k) => batchColumns[k]!), length);
  }

  /**
   * Finds the slot of each row's key, adding a slot (count 0, the row's values)
   * for keys not present. `batchColumns` are laid out like the store's columns.
   */
  findOrAdd(batchColumns: readonly Column[], hashes: Int32Array, length: number): Int32Array {
    if (this.keyColumns.length === 1) return this.findOneKey(batchColumns, hashes, length, true);
    const slots = this.candidateSlots(batchColumns, hashes, length);
    let missing = 0;
    for (let i = 0; i < length; i++) if (slots[i]! < 0) missing++;
    if (missing >= BULK_APPEND_MIN && this.free.length === 0) {
      const rows = new Int32Array(missing);
      for (let i = 0, j = 0; i < length; i++) if (slots[i]! < 0) rows[j++] = i;
      this.appendMissing(batchColumns, hashes, rows, slots);
      return slots;
    }
    for (let i = 0; i < length; i++) {
      if (slots[i]! >= 0) continue;
      let slot = this.probe(batchColumns, i, hashes[i]!);
      if (slot < 0) slot = this.append(batchColumns, i, hashes[i]!);
      slots[i] = slot;
    }
    return slots;
  }

  /**
   * findOrAdd's second half for many rows at once: `rows` are the batch rows
   * whose first equal-hash slot (candidateSlots) did not hold their key —
   * almost always keys the store lacks. Each, in batch order, probes the
   * index: a stored key (after a hash collision) or a key this batch added
   * before it takes that slot; else it gets the next new slot, which enters
   * the index at once but is compared by its batch row until the end. For
   * performance, the new slots' values are then copied column by column
   * (GrowableColumn.gatherFrom), instead of row by row.
   */
  private appendMissing(batchColumns: readonly Column[], hashes: Int32Array, rows: Int32Array, slots: Int32Array): void {
    const n = rows.length;
    const base = this.size;
    if (base + n > this.counts.length) this.grow(base + n);
    if (base + n > this.index.length * MAX_LOAD) {
      let cap = this.index.length;
      while (base + n > cap * MAX_LOAD) cap *= 2;
      this.rehash(cap);
    }
    /** The batch row of each new slot (slot - base). */
    const sources = new Int32Array(n);
    let added = 0;
    const index = this.index;
    const mask = this.mask;
    const storedHashes = this.hashes;
    for (let j = 0; j < n; j++) {
      const row = rows[j]!;
      const hash = hashes[row]!;
      let pos = hash & mask;
      let slot = -1;
      for (;;) {
        const entry = index[pos]!;
        if (entry === 0) break;
        const s = entry - 1;
        if (storedHashes[s] === hash && (s < base ? this.keyEquals(s, batchColumns, row) : this.batchKeysEqual(batchColumns, sources[s - base]!, row))) {
          slot = s;
          break;
        }
        pos = (pos + 1) & mask;
      }
      if (slot < 0) {
        slot = base + added;
        sources[added++] = row;
        storedHashes[slot] = hash;
        index[pos] = slot + 1;
      }
      slots[row] = slot;
    }
    this.size = base + added;
    for (let c = 0; c < this.columns.length; c++) {
      const col = this.columns[c]!;
      col.ensureCapacity(this.size);
      col.gatherFrom(base, batchColumns[c]!, sources, added);
    }
    this.counts.fill(0, base, this.size);
    this.released.fill(0, base, this.size);
  }

  /** keyEquals between two rows of one batch. */
  private batchKeysEqual(batchColumns: readonly Column[], a: number, b: number): boolean {
    for (const k of this.keyColumns) {
      const col = batchColumns[k]!;
      const aValid = isValid(col.validity, a);
      if (aValid !== isValid(col.validity, b)) return false;
      if (!aValid) continue;
      const x = col.values[a];
      const y = col.values[b];
      if (x !== y && !(x !== x && y !== y)) return false;
    }
    return true;
  }

  /**
   * For performance, on multi-column keys: per row, the first slot in its probe
   * run with an equal hash, kept only if its key is equal too; -1 otherwise
   * (absent, or a hash collision the caller resolves with a full probe). The
   * key comparison runs column by column, one type per loop, instead of row by
   * row through every column.
   */
  private candidateSlots(batchColumns: readonly Column[], hashes: Int32Array, length: number): Int32Array {
    const slots = new Int32Array(length);
    const index = this.index;
    const mask = this.mask;
    const storedHashes = this.hashes;
    for (let i = 0; i < length; i++) {
      const hash = hashes[i]!;
      let pos = hash & mask;
      let slot = -1;
      for (;;) {
        const entry = index[pos]!;
        if (entry === 0) break;
        if (storedHashes[entry - 1] === hash) {
          slot = entry - 1;
          break;
        }
        pos = (pos + 1) & mask;
      }
      slots[i] = slot;
    }
    for (const k of this.keyColumns) rejectUnequal(this.columns[k]!, batchColumns[k]!, slots, length);
    return slots;
  }

  /**
   * find / findOrAdd for the common one-column key, with the probe and the
   * equality test inlined. For performance: this loop runs once per input row on every
   * aggregate, join and table insert.
   */
  private findOneKey(batchColumns: readonly Column[], hashes: Int32Array, length: number, add: boolean): Int32Array {
    const slots = new Int32Array(length);
    const k = this.keyColumns[0]!;
    const mine = this.columns[k]!;
    const theirs = batchColumns[k]!;
    const theirValues = theirs.values;
    const theirValidity = theirs.validity;
    if (!mine.hasNulls && theirValidity === null && !Array.isArray(theirValues)) {
      this.findNumericKey(batchColumns, theirValues, hashes, length, add, slots);
      return slots;
    }
    for (let i = 0; i < length; i++) {
      const hash = hashes[i]!;
      const valid = theirValidity === null || ((theirValidity[i >>> 3]! >>> (i & 7)) & 1) === 1;
      const v = theirValues[i];
      const index = this.index;
      const mask = this.mask;
      const storedHashes = this.hashes;
      const mineValues = mine.values;
      let pos = hash & mask;
      let slot = -1;
      for (;;) {
        const entry = index[pos]!;
        if (entry === 0) break;
        const s = entry - 1;
        if (storedHashes[s] === hash) {
          const mineValid = !mine.hasNulls || !mine.isNull(s);
          if (mineValid === valid) {
            if (!valid) {
              slot = s;
              break;
            }
            const w = mineValues[s];
            if (w === v || (w !== w && v !== v)) {
              slot = s;
              break;
            }
          }
        }
        pos = (pos + 1) & mask;
      }
      slots[i] = slot >= 0 || !add ? slot : this.append(batchColumns, i, hash);
    }
    return slots;
  }

  /**
   * findOneKey for a numeric key without NULLs. For performance: equal values
   * imply equal hashes, so it compares the key values directly and skips the
   * per-slot hash check — in a store too large for the cache that check is a
   * memory miss of its own on every hit.
   */
  private findNumericKey(
    batchColumns: readonly Column[],
    theirValues: Uint8Array | Int32Array | Float64Array,
    hashes: Int32Array,
    length: number,
    add: boolean,
    slots: Int32Array,
  ): void {
    const mine = this.columns[this.keyColumns[0]!]!;
    for (let i = 0; i < length; i++) {
      const hash = hashes[i]!;
      const v = theirValues[i]!;
      const index = this.index;
      const mask = this.mask;
      const mineValues = mine.values as Float64Array;
      let pos = hash & mask;
      let slot = -1;
      for (;;) {
        const entry = index[pos]!;
        if (entry === 0) break;
        const w = mineValues[entry - 1]!;
        if (w === v || (w !== w && v !== v)) {
          slot = entry - 1;
          break;
        }
        pos = (pos + 1) & mask;
      }
      slots[i] = slot >= 0 || !add ? slot : this.append(batchColumns, i, hash);
    }
  }

  /** The slot of each row's key, or -1 where absent. */
  find(batchColumns: readonly Column[], hashes: Int32Array, length: number): Int32Array {
    if (this.keyColumns.length === 1) return this.findOneKey(batchColumns, hashes, length, false);
    const slots = this.candidateSlots(batchColumns, hashes, length);
    for (let i = 0; i < length; i++) if (slots[i]! < 0) slots[i] = this.probe(batchColumns, i, hashes[i]!);
    return slots;
  }

  /** Overwrites the values of slot `slots[j]` with batch row `rows[j]`, j < n, column by column. */
  overwriteRows(slots: Int32Array, batchColumns: readonly Column[], rows: Int32Array, n: number): void {
    if (n === 0) return;
    for (let c = 0; c < this.columns.length; c++) this.columns[c]!.scatterFrom(slots, batchColumns[c]!, rows, n);
  }

  /**
   * About how many bytes the store holds in memory (for budgets): each
   * slot's values plus its count, hash, release flag and about two index
   * entries.
   */
  estimateBytes(): number {
    let perSlot = 4 + 4 + 1 + 8;
    for (const c of this.columns) perSlot += valueBytes(c.view(this.size), this.size);
    return this.size * perSlot;
  }

  /** Indexes of live slots (count != 0), ascending. */
  liveSlots(): Int32Array {
    const out = new Int32Array(this.live);
    let j = 0;
    const counts = this.counts;
    for (let s = 0; s < this.size; s++) if (counts[s] !== 0) out[j++] = s;
    assert(j === this.live, 'live slot count out of sync');
    return out;
  }

  /** The live slots' rows with their counts as weights (a consolidated Z-set of the store), and the slots. */
  liveRows(): { readonly batch: ZBatch; readonly slots: Int32Array } {
    const slots = this.liveSlots();
    const weights = new Int32Array(slots.length);
    for (let i = 0; i < slots.length; i++) weights[i] = this.counts[slots[i]!]!;
    return { batch: { columns: this.gather(slots), weights, length: slots.length }, slots };
  }

  /** Copies of the given slots' columns. */
  gather(slots: Int32Array): Column[] {
    return this.columns.map((c) => gatherColumn(c.view(this.size), slots));
  }

  /** Records a count change for `slot`, keeping `live` in step. */
  addCount(slot: number, delta: number): number {
    const before = this.counts[slot]!;
    const after = before + delta;
    this.counts[slot] = after;
    if (before === 0 && after !== 0) this.live++;
    else if (before !== 0 && after === 0) this.live--;
    return after;
  }

  /** addCount for a whole batch: `counts[slots[i]] += weights[i]`, keeping `live` in step. */
  addCounts(slots: Int32Array, weights: Int32Array, n: number): void {
    const counts = this.counts;
    let live = this.live;
    for (let i = 0; i < n; i++) {
      const s = slots[i]!;
      const before = counts[s]!;
      const after = before + weights[i]!;
      counts[s] = after;
      if (before === 0) {
        if (after !== 0) live++;
      } else if (after === 0) live--;
    }
    this.live = live;
  }

  /** True when dead slots dominate and `compact()` would pay off. */
  wantsCompaction(): boolean {
    const dead = this.size - this.live - this.free.length;
    return this.size > 1024 && dead > this.live;
  }

  /**
   * Drops dead slots, renumbering live ones in order. Returns, for each old
   * slot, its new number or -1, so owners of per-slot arrays can remap them.
   */
  compact(): Int32Array {
    const remap = new Int32Array(this.size).fill(-1);
    const keep = this.liveSlots();
    for (let j = 0; j < keep.length; j++) remap[keep[j]!] = j;
    const cols = this.gather(keep);
    const hashes = new Int32Array(keep.length);
    const counts = new Int32Array(keep.length);
    for (let j = 0; j < keep.length; j++) {
      hashes[j] = this.hashes[keep[j]!]!;
      counts[j] = this.counts[keep[j]!]!;
    }
    this.size = 0;
    this.live = 0;
    this.free = [];
    this.released = new Uint8Array(this.counts.length);
    this.index = new Int32Array(128);
    this.mask = 127;
    for (let j = 0; j < keep.length; j++) {
      const slot = this.append(cols, j, hashes[j]!);
      this.addCount(slot, counts[j]!);
    }
    return remap;
  }

  private probe(batchColumns: readonly Column[], row: number, hash: number): number {
    const index = this.index;
    const mask = this.mask;
    let pos = hash & mask;
    for (;;) {
      const entry = index[pos]!;
      if (entry === 0) return -1;
      const slot = entry - 1;
      if (this.hashes[slot] === hash && this.keyEquals(slot, batchColumns, row)) return slot;
      pos = (pos + 1) & mask;
    }
  }

  private keyEquals(slot: number, batchColumns: readonly Column[], row: number): boolean {
    for (const k of this.keyColumns) {
      const mine = this.columns[k]!;
      const theirs = batchColumns[k]!;
      const theirsValid = isValid(theirs.validity, row);
      if (mine.isNull(slot)) {
        if (theirsValid) return false;
        continue;
      }
      if (!theirsValid) return false;
      const a = mine.values[slot];
      const b = theirs.values[row];
      // NaN equals NaN for grouping and identity, as in PostgreSQL.
      if (a !== b && !(a !== a && b !== b)) return false;
    }
    return true;
  }

  /**
   * Removes dead slots (count 0) from the index and recycles them. Call only
   * between batches: slot numbers handed out earlier for these keys become
   * invalid.
   */
  release(slots: Iterable<number>): void {
    for (const slot of slots) {
      if (this.counts[slot] !== 0 || this.released[slot] === 1) continue;
      this.unindex(slot);
      this.released[slot] = 1;
      this.free.push(slot);
    }
  }

  /** Deletes `slot` from the probe sequence by shifting later entries back. */
  private unindex(slot: number): void {
    const index = this.index;
    const mask = this.mask;
    let pos = this.hashes[slot]! & mask;
    while (index[pos] !== slot + 1) {
      pos = (pos + 1) & mask;
    }
    let hole = pos;
    let next = pos;
    for (;;) {
      next = (next + 1) & mask;
      const entry = index[next]!;
      if (entry === 0) break;
      const home = this.hashes[entry - 1]! & mask;
      // The entry may move into the hole unless its home lies cyclically in (hole, next].
      const stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (stays) continue;
      index[hole] = entry;
      hole = next;
    }
    index[hole] = 0;
  }

  /**
   * Appends every row of a batch whose keys are distinct and absent (an
   * empty store loading a checkpoint), with counts `weights`: column ranges
   * copied whole, no probing. Returns the first slot.
   */
  appendDistinct(batchColumns: readonly Column[], weights: Int32Array, n: number, knownHashes?: Int32Array): number {
    assert(this.free.length === 0, 'appendDistinct needs a store without released slots');
    const first = this.size;
    this.reserve(n);
    // The caller may hand over the rows' key hashes (rows moving between stores keyed alike).
    const hashes = knownHashes ?? this.hashKeys(batchColumns, n);
    for (let c = 0; c < this.columns.length; c++) this.columns[c]!.setRange(first, batchColumns[c]!, n);
    this.hashes.set(hashes, first);
    this.size += n;
    for (let i = 0; i < n; i++) {
      this.insertIndex(first + i, hashes[i]!);
      this.addCount(first + i, weights[i]!);
    }
    return first;
  }

  /** findOrAdd for the single row `row` of a batch whose key hashes to `hash`. */
  findOrAddRow(batchColumns: readonly Column[], row: number, hash: number): number {
    const slot = this.probe(batchColumns, row, hash);
    return slot >= 0 ? slot : this.append(batchColumns, row, hash);
  }

  /**
   * Adds a slot (count 0) for row `row`, whose key the caller knows is absent
   * (it just looked it up): skips the probe findOrAdd would repeat.
   */
  appendAbsent(batchColumns: readonly Column[], row: number, hash: number): number {
    return this.append(batchColumns, row, hash);
  }

  private append(batchColumns: readonly Column[], row: number, hash: number): number {
    const reused = this.free.pop();
    if (reused !== undefined) {
      for (let c = 0; c < this.columns.length; c++) this.columns[c]!.setFrom(reused, batchColumns[c]!, row);
      this.hashes[reused] = hash;
      this.counts[reused] = 0;
      this.released[reused] = 0;
      this.insertIndex(reused, hash);
      return reused;
    }
    const slot = this.size++;
    if (slot >= this.counts.length) this.grow(slot + 1);
    for (let c = 0; c < this.columns.length; c++) {
      const col = this.columns[c]!;
      col.ensureCapacity(slot + 1);
      col.setFrom(slot, batchColumns[c]!, row);
    }
    this.hashes[slot] = hash;
    this.counts[slot] = 0;
    if (this.size > (this.index.length * MAX_LOAD)) this.rehash(this.index.length * 2);
    else this.insertIndex(slot, hash);
    return slot;
  }

  /**
   * Checkpoints: the store exactly as it is — slot numbers, dead and released
   * slots, the index — since owners keep per-slot arrays by slot number.
   */
  saveState(out: StateWriter): void {
    const n = this.size;
    out.json(this.keyColumns);
    out.number(n);
    out.number(this.live);
    out.batch({ columns: this.columns.map((c) => c.view(n)), weights: this.counts.subarray(0, n), length: n });
    out.i32(this.hashes.subarray(0, n));
    out.u8(this.released.subarray(0, n));
    out.i32(Int32Array.from(this.free));
    out.i32(this.index);
  }

  /** Restores what saveState wrote into this empty store of the same column types. */
  loadState(input: StateReader): void {
    assert(this.size === 0 && this.live === 0, 'loadState fills an empty store');
    const keys = input.json<number[]>();
    input.check(keys.length === this.keyColumns.length && keys.every((k, i) => k === this.keyColumns[i]), 'a keyed store with other key columns');
    const n = input.number();
    const live = input.number();
    const rows = input.batch();
    input.check(rows.length === n && rows.columns.length === this.types.length && rows.columns.every((c, i) => c.type === this.types[i]), 'a keyed store of other columns');
    const hashes = input.i32();
    const released = input.u8();
    const free = input.i32();
    const index = input.i32();
    input.check(hashes.length === n && released.length === n && index.length >= 128 && (index.length & (index.length - 1)) === 0, 'a keyed store of another shape');
    if (n >= 8) {
      // The decoded arrays are this store's alone: taken as they are, without a copy.
      this.columns.forEach((c, i) => c.adopt(rows.columns[i]!));
      this.counts = rows.weights;
      this.hashes = hashes;
      this.released = released;
    } else {
      this.grow(n);
      this.columns.forEach((c, i) => c.setRange(0, rows.columns[i]!, n));
      this.counts.set(rows.weights);
      this.hashes.set(hashes);
      this.released.set(released);
    }
    this.free = Array.from(free);
    this.index = index;
    this.mask = index.length - 1;
    this.size = n;
    this.live = live;
  }

  private grow(needed: number): void {
    let cap = this.counts.length;
    while (cap < needed) cap *= 2;
    const counts = new Int32Array(cap);
    counts.set(this.counts);
    this.counts = counts;
    const hashes = new Int32Array(cap);
    hashes.set(this.hashes);
    this.hashes = hashes;
    const released = new Uint8Array(cap);
    released.set(this.released);
    this.released = released;
  }

  private insertIndex(slot: number, hash: number): void {
    let pos = hash & this.mask;
    while (this.index[pos] !== 0) pos = (pos + 1) & this.mask;
    this.index[pos] = slot + 1;
  }

  private rehash(capacity: number): void {
    this.index = new Int32Array(capacity);
    this.mask = capacity - 1;
    for (let s = 0; s < this.size; s++) if (this.released[s] === 0) this.insertIndex(s, this.hashes[s]!);
  }
}

/** Sets `slots[i]` to -1 where the stored key column differs from row i's value (NULL = NULL, NaN = NaN). */
function rejectUnequal(mine: GrowableColumn, theirs: Column, slots: Int32Array, length: number): void {
  const a = mine.values;
  const b = theirs.values;
  const aValidity = mine.hasNulls ? mine.validity : null;
  const bValidity = theirs.validity;
  for (let i = 0; i < length; i++) {
    const s = slots[i]!;
    if (s < 0) continue;
    const aValid = aValidity === null || ((aValidity[s >>> 3]! >>> (s & 7)) & 1) === 1;
    const bValid = bValidity === null || ((bValidity[i >>> 3]! >>> (i & 7)) & 1) === 1;
    if (aValid !== bValid) slots[i] = -1;
    else if (aValid) {
      const x = a[s];
      const y = b[i];
      if (x !== y && !(x !== x && y !== y)) slots[i] = -1;
    }
  }
}
