// The event-time column `ts` of time-window cases: added to the case's tables
// (only window cases have a column of that name), and its values drawn from a
// narrow domain — about 90 minutes after a few bases, one before the epoch,
// one across midnight and a leap day — so that windows of seconds to a day
// hold several rows, rows land on window boundaries, and negative epoch
// times meet the alignment arithmetic. Shapes INSERT and UPDATE values of it.

import type { ChangeStmt, ColumnSpec, TableSpec } from '../differential/case-model.js';
import { formatTimestamp } from '../differential/literal-gen.js';
import type { Prng } from '../differential/prng.js';

export const timeColumn = 'ts';

const micros = (iso: string): number => Date.parse(`${iso}Z`) * 1000;

/** Where the values cluster: most rows near the first base, so most windows hold several rows. */
const bases: readonly (readonly [number, number])[] = [
  [6, micros('2024-03-01T12:00:00')],
  [2, micros('1969-12-31T23:20:00')],
  [2, micros('2024-02-29T23:15:00')],
];

/** A value of the domain, in µs since the epoch. */
export function timeMicros(rng: Prng): number {
  const base = rng.weighted(bases);
  return rng.weighted<() => number>([
    // Whole minutes: many rows exactly on window boundaries.
    [5, () => base + rng.int(0, 90) * 60_000_000],
    [3, () => base + rng.int(0, 5_400) * 1_000_000],
    [2, () => base + rng.int(0, 5_400) * 1_000_000 + rng.pick([1, 500_000, 999_999])],
  ])();
}

export function timeLiteral(rng: Prng): string {
  return `TIMESTAMP '${formatTimestamp(timeMicros(rng))}'`;
}

/** The table with a nullable (sometimes NOT NULL) `ts` column appended. */
export function withTimeColumn(rng: Prng, t: TableSpec): TableSpec {
  const ts: ColumnSpec = { name: timeColumn, type: 'timestamp', notNull: rng.chance(0.2) };
  return { ...t, columns: [...t.columns, ts] };
}

/**
 * Moves a change's `ts` values into the domain: inserted values are redrawn
 * (NULLs stay), an UPDATE of `ts` sets a domain value or shifts it, so rows
 * move between windows, and some DELETEs are narrowed to a time range.
 */
export function shapeTimeChange(rng: Prng, table: TableSpec, s: ChangeStmt): ChangeStmt {
  const at = table.columns.findIndex((c) => c.name === timeColumn);
  const col = table.columns[at];
  if (col === undefined) return s;
  if (s.kind === 'delete') {
    if (!rng.chance(0.3)) return s;
    const range = `${timeColumn} ${rng.pick(['<', '>='])} ${timeLiteral(rng)}`;
    return { ...s, where: s.where === null ? range : `(${s.where}) AND ${range}` };
  }
  if (s.kind === 'insert') return { ...s, rows: s.rows.map((r) => r.map((v, j) => (j === at && v !== 'NULL' ? timeLiteral(rng) : v))) };
  if (s.kind !== 'update' || !s.sets.some((x) => x.column === timeColumn)) return s;
  const expr = rng.weighted<() => string>([
    [3, () => timeLiteral(rng)],
    [3, () => `${timeColumn} + INTERVAL '${rng.pick([1, 5, 7, 30])} minutes'`],
    [2, () => `${timeColumn} - INTERVAL '${rng.pick([1, 10, 59])} seconds'`],
    [col.notNull ? 0 : 1, () => 'NULL'],
  ])();
  return { ...s, sets: s.sets.map((x) => (x.column === timeColumn ? { column: x.column, expr } : x)) };
}
