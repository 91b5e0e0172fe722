// A UNIQUE constraint (or unique index) of one table: a hash index from key
// value to the number of live table rows holding it, kept in step with the
// table's deltas. It promises that no two live rows share a key, checking a
// whole statement's delta at once (so `SET a = a + 1` over 1, 2, 3 passes, as a
// DEFERRABLE constraint would in PostgreSQL) in time proportional to the delta.
// Rows whose key has a NULL are not indexed: NULLs are distinct, unless the
// constraint says NULLS NOT DISTINCT.

import type { SqlType } from '../common/sql-type.js';
import { EngineError, SqlState } from '../common/errors.js';
import type { Column } from '../columnar/column.js';
import { gatherColumn, getScalar } from '../columnar/column.js';
import { hashRows } from '../columnar/hash-rows.js';
import { KeyedRows } from '../columnar/keyed-rows.js';
import { lastRowPerKey } from '../columnar/last-row-per-key.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { formatScalar } from '../expr/cast.js';

export interface UniqueKey {
  /** The constraint's (or index's) name, as messages quote it. */
  readonly name: string;
  /** How each key element reads in messages: a column name or a parenthesized expression. */
  readonly labels: readonly string[];
  readonly types: readonly SqlType[];
  /** The key columns of a batch of full table rows (plain columns, or computed by expression kernels). */
  readonly keyColumns: (batch: ZBatch) => readonly Column[];
  /** For a partial index: a BOOLEAN column saying which rows it covers; null covers every row. */
  readonly covers: ((batch: ZBatch) => Column) | null;
  readonly nullsNotDistinct: boolean;
}

/** The rows of one delta that an index covers, with their keys: computed once, checked, then applied. */
export interface StagedKeys {
  readonly columns: readonly Column[];
  readonly weights: Int32Array;
  readonly hashes: Int32Array;
  readonly length: number;
}

export class UniqueIndex {
  /** One slot per key value; its count is the number of live rows holding it (0 or 1 between statements). */
  private readonly keys: KeyedRows;

  constructor(readonly key: UniqueKey) {
    this.keys = new KeyedRows(key.types, key.types.map((_, i) => i));
  }

  /**
   * An index over `rows` (a table's current contents, weights = multiplicities);
   * 23505 "could not create unique index" when two of them share a key.
   */
  static build(key: UniqueKey, rows: ZBatch): UniqueIndex {
    const index = new UniqueIndex(key);
    index.apply(index.stage(rows, 'create'));
    return index;
  }

  /**
   * The covered rows of `delta` and their keys, after checking that applying
   * the delta to the table leaves no key on two live rows (23505 otherwise).
   * Changes nothing; pass the result to `apply`.
   */
  stage(delta: ZBatch, action: 'write' | 'create' = 'write'): StagedKeys {
    const staged = this.covered(delta);
    const n = staged.length;
    let inserts = false;
    let onlyInserts = true;
    for (let i = 0; i < n; i++) {
      const w = staged.weights[i]!;
      if (w > 0) inserts = true;
      if (w !== 1) onlyInserts = false;
    }
    // A delta that only removes rows cannot create a duplicate.
    if (!inserts) return staged;
    if (onlyInserts) {
      this.checkInserts(staged, action);
      return staged;
    }
    // The net change per key within the delta, added to what the table holds:
    // only the end state of the statement has to be unique.
    const net = new KeyedRows(this.key.types, this.keys.keyColumns);
    const netSlots = net.findOrAdd(staged.columns, staged.hashes, n);
    net.addCounts(netSlots, staged.weights, n);
    // An empty index (the first load of a table) holds nothing to collide with: skip the probe.
    const held = this.keys.live === 0 ? new Int32Array(n).fill(-1) : this.keys.find(staged.columns, staged.hashes, n);
    for (let i = 0; i < n; i++) {
      if (staged.weights[i]! <= 0) continue;
      const before = held[i]! >= 0 ? this.keys.counts[held[i]!]! : 0;
      if (before + net.counts[netSlots[i]!]! > 1) throw this.violation(staged.columns, i, action);
    }
    return staged;
  }

  /**
   * For performance, the common case of a delta that only adds rows (plain
   * INSERTs and bulk loads): a duplicate within the delta shows up as a row
   * `lastRowPerKey` drops, and one against the table as a key the index
   * already holds. No net-count store is built.
   */
  private checkInserts(staged: StagedKeys, action: 'write' | 'create'): void {
    const n = staged.length;
    const keyColumns = this.keys.keyColumns;
    const kept = lastRowPerKey(staged.columns, keyColumns, staged.hashes, n);
    if (kept.length < n) {
      let i = 0;
      while (i < kept.length && kept[i] === i) i++;
      throw this.violation(staged.columns, i, action);
    }
    if (this.keys.live === 0) return;
    const held = this.keys.find(staged.columns, staged.hashes, n);
    for (let i = 0; i < n; i++) {
      if (held[i]! >= 0 && this.keys.counts[held[i]!]! > 0) throw this.violation(staged.columns, i, action);
    }
  }

  /** Records a staged delta; the table applies the same delta alongside. */
  apply(staged: StagedKeys): void {
    if (staged.length === 0) return;
    const slots = this.keys.findOrAdd(staged.columns, staged.hashes, staged.length);
    this.keys.addCounts(slots, staged.weights, staged.length);
    this.keys.release(slots);
  }

  /** Key values currently indexed (for tests and SHOW). */
  get size(): number {
    return this.keys.live;
  }

  private covered(delta: ZBatch): StagedKeys {
    const n = delta.length;
    const all = this.key.keyColumns(delta);
    const mask = this.key.covers === null ? null : this.key.covers(delta);
    // For performance: the common case (no partial predicate, no NULL keys, no zero weights) keeps the columns as they are.
    let keep: Int32Array | null = null;
    const anyNullable = !this.key.nullsNotDistinct && all.some((c) => c.validity !== null);
    if (mask !== null || anyNullable || delta.weights.includes(0)) {
      const rows = new Int32Array(n);
      let m = 0;
      for (let i = 0; i < n; i++) {
        if (delta.weights[i] === 0) continue;
        if (mask !== null && !(mask.values[i] === 1 && isValidAt(mask.validity, i))) continue;
        if (anyNullable && !all.every((c) => isValidAt(c.validity, i))) continue;
        rows[m++] = i;
      }
      if (m < n) keep = rows.subarray(0, m);
    }
    const columns = keep === null ? all : all.map((c) => gatherColumn(c, keep));
    const weights = keep === null ? delta.weights : Int32Array.from(keep, (i) => delta.weights[i]!);
    const length = keep === null ? n : keep.length;
    return { columns, weights, hashes: hashRows(columns, length), length };
  }

  private violation(columns: readonly Column[], row: number, action: 'write' | 'create'): EngineError {
    const values = columns.map((c, k) => {
      const v = getScalar(c, row);
      return v === null ? 'null' : formatScalar(v, this.key.types[k]!);
    });
    const key = `Key (${this.key.labels.join(', ')})=(${values.join(', ')})`;
    const message = action === 'create'
      ? `could not create unique index "${this.key.name}": ${key} is duplicated.`
      : `duplicate key value violates unique constraint "${this.key.name}": ${key} already exists.`;
    return new EngineError(SqlState.uniqueViolation, message);
  }
}

function isValidAt(validity: Uint8Array | null, i: number): boolean {
  return validity === null || ((validity[i >>> 3]! >>> (i & 7)) & 1) === 1;
}
