// TemporalFilter: keeps the rows for which conditions on now() hold at the
// engine clock's current time (`ts > now() - INTERVAL '5 minutes'`, or the
// reverse, `last_seen < now() - INTERVAL '1 minute'`), so a row enters and
// leaves the view as time passes. Stateful, driven by input deltas and by
// the clock.
//
// Every bound `x op now() + c` turns into a half-line of instants, so a row
// is visible exactly while start <= now < end (µs, integers). The state holds
// only the rows whose visibility will still change — those not yet visible
// and those that will be retracted — as a Z-set (KeyedRows, weights
// consolidated), ordered by the next instant their visibility flips (an
// indexed binary heap over typed arrays). A row visible forever is emitted
// and forgotten; a row whose end has passed is never kept. Advancing the
// clock costs O(log n) per row that flips and O(1) when none does; an input
// row costs O(log n). Output is a plain Z-set delta; a step can be undone
// exactly (the undo closure it returns), as the scheduler needs to roll a
// failed commit back.

import { assert } from '../common/assert.js';
import type { SqlType } from '../common/sql-type.js';
import type { Column } from '../columnar/column.js';
import { gatherColumn } from '../columnar/column.js';
import { KeyedRows } from '../columnar/keyed-rows.js';
import { consolidateBatch } from '../columnar/consolidate.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { concatBatches, emptyBatch, makeBatch } from '../columnar/z-batch.js';
import type { Kernel } from '../expr/compile-expr.js';
import { BatchInput } from '../expr/eval-input.js';
import type { OperatorInfo } from './operator.js';
import type { StateReader, StateWriter } from '../storage/state-codec.js';

/** The comparison of a bound: `row instant op now() + offset`. */
export type TimeComparison = 'gt' | 'ge' | 'lt' | 'le';

export interface TemporalBound {
  /** The row's instant: a TIMESTAMP/TIMESTAMPTZ kernel (µs since the epoch). */
  readonly instant: Kernel;
  readonly op: TimeComparison;
  /** µs added to now(). */
  readonly offsetMicros: number;
}

/** One step's output and the closure that restores the state before it. */
export interface TemporalStep {
  readonly output: ZBatch;
  readonly undo: () => void;
}

const INITIAL_SLOTS = 64;

/** What the clock did to a kept row in one advance. */
const ENTERED = 0; // became visible, kept until its end
const ENTERED_FOREVER = 1; // became visible, never leaves: dropped from the state
const SKIPPED = 2; // entered and left between two steps: nothing emitted
const LEFT = 3; // retracted

/**
 * An indexed binary min-heap of slots keyed by an instant: O(log n) insert,
 * remove and re-key of any slot, O(1) peek. Keys live per slot.
 */
class InstantHeap {
  private heap = new Int32Array(INITIAL_SLOTS);
  private pos = new Int32Array(INITIAL_SLOTS).fill(-1);
  private keys = new Float64Array(INITIAL_SLOTS);
  size = 0;

  saveState(out: StateWriter): void {
    out.i32(this.heap.subarray(0, this.size));
    out.i32(this.pos);
    out.f64(this.keys);
  }

  loadState(input: StateReader): void {
    const heap = input.i32();
    this.pos = input.i32();
    this.keys = input.f64();
    input.check(this.pos.length === this.keys.length && heap.length <= this.pos.length, 'a heap of another shape');
    this.heap = new Int32Array(this.pos.length);
    this.heap.set(heap);
    this.size = heap.length;
  }

  keyOf(slot: number): number {
    return this.keys[slot]!;
  }

  peekSlot(): number {
    return this.heap[0]!;
  }

  peekKey(): number {
    return this.size === 0 ? Infinity : this.keys[this.heap[0]!]!;
  }

  /** Inserts `slot` or moves it to key `k`. */
  set(slot: number, k: number): void {
    if (slot >= this.pos.length) {
      let cap = this.pos.length * 2;
      while (cap <= slot) cap *= 2;
      const pos = new Int32Array(cap).fill(-1);
      pos.set(this.pos);
      this.pos = pos;
      const keys = new Float64Array(cap);
      keys.set(this.keys);
      this.keys = keys;
    }
    this.keys[slot] = k;
    const i = this.pos[slot]!;
    if (i >= 0) {
      this.down(this.up(i));
      return;
    }
    if (this.size === this.heap.length) {
      const heap = new Int32Array(this.heap.length * 2);
      heap.set(this.heap);
      this.heap = heap;
    }
    this.heap[this.size] = slot;
    this.pos[slot] = this.size;
    this.up(this.size++);
  }

  delete(slot: number): void {
    const i = slot < this.pos.length ? this.pos[slot]! : -1;
    if (i < 0) return;
    this.pos[slot] = -1;
    const last = this.heap[--this.size]!;
    if (i === this.size) return;
    this.heap[i] = last;
    this.pos[last] = i;
    this.down(this.up(i));
  }

  private up(i: number): number {
    const heap = this.heap;
    const slot = heap[i]!;
    const k = this.keys[slot]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (this.keys[p]! <= k) break;
      heap[i] = p;
      this.pos[p] = i;
      i = parent;
    }
    heap[i] = slot;
    this.pos[slot] = i;
    return i;
  }

  private down(i: number): void {
    const heap = this.heap;
    const slot = heap[i]!;
    const k = this.keys[slot]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && this.keys[heap[child + 1]!]! < this.keys[heap[child]!]!) child++;
      const c = heap[child]!;
      if (this.keys[c]! >= k) break;
      heap[i] = c;
      this.pos[c] = i;
      i = child;
    }
    heap[i] = slot;
    this.pos[slot] = i;
  }
}

export class TemporalFilterOperator {
  /** The kept rows (all columns are the key), with their consolidated weights. */
  private readonly rows: KeyedRows;
  /** Per slot: the first instant the row is visible (-Infinity: always was). */
  private start = new Float64Array(INITIAL_SLOTS);
  /** Per slot: the first instant it is no longer visible (Infinity: never). */
  private end = new Float64Array(INITIAL_SLOTS);
  /** Kept slots by their next flip: start while not yet visible, then end. */
  private readonly heap = new InstantHeap();
  /** The time of the last step, µs; every key in the heap is after it. */
  private time = -Infinity;

  constructor(
    readonly outputTypes: readonly SqlType[],
    private readonly bounds: readonly TemporalBound[],
    private readonly detail: string,
  ) {
    assert(bounds.length > 0, 'a temporal filter needs a bound');
    assert(outputTypes.length > 0, 'a temporal filter needs input columns');
    this.rows = new KeyedRows(outputTypes, outputTypes.map((_, i) => i));
  }

  /** Checkpoints: the kept rows, each one's visibility interval, the heap of next flips and the time of the last step. */
  saveState(out: StateWriter): void {
    out.number(this.time);
    out.f64(this.start);
    out.f64(this.end);
    this.heap.saveState(out);
    this.rows.saveState(out);
  }

  loadState(input: StateReader): void {
    this.time = input.number();
    this.start = input.f64();
    this.end = input.f64();
    this.heap.loadState(input);
    this.rows.loadState(input);
  }

  /** The earliest instant at which a kept row enters or leaves; Infinity when none will. */
  nextChange(): number {
    return this.heap.peekKey();
  }

  /**
   * Moves the clock to `now` (never backwards) and applies `input` at that
   * time. Throws (a failing row expression) only before changing anything.
   */
  stepAt(input: ZBatch, now: number): TemporalStep {
    const { start, end } = this.intervals(input);
    const before = this.time;
    const t = Math.max(before, now);
    const moved = this.advance(t);
    this.time = t;
    const visible = this.applyRows(input.columns, input.weights, start, end, input.length, t, true)!;
    // A row the clock made visible may be retracted by this step's input (an
    // aggregate's -old +new as its window closes): consolidated, a keyed view
    // store sees each key's change once.
    const output = moved.output.length > 0 && visible.length > 0 ? consolidateBatch(concatBatches(this.outputTypes, [moved.output, visible])) : moved.output.length > 0 ? moved.output : visible;
    const undo = (): void => {
      const negated = new Int32Array(input.length);
      for (let i = 0; i < input.length; i++) negated[i] = -input.weights[i]!;
      this.applyRows(input.columns, negated, start, end, input.length, t, false);
      this.time = before;
      moved.restore(before);
    };
    return { output, undo };
  }

  /** Each row's visibility interval [start, end) in µs of clock time; empty for NULL instants. */
  private intervals(input: ZBatch): { start: Float64Array; end: Float64Array } {
    const n = input.length;
    const start = new Float64Array(n).fill(-Infinity);
    const end = new Float64Array(n).fill(Infinity);
    if (n === 0) return { start, end };
    const rowsIn = new BatchInput(input.columns, n);
    for (const b of this.bounds) {
      const col = b.instant(rowsIn);
      assert(col.values instanceof Float64Array, 'a temporal bound reads a timestamp');
      const v = col.values;
      const validity = col.validity;
      const c = b.offsetMicros;
      // With whole-µs clock times: now < x ⟺ now < ceil(x); now <= x ⟺ now < floor(x) + 1.
      for (let i = 0; i < n; i++) {
        if (validity !== null && ((validity[i >>> 3]! >>> (i & 7)) & 1) === 0) {
          start[i] = Infinity; // NULL compares to NULL: never visible
          end[i] = -Infinity;
          continue;
        }
        const x = v[i]! - c;
        switch (b.op) {
          case 'gt': // x > now
            end[i] = Math.min(end[i]!, Math.ceil(x));
            break;
          case 'ge': // x >= now
            end[i] = Math.min(end[i]!, Math.floor(x) + 1);
            break;
          case 'lt': // x < now
            start[i] = Math.max(start[i]!, Math.floor(x) + 1);
            break;
          case 'le': // x <= now
            start[i] = Math.max(start[i]!, Math.ceil(x));
            break;
        }
      }
    }
    return { start, end };
  }

  /**
   * Adds weighted rows to the state at time `t` (rows whose visibility will
   * still change) and, with `emit`, returns those visible at `t`.
   */
  private applyRows(columns: readonly Column[], weights: Int32Array, start: Float64Array, end: Float64Array, n: number, t: number, emit: boolean): ZBatch | null {
    const kept = new Int32Array(n);
    const visible = emit ? new Int32Array(n) : null;
    let k = 0;
    let v = 0;
    for (let i = 0; i < n; i++) {
      if (weights[i] === 0) continue;
      const s = start[i]!;
      const e = end[i]!;
      if (visible !== null && s <= t && t < e) visible[v++] = i;
      if (e > t && (s > t || e !== Infinity)) kept[k++] = i;
    }
    if (k > 0) {
      const cols = k === n ? columns : columns.map((c) => gatherColumn(c, kept, k));
      const rows = this.rows;
      const slots = rows.findOrAdd(cols, rows.hashKeys(cols, k), k);
      this.ensureSlots(rows.size);
      const dead: number[] = [];
      for (let j = 0; j < k; j++) {
        const i = kept[j]!;
        const slot = slots[j]!;
        const was = rows.counts[slot]!;
        const now = rows.addCount(slot, weights[i]!);
        if (was === 0) {
          const s = start[i]!;
          this.start[slot] = s;
          this.end[slot] = end[i]!;
          this.heap.set(slot, s > t ? s : end[i]!);
        }
        if (now === 0) {
          this.heap.delete(slot);
          dead.push(slot);
        }
      }
      rows.release(dead);
    }
    if (visible === null) return null;
    if (v === 0) return emptyBatch(this.outputTypes);
    const w = new Int32Array(v);
    for (let j = 0; j < v; j++) w[j] = weights[visible[j]!]!;
    return makeBatch(v === n ? columns : columns.map((c) => gatherColumn(c, visible, v)), w);
  }

  /**
   * Moves the clock from this.time to `t`: emits the rows whose visibility
   * flipped and drops those that will never flip again. `restore(before)`
   * undoes it (after the step's input has been undone).
   */
  private advance(t: number): { output: ZBatch; restore: (before: number) => void } {
    const heap = this.heap;
    if (heap.peekKey() > t) return { output: emptyBatch(this.outputTypes), restore: () => {} };
    const touched: number[] = [];
    const kinds: number[] = [];
    while (heap.size > 0 && heap.peekKey() <= t) {
      const slot = heap.peekSlot();
      const entering = heap.keyOf(slot) === this.start[slot];
      const e = this.end[slot]!;
      touched.push(slot);
      if (entering && e > t && e !== Infinity) {
        heap.set(slot, e);
        kinds.push(ENTERED);
      } else {
        heap.delete(slot);
        kinds.push(!entering ? LEFT : e > t ? ENTERED_FOREVER : SKIPPED);
      }
    }
    const m = touched.length;
    const slots = Int32Array.from(touched);
    const cols = this.rows.gather(slots);
    const weights = new Int32Array(m);
    const starts = new Float64Array(m);
    const ends = new Float64Array(m);
    const emitted = new Int32Array(m);
    const emitWeights = new Int32Array(m);
    let out = 0;
    const dead: number[] = [];
    for (let j = 0; j < m; j++) {
      const slot = slots[j]!;
      const w = this.rows.counts[slot]!;
      weights[j] = w;
      starts[j] = this.start[slot]!;
      ends[j] = this.end[slot]!;
      const kind = kinds[j]!;
      if (kind !== SKIPPED) {
        emitted[out] = j;
        emitWeights[out++] = kind === LEFT ? -w : w;
      }
      if (kind !== ENTERED) {
        this.rows.addCount(slot, -w);
        dead.push(slot);
      }
    }
    this.rows.release(dead);
    const output = out === 0 ? emptyBatch(this.outputTypes) : makeBatch(cols.map((c) => gatherColumn(c, emitted, out)), emitWeights.slice(0, out));
    const restore = (before: number): void => {
      const removed = new Int32Array(m);
      const stayed = new Int32Array(m);
      let r = 0;
      let s = 0;
      for (let j = 0; j < m; j++) {
        if (kinds[j] === ENTERED) stayed[s++] = j;
        else removed[r++] = j;
      }
      // Rows that entered and stayed are still held (the input was undone
      // first): their next flip is their entry again.
      if (s > 0) {
        const stayCols = cols.map((c) => gatherColumn(c, stayed, s));
        const found = this.rows.find(stayCols, this.rows.hashKeys(stayCols, s), s);
        for (let j = 0; j < s; j++) {
          assert(found[j]! >= 0, 'a temporal filter lost a row it must restore');
          this.heap.set(found[j]!, starts[stayed[j]!]!);
        }
      }
      if (r > 0) {
        const pick = (a: Float64Array): Float64Array => {
          const o = new Float64Array(r);
          for (let j = 0; j < r; j++) o[j] = a[removed[j]!]!;
          return o;
        };
        const w = new Int32Array(r);
        for (let j = 0; j < r; j++) w[j] = weights[removed[j]!]!;
        this.applyRows(cols.map((c) => gatherColumn(c, removed, r)), w, pick(starts), pick(ends), r, before, false);
      }
    };
    return { output, restore };
  }

  private ensureSlots(size: number): void {
    if (size <= this.start.length) return;
    let cap = this.start.length * 2;
    while (cap < size) cap *= 2;
    const start = new Float64Array(cap);
    start.set(this.start);
    this.start = start;
    const end = new Float64Array(cap);
    end.set(this.end);
    this.end = end;
  }

  describe(): OperatorInfo {
    return {
      name: 'TemporalFilter',
      detail: this.detail,
      state: 'the rows whose visibility will still change, by the instant it changes',
      cost: 'O(log n) per changed row; a clock advance O(log n) per row entering or leaving, O(1) when none does',
    };
  }

  /** Rows held (distinct rows with a non-zero weight). */
  stateSize(): number {
    return this.rows.live;
  }
}
