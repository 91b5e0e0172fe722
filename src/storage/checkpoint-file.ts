// Checkpoint files: `<data>/checkpoints/<seq>.ckpt`, the engine's state at
// one LSN, so recovery replays only the log written after it. The file uses
// the WAL's framing (magic, then length + CRC-32 + payload frames): frame 0
// is the manifest (JSON), then one frame per table's rows (batch codec), in
// the manifest's order. Views' saved state is in files of its own
// (view-state-files.ts) that the manifest names; checkpoints written before
// that held it in frames after the tables', which are still read. It is written to a temporary name, fsynced,
// renamed and the directory fsynced, so a crash leaves either the whole file
// or none; a file that still fails its checksums is skipped for an older one.

import { closeSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync, fdatasyncSync } from 'node:fs';
import { join } from 'node:path';
import type { ZBatch } from '../columnar/z-batch.js';
import { decodeBatch, encodeBatch } from './batch-codec.js';
import { WAL_MAGIC, frameRecord, scanFrameFile } from './wal-frame.js';
import { fsyncDirectory } from './wal-writer.js';
import { decodeNumbers, encodeNumbers } from './json-numbers.js';

const SUFFIX = '.ckpt';

/** What a checkpoint says besides the table rows; the engine defines `state`. */
export interface CheckpointManifest {
  readonly version: 1;
  /** The first WAL segment to replay after this checkpoint. */
  readonly walSegment: number;
  readonly lsn: number;
  /** The table names, one per row frame, in order. */
  readonly tables: readonly string[];
  /** Only in checkpoints that held views' state in frames after the tables': those views, in order. */
  readonly views?: readonly string[];
  readonly state: unknown;
}

export interface LoadedCheckpoint {
  readonly seq: number;
  readonly manifest: CheckpointManifest;
  readonly tables: ReadonlyMap<string, ZBatch>;
  /** Saved view state held in the checkpoint file itself, by view name (older checkpoints; circuit-state.ts decodes it). */
  readonly views: ReadonlyMap<string, Uint8Array>;
}

function checkpointName(seq: number): string {
  return `${String(seq).padStart(20, '0')}${SUFFIX}`;
}

/** Writes checkpoint `seq` atomically; returns its size in bytes. */
export function writeCheckpoint(dir: string, seq: number, manifest: CheckpointManifest, tables: readonly ZBatch[]): number {
  mkdirSync(dir, { recursive: true });
  const final = join(dir, checkpointName(seq));
  const temp = `${final}.tmp`;
  const fd = openSync(temp, 'w');
  let size = 0;
  try {
    const write = (bytes: Uint8Array): void => {
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      size += bytes.length;
    };
    write(WAL_MAGIC);
    write(frameRecord(Buffer.from(JSON.stringify(manifest, encodeNumbers), 'utf8')));
    for (const batch of tables) write(frameRecord(encodeBatch(batch)));
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, final);
  fsyncDirectory(dir);
  return size;
}

/**
 * The newest checkpoint whose every frame is intact, or null; `skipped`
 * says which newer files were damaged (the caller logs them).
 */
export function readNewestCheckpoint(dir: string): { checkpoint: LoadedCheckpoint | null; skipped: string[] } {
  const skipped: string[] = [];
  for (const seq of checkpointSeqs(dir).reverse()) {
    const name = checkpointName(seq);
    try {
      const scan = scanFrameFile(join(dir, name));
      if (scan.damage !== null) throw new Error(scan.damage);
      if (scan.payloads.length === 0) throw new Error('no manifest');
      const manifest = JSON.parse(Buffer.from(scan.payloads[0]!).toString('utf8'), decodeNumbers) as CheckpointManifest;
      if (manifest.version !== 1) throw new Error(`unknown checkpoint version ${String(manifest.version)}`);
      const viewNames = manifest.views ?? [];
      if (scan.payloads.length !== 1 + manifest.tables.length + viewNames.length) {
        throw new Error(`${scan.payloads.length - 1} frames for ${manifest.tables.length} tables and ${viewNames.length} views`);
      }
      const tables = new Map<string, ZBatch>();
      manifest.tables.forEach((t, i) => tables.set(t, decodeBatch(scan.payloads[i + 1]!).batch));
      const views = new Map<string, Uint8Array>();
      viewNames.forEach((v, i) => views.set(v, scan.payloads[1 + manifest.tables.length + i]!));
      return { checkpoint: { seq, manifest, tables, views }, skipped };
    } catch (err) {
      // Moved aside, so it is never again taken for the fallback of a newer checkpoint.
      renameSync(join(dir, name), join(dir, `${name}.damaged`));
      skipped.push(`${name}: ${err instanceof Error ? err.message : String(err)}; moved aside as ${name}.damaged, using an older checkpoint`);
    }
  }
  return { checkpoint: null, skipped };
}

/** Sequence numbers of the checkpoint files in `dir`, ascending. */
export function checkpointSeqs(dir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => n.endsWith(SUFFIX)).map((n) => Number(n.slice(0, -SUFFIX.length))).filter(Number.isSafeInteger).sort((a, b) => a - b);
}

/** Deletes checkpoints older than `keepFrom` (and leftover temporary files). */
export function pruneCheckpoints(dir: string, keepFrom: number): void {
  for (const seq of checkpointSeqs(dir)) if (seq < keepFrom) rmSync(join(dir, checkpointName(seq)), { force: true });
  for (const n of readdirSync(dir)) if (n.endsWith(`${SUFFIX}.tmp`)) rmSync(join(dir, n), { force: true });
}
