// SUM and AVG over INTERVAL, with retraction. PostgreSQL adds intervals field
// by field (months, days and microseconds separately: '1 mon' + '30 days' is
// '1 mon 30 days'), and AVG divides that sum by the count as interval / number
// does (fractions cascade to days and microseconds). Per group: the three
// field sums and the non-NULL count, each an exact integer in a double
// (within ±2^53). O(1) per changed row.

import { assert } from '../common/assert.js';
import type { Column } from '../columnar/column.js';
import { makeColumn } from '../columnar/column.js';
import { IntervalValues, setInterval } from '../columnar/interval-values.js';
import { allValid, isValid, setNull } from '../columnar/validity.js';
import { scaleInterval } from '../expr/interval.js';
import type { GroupAccumulator } from './accumulators.js';
import { StridedState } from './strided-state.js';

/** Per group: [months, days, micros, count]. */
const STRIDE = 4;

export class IntervalSumAccumulator extends StridedState implements GroupAccumulator {
  protected readonly stride = STRIDE;
  protected state: Float64Array = new Float64Array(64 * STRIDE);
  readonly stateDescription: string;

  constructor(private readonly average: boolean) {
    super();
    this.stateDescription = average ? 'month, day and µs sums, count' : 'month, day and µs sums, non-null count';
  }

  update(slots: Int32Array, col: Column | null, weights: Int32Array, n: number, slotCount: number): void {
    assert(col !== null && col.values instanceof IntervalValues, 'SUM/AVG(interval) need an interval argument');
    if (slotCount * STRIDE > this.state.length) {
      let cap = this.state.length;
      while (cap < slotCount * STRIDE) cap *= 2;
      const next = new Float64Array(cap);
      next.set(this.state);
      this.state = next;
    }
    const { months, days, micros } = col.values;
    const s = this.state;
    for (let i = 0; i < n; i++) {
      if (!isValid(col.validity, i)) continue;
      const at = slots[i]! * STRIDE;
      const w = weights[i]!;
      s[at]! += months[i]! * w;
      s[at + 1]! += days[i]! * w;
      s[at + 2]! += micros[i]! * w;
      s[at + 3]! += w;
    }
  }

  read(slots: Int32Array): Column {
    const n = slots.length;
    const out = new IntervalValues(n);
    let validity: Uint8Array | null = null;
    const s = this.state;
    for (let j = 0; j < n; j++) {
      const at = slots[j]! * STRIDE;
      const count = s[at + 3] ?? 0;
      if (count === 0) {
        validity ??= allValid(n);
        setNull(validity, j);
        continue;
      }
      const sum = { months: s[at]!, days: s[at + 1]!, micros: s[at + 2]! };
      const p = this.average ? scaleInterval(sum, count, true) : sum;
      setInterval(out, j, p.months + 0, p.days + 0, p.micros + 0);
    }
    return makeColumn('interval', out, validity, n);
  }

  remap(remap: Int32Array, newSize: number): void {
    const next = new Float64Array(Math.max(newSize, 64) * STRIDE);
    for (let g = 0; g < remap.length; g++) {
      const to = remap[g]!;
      if (to < 0) continue;
      for (let k = 0; k < STRIDE; k++) next[to * STRIDE + k] = this.state[g * STRIDE + k] ?? 0;
    }
    this.state = next;
  }
}
