// Checkpoints of a durable engine: what one saves (the DDL that recreates the
// catalog, every table's rows in memory with the manifest of its cold
// segments, each view's state, watermarks, sink progress and queues) and how
// recovery rebuilds the engine from it. A view whose state has no saved form
// yet (dataflow/circuit-state.ts), or whose saved state no longer fits its
// plan, is rebuilt from the restored tables, as CREATE builds it. The file
// format is storage/checkpoint-file.ts.

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
import type { ViewSaves } from './view-saves.js';
import type { Definition, Definitions, StatementRecord } from './definitions.js';
import { stateSince } from './definitions.js';
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
  /** Each view's saved state file (storage/view-state-files.ts). */
  readonly viewFiles?: Record<string, string>;
  /** Views whose state could not be saved, with the reason (recovery rebuilds them). */
  readonly unsavedViews?: Record<string, string>;
}

/** A view's saved state handed to its CREATE at recovery. */
export interface SavedView {
  /** A view rebuilt counts the rows retention removed after this LSN (when it was created). */
  readonly rebuildAsOf: number;
  /** The saved state, or null with the reason in `missing`. */
  readonly saved: Uint8Array | null;
  readonly missing: string;
  /** Where the CREATE records whether it restored or rebuilt the view. */
  readonly views: ViewRecovery;
}

/** What recovery did with each view of a checkpoint. */
export interface ViewRecovery {
  /** Views put back from their saved state. */
  readonly restored: string[];
  /** Views rebuilt from their tables, and why (no saved state, or state that no longer fits the plan). */
  readonly rebuilt: { readonly name: string; readonly reason: string }[];
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
  /**
   * Runs a logged DDL statement again at statement time `micros`, as
   * recovery (sinks send no snapshot). For a view: `saved` is its state from
   * the checkpoint, loaded instead of a rebuild when it fits (the outcome
   * goes to `views`).
   */
  rerun(record: StatementRecord, micros: number, view?: SavedView): void;
  /** Where views' state is saved (null in memory). */
  readonly viewSaves: ViewSaves | null;
  /** False: checkpoints leave views' state out (recovery rebuilds them). */
  readonly saveViews: boolean;
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
  const viewFiles: Record<string, string> = {};
  const unsaved: Record<string, string> = {};
  for (const d of state.definitions) {
    const node = d.kind === 'table' ? undefined : ctx.scheduler.node(d.name);
    if (node === undefined) continue;
    let saved: { readonly file: string } | { readonly unsupported: string };
    try {
      saved = ctx.saveViews && ctx.viewSaves !== null ? ctx.viewSaves.fileFor(d.name, node, ctx.scheduler) : { unsupported: 'checkpoints were set to leave view state out' };
    } catch (err) {
      throw storageError('writing the saved state of a view', err);
    }
    if ('file' in saved) viewFiles[d.name] = saved.file;
    else unsaved[d.name] = saved.unsupported;
  }
  const lsn = ctx.scheduler.lsn;
  const seq = ctx.journal.rotate();
  try {
    writeCheckpoint(dir, seq, { version: 1, walSegment: seq, lsn, tables: names, state: { ...state, viewFiles, unsavedViews: unsaved } }, rows);
    ctx.viewSaves?.written(seq, new Set(Object.values(viewFiles)));
    // Keep the previous checkpoint and the log from it on (from the start while there is none).
    const seqs = checkpointSeqs(dir);
    const keepFrom = seqs.length >= 2 ? seqs[seqs.length - 2]! : 0;
    pruneCheckpoints(dir, keepFrom);
    ctx.journal.prune(keepFrom);
    ctx.tiering?.afterCheckpoint(ctx.tables);
    ctx.viewSaves?.prune(checkpointSeqs(dir));
  } catch (err) {
    // The log still holds everything (it was not pruned): only recovery time suffers.
    throw storageError('writing a checkpoint', err);
  }
}

/**
 * Rebuilds the state a checkpoint saved: tables first, their rows, then
 * views (from their saved state, else rebuilt at the checkpoint's time),
 * indexes and sinks. Returns what became of each view.
 */
export function restoreCheckpoint(ctx: CheckpointContext, checkpoint: LoadedCheckpoint): ViewRecovery {
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
  // A view rebuilt is built with the rows retention removed after it was created (cold-tier.ts keeps them).
  const views: ViewRecovery = { restored: [], rebuilt: [] };
  for (const d of state.definitions) {
    if (d.kind === 'table') continue;
    let missing = state.unsavedViews?.[d.name] ?? 'the checkpoint holds no state for it';
    const file = state.viewFiles?.[d.name];
    let saved = checkpoint.views.get(d.name) ?? null;
    if (file !== undefined && ctx.viewSaves !== null) {
      try {
        saved = ctx.viewSaves.files.readState(file);
      } catch (err) {
        missing = err instanceof Error ? err.message : String(err);
      }
    }
    ctx.rerun(d.record, state.time, { rebuildAsOf: stateSince(d), saved, missing, views });
    const node = ctx.scheduler.node(d.name);
    if (file !== undefined && node !== undefined && views.restored.includes(d.name)) ctx.viewSaves?.loaded(d.name, node, file, checkpoint.manifest.lsn);
  }
  ctx.sinkManager.importState(state.sinks);
  ctx.definitions.reset(state.definitions);
  assert(ctx.scheduler.lsn === checkpoint.manifest.lsn, 'restoring a checkpoint committed something');
  return views;
}

/** A table's rows in memory as a checkpoint frame, with the rows' LSNs as a last column. */
function hotRows(store: TableStore): ZBatch {
  const rows = store.hotSnapshot();
  const lsns = store.hotLsns();
  return { ...rows, columns: [...rows.columns, { type: 'double', values: lsns, validity: null, length: lsns.length }] };
}
