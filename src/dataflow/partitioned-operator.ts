// An operator whose state is keyed by part of each row (a grouped aggregate's
// group key, a window's PARTITION BY, a per-partition top-N's partition), kept
// in parts by that key so it can leave memory (--state-memory,
// state-parts.ts). Each part is an operator of its own over the rows of its
// keys; a key's rows all land in one part, so the operator's change is the
// sum of the parts'.
//
// A part also keeps its input so far (distinct rows with counts): windows and
// top-N hold it anyway (Operator.inputRows), aggregates get a copy. That is
// what a part writes out and what rebuilds it: read back (or split), a part
// runs its input rows through a fresh operator. This holds because the planner
// parts only operators whose output is a function of the input multiset
// alone, bit for bit (engine/lower-plan.ts: aggregates by
// `spillableAggregate`; top-N, which breaks ties by every column; windows
// without double sums), so the rebuilt part later retracts exactly what the
// old one emitted. A compensated double sum may differ in its last bit with
// the order of its inputs, so operators with one stay in memory.
//
// An aggregate's copy of its rows costs memory besides its own state, so only
// aggregates whose state already grows with the input are parted. A part's
// size is its input's bytes, twice (the operators do not measure the rest of
// their state, which for these is of the same order).

import type { SqlType } from '../common/sql-type.js';
import { KeyedRows } from '../columnar/keyed-rows.js';
import { hashRows } from '../columnar/hash-rows.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { emptyBatch, gatherBatch, negateBatch } from '../columnar/z-batch.js';
import type { Kernel } from '../expr/compile-expr.js';
import { BatchInput } from '../expr/eval-input.js';
import { decodeBatch, encodeBatch } from '../storage/batch-codec.js';
import type { StateBudget } from '../storage/state-spill.js';
import { rowsWith } from './key-directory.js';
import type { Operator, OperatorInfo, StateMemory } from './operator.js';
import { PartedState, StatePart } from './state-parts.js';

class OperatorPart extends StatePart {
  op: Operator | null = null;
  /** The part's input so far, distinct rows with their counts: the operator's own store (inputRows) or a copy. */
  input: KeyedRows | null = null;

  get resident(): boolean {
    return this.op !== null;
  }

  entries(): number {
    return this.op!.stateSize();
  }

  estimateBytes(): number {
    return 2 * this.input!.estimateBytes();
  }
}

export class PartitionedOperator extends PartedState<OperatorPart, ZBatch> implements Operator {
  readonly outputTypes: readonly SqlType[];
  private readonly info: OperatorInfo;
  /** True when the operator keeps its input rows itself (Operator.inputRows): no copy to maintain. */
  private readonly ownsInput: boolean;

  constructor(
    /** A fresh operator (one per part). */
    private readonly make: () => Operator,
    private readonly inputTypes: readonly SqlType[],
    /** The key the operator's state is by, over the input rows. */
    private readonly keyKernels: readonly Kernel[],
    budget: StateBudget,
  ) {
    const template = make();
    super(new OperatorPart(0), budget, template.outputTypes);
    this.outputTypes = template.outputTypes;
    this.ownsInput = template.inputRows !== undefined;
    const info = template.describe();
    this.info = { ...info, state: `${info.state}; in parts by key that can move to disk (--state-memory)${this.ownsInput ? '' : ', each with a copy of its input rows'}` };
    this.fill(this.directory.parts[0]!);
  }

  step(input: ZBatch): ZBatch {
    if (input.length === 0) return emptyBatch(this.outputTypes);
    if (this.directory.single) return this.stepParts([[this.directory.parts[0]!, input]]);
    return this.stepRouted([this.directory.route(this.keyHashes(input), input.length)], ([rows]) => gatherBatch(input, rows!));
  }

  describe(): OperatorInfo {
    return this.info;
  }

  stateSize(): number {
    return this.entries;
  }

  stateMemory(): StateMemory {
    return this.memory();
  }

  protected stepPart(part: OperatorPart, delta: ZBatch): ZBatch {
    const out = part.op!.step(delta);
    if (this.ownsInput) return out;
    const kept = part.input!;
    const slots = kept.findOrAdd(delta.columns, kept.hashKeys(delta.columns, delta.length), delta.length);
    kept.addCounts(slots, delta.weights, delta.length);
    kept.release(slots);
    return out;
  }

  protected negate(delta: ZBatch): ZBatch {
    return negateBatch(delta);
  }

  protected encode(part: OperatorPart): Uint8Array {
    return encodeBatch(part.input!.liveRows().batch);
  }

  protected drop(part: OperatorPart): void {
    part.op = null;
    part.input = null;
  }

  protected decode(part: OperatorPart, bytes: Uint8Array): void {
    this.fill(part);
    this.rebuild(part, decodeBatch(bytes, 0).batch);
  }

  protected emptyPart(depth: number): OperatorPart {
    return new OperatorPart(depth);
  }

  protected divide(part: OperatorPart): readonly [OperatorPart, OperatorPart] | null {
    const rows = part.input!.liveRows().batch;
    const bits = this.directory.splitBits(part, [this.keyHashes(rows)]);
    if (bits === null) return null;
    const halves = [new OperatorPart(part.depth + 1), new OperatorPart(part.depth + 1)] as const;
    for (const b of [0, 1] as const) {
      this.fill(halves[b]);
      this.rebuild(halves[b], gatherBatch(rows, rowsWith(bits[0]!, b)));
    }
    return halves;
  }

  /** Gives a part a fresh operator and an empty input store (the operator's own, or a copy's). */
  private fill(part: OperatorPart): void {
    const op = this.make();
    part.op = op;
    part.input = op.inputRows?.() ?? new KeyedRows(this.inputTypes, this.inputTypes.map((_, i) => i));
  }

  /** Runs a part's input rows (distinct, with counts) through its fresh operator; the output is what the part had emitted. */
  private rebuild(part: OperatorPart, rows: ZBatch): void {
    if (rows.length === 0) return;
    part.op!.step(rows);
    if (!this.ownsInput) part.input!.appendDistinct(rows.columns, rows.weights, rows.length);
  }

  private keyHashes(batch: ZBatch): Int32Array {
    const source = new BatchInput(batch.columns, batch.length);
    return hashRows(this.keyKernels.map((k) => k(source)), batch.length);
  }
}

