// MIN/MAX state for a numeric argument (shared by MIN and MAX of one
// argument), shaped for performance: each group's current extremes live in
// typed arrays, so reading them and the common changes never touch the
// group's ordered multiset (one heap object per group, scattered in memory).
//
// A change that cannot move an extreme the wrong way — an insertion, or a
// retraction strictly between the group's minimum and maximum — only updates
// the cached extremes and is logged in a per-group chain (typed arrays). The
// multiset (sorted-multiset.ts) absorbs the chain when the group loses an
// extreme, when the chain grows long, or when the group needs exact answers
// again: a group whose multiset holds a negative count (possible mid-stream in
// an unconsolidated Z-set) bypasses the chain until that count is gone.
// Doubles order as in PostgreSQL: NaN above every other value.

import { assert } from '../common/assert.js';
import type { SqlType } from '../common/sql-type.js';
import type { Column } from '../columnar/column.js';
import { allocValues, makeColumn } from '../columnar/column.js';
import { allValid, setNull } from '../columnar/validity.js';
import type { AggregateReader, GroupState } from './accumulators.js';
import { MultisetSizes, SortedMultiset, loadMultisets, saveMultisets } from './sorted-multiset.js';
import type { StateReader, StateWriter } from '../storage/state-codec.js';

/** Batches at least this large (all weights +1) hand each group its values as one run. */
const BULK_ROWS = 4096;
/** Chained changes per group before they are folded into its multiset. */
const CHAIN_LIMIT = 32;

/** Layout of `perGroup` (see there). */
const LO = 0;
const HI = 1;
const HEAD = 2;
const CHAINED = 3;
const STRIDE = 4;

/** a < b with NaN greatest. */
function less(a: number, b: number): boolean {
  return a < b || (b !== b && a === a);
}

export class NumericExtremeState implements GroupState {
  readonly stateDescription = 'ordered multiset of the argument per group (shared by MIN and MAX of one argument)';
  private sets: (SortedMultiset | undefined)[] = [];
  private readonly sizes = new MultisetSizes();
  /**
   * Per group, interleaved so one cache line serves a group's reads and
   * chaining: [cached MIN, cached MAX (both valid where `present` is 1),
   * first chained change + 1 (0 = none), number of chained changes].
   */
  private perGroup = new Float64Array(64 * STRIDE);
  private present = new Uint8Array(64);
  /** Per group: 1 while its multiset holds a negative count (no chaining then). */
  private exact = new Uint8Array(64);
  /** The chain entries; `next` holds entry + 1 (0 = end). Free entries form a list through `next`. */
  private entryValue = new Float64Array(256);
  private entryWeight = new Int32Array(256);
  private entryNext = new Int32Array(256);
  private entriesUsed = 0;
  private freeEntry = 0;

  update(slots: Int32Array, col: Column | null, weights: Int32Array, n: number, slotCount: number): void {
    assert(col !== null, 'MIN/MAX need an argument');
    this.sizes.touched(slots, n);
    this.ensureGroups(slotCount);
    if (n >= BULK_ROWS && allOnes(weights, n)) {
      this.bulkInsert(slots, col, n, slotCount);
      return;
    }
    const values = col.values as Float64Array | Int32Array | Uint8Array;
    const validity = col.validity;
    const { perGroup, present, exact } = this;
    let refresh: number[] | null = null;
    for (let i = 0; i < n; i++) {
      if (validity !== null && ((validity[i >>> 3]! >>> (i & 7)) & 1) === 0) continue;
      const w = weights[i]!;
      if (w === 0) continue;
      const s = slots[i]!;
      const x = values[i]!;
      if (exact[s] === 0) {
        if (w > 0) {
          if (present[s] === 0) {
            perGroup[s * STRIDE + LO] = x;
            perGroup[s * STRIDE + HI] = x;
            present[s] = 1;
          } else {
            if (less(x, perGroup[s * STRIDE + LO]!)) perGroup[s * STRIDE + LO] = x;
            if (less(perGroup[s * STRIDE + HI]!, x)) perGroup[s * STRIDE + HI] = x;
          }
          this.chain(s, x, w);
          continue;
        }
        if (present[s] === 1 && less(perGroup[s * STRIDE + LO]!, x) && less(x, perGroup[s * STRIDE + HI]!)) {
          this.chain(s, x, w);
          continue;
        }
      }
      // The change may move an extreme (or the group needs exact answers):
      // settle the group and recompute its extremes once the batch is in.
      this.fold(s);
      this.setFor(s).add(x, w);
      if (exact[s] !== 2) {
        exact[s] = 2;
        (refresh ??= []).push(s);
      }
    }
    if (refresh !== null) for (const s of refresh) this.refresh(s);
  }

  /** Vectorized read of MIN (or MAX) for groups; NULL for groups without values. */
  read(slots: Int32Array, wantMax: boolean, type: SqlType): Column {
    const n = slots.length;
    const out = allocValues(type, n) as Float64Array;
    const perGroup = this.perGroup;
    const offset = wantMax ? HI : LO;
    const present = this.present;
    let validity: Uint8Array | null = null;
    for (let j = 0; j < n; j++) {
      const s = slots[j]!;
      // Slots past the arrays are groups this state has not seen yet.
      if (present[s] === 1) out[j] = perGroup[s * STRIDE + offset]!;
      else {
        validity ??= allValid(n);
        setNull(validity, j);
      }
    }
    return makeColumn(type, out, validity, n);
  }

  estimateBytes(): number {
    const arrays = this.perGroup.byteLength + this.present.byteLength + this.exact.byteLength + this.entryValue.byteLength + this.entryWeight.byteLength + this.entryNext.byteLength;
    return arrays + this.sizes.total(this.sets);
  }

  /** Checkpoints: the cached extremes, the chains of logged changes and the multisets, by group slot. */
  saveState(out: StateWriter): void {
    out.f64(this.perGroup);
    out.u8(this.present);
    out.u8(this.exact);
    out.f64(this.entryValue);
    out.i32(this.entryWeight);
    out.i32(this.entryNext);
    out.number(this.entriesUsed);
    out.number(this.freeEntry);
    saveMultisets(out, this.sets, true);
  }

  loadState(input: StateReader): void {
    this.perGroup = input.f64();
    this.present = input.u8();
    this.exact = input.u8();
    this.entryValue = input.f64();
    this.entryWeight = input.i32();
    this.entryNext = input.i32();
    this.entriesUsed = input.number();
    this.freeEntry = input.number();
    this.sets = loadMultisets(input, true);
    this.sizes.reset();
    input.check(this.perGroup.length === this.present.length * STRIDE && this.exact.length === this.present.length, 'MIN/MAX state of another shape');
  }

  remap(remap: Int32Array, newSize: number): void {
    const size = Math.max(newSize, 64);
    const sets: (SortedMultiset | undefined)[] = new Array(newSize).fill(undefined);
    const perGroup = new Float64Array(size * STRIDE);
    const present = new Uint8Array(size);
    const exact = new Uint8Array(size);
    for (let s = 0; s < remap.length; s++) {
      const to = remap[s]!;
      if (to < 0) {
        this.dropChain(s);
        continue;
      }
      sets[to] = this.sets[s];
      for (let f = 0; f < STRIDE; f++) perGroup[to * STRIDE + f] = this.perGroup[s * STRIDE + f]!;
      present[to] = this.present[s]!;
      exact[to] = this.exact[s]!;
    }
    this.sets = sets;
    this.perGroup = perGroup;
    this.present = present;
    this.exact = exact;
    this.sizes.reset();
  }

  /** Logs a change in the group's chain, folding the chain when it grows long. */
  private chain(s: number, x: number, w: number): void {
    let e = this.freeEntry - 1;
    if (e >= 0) this.freeEntry = this.entryNext[e]!;
    else {
      e = this.entriesUsed++;
      if (e >= this.entryValue.length) this.growEntries();
    }
    this.entryValue[e] = x;
    this.entryWeight[e] = w;
    const at = s * STRIDE;
    this.entryNext[e] = this.perGroup[at + HEAD]!;
    this.perGroup[at + HEAD] = e + 1;
    if (++this.perGroup[at + CHAINED]! >= CHAIN_LIMIT) this.fold(s);
  }

  /** Moves the group's chained changes into its multiset (order does not matter: counts add). */
  private fold(s: number): void {
    let e = this.perGroup[s * STRIDE + HEAD]! - 1;
    if (e < 0) return;
    const set = this.setFor(s);
    while (e >= 0) {
      set.add(this.entryValue[e]!, this.entryWeight[e]!);
      const next = this.entryNext[e]! - 1;
      this.entryNext[e] = this.freeEntry;
      this.freeEntry = e + 1;
      e = next;
    }
    this.perGroup[s * STRIDE + HEAD] = 0;
    this.perGroup[s * STRIDE + CHAINED] = 0;
  }

  /** Frees a dropped group's chain without applying it. */
  private dropChain(s: number): void {
    let e = this.perGroup[s * STRIDE + HEAD]! - 1;
    while (e >= 0) {
      const next = this.entryNext[e]! - 1;
      this.entryNext[e] = this.freeEntry;
      this.freeEntry = e + 1;
      e = next;
    }
  }

  /** Recomputes a settled group's cached extremes from its multiset. */
  private refresh(s: number): void {
    const set = this.setFor(s);
    // First: it settles the multiset, so min() and max() below are exact.
    this.exact[s] = set.hasNegativeCount() ? 1 : 0;
    const min = set.min() as number | undefined;
    this.present[s] = min === undefined ? 0 : 1;
    if (min !== undefined) {
      this.perGroup[s * STRIDE + LO] = min;
      this.perGroup[s * STRIDE + HI] = set.max() as number;
    }
  }

  /** Backfill: counting sort by group, each group's values handed over as one unsorted run. */
  private bulkInsert(slots: Int32Array, col: Column, n: number, groups: number): void {
    const start = new Int32Array(groups + 1);
    const validity = col.validity;
    const valid = (i: number): boolean => validity === null || ((validity[i >>> 3]! >>> (i & 7)) & 1) === 1;
    for (let i = 0; i < n; i++) if (valid(i)) start[slots[i]! + 1]!++;
    for (let g = 0; g < groups; g++) start[g + 1]! += start[g]!;
    const fill = start.slice(0, groups);
    const values = col.values as Float64Array | Int32Array | Uint8Array;
    const ordered = new Float64Array(start[groups]!);
    const runLo = new Float64Array(groups);
    const runHi = new Float64Array(groups);
    const seen = new Uint8Array(groups);
    for (let i = 0; i < n; i++) {
      if (!valid(i)) continue;
      const g = slots[i]!;
      const x = values[i]!;
      ordered[fill[g]!++] = x;
      if (seen[g] === 0) {
        seen[g] = 1;
        runLo[g] = x;
        runHi[g] = x;
      } else {
        if (less(x, runLo[g]!)) runLo[g] = x;
        if (less(runHi[g]!, x)) runHi[g] = x;
      }
    }
    for (let g = 0; g < groups; g++) {
      if (seen[g] === 0) continue;
      // Each group's run is sorted only when that group next loses an extreme (if ever).
      this.setFor(g).addUnsortedRun(ordered.subarray(start[g]!, start[g + 1]!), runLo[g]!, runHi[g]!);
      if (this.exact[g] !== 0) this.refresh(g);
      else if (this.present[g] === 0) {
        this.perGroup[g * STRIDE + LO] = runLo[g]!;
        this.perGroup[g * STRIDE + HI] = runHi[g]!;
        this.present[g] = 1;
      } else {
        if (less(runLo[g]!, this.perGroup[g * STRIDE + LO]!)) this.perGroup[g * STRIDE + LO] = runLo[g]!;
        if (less(this.perGroup[g * STRIDE + HI]!, runHi[g]!)) this.perGroup[g * STRIDE + HI] = runHi[g]!;
      }
    }
  }

  private setFor(slot: number): SortedMultiset {
    let set = this.sets[slot];
    if (set === undefined) {
      while (this.sets.length < slot) this.sets.push(undefined);
      set = new SortedMultiset(true);
      this.sets[slot] = set;
    }
    return set;
  }

  private ensureGroups(count: number): void {
    if (count <= this.present.length) return;
    let cap = this.present.length;
    while (cap < count) cap *= 2;
    const perGroup = new Float64Array(cap * STRIDE);
    perGroup.set(this.perGroup);
    this.perGroup = perGroup;
    const present = new Uint8Array(cap);
    present.set(this.present);
    this.present = present;
    const exact = new Uint8Array(cap);
    exact.set(this.exact);
    this.exact = exact;
  }

  private growEntries(): void {
    const cap = this.entryValue.length * 2;
    const value = new Float64Array(cap);
    value.set(this.entryValue);
    const weight = new Int32Array(cap);
    weight.set(this.entryWeight);
    const next = new Int32Array(cap);
    next.set(this.entryNext);
    this.entryValue = value;
    this.entryWeight = weight;
    this.entryNext = next;
  }
}

export class NumericExtremeReader implements AggregateReader {
  constructor(private readonly state: NumericExtremeState, private readonly wantMax: boolean, private readonly type: SqlType) {}
  read(slots: Int32Array): Column {
    return this.state.read(slots, this.wantMax, this.type);
  }
}

function allOnes(weights: Int32Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (weights[i] !== 1) return false;
  return true;
}
