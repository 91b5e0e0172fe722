// The write-ahead log on disk: `<data>/wal/<lsn>.wal` segments, named by the
// LSN before their first record (zero-padded so names sort by LSN). Opening
// reads every segment in order, stops at the first damaged frame (a torn tail
// after a crash, or corruption), moves any later segment aside (its records
// cannot follow a gap), and continues writing at the end of the valid part.

import { mkdirSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { scanFrames } from './wal-frame.js';
import { decodeRecord } from './wal-record.js';
import type { WalRecord } from './wal-record.js';
import { WalWriter, fsyncDirectory } from './wal-writer.js';
import type { WalWriterOptions } from './wal-writer.js';

export interface OpenedWal {
  /** The valid records of every segment, in log order. */
  readonly records: WalRecord[];
  readonly writer: WalWriter;
  /** What was cut or moved aside, for the recovery log line; empty when the log was clean. */
  readonly damage: string[];
}

const SEGMENT_SUFFIX = '.wal';

export function segmentName(lsn: number): string {
  return `${String(lsn).padStart(20, '0')}${SEGMENT_SUFFIX}`;
}

/** Reads the log under `walDir` (created if missing) and opens its last segment for appending. */
export function openWal(walDir: string, options: WalWriterOptions): OpenedWal {
  mkdirSync(walDir, { recursive: true });
  const segments = readdirSync(walDir).filter((f) => f.endsWith(SEGMENT_SUFFIX)).sort();
  const records: WalRecord[] = [];
  const damage: string[] = [];
  let tail = { path: join(walDir, segmentName(0)), validEnd: 0 };
  for (let i = 0; i < segments.length; i++) {
    const path = join(walDir, segments[i]!);
    const bytes = readFileSync(path);
    const scan = scanFrames(bytes);
    for (const payload of scan.payloads) records.push(decodeRecord(payload));
    tail = { path, validEnd: scan.validEnd };
    if (scan.damage !== null) {
      damage.push(`${segments[i]}: ${scan.damage}; cut at byte ${scan.validEnd} (${bytes.length - scan.validEnd} bytes dropped)`);
      for (const later of segments.slice(i + 1)) {
        renameSync(join(walDir, later), join(walDir, `${later}.after-damage`));
        damage.push(`${later}: follows the damaged segment; moved aside as ${later}.after-damage`);
      }
      fsyncDirectory(walDir);
      break;
    }
  }
  return { records, writer: WalWriter.open(tail.path, tail.validEnd, options), damage };
}
