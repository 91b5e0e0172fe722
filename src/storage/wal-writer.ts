// Appends framed records to the open WAL segment and makes them durable.
//
// `append` writes synchronously, so records reach the file in commit order
// and survive the process being killed (they are in the OS page cache);
// `sync` resolves once everything appended before it is fsynced, which is
// what a commit waits for before it is acknowledged. Concurrent commits share
// fsyncs (group commit): under `always` a commit's fsync starts as soon as
// the previous one ends; under `batch`, while commits arrive together (the
// last fsync covered more than one), the writer first waits `batchDelayMs`
// to gather more per fsync — more throughput for a few ms more latency; a
// lone writer is not delayed.
//
// After a failed write or fsync the writer is broken: every later append and
// sync fails. The in-memory state may then hold a commit the log lacks (it was
// never acknowledged); only a restart, which recovers from the log, clears it.

import { closeSync, fdatasyncSync, fsync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { EngineError, SqlState } from '../common/errors.js';
import { WAL_MAGIC, frameRecord } from './wal-frame.js';

export type FsyncPolicy = 'always' | 'batch';

export interface WalWriterOptions {
  readonly fsync: FsyncPolicy;
  /** Under `batch`: how long a commit may wait for others to share its fsync. */
  readonly batchDelayMs?: number;
  /** The two calls that make a commit durable; tests swap in failing ones (disk full, I/O error). */
  readonly io?: WalIo;
}

export interface WalIo {
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  fsync(fd: number, callback: (err: NodeJS.ErrnoException | null) => void): void;
}

const NODE_IO: WalIo = { writeSync: (fd, b, o, l) => writeSync(fd, b, o, l), fsync };

export const DEFAULT_BATCH_DELAY_MS = 4;

/** The storage fault a client sees: 53100 (disk full) or 58030 (I/O error); the server maps both to 5xx. */
export function storageError(action: string, cause: unknown): EngineError {
  const code = (cause as { code?: unknown }).code;
  const message = cause instanceof Error ? cause.message : String(cause);
  const full = code === 'ENOSPC' || code === 'EDQUOT';
  return new EngineError(
    full ? SqlState.diskFull : SqlState.ioError,
    `${action} failed: ${message}; the change was not acknowledged, and Freshet accepts no further writes until it restarts and recovers from its log`,
  );
}

export class WalWriter {
  private broken: EngineError | null = null;
  /** Bytes appended so far (the file's length). */
  private written: number;
  /** Records appended, and how many of them are known durable. */
  private appended = 0;
  private durable = 0;
  /** The fsync running (or waiting out the batch delay), and the appends it covers once it starts. */
  private inflight: { upTo: number; done: Deferred } | null = null;
  /** Callers waiting for the fsync after the running one. */
  private nextSync: Deferred | null = null;
  private closed = false;
  private readonly io: WalIo;
  /** How many appends the last fsync made durable: more than one means commits are arriving together. */
  private lastFsyncCovered = 0;

  private constructor(
    private readonly fd: number,
    readonly path: string,
    size: number,
    private readonly options: WalWriterOptions,
  ) {
    this.written = size;
    this.io = options.io ?? NODE_IO;
  }

  /**
   * Opens `path` for appending after its first `validEnd` bytes (what a scan
   * found valid; a torn or damaged tail is cut off). A new or headerless file
   * gets the segment header. The file and its directory are fsynced, so the
   * cut and the header are durable before the first commit.
   */
  static open(path: string, validEnd: number, options: WalWriterOptions): WalWriter {
    const fd = openSync(path, 'a+');
    try {
      ftruncateSync(fd, validEnd);
      let size = validEnd;
      if (validEnd === 0) {
        writeSync(fd, WAL_MAGIC);
        size = WAL_MAGIC.length;
      }
      fdatasyncSync(fd);
      fsyncDirectory(dirname(path));
      return new WalWriter(fd, path, size, options);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  /** True after a write or fsync failed. */
  get failed(): boolean {
    return this.broken !== null;
  }

  /** The segment's length in bytes. */
  get size(): number {
    return this.written;
  }

  /** Appends one record (in order with every earlier append); throws a storage error when the write fails. */
  append(payload: Uint8Array): void {
    if (this.broken !== null) throw this.broken;
    const frame = frameRecord(payload);
    try {
      let off = 0;
      while (off < frame.length) off += this.io.writeSync(this.fd, frame, off, frame.length - off);
    } catch (err) {
      this.broken = storageError('writing the write-ahead log', err);
      throw this.broken;
    }
    this.written += frame.length;
    this.appended++;
  }

  /** Resolves once every record appended before this call is on disk (at once when nothing is pending). */
  sync(): Promise<void> {
    if (this.broken !== null) return Promise.reject(this.broken);
    if (this.appended === this.durable) return Promise.resolve();
    if (this.inflight !== null && this.appended <= this.inflight.upTo) return this.inflight.done.promise;
    this.nextSync ??= deferred();
    const { promise } = this.nextSync;
    if (this.inflight === null) this.scheduleSync();
    return promise;
  }

  /** Fsyncs what is pending and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.broken === null) await this.sync().catch(() => {});
    this.closed = true;
    closeSync(this.fd);
  }

  private scheduleSync(): void {
    // Waiting only pays when commits arrive together: a lone writer would just lose the delay each time.
    const concurrent = this.lastFsyncCovered > 1;
    const delay = this.options.fsync === 'batch' && concurrent ? (this.options.batchDelayMs ?? DEFAULT_BATCH_DELAY_MS) : 0;
    // Marks the writer busy at once, so syncs asked for meanwhile join nextSync.
    this.inflight = { upTo: -1, done: this.nextSync! };
    this.nextSync = null;
    if (delay > 0) setTimeout(() => this.runSync(), delay);
    else queueMicrotask(() => this.runSync());
  }

  private runSync(): void {
    // Everything appended up to now is covered by this fsync; later appends wait for the next.
    const inflight = this.inflight!;
    inflight.upTo = this.appended;
    if (this.nextSync !== null) {
      // Syncs that arrived during the batch delay are covered too.
      const joined = this.nextSync;
      this.nextSync = null;
      void inflight.done.promise.then(joined.resolve, joined.reject);
    }
    this.io.fsync(this.fd, (err) => {
      this.inflight = null;
      if (err !== null) {
        this.broken = storageError('fsync of the write-ahead log', err);
        inflight.done.reject(this.broken);
        this.nextSync?.reject(this.broken);
        this.nextSync = null;
        return;
      }
      this.lastFsyncCovered = inflight.upTo - this.durable;
      this.durable = Math.max(this.durable, inflight.upTo);
      inflight.done.resolve();
      if (this.nextSync !== null) this.scheduleSync();
    });
  }
}

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(e: EngineError): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (e: EngineError) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A commit may stop waiting (its request ended); an unobserved rejection must not crash the process.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/** Makes a create, rename or delete in `dir` durable (a no-op where directories cannot be opened, e.g. Windows). */
export function fsyncDirectory(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fdatasyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a directory; the data files themselves are synced.
  } finally {
    closeSync(fd);
  }
}
