// A table's cold tier: rows moved out of memory into immutable Parquet
// segments (storage/parquet-codec.ts), each described by a manifest entry
// (row count, the LSNs of the commits that inserted its rows, per-column
// min/max for pruning, file size). Rows deleted after they went cold are
// marked in a per-segment deletion bitmap instead of rewriting the file; a
// segment whose rows are all deleted (or past retention) leaves the manifest,
// and its file is removed by a later checkpoint (storage/segment-files.ts).
// A keyed table's tier also keeps its cold rows' primary keys in memory
// (cold-key-index.ts), so upserts and keyed deletes find a cold row at once.
//
// Rows that retention removes from a table that views read are not thrown
// away but kept as expired segments, each with the LSN at which its rows
// expired: reads, deletes and new views never see them, but recovery from a
// checkpoint rebuilds a view created before that LSN from them too (a
// checkpoint holds tables, not view state, and such a view still counts those
// rows). An expired segment goes once every view reading the table is newer.
//
// The manifest (with the bitmaps) is saved in every checkpoint, and changes
// to it between checkpoints come only from commits (deletes, retention),
// which the log replays: so recovery rebuilds it exactly.

import { crc32 } from 'node:zlib';
import type { SqlType } from '../common/sql-type.js';
import { assert } from '../common/assert.js';
import { EngineError, SqlState } from '../common/errors.js';
import type { Column } from '../columnar/column.js';
import { f64 } from '../columnar/column.js';
import { hashRows } from '../columnar/hash-rows.js';
import { KeyedRows } from '../columnar/keyed-rows.js';
import { isValid } from '../columnar/validity.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { gatherBatch } from '../columnar/z-batch.js';
import { compareDoubles, compareText } from '../expr/functions/comparison.js';
import { decodeSegment, encodeSegment } from './parquet-codec.js';
import type { SegmentFiles } from './segment-files.js';
import type { StatValue } from './segment-stats.js';
import { columnStats } from './segment-stats.js';
import { ColdKeyIndex } from './cold-key-index.js';
import { gatherColumn } from '../columnar/column.js';
import { concatBatches } from '../columnar/z-batch.js';

/** One segment as the manifest describes it (JSON-safe, saved in checkpoints). */
export interface SegmentMeta {
  readonly file: string;
  /** Rows in the file (deleted ones included). */
  readonly rows: number;
  /** The LSNs of the earliest and latest commits that inserted its rows. */
  readonly lsnMin: number;
  readonly lsnMax: number;
  /** The file's size and CRC-32 (Parquet has no checksum of its own by default; a flipped bit could decode to wrong values). */
  readonly bytes: number;
  readonly crc: number;
  /** Per column: smallest and largest non-NULL value (storage/segment-stats.ts) and the non-NULL count. */
  readonly min: readonly StatValue[];
  readonly max: readonly StatValue[];
  readonly nonNull: readonly number[];
}

/** A segment in memory: its manifest entry and which of its rows are deleted. */
interface Segment {
  /** A number naming the segment in memory (the key index refers to it). */
  readonly id: number;
  readonly meta: SegmentMeta;
  /** Bit i set = row i deleted; null while none is. */
  deleted: Uint8Array | null;
  deletedRows: number;
}

/**
 * The tier as it was at one moment, for a reader that runs while commits go
 * on (a view's backfill): the segments then, their deletion marks copied,
 * and their files pinned until `release`.
 */
export interface FrozenCold {
  /** Live rows then. */
  readonly rows: number;
  readonly segments: number;
  /** Segment i's rows that were live then (weight 1 each). */
  read(i: number): ZBatch;
  release(): void;
}

/** What a checkpoint saves of a cold tier. */
export interface ColdState {
  readonly segments: readonly (SegmentMeta & { readonly deleted: string | null })[];
  /** Expired segments (absent in checkpoints written before them). */
  readonly expired?: readonly (SegmentMeta & { readonly deleted: string | null; readonly expiredLsn: number })[];
}

export class ColdTier {
  private segments: Segment[] = [];
  /** Rows retention removed that views created before `lsn` still count. */
  private expired: { readonly segment: Segment; readonly lsn: number }[] = [];
  private readonly byId = new Map<number, Segment>();
  private nextId = 1;
  /** A keyed table's cold primary keys; null for a table without a key. */
  private readonly keyIndex: ColdKeyIndex | null;
  /** Segments read and skipped by pruning since the tier was made (GET /v1/status shows them). */
  segmentsRead = 0;
  segmentsSkipped = 0;

  constructor(
    private readonly files: SegmentFiles,
    private readonly names: readonly string[],
    private readonly types: readonly SqlType[],
    /** The primary key's columns; empty for a table without one. */
    private readonly keyColumns: readonly number[] = [],
  ) {
    this.keyIndex = keyColumns.length === 0 ? null : new ColdKeyIndex(keyColumns.map((k) => types[k]!));
  }

  /** Rows in the tier, deleted ones excluded. */
  get rowCount(): number {
    let n = 0;
    for (const s of this.segments) n += s.meta.rows - s.deletedRows;
    return n;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  /** Bytes of the tier's files. */
  get bytes(): number {
    let n = 0;
    for (const s of this.segments) n += s.meta.bytes;
    return n;
  }

  /** File names the tier refers to. */
  fileNames(): string[] {
    return [...this.segments, ...this.expired.map((e) => e.segment)].map((s) => s.meta.file);
  }

  /** Rows kept in expired segments (see the header). */
  get expiredRows(): number {
    let n = 0;
    for (const { segment: s } of this.expired) n += s.meta.rows - s.deletedRows;
    return n;
  }

  /** Writes `length` rows as a new segment file (durably) and adds it to the manifest. */
  add(columns: readonly Column[], length: number, lsnMin: number, lsnMax: number): SegmentMeta {
    const segment = this.write(columns, length, lsnMin, lsnMax);
    this.segments.push(segment);
    this.byId.set(segment.id, segment);
    this.keyIndex?.add(this.keyColumns.map((k) => columns[k]!), length, segment.id, Int32Array.from({ length }, (_, i) => i));
    return segment.meta;
  }

  /** Writes rows that expired at `lsn` as an expired segment (retention of rows in memory, or part of a live segment). */
  archive(rows: ZBatch, lsn: number): void {
    if (rows.length === 0) return;
    this.expired.push({ segment: this.write(rows.columns, rows.length, lsn, lsn), lsn });
  }

  /** The rows of segments that expired after `lsn`: what a view created at `lsn` still counts (recovery rebuilds it from them too). */
  *expiredAfter(lsn: number): Generator<ZBatch> {
    for (const e of [...this.expired]) if (e.lsn > lsn) yield this.liveRows(e.segment);
  }

  /** Forgets expired segments no view needs: those that expired at or before `oldestReader`, the LSN at which the oldest view reading the table was created (Infinity: none reads it). */
  dropExpired(oldestReader: number): void {
    this.expired = this.expired.filter((e) => e.lsn > oldestReader);
  }

  private write(columns: readonly Column[], length: number, lsnMin: number, lsnMax: number): Segment {
    const bytes = encodeSegment(this.names, this.types, columns, length);
    const file = this.files.writeSegment(bytes);
    const stats = columns.map((c) => columnStats(c, length));
    const meta: SegmentMeta = {
      file,
      rows: length,
      lsnMin,
      lsnMax,
      bytes: bytes.length,
      crc: crc32(bytes),
      min: stats.map((s) => s.min),
      max: stats.map((s) => s.max),
      nonNull: stats.map((s) => s.nonNull),
    };
    return { id: this.nextId++, meta, deleted: null, deletedRows: 0 };
  }

  /**
   * The live rows (weight 1 each) of every segment `mayMatch` accepts, one
   * batch per segment, oldest first. Without `mayMatch`, every segment.
   */
  scan(mayMatch?: (meta: SegmentMeta) => boolean): ZBatch[] {
    return [...this.stream(mayMatch)];
  }

  /** `scan`, one segment read per step of the iteration (the caller holds one segment's rows at a time). */
  *stream(mayMatch?: (meta: SegmentMeta) => boolean): Generator<ZBatch> {
    for (const s of [...this.segments]) {
      if (s.deletedRows === s.meta.rows) continue;
      if (mayMatch !== undefined && !mayMatch(s.meta)) {
        this.segmentsSkipped++;
        continue;
      }
      yield this.liveRows(s);
    }
  }

  /** The tier now, readable later whatever deletes, retention or checkpoints do meanwhile. */
  freeze(): FrozenCold {
    const frozen: Segment[] = this.segments.map((s) => ({ id: s.id, meta: s.meta, deleted: s.deleted === null ? null : s.deleted.slice(), deletedRows: s.deletedRows }));
    const files = frozen.map((s) => s.meta.file);
    this.files.pin(files);
    let released = false;
    return {
      rows: frozen.reduce((n, s) => n + s.meta.rows - s.deletedRows, 0),
      segments: frozen.length,
      read: (i) => this.liveRows(frozen[i]!),
      release: () => {
        if (!released) this.files.unpin(files);
        released = true;
      },
    };
  }

  private decode(s: Segment): ZBatch {
    this.segmentsRead++;
    const cached = this.files.cache.get(s.meta.file);
    if (cached !== undefined) return cached;
    const batch = this.readFile(s);
    this.files.cache.put(s.meta.file, batch);
    return batch;
  }

  private readFile(s: Segment): ZBatch {
    const bytes = this.files.read(s.meta.file);
    if (bytes.length !== s.meta.bytes || crc32(bytes) !== s.meta.crc) {
      throw new EngineError(SqlState.dataCorrupted, `cold segment ${this.files.path(s.meta.file)} is damaged: its size or checksum differs from the manifest's`);
    }
    const { columns, length } = decodeSegment(bytes, this.types);
    assert(length === s.meta.rows, `segment ${s.meta.file} holds ${length} rows; its manifest says ${s.meta.rows}`);
    return { columns, weights: new Int32Array(length).fill(1), length };
  }

  private liveRows(s: Segment): ZBatch {
    const all = this.decode(s);
    if (s.deleted === null) return all;
    const keep = new Int32Array(s.meta.rows - s.deletedRows);
    let j = 0;
    for (let i = 0; i < s.meta.rows; i++) if (!isDeleted(s.deleted, i)) keep[j++] = i;
    return gatherBatch(all, keep);
  }

  /**
   * Deletes rows from the tier: `rows` with positive weights, each weight the
   * number of copies to delete (a table without a primary key is a multiset,
   * so any copy will do). Only segments whose min/max admit the rows are
   * read. Every row must be present: the caller found it in the table.
   */
  retract(rows: ZBatch): void {
    if (this.keyIndex !== null) {
      this.retractKeys(this.keyIndex, rows);
      return;
    }
    const wanted = new KeyedRows(this.types, this.types.map((_, i) => i));
    const slots = wanted.findOrAdd(rows.columns, hashRows(rows.columns, rows.length), rows.length);
    let remaining = 0;
    for (let i = 0; i < rows.length; i++) {
      const w = rows.weights[i]!;
      assert(w > 0, 'cold retraction with a non-positive count');
      wanted.addCount(slots[i]!, w);
      remaining += w;
    }
    const range = rows.columns.map((c) => columnStats(c, rows.length));
    for (const s of this.segments) {
      if (remaining === 0) break;
      if (s.deletedRows === s.meta.rows || !rangesMeet(s.meta, range, rows.length)) continue;
      const batch = this.decode(s);
      const found = wanted.find(batch.columns, hashRows(batch.columns, batch.length), batch.length);
      for (let i = 0; i < batch.length && remaining > 0; i++) {
        const slot = found[i]!;
        if (slot < 0 || wanted.counts[slot] === 0 || (s.deleted !== null && isDeleted(s.deleted, i))) continue;
        this.markDeleted(s, i);
        wanted.addCount(slot, -1);
        remaining--;
      }
    }
    assert(remaining === 0, `a delete of ${remaining} row(s) found no such row in the cold tier`);
    this.dropEmpty();
  }

  /** A keyed tier's retract: each row's key leads to its cold row (a key has one live row). */
  private retractKeys(index: ColdKeyIndex, rows: ZBatch): void {
    const slots = index.find(this.keyColumns.map((k) => rows.columns[k]!), rows.length);
    for (let i = 0; i < rows.length; i++) {
      const slot = slots[i]!;
      assert(slot >= 0 && rows.weights[i] === 1, 'a keyed delete found no such key in the cold tier');
      this.markDeleted(this.byId.get(index.segment(slot))!, index.row(slot));
    }
    index.remove(slots);
    this.dropEmpty();
  }

  /**
   * The live cold rows holding the given primary keys (a keyed tier only):
   * `rows` (weight 1 each, one per distinct key) and, per row, the index of
   * the key it answers in `keyColumns`. Each segment involved is read once.
   */
  lookupKeys(keyColumns: readonly Column[], length: number): { readonly rows: ZBatch; readonly keyRows: Int32Array } {
    const index = this.keyIndex;
    assert(index !== null, 'lookupKeys on a tier without a key');
    const slots = index.find(keyColumns, length);
    const bySegment = new Map<number, number[]>();
    const seen = new Set<number>();
    for (let i = 0; i < length; i++) {
      const slot = slots[i]!;
      // A key asked for twice answers once.
      if (slot < 0 || seen.has(slot)) continue;
      seen.add(slot);
      const list = bySegment.get(index.segment(slot));
      if (list === undefined) bySegment.set(index.segment(slot), [i]);
      else list.push(i);
    }
    const parts: ZBatch[] = [];
    const keyRows: number[] = [];
    for (const [id, inputs] of bySegment) {
      const all = this.decode(this.byId.get(id)!);
      parts.push(gatherBatch(all, Int32Array.from(inputs, (i) => index.row(slots[i]!))));
      keyRows.push(...inputs);
    }
    return { rows: concatBatches(this.types, parts), keyRows: Int32Array.from(keyRows) };
  }

  /** Per row of `keyColumns`: 1 when a live cold row has that primary key. */
  hasKeys(keyColumns: readonly Column[], length: number): Uint8Array {
    const out = new Uint8Array(length);
    if (this.keyIndex === null) return out;
    const slots = this.keyIndex.find(keyColumns, length);
    for (let i = 0; i < length; i++) if (slots[i]! >= 0) out[i] = 1;
    return out;
  }

  /** Rows of a keyed tier's segment leave the key index (they were deleted by retention). */
  private unindex(s: Segment, rows: readonly number[]): void {
    if (this.keyIndex === null || rows.length === 0) return;
    const all = this.decode(s);
    const picked = Int32Array.from(rows);
    const keys = this.keyColumns.map((k) => gatherColumn(all.columns[k]!, picked));
    this.keyIndex.remove(this.keyIndex.find(keys, picked.length));
  }

  /**
   * Retention: deletes rows whose value in timestamp column `column` is below
   * `cutoff` (NULLs never are). Segments wholly below it leave without being
   * read (a keyed table's are read to forget their keys); only segments
   * straddling it are read. With `keepAt` (views read the table), the rows
   * are kept as expired at that LSN instead of dropped. `removedRows` is
   * told every row removed (then wholly expired segments are read too).
   * Returns the rows deleted.
   */
  expireBefore(column: number, cutoff: number, keepAt: number | null = null, removedRows?: (rows: ZBatch) => void): number {
    let removed = 0;
    for (const s of this.segments) {
      const min = s.meta.min[column];
      const max = s.meta.max[column];
      if (typeof min !== 'number' || typeof max !== 'number' || !(min < cutoff)) continue;
      if (max < cutoff && s.meta.nonNull[column] === s.meta.rows) {
        removed += s.meta.rows - s.deletedRows;
        removedRows?.(this.liveRows(s));
        if (this.keyIndex !== null) this.unindex(s, this.liveRowNumbers(s));
        if (keepAt !== null) this.expired.push({ segment: { ...s, id: this.nextId++ }, lsn: keepAt });
        s.deletedRows = s.meta.rows;
        continue;
      }
      const all = this.decode(s);
      const col = all.columns[column]!;
      const values = f64(col);
      const gone: number[] = [];
      for (let i = 0; i < s.meta.rows; i++) {
        if (values[i]! < cutoff && isValid(col.validity, i) && !(s.deleted !== null && isDeleted(s.deleted, i))) {
          this.markDeleted(s, i);
          gone.push(i);
        }
      }
      removed += gone.length;
      this.unindex(s, gone);
      const rows = gatherBatch(all, Int32Array.from(gone));
      if (keepAt !== null) this.archive(rows, keepAt);
      if (gone.length > 0) removedRows?.(rows);
    }
    this.dropEmpty();
    return removed;
  }

  private liveRowNumbers(s: Segment): number[] {
    const out: number[] = [];
    for (let i = 0; i < s.meta.rows; i++) if (s.deleted === null || !isDeleted(s.deleted, i)) out.push(i);
    return out;
  }

  private markDeleted(s: Segment, row: number): void {
    s.deleted ??= new Uint8Array((s.meta.rows + 7) >>> 3);
    s.deleted[row >>> 3]! |= 1 << (row & 7);
    s.deletedRows++;
  }

  /** Segments with no live row leave the manifest (their files go at a later checkpoint). */
  private dropEmpty(): void {
    this.segments = this.segments.filter((s) => {
      if (s.deletedRows < s.meta.rows) return true;
      this.byId.delete(s.id);
      return false;
    });
  }

  exportState(): ColdState {
    const saved = (s: Segment): SegmentMeta & { deleted: string | null } => ({ ...s.meta, deleted: s.deleted === null ? null : Buffer.from(s.deleted).toString('base64') });
    return {
      segments: this.segments.map(saved),
      expired: this.expired.map((e) => ({ ...saved(e.segment), expiredLsn: e.lsn })),
    };
  }

  /** Restores the manifest a checkpoint saved; fails when a segment file it names is missing. */
  importState(state: ColdState): void {
    const restore = ({ deleted, ...meta }: SegmentMeta & { readonly deleted: string | null }): Segment => {
      if (!this.files.exists(meta.file)) {
        throw new Error(`cold segment ${this.files.path(meta.file)} named by the checkpoint is missing; the data directory is damaged`);
      }
      const bits = deleted === null ? null : new Uint8Array(Buffer.from(deleted, 'base64'));
      let deletedRows = 0;
      if (bits !== null) for (let i = 0; i < meta.rows; i++) if (isDeleted(bits, i)) deletedRows++;
      return { id: this.nextId++, meta, deleted: bits, deletedRows };
    };
    this.expired = (state.expired ?? []).map(({ expiredLsn, ...saved }) => ({ segment: restore(saved), lsn: expiredLsn }));
    this.segments = state.segments.map((saved) => {
      const segment = restore(saved);
      this.byId.set(segment.id, segment);
      return segment;
    });
    // A keyed tier's key index is rebuilt from the segments' key columns (reading each segment once).
    if (this.keyIndex === null) return;
    for (const s of this.segments) {
      const all = this.decode(s);
      const live: number[] = [];
      for (let i = 0; i < s.meta.rows; i++) if (s.deleted === null || !isDeleted(s.deleted, i)) live.push(i);
      const rows = Int32Array.from(live);
      this.keyIndex.add(this.keyColumns.map((k) => gatherColumn(all.columns[k]!, rows)), rows.length, s.id, rows);
    }
  }
}

function isDeleted(bits: Uint8Array, row: number): boolean {
  return ((bits[row >>> 3]! >>> (row & 7)) & 1) === 1;
}

/**
 * False when some column proves no row of a batch (with the given per-column
 * ranges over `length` rows) can be in the segment: the batch's values there
 * are all non-NULL and lie outside the segment's [min, max].
 */
function rangesMeet(meta: SegmentMeta, range: readonly { min: StatValue; max: StatValue; nonNull: number }[], length: number): boolean {
  for (let c = 0; c < range.length; c++) {
    const r = range[c]!;
    if (r.nonNull !== length || r.min === null || r.max === null) continue;
    const lo = meta.min[c];
    const hi = meta.max[c];
    if (meta.nonNull[c] === 0) return false;
    if (lo === null || hi === null || lo === undefined || hi === undefined) continue;
    if (compareStat(r.max, lo) < 0 || compareStat(r.min, hi) > 0) return false;
  }
  return true;
}

function compareStat(a: number | string, b: number | string): number {
  return typeof a === 'number' ? compareDoubles(a, b as number) : compareText(a, b as string);
}
