// bool_and / bool_or (and `every`, bool_and's standard name) per group from
// two weighted counts: TRUE inputs and FALSE inputs (NULLs are skipped).
// bool_and is TRUE iff no FALSE is counted, bool_or iff some TRUE is; both are
// NULL while the group has no non-NULL input. O(1) per changed row, and a
// deleted FALSE is undone exactly, which a plain AND could not do.

import type { Column } from '../columnar/column.js';
import { makeColumn } from '../columnar/column.js';
import { allValid, setNull } from '../columnar/validity.js';
import { assert } from '../common/assert.js';
import type { GroupAccumulator } from './accumulators.js';
import { StridedState } from './strided-state.js';

/** Per group: [TRUE count, FALSE count]. */
const STRIDE = 2;

export class BoolAccumulator extends StridedState implements GroupAccumulator {
  protected readonly stride = STRIDE;
  protected state = new Float64Array(64 * STRIDE);
  readonly stateDescription = 'count of TRUE and of FALSE inputs';

  constructor(private readonly isAnd: boolean) {
    super();
  }

  update(slots: Int32Array, col: Column | null, weights: Int32Array, n: number, slotCount: number): void {
    assert(col !== null, 'bool_and/bool_or need an argument');
    if (this.state.length < slotCount * STRIDE) {
      let cap = this.state.length / STRIDE;
      while (cap < slotCount) cap *= 2;
      const next = new Float64Array(cap * STRIDE);
      next.set(this.state);
      this.state = next;
    }
    const counts = this.state;
    const values = col.values as Uint8Array;
    const validity = col.validity;
    for (let i = 0; i < n; i++) {
      if (validity !== null && ((validity[i >>> 3]! >>> (i & 7)) & 1) === 0) continue;
      counts[slots[i]! * STRIDE + (values[i] === 1 ? 0 : 1)]! += weights[i]!;
    }
  }

  read(slots: Int32Array): Column {
    const m = slots.length;
    const out = new Uint8Array(m);
    let validity: Uint8Array | null = null;
    const counts = this.state;
    for (let j = 0; j < m; j++) {
      const at = slots[j]! * STRIDE;
      const trues = counts[at] ?? 0;
      const falses = counts[at + 1] ?? 0;
      if (trues + falses <= 0) {
        validity ??= allValid(m);
        setNull(validity, j);
      } else out[j] = (this.isAnd ? falses <= 0 : trues > 0) ? 1 : 0;
    }
    return makeColumn('boolean', out, validity, m);
  }

  remap(remap: Int32Array, newSize: number): void {
    const next = new Float64Array(Math.max(newSize, 64) * STRIDE);
    for (let s = 0; s < remap.length; s++) {
      const to = remap[s]!;
      if (to < 0 || s * STRIDE >= this.state.length) continue;
      next[to * STRIDE] = this.state[s * STRIDE]!;
      next[to * STRIDE + 1] = this.state[s * STRIDE + 1]!;
    }
    this.state = next;
  }
}
