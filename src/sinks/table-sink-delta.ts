// What a view's changes do to a table that a sink feeds (CREATE SINK ... INTO
// TABLE t). The changes must be consolidated. An insertion adds the row (with a
// primary key: upserts it, replacing the row with that key). A retraction
// removes the row only where t holds exactly that row — with a primary key the
// row stored under its key, without one up to |weight| copies — and is skipped
// otherwise (a user deleted or replaced it since), so the result is always a
// delta the table can apply, whatever else writes to t. Cost: O(changes) with
// a primary key; without one, a commit that retracts rows scans t, as a
// DELETE on a table without a key does.

import type { Column } from '../columnar/column.js';
import { KeyedRows } from '../columnar/keyed-rows.js';
import { hashRows } from '../columnar/hash-rows.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { concatBatches, gatherBatch, negateBatch } from '../columnar/z-batch.js';
import type { TableStore } from '../storage/table-store.js';

export interface TableSinkDelta {
  /** The delta to commit to the table (retractions first). */
  readonly delta: ZBatch;
  /** Retracted rows the table did not hold. */
  readonly skipped: number;
}

function indexesWhere(batch: ZBatch, keep: (w: number) => boolean): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < batch.length; i++) if (keep(batch.weights[i]!)) out.push(i);
  return Int32Array.from(out);
}

function withWeight(batch: ZBatch, weight: number): ZBatch {
  return { columns: batch.columns, weights: new Int32Array(batch.length).fill(weight), length: batch.length };
}

/** For each row of `a` and `b` (same length, same layout), whether the two rows are equal (NULL equals NULL). */
function rowsEqual(a: readonly Column[], b: readonly Column[], length: number): Uint8Array {
  const types = a.map((c) => c.type);
  const probe = new KeyedRows(types, types.map((_, i) => i));
  const slotsA = probe.findOrAdd(a, hashRows(a, length), length);
  const slotsB = probe.find(b, hashRows(b, length), length);
  const equal = new Uint8Array(length);
  for (let i = 0; i < length; i++) equal[i] = slotsA[i] === slotsB[i] ? 1 : 0;
  return equal;
}

/** The table delta for `changes` (consolidated). Does not change the table: commit the result. */
export function tableSinkDelta(store: TableStore, changes: ZBatch): TableSinkDelta {
  const types = store.types;
  const retracted = gatherBatch(changes, indexesWhere(changes, (w) => w < 0));
  const inserted = gatherBatch(changes, indexesWhere(changes, (w) => w > 0));
  const { retract, skipped } = store.primaryKey.length > 0 ? keyedRetractions(store, retracted) : rowRetractions(store, retracted);
  if (inserted.length === 0) return { delta: retract, skipped };
  if (store.primaryKey.length === 0) {
    store.checkNotNull(inserted);
    return { delta: concatBatches(types, [retract, inserted]), skipped };
  }
  // An upsert replaces what is stored under its key after the retractions, so
  // compute it against that state, then put the table back as it was.
  const upsert = withWeight(inserted, 1);
  if (retract.length === 0) return { delta: store.insertDelta(upsert), skipped };
  store.apply(retract);
  let replaced: ZBatch;
  try {
    replaced = store.insertDelta(upsert);
  } finally {
    store.apply(negateBatch(retract));
  }
  return { delta: concatBatches(types, [retract, replaced]), skipped };
}

/** With a primary key: each retracted row that is exactly the row stored under its key. */
function keyedRetractions(store: TableStore, retracted: ZBatch): { retract: ZBatch; skipped: number } {
  const n = retracted.length;
  if (n === 0) return { retract: retracted, skipped: 0 };
  const keys = store.primaryKey.map((k) => retracted.columns[k]!);
  const slots = store.findKeys(keys, n);
  const found = indexesWhere({ ...retracted, weights: slots }, (s) => s >= 0);
  const foundSlots = new Int32Array(found.length);
  for (let j = 0; j < found.length; j++) foundSlots[j] = slots[found[j]!]!;
  // Keys whose row is in the cold tier (storage/cold-tier.ts) are matched against it too.
  const cold = store.coldRowsForKeys(keys, n);
  const stored = store.deleteDelta(foundSlots, cold?.rows ?? null);
  const candidates = cold === null ? gatherBatch(retracted, found) : concatBatches(store.types, [gatherBatch(retracted, found), gatherBatch(retracted, cold.keyRows)]);
  const equal = rowsEqual(stored.columns, candidates.columns, candidates.length);
  // Retracted rows are distinct (consolidated), so at most one matches each stored row.
  const matched = indexesWhere({ ...stored, weights: Int32Array.from(equal) }, (e) => e === 1);
  return { retract: withWeight(gatherBatch(stored, matched), -1), skipped: n - matched.length };
}

/** Without a key: each retracted row removes up to |weight| of its copies, found by a scan of the table. */
function rowRetractions(store: TableStore, retracted: ZBatch): { retract: ZBatch; skipped: number } {
  const n = retracted.length;
  if (n === 0) return { retract: retracted, skipped: 0 };
  const types = store.types;
  const wanted = new KeyedRows(types, types.map((_, i) => i));
  const slots = wanted.findOrAdd(retracted.columns, hashRows(retracted.columns, n), n);
  let requested = 0;
  for (let i = 0; i < n; i++) {
    wanted.addCount(slots[i]!, -retracted.weights[i]!);
    requested -= retracted.weights[i]!;
  }
  const rows = store.rowsSnapshot();
  const hits = wanted.find(rows.columns, hashRows(rows.columns, rows.length), rows.length);
  const take: number[] = [];
  const weights: number[] = [];
  let removed = 0;
  for (let i = 0; i < rows.length; i++) {
    const slot = hits[i]!;
    if (slot < 0 || rows.weights[i]! <= 0) continue;
    const count = Math.min(rows.weights[i]!, wanted.counts[slot]!);
    if (count <= 0) continue;
    take.push(i);
    weights.push(-count);
    removed += count;
    // The same row can come once per cold segment and once from memory: take no more than asked.
    wanted.addCount(slot, -count);
  }
  // Copy: the snapshot's columns are views of the table, which the commit changes.
  const gathered = gatherBatch(rows, Int32Array.from(take));
  return { retract: { columns: gathered.columns, weights: Int32Array.from(weights), length: take.length }, skipped: requested - removed };
}
