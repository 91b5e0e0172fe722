// What the aggregates over an order-statistic forest share (percentile,
// string_agg, array_agg): their state is the forest, so renumbering groups,
// saving, loading and sizing it are the forest's.

import type { StateReader, StateWriter } from '../storage/state-codec.js';
import type { OrderStatisticForest } from './order-statistic-forest.js';

export abstract class ForestAccumulator {
  protected abstract readonly forest: OrderStatisticForest;

  remap(remap: Int32Array, newSize: number): void {
    this.forest.remap(remap, newSize);
  }

  saveState(out: StateWriter): void {
    this.forest.saveState(out);
  }

  loadState(input: StateReader): void {
    this.forest.loadState(input);
  }

  estimateBytes(): number {
    return this.forest.estimateBytes();
  }
}
