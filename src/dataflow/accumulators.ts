// Per-group aggregate state with retraction, one accumulator per aggregate
// call, indexed by group slot (typed arrays, grown with the group store).
// Each folds a whole batch per call: `update(slots, col, weights, n)`.
//   COUNT        weighted count of non-NULL inputs       O(1) per row
//   SUM / AVG    compensated (Neumaier) sum + count      O(1) per row
//   MIN / MAX    ordered multiset of values              O(log d) per row, sort+merge in bulk
// Compensated summation keeps double sums stable under insert/delete churn.

import type { SqlType } from '../common/sql-type.js';
import { assert } from '../common/assert.js';
import type { Column } from '../columnar/column.js';
import { allocValues, makeColumn } from '../columnar/column.js';
import { allValid, isValid, setNull } from '../columnar/validity.js';
import { SortedMultiset } from './sorted-multiset.js';

export const AggregateFunctions = ['count_star', 'count', 'sum', 'avg', 'min', 'max'] as const;
export type AggregateFunction = (typeof AggregateFunctions)[number];

/** Per-group state folded from input batches. */
export interface GroupState {
  /** Adds `weights[i]` copies of row i's value to group `slots[i]`. */
  update(slots: Int32Array, col: Column | null, weights: Int32Array, n: number): void;
  /** Renumbers groups after the group store compacted (remap[old] = new or -1). */
  remap(remap: Int32Array, newSize: number): void;
  readonly stateDescription: string;
}

/** Reads an aggregate's current value for groups (one column, vectorized). */
export interface AggregateReader {
  read(slots: Int32Array): Column;
}

export type GroupAccumulator = GroupState & AggregateReader;

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
  read(slots: Int32Array): Column {
    const out = new Float64Array(slots.length);
    for (let j = 0; j < slots.length; j++) out[j] = this.counts[slots[j]!] ?? 0;
    return makeColumn('bigint', out, null, slots.length);
  }
  remap(remap: Int32Array, newSize: number): void {
    this.counts = remapped(this.counts, remap, newSize);
  }
}

class SumAccumulator implements GroupAccumulator {
  private sums: Float64Array = new Float64Array(64);
  private compensation: Float64Array = new Float64Array(64);
  private nonNull: Float64Array = new Float64Array(64);
  /** NaN, +Infinity and -Infinity inputs are counted, not summed: a running
   *  sum could never subtract them back out. */
  private nans: Float64Array = new Float64Array(64);
  private positiveInfinities: Float64Array = new Float64Array(64);
  private negativeInfinities: Float64Array = new Float64Array(64);
  readonly stateDescription: string;
  constructor(private readonly average: boolean, private readonly resultType: SqlType) {
    this.stateDescription = average ? 'sum, count' : 'sum, non-null count';
  }
  update(slots: Int32Array, col: Column | null, weights: Int32Array, n: number): void {
    assert(col !== null, 'SUM/AVG need an argument');
    const need = maxSlot(slots, n) + 1;
    this.sums = grown(this.sums, need);
    this.compensation = grown(this.compensation, need);
    this.nonNull = grown(this.nonNull, need);
    this.nans = grown(this.nans, need);
    this.positiveInfinities = grown(this.positiveInfinities, need);
    this.negativeInfinities = grown(this.negativeInfinities, need);
    const { sums, compensation, nonNull } = this;
    const values = col.values as ArrayLike<number>;
    for (let i = 0; i < n; i++) {
      if (!isValid(col.validity, i)) continue;
      const s = slots[i]!;
      const w = weights[i]!;
      const v = values[i]!;
      if (!Number.isFinite(v)) {
        const counter = v !== v ? this.nans : v > 0 ? this.positiveInfinities : this.negativeInfinities;
        counter[s]! += w;
        nonNull[s]! += w;
        continue;
      }
      const x = v * w;
      const sum = sums[s]!;
      const t = sum + x;
      // Neumaier: carry the low-order bits lost by the addition.
      if (Math.abs(sum) >= Math.abs(x)) compensation[s]! += sum - t + x;
      else compensation[s]! += x - t + sum;
      sums[s] = t;
      nonNull[s]! += w;
    }
  }
  read(slots: Int32Array): Column {
    const n = slots.length;
    const out = new Float64Array(n);
    let validity: Uint8Array | null = null;
    for (let j = 0; j < n; j++) {
      const s = slots[j]!;
      const count = this.nonNull[s] ?? 0;
      if (count === 0) {
        validity ??= allValid(n);
        setNull(validity, j);
        continue;
      }
      const nan = this.nans[s]! !== 0;
      const pos = this.positiveInfinities[s]! !== 0;
      const neg = this.negativeInfinities[s]! !== 0;
      if (nan || pos || neg) {
        out[j] = nan || (pos && neg) ? NaN : pos ? Infinity : -Infinity;
        continue;
      }
      const total = this.sums[s]! + this.compensation[s]!;
      out[j] = this.average ? total / count : total;
    }
    return makeColumn(this.resultType, out, validity, n);
  }
  remap(remap: Int32Array, newSize: number): void {
    this.sums = remapped(this.sums, remap, newSize);
    this.compensation = remapped(this.compensation, remap, newSize);
    this.nonNull = remapped(this.nonNull, remap, newSize);
    this.nans = remapped(this.nans, remap, newSize);
    this.positiveInfinities = remapped(this.positiveInfinities, remap, newSize);
    this.negativeInfinities = remapped(this.negativeInfinities, remap, newSize);
  }
}

/** Batches at least this large take the sort-and-merge path into MIN/MAX state. */
const BULK_EXTREME_ROWS = 4096;

/**
 * The ordered multiset of a MIN/MAX argument per group. MIN(x) and MAX(x) of
 * the same argument share one ExtremeState.
 */
export class ExtremeState implements GroupState {
  private sets: (SortedMultiset | undefined)[] = [];
  readonly stateDescription = 'ordered multiset of the argument per group (shared by MIN and MAX of one argument)';
  constructor(private readonly numeric: boolean) {}

  update(slots: Int32Array, col: Column | null, weights: Int32Array, n: number): void {
    assert(col !== null, 'MIN/MAX need an argument');
    if (n >= BULK_EXTREME_ROWS && allOnes(weights, n)) {
      this.bulkInsert(slots, col, n);
      return;
    }
    const values = col.values;
    for (let i = 0; i < n; i++) {
      if (!isValid(col.validity, i)) continue;
      this.setFor(slots[i]!).add(values[i]!, weights[i]!);
    }
  }

  /** Groups the rows by slot (counting sort), sorts each group's values natively, merges once. */
  private bulkInsert(slots: Int32Array, col: Column, n: number): void {
    const groups = maxSlot(slots, n) + 1;
    const start = new Int32Array(groups + 1);
    for (let i = 0; i < n; i++) if (isValid(col.validity, i)) start[slots[i]! + 1]!++;
    for (let g = 0; g < groups; g++) start[g + 1]! += start[g]!;
    const fill = start.slice(0, groups);
    const values = col.values;
    const numeric = values instanceof Float64Array || values instanceof Int32Array;
    const ordered: Float64Array | string[] = numeric ? new Float64Array(start[groups]!) : new Array<string>(start[groups]!);
    for (let i = 0; i < n; i++) if (isValid(col.validity, i)) ordered[fill[slots[i]!]!++] = values[i] as never;
    for (let g = 0; g < groups; g++) {
      const from = start[g]!;
      const to = start[g + 1]!;
      if (from === to) continue;
      const run = ordered instanceof Float64Array ? ordered.subarray(from, to).sort() : ordered.slice(from, to).sort();
      this.setFor(g).addSortedRun(run);
    }
  }

  private setFor(slot: number): SortedMultiset {
    let set = this.sets[slot];
    if (set === undefined) {
      while (this.sets.length < slot) this.sets.push(undefined);
      set = new SortedMultiset(this.numeric);
      this.sets[slot] = set;
    }
    return set;
  }

  extreme(slot: number, wantMax: boolean): number | string | undefined {
    const set = this.sets[slot];
    return set === undefined ? undefined : wantMax ? set.max() : set.min();
  }

  remap(remap: Int32Array, newSize: number): void {
    const next: (SortedMultiset | undefined)[] = new Array(newSize).fill(undefined);
    for (let s = 0; s < remap.length; s++) if (remap[s]! >= 0) next[remap[s]!] = this.sets[s];
    this.sets = next;
  }
}

function allOnes(weights: Int32Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (weights[i] !== 1) return false;
  return true;
}

export class ExtremeReader implements AggregateReader {
  constructor(private readonly state: ExtremeState, private readonly wantMax: boolean, private readonly type: SqlType) {}
  read(slots: Int32Array): Column {
    const n = slots.length;
    const values = allocValues(this.type, n) as (number | string)[];
    let validity: Uint8Array | null = null;
    for (let j = 0; j < n; j++) {
      const v = this.state.extreme(slots[j]!, this.wantMax);
      if (v === undefined) {
        validity ??= allValid(n);
        setNull(validity, j);
      } else values[j] = v;
    }
    return makeColumn(this.type, values as Column['values'], validity, n);
  }
}

/** COUNT/SUM/AVG: state and reader in one object. MIN/MAX use ExtremeState + ExtremeReader. */
export function createAccumulator(fn: 'count_star' | 'count' | 'sum' | 'avg', resultType: SqlType): GroupAccumulator {
  switch (fn) {
    case 'count_star':
    case 'count':
      return new CountAccumulator();
    case 'sum':
      return new SumAccumulator(false, resultType);
    case 'avg':
      return new SumAccumulator(true, resultType);
  }
}
