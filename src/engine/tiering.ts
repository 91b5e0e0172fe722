// Tiering policy of a durable engine: when the tables' rows in memory
// outgrow --hot-memory, or rows are older than --hot-age, the oldest rows
// move to Parquet segments (storage/cold-tier.ts).
// Moving happens only as part of a checkpoint: the checkpoint that follows
// records which rows are where, so a crash in between leaves the previous
// checkpoint and the log, which hold the same rows (the new files are then
// unreferenced and deleted later). Hot memory is measured by estimate
// (TableStore.hotBytes); after a move it is at most half the budget.

import { EngineError, SqlState } from '../common/errors.js';
import type { TableStore } from '../storage/table-store.js';
import { ColdTier } from '../storage/cold-tier.js';
import type { SegmentFiles } from '../storage/segment-files.js';

export interface TieringOptions {
  /** Bytes of table rows kept in memory before the oldest move to the cold tier. */
  readonly hotMemory: number;
  /** Rows inserted longer ago than this (µs of commit time) move cold at the next checkpoint; null = no age limit. */
  readonly hotAgeMicros: number | null;
  /** Most rows per segment file (parquet-wasm's memory is the limit). */
  readonly segmentRows: number;
}

/**
 * The tiering options of Engine.open, checked: a budget, age or segment size
 * that is not a positive number is the caller's mistake (22023), not a
 * reason to move every row at each checkpoint.
 */
export function tieringOptions(
  options: { readonly hotMemory?: number; readonly hotAgeMs?: number; readonly segmentRows?: number; readonly segmentCacheBytes?: number },
  defaultSegmentRows: number,
): TieringOptions & { readonly segmentCacheBytes: number } {
  const positive = (name: string, value: number | undefined, integer: boolean): void => {
    if (value === undefined || (value > 0 && (!integer || Number.isSafeInteger(value)))) return;
    throw new EngineError(SqlState.invalidParameterValue, `${name} must be a positive ${integer ? 'integer' : 'number'}, got ${String(value)}`);
  };
  positive('hotMemory', options.hotMemory, false);
  positive('hotAgeMs', options.hotAgeMs, false);
  positive('segmentRows', options.segmentRows, true);
  if (options.segmentCacheBytes !== undefined && !(options.segmentCacheBytes >= 0)) {
    throw new EngineError(SqlState.invalidParameterValue, `segmentCacheBytes must be 0 or more, got ${String(options.segmentCacheBytes)}`);
  }
  return {
    hotMemory: options.hotMemory ?? Number.POSITIVE_INFINITY,
    hotAgeMicros: options.hotAgeMs === undefined ? null : options.hotAgeMs * 1000,
    segmentRows: options.segmentRows ?? defaultSegmentRows,
    segmentCacheBytes: options.segmentCacheBytes ?? 64 * 1024 * 1024,
  };
}

/**
 * What a move leaves in memory, as a share of the budget: room for the next
 * rows, so each checkpoint (which also writes every row left in memory)
 * moves a large share at once instead of a sliver each time.
 */
const REFILL = 0.5;

export class Tiering {
  /** Commit times sampled once a second or less often: [lsn, micros] pairs, for the age limit. */
  private readonly samples: number[] = [];
  /** Segment files the previous checkpoint names (kept until the next one no longer needs them). */
  private previousRefs: Set<string>;

  constructor(
    readonly files: SegmentFiles,
    readonly options: TieringOptions,
  ) {
    // What is on disk at start may belong to a checkpoint recovery could fall back to.
    this.previousRefs = new Set(files.names());
  }

  /** Records the time of commit `lsn` (the age limit maps times to LSNs). */
  noteCommit(lsn: number, micros: number): void {
    const n = this.samples.length;
    if (n > 0 && micros - this.samples[n - 1]! < 1_000_000) return;
    this.samples.push(lsn, micros);
    // A bounded history: old samples matter only for ages longer than they span.
    if (this.samples.length > 200_000) this.samples.splice(0, 100_000);
  }

  /** The newest sampled LSN committed at or before `micros` (0 when none). */
  private lsnAt(micros: number): number {
    let lsn = 0;
    for (let i = 0; i < this.samples.length && this.samples[i + 1]! <= micros; i += 2) lsn = this.samples[i]!;
    return lsn;
  }

  /** True when the tables' hot tiers hold more than the budget. */
  overBudget(tables: ReadonlyMap<string, TableStore>): boolean {
    if (!Number.isFinite(this.options.hotMemory)) return false;
    let total = 0;
    for (const store of tables.values()) total += store.hotBytes();
    return total > this.options.hotMemory;
  }

  /** A cold tier for `store`, its segments written to this engine's folder. */
  coldTier(store: TableStore): ColdTier {
    return new ColdTier(this.files, store.columns.map((c) => c.name), store.types, store.primaryKey);
  }

  /** Moves rows cold as the budget and the age limit ask (before a checkpoint); returns rows moved. */
  tier(tables: ReadonlyMap<string, TableStore>, nowMicros: number): number {
    const ageLsn = this.options.hotAgeMicros === null ? 0 : this.lsnAt(nowMicros - this.options.hotAgeMicros);
    const sized = [...tables.values()].map((store) => ({ store, bytes: store.hotBytes() }));
    const total = sized.reduce((sum, t) => sum + t.bytes, 0);
    let excess = total > this.options.hotMemory ? total - this.options.hotMemory * REFILL : 0;
    sized.sort((a, b) => b.bytes - a.bytes);
    let moved = 0;
    for (const { store, bytes } of sized) {
      const take = Math.min(bytes, Math.max(0, excess));
      excess -= take;
      const rows = bytes === 0 ? 0 : Math.ceil((take / bytes) * store.hotRowCount);
      if (rows === 0 && ageLsn === 0) continue;
      store.cold ??= this.coldTier(store);
      moved += store.spill(rows, ageLsn, this.options.segmentRows);
    }
    return moved;
  }

  /** After a checkpoint was written: deletes segment files neither it nor the previous one names. */
  afterCheckpoint(tables: ReadonlyMap<string, TableStore>): void {
    const refs = new Set<string>();
    for (const store of tables.values()) for (const f of store.cold?.fileNames() ?? []) refs.add(f);
    this.files.removeUnreferenced(new Set([...refs, ...this.previousRefs]));
    this.previousRefs = refs;
  }
}
