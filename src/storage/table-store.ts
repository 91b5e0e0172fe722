// A table's rows. The hot tier is in memory: a KeyedRows store keyed by the
// primary key, or by the whole row when there is none (then a count > 1 means
// duplicate rows). A durable engine moves the oldest rows to a cold tier of
// Parquet segments (cold-tier.ts, engine/tiering.ts); reads see both tiers, a
// delete of a cold row marks it in its segment, and a keyed table keeps its
// cold rows' keys in memory so an upsert finds an old row in either tier.
// Every change is expressed as a Z-set delta, so the same delta feeds the
// views and, negated, rolls the table back. UNIQUE constraints are
// UniqueIndexes kept in step by `apply`, which checks them all before it
// changes anything.

import type { SqlType } from '../common/sql-type.js';
import { assert } from '../common/assert.js';
import { EngineError, SqlState } from '../common/errors.js';
import type { Column } from '../columnar/column.js';
import { getScalar } from '../columnar/column.js';
import { KeyedRows } from '../columnar/keyed-rows.js';
import { lastRowPerKey } from '../columnar/last-row-per-key.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { concatBatches, gatherBatch, negateBatch } from '../columnar/z-batch.js';
import { formatScalar } from '../expr/cast.js';
import { gatherColumn } from '../columnar/column.js';
import { valueBytes } from '../columnar/column-bytes.js';
import type { ColdTier, FrozenCold, SegmentMeta } from './cold-tier.js';
import type { StagedKeys, UniqueIndex } from './unique-index.js';

export interface TableColumn {
  readonly name: string;
  readonly type: SqlType;
  readonly notNull: boolean;
}

export class TableStore {
  private rows: KeyedRows;
  /** Per slot: the LSN of the commit that last inserted the row (what tiering moves first, and the segments' LSN range). */
  private lsns: Float64Array;
  /** The LSN `apply` stamps on inserted rows when its caller gives none. */
  private lastLsn = 0;
  /** The rows moved to Parquet segments; null while every row is in memory. */
  cold: ColdTier | null = null;
  readonly types: readonly SqlType[];
  /** Bumped by every `apply`: a resolved delta from an older version is stale. */
  private version = 0;
  /**
   * For performance: the row slots behind the delta `insertDelta`/`deleteDelta`
   * last returned, so `apply` of that same delta skips re-hashing and probing
   * the (possibly huge) key index. Ignored unless the delta and version match.
   */
  private resolved: { delta: ZBatch; slots: Int32Array; hashes: Int32Array | null; version: number } | null = null;
  /** UNIQUE constraints and unique indexes, by name. */
  private readonly uniqueIndexes = new Map<string, UniqueIndex>();

  constructor(
    readonly columns: readonly TableColumn[],
    /** Column indexes of the primary key; empty when the table has none. */
    readonly primaryKey: readonly number[],
    /** The primary key constraint's name, as violation messages quote it (PostgreSQL's default: `<table>_pkey`). */
    readonly primaryKeyName = 'pkey',
  ) {
    this.types = columns.map((c) => c.type);
    this.rows = new KeyedRows(this.types, primaryKey.length > 0 ? primaryKey : columns.map((_, i) => i));
    this.lsns = new Float64Array(this.rows.counts.length);
  }

  /** A new, empty store with this one's columns and key (unique indexes are not carried over). */
  emptyCopy(): TableStore {
    assert(this.uniqueIndexes.size === 0, 'emptyCopy of a table with unique indexes');
    return new TableStore(this.columns, this.primaryKey, this.primaryKeyName);
  }

  /** Rows in both tiers (duplicates counted). */
  get rowCount(): number {
    return this.hotRowCount + (this.cold?.rowCount ?? 0);
  }

  /** Rows in memory (duplicates counted). */
  get hotRowCount(): number {
    if (this.primaryKey.length > 0) return this.rows.live;
    let total = 0;
    for (let s = 0; s < this.rows.size; s++) total += this.rows.counts[s]!;
    return total;
  }

  /**
   * Current rows (weights = multiplicities) and the slot each came from. When
   * every slot is live the columns are read-only views of the store (no copy):
   * valid until the table's next change, so consumers must copy what they keep.
   */
  snapshot(): { batch: ZBatch; slots: Int32Array } {
    const size = this.rows.size;
    if (this.rows.live === size) {
      const slots = new Int32Array(size);
      for (let s = 0; s < size; s++) slots[s] = s;
      return { batch: this.denseView(), slots };
    }
    const slots = this.rows.liveSlots();
    const weights = new Int32Array(slots.length);
    for (let j = 0; j < slots.length; j++) weights[j] = this.rows.counts[slots[j]!]!;
    return { batch: { columns: this.rows.gather(slots), weights, length: slots.length }, slots };
  }

  /**
   * The current rows of both tiers (what a backfill or a SELECT reads), cold
   * segments first; with `mayMatch`, only the segments it accepts (pruning
   * by their min/max; the caller filters the rows anyway). With
   * `rebuildAsOf`, also the expired rows a view created at that LSN counts.
   */
  rowsSnapshot(mayMatch?: (meta: SegmentMeta) => boolean, rebuildAsOf?: number): ZBatch {
    return this.cold === null ? this.hotSnapshot() : concatBatches(this.types, [...this.rowChunks(mayMatch, rebuildAsOf)]);
  }

  /**
   * The table now, for a reader that runs while commits go on (a view's
   * backfill): a copy of the rows in memory and the cold tier frozen (release
   * it when done).
   */
  freeze(): { readonly hot: ZBatch; readonly cold: FrozenCold | null } {
    const live = this.rows.liveSlots();
    const weights = new Int32Array(live.length);
    for (let j = 0; j < live.length; j++) weights[j] = this.rows.counts[live[j]!]!;
    const hot = { columns: this.rows.gather(live), weights, length: live.length };
    return { hot, cold: this.cold === null || this.cold.segmentCount === 0 ? null : this.cold.freeze() };
  }

  /**
   * `rowsSnapshot` in pieces: each cold segment's rows (read when the
   * iteration reaches it), then the rows in memory. Consume it before the
   * table changes. `rebuildAsOf` as for `rowsSnapshot`.
   */
  *rowChunks(mayMatch?: (meta: SegmentMeta) => boolean, rebuildAsOf?: number): Generator<ZBatch> {
    if (this.cold !== null) {
      if (rebuildAsOf !== undefined) yield* this.cold.expiredAfter(rebuildAsOf);
      yield* this.cold.stream(mayMatch);
    }
    yield this.hotSnapshot();
  }

  /** The rows in memory (what a checkpoint saves). Same lifetime caveat as `snapshot`. */
  hotSnapshot(): ZBatch {
    return this.rows.live === this.rows.size ? this.denseView() : this.snapshot().batch;
  }

  /** Per row of `hotSnapshot()`: its LSN (see `lsns`). */
  hotLsns(): Float64Array {
    const size = this.rows.size;
    if (this.rows.live === size) return this.lsns.slice(0, size);
    const slots = this.rows.liveSlots();
    const out = new Float64Array(slots.length);
    for (let j = 0; j < slots.length; j++) out[j] = this.lsns[slots[j]!]!;
    return out;
  }

  /**
   * An estimate of the memory the hot tier holds: each allocated slot's
   * column values (strings from a sample of slots) plus the index, count,
   * hash and LSN per slot. Used against --hot-memory, so it need only be
   * proportional, not exact.
   */
  hotBytes(): number {
    const size = this.rows.size;
    if (size === 0) return 0;
    // Per slot: the index entry, count, hash, release flag and LSN, then the values.
    let perRow = 25;
    for (const col of this.rows.columns) perRow += valueBytes(col.view(size), size);
    return Math.round(perRow * size);
  }

  /**
   * Moves the oldest live rows to the cold tier (which must be attached):
   * every row whose LSN is at most `upToLsn`, and more, oldest first, until
   * at least `minRows` distinct rows moved. A row with duplicates is written
   * once per copy. Segments hold at most `segmentRows` rows. Rebuilds the
   * hot store from what stays, so its memory goes back. Returns the rows moved.
   */
  spill(minRows: number, upToLsn: number, segmentRows: number): number {
    const cold = this.cold;
    const lsns = this.lsns;
    assert(cold !== null, 'spill of a table without a cold tier');
    const live = this.rows.liveSlots();
    if (live.length === 0) return 0;
    // Rows at or below LSN `cut` move: every row up to `upToLsn`, and the oldest `minRows` at least.
    const sorted = Float64Array.from(live, (slot) => lsns[slot]!).sort();
    const cut = Math.max(upToLsn, minRows > 0 ? sorted[Math.min(minRows, sorted.length) - 1]! : Number.NEGATIVE_INFINITY);
    // Rows sharing the cut LSN (one big commit) move only as many as minRows still needs.
    let below = 0;
    while (below < sorted.length && sorted[below]! < cut) below++;
    let tiesToMove = cut > upToLsn ? Math.max(0, minRows - below) : Number.POSITIVE_INFINITY;
    const moving: number[] = [];
    const staying: number[] = [];
    for (const slot of live) {
      const lsn = lsns[slot]!;
      if (lsn < cut || (lsn === cut && tiesToMove-- > 0)) moving.push(slot);
      else staying.push(slot);
    }
    if (moving.length === 0) return 0;
    // Write in slot order (about insertion order), each copy of a duplicated row as its own row.
    let copies = 0;
    for (const slot of moving) copies += this.rows.counts[slot]!;
    const expanded = new Int32Array(copies);
    let at = 0;
    for (const slot of moving) for (let k = this.rows.counts[slot]!; k > 0; k--) expanded[at++] = slot;
    for (let from = 0; from < copies; from += segmentRows) {
      const part = expanded.subarray(from, Math.min(copies, from + segmentRows));
      let lo = Number.POSITIVE_INFINITY;
      let hi = 0;
      for (const slot of part) {
        lo = Math.min(lo, lsns[slot]!);
        hi = Math.max(hi, lsns[slot]!);
      }
      cold.add(this.rows.gather(part), part.length, lo, hi);
    }
    const stay = Int32Array.from(staying);
    const weights = new Int32Array(stay.length);
    const hashes = new Int32Array(stay.length);
    const keptLsns = new Float64Array(stay.length);
    for (let j = 0; j < stay.length; j++) {
      weights[j] = this.rows.counts[stay[j]!]!;
      hashes[j] = this.rows.hashes[stay[j]!]!;
      keptLsns[j] = lsns[stay[j]!]!;
    }
    const kept = this.rows.gather(stay);
    this.rows = new KeyedRows(this.types, this.rows.keyColumns);
    this.lsns = new Float64Array(this.rows.counts.length);
    this.resolved = null;
    this.version++;
    this.load({ columns: kept, weights, length: stay.length }, keptLsns, false, hashes);
    return copies;
  }

  private denseView(): ZBatch {
    const size = this.rows.size;
    const columns = this.rows.columns.map((c) => c.view(size));
    return { columns, weights: this.rows.counts.subarray(0, size), length: size };
  }

  /**
   * The delta of inserting `batch` (weights +1): for a keyed table an existing
   * key is replaced (-old +new), and within one batch the last row for a key wins.
   * Does not change the table: pass the result to `apply`.
   */
  insertDelta(batch: ZBatch): ZBatch {
    this.checkNotNull(batch);
    if (this.primaryKey.length === 0) return batch;
    const n = batch.length;
    const hashes = this.rows.hashKeys(batch.columns, n);
    // An empty table holds no old rows to replace: skip the lookup (bulk loads).
    const slots = this.rows.live === 0 ? new Int32Array(n).fill(-1) : this.rows.find(batch.columns, hashes, n);
    const insert = lastRowPerKey(batch.columns, this.primaryKey, hashes, n);
    let retractCount = 0;
    for (let j = 0; j < insert.length; j++) {
      const slot = slots[insert[j]!]!;
      if (slot >= 0 && this.rows.counts[slot]! > 0) retractCount++;
    }
    // The delta is [retractions..., insertions...]; record each row's slot
    // (-1 for a key the table lacks) so `apply` need not look them up again.
    const retract = new Int32Array(retractCount);
    const deltaSlots = new Int32Array(retractCount + insert.length);
    const deltaHashes = new Int32Array(retractCount + insert.length);
    let r = 0;
    for (let j = 0; j < insert.length; j++) {
      const row = insert[j]!;
      const slot = slots[row]!;
      deltaSlots[retractCount + j] = slot;
      deltaHashes[retractCount + j] = hashes[row]!;
      if (slot >= 0 && this.rows.counts[slot]! > 0) {
        deltaSlots[r] = slot;
        deltaHashes[r] = hashes[row]!;
        retract[r++] = slot;
      }
    }
    const old = this.rowsAt(retract, -1);
    const fresh = insert.length === n ? batch : gatherBatch(batch, insert);
    // Keys not live in memory may have a row in the cold tier: it is replaced too.
    const oldCold = this.coldRowsOf(batch, Int32Array.from(insert).filter((row) => !(slots[row]! >= 0 && this.rows.counts[slots[row]!]! > 0)));
    if (oldCold !== null) {
      this.resolved = null;
      return concatBatches(this.types, [old, negateBatch(oldCold), fresh]);
    }
    const delta = concatBatches(this.types, [old, fresh]);
    this.resolved = { delta, slots: deltaSlots, hashes: deltaHashes, version: this.version };
    return delta;
  }

  /**
   * The delta that deletes the rows in `slots` (as returned by `snapshot`)
   * and, from the cold tier, the rows of `coldRows` (weights = copies).
   */
  deleteDelta(slots: Int32Array, coldRows: ZBatch | null = null): ZBatch {
    const hot = this.rowsAt(slots, null);
    if (coldRows !== null && coldRows.length > 0) {
      this.resolved = null;
      return concatBatches(this.types, [hot, negateBatch(coldRows)]);
    }
    this.resolved = { delta: hot, slots: Int32Array.from(slots), hashes: null, version: this.version };
    return hot;
  }

  /** Live slots whose value in timestamp column `column` is below `cutoff` µs (NULLs are never below). */
  slotsBefore(column: number, cutoff: number): Int32Array {
    const col = this.rows.columns[column]!;
    const values = col.values as Float64Array;
    const counts = this.rows.counts;
    const out: number[] = [];
    for (let s = 0; s < this.rows.size; s++) {
      if (counts[s] !== 0 && values[s]! < cutoff && !(col.hasNulls && col.isNull(s))) out.push(s);
    }
    return Int32Array.from(out);
  }

  /** The cold rows (weight 1) whose primary keys are those of `batch`'s rows `rows`; null when none is cold. */
  private coldRowsOf(batch: ZBatch, rows: Int32Array): ZBatch | null {
    if (this.cold === null || this.cold.segmentCount === 0 || rows.length === 0) return null;
    const found = this.cold.lookupKeys(this.primaryKey.map((k) => gatherColumn(batch.columns[k]!, rows)), rows.length).rows;
    return found.length === 0 ? null : found;
  }

  /**
   * The live cold rows with the given primary-key values (key columns in key
   * order), one per distinct key, with the index of the key each answers;
   * null when none is cold.
   */
  coldRowsForKeys(keyColumns: readonly Column[], length: number): { readonly rows: ZBatch; readonly keyRows: Int32Array } | null {
    if (this.cold === null || this.cold.segmentCount === 0 || length === 0) return null;
    const found = this.cold.lookupKeys(keyColumns, length);
    return found.rows.length === 0 ? null : found;
  }

  /** Fails with 23505 if applying `delta` would give two live rows one key. */
  checkUnique(delta: ZBatch): void {
    if (this.primaryKey.length === 0) return;
    const net = new KeyedRows(this.types, this.primaryKey);
    const hashes = this.rows.hashKeys(delta.columns, delta.length);
    const netSlots = net.findOrAdd(delta.columns, hashes, delta.length);
    const storeSlots = this.rows.find(delta.columns, hashes, delta.length);
    const cold = this.cold?.hasKeys(this.primaryKey.map((k) => delta.columns[k]!), delta.length) ?? null;
    for (let i = 0; i < delta.length; i++) net.addCount(netSlots[i]!, delta.weights[i]!);
    for (let i = 0; i < delta.length; i++) {
      const existing = (storeSlots[i]! >= 0 ? this.rows.counts[storeSlots[i]!]! : 0) + (cold?.[i] ?? 0);
      if (existing + net.counts[netSlots[i]!]! > 1) {
        const names = this.primaryKey.map((k) => this.columns[k]!.name).join(', ');
        const values = this.primaryKey.map((k) => formatScalar(getScalar(delta.columns[k]!, i)!, this.types[k]!)).join(', ');
        throw new EngineError(
          SqlState.uniqueViolation,
          `duplicate key value violates unique constraint "${this.primaryKeyName}": Key (${names})=(${values}) already exists.`,
        );
      }
    }
  }

  /** Feeds the cold tier's rows to the unique indexes (after a checkpoint's cold tier was restored: `load` fed them the hot rows only). */
  indexColdRows(): void {
    if (this.cold === null || this.uniqueIndexes.size === 0) return;
    for (const rows of this.cold.stream()) for (const index of this.uniqueIndexes.values()) index.apply(index.stage(rows));
  }

  /** Adds a unique index built over the current rows (UniqueIndex.build checks them). */
  addUniqueIndex(index: UniqueIndex): void {
    assert(!this.uniqueIndexes.has(index.key.name), `unique index ${index.key.name} added twice`);
    this.uniqueIndexes.set(index.key.name, index);
  }

  removeUniqueIndex(name: string): void {
    this.uniqueIndexes.delete(name);
  }

  /**
   * Applies a delta: retractions first, so a keyed row can be replaced. Fails
   * with 23505, before changing anything, when the delta would break a UNIQUE
   * constraint.
   */
  apply(delta: ZBatch, lsn = this.lastLsn): void {
    this.lastLsn = lsn;
    // Taken now: a failed check below must not leave it for a later call.
    const resolved = this.resolved;
    this.resolved = null;
    let staged: StagedKeys[] | null = null;
    if (this.uniqueIndexes.size > 0) {
      staged = [];
      for (const index of this.uniqueIndexes.values()) staged.push(index.stage(delta));
    }
    this.applyRows(delta, lsn, resolved);
    if (staged !== null) {
      let k = 0;
      for (const index of this.uniqueIndexes.values()) index.apply(staged[k++]!);
    }
  }

  /**
   * Fills an empty table with `rows`, distinct rows with their counts (what
   * `rowsSnapshot` gave when a checkpoint was taken): a bulk copy instead of
   * apply's per-row probe. Unique indexes take the rows as usual.
   */
  load(rows: ZBatch, lsns: Float64Array | null = null, indexes = true, hashes?: Int32Array): void {
    assert(this.rows.size === 0, 'load needs an empty table');
    let staged: StagedKeys[] | null = null;
    if (indexes && this.uniqueIndexes.size > 0) {
      staged = [];
      for (const index of this.uniqueIndexes.values()) staged.push(index.stage(rows));
    }
    this.resolved = null;
    if (rows.length > 0) this.rows.appendDistinct(rows.columns, rows.weights, rows.length, hashes);
    this.lsns = growLsns(this.lsns, this.rows.counts.length);
    if (lsns !== null) this.lsns.set(lsns.subarray(0, rows.length));
    else this.lsns.fill(this.lastLsn, 0, rows.length);
    this.version++;
    if (staged !== null) {
      let k = 0;
      for (const index of this.uniqueIndexes.values()) index.apply(staged[k++]!);
    }
  }

  private applyRows(delta: ZBatch, lsn: number, resolved: TableStore['resolved']): void {
    const n = delta.length;
    if (n === 0) return;
    if (n > 1024) this.rows.reserve(n);
    // Rows whose slot was just added hold their values already; only a reused key needs them written.
    const sizeBefore = this.rows.size;
    let added: Uint8Array | null = null;
    let slots: Int32Array;
    if (resolved !== null && resolved.delta === delta && resolved.version === this.version) {
      added = new Uint8Array(n);
      for (let i = 0; i < n; i++) if (resolved.slots[i]! < 0) added[i] = 1;
      slots = this.resolvedSlots(delta, resolved.slots, resolved.hashes);
    } else slots = this.rows.findOrAdd(delta.columns, this.rows.hashKeys(delta.columns, n), n);
    this.version++;
    const keyed = this.primaryKey.length > 0;
    // Retractions the hot tier cannot cover are of rows in the cold tier.
    let coldRows: number[] | null = null;
    let coldCounts: number[] | null = null;
    for (let i = 0; i < n; i++) {
      const w = delta.weights[i]!;
      if (w >= 0) continue;
      const have = this.rows.counts[slots[i]!]!;
      if (have + w < 0 && this.cold !== null) {
        if (have > 0) this.rows.addCount(slots[i]!, -have);
        (coldRows ??= []).push(i);
        (coldCounts ??= []).push(-w - have);
        continue;
      }
      const after = this.rows.addCount(slots[i]!, w);
      assert(after >= 0, 'table delta retracts a row the table does not hold');
    }
    if (coldRows !== null) {
      const rows = gatherBatch(delta, Int32Array.from(coldRows));
      this.cold!.retract({ ...rows, weights: Int32Array.from(coldCounts!) });
    }
    this.lsns = growLsns(this.lsns, this.rows.counts.length);
    const lsns = this.lsns;
    // Keyed rows whose slot held other values (an update, or a reused slot): written column by column after the loop.
    const rewritten = keyed ? new Int32Array(n) : null;
    const into = keyed ? new Int32Array(n) : null;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const w = delta.weights[i]!;
      if (w <= 0) continue;
      const slot = slots[i]!;
      if (keyed) {
        assert(this.rows.counts[slot] === 0, 'table delta inserts a key that is present');
        const fresh = added !== null ? added[i] === 1 : slot >= sizeBefore;
        // A slot added for a cold row's retraction holds that row's values, not this one's.
        if (!fresh || coldRows !== null) {
          rewritten![m] = i;
          into![m++] = slot;
        }
      }
      this.rows.addCount(slot, w);
      lsns[slot] = lsn;
    }
    if (m > 0) this.rows.overwriteRows(into!, delta.columns, rewritten!, m);
    // Deleted rows leave the index; their slots are reused by later inserts.
    this.rows.release(slots);
  }

  /**
   * The slots `insertDelta`/`deleteDelta` found for the delta they returned,
   * with a new slot added for each key the table lacked (those keys are
   * distinct within the delta, so they need no probe).
   */
  private resolvedSlots(delta: ZBatch, known: Int32Array, hashes: Int32Array | null): Int32Array {
    for (let i = 0; i < delta.length; i++) {
      if (known[i]! >= 0) continue;
      assert(hashes !== null, 'an unresolved row in a delete delta');
      known[i] = this.rows.appendAbsent(delta.columns, i, hashes[i]!);
    }
    return known;
  }

  /** Slots of the rows whose primary key equals the given key columns (-1 where absent). */
  findKeys(keyColumns: readonly Column[], length: number): Int32Array {
    assert(this.primaryKey.length === keyColumns.length, 'key arity mismatch');
    const full: Column[] = this.columns.map((_, i) => {
      const k = this.primaryKey.indexOf(i);
      return k >= 0 ? keyColumns[k]! : keyColumns[0]!;
    });
    const slots = this.rows.find(full, this.rows.hashKeys(full, length), length);
    for (let i = 0; i < length; i++) if (slots[i]! >= 0 && this.rows.counts[slots[i]!] === 0) slots[i] = -1;
    return slots;
  }

  private rowsAt(slots: Int32Array, weight: number | null): ZBatch {
    const weights = new Int32Array(slots.length);
    for (let j = 0; j < slots.length; j++) weights[j] = weight ?? -this.rows.counts[slots[j]!]!;
    return { columns: this.rows.gather(slots), weights, length: slots.length };
  }

  /** Fails with 23502 when a NOT NULL column holds a NULL. */
  checkNotNull(batch: ZBatch): void {
    this.columns.forEach((col, c) => {
      if (!col.notNull) return;
      const v = batch.columns[c]!.validity;
      if (v === null) return;
      for (let i = 0; i < batch.length; i++) {
        if (((v[i >>> 3]! >>> (i & 7)) & 1) === 0) {
          throw new EngineError(SqlState.notNullViolation, `null value in column "${col.name}" violates not-null constraint`);
        }
      }
    });
  }

}

/** `lsns` with room for `capacity` slots (the KeyedRows' own capacity). */
function growLsns(lsns: Float64Array, capacity: number): Float64Array {
  if (lsns.length >= capacity) return lsns;
  const grown = new Float64Array(capacity);
  grown.set(lsns);
  return grown;
}
