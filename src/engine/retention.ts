// Table retention: `WITH (retention = '30 days')` on a table with event time.
// Rows whose event time is more than `retention` behind the watermark leave
// the table's store (memory and cold segments): one-shot queries and views
// created later no longer see them, while views that already hold them keep
// their state. In a durable engine whose views read the table, the rows are
// kept on disk as expired segments, so recovery from a checkpoint can rebuild
// those views (storage/cold-tier.ts). Such rows are closed (retention is at
// least the allowed lateness), so no later change can need them. Expiry runs
// after a commit, when the cutoff has crossed another step of retention / 16,
// so a table is scanned a bounded number of times per retention period. The
// cutoff depends only on the watermark, so replay and recovery from a
// checkpoint drop exactly the same rows.

import type { TableEntry } from '../plan/catalog.js';
import type { TableStore } from '../storage/table-store.js';
import type { ColdTier } from '../storage/cold-tier.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { gatherBatch } from '../columnar/z-batch.js';

/** Steps per retention period at which expiry runs. */
const STEPS = 16;

export class Retention {
  /** Per table (by catalog entry: a table created again under the same name starts afresh), the cutoff (µs) whose older rows are gone. */
  private readonly applied = new WeakMap<TableEntry, number>();

  /**
   * Drops `entry`'s rows older than watermark - retention (rounded down to a
   * step), when that cutoff moved. With `keep` (a durable engine whose views
   * read the table), the rows go to the table's cold tier as expired at LSN
   * `keep.lsn` instead, so recovery can rebuild those views (cold-tier.ts).
   */
  expire(
    entry: TableEntry,
    store: TableStore,
    watermark: number,
    keep: { readonly lsn: number; readonly tier: () => ColdTier } | null = null,
    /** Told the rows removed (a view being built from the table must drop them too). */
    removedRows?: (rows: ZBatch) => void,
  ): void {
    const et = entry.eventTime;
    if (et?.retention === undefined || watermark === Number.NEGATIVE_INFINITY) return;
    const step = Math.max(1, Math.floor(et.retention / STEPS));
    const cutoff = Math.floor((watermark - et.retention) / step) * step;
    if (cutoff <= (this.applied.get(entry) ?? Number.NEGATIVE_INFINITY)) return;
    this.applied.set(entry, cutoff);
    const slots = store.slotsBefore(et.column, cutoff);
    if (slots.length > 0) {
      const delta = store.deleteDelta(slots);
      const rows = keep !== null || removedRows !== undefined ? copiesOf(delta) : null;
      if (keep !== null) keep.tier().archive(rows!, keep.lsn);
      removedRows?.(rows!);
      // Not a commit: nothing downstream sees it (views keep what they have).
      store.apply(delta);
    }
    // Cold segments wholly past the cutoff leave unread; their files go at a later checkpoint.
    store.cold?.expireBefore(et.column, cutoff, keep?.lsn ?? null, removedRows);
  }
}

/** The rows a delete delta removes, one row per copy (weights -n become n rows). */
function copiesOf(delta: ZBatch): ZBatch {
  let n = 0;
  for (let i = 0; i < delta.length; i++) n -= delta.weights[i]!;
  const rows = new Int32Array(n);
  let at = 0;
  for (let i = 0; i < delta.length; i++) for (let k = -delta.weights[i]!; k > 0; k--) rows[at++] = i;
  return { ...gatherBatch(delta, rows), weights: new Int32Array(n).fill(1) };
}
