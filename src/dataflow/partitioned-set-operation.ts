// INTERSECT / EXCEPT [ALL] in parts by row (--state-memory, state-parts.ts):
// the operator keeps, per distinct row, its counts on both sides, and a row's
// output depends on its own counts alone, so each part is a set operation of
// its own over the rows whose hash routes to it, on both sides. A part is
// written out as its state (saveState) and split by feeding each half's
// fresh operator the rows of its route bit, weighted by their left counts on
// the left and their right counts on the right.

import type { SqlType } from '../common/sql-type.js';
import { hashRows } from '../columnar/hash-rows.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { emptyBatch, gatherBatch, negateBatch } from '../columnar/z-batch.js';
import type { StateBudget } from '../storage/state-spill.js';
import { StateReader, StateWriter } from '../storage/state-codec.js';
import { rowsWith } from './key-directory.js';
import type { BinaryOperator, OperatorInfo } from './operator.js';
import type { SetOperationOperator } from './set-operation.js';
import { PartedState, StatePart } from './state-parts.js';

/** A part's rows of a step, on each side. */
interface Sides {
  readonly left: ZBatch;
  readonly right: ZBatch;
}

class SetPart extends StatePart {
  op: SetOperationOperator | null = null;

  get resident(): boolean {
    return this.op !== null;
  }

  entries(): number {
    return this.op!.stateSize();
  }

  estimateBytes(): number {
    return this.op!.estimateBytes();
  }
}

export class PartitionedSetOperation extends PartedState<SetPart, Sides> implements BinaryOperator {
  readonly outputTypes: readonly SqlType[];
  private readonly info: OperatorInfo;

  constructor(
    /** A fresh operator (one per part). */
    private readonly make: () => SetOperationOperator,
    budget: StateBudget,
  ) {
    const template = make();
    super(new SetPart(0), budget, template.outputTypes);
    this.outputTypes = template.outputTypes;
    const info = template.describe();
    this.info = { ...info, state: `${info.state}; in parts by row that can move to disk (--state-memory)` };
    this.directory.parts[0]!.op = template;
  }

  stepBinary(left: ZBatch, right: ZBatch): ZBatch {
    if (left.length === 0 && right.length === 0) return emptyBatch(this.outputTypes);
    if (this.directory.single) return this.stepParts([[this.directory.parts[0]!, { left, right }]]);
    const routes = [left, right].map((side) => this.directory.route(hashRows(side.columns, side.length), side.length));
    return this.stepRouted(routes, ([l, r]) => ({ left: gatherBatch(left, l!), right: gatherBatch(right, r!) }));
  }

  describe(): OperatorInfo {
    return this.info;
  }

  protected stepPart(part: SetPart, delta: Sides): ZBatch {
    return part.op!.stepBinary(delta.left, delta.right);
  }

  protected negate(delta: Sides): Sides {
    return { left: negateBatch(delta.left), right: negateBatch(delta.right) };
  }

  protected encode(part: SetPart): Uint8Array {
    const out = new StateWriter();
    part.op!.saveState(out);
    return out.finish();
  }

  protected drop(part: SetPart): void {
    part.op = null;
  }

  protected decode(part: SetPart, bytes: Uint8Array): void {
    const input = new StateReader(bytes);
    this.loadPart(part, input);
    input.end();
  }

  protected override savePart(part: SetPart, out: StateWriter): void {
    part.op!.saveState(out);
  }

  protected override loadPart(part: SetPart, input: StateReader): void {
    const op = this.make();
    op.loadState(input);
    part.op = op;
  }

  protected emptyPart(depth: number): SetPart {
    return new SetPart(depth);
  }

  protected divide(part: SetPart): readonly [SetPart, SetPart] | null {
    const held = part.op!.heldRows();
    const bits = this.directory.splitBits(part, [held.hashes]);
    if (bits === null) return null;
    const halves = [new SetPart(part.depth + 1), new SetPart(part.depth + 1)] as const;
    for (const b of [0, 1] as const) {
      const mine = rowsWith(bits[0]!, b);
      const rows = gatherBatch(held.rows, mine);
      const op = this.make();
      op.stepBinary(withWeights(rows, held.left, mine), withWeights(rows, held.right, mine));
      halves[b].op = op;
    }
    return halves;
  }
}

/** `rows` weighted by `counts` at the rows' original positions `at`. */
function withWeights(rows: ZBatch, counts: Int32Array, at: Int32Array): ZBatch {
  const weights = new Int32Array(at.length);
  for (let i = 0; i < at.length; i++) weights[i] = counts[at[i]!]!;
  return { columns: rows.columns, weights, length: rows.length };
}
