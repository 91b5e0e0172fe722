// A time-window FROM item (TUMBLE, HOP, CUMULATE over a table or view) and its
// text per dialect. Freshet gets the table function; DuckDB, which has none,
// gets a subquery computing the same windows from their definition in epoch
// microseconds — windows align to offset + n·slide (TUMBLE: slide = size):
//   TUMBLE   [a, a + size) with a = the aligned start at or below ts
//   HOP      every [s, s + size) with s aligned to the slide and s <= ts < s + size
//   CUMULATE [a, a + m·step) with a aligned to the size, for m = 1..size/step with ts < a + m·step
// A NULL ts keeps its row under TUMBLE with NULL bounds and has no window under
// HOP and CUMULATE (README, "Time windows"). In the view's AST the item is a
// relation named `placeholder`, which the rendered text has quoted exactly once.

import type { Dialect } from '../differential/case-model.js';

export type TimeWindowKind = 'tumble' | 'hop' | 'cumulate';

export interface TimeWindowSource {
  readonly kind: TimeWindowKind;
  /** The relation name standing for the window in the view's AST. */
  readonly placeholder: string;
  /** The table or view windowed, and its timestamp column. */
  readonly relation: string;
  readonly column: string;
  /** In µs: HOP's slide, CUMULATE's step; TUMBLE: = size. */
  readonly slide: number;
  readonly size: number;
  readonly offset: number;
  /** Freshet's spelling of the arguments: the interval literals' text, DESCRIPTOR or a bare column, the name's case. */
  readonly slideText: string;
  readonly sizeText: string;
  readonly offsetText: string | null;
  readonly descriptor: boolean;
  readonly upperCase: boolean;
}

function freshetText(w: TimeWindowSource): string {
  const name = w.upperCase ? w.kind.toUpperCase() : w.kind;
  const args = [w.relation, w.descriptor ? `DESCRIPTOR(${w.column})` : w.column];
  if (w.kind !== 'tumble') args.push(`INTERVAL '${w.slideText}'`);
  args.push(`INTERVAL '${w.sizeText}'`);
  if (w.offsetText !== null) args.push(`INTERVAL '${w.offsetText}'`);
  return `${name}(${args.join(', ')})`;
}

/** The largest `offset + n·step` at or below the epoch-µs expression `us` (DuckDB's % keeps the dividend's sign). */
function alignedAtOrBelow(us: string, step: number, offset: number): string {
  return `(${us} - (((${us} - ${offset}) % ${step}) + ${step}) % ${step})`;
}

function duckDbText(w: TimeWindowSource): string {
  const us = `epoch_us(s."${w.column}")`;
  const from = `"${w.relation}" AS s`;
  const bounds = (start: string, end: string): string => `make_timestamp(${start}) AS window_start, make_timestamp(${end}) AS window_end`;
  switch (w.kind) {
    case 'tumble': {
      const a = alignedAtOrBelow(us, w.size, w.offset);
      return `(SELECT s.*, ${bounds(a, `${a} + ${w.size}`)} FROM ${from})`;
    }
    case 'hop': {
      // Starts at and below the aligned one, back as far as a window can still reach ts.
      const start = `${alignedAtOrBelow(us, w.slide, w.offset)} - r.j * ${w.slide}`;
      const n = Math.ceil(w.size / w.slide);
      return `(SELECT s.*, ${bounds(start, `${start} + ${w.size}`)} FROM ${from} CROSS JOIN range(0, ${n}) AS r(j) ` +
        `WHERE s."${w.column}" IS NOT NULL AND ${start} + ${w.size} > ${us})`;
    }
    case 'cumulate': {
      const a = alignedAtOrBelow(us, w.size, w.offset);
      const end = `${a} + r.m * ${w.slide}`;
      return `(SELECT s.*, ${bounds(a, end)} FROM ${from} CROSS JOIN range(1, ${w.size / w.slide + 1}) AS r(m) ` +
        `WHERE s."${w.column}" IS NOT NULL AND ${end} > ${us})`;
    }
  }
}

export function renderTimeWindowSource(w: TimeWindowSource, dialect: Dialect): string {
  return dialect === 'freshet' ? freshetText(w) : duckDbText(w);
}

/** The view text with the placeholder relation replaced by the window for the dialect. */
export function substituteTimeWindow(sql: string, w: TimeWindowSource, dialect: Dialect): string {
  const quoted = `"${w.placeholder}"`;
  const at = sql.indexOf(quoted);
  if (at < 0 || sql.indexOf(quoted, at + 1) >= 0) throw new Error(`time-window placeholder ${quoted} must occur once in: ${sql}`);
  return sql.slice(0, at) + renderTimeWindowSource(w, dialect) + sql.slice(at + quoted.length);
}
