// The write-ahead log on disk: `<data>/wal/<seq>.wal` segments, numbered in
// order (zero-padded so names sort). A checkpoint starts a new segment and
// names it in its manifest; recovery reads that segment and every later one.
// Opening stops at the first damaged frame (a torn tail after a crash, or
// corruption), moves any later segment aside (its records cannot follow a
// gap), and continues writing at the end of the valid part.

import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { scanFrames } from './wal-frame.js';
import { decodeRecord } from './wal-record.js';
import type { WalRecord } from './wal-record.js';
import { WalWriter, fsyncDirectory } from './wal-writer.js';
import type { WalWriterOptions } from './wal-writer.js';

const SUFFIX = '.wal';

export function segmentName(seq: number): string {
  return `${String(seq).padStart(20, '0')}${SUFFIX}`;
}

function segmentSeqs(dir: string): number[] {
  return readdirSync(dir).filter((f) => f.endsWith(SUFFIX)).map((f) => Number(f.slice(0, -SUFFIX.length))).filter(Number.isSafeInteger).sort((a, b) => a - b);
}

export class Wal {
  private constructor(
    private readonly dir: string,
    private readonly options: WalWriterOptions,
    /** The segment being written. */
    public seq: number,
    public writer: WalWriter,
  ) {}

  /**
   * Reads segments `fromSeq` onwards under `dir` (created if missing) and
   * opens the last one for appending; returns their valid records in order
   * and what was cut or moved aside (empty when the log was clean).
   */
  static open(dir: string, fromSeq: number, options: WalWriterOptions): { wal: Wal; records: WalRecord[]; damage: string[] } {
    mkdirSync(dir, { recursive: true });
    const seqs = segmentSeqs(dir).filter((s) => s >= fromSeq);
    const records: WalRecord[] = [];
    const damage: string[] = [];
    let tail = { seq: fromSeq, validEnd: 0 };
    for (let i = 0; i < seqs.length; i++) {
      const name = segmentName(seqs[i]!);
      const bytes = readFileSync(join(dir, name));
      const scan = scanFrames(bytes);
      for (const payload of scan.payloads) records.push(decodeRecord(payload));
      tail = { seq: seqs[i]!, validEnd: scan.validEnd };
      if (scan.damage !== null) {
        damage.push(`${name}: ${scan.damage}; cut at byte ${scan.validEnd} (${bytes.length - scan.validEnd} bytes dropped)`);
        for (const later of seqs.slice(i + 1)) {
          const laterName = segmentName(later);
          renameSync(join(dir, laterName), join(dir, `${laterName}.after-damage`));
          damage.push(`${laterName}: follows the damaged segment; moved aside as ${laterName}.after-damage`);
        }
        fsyncDirectory(dir);
        break;
      }
    }
    const writer = WalWriter.open(join(dir, segmentName(tail.seq)), tail.validEnd, options);
    return { wal: new Wal(dir, options, tail.seq, writer), records, damage };
  }

  /** Starts the next segment; returns the old writer, which the caller closes (its pending fsync still completes). */
  rotate(): WalWriter {
    const old = this.writer;
    this.writer = WalWriter.open(join(this.dir, segmentName(this.seq + 1)), 0, this.options);
    this.seq++;
    return old;
  }

  /** Deletes segments before `keepFrom` (no checkpoint that is kept needs them). */
  prune(keepFrom: number): void {
    for (const seq of segmentSeqs(this.dir)) if (seq < keepFrom) rmSync(join(this.dir, segmentName(seq)), { force: true });
  }
}
