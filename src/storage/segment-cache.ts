// Decoded cold segments, kept for reuse: a Parquet segment costs a read and a
// decode (tens of ms per 100k rows) every time a query, a delete or a backfill
// touches it, and the same recent segments are asked for again and again.
// Least recently used entries go first once the decoded bytes (an estimate)
// pass the budget. Segment files never change once written, so an entry is
// valid for as long as its file exists; deletion marks are applied by the
// caller after the lookup.

import type { ZBatch } from '../columnar/z-batch.js';
import { valueBytes } from '../columnar/column-bytes.js';

export class SegmentCache {
  /** By file name, least recently used first (a Map keeps insertion order). */
  private readonly entries = new Map<string, { readonly batch: ZBatch; readonly bytes: number }>();
  private used = 0;
  hits = 0;
  misses = 0;

  constructor(readonly budget: number) {}

  get bytes(): number {
    return this.used;
  }

  get(file: string): ZBatch | undefined {
    const entry = this.entries.get(file);
    if (entry === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(file);
    this.entries.set(file, entry);
    return entry.batch;
  }

  put(file: string, batch: ZBatch): void {
    const bytes = decodedBytes(batch);
    if (bytes > this.budget / 2) return; // one entry must not flush the rest
    this.entries.delete(file);
    this.entries.set(file, { batch, bytes });
    this.used += bytes;
    for (const [name, entry] of this.entries) {
      if (this.used <= this.budget) break;
      this.entries.delete(name);
      this.used -= entry.bytes;
    }
  }
}

/** About what a decoded batch holds (columnar/column-bytes.ts), plus its weights. */
function decodedBytes(batch: ZBatch): number {
  let bytes = batch.weights.byteLength;
  for (const col of batch.columns) bytes += batch.length * valueBytes(col, batch.length);
  return bytes;
}
