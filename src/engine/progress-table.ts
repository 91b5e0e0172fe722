// freshet_progress: the views being built in the background, one row each
// (engine/backfill.ts), computed when read. It is a system table that no
// commit changes, so it can be queried (SELECT ... FROM freshet_progress)
// but no view may read it.

import type { CatalogColumn } from '../plan/catalog.js';
import { columnFromScalars } from '../columnar/column.js';
import type { ZBatch } from '../columnar/z-batch.js';
import type { BackfillProgress } from './backfill.js';

export const PROGRESS_TABLE = 'freshet_progress';

export const PROGRESS_COLUMNS: readonly CatalogColumn[] = [
  { name: 'view_name', type: 'text', notNull: true },
  { name: 'phase', type: 'text', notNull: true },
  { name: 'rows_done', type: 'bigint', notNull: true },
  { name: 'rows_total', type: 'bigint', notNull: true },
  { name: 'percent', type: 'double', notNull: true },
  { name: 'rows_per_second', type: 'double', notNull: false },
  { name: 'eta_seconds', type: 'double', notNull: false },
  { name: 'started_at', type: 'timestamptz', notNull: true },
  { name: 'buffered_commits', type: 'bigint', notNull: true },
];

/** The rows of freshet_progress for the given backfills. */
export function progressBatch(all: readonly BackfillProgress[]): ZBatch {
  const pick = <T extends string | number | null>(f: (p: BackfillProgress) => T): T[] => all.map(f);
  const values = [
    pick((p) => p.view),
    pick((p) => p.phase),
    pick((p) => p.rowsDone),
    pick((p) => p.rowsTotal),
    pick((p) => percentOf(p)),
    pick((p) => p.rowsPerSecond),
    pick((p) => p.etaSeconds),
    pick((p) => p.startedMs * 1000),
    pick((p) => p.bufferedCommits),
  ];
  return {
    columns: PROGRESS_COLUMNS.map((c, i) => columnFromScalars(c.type, values[i]!)),
    weights: new Int32Array(all.length).fill(1),
    length: all.length,
  };
}

/** Share of the rows done, 0..100 (100 for a view with no input rows). */
export function percentOf(p: BackfillProgress): number {
  return p.rowsTotal === 0 ? 100 : (100 * p.rowsDone) / p.rowsTotal;
}
