// A join's state in parts by join key (state-parts.ts) that can leave memory
// under --state-memory. Rows with equal keys always land in the same part on
// both sides, so a join step is the sum of independent steps, one per part
// its deltas touch: part p's new left rows meet only part p's right rows.
// A part holds both sides' arrangements; written out, it is both sides' live
// rows with their counts and match weights (in the batch codec's layout),
// and it is rebuilt from them (Arrangement.live / insertLive), as it is when
// it splits. Without a budget there is one part and nothing else to pay.

import type { SqlType } from '../common/sql-type.js';
import { makeColumn } from '../columnar/column.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { gatherBatch, negateBatch } from '../columnar/z-batch.js';
import { decodeBatch, encodeBatch } from '../storage/batch-codec.js';
import type { StateBudget } from '../storage/state-spill.js';
import type { StateReader, StateWriter } from '../storage/state-codec.js';
import { Arrangement } from './arrangement.js';
import type { SideDelta } from './arrangement.js';
import { gatherColumns, gatherInt32, gatherUint8, rowsWith } from './key-directory.js';
import { PartedState, StatePart } from './state-parts.js';

/** One part's two arrangements; both null while the part is in a file. */
class JoinPart extends StatePart {
  left: Arrangement | null = null;
  right: Arrangement | null = null;

  get resident(): boolean {
    return this.left !== null;
  }

  entries(): number {
    return this.left!.size + this.right!.size;
  }

  estimateBytes(): number {
    return this.left!.estimateBytes() + this.right!.estimateBytes();
  }
}

/** A step of the join over one part's arrangements, as JoinOperator computes it. */
export type PartStep = (left: Arrangement, right: Arrangement, dl: SideDelta, dr: SideDelta) => ZBatch;

type JoinDelta = readonly [SideDelta, SideDelta];

export class JoinPartitions extends PartedState<JoinPart, JoinDelta> {
  constructor(
    private readonly leftTypes: readonly SqlType[],
    private readonly rightTypes: readonly SqlType[],
    private readonly keyTypes: readonly SqlType[],
    outputTypes: readonly SqlType[],
    /** Evaluates one side's join keys over stored rows (to split or reload a part). */
    private readonly keysOf: (side: 'left' | 'right', batch: ZBatch) => SideDelta,
    /** The join's step over one part. */
    private readonly partStep: PartStep,
    /** Null: the state stays in memory in one part (no --state-memory). */
    budget: StateBudget | null,
    /** Per side, the column by which `Arrangement.expire` drops rows (only without a budget). */
    private readonly expiryColumns: readonly [number | null, number | null] = [null, null],
  ) {
    super(new JoinPart(0), budget, outputTypes);
    this.fill(this.directory.parts[0]!);
  }

  /** The arrangements of a join whose state never leaves memory (one part). */
  get single(): { readonly left: Arrangement; readonly right: Arrangement } {
    const part = this.directory.parts[0]!;
    return { left: part.left!, right: part.right! };
  }

  /** One join step: each touched part steps with its rows of the deltas. */
  step(dl: SideDelta, dr: SideDelta): ZBatch {
    if (this.directory.single) return this.stepParts([[this.directory.parts[0]!, [dl, dr]]]);
    return this.stepRouted([this.directory.route(dl.hashes, dl.batch.length), this.directory.route(dr.hashes, dr.batch.length)], ([l, r]) => [subset(dl, l!), subset(dr, r!)]);
  }

  protected stepPart(part: JoinPart, [dl, dr]: JoinDelta): ZBatch {
    return this.partStep(part.left!, part.right!, dl, dr);
  }

  protected negate([dl, dr]: JoinDelta): JoinDelta {
    return [{ ...dl, batch: negateBatch(dl.batch) }, { ...dr, batch: negateBatch(dr.batch) }];
  }

  protected encode(part: JoinPart): Uint8Array {
    const left = part.left!.live();
    const right = part.right!.live();
    const leftBytes = encodeBatch(withMatch(left.batch, left.match));
    const rightBytes = encodeBatch(withMatch(right.batch, right.match));
    const bytes = new Uint8Array(leftBytes.length + rightBytes.length);
    bytes.set(leftBytes, 0);
    bytes.set(rightBytes, leftBytes.length);
    return bytes;
  }

  protected drop(part: JoinPart): void {
    part.left = null;
    part.right = null;
  }

  protected decode(part: JoinPart, bytes: Uint8Array): void {
    const left = decodeBatch(bytes, 0);
    const right = decodeBatch(bytes, left.end);
    this.fill(part);
    insertSide(part.left!, left.batch, (b) => this.keysOf('left', b));
    insertSide(part.right!, right.batch, (b) => this.keysOf('right', b));
  }

  protected emptyPart(depth: number): JoinPart {
    return new JoinPart(depth);
  }

  protected override savePart(part: JoinPart, out: StateWriter): void {
    part.left!.saveState(out);
    part.right!.saveState(out);
  }

  protected override loadPart(part: JoinPart, input: StateReader): void {
    this.fill(part);
    part.left!.loadState(input);
    part.right!.loadState(input);
  }

  protected divide(part: JoinPart): readonly [JoinPart, JoinPart] | null {
    const left = part.left!.live();
    const right = part.right!.live();
    const l = this.keysOf('left', left.batch);
    const r = this.keysOf('right', right.batch);
    const bits = this.directory.splitBits(part, [l.hashes, r.hashes]);
    if (bits === null) return null;
    const halves = [new JoinPart(part.depth + 1), new JoinPart(part.depth + 1)] as const;
    for (const b of [0, 1] as const) {
      const half = halves[b];
      this.fill(half);
      const lRows = rowsWith(bits[0]!, b);
      const rRows = rowsWith(bits[1]!, b);
      half.left!.insertLive(subset(l, lRows), gatherInt32(left.match, lRows));
      half.right!.insertLive(subset(r, rRows), gatherInt32(right.match, rRows));
    }
    return halves;
  }

  /** Gives a part empty arrangements. */
  private fill(part: JoinPart): void {
    const [leftExpiry, rightExpiry] = this.expiryColumns;
    part.left = new Arrangement(this.leftTypes, this.keyTypes, leftExpiry);
    part.right = new Arrangement(this.rightTypes, this.keyTypes, rightExpiry);
  }
}

/** The rows `rows` of a side's delta, keys included. */
function subset(d: SideDelta, rows: Int32Array): SideDelta {
  if (rows.length === d.batch.length) return d;
  return { batch: gatherBatch(d.batch, rows), keys: gatherColumns(d.keys, rows), hashes: gatherInt32(d.hashes, rows), matchable: gatherUint8(d.matchable, rows) };
}

/** A side's live rows with their match weights as one more INTEGER column, for the batch codec. */
function withMatch(batch: ZBatch, match: Int32Array): ZBatch {
  return { columns: [...batch.columns, makeColumn('integer', match, null, batch.length)], weights: batch.weights, length: batch.length };
}

/** Puts a decoded side (rows, then the match column) into an empty arrangement. */
function insertSide(into: Arrangement, decoded: ZBatch, keysOf: (batch: ZBatch) => SideDelta): void {
  const match = decoded.columns[decoded.columns.length - 1]!.values as Int32Array;
  const rows: ZBatch = { columns: decoded.columns.slice(0, -1), weights: decoded.weights, length: decoded.length };
  into.insertLive(keysOf(rows), match);
}
