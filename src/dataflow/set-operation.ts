// INTERSECT [ALL] and EXCEPT [ALL]: a stateful binary operator. Keeps, per
// distinct row (all columns form the key; NULL equals NULL as in SQL set
// operations), the accumulated multiplicities of the row on the left (cL) and
// on the right (cR). Invariant: the accumulated output holds each row exactly
// f(cL, cR) times, where f is the set operation's multiplicity formula.
// Work per step is O(1) per changed row: only rows a delta touches can change.

import type { SqlType } from '../common/sql-type.js';
import { assert } from '../common/assert.js';
import { KeyedRows } from '../columnar/keyed-rows.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { emptyBatch } from '../columnar/z-batch.js';
import type { BinaryOperator, OperatorInfo } from './operator.js';
import type { StateReader, StateWriter } from '../storage/state-codec.js';

export type SetOperationKind = 'intersect' | 'except';

/**
 * The output multiplicity of a row held cL times on the left and cR times on
 * the right. Negative counts (transient, from an unconsolidated upstream)
 * count as 0.
 */
export function setOperationMultiplicity(kind: SetOperationKind, all: boolean, cL: number, cR: number): number {
  const l = cL > 0 ? cL : 0;
  const r = cR > 0 ? cR : 0;
  if (kind === 'intersect') return all ? (l < r ? l : r) : l > 0 && r > 0 ? 1 : 0;
  return all ? (l > r ? l - r : 0) : l > 0 && r === 0 ? 1 : 0;
}

export class SetOperationOperator implements BinaryOperator {
  readonly outputTypes: readonly SqlType[];
  /**
   * One slot per distinct row seen on either side; its count is 1 while
   * either side's count is non-zero (so `live` counts the rows held) and 0
   * once both are, when the slot is released.
   */
  private readonly rows: KeyedRows;
  private left: Int32Array = new Int32Array(64);
  private right: Int32Array = new Int32Array(64);
  /** Per slot: the step that last touched it (dedupes touched rows without a Set). */
  private touchedAt: Int32Array = new Int32Array(64);
  private stepNumber = 0;

  constructor(
    readonly kind: SetOperationKind,
    readonly all: boolean,
    types: readonly SqlType[],
  ) {
    assert(types.length > 0, 'a set operation needs at least one column');
    this.outputTypes = types;
    this.rows = new KeyedRows(types, types.map((_, i) => i));
  }

  stepBinary(left: ZBatch, right: ZBatch): ZBatch {
    const width = this.outputTypes.length;
    assert(left.columns.length === width && right.columns.length === width, 'set operation input width differs from its types');
    if (left.length === 0 && right.length === 0) return emptyBatch(this.outputTypes);
    const rows = this.rows;
    const leftSlots = left.length === 0 ? new Int32Array(0) : rows.findOrAddKeys(left.columns, left.length);
    const rightSlots = right.length === 0 ? new Int32Array(0) : rows.findOrAddKeys(right.columns, right.length);
    this.ensureCapacity(rows.size);

    // Old output multiplicity of each touched row, before any count changes.
    // New slots (and recycled ones, zeroed on release) start at cL = cR = 0.
    const step = ++this.stepNumber;
    const touched: number[] = [];
    const oldOut: number[] = [];
    const touchedAt = this.touchedAt;
    for (const slots of [leftSlots, rightSlots]) {
      for (let i = 0; i < slots.length; i++) {
        const s = slots[i]!;
        if (touchedAt[s] === step) continue;
        touchedAt[s] = step;
        touched.push(s);
        oldOut.push(setOperationMultiplicity(this.kind, this.all, this.left[s]!, this.right[s]!));
      }
    }

    const cL = this.left;
    const cR = this.right;
    for (let i = 0; i < leftSlots.length; i++) cL[leftSlots[i]!]! += left.weights[i]!;
    for (let i = 0; i < rightSlots.length; i++) cR[rightSlots[i]!]! += right.weights[i]!;

    const outSlots: number[] = [];
    const outWeights: number[] = [];
    const dead: number[] = [];
    for (let j = 0; j < touched.length; j++) {
      const s = touched[j]!;
      const diff = setOperationMultiplicity(this.kind, this.all, cL[s]!, cR[s]!) - oldOut[j]!;
      if (diff !== 0) {
        outSlots.push(s);
        outWeights.push(diff);
      }
      const held = cL[s] !== 0 || cR[s] !== 0 ? 1 : 0;
      rows.addCount(s, held - rows.counts[s]!);
      if (held === 0) dead.push(s);
    }
    const output: ZBatch = {
      columns: rows.gather(Int32Array.from(outSlots)),
      weights: Int32Array.from(outWeights),
      length: outSlots.length,
    };
    // Released slots are recycled by later rows: keep state proportional to live rows.
    rows.release(dead);
    return output;
  }

  private ensureCapacity(size: number): void {
    if (size <= this.left.length) return;
    let cap = this.left.length * 2;
    while (cap < size) cap *= 2;
    const grow = (a: Int32Array): Int32Array => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.left = grow(this.left);
    this.right = grow(this.right);
    this.touchedAt = grow(this.touchedAt);
  }

  describe(): OperatorInfo {
    const name = this.kind === 'intersect' ? 'Intersect' : 'Except';
    return {
      name,
      detail: `${this.kind.toUpperCase()}${this.all ? ' ALL' : ''}`,
      state: 'per distinct row: left and right counts',
      cost: 'O(1) per changed row',
    };
  }

  stateSize(): number {
    return this.rows.live;
  }

  /** About how many bytes the state holds: the rows' store plus three counts per slot. */
  estimateBytes(): number {
    return this.rows.estimateBytes() + 12 * this.rows.size;
  }

  /**
   * The rows held, each with its left and right counts and its hash (for a
   * split): a fresh operator stepped with `rows` weighted by the left counts
   * on the left and by the right counts on the right holds the same state.
   */
  heldRows(): { readonly rows: ZBatch; readonly left: Int32Array; readonly right: Int32Array; readonly hashes: Int32Array } {
    const { batch, slots } = this.rows.liveRows();
    const left = new Int32Array(slots.length);
    const right = new Int32Array(slots.length);
    const hashes = new Int32Array(slots.length);
    for (let j = 0; j < slots.length; j++) {
      const s = slots[j]!;
      left[j] = this.left[s]!;
      right[j] = this.right[s]!;
      hashes[j] = this.rows.hashes[s]!;
    }
    return { rows: batch, left, right, hashes };
  }

  /** Checkpoints: the distinct rows and each one's left and right counts, by slot. */
  saveState(out: StateWriter): void {
    out.number(this.stepNumber);
    out.i32(this.left);
    out.i32(this.right);
    out.i32(this.touchedAt);
    this.rows.saveState(out);
  }

  loadState(input: StateReader): void {
    this.stepNumber = input.number();
    this.left = input.i32();
    this.right = input.i32();
    this.touchedAt = input.i32();
    this.rows.loadState(input);
  }
}
