// MIN/MAX over NUMERIC. A NUMERIC key already orders as its value
// (columnar/numeric-values.ts), so the text extreme state finds each group's
// extreme; to return the value with its display scale (MAX of 2.50 prints
// 2.50), the state is fed "key \u0001 scale": the separator sorts below every
// key character, so these strings still order by value (equal values then by
// scale), and the reader splits the extreme back into key and scale.

import type { Column } from '../columnar/column.js';
import { makeColumn } from '../columnar/column.js';
import { NumericValues, numericScaleAt } from '../columnar/numeric-values.js';
import { allValid, isValid, setNull } from '../columnar/validity.js';
import type { AggregateReader, GroupState } from './accumulators.js';
import { ExtremeState } from './accumulators.js';
import type { StateReader, StateWriter } from '../storage/state-codec.js';

const SEPARATOR = '\u0001';

export class DecimalExtremeState implements GroupState {
  private readonly inner = new ExtremeState(false);
  readonly stateDescription = `${this.inner.stateDescription}; each value keeps its display scale`;

  update(slots: Int32Array, col: Column | null, weights: Int32Array, n: number, slotCount: number): void {
    if (col === null) return;
    const keys = col.values as string[];
    const tagged = new Array<string>(n);
    for (let i = 0; i < n; i++) tagged[i] = isValid(col.validity, i) ? keys[i]! + SEPARATOR + numericScaleAt(keys, i) : '';
    this.inner.update(slots, makeColumn('text', tagged, col.validity, n), weights, n, slotCount);
  }

  remap(remap: Int32Array, newSize: number): void {
    this.inner.remap(remap, newSize);
  }

  saveState(out: StateWriter): void {
    this.inner.saveState(out);
  }

  loadState(input: StateReader): void {
    this.inner.loadState(input);
  }

  read(slots: Int32Array, wantMax: boolean): Column {
    const n = slots.length;
    const out = new NumericValues(n);
    let validity: Uint8Array | null = null;
    for (let j = 0; j < n; j++) {
      const v = this.inner.extreme(slots[j]!, wantMax) as string | undefined;
      if (v === undefined) {
        validity ??= allValid(n);
        setNull(validity, j);
        continue;
      }
      const at = v.lastIndexOf(SEPARATOR);
      out[j] = v.slice(0, at);
      out.scales[j] = Number(v.slice(at + 1));
    }
    return makeColumn('numeric', out, validity, n);
  }
}

export class DecimalExtremeReader implements AggregateReader {
  constructor(private readonly state: DecimalExtremeState, private readonly wantMax: boolean) {}
  read(slots: Int32Array): Column {
    return this.state.read(slots, this.wantMax);
  }
}
