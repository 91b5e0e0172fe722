// freshet_dead_letters: where a sink's changes go when they cannot be
// delivered — a webhook batch that failed its whole retry budget, or a table
// sink's change the target table refused (a constraint, a failing view).
// It is a real table that only the engine writes (catalog `system` flag):
// users read it with SELECT and may build views on it, so failures are data,
// never silent. One row per (sink, LSN): each payload can be replayed alone.

import type { SqlType } from '../common/sql-type.js';
import { columnFromScalars } from '../columnar/column.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { canonicalJson } from '../expr/json-value.js';

export const DEAD_LETTER_TABLE = 'freshet_dead_letters';

export const DEAD_LETTER_COLUMNS: readonly { readonly name: string; readonly type: SqlType; readonly notNull: boolean }[] = [
  { name: 'sink', type: 'text', notNull: true },
  { name: 'lsn', type: 'bigint', notNull: true },
  /** The JSON body a webhook would have received for this LSN alone (the same shape for table sinks). */
  { name: 'payload', type: 'jsonb', notNull: true },
  { name: 'error', type: 'text', notNull: true },
  { name: 'attempts', type: 'integer', notNull: true },
  { name: 'failed_at', type: 'timestamptz', notNull: true },
];

export interface DeadLetter {
  readonly sink: string;
  readonly lsn: number;
  /** JSON text (any spacing: it is canonicalized as jsonb). */
  readonly payload: string;
  readonly error: string;
  readonly attempts: number;
  /** Milliseconds since the epoch (the engine's clock). */
  readonly failedAt: number;
}

/** The rows to insert for `letters`, one per letter, in the table's column order. */
export function deadLetterBatch(letters: readonly DeadLetter[]): ZBatch {
  const columns = [
    columnFromScalars('text', letters.map((l) => l.sink)),
    columnFromScalars('bigint', letters.map((l) => l.lsn)),
    columnFromScalars('jsonb', letters.map((l) => canonicalJson(l.payload))),
    columnFromScalars('text', letters.map((l) => l.error)),
    columnFromScalars('integer', letters.map((l) => l.attempts)),
    // timestamptz is µs since the epoch.
    columnFromScalars('timestamptz', letters.map((l) => Math.round(l.failedAt * 1000))),
  ];
  return { columns, weights: new Int32Array(letters.length).fill(1), length: letters.length };
}
