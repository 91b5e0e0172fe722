// SESSION windows: within each partition, a session is a maximal run of rows
// whose consecutive timestamps (in ts order) are less than `gap` apart; every
// row gets its session's window_start (first ts) and window_end (last ts +
// gap). Stateful and not linear: one row can merge two sessions or split one,
// moving every row of them. Rows with a NULL ts belong to no session and are
// dropped. A row counts while its accumulated weight is non-zero (negative
// only from an inconsistent upstream) and is emitted with that weight.

import type { SqlType } from '../common/sql-type.js';
import { assert } from '../common/assert.js';
import { KeyedRows } from '../columnar/keyed-rows.js';
import type { Column } from '../columnar/column.js';
import { makeColumn } from '../columnar/column.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { emptyBatch, gatherBatch } from '../columnar/z-batch.js';
import { isValid } from '../columnar/validity.js';
import type { Operator, OperatorInfo } from './operator.js';
import type { StateReader, StateWriter } from '../storage/state-codec.js';
import { WindowTree } from './window-tree.js';

export interface SessionWindowSpec {
  /** The TIMESTAMP/TIMESTAMPTZ column of the input. */
  readonly tsColumn: number;
  /** Input columns whose values split the rows into independent partitions. */
  readonly partitionBy: readonly number[];
  /** Rows less than this many µs apart share a session; > 0. */
  readonly gap: number;
}

const NONE = -1;

/**
 * State: every distinct input row with its count (KeyedRows), and per
 * partition a treap of those rows ordered by (ts, slot) (WindowTree, one node
 * per distinct row, no value columns). Invariant: a partition's tree holds
 * exactly its rows with a non-zero count, and the accumulated output holds
 * each such row, with its count, once, carrying its current session bounds.
 *
 * A step first inserts the rows that gain a count, so the tree holds U = the
 * rows live before or after the step. A gap of at least `gap` between
 * neighbours in U separates sessions both before and after the step (each of
 * those sets is a subset of U), so the sessions of U that contain a changed
 * row bound everything the step can move; each is walked once, the old and
 * new sessions inside it computed in two passes, and only rows whose bounds or
 * count changed are emitted. The state after a step depends only on the
 * accumulated input, and the output is "after minus before", so replaying the
 * negated input undoes a step exactly.
 */
export class SessionWindowOperator implements Operator {
  readonly outputTypes: readonly SqlType[];
  private readonly rows: KeyedRows;
  /** Partition keys; a partition's count is its number of live rows. null: one partition. */
  private readonly partitions: KeyedRows | null;
  private readonly tree: WindowTree;
  /** Per partition slot: its tree's root. */
  private roots: Int32Array = new Int32Array(64).fill(NONE);
  /** Per row slot: its tree node (NONE while its count is 0), ts and partition. */
  private node: Int32Array = new Int32Array(64).fill(NONE);
  private ts: Float64Array = new Float64Array(64);
  private rowPartition: Int32Array = new Int32Array(64);
  /** Per row slot: the step's net weight, its count before the step, and the step that set them. */
  private delta: Int32Array = new Int32Array(64);
  private before: Int32Array = new Int32Array(64);
  private deltaAt: Int32Array = new Int32Array(64);
  private stepNumber = 0;
  /** The output being built: row slot, bounds, weight. */
  private outSlot: Int32Array = new Int32Array(64);
  private outStart: Float64Array = new Float64Array(64);
  private outEnd: Float64Array = new Float64Array(64);
  private outWeight: Int32Array = new Int32Array(64);
  private outLength = 0;
  /** Scratch for one span of U: its row slots in order and their old/new bounds. */
  private span: Int32Array = new Int32Array(64);
  private oldStart: Float64Array = new Float64Array(64);
  private oldEnd: Float64Array = new Float64Array(64);
  private newStart: Float64Array = new Float64Array(64);
  private newEnd: Float64Array = new Float64Array(64);

  constructor(
    inputTypes: readonly SqlType[],
    private readonly spec: SessionWindowSpec,
    private readonly detail: string,
  ) {
    assert(spec.gap > 0, 'a session gap must be positive');
    const tsType = inputTypes[spec.tsColumn];
    assert(tsType === 'timestamp' || tsType === 'timestamptz', 'SESSION needs a timestamp column');
    this.outputTypes = [...inputTypes, tsType, tsType];
    this.rows = new KeyedRows(inputTypes, inputTypes.map((_, i) => i));
    this.partitions = spec.partitionBy.length === 0
      ? null
      : new KeyedRows(spec.partitionBy.map((c) => inputTypes[c]!), spec.partitionBy.map((_, i) => i));
    this.tree = new WindowTree([], false, (x, y) => this.compareSlots(this.tree.slot[x]!, this.tree.slot[y]!));
  }

  /** Row order within a partition: by ts, then by slot (any fixed tie order will do). */
  private compareSlots(a: number, b: number): number {
    const ta = this.ts[a]!;
    const tb = this.ts[b]!;
    return ta < tb ? -1 : ta > tb ? 1 : a - b;
  }

  /** Nodes the tree has touched so far: lets tests check cost without timing. */
  get work(): number {
    return this.tree.work;
  }

  step(input: ZBatch): ZBatch {
    let batch = input;
    const tsIn = input.columns[this.spec.tsColumn]!;
    if (tsIn.validity !== null) {
      // Rows without a timestamp belong to no session: they never reach the state.
      const keep = new Int32Array(input.length);
      let k = 0;
      for (let i = 0; i < input.length; i++) if (isValid(tsIn.validity, i)) keep[k++] = i;
      batch = gatherBatch(input, keep, k);
    }
    const n = batch.length;
    if (n === 0) return emptyBatch(this.outputTypes);
    const rows = this.rows;
    const slots = rows.findOrAddKeys(batch.columns, n);
    const parts = this.partitions === null ? null : this.partitions.findOrAddKeys(this.spec.partitionBy.map((c) => batch.columns[c]!), n);
    this.ensureCapacity(rows.size, this.partitions?.size ?? 1);

    // Net weight per distinct row, and the changed rows of each partition.
    const step = ++this.stepNumber;
    const times = batch.columns[this.spec.tsColumn]!.values as Float64Array;
    const touched: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = slots[i]!;
      if (this.deltaAt[s] !== step) {
        this.deltaAt[s] = step;
        this.delta[s] = 0;
        this.before[s] = rows.counts[s]!;
        this.ts[s] = times[i]!;
        this.rowPartition[s] = parts === null ? 0 : parts[i]!;
        touched.push(s);
      }
      this.delta[s]! += batch.weights[i]!;
    }
    const changedByPartition = new Map<number, number[]>();
    for (const s of touched) {
      if (this.delta[s] === 0) continue;
      const p = this.rowPartition[s]!;
      const list = changedByPartition.get(p);
      if (list === undefined) changedByPartition.set(p, [s]);
      else list.push(s);
    }

    this.outLength = 0;
    for (const [p, list] of changedByPartition) {
      const sorted = Int32Array.from(list).sort((a, b) => this.compareSlots(a, b));
      this.admit(p, sorted);
      this.emitSpans(sorted, step);
    }

    // Rows whose count reached 0 leave the tree; their slots and empty partitions are freed.
    const dead: number[] = [];
    for (const list of changedByPartition.values()) {
      for (const s of list) {
        if (rows.counts[s] !== 0) continue;
        const x = this.node[s]!;
        const p = this.rowPartition[s]!;
        this.roots[p] = this.tree.remove(x);
        this.tree.release(x);
        this.node[s] = NONE;
        dead.push(s);
      }
    }
    const out = this.outLength;
    const columns: Column[] = rows.gather(this.outSlot.subarray(0, out));
    const tsType = this.outputTypes[this.spec.tsColumn]!;
    columns.push(makeColumn(tsType, this.outStart.slice(0, out), null, out), makeColumn(tsType, this.outEnd.slice(0, out), null, out));
    const output: ZBatch = { columns, weights: this.outWeight.slice(0, out), length: out };
    if (this.partitions !== null) this.partitions.release(dead.map((s) => this.rowPartition[s]!));
    rows.release(dead);
    return output;
  }

  /**
   * Applies the step's counts to partition p's changed rows (sorted) and puts
   * the rows that gain a count into its tree, so it holds U. An empty tree is
   * built in one pass from the sorted rows (a backfill costs one sort).
   */
  private admit(p: number, sorted: Int32Array): void {
    const rows = this.rows;
    const fresh: number[] = [];
    for (let i = 0; i < sorted.length; i++) {
      const s = sorted[i]!;
      const old = rows.counts[s]!;
      const now = rows.addCount(s, this.delta[s]!);
      if (this.partitions !== null) {
        if (old === 0) this.partitions.addCount(p, 1);
        else if (now === 0) this.partitions.addCount(p, -1);
      }
      if (old === 0) {
        const x = this.tree.alloc(s);
        this.node[s] = x;
        fresh.push(x);
      }
    }
    if (this.roots[p] === NONE) this.roots[p] = this.tree.build(fresh);
    else for (const x of fresh) this.roots[p] = this.tree.insert(this.roots[p]!, x);
  }

  /** Walks each session of U holding one of a partition's changed rows (sorted) once and emits its rows' changes. */
  private emitSpans(sorted: Int32Array, step: number): void {
    const tree = this.tree;
    const gap = this.spec.gap;
    const ts = this.ts;
    let covered = -Infinity;
    for (let i = 0; i < sorted.length; i++) {
      const s = sorted[i]!;
      if (ts[s]! <= covered) continue;
      let lo = this.node[s]!;
      for (let y = tree.prev(lo); y !== NONE && ts[tree.slot[lo]!]! - ts[tree.slot[y]!]! < gap; y = tree.prev(lo)) lo = y;
      let k = 0;
      for (let x = lo; ; ) {
        this.pushSpan(k++, tree.slot[x]!);
        const y = tree.next(x);
        if (y === NONE || ts[tree.slot[y]!]! - ts[tree.slot[x]!]! >= gap) break;
        x = y;
      }
      covered = ts[this.span[k - 1]!]!;
      this.emitSpan(k, step);
    }
  }

  private pushSpan(i: number, slot: number): void {
    if (i >= this.span.length) {
      const cap = this.span.length * 2;
      const span = new Int32Array(cap);
      span.set(this.span);
      this.span = span;
      this.oldStart = new Float64Array(cap);
      this.oldEnd = new Float64Array(cap);
      this.newStart = new Float64Array(cap);
      this.newEnd = new Float64Array(cap);
    }
    this.span[i] = slot;
  }

  /**
   * The span's first k rows (in ts order) form one session of U: computes each
   * row's session among the rows live before the step and among those live
   * after, and emits the difference.
   */
  private emitSpan(k: number, step: number): void {
    const { span, ts, oldStart, oldEnd, newStart, newEnd } = this;
    const counts = this.rows.counts;
    const gap = this.spec.gap;
    let oldLast = NaN;
    let newLast = NaN;
    let oldFirst = 0;
    let newFirst = 0;
    // Forward: a row starts a session when no live row precedes it within gap.
    for (let i = 0; i < k; i++) {
      const s = span[i]!;
      const t = ts[s]!;
      if (this.countBefore(s, step) !== 0) {
        if (!(t - oldLast < gap)) oldFirst = t;
        oldStart[i] = oldFirst;
        oldLast = t;
      }
      if (counts[s] !== 0) {
        if (!(t - newLast < gap)) newFirst = t;
        newStart[i] = newFirst;
        newLast = t;
      }
    }
    // Backward: a session ends gap after its last live row.
    let oldNext = NaN;
    let newNext = NaN;
    let oldStop = 0;
    let newStop = 0;
    for (let i = k - 1; i >= 0; i--) {
      const s = span[i]!;
      const t = ts[s]!;
      if (this.countBefore(s, step) !== 0) {
        if (!(oldNext - t < gap)) oldStop = t + gap;
        oldEnd[i] = oldStop;
        oldNext = t;
      }
      if (counts[s] !== 0) {
        if (!(newNext - t < gap)) newStop = t + gap;
        newEnd[i] = newStop;
        newNext = t;
      }
    }
    for (let i = 0; i < k; i++) {
      const s = span[i]!;
      const was = this.countBefore(s, step);
      const now = counts[s]!;
      if (was !== 0 && now !== 0 && oldStart[i] === newStart[i] && oldEnd[i] === newEnd[i]) {
        if (now !== was) this.emit(s, newStart[i]!, newEnd[i]!, now - was);
        continue;
      }
      if (was !== 0) this.emit(s, oldStart[i]!, oldEnd[i]!, -was);
      if (now !== 0) this.emit(s, newStart[i]!, newEnd[i]!, now);
    }
  }

  private countBefore(s: number, step: number): number {
    return this.deltaAt[s] === step ? this.before[s]! : this.rows.counts[s]!;
  }

  private emit(slot: number, start: number, end: number, w: number): void {
    const i = this.outLength++;
    if (i >= this.outSlot.length) {
      const cap = this.outSlot.length * 2;
      const growI = (a: Int32Array): Int32Array => {
        const b = new Int32Array(cap);
        b.set(a);
        return b;
      };
      const growF = (a: Float64Array): Float64Array => {
        const b = new Float64Array(cap);
        b.set(a);
        return b;
      };
      this.outSlot = growI(this.outSlot);
      this.outWeight = growI(this.outWeight);
      this.outStart = growF(this.outStart);
      this.outEnd = growF(this.outEnd);
    }
    this.outSlot[i] = slot;
    this.outStart[i] = start;
    this.outEnd[i] = end;
    this.outWeight[i] = w;
  }

  private ensureCapacity(rowSlots: number, partitionSlots: number): void {
    if (partitionSlots > this.roots.length) {
      let cap = this.roots.length * 2;
      while (cap < partitionSlots) cap *= 2;
      const roots = new Int32Array(cap).fill(NONE);
      roots.set(this.roots);
      this.roots = roots;
    }
    if (rowSlots <= this.node.length) return;
    let cap = this.node.length * 2;
    while (cap < rowSlots) cap *= 2;
    const growI = (a: Int32Array, fill: number): Int32Array => {
      const b = new Int32Array(cap).fill(fill);
      b.set(a);
      return b;
    };
    this.node = growI(this.node, NONE);
    this.rowPartition = growI(this.rowPartition, 0);
    this.delta = growI(this.delta, 0);
    this.before = growI(this.before, 0);
    this.deltaAt = growI(this.deltaAt, 0);
    const ts = new Float64Array(cap);
    ts.set(this.ts);
    this.ts = ts;
  }

  describe(): OperatorInfo {
    return {
      name: 'SessionWindow',
      detail: this.detail,
      state: `every input row with its count; per partition the rows ordered by time (treap)`,
      cost: 'O(log n) per changed row plus the rows of the sessions it touches (a merge or split re-emits them)',
    };
  }

  stateSize(): number {
    return this.rows.live;
  }

  /** Checkpoints: the input rows; loadState rebuilds the sessions from them (a function of the rows alone). */
  saveState(out: StateWriter): void {
    out.batch(this.rows.liveRows().batch);
  }

  loadState(input: StateReader): void {
    this.step(input.batch());
  }
}
