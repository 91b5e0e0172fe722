// Join: INNER, LEFT, RIGHT and FULL OUTER equi-joins with an optional
// residual condition (CROSS JOIN is the case with no keys). Each input keeps
// an arrangement (arrangement.ts). A step with deltas dL and dR emits the
// bilinear change of the join, computed against the state before the step:
//     dL x R  +  L x dR  +  dL x dR
// so a self-join (the same delta on both sides) is exact. Outer joins also
// keep, per stored row, the weight of rows it matches; a row's null-extended
// twin is emitted while that weight is 0, retracted when the first match
// appears and restored when the last one goes.
//
// Every candidate pair and every residual condition is evaluated before any
// state changes (the Operator contract: fail before mutating).
// Cost: O(changed rows + output pairs) per step, plus the rows whose match
// status flips; state: both inputs' distinct rows with counts.
// An inner interval join may carry a RowExpiry per side (derived by
// plan/state-bounds.ts): rows that no future row of the other side can match
// are dropped after each step, so the state stays bounded by the watermarks.
// Under a state budget (--state-memory) other joins keep their arrangements
// in parts by join key that can leave memory (join-partitions.ts); a step
// then runs once per part its deltas touch.

import { assert } from '../common/assert.js';
import type { SqlType } from '../common/sql-type.js';
import type { Column } from '../columnar/column.js';
import { constantColumn, gatherColumn } from '../columnar/column.js';
import { isValid } from '../columnar/validity.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { concatBatches, emptyBatch, gatherBatch } from '../columnar/z-batch.js';
import { KeyedRows } from '../columnar/keyed-rows.js';
import { hashRows } from '../columnar/hash-rows.js';
import type { StateBudget } from '../storage/state-spill.js';
import type { StateReader, StateWriter } from '../storage/state-codec.js';
import type { Kernel } from '../expr/compile-expr.js';
import { BatchInput } from '../expr/eval-input.js';
import { EngineError, SqlState } from '../common/errors.js';
import { formatTimestamp } from '../expr/datetime.js';
import type { Arrangement, SideDelta } from './arrangement.js';
import { JoinPartitions } from './join-partitions.js';
import type { BinaryOperator, OperatorInfo, StateMemory } from './operator.js';

export type JoinKind = 'inner' | 'left' | 'right' | 'full';

/**
 * When one side's rows may go: a row is dropped once `value + slack <
 * closePoint()`, `value` being its `column` (a timestamp). The planner
 * promises that every future row of the other side has `otherColumn >=
 * closePoint() - otherOffset` (its table refuses changes to closed time) and
 * chose `slack` so that such a row can no longer satisfy the join condition.
 */
export interface RowExpiry {
  readonly column: number;
  readonly slack: number;
  readonly closePoint: () => number;
  readonly otherColumn: number;
  readonly otherOffset: number;
}

export interface JoinSpec {
  readonly kind: JoinKind;
  readonly leftTypes: readonly SqlType[];
  readonly rightTypes: readonly SqlType[];
  /** Equi-join keys: kernels over each side's columns, pairwise of equal types. */
  readonly leftKeys: readonly Kernel[];
  readonly rightKeys: readonly Kernel[];
  readonly keyTypes: readonly SqlType[];
  /** Per key: true for `IS NOT DISTINCT FROM` (NULL matches NULL). */
  readonly nullSafe: readonly boolean[];
  /** Extra condition over the concatenated row (left columns, then right); null if none. */
  readonly residual: Kernel | null;
  /** EXPLAIN text, e.g. 'LEFT JOIN on a.k = b.k'. */
  readonly detail: string;
  /** State cleanup of an inner interval join, per side. */
  readonly leftExpiry?: RowExpiry;
  readonly rightExpiry?: RowExpiry;
}

/** Candidate pairs: left and right row numbers in their sources, and the pair's weight. */
class Pairs {
  left: Int32Array = new Int32Array(16);
  right: Int32Array = new Int32Array(16);
  weight: Int32Array = new Int32Array(16);
  length = 0;
  push(l: number, r: number, w: number): void {
    if (this.length === this.left.length) {
      const cap = this.length * 2;
      const grow = (a: Int32Array): Int32Array => {
        const b = new Int32Array(cap);
        b.set(a);
        return b;
      };
      this.left = grow(this.left);
      this.right = grow(this.right);
      this.weight = grow(this.weight);
    }
    this.left[this.length] = l;
    this.right[this.length] = r;
    this.weight[this.length++] = w;
  }
}

export class JoinOperator implements BinaryOperator {
  readonly outputTypes: readonly SqlType[];
  private readonly partitions: JoinPartitions;
  private readonly leftOuter: boolean;
  private readonly rightOuter: boolean;
  /** Per side: the close point at its last eviction (rows before it may be gone). */
  private leftHorizon = -Infinity;
  private rightHorizon = -Infinity;

  /**
   * `budget`: the engine's state budget, under which the join's state may
   * leave memory; null keeps it all in memory, as do joins that drop rows by
   * time (the watermarks bound their state) and joins without an equality key.
   */
  constructor(
    private readonly spec: JoinSpec,
    budget: StateBudget | null = null,
  ) {
    assert(spec.leftKeys.length === spec.rightKeys.length && spec.leftKeys.length === spec.keyTypes.length, 'join key arity mismatch');
    this.outputTypes = [...spec.leftTypes, ...spec.rightTypes];
    assert(spec.kind === 'inner' || (spec.leftExpiry === undefined && spec.rightExpiry === undefined), 'only inner joins drop rows by time');
    // Parts split by key: a join without one (CROSS JOIN, non-equi) would have one part, which could only move whole.
    const inMemory = spec.leftExpiry !== undefined || spec.rightExpiry !== undefined || spec.keyTypes.length === 0;
    this.partitions = new JoinPartitions(
      spec.leftTypes,
      spec.rightTypes,
      spec.keyTypes,
      this.outputTypes,
      (which, batch) => this.side(batch, which === 'left' ? spec.leftKeys : spec.rightKeys),
      (L, R, dl, dr) => this.stepPart(L, R, dl, dr),
      inMemory ? null : budget,
      [spec.leftExpiry?.column ?? null, spec.rightExpiry?.column ?? null],
    );
    this.leftOuter = spec.kind === 'left' || spec.kind === 'full';
    this.rightOuter = spec.kind === 'right' || spec.kind === 'full';
  }

  stepBinary(leftDelta: ZBatch, rightDelta: ZBatch): ZBatch {
    if (leftDelta.length === 0 && rightDelta.length === 0) return emptyBatch(this.outputTypes);
    if (this.spec.leftExpiry !== undefined) refuseExpired(this.spec.leftExpiry, this.leftHorizon, rightDelta, 'right');
    if (this.spec.rightExpiry !== undefined) refuseExpired(this.spec.rightExpiry, this.rightHorizon, leftDelta, 'left');
    const dl = this.side(leftDelta, this.spec.leftKeys);
    const dr = this.side(rightDelta, this.spec.rightKeys);
    return this.partitions.step(dl, dr);
  }

  /** The step over one part of the state (all of it unless the state is split: join-partitions.ts). */
  private stepPart(L: Arrangement, R: Arrangement, dl: SideDelta, dr: SideDelta): ZBatch {

    // 1. Candidate pairs against the state before the step.
    const p1 = new Pairs(); // dL x R: (delta row, right slot)
    const p2 = new Pairs(); // L x dR: (left slot, delta row)
    const p3 = new Pairs(); // dL x dR: (delta row, delta row)
    if (dl.batch.length > 0 && R.size > 0) {
      const slots = R.probe(dl.keys, dl.hashes, dl.matchable, dl.batch.length);
      const counts = R.rows.counts;
      for (let i = 0; i < slots.length; i++) {
        const k = slots[i]!;
        if (k < 0) continue;
        const w = dl.batch.weights[i]!;
        for (let s = R.first(k); s >= 0; s = R.after(s)) p1.push(i, s, w * counts[s]!);
      }
    }
    if (dr.batch.length > 0 && L.size > 0) {
      const slots = L.probe(dr.keys, dr.hashes, dr.matchable, dr.batch.length);
      const counts = L.rows.counts;
      for (let j = 0; j < slots.length; j++) {
        const k = slots[j]!;
        if (k < 0) continue;
        const w = dr.batch.weights[j]!;
        for (let s = L.first(k); s >= 0; s = L.after(s)) p2.push(s, j, counts[s]! * w);
      }
    }
    if (dl.batch.length > 0 && dr.batch.length > 0) deltaPairs(dl, dr, p3);

    // 2. Materialize the pairs and apply the residual condition (may throw: nothing changed yet).
    const leftRowsOfL = (slots: Int32Array, n: number): Column[] => L.rows.columns.map((c) => gatherColumn(c.view(L.rows.size), slots, n));
    const leftRowsOfR = (slots: Int32Array, n: number): Column[] => R.rows.columns.map((c) => gatherColumn(c.view(R.rows.size), slots, n));
    const fromDelta = (b: ZBatch, rows: Int32Array, n: number): Column[] => b.columns.map((c) => gatherColumn(c, rows, n));
    const b1 = this.pairBatch(p1, fromDelta(dl.batch, p1.left, p1.length), leftRowsOfR(p1.right, p1.length));
    const b2 = this.pairBatch(p2, leftRowsOfL(p2.left, p2.length), fromDelta(dr.batch, p2.right, p2.length));
    const b3 = this.pairBatch(p3, fromDelta(dl.batch, p3.left, p3.length), fromDelta(dr.batch, p3.right, p3.length));
    const keep1 = this.residualMask(b1);
    const keep2 = this.residualMask(b2);
    const keep3 = this.residualMask(b3);
    const inner = concatBatches(this.outputTypes, [filterBatch(b1, keep1), filterBatch(b2, keep2), filterBatch(b3, keep3)]);
    if (!this.leftOuter && !this.rightOuter) {
      this.applyInner(L, dl);
      this.applyInner(R, dr);
      return inner;
    }

    // 3. Outer joins: per delta row, the weight it matches on the other side
    //    after the step (old state + the other delta), for rows new to the state.
    const matchLNew = new Int32Array(dl.batch.length);
    const matchRNew = new Int32Array(dr.batch.length);
    for (let p = 0; p < p1.length; p++) if (keep1 === null || keep1[p] === 1) matchLNew[p1.left[p]!]! += R.rows.counts[p1.right[p]!]!;
    for (let p = 0; p < p3.length; p++) {
      if (keep3 !== null && keep3[p] !== 1) continue;
      matchLNew[p3.left[p]!]! += dr.batch.weights[p3.right[p]!]!;
      matchRNew[p3.right[p]!]! += dl.batch.weights[p3.left[p]!]!;
    }
    for (let p = 0; p < p2.length; p++) if (keep2 === null || keep2[p] === 1) matchRNew[p2.right[p]!]! += L.rows.counts[p2.left[p]!]!;

    const leftTouched = new Touched(L);
    const rightTouched = new Touched(R);
    // Existing rows whose matches change through the other side's delta.
    for (let p = 0; p < p2.length; p++) {
      if (keep2 !== null && keep2[p] !== 1) continue;
      const s = p2.left[p]!;
      leftTouched.touch(s);
      L.match[s]! += dr.batch.weights[p2.right[p]!]!;
    }
    for (let p = 0; p < p1.length; p++) {
      if (keep1 !== null && keep1[p] !== 1) continue;
      const s = p1.right[p]!;
      rightTouched.touch(s);
      R.match[s]! += dl.batch.weights[p1.left[p]!]!;
    }
    // The deltas themselves.
    const leftSlots = this.applyOuter(L, dl, matchLNew, leftTouched);
    const rightSlots = this.applyOuter(R, dr, matchRNew, rightTouched);

    const parts: ZBatch[] = [inner];
    if (this.leftOuter) parts.push(this.nullExtended(L, leftTouched, 'left'));
    if (this.rightOuter) parts.push(this.nullExtended(R, rightTouched, 'right'));
    L.releaseDead(leftSlots, leftSlots.length);
    R.releaseDead(rightSlots, rightSlots.length);
    return concatBatches(this.outputTypes, parts);
  }

  private side(batch: ZBatch, keyKernels: readonly Kernel[]): SideDelta {
    const n = batch.length;
    const input = new BatchInput(batch.columns, n);
    const keys = keyKernels.map((k) => k(input));
    const matchable = new Uint8Array(n).fill(1);
    keys.forEach((col, c) => {
      if (this.spec.nullSafe[c] === true || col.validity === null) return;
      for (let i = 0; i < n; i++) if (!isValid(col.validity, i)) matchable[i] = 0;
    });
    return { batch, keys, hashes: hashRows(keys, n), matchable };
  }

  private pairBatch(pairs: Pairs, leftCols: Column[], rightCols: Column[]): ZBatch {
    return { columns: [...leftCols, ...rightCols], weights: pairs.weight.subarray(0, pairs.length), length: pairs.length };
  }

  /** 1 where the residual condition is TRUE; null when there is none (all pass). */
  private residualMask(batch: ZBatch): Uint8Array | null {
    if (this.spec.residual === null || batch.length === 0) return null;
    const cond = this.spec.residual(new BatchInput(batch.columns, batch.length));
    const keep = new Uint8Array(batch.length);
    const values = cond.values as Uint8Array;
    for (let i = 0; i < batch.length; i++) keep[i] = values[i] === 1 && isValid(cond.validity, i) ? 1 : 0;
    return keep;
  }

  /** Inner join: add the delta's rows to the state; new rows are chained by key. */
  private applyInner(side: Arrangement, d: SideDelta): void {
    const n = d.batch.length;
    if (n === 0) return;
    const slots = side.findOrAddRows(d.batch.columns, n);
    for (let i = 0; i < n; i++) {
      const s = slots[i]!;
      if (side.isNew(s)) side.attach(s, d.keys, d.hashes, i, d.matchable[i] === 1, 0);
    }
    side.rows.addCounts(slots, d.batch.weights, n);
    side.releaseDead(slots, n);
  }

  /** Outer join: like applyInner, recording each row's weight and match before the change. */
  private applyOuter(side: Arrangement, d: SideDelta, matchNew: Int32Array, touched: Touched): Int32Array {
    const n = d.batch.length;
    if (n === 0) return new Int32Array(0);
    const slots = side.findOrAddRows(d.batch.columns, n);
    for (let i = 0; i < n; i++) {
      const s = slots[i]!;
      touched.touch(s);
      if (side.isNew(s)) side.attach(s, d.keys, d.hashes, i, d.matchable[i] === 1, matchNew[i]!);
    }
    side.rows.addCounts(slots, d.batch.weights, n);
    return slots;
  }

  /** The change in null-extended rows of one side's touched rows. */
  private nullExtended(side: Arrangement, touched: Touched, which: 'left' | 'right'): ZBatch {
    const slots = new Int32Array(touched.length);
    const weights = new Int32Array(touched.length);
    let n = 0;
    const counts = side.rows.counts;
    for (let t = 0; t < touched.length; t++) {
      const s = touched.slots[t]!;
      const before = touched.oldMatch[t] === 0 ? touched.oldCount[t]! : 0;
      const after = side.match[s] === 0 ? counts[s]! : 0;
      if (before === after) continue;
      slots[n] = s;
      weights[n++] = after - before;
    }
    const own = side.rows.columns.map((c) => gatherColumn(c.view(side.rows.size), slots, n));
    const otherTypes = which === 'left' ? this.spec.rightTypes : this.spec.leftTypes;
    const nulls = otherTypes.map((t) => constantColumn(t, null, n));
    const columns = which === 'left' ? [...own, ...nulls] : [...nulls, ...own];
    return { columns, weights: weights.subarray(0, n), length: n };
  }

  /**
   * Drops the rows no future row of the other side can match (the circuit
   * calls this after each step). Returns how to put them back, for a commit
   * that fails later; null when nothing changed.
   */
  evictClosed(): (() => void) | null {
    const { leftExpiry, rightExpiry } = this.spec;
    const horizons = [this.leftHorizon, this.rightHorizon] as const;
    let evictedLeft: ZBatch | null = null;
    let evictedRight: ZBatch | null = null;
    let moved = false;
    const { left, right } = this.partitions.single;
    if (leftExpiry !== undefined) {
      const close = leftExpiry.closePoint();
      if (close > this.leftHorizon) {
        evictedLeft = left.expire(close - leftExpiry.slack);
        this.leftHorizon = close;
        moved = true;
      }
    }
    if (rightExpiry !== undefined) {
      const close = rightExpiry.closePoint();
      if (close > this.rightHorizon) {
        evictedRight = right.expire(close - rightExpiry.slack);
        this.rightHorizon = close;
        moved = true;
      }
    }
    if (!moved) return null;
    return () => {
      [this.leftHorizon, this.rightHorizon] = horizons;
      if (evictedLeft !== null) this.applyInner(left, this.side(evictedLeft, this.spec.leftKeys));
      if (evictedRight !== null) this.applyInner(right, this.side(evictedRight, this.spec.rightKeys));
    };
  }

  describe(): OperatorInfo {
    const outer = this.leftOuter || this.rightOuter;
    return {
      name: 'Join',
      detail: this.spec.detail,
      state: `both inputs' rows, hash-indexed on the join key${outer ? ', with per-row match counts' : ''}${this.partitions.spillable ? ', in parts by join key that can move to disk (--state-memory)' : ''}`,
      cost: this.spec.keyTypes.length === 0
        ? 'O(changed rows x rows of the other input) (no equality key)'
        : `O(changed rows + matching rows${outer ? ' + rows whose null-extension flips' : ''})`,
    };
  }

  stateSize(): number {
    return this.partitions.entries;
  }

  stateMemory(): StateMemory | null {
    return this.partitions.memory();
  }

  /** Checkpoints: each side's close point at its last eviction, then the arrangements by part. */
  saveState(out: StateWriter): void {
    out.number(this.leftHorizon);
    out.number(this.rightHorizon);
    this.partitions.saveState(out);
  }

  loadState(input: StateReader): void {
    this.leftHorizon = input.number();
    this.rightHorizon = input.number();
    this.partitions.loadState(input);
  }

  dispose(): void {
    this.partitions.dispose();
  }
}

/**
 * Rows of one arrangement touched in a step, each with its count and match
 * before the step (recorded at first touch; slots added in the step count 0).
 */
class Touched {
  slots: number[] = [];
  oldCount: number[] = [];
  oldMatch: number[] = [];
  private readonly seen = new Set<number>();
  constructor(private readonly side: Arrangement) {}
  get length(): number {
    return this.slots.length;
  }
  touch(slot: number): void {
    if (this.seen.has(slot)) return;
    this.seen.add(slot);
    this.slots.push(slot);
    const isNew = this.side.isNew(slot);
    this.oldCount.push(isNew ? 0 : this.side.rows.counts[slot]!);
    this.oldMatch.push(isNew ? 0 : this.side.match[slot]!);
  }
}

/** dL x dR: hashes the right delta's keys into a scratch index and probes it with the left's. */
function deltaPairs(dl: SideDelta, dr: SideDelta, out: Pairs): void {
  const keyTypes = dr.keys.map((c) => c.type);
  const index = new KeyedRows(keyTypes, keyTypes.map((_, i) => i));
  const m = dr.batch.length;
  const slotOf = index.findOrAdd(dr.keys, dr.hashes, m);
  const head = new Int32Array(index.size).fill(-1);
  const next = new Int32Array(m).fill(-1);
  for (let j = m - 1; j >= 0; j--) {
    if (dr.matchable[j] === 0) continue;
    const k = slotOf[j]!;
    next[j] = head[k]!;
    head[k] = j;
  }
  const found = index.find(dl.keys, dl.hashes, dl.batch.length);
  for (let i = 0; i < found.length; i++) {
    const k = found[i]!;
    if (k < 0 || dl.matchable[i] === 0) continue;
    const w = dl.batch.weights[i]!;
    for (let j = head[k]!; j >= 0; j = next[j]!) out.push(i, j, w * dr.batch.weights[j]!);
  }
}

/**
 * Throws (before any state changes) when a delta row of one side has a time
 * before what the other side's eviction relied on: the rows it would have
 * matched may be gone. The planner's derivation makes this impossible.
 */
function refuseExpired(expiry: RowExpiry, horizon: number, delta: ZBatch, which: 'left' | 'right'): void {
  if (horizon === -Infinity) return;
  const col = delta.columns[expiry.otherColumn]!;
  const values = col.values as Float64Array;
  const floor = horizon - expiry.otherOffset;
  for (let i = 0; i < delta.length; i++) {
    if (delta.weights[i] === 0 || !isValid(col.validity, i) || values[i]! >= floor) continue;
    throw new EngineError(
      SqlState.internalError,
      `state cleanup: a ${which} join input row at ${formatTimestamp(values[i]!)} arrived after rows it could match were dropped (the close point had passed ${formatTimestamp(horizon)}); this is a bug in Freshet's state-bound derivation`,
    );
  }
}

function filterBatch(batch: ZBatch, keep: Uint8Array | null): ZBatch {
  if (keep === null) return batch;
  const rows = new Int32Array(batch.length);
  let n = 0;
  for (let i = 0; i < batch.length; i++) if (keep[i] === 1) rows[n++] = i;
  return n === batch.length ? batch : gatherBatch(batch, rows, n);
}
