// What the accumulators whose state is one Float64Array of `stride` values
// per group slot share (bool_and/bool_or, variance, INTERVAL sums): their
// checkpoint form and their size.

import type { StateReader, StateWriter } from '../storage/state-codec.js';

export abstract class StridedState {
  protected abstract state: Float64Array;
  protected abstract readonly stride: number;

  saveState(out: StateWriter): void {
    out.f64(this.state);
  }

  loadState(input: StateReader): void {
    this.state = input.f64();
    input.check(this.state.length % this.stride === 0, 'per-group state of another shape');
  }

  estimateBytes(): number {
    return this.state.byteLength;
  }
}
