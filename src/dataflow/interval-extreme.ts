// MIN/MAX over INTERVAL. PostgreSQL orders intervals by their span (30-day
// months, 24-hour days), which is what an IntervalValues column holds as its
// Float64 values, so the numeric extreme state finds each group's extreme
// span; the result needs the months/days/µs parts back, so this state also
// remembers, per span, the parts of the last value seen with it (intervals of
// equal span are equal to PostgreSQL; which spelling it returns is not
// specified there either).

import type { SqlType } from '../common/sql-type.js';
import type { Column } from '../columnar/column.js';
import { makeColumn } from '../columnar/column.js';
import { IntervalValues, setInterval } from '../columnar/interval-values.js';
import { isValid } from '../columnar/validity.js';
import type { AggregateReader, GroupState } from './accumulators.js';
import { NumericExtremeState } from './numeric-extreme-state.js';
import type { StateReader, StateWriter } from '../storage/state-codec.js';

export class IntervalExtremeState implements GroupState {
  readonly spans = new NumericExtremeState();
  /** span -> [months, days, micros] of a value with that span. */
  private readonly parts = new Map<number, readonly [number, number, number]>();
  readonly stateDescription = `${this.spans.stateDescription}, plus one interval spelling per distinct span`;

  update(slots: Int32Array, col: Column | null, weights: Int32Array, n: number, slotCount: number): void {
    if (col !== null && col.values instanceof IntervalValues) {
      const v = col.values;
      for (let i = 0; i < n; i++) {
        if (weights[i]! > 0 && isValid(col.validity, i)) this.parts.set(v[i]!, [v.months[i]!, v.days[i]!, v.micros[i]!]);
      }
    }
    this.spans.update(slots, col, weights, n, slotCount);
  }

  remap(remap: Int32Array, newSize: number): void {
    this.spans.remap(remap, newSize);
  }

  /** Checkpoints: the spans' state, then the spelling kept per span (in the map's order, which later sets keep). */
  saveState(out: StateWriter): void {
    this.spans.saveState(out);
    const spans = new Float64Array(this.parts.size);
    const parts = new Float64Array(this.parts.size * 3);
    let i = 0;
    for (const [span, [months, days, micros]] of this.parts) {
      spans[i] = span;
      parts.set([months, days, micros], i * 3);
      i++;
    }
    out.f64(spans);
    out.f64(parts);
  }

  loadState(input: StateReader): void {
    this.spans.loadState(input);
    const spans = input.f64();
    const parts = input.f64();
    input.check(parts.length === spans.length * 3, 'interval spellings of another shape');
    this.parts.clear();
    for (let i = 0; i < spans.length; i++) this.parts.set(spans[i]!, [parts[i * 3]!, parts[i * 3 + 1]!, parts[i * 3 + 2]!]);
  }

  read(slots: Int32Array, wantMax: boolean): Column {
    const spans = this.spans.read(slots, wantMax, 'double');
    const out = new IntervalValues(slots.length);
    for (let i = 0; i < slots.length; i++) {
      if (!isValid(spans.validity, i)) continue;
      const p = this.parts.get(spans.values[i] as number);
      if (p !== undefined) setInterval(out, i, p[0], p[1], p[2]);
    }
    return makeColumn('interval' as SqlType, out, spans.validity, slots.length);
  }
}

export class IntervalExtremeReader implements AggregateReader {
  constructor(private readonly state: IntervalExtremeState, private readonly wantMax: boolean) {}
  read(slots: Int32Array): Column {
    return this.state.read(slots, this.wantMax);
  }
}
