// Per-group aggregate state with retraction, one accumulator per aggregate
// call, indexed by group slot (typed arrays, grown with the group store).
// Each folds a whole batch per call: `update(slots, col, weights, n)`.
//   COUNT        weighted count of non-NULL inputs       O(1) per row
//   SUM / AVG    compensated (Neumaier) sum + count      O(1) per row
//   MIN / MAX    ordered multiset of values              O(log d) per row
// Compensated summation keeps double sums stable under insert/delete churn.

import type { SqlType } from '../common/sql-type.js';
import { assert } from '../common/assert.js';
import type { Column, Scalar } from '../columnar/column.js';
import { isValid } from '../columnar/validity.js';
import { SortedMultiset } from './sorted-multiset.js';

export const AggregateFunctions = ['count_star', 'count', 'sum', 'avg', 'min', 'max'] as const;
export type AggregateFunction = (typeof AggregateFunctions)[number];

export interface GroupAccumulator {
  /** Adds `weights[i]` copies of row i's value to group `slots[i]`. */
  update(slots: Int32Array, col: Column | null, weights: Int32Array, n: number): void;
  /** The aggregate's current value for a group. */
  value(slot: number): Scalar;
  /** Renumbers groups after the group store compacted (remap[old] = new or -1). */
  remap(remap: Int32Array, newSize: number): void;
  readonly stateDescription: string;
}

function grown(arr: Float64Array, needed: number): Float64Array {
  if (needed <= arr.length) return arr;
  let cap = Math.max(arr.length, 64);
  while (cap < needed) cap *= 2;
  const next = new Float64Array(cap);
  next.set(arr);
  return next;
}

function remapped(arr: Float64Array, remap: Int32Array, newSize: number): Float64Array {
  const next = new Float64Array(Math.max(newSize, 64));
  for (let s = 0; s < remap.length; s++) if (remap[s]! >= 0) next[remap[s]!] = arr[s]!;
  return next;
}

function maxSlot(slots: Int32Array, n: number): number {
  let m = -1;
  for (let i = 0; i < n; i++) if (slots[i]! > m) m = slots[i]!;
  return m;
}

class CountAccumulator implements GroupAccumulator {
  private counts: Float64Array = new Float64Array(64);
  readonly stateDescription = 'count';
  update(slots: Int32Array, col: Column | null, weights: Int32Array, n: number): void {
    this.counts = grown(this.counts, maxSlot(slots, n) + 1);
    const counts = this.counts;
    if (col === null || col.validity === null) {
      for (let i = 0; i < n; i++) counts[slots[i]!]! += weights[i]!;
    } else {
      for (let i = 0; i < n; i++) if (isValid(col.validity, i)) counts[slots[i]!]! += weights[i]!;
    }
  }
  value(slot: number): Scalar {
    return this.counts[slot] ?? 0;
  }
  remap(remap: Int32Array, newSize: number): void {
    this.counts = remapped(this.counts, remap, newSize);
  }
}

class SumAccumulator implements GroupAccumulator {
  private sums: Float64Array = new Float64Array(64);
  private compensation: Float64Array = new Float64Array(64);
  private nonNull: Float64Array = new Float64Array(64);
  readonly stateDescription: string;
  constructor(private readonly average: boolean) {
    this.stateDescription = average ? 'sum, count' : 'sum, non-null count';
  }
  update(slots: Int32Array, col: Column | null, weights: Int32Array, n: number): void {
    assert(col !== null, 'SUM/AVG need an argument');
    const need = maxSlot(slots, n) + 1;
    this.sums = grown(this.sums, need);
    this.compensation = grown(this.compensation, need);
    this.nonNull = grown(this.nonNull, need);
    const { sums, compensation, nonNull } = this;
    const values = col.values as ArrayLike<number>;
    for (let i = 0; i < n; i++) {
      if (!isValid(col.validity, i)) continue;
      const s = slots[i]!;
      const w = weights[i]!;
      const x = values[i]! * w;
      const sum = sums[s]!;
      const t = sum + x;
      // Neumaier: carry the low-order bits lost by the addition.
      if (Math.abs(sum) >= Math.abs(x)) compensation[s]! += sum - t + x;
      else compensation[s]! += x - t + sum;
      sums[s] = t;
      nonNull[s]! += w;
    }
  }
  value(slot: number): Scalar {
    const count = this.nonNull[slot] ?? 0;
    if (count === 0) return null;
    const total = this.sums[slot]! + this.compensation[slot]!;
    return this.average ? total / count : total;
  }
  remap(remap: Int32Array, newSize: number): void {
    this.sums = remapped(this.sums, remap, newSize);
    this.compensation = remapped(this.compensation, remap, newSize);
    this.nonNull = remapped(this.nonNull, remap, newSize);
  }
}

class ExtremeAccumulator implements GroupAccumulator {
  private sets: (SortedMultiset<number | string> | undefined)[] = [];
  readonly stateDescription: string;
  constructor(private readonly wantMax: boolean, private readonly type: SqlType) {
    this.stateDescription = `ordered multiset of ${wantMax ? 'MAX' : 'MIN'} input values per group`;
  }
  update(slots: Int32Array, col: Column | null, weights: Int32Array, n: number): void {
    assert(col !== null, 'MIN/MAX need an argument');
    const values = col.values;
    const boolean = this.type === 'boolean';
    for (let i = 0; i < n; i++) {
      if (!isValid(col.validity, i)) continue;
      const s = slots[i]!;
      let set = this.sets[s];
      if (set === undefined) {
        set = new SortedMultiset();
        this.sets[s] = set;
      }
      set.add(boolean ? (values[i] as number) : (values[i] as number | string), weights[i]!);
    }
  }
  value(slot: number): Scalar {
    const set = this.sets[slot];
    const v = set === undefined ? undefined : this.wantMax ? set.max() : set.min();
    if (v === undefined) return null;
    return this.type === 'boolean' ? v === 1 : v;
  }
  remap(remap: Int32Array, newSize: number): void {
    const next: (SortedMultiset<number | string> | undefined)[] = new Array(newSize);
    for (let s = 0; s < remap.length; s++) if (remap[s]! >= 0) next[remap[s]!] = this.sets[s];
    this.sets = next;
  }
}

export function createAccumulator(fn: AggregateFunction, argType: SqlType | null): GroupAccumulator {
  switch (fn) {
    case 'count_star':
    case 'count':
      return new CountAccumulator();
    case 'sum':
      return new SumAccumulator(false);
    case 'avg':
      return new SumAccumulator(true);
    case 'min':
    case 'max':
      assert(argType !== null, 'MIN/MAX need an argument type');
      return new ExtremeAccumulator(fn === 'max', argType);
  }
}
