// Checkpoints of a durable engine: what one saves (the DDL that recreates the
// catalog, every table's rows in memory with the manifest of its cold
// segments, watermarks, sink progress and queues) and how
// recovery rebuilds the engine from it. Views are not saved: they are rebuilt
// from the restored tables, as CREATE builds them (docs/ARCHITECTURE.md says
// why). The file format is storage/checkpoint-file.ts.

import { assert } from '../common/assert.js';
import type { Scheduler } from '../dataflow/scheduler.js';
import type { SavedSinkState, SinkManager } from '../sinks/sink-manager.js';
import { checkpointSeqs, pruneCheckpoints, writeCheckpoint } from '../storage/checkpoint-file.js';
import type { LoadedCheckpoint } from '../storage/checkpoint-file.js';
import { f64 } from '../columnar/column.js';
import type { ZBatch } from '../columnar/z-batch.js';
import type { ColdState } from '../storage/cold-tier.js';
import type { TableStore } from '../storage/table-store.js';
import { storageError } from '../storage/wal-writer.js';
import type { Definition, Definitions, StatementRecord } from './definitions.js';
import type { EventTime } from './event-time.js';
import type { Journal } from './journal.js';
import type { Tiering } from './tiering.js';

/** What a checkpoint's manifest holds besides the table rows. */
interface CheckpointState {
  /** The clock time of the last commit (µs). */
  readonly time: number;
  readonly definitions: readonly Definition[];
  readonly eventTime: ReturnType<EventTime['exportState']>;
  readonly sinks: Record<string, SavedSinkState>;
  /** Each table's cold segments (absent in checkpoints written before the cold tier). */
  readonly cold?: Record<string, ColdState>;
}

/** The parts of the Engine a checkpoint reads and recovery rebuilds. */
export interface CheckpointContext {
  readonly tables: Map<string, TableStore>;
  readonly scheduler: Scheduler;
  readonly eventTime: EventTime;
  readonly sinkManager: SinkManager;
  readonly definitions: Definitions;
  readonly journal: Journal;
  /** Moves old rows to the cold tier before a checkpoint and deletes unreferenced segments after it. */
  readonly tiering: Tiering | null;
  /** Runs a logged DDL statement again at statement time `micros`, as recovery (sinks send no snapshot). */
  rerun(record: StatementRecord, micros: number, rebuildAsOf?: number): void;
  /** The LSN at which the oldest view reading `table` was created (Infinity when none does): expired rows before it are no longer needed. */
  oldestReader(table: string): number;
}

/**
 * Writes checkpoint files under `dir` and starts a new log segment, so
 * recovery replays only what follows. The previous checkpoint and the log
 * since it stay, in case the new file is damaged; older ones are deleted.
 */
export function takeCheckpoint(ctx: CheckpointContext, dir: string): void {
  for (const [name, store] of ctx.tables) store.cold?.dropExpired(ctx.oldestReader(name));
  try {
    ctx.tiering?.tier(ctx.tables, ctx.scheduler.time);
  } catch (err) {
    // Rows stay in memory; the checkpoint below still saves them.
    throw storageError('moving rows to the cold tier', err);
  }
  const names = [...ctx.tables.keys()];
  const rows = names.map((n) => hotRows(ctx.tables.get(n)!));
  const cold: Record<string, ColdState> = {};
  for (const n of names) {
    const tier = ctx.tables.get(n)!.cold;
    if (tier !== null) cold[n] = tier.exportState();
  }
  const state: CheckpointState = {
    time: ctx.scheduler.time,
    definitions: ctx.definitions.all(),
    eventTime: ctx.eventTime.exportState(),
    sinks: ctx.sinkManager.exportState(),
    cold,
  };
  const lsn = ctx.scheduler.lsn;
  const seq = ctx.journal.rotate();
  try {
    writeCheckpoint(dir, seq, { version: 1, walSegment: seq, lsn, tables: names, state }, rows);
    // Keep the previous checkpoint and the log from it on (from the start while there is none).
    const seqs = checkpointSeqs(dir);
    const keepFrom = seqs.length >= 2 ? seqs[seqs.length - 2]! : 0;
    pruneCheckpoints(dir, keepFrom);
    ctx.journal.prune(keepFrom);
    ctx.tiering?.afterCheckpoint(ctx.tables);
  } catch (err) {
    // The log still holds everything (it was not pruned): only recovery time suffers.
    throw storageError('writing a checkpoint', err);
  }
}

/** Rebuilds the state a checkpoint saved: tables first, their rows, then views (at the checkpoint's time), indexes and sinks. */
export function restoreCheckpoint(ctx: CheckpointContext, checkpoint: LoadedCheckpoint): void {
  const state = checkpoint.manifest.state as CheckpointState;
  for (const d of state.definitions) if (d.kind === 'table') ctx.rerun(d.record, d.record.micros);
  for (const [name, rows] of checkpoint.tables) {
    let store = ctx.tables.get(name);
    if (store === undefined) throw new Error(`the checkpoint holds rows of table ${name}, which its definitions do not create`);
    if (store.rowCount > 0) {
      // A system table its CREATE TABLE wrote to (a watermark row): start it afresh.
      store = store.emptyCopy();
      ctx.tables.set(name, store);
    }
    // Frames end with a column of the rows' LSNs (checkpoints older than the cold tier have none).
    const hasLsns = rows.columns.length === store.columns.length + 1;
    const columns = hasLsns ? rows.columns.slice(0, -1) : rows.columns;
    store.load({ columns, weights: rows.weights, length: rows.length }, hasLsns ? f64(rows.columns[rows.columns.length - 1]!) : null);
    const coldState = state.cold?.[name];
    if (coldState !== undefined) {
      if (ctx.tiering === null) throw new Error(`table ${name} has cold segments, which need a data directory`);
      store.cold = ctx.tiering.coldTier(store);
      store.cold.importState(coldState);
      store.indexColdRows();
    }
  }
  ctx.eventTime.importState(state.eventTime);
  ctx.scheduler.lsn = checkpoint.manifest.lsn;
  ctx.scheduler.time = state.time;
  // Each view is rebuilt with the rows retention removed after it was created (cold-tier.ts keeps them).
  for (const d of state.definitions) if (d.kind !== 'table') ctx.rerun(d.record, state.time, d.record.lsn);
  ctx.sinkManager.importState(state.sinks);
  ctx.definitions.reset(state.definitions);
  assert(ctx.scheduler.lsn === checkpoint.manifest.lsn, 'restoring a checkpoint committed something');
}

/** A table's rows in memory as a checkpoint frame, with the rows' LSNs as a last column. */
function hotRows(store: TableStore): ZBatch {
  const rows = store.hotSnapshot();
  const lsns = store.hotLsns();
  return { ...rows, columns: [...rows.columns, { type: 'double', values: lsns, validity: null, length: lsns.length }] };
}
