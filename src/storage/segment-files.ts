// The folder of cold segments: `<data>/segments/<id>.parquet`, one Parquet
// file per segment, named by a number that only grows (so a name is never
// reused for different rows). Files are written to a temporary name, fsynced,
// renamed and the directory fsynced before a checkpoint refers to them.
// Deleting is the checkpoint's job (`removeUnreferenced`): a file stays while
// the newest or the previous checkpoint names it, since recovery may fall
// back to the previous one.

import { closeSync, fdatasyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncDirectory } from './wal-writer.js';
import { SegmentCache } from './segment-cache.js';

const SUFFIX = '.parquet';

export class SegmentFiles {
  /** The id the next segment gets. */
  private nextId = 1;
  /** Files a running reader (a view's backfill) still needs, with how many readers: never deleted meanwhile. */
  private readonly pinned = new Map<string, number>();

  /** Decoded segments kept for reuse (shared by every table's cold tier). */
  readonly cache: SegmentCache;

  constructor(
    readonly dir: string,
    /** Budget of the decoded-segment cache, bytes. */
    cacheBytes: number,
  ) {
    this.cache = new SegmentCache(cacheBytes);
    for (const name of this.names()) {
      const id = Number(name.slice(0, -SUFFIX.length));
      if (Number.isSafeInteger(id) && id >= this.nextId) this.nextId = id + 1;
    }
  }

  /** Writes `bytes` as a new segment file, durably; returns its file name. */
  write(bytes: Uint8Array): string {
    mkdirSync(this.dir, { recursive: true });
    const name = `${String(this.nextId++).padStart(12, '0')}${SUFFIX}`;
    const final = join(this.dir, name);
    const temp = `${final}.tmp`;
    const fd = openSync(temp, 'w');
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, final);
    fsyncDirectory(this.dir);
    return name;
  }

  read(name: string): Uint8Array {
    return readFileSync(join(this.dir, name));
  }

  /** The file's path, for tools that read the cold tier directly (DuckDB's read_parquet). */
  path(name: string): string {
    return join(this.dir, name);
  }

  exists(name: string): boolean {
    try {
      return statSync(join(this.dir, name)).isFile();
    } catch {
      return false;
    }
  }

  /** Segment file names present, ascending. */
  names(): string[] {
    try {
      return readdirSync(this.dir).filter((n) => n.endsWith(SUFFIX)).sort();
    } catch {
      return [];
    }
  }

  /** Keeps `names` on disk until `unpin`, whatever the checkpoints say. */
  pin(names: readonly string[]): void {
    for (const n of names) this.pinned.set(n, (this.pinned.get(n) ?? 0) + 1);
  }

  unpin(names: readonly string[]): void {
    for (const n of names) {
      const left = (this.pinned.get(n) ?? 1) - 1;
      if (left > 0) this.pinned.set(n, left);
      else this.pinned.delete(n);
    }
  }

  /** Deletes segment files (and leftover temporary files) that `keep` does not name and no reader pins. */
  removeUnreferenced(keep: ReadonlySet<string>): void {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    for (const n of names) {
      if ((n.endsWith(SUFFIX) && !keep.has(n) && !this.pinned.has(n)) || n.endsWith(`${SUFFIX}.tmp`)) rmSync(join(this.dir, n), { force: true });
    }
  }
}
