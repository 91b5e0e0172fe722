// Opening a data directory: lock it, restore the newest intact checkpoint,
// open the log from the segment that checkpoint names and replay what
// follows — with webhook sinks held, so nothing is sent until the engine is
// whole again. A failure anywhere closes what was opened and names the LSN
// replay reached. The Engine supplies the steps that touch its state.

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EngineOptions } from '../engine.js';
import type { SinkManager } from '../sinks/sink-manager.js';
import { readNewestCheckpoint } from '../storage/checkpoint-file.js';
import type { LoadedCheckpoint } from '../storage/checkpoint-file.js';
import type { ViewRecovery } from './checkpoint.js';
import { lockDataDir } from '../storage/data-dir-lock.js';
import type { DataDirLock } from '../storage/data-dir-lock.js';
import { Wal } from '../storage/wal.js';
import type { WalRecord } from '../storage/wal-record.js';
import type { FsyncPolicy, WalIo } from '../storage/wal-writer.js';

export interface OpenOptions extends EngineOptions {
  /** The data directory (created if missing): the write-ahead log lives in its wal/ folder. */
  readonly dataDir: string;
  /** `always` (default): every commit waits for its own fsync; `batch`: commits within batchDelayMs share one. */
  readonly fsync?: FsyncPolicy;
  readonly batchDelayMs?: number;
  /** Tests only: failing write/fsync calls for the log. */
  readonly walIo?: WalIo;
  /** Tests only: false makes close() skip its checkpoint, so the next open replays the log. */
  readonly checkpointOnClose?: boolean;
  /**
   * Checkpoints hold each view's state (default true), so recovery loads
   * views instead of rebuilding them from their tables. False leaves it out:
   * smaller, faster checkpoints, slower recovery (the benchmarks compare them).
   */
  readonly checkpointViews?: boolean;
  /** A checkpoint is taken once this much log was written since the last one (default 64 MiB), besides the server's timer. */
  readonly checkpointBytes?: number;
  /**
   * Bytes (estimated) of table rows kept in memory; beyond it a checkpoint
   * moves the oldest rows of the tables to Parquet
   * segments under `<dataDir>/segments`. Default: no limit.
   */
  readonly hotMemory?: number;
  /** Rows inserted longer ago than this (ms) move to the cold tier at the next checkpoint. Default: no limit. */
  readonly hotAgeMs?: number;
  /** Most rows per cold segment file (default 1,048,576). */
  readonly segmentRows?: number;
  /** Bytes of decoded cold segments kept in memory for reuse (default 64 MiB). */
  readonly segmentCacheBytes?: number;
}

export interface RecoveryReport {
  /** The LSN of the checkpoint recovery started from; null without one. */
  readonly checkpointLsn: number | null;
  /** Log records replayed after it, and the LSN they brought the engine to. */
  readonly records: number;
  readonly lsn: number;
  readonly ms: number;
  /** What was cut from the log (a torn tail after a crash, damage) or skipped (a damaged checkpoint); empty when all was clean. */
  readonly damage: readonly string[];
  /** The checkpoint's views: restored from their saved state, or rebuilt from their tables and why (empty without a checkpoint). */
  readonly views: ViewRecovery;
}

/** What recovery needs of the engine it rebuilds. */
export interface RecoveryTarget {
  readonly sinks: Pick<SinkManager, 'hold'>;
  restore(checkpoint: LoadedCheckpoint): ViewRecovery;
  replay(record: WalRecord): void;
  lsn(): number;
  close(): Promise<void>;
}

export interface Recovered {
  readonly dataDir: string;
  readonly lock: DataDirLock;
  /** The log, open for appending after the last valid record. */
  readonly wal: Wal;
  readonly report: RecoveryReport;
}

/** Recovers `options.dataDir` into `target`; on failure closes it, releases the directory and throws. */
export async function recoverDataDir(options: OpenOptions, target: RecoveryTarget): Promise<Recovered> {
  const started = performance.now();
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const lock = lockDataDir(dataDir);
  target.sinks.hold();
  let opened: ReturnType<typeof Wal.open>;
  let checkpoint: LoadedCheckpoint | null;
  let skipped: string[];
  let views: ViewRecovery = { restored: [], rebuilt: [] };
  try {
    ({ checkpoint, skipped } = readNewestCheckpoint(join(dataDir, 'checkpoints')));
    if (checkpoint !== null) views = target.restore(checkpoint);
    opened = Wal.open(join(dataDir, 'wal'), checkpoint?.manifest.walSegment ?? 0, {
      fsync: options.fsync ?? 'always',
      ...(options.batchDelayMs === undefined ? {} : { batchDelayMs: options.batchDelayMs }),
      ...(options.walIo === undefined ? {} : { io: options.walIo }),
    });
    try {
      for (const record of opened.records) target.replay(record);
    } catch (err) {
      await opened.wal.writer.close();
      throw err;
    }
  } catch (err) {
    await target.close();
    lock.release();
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`recovery of ${dataDir} failed at LSN ${target.lsn()}: ${message}`);
  }
  const report: RecoveryReport = {
    checkpointLsn: checkpoint?.manifest.lsn ?? null,
    records: opened.records.length,
    lsn: target.lsn(),
    ms: performance.now() - started,
    damage: [...skipped, ...opened.damage],
    views,
  };
  return { dataDir, lock, wal: opened.wal, report };
}
