// What GET /v1/status (engine.status()) reports: where the engine stands,
// what recovery did, each table's rows in memory and in cold segments, the
// views being built, the decoded-segment cache and every operator's state.

import type { TableStore } from '../storage/table-store.js';
import type { BackfillProgress } from './backfill.js';
import type { RecoveryReport } from './recovery.js';
import type { StateMemory } from '../dataflow/operator.js';
import type { StateMemoryStatus } from '../storage/state-spill.js';

/** One table in GET /v1/status: its rows in memory and in cold segments. */
export interface TableStatus {
  readonly name: string;
  /** Rows in both tiers. */
  readonly rows: number;
  readonly hot: { readonly rows: number; readonly bytes: number };
  /** Null while every row is in memory. */
  readonly cold: {
    readonly rows: number;
    readonly segments: number;
    readonly bytes: number;
    readonly segmentsRead: number;
    readonly segmentsSkipped: number;
    /** Rows retention removed that are kept for views created before (recovery rebuilds those views from them). */
    readonly expiredRows: number;
  } | null;
}

export interface EngineStatus {
  /** The last committed LSN. */
  readonly lsn: number;
  /** True for Engine.open (a write-ahead log), false in memory. */
  readonly durable: boolean;
  readonly dataDir: string | null;
  /** False after a storage fault: no write is acknowledged until a restart. */
  readonly healthy: boolean;
  /** Log written since the last checkpoint: about what the next start replays. */
  readonly logBytesSinceCheckpoint: number;
  readonly recovery: RecoveryReport | null;
  readonly tables: readonly TableStatus[];
  /** Views being built in the background (freshet_progress). */
  readonly backfills: readonly BackfillProgress[];
  /** Decoded cold segments kept for reuse; null in memory. */
  readonly segmentCache: { readonly bytes: number; readonly hits: number; readonly misses: number } | null;
  /** Every view's operators and the state each holds. */
  readonly operators: readonly OperatorStatus[];
  /** Operator state in memory and in scratch files under --state-memory; null without a limit. */
  readonly stateMemory: StateMemoryStatus | null;
}

/** The `operator` of the status line for a view's own rows (its result), listed after its operators. */
export const VIEW_ROWS = 'View rows';

/** One stateful operator of a view: its entries (rows, groups) and, where it measures them, its bytes in memory and in scratch files. */
export interface OperatorStatus {
  readonly view: string;
  readonly operator: string;
  readonly entries: number;
  readonly memory?: StateMemory;
}

/** A table's line in the status. */
export function tableStatus(name: string, store: TableStore): TableStatus {
  const cold = store.cold;
  return {
    name,
    rows: store.rowCount,
    hot: { rows: store.hotRowCount, bytes: store.hotBytes() },
    cold:
      cold === null
        ? null
        : {
            rows: cold.rowCount,
            segments: cold.segmentCount,
            bytes: cold.bytes,
            segmentsRead: cold.segmentsRead,
            segmentsSkipped: cold.segmentsSkipped,
            expiredRows: cold.expiredRows,
          },
  };
}
