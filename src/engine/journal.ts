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
import type { Wal } from '../storage/wal.js';

export class Journal {
  /** > 0 while a logged operation runs: commits inside it are derived, not logged. */
  private depth = 0;
  private wal: Wal | null = null;
  /** Segments replaced by `rotate` finish their last fsync here; commits logged to them wait for it. */
  private retiring: Promise<void> = Promise.resolve();
  /** Records appended since the last rotation: 0 means a checkpoint now would change nothing. */
  appendedSinceRotation = 0;
  /** Bytes of those records: what the next recovery would replay. */
  bytesSinceRotation = 0;

  /** Starts logging (after recovery replayed the old log; an engine without a data directory never calls it). */
  attach(wal: Wal): void {
    this.wal = wal;
  }

  /** False after a write or fsync failed (memory may hold a commit the log lacks). */
  get healthy(): boolean {
    return this.wal !== null && !this.wal.writer.failed;
  }

  /** Starts a new log segment (a checkpoint was just taken); returns its number. */
  rotate(): number {
    const wal = this.wal!;
    const old = wal.rotate();
    const closing = old.close();
    this.retiring = Promise.all([this.retiring, closing]).then(() => undefined);
    this.appendedSinceRotation = 0;
    this.bytesSinceRotation = 0;
    return wal.seq;
  }

  /** Deletes segments before `seq`. */
  prune(seq: number): void {
    this.wal?.prune(seq);
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
    if (root && this.wal !== null) {
      const record = describe(result);
      if (record !== null) this.append(record);
    }
    return result;
  }

  /** Appends a record that is not an operation (a sink's progress); it becomes durable with the next commit's fsync. */
  note(record: WalRecord): void {
    if (this.wal !== null && this.depth === 0) this.append(record);
  }

  /** Resolves once every record logged so far is on disk; rejects with the storage error when it cannot be. */
  durable(): Promise<void> {
    if (this.wal === null) return Promise.resolve();
    return Promise.all([this.retiring, this.wal.writer.sync()]).then(() => undefined);
  }

  async close(): Promise<void> {
    await this.retiring;
    await this.wal?.writer.close();
  }

  private append(record: WalRecord): void {
    const bytes = encodeRecord(record);
    this.wal!.writer.append(bytes);
    this.appendedSinceRotation++;
    this.bytesSinceRotation += bytes.length;
  }
}
