// TUMBLE, HOP and CUMULATE: assigns each row the time windows its timestamp
// falls in and emits one copy of the row per window, with window_start and
// window_end appended. Linear and stateless (a row's windows depend on the row
// alone), so a delta maps to a delta: O(windows per row) per changed row.
// Windows are aligned to the epoch plus an offset, on microseconds:
//   TUMBLE(size)         one window [start, start + size) with start ≡ offset (mod size)
//   HOP(slide, size)     every window [s, s + size) with s ≡ offset (mod slide) and s ≤ ts < s + size
//   CUMULATE(step, size) windows [s, s + k·step) for the size-aligned s ≤ ts, every k with ts < s + k·step ≤ s + size
// A NULL timestamp keeps its row under TUMBLE with NULL bounds; HOP and CUMULATE
// give it no window (it has none to be counted in).

import type { SqlType } from '../common/sql-type.js';
import type { Column } from '../columnar/column.js';
import { gatherColumn, makeColumn } from '../columnar/column.js';
import { allValid, isValid, setNull } from '../columnar/validity.js';
import type { ZBatch } from '../columnar/z-batch.js';
import type { Operator, OperatorInfo } from './operator.js';

export type TimeWindowKind = 'tumble' | 'hop' | 'cumulate';

export interface TimeWindowSpec {
  readonly kind: TimeWindowKind;
  /** The timestamp column of the input. */
  readonly tsColumn: number;
  /** Window length in µs (CUMULATE: the largest window). */
  readonly size: number;
  /** HOP: distance between window starts; CUMULATE: growth step; TUMBLE: = size. */
  readonly slide: number;
  /** Alignment offset in µs (windows start at offset + k·slide). */
  readonly offset: number;
}

/** The largest multiple of `step` (plus offset) at or below x: exact on integral µs. */
export function alignDown(x: number, step: number, offset: number): number {
  let r = (x - offset) % step;
  if (r < 0) r += step;
  return x - r;
}

export class TimeWindowExpandOperator implements Operator {
  readonly outputTypes: readonly SqlType[];

  constructor(
    inputTypes: readonly SqlType[],
    private readonly spec: TimeWindowSpec,
    private readonly detail: string,
  ) {
    const tsType = inputTypes[spec.tsColumn]!;
    this.outputTypes = [...inputTypes, tsType, tsType];
  }

  step(input: ZBatch): ZBatch {
    const n = input.length;
    const ts = input.columns[this.spec.tsColumn]!;
    const times = ts.values as Float64Array;
    const { kind, size, slide, offset } = this.spec;
    // Upper bound on windows per row, so the output arrays are sized once.
    const perRow = kind === 'tumble' ? 1 : Math.ceil(size / slide);
    let rows = new Int32Array(n * perRow);
    let starts = new Float64Array(n * perRow);
    let ends = new Float64Array(n * perRow);
    let nullBounds: Uint8Array | null = null;
    let out = 0;
    for (let i = 0; i < n; i++) {
      if (!isValid(ts.validity, i)) {
        if (kind !== 'tumble') continue;
        nullBounds ??= allValid(n);
        setNull(nullBounds, out);
        rows[out++] = i;
        continue;
      }
      const t = times[i]!;
      if (kind === 'tumble') {
        const s = alignDown(t, size, offset);
        rows[out] = i;
        starts[out] = s;
        ends[out++] = s + size;
      } else if (kind === 'hop') {
        for (let s = alignDown(t, slide, offset); s > t - size; s -= slide) {
          rows[out] = i;
          starts[out] = s;
          ends[out++] = s + size;
        }
      } else {
        const s = alignDown(t, size, offset);
        for (let e = s + slide * (Math.floor((t - s) / slide) + 1); e <= s + size; e += slide) {
          rows[out] = i;
          starts[out] = s;
          ends[out++] = e;
        }
      }
    }
    if (out < rows.length) {
      rows = rows.subarray(0, out);
      starts = starts.subarray(0, out);
      ends = ends.subarray(0, out);
    }
    const columns: Column[] = input.columns.map((c) => gatherColumn(c, rows, out));
    const validity = nullBounds === null ? null : (nullBounds as Uint8Array).subarray(0, (out + 7) >>> 3);
    const tsType = ts.type;
    columns.push(makeColumn(tsType, starts, validity, out), makeColumn(tsType, ends, validity, out));
    const weights = new Int32Array(out);
    for (let j = 0; j < out; j++) weights[j] = input.weights[rows[j]!]!;
    return { columns, weights, length: out };
  }

  describe(): OperatorInfo {
    const perRow = this.spec.kind === 'tumble' ? '1 window' : `up to ${Math.ceil(this.spec.size / this.spec.slide)} windows`;
    return { name: 'TimeWindow', detail: this.detail, state: 'none', cost: `O(1) per changed row (${perRow} per row)` };
  }

  stateSize(): number {
    return 0;
  }
}
