// The folder of cold segments: `<data>/segments/<id>.parquet`, one Parquet
// file per segment, named by a number that only grows (so a name is never
// reused for different rows). Files are written to a temporary name, fsynced,
// renamed and the directory fsynced before a checkpoint refers to them.
// Deleting is the checkpoint's job (`removeUnreferenced`): a file stays while
// the newest or the previous checkpoint names it, since recovery may fall
// back to the previous one.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NumberedFiles } from './numbered-files.js';
import { SegmentCache } from './segment-cache.js';

export class SegmentFiles extends NumberedFiles {
  /** Files a running reader (a view's backfill) still needs, with how many readers: never deleted meanwhile. */
  private readonly pinned = new Map<string, number>();

  /** Decoded segments kept for reuse (shared by every table's cold tier). */
  readonly cache: SegmentCache;

  constructor(
    dir: string,
    /** Budget of the decoded-segment cache, bytes. */
    cacheBytes: number,
  ) {
    super(dir, '.parquet');
    this.cache = new SegmentCache(cacheBytes);
  }

  /** Writes `bytes` as a new segment file, durably; returns its file name. */
  writeSegment(bytes: Uint8Array): string {
    return this.write([bytes]);
  }

  read(name: string): Uint8Array {
    return readFileSync(join(this.dir, name));
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
  override removeUnreferenced(keep: ReadonlySet<string>): void {
    super.removeUnreferenced(keep, (n) => this.pinned.has(n));
  }
}
