// An operator whose state is keyed by part of each row (a grouped aggregate's
// group key, a window's PARTITION BY, a per-partition top-N's partition), kept
// in parts by that key so it can leave memory (--state-memory,
// state-parts.ts). Each part is an operator of its own over the rows of its
// keys; a key's rows all land in one part, so the operator's change is the
// sum of the parts'. A part is written out, and split, in one of two ways.
//
// As its own state, for operators that can divide it by key
// (Operator.retainKeys: grouped aggregates). A part is written with
// saveState and read back with loadState, exactly; a split loads the state
// into two fresh operators and each keeps the keys of its route bit. The
// operator measures its own bytes (estimateBytes). Nothing else is kept, and
// any aggregate qualifies: double sums, NUMERIC and INTERVAL spellings
// included.
//
// As its input rows, for windows and top-N, which hold them anyway
// (Operator.inputRows). Read back (or split), a part runs its input rows
// through a fresh operator. This holds because the planner parts only
// operators whose output is a function of the input multiset alone, bit for
// bit (engine/lower-plan.ts: top-N, which breaks ties by every column;
// windows without double sums), so the rebuilt part later retracts exactly
// what the old one emitted. A part's size is its input's bytes, twice (the
// rest of their state is of the same order).
import type { SqlType } from '../common/sql-type.js';
import { assert } from '../common/assert.js';
import type { KeyedRows } from '../columnar/keyed-rows.js';
import { hashRows } from '../columnar/hash-rows.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { emptyBatch, gatherBatch, negateBatch } from '../columnar/z-batch.js';
import type { Kernel } from '../expr/compile-expr.js';
import { BatchInput } from '../expr/eval-input.js';
import { decodeBatch, encodeBatch } from '../storage/batch-codec.js';
import type { StateBudget } from '../storage/state-spill.js';
import { StateReader, StateWriter } from '../storage/state-codec.js';
import { routeBit, rowsWith } from './key-directory.js';
import type { Operator, OperatorInfo } from './operator.js';
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
    // Without an input copy the operator measures itself; with one, the rest of its state is of the input's order.
    return this.input === null ? this.op!.estimateBytes!() : 2 * this.input.estimateBytes();
  }
}

export class PartitionedOperator extends PartedState<OperatorPart, ZBatch> implements Operator {
  readonly outputTypes: readonly SqlType[];
  private readonly info: OperatorInfo;
  /** True when parts are written as the operator's own state and split by it (Operator.retainKeys); else as its input rows (Operator.inputRows). */
  private readonly ownState: boolean;

  constructor(
    /** A fresh operator (one per part). */
    private readonly make: () => Operator,
    /** The key the operator's state is by, over the input rows. */
    private readonly keyKernels: readonly Kernel[],
    budget: StateBudget,
  ) {
    const template = make();
    super(new OperatorPart(0), budget, template.outputTypes);
    this.outputTypes = template.outputTypes;
    this.ownState = template.retainKeys !== undefined && template.keyHashes !== undefined && template.estimateBytes !== undefined && template.saveState !== undefined;
    assert(this.ownState || template.inputRows !== undefined, 'an operator in parts divides its own state or keeps its input rows');
    const info = template.describe();
    this.info = { ...info, state: `${info.state}; in parts by key that can move to disk (--state-memory)` };
    this.fill(this.directory.parts[0]!);
  }

  step(input: ZBatch): ZBatch {
    if (input.length === 0) return emptyBatch(this.outputTypes);
    if (this.directory.single) return this.stepParts([[this.directory.parts[0]!, input]]);
    return this.stepRouted([this.directory.route(this.routeHashes(input), input.length)], ([rows]) => gatherBatch(input, rows!));
  }

  describe(): OperatorInfo {
    return this.info;
  }

  protected stepPart(part: OperatorPart, delta: ZBatch): ZBatch {
    return part.op!.step(delta);
  }

  protected negate(delta: ZBatch): ZBatch {
    return negateBatch(delta);
  }

  protected encode(part: OperatorPart): Uint8Array {
    if (!this.ownState) return encodeBatch(part.input!.liveRows().batch);
    const out = new StateWriter();
    part.op!.saveState!(out);
    return out.finish();
  }

  protected drop(part: OperatorPart): void {
    part.op = null;
    part.input = null;
  }

  protected decode(part: OperatorPart, bytes: Uint8Array): void {
    this.fill(part);
    if (!this.ownState) {
      this.rebuild(part, decodeBatch(bytes, 0).batch);
      return;
    }
    const input = new StateReader(bytes);
    part.op!.loadState!(input);
    input.end();
  }

  /** Checkpoints: a part in memory as its state, or as its input rows (rebuilt on loading, as from its scratch file). */
  protected override savePart(part: OperatorPart, out: StateWriter): void {
    if (this.ownState) part.op!.saveState!(out);
    else out.batch(part.input!.liveRows().batch);
  }

  protected override loadPart(part: OperatorPart, input: StateReader): void {
    this.fill(part);
    if (this.ownState) part.op!.loadState!(input);
    else this.rebuild(part, input.batch());
  }

  protected emptyPart(depth: number): OperatorPart {
    return new OperatorPart(depth);
  }

  protected divide(part: OperatorPart): readonly [OperatorPart, OperatorPart] | null {
    if (this.ownState) return this.divideState(part);
    const rows = part.input!.liveRows().batch;
    const bits = this.directory.splitBits(part, [this.routeHashes(rows)]);
    if (bits === null) return null;
    const halves = [new OperatorPart(part.depth + 1), new OperatorPart(part.depth + 1)] as const;
    for (const b of [0, 1] as const) {
      this.fill(halves[b]);
      this.rebuild(halves[b], gatherBatch(rows, rowsWith(bits[0]!, b)));
    }
    return halves;
  }

  /** A split of a part written as its state: two copies of it, each keeping the keys of its bit. */
  private divideState(part: OperatorPart): readonly [OperatorPart, OperatorPart] | null {
    if (this.directory.splitBits(part, [part.op!.keyHashes!().hashes]) === null) return null;
    const bytes = this.encode(part);
    const halves = [new OperatorPart(part.depth + 1), new OperatorPart(part.depth + 1)] as const;
    for (const b of [0, 1] as const) {
      this.decode(halves[b], bytes);
      halves[b].op!.retainKeys!((hash) => routeBit(hash, part.depth) === b);
    }
    return halves;
  }

  /** Gives a part a fresh operator, and its input store when the part is written as its input rows. */
  private fill(part: OperatorPart): void {
    const op = this.make();
    part.op = op;
    part.input = this.ownState ? null : op.inputRows!();
  }

  /** Runs a part's input rows (distinct, with counts) through its fresh operator; the output is what the part had emitted. */
  private rebuild(part: OperatorPart, rows: ZBatch): void {
    if (rows.length > 0) part.op!.step(rows);
  }

  private routeHashes(batch: ZBatch): Int32Array {
    const source = new BatchInput(batch.columns, batch.length);
    return hashRows(this.keyKernels.map((k) => k(source)), batch.length);
  }
}

