// Per-group aggregate state with retraction, one accumulator per aggregate
// call, indexed by group slot (typed arrays, grown with the group store).
// Each folds a whole batch per call: `update(slots, col, weights, n, slotCount)`.
//   COUNT        weighted count of non-NULL inputs       O(1) per row
//   SUM / AVG    compensated (Neumaier) sum + count      O(1) per row
//   MIN / MAX    per-group extremes + ordered multiset   see numeric-extreme-state.ts and
//                                                        sorted-multiset.ts
// Compensated summation keeps double sums stable under insert/delete churn.
// COUNT/SUM/AVG(DISTINCT) wrap these in distinct-accumulator.ts, which feeds
// them each group's distinct values once. The other aggregates have their own
// files: bool-accumulator.ts, moments-accumulator.ts (variance, stddev),
// percentile-accumulator.ts, text-agg-accumulator.ts (string_agg),
// array-agg-accumulator.ts (array_agg).

import type { SqlType } from '../common/sql-type.js';
import { assert } from '../common/assert.js';
import type { Column } from '../columnar/column.js';
import { allocValues, makeColumn } from '../columnar/column.js';
import { allValid, isValid, setNull } from '../columnar/validity.js';
import { MultisetSizes, SortedMultiset, loadMultisets, saveMultisets } from './sorted-multiset.js';
import type { StateReader, StateWriter } from '../storage/state-codec.js';

export const AggregateFunctions = [
  'count_star', 'count', 'sum', 'avg', 'min', 'max',
  'bool_and', 'bool_or', 'string_agg', 'array_agg',
  'stddev_samp', 'stddev_pop', 'var_samp', 'var_pop',
  'percentile_cont', 'percentile_disc',
] as const;
export type AggregateFunction = (typeof AggregateFunctions)[number];

/** Per-group state folded from input batches. */
export interface GroupState {
  /** Adds `weights[i]` copies of row i's value to group `slots[i]`; every slot is below `slotCount`. */
  update(slots: Int32Array, col: Column | null, weights: Int32Array, n: number, slotCount: number): void;
  /** Renumbers groups after the group store compacted (remap[old] = new or -1). */
  remap(remap: Int32Array, newSize: number): void;
  readonly stateDescription: string;
  /**
   * Checkpoints (dataflow/circuit-state.ts): writes the state exactly, per
   * group slot, so that loadState on a fresh accumulator of the same call
   * restores it bit for bit. Absent: this state cannot be saved yet (its view
   * is rebuilt at recovery).
   */
  saveState?(out: StateWriter): void;
  loadState?(input: StateReader): void;
  /** About how many bytes the state holds (for --state-memory); absent: a few per group. */
  estimateBytes?(): number;
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

class CountAccumulator implements GroupAccumulator {
  private counts: Float64Array = new Float64Array(64);
  readonly stateDescription = 'count';
  update(slots: Int32Array, col: Column | null, weights: Int32Array, n: number, slotCount: number): void {
    this.counts = grown(this.counts, slotCount);
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
  saveState(out: StateWriter): void {
    out.f64(this.counts);
  }
  loadState(input: StateReader): void {
    this.counts = input.f64();
  }
  estimateBytes(): number {
    return this.counts.byteLength;
  }
}

/** Per group, interleaved for locality: [sum, compensation, non-null count]. */
const SUM_STRIDE = 3;

class SumAccumulator implements GroupAccumulator {
  private state: Float64Array = new Float64Array(64 * SUM_STRIDE);
  /** NaN, +Infinity and -Infinity inputs are counted, not summed: a running
   *  sum could never subtract them back out. Per group: [NaN, +Inf, -Inf]. */
  private specials: Float64Array = new Float64Array(64 * 3);
  /** Per group: 1 once it has counted a special value. For performance: reads
   *  consult this small array and touch `specials` only for such groups. */
  private hasSpecials: Uint8Array = new Uint8Array(64);
  readonly stateDescription: string;
  constructor(private readonly average: boolean, private readonly resultType: SqlType) {
    this.stateDescription = average ? 'sum, count' : 'sum, non-null count';
  }
  update(slots: Int32Array, col: Column | null, weights: Int32Array, n: number, slotCount: number): void {
    assert(col !== null, 'SUM/AVG need an argument');
    this.state = grown(this.state, slotCount * SUM_STRIDE);
    this.specials = grown(this.specials, slotCount * 3);
    if (this.hasSpecials.length < slotCount) {
      const next = new Uint8Array(this.specials.length / 3);
      next.set(this.hasSpecials);
      this.hasSpecials = next;
    }
    const state = this.state;
    const values = col.values as ArrayLike<number>;
    const validity = col.validity;
    for (let i = 0; i < n; i++) {
      if (validity !== null && ((validity[i >>> 3]! >>> (i & 7)) & 1) === 0) continue;
      const at = slots[i]! * SUM_STRIDE;
      const w = weights[i]!;
      const v = values[i]!;
      const count = (state[at + 2]! += w);
      if (v - v !== 0) {
        // NaN or ±Infinity.
        this.specials[slots[i]! * 3 + (v !== v ? 0 : v > 0 ? 1 : 2)]! += w;
        this.hasSpecials[slots[i]!] = 1;
        continue;
      }
      const x = v * w;
      const sum = state[at]!;
      const t = sum + x;
      // Neumaier: carry the low-order bits lost by the addition (not past an
      // overflow to infinity, which would turn the carry into NaN).
      if (t - t === 0) state[at + 1]! += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
      // A sum that overflowed cannot be subtracted back: once its group holds
      // no values again, restart it from zero instead of staying infinite.
      state[at] = count === 0 && t - t !== 0 ? 0 : t;
      if (count === 0 && t - t !== 0) state[at + 1] = 0;
    }
  }
  read(slots: Int32Array): Column {
    const n = slots.length;
    const out = new Float64Array(n);
    let validity: Uint8Array | null = null;
    const { state, specials, hasSpecials } = this;
    for (let j = 0; j < n; j++) {
      const s = slots[j]!;
      const at = s * SUM_STRIDE;
      const count = state[at + 2] ?? 0;
      if (count === 0) {
        validity ??= allValid(n);
        setNull(validity, j);
        continue;
      }
      if (hasSpecials[s] !== 1) {
        const total = state[at]! + state[at + 1]!;
        out[j] = this.average ? total / count : total;
        continue;
      }
      const nan = specials[s * 3]! !== 0;
      const pos = specials[s * 3 + 1]! !== 0;
      const neg = specials[s * 3 + 2]! !== 0;
      if (nan || pos || neg) {
        out[j] = nan || (pos && neg) ? NaN : pos ? Infinity : -Infinity;
        continue;
      }
      const total = state[at]! + state[at + 1]!;
      out[j] = this.average ? total / count : total;
    }
    return makeColumn(this.resultType, out, validity, n);
  }
  remap(remap: Int32Array, newSize: number): void {
    this.state = remappedStrided(this.state, remap, newSize, SUM_STRIDE);
    this.specials = remappedStrided(this.specials, remap, newSize, 3);
    const hasSpecials = new Uint8Array(this.specials.length / 3);
    for (let s = 0; s < remap.length; s++) if (remap[s]! >= 0) hasSpecials[remap[s]!] = this.hasSpecials[s] ?? 0;
    this.hasSpecials = hasSpecials;
  }
  saveState(out: StateWriter): void {
    out.f64(this.state);
    out.f64(this.specials);
    out.u8(this.hasSpecials);
  }
  loadState(input: StateReader): void {
    this.state = input.f64();
    this.specials = input.f64();
    this.hasSpecials = input.u8();
    input.check(this.specials.length === (this.state.length / SUM_STRIDE) * 3, 'a sum of another shape');
  }
  estimateBytes(): number {
    return this.state.byteLength + this.specials.byteLength + this.hasSpecials.byteLength;
  }
}

function remappedStrided(arr: Float64Array, remap: Int32Array, newSize: number, stride: number): Float64Array {
  const next = new Float64Array(Math.max(newSize, 64) * stride);
  for (let s = 0; s < remap.length; s++) {
    const to = remap[s]!;
    if (to >= 0) for (let k = 0; k < stride; k++) next[to * stride + k] = arr[s * stride + k]!;
  }
  return next;
}

/** Batches at least this large take the sort-and-merge path into MIN/MAX state. */
const BULK_EXTREME_ROWS = 4096;

/**
 * The ordered multiset of a MIN/MAX argument per group. MIN(x) and MAX(x) of
 * the same argument share one ExtremeState.
 */
export class ExtremeState implements GroupState {
  private sets: (SortedMultiset | undefined)[] = [];
  private readonly sizes = new MultisetSizes();
  readonly stateDescription = 'ordered multiset of the argument per group (shared by MIN and MAX of one argument)';
  constructor(private readonly numeric: boolean) {}

  update(slots: Int32Array, col: Column | null, weights: Int32Array, n: number, slotCount: number): void {
    assert(col !== null, 'MIN/MAX need an argument');
    this.sizes.touched(slots, n);
    if (n >= BULK_EXTREME_ROWS && allOnes(weights, n)) {
      this.bulkInsert(slots, col, n, slotCount);
      return;
    }
    const values = col.values;
    for (let i = 0; i < n; i++) {
      if (!isValid(col.validity, i)) continue;
      this.setFor(slots[i]!).add(values[i]!, weights[i]!);
    }
  }

  /** Groups the rows by slot (counting sort) and hands each group its values as one run. */
  private bulkInsert(slots: Int32Array, col: Column, n: number, groups: number): void {
    const start = new Int32Array(groups + 1);
    const validity = col.validity;
    if (validity === null) for (let i = 0; i < n; i++) start[slots[i]! + 1]!++;
    else for (let i = 0; i < n; i++) if (isValid(validity, i)) start[slots[i]! + 1]!++;
    for (let g = 0; g < groups; g++) start[g + 1]! += start[g]!;
    const fill = start.slice(0, groups);
    const values = col.values;
    if (values instanceof Float64Array || values instanceof Int32Array) {
      this.bulkInsertNumbers(slots, values, validity, n, groups, start, fill);
      return;
    }
    const strings = values as string[];
    const ordered = new Array<string>(start[groups]!);
    for (let i = 0; i < n; i++) if (isValid(validity, i)) ordered[fill[slots[i]!]!++] = strings[i]!;
    for (let g = 0; g < groups; g++) {
      const from = start[g]!;
      const to = start[g + 1]!;
      // Each group's run is sorted only when that group next changes (if ever).
      if (from < to) this.setFor(g).addUnsortedRun(ordered.slice(from, to));
    }
  }

  /** The numeric bulk path: the scatter pass also finds each group's extremes (NaN is greatest). */
  private bulkInsertNumbers(
    slots: Int32Array,
    values: Float64Array | Int32Array,
    validity: Uint8Array | null,
    n: number,
    groups: number,
    start: Int32Array,
    fill: Int32Array,
  ): void {
    const ordered = new Float64Array(start[groups]!);
    const lo = new Float64Array(groups);
    const hi = new Float64Array(groups);
    const seen = new Uint8Array(groups);
    const nan = new Uint8Array(groups);
    for (let i = 0; i < n; i++) {
      if (validity !== null && ((validity[i >>> 3]! >>> (i & 7)) & 1) === 0) continue;
      const g = slots[i]!;
      const x = values[i]!;
      ordered[fill[g]!++] = x;
      if (x !== x) nan[g] = 1;
      else if (seen[g] === 0) {
        seen[g] = 1;
        lo[g] = x;
        hi[g] = x;
      } else if (x < lo[g]!) lo[g] = x;
      else if (x > hi[g]!) hi[g] = x;
    }
    for (let g = 0; g < groups; g++) {
      const from = start[g]!;
      const to = start[g + 1]!;
      if (from === to) continue;
      const min = seen[g] === 1 ? lo[g]! : NaN;
      const max = nan[g] === 1 ? NaN : hi[g]!;
      // Each group's run is sorted only when that group next changes (if ever).
      this.setFor(g).addUnsortedRun(ordered.subarray(from, to), min, max);
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
    this.sizes.reset();
  }

  saveState(out: StateWriter): void {
    saveMultisets(out, this.sets, this.numeric);
  }

  estimateBytes(): number {
    return this.sizes.total(this.sets);
  }

  loadState(input: StateReader): void {
    this.sets = loadMultisets(input, this.numeric);
    this.sizes.reset();
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
