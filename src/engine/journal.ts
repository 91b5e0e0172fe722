// Which engine operations the write-ahead log records, and when a caller may
// be told its change is durable.
//
// The log holds root operations only: a DDL statement, a table delta from
// DML or a bulk insert, a clock tick, a dead letter from a webhook worker.
// What they cause synchronously — view updates, table-sink commits, rows of
// system tables — replays from them, so it is not logged; `logged` tells the
// two apart by nesting depth. A record is appended after its operation
// succeeded in memory (a failed operation leaves nothing to log) and before
// the caller is answered; the caller then awaits `durable()`.

import { encodeRecord } from '../storage/wal-record.js';
import type { WalRecord } from '../storage/wal-record.js';
import type { WalWriter } from '../storage/wal-writer.js';

export class Journal {
  /** > 0 while a logged operation runs: commits inside it are derived, not logged. */
  private depth = 0;
  private writer: WalWriter | null = null;

  /** Starts logging (after recovery replayed the old log; an engine without a data directory never calls it). */
  attach(writer: WalWriter): void {
    this.writer = writer;
  }

  /**
   * Runs `work`; when it is a root operation and succeeds, appends the record
   * `describe` gives (null: nothing to log, e.g. a tick that moved no row).
   * A failed append throws the storage error; the caller's change is then
   * not acknowledged.
   */
  logged<T>(work: () => T, describe: (result: T) => WalRecord | null): T {
    const root = this.depth === 0;
    this.depth++;
    let result: T;
    try {
      result = work();
    } finally {
      this.depth--;
    }
    if (root && this.writer !== null) {
      const record = describe(result);
      if (record !== null) this.writer.append(encodeRecord(record));
    }
    return result;
  }

  /** Appends a record that is not an operation (a sink's progress); it becomes durable with the next commit's fsync. */
  note(record: WalRecord): void {
    if (this.writer !== null && this.depth === 0) this.writer.append(encodeRecord(record));
  }

  /** Resolves once every record logged so far is on disk; rejects with the storage error when it cannot be. */
  durable(): Promise<void> {
    return this.writer === null ? Promise.resolve() : this.writer.sync();
  }

  async close(): Promise<void> {
    await this.writer?.close();
  }
}
