// Table retention: `WITH (retention = '30 days')` on a table with event time.
// Rows whose event time is more than `retention` behind the watermark leave
// the table's store (memory, and cold segments): one-shot queries, and views created later, no longer see
// them, while views that already hold them keep their state. Such rows are
// closed (retention is at least the allowed lateness), so no later change can
// need them. Expiry runs after a commit, when the cutoff has crossed another
// step of retention / 16, so a table is scanned a bounded number of times per
// retention period. The cutoff depends only on the watermark, so replay and
// recovery from a checkpoint drop exactly the same rows.

import type { TableEntry } from '../plan/catalog.js';
import type { TableStore } from '../storage/table-store.js';

/** Steps per retention period at which expiry runs. */
const STEPS = 16;

export class Retention {
  /** Per table (by catalog entry: a table created again under the same name starts afresh), the cutoff (µs) whose older rows are gone. */
  private readonly applied = new WeakMap<TableEntry, number>();

  /** Drops `entry`'s rows older than watermark - retention (rounded down to a step), when that cutoff moved. */
  expire(entry: TableEntry, store: TableStore, watermark: number): void {
    const et = entry.eventTime;
    if (et?.retention === undefined || watermark === Number.NEGATIVE_INFINITY) return;
    const step = Math.max(1, Math.floor(et.retention / STEPS));
    const cutoff = Math.floor((watermark - et.retention) / step) * step;
    if (cutoff <= (this.applied.get(entry) ?? Number.NEGATIVE_INFINITY)) return;
    this.applied.set(entry, cutoff);
    const slots = store.slotsBefore(et.column, cutoff);
    // Not a commit: nothing downstream sees it (views keep what they have).
    if (slots.length > 0) store.apply(store.deleteDelta(slots));
    // Cold segments wholly past the cutoff leave unread; their files go at a later checkpoint.
    store.cold?.expireBefore(et.column, cutoff);
  }
}
