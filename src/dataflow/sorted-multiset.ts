// An ordered multiset of numbers or strings with signed counts: the state
// behind MIN and MAX with retraction. Deleting the current minimum simply
// exposes the next value: no rescan of the group's rows.
//
// Layout: the distinct values in ascending order and their counts, in typed
// arrays for numbers (a plain array for strings). Finding a value is a binary
// search, O(log d); inserting or removing a distinct value moves the tail with
// copyWithin (native memmove), O(d) but tiny in practice. `addSortedRun`
// merges a sorted run of k values in O(d + k): the bulk path used when a batch
// brings many values to one group (backfill).
// Counts may go transiently negative inside one batch (a retraction can
// precede its insertion in an unconsolidated batch); zero counts are removed.
// Doubles order as PostgreSQL orders them: NaN above every other value.

import { compareDoubles, compareText } from '../expr/functions/comparison.js';
import { makeColumn } from '../columnar/column.js';
import type { StateReader, StateWriter } from '../storage/state-codec.js';

const INITIAL_CAPACITY = 4;
/** Unsorted changes kept beside a pending run before it is sorted. */
const PENDING_LOG_LIMIT = 64;

type Values = Float64Array | string[];

function compare(a: number | string, b: number | string): number {
  return typeof a === 'number' ? compareDoubles(a, b as number) : compareText(a, b as string);
}

/** Sorts a run in place in this multiset's order: numeric (NaN last) or by code point. */
function sortRun<T extends Float64Array | string[]>(run: T): T {
  if (run instanceof Float64Array) run.sort();
  else (run as string[]).sort(compareText);
  return run;
}

/** One run holding `first`'s values and then each of `more`'s (a new array: runs are owned, and settle sorts the result in place). */
function joinRuns(first: Float64Array | string[], more: readonly (Float64Array | string[])[]): Float64Array | string[] {
  if (!(first instanceof Float64Array)) {
    const out = (first as string[]).slice();
    for (const r of more as string[][]) for (const v of r) out.push(v);
    return out;
  }
  let total = first.length;
  for (const r of more) total += r.length;
  const out = new Float64Array(total);
  out.set(first);
  let at = first.length;
  for (const r of more) {
    out.set(r as Float64Array, at);
    at += r.length;
  }
  return out;
}

export class SortedMultiset {
  private values: Values;
  private counts: Int32Array;
  private size = 0;
  /**
   * A run of values (each weight +1) not yet sorted in: a backfill hands each
   * group its values this way, and the sort waits until the group is next
   * changed. `pendingMin`/`pendingMax` answer reads meanwhile.
   */
  private pending: Float64Array | string[] | null = null;
  /**
   * Later runs that arrived while `pending` waited (a backfill in chunks
   * hands a group one run per chunk): kept as they are and joined when the
   * set settles, so that each chunk costs its own values only, not a merge
   * into everything the group already holds.
   */
  private pendingMore: (Float64Array | string[])[] = [];
  private pendingMin: number | string | undefined = undefined;
  private pendingMax: number | string | undefined = undefined;
  /**
   * Changes made while a run is pending, kept unsorted too: an insert only
   * moves the known extremes, and a delete of a value that is neither extreme
   * changes neither. Only deleting an extreme (whose multiplicity is unknown
   * until sorted) forces the sort, or the log growing past PENDING_LOG_LIMIT.
   */
  private logValues: (number | string)[] = [];
  private logWeights: number[] = [];

  constructor(readonly numeric: boolean) {
    this.values = numeric ? new Float64Array(INITIAL_CAPACITY) : [];
    this.counts = new Int32Array(INITIAL_CAPACITY);
  }

  get distinctSize(): number {
    this.settle();
    return this.size;
  }

  /**
   * Takes ownership of `run` (the caller must not touch it again) and adds
   * every value once (weight +1), in any order. O(k) now (O(1)
   * when the caller already knows the run's extremes); the O(k log k) sort
   * happens at the group's next change, if any.
   */
  addUnsortedRun(run: Float64Array | string[], knownMin?: number | string, knownMax?: number | string): void {
    if (run.length === 0) return;
    if (this.size > 0) {
      this.settle();
      this.addSortedRun(sortRun(run));
      return;
    }
    let lo = knownMin ?? run[0]!;
    let hi = knownMax ?? lo;
    if (knownMin === undefined || knownMax === undefined) {
      for (let i = 1; i < run.length; i++) {
        const v = run[i]!;
        if (compare(v, lo) < 0) lo = v;
        if (compare(v, hi) > 0) hi = v;
      }
    }
    if (this.pending !== null) {
      // Every value is +1, so the extremes only widen (logged deletes stay strictly inside them).
      this.pendingMore.push(run);
      if (compare(lo, this.pendingMin!) < 0) this.pendingMin = lo;
      if (compare(hi, this.pendingMax!) > 0) this.pendingMax = hi;
      return;
    }
    this.pending = run;
    this.pendingMin = lo;
    this.pendingMax = hi;
  }

  /**
   * Sorts a pending run into the ordered arrays. The run belongs to this set
   * (addUnsortedRun takes ownership), so it is sorted in place and, when the
   * set holds nothing else, becomes the ordered array itself: no copy, no merge.
   */
  private settle(): void {
    const first = this.pending;
    if (first === null) return;
    const run = this.pendingMore.length === 0 ? first : joinRuns(first, this.pendingMore);
    this.pendingMore = [];
    this.pending = null;
    this.pendingMin = undefined;
    this.pendingMax = undefined;
    sortRun(run);
    if (this.size > 0) {
      this.addSortedRun(run);
      this.replayLog();
      return;
    }
    // Run-length encode in place: distinct values ascending, with their counts.
    const counts = new Int32Array(run.length);
    let out = 0;
    for (let i = 0; i < run.length; i++) {
      const v = run[i]!;
      if (out > 0 && (run[out - 1] === v || (v !== v && run[out - 1] !== run[out - 1]))) counts[out - 1]!++;
      else {
        run[out] = v as never;
        counts[out++] = 1;
      }
    }
    if (Array.isArray(run)) run.length = out;
    this.values = run;
    this.counts = counts;
    this.size = out;
    this.replayLog();
  }

  /** Applies the changes logged while the run was pending. */
  private replayLog(): void {
    const values = this.logValues;
    const weights = this.logWeights;
    if (values.length === 0) return;
    this.logValues = [];
    this.logWeights = [];
    for (let i = 0; i < values.length; i++) this.add(values[i]!, weights[i]!);
  }

  /** Index of the first value >= v. */
  private search(v: number | string): number {
    let lo = 0;
    let hi = this.size;
    const values = this.values;
    if (values instanceof Float64Array) {
      // For performance: the numeric case inlined (NaN sorts above everything).
      const x = v as number;
      const xIsNaN = x !== x;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const m = values[mid]!;
        if (m < x || (xIsNaN && m === m)) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareText(values[mid] as string, v as string) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private ensureCapacity(needed: number): void {
    if (needed <= this.counts.length) return;
    let cap = this.counts.length * 2;
    while (cap < needed) cap *= 2;
    const counts = new Int32Array(cap);
    counts.set(this.counts.subarray(0, this.size));
    this.counts = counts;
    if (this.values instanceof Float64Array) {
      const values = new Float64Array(cap);
      values.set(this.values.subarray(0, this.size));
      this.values = values;
    }
  }

  add(v: number | string, weight: number): void {
    if (weight === 0) return;
    if (this.pending !== null && this.logValues.length < PENDING_LOG_LIMIT) {
      const lo = this.pendingMin!;
      const hi = this.pendingMax!;
      if (weight > 0) {
        if (compare(v, lo) < 0) this.pendingMin = v;
        if (compare(v, hi) > 0) this.pendingMax = v;
        this.logValues.push(v);
        this.logWeights.push(weight);
        return;
      }
      // Only a delete strictly inside (min, max) leaves both extremes alone; a
      // retraction outside the range (it may precede its insertion within one
      // unconsolidated batch) must settle like a delete of an extreme.
      if (compare(v, lo) > 0 && compare(v, hi) < 0) {
        this.logValues.push(v);
        this.logWeights.push(weight);
        return;
      }
    }
    this.settle();
    const at = this.search(v);
    if (at < this.size && compare(this.values[at]!, v) === 0) {
      const c = this.counts[at]! + weight;
      if (c !== 0) {
        this.counts[at] = c;
        return;
      }
      // Remove the distinct value.
      this.counts.copyWithin(at, at + 1, this.size);
      if (this.values instanceof Float64Array) this.values.copyWithin(at, at + 1, this.size);
      else this.values.splice(at, 1);
      this.size--;
      return;
    }
    this.ensureCapacity(this.size + 1);
    this.counts.copyWithin(at + 1, at, this.size);
    this.counts[at] = weight;
    if (this.values instanceof Float64Array) {
      this.values.copyWithin(at + 1, at, this.size);
      this.values[at] = v as number;
    } else {
      this.values.splice(at, 0, v as string);
    }
    this.size++;
  }

  /**
   * Adds every value of `run` once (weight +1); `run` must be sorted ascending
   * in this multiset's order. One merge pass: O(d + k).
   */
  addSortedRun(run: Float64Array | readonly string[]): void {
    const k = run.length;
    if (k === 0) return;
    this.settle();
    const oldValues = this.values;
    const oldCounts = this.counts;
    const oldSize = this.size;
    // Room to grow: the inserts that follow a bulk load should not reallocate.
    const cap = INITIAL_CAPACITY + oldSize + k + ((oldSize + k) >>> 2);
    const values: Values = this.numeric ? new Float64Array(cap) : new Array<string>(cap);
    const counts = new Int32Array(cap);
    let i = 0;
    let j = 0;
    let out = 0;
    while (i < oldSize || j < k) {
      let v: number | string;
      let c: number;
      if (j >= k || (i < oldSize && compare(oldValues[i]!, run[j]!) <= 0)) {
        v = oldValues[i]!;
        c = oldCounts[i++]!;
      } else {
        v = run[j++]!;
        c = 1;
      }
      if (out > 0 && compare(values[out - 1]!, v) === 0) counts[out - 1]! += c;
      else {
        values[out] = v as never;
        counts[out++] = c;
      }
    }
    // Drop values whose counts cancelled.
    let w = 0;
    for (let r = 0; r < out; r++) {
      if (counts[r] === 0) continue;
      values[w] = values[r] as never;
      counts[w++] = counts[r]!;
    }
    if (Array.isArray(values)) values.length = w;
    this.values = values;
    this.counts = counts;
    this.size = w;
  }

  /** Copies the distinct values and their counts, ascending, to `values`/`counts` from `at`; returns the next free position. */
  copyEntries(values: Float64Array | string[], counts: Int32Array, at: number): number {
    this.settle();
    for (let i = 0; i < this.size; i++) {
      values[at + i] = this.values[i]! as never;
      counts[at + i] = this.counts[i]!;
    }
    return at + this.size;
  }

  /** A multiset holding `values` (distinct, ascending) with `counts`; takes ownership of both. */
  static fromEntries(numeric: boolean, values: Float64Array | string[], counts: Int32Array): SortedMultiset {
    const set = new SortedMultiset(numeric);
    set.values = values;
    set.counts = counts;
    set.size = counts.length;
    return set;
  }

  /** About how many bytes the set holds (without settling it). */
  estimateBytes(): number {
    const perValue = this.numeric ? 8 : 40;
    let pending = this.pending?.length ?? 0;
    for (const run of this.pendingMore) pending += run.length;
    return 64 + this.values.length * perValue + this.counts.byteLength + pending * perValue + this.logValues.length * 16;
  }

  /** Whether some value has a negative count (settles a pending run first). */
  hasNegativeCount(): boolean {
    this.settle();
    for (let i = 0; i < this.size; i++) if (this.counts[i]! < 0) return true;
    return false;
  }

  /** The smallest value with a positive count, or undefined. */
  min(): number | string | undefined {
    if (this.pending !== null) return this.pendingMin;
    for (let i = 0; i < this.size; i++) if (this.counts[i]! > 0) return this.values[i];
    return undefined;
  }

  max(): number | string | undefined {
    if (this.pending !== null) return this.pendingMax;
    for (let i = this.size - 1; i >= 0; i--) if (this.counts[i]! > 0) return this.values[i];
    return undefined;
  }
}

/**
 * Checkpoints: the multisets of an aggregate's groups, by group slot, as one
 * batch of (slot, value) rows with the counts as weights (an empty or absent
 * set writes no row and comes back absent, which readers treat alike).
 */
export function saveMultisets(out: StateWriter, sets: readonly (SortedMultiset | undefined)[], numeric: boolean): void {
  let total = 0;
  for (const set of sets) if (set !== undefined) total += set.distinctSize;
  const slots = new Int32Array(total);
  const values = numeric ? new Float64Array(total) : new Array<string>(total);
  const counts = new Int32Array(total);
  let at = 0;
  sets.forEach((set, slot) => {
    if (set === undefined) return;
    const end = set.copyEntries(values, counts, at);
    slots.fill(slot, at, end);
    at = end;
  });
  out.number(sets.length);
  out.batch({ columns: [makeColumn('integer', slots, null, total), makeColumn(numeric ? 'double' : 'text', values, null, total)], weights: counts, length: total });
}

export function loadMultisets(input: StateReader, numeric: boolean): (SortedMultiset | undefined)[] {
  const length = input.number();
  const batch = input.batch();
  input.check(batch.columns.length === 2 && batch.columns[1]!.type === (numeric ? 'double' : 'text'), 'a multiset of another type');
  const sets = new Array<SortedMultiset | undefined>(length).fill(undefined);
  const slots = batch.columns[0]!.values as Int32Array;
  const values = batch.columns[1]!.values as Float64Array | string[];
  for (let from = 0; from < batch.length; ) {
    let to = from + 1;
    while (to < batch.length && slots[to] === slots[from]) to++;
    sets[slots[from]!] = SortedMultiset.fromEntries(numeric, values.slice(from, to), batch.weights.slice(from, to));
    from = to;
  }
  return sets;
}

/**
 * The bytes per-group multisets hold, kept per group so that asking after
 * each step costs the groups the step touched, not all of them: owners call
 * `touched` with the slots an update reaches, and `reset` when slots are
 * renumbered or the sets replaced.
 */
export class MultisetSizes {
  private bytes = new Float64Array(64);
  private sum = 0;
  private dirty: number[] = [];
  /** True when every slot must be measured again (too many touched to list, or renumbered). */
  private all = true;

  touched(slots: Int32Array, n: number): void {
    if (this.all) return;
    if (this.dirty.length + n > this.bytes.length) {
      this.all = true;
      this.dirty = [];
      return;
    }
    for (let i = 0; i < n; i++) this.dirty.push(slots[i]!);
  }

  reset(): void {
    this.all = true;
    this.dirty = [];
  }

  /** About how many bytes `sets` hold (with one pointer per slot). */
  total(sets: readonly (SortedMultiset | undefined)[]): number {
    if (this.all) {
      this.bytes = new Float64Array(Math.max(64, sets.length));
      this.sum = 0;
      for (let s = 0; s < sets.length; s++) this.sum += this.bytes[s] = sets[s]?.estimateBytes() ?? 0;
      this.all = false;
    } else {
      for (const s of this.dirty) {
        if (s >= this.bytes.length) {
          const next = new Float64Array(Math.max(this.bytes.length * 2, s + 1));
          next.set(this.bytes);
          this.bytes = next;
        }
        const b = sets[s]?.estimateBytes() ?? 0;
        this.sum += b - this.bytes[s]!;
        this.bytes[s] = b;
      }
    }
    this.dirty = [];
    return this.sum + sets.length * 8;
  }
}
