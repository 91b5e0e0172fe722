// A join's state split by join key into parts that can leave memory
// (--state-memory). Rows with equal keys always land in the same part on
// both sides, so a join step is the sum of independent steps, one per part
// its deltas touch: part p's new left rows meet only part p's right rows.
//
// Parts are the leaves of an extendible hash on the join key: a directory of
// 2^depth entries, indexed by the top `depth` bits of a route hash of the
// key, points at the parts; a part of local depth d serves every entry that
// shares its d leading bits. A join starts with one part and nothing else to
// pay. Once a part grows past the budget's part limit, it splits in two by
// its next bit (the directory doubles when the part's depth equals its own).
// Splitting and reloading both rebuild arrangements from their live rows
// (Arrangement.live / insertLive).
//
// Every part in memory is reported to the engine's StateBudget after use;
// when the parts in memory pass the budget, the least recently used ones are
// written to scratch files (both sides' rows, counts and match weights in
// the batch codec's layout) and dropped, and read back when a delta reaches
// their keys. A step's work stays proportional to the change; a change
// spread over many cold parts reads each of them once.
//
// The operator contract (fail before changing state) holds across parts: if
// the step of part k fails (a residual condition divides by zero, a file
// cannot be read), the parts already stepped are stepped again with their
// deltas negated, which restores them, before the error goes on.

import { assert } from '../common/assert.js';
import type { SqlType } from '../common/sql-type.js';
import { gatherColumn, makeColumn } from '../columnar/column.js';
import { mix32 } from '../columnar/hash-rows.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { concatBatches, gatherBatch, negateBatch } from '../columnar/z-batch.js';
import { decodeBatch, encodeBatch } from '../storage/batch-codec.js';
import type { SpillablePart, StateBudget } from '../storage/state-spill.js';
import { Arrangement } from './arrangement.js';
import type { SideDelta } from './arrangement.js';
import type { StateMemory } from './operator.js';

/** Parts stop splitting at 2^16 (a part that holds a single hot key cannot split at all). */
const MAX_DEPTH = 16;
/** Decorrelates the route bits from the hash bits the arrangements' own indexes use. */
const ROUTE_SEED = 0x5bd1_e995;

/** One part's two arrangements; both null while the part is in a file. */
class JoinPart implements SpillablePart {
  left: Arrangement | null;
  right: Arrangement | null;
  /** The scratch file holding the part while it is out of memory. */
  file: string | null = null;
  /** Rows the part held when it was written out (for stateSize). */
  coldRows = 0;
  /** Position in JoinPartitions.parts. */
  index = -1;
  /**
   * Bytes the part must reach before it tries to split again: set when all
   * its rows share the next route bit (a single hot key), so a split would
   * leave one half empty.
   */
  splitAt = 0;

  constructor(
    readonly depth: number,
    private readonly owner: JoinPartitions,
    [left, right]: [Arrangement, Arrangement],
  ) {
    this.left = left;
    this.right = right;
  }

  get resident(): boolean {
    return this.left !== null;
  }

  spill(): void {
    this.owner.spill(this);
  }

  estimateBytes(): number {
    return this.left!.estimateBytes() + this.right!.estimateBytes();
  }
}

/** A step of the join over one part's arrangements, as JoinOperator computes it. */
export type PartStep = (left: Arrangement, right: Arrangement, dl: SideDelta, dr: SideDelta) => ZBatch;

export class JoinPartitions {
  /** Every part, by its index. */
  private readonly parts: JoinPart[] = [];
  /** Directory of 2^depth entries: route bits → part. */
  private directory: JoinPart[];
  private depth = 0;
  /** The order of the last multi-part step (see step). */
  private forward = false;

  constructor(
    private readonly leftTypes: readonly SqlType[],
    private readonly rightTypes: readonly SqlType[],
    private readonly keyTypes: readonly SqlType[],
    private readonly outputTypes: readonly SqlType[],
    /** Evaluates one side's join keys over stored rows (to split or reload a part). */
    private readonly keysOf: (side: 'left' | 'right', batch: ZBatch) => SideDelta,
    /** Null: the state stays in memory in one part (no --state-memory). */
    private readonly budget: StateBudget | null,
    /** Per side, the column by which `Arrangement.expire` drops rows (only without a budget). */
    private readonly expiryColumns: readonly [number | null, number | null] = [null, null],
  ) {
    assert(budget === null || expiryColumns.every((c) => c === null), 'a join that drops rows by time keeps its state in one part');
    const first = new JoinPart(0, this, this.fresh());
    this.add(first);
    this.directory = [first];
  }

  /** The arrangements of a join with a single part that never spills (interval joins, no budget). */
  get single(): { readonly left: Arrangement; readonly right: Arrangement } | null {
    if (this.budget !== null) return null;
    const part = this.parts[0]!;
    return { left: part.left!, right: part.right! };
  }

  /** Distinct rows held, in memory and in files. */
  get rows(): number {
    let n = 0;
    for (const p of this.parts) n += p.resident ? p.left!.size + p.right!.size : p.coldRows;
    return n;
  }

  /** Parts in memory and in files, with the bytes of those in memory. */
  memory(): StateMemory {
    let hotParts = 0;
    let hotBytes = 0;
    for (const p of this.parts) {
      if (!p.resident) continue;
      hotParts++;
      hotBytes += p.estimateBytes();
    }
    let coldBytes = 0;
    for (const p of this.parts) if (p.file !== null) coldBytes += this.budget!.fileSize(p.file);
    return { hotParts, hotBytes: Math.round(hotBytes), coldParts: this.parts.length - hotParts, coldBytes };
  }

  /** One join step: each touched part steps with its rows of the deltas. */
  step(dl: SideDelta, dr: SideDelta, stepPart: PartStep): ZBatch {
    if (this.directory.length === 1) return this.stepParts([[this.directory[0]!, dl, dr]], stepPart);
    const leftRoutes = this.route(dl.hashes, dl.batch.length);
    const rightRoutes = this.route(dr.hashes, dr.batch.length);
    const leftGroups = groupRows(leftRoutes, this.parts.length);
    const rightGroups = groupRows(rightRoutes, this.parts.length);
    const work: [JoinPart, SideDelta, SideDelta][] = [];
    // Parts go in alternating order from step to step. Under least recently
    // used eviction, bulk changes (backfill chunks) that touch every part in
    // the same order would find each part just written out; reversing the
    // order starts each step with the parts the last one left in memory.
    this.forward = !this.forward;
    for (let at = 0; at < this.parts.length; at++) {
      const part = this.parts[this.forward ? at : this.parts.length - 1 - at]!;
      const l = leftGroups.rowsOf(part.index);
      const r = rightGroups.rowsOf(part.index);
      if (l.length === 0 && r.length === 0) continue;
      work.push([part, subset(dl, l), subset(dr, r)]);
    }
    return this.stepParts(work, stepPart);
  }

  /** Writes a part to a scratch file and drops its arrangements (the budget calls this). */
  spill(part: JoinPart): void {
    assert(this.budget !== null && part.resident, 'spill of a part that cannot spill');
    const left = part.left!.live();
    const right = part.right!.live();
    const leftBytes = encodeBatch(withMatch(left.batch, left.match));
    const rightBytes = encodeBatch(withMatch(right.batch, right.match));
    const bytes = new Uint8Array(leftBytes.length + rightBytes.length);
    bytes.set(leftBytes, 0);
    bytes.set(rightBytes, leftBytes.length);
    part.file = this.budget.write(bytes);
    part.coldRows = left.batch.length + right.batch.length;
    part.left = null;
    part.right = null;
  }

  /** Deletes the parts' files and stops counting them (the view is dropped). */
  dispose(): void {
    if (this.budget === null) return;
    for (const p of this.parts) {
      this.budget.forget(p);
      if (p.file !== null) this.budget.remove(p.file);
    }
  }

  private stepParts(work: readonly [JoinPart, SideDelta, SideDelta][], stepPart: PartStep): ZBatch {
    const outputs: ZBatch[] = [];
    let done = 0;
    try {
      for (; done < work.length; done++) {
        const [part, l, r] = work[done]!;
        this.load(part);
        outputs.push(stepPart(part.left!, part.right!, l, r));
        this.used(part);
      }
    } catch (err) {
      for (let i = done - 1; i >= 0; i--) {
        const [part, l, r] = work[i]!;
        this.load(part);
        stepPart(part.left!, part.right!, negate(l), negate(r));
        this.used(part);
      }
      throw err;
    }
    if (this.budget !== null) {
      for (const [part] of work) {
        if (!part.resident || part.depth >= MAX_DEPTH) continue;
        const bytes = part.estimateBytes();
        if (bytes > this.budget.partLimit && bytes > part.splitAt) this.split(part, bytes);
      }
    }
    return outputs.length === 1 ? outputs[0]! : concatBatches(this.outputTypes, outputs);
  }

  private used(part: JoinPart): void {
    if (this.budget === null) return;
    this.budget.use(part, part.estimateBytes());
    this.budget.settle(part);
  }

  private load(part: JoinPart): void {
    if (part.resident) return;
    const bytes = this.budget!.take(part.file!);
    part.file = null;
    const left = decodeBatch(bytes, 0);
    const right = decodeBatch(bytes, left.end);
    [part.left, part.right] = this.fresh();
    insertSide(part.left, left.batch, (b) => this.keysOf('left', b));
    insertSide(part.right, right.batch, (b) => this.keysOf('right', b));
  }

  /**
   * Replaces `part` (holding `bytes`) by two parts of depth + 1, dividing its
   * rows by their next route bit; leaves it whole when every row has the same
   * bit (it tries again at twice the size).
   */
  private split(part: JoinPart, bytes: number): void {
    const left = part.left!.live();
    const right = part.right!.live();
    const l = this.keysOf('left', left.batch);
    const r = this.keysOf('right', right.batch);
    const bit = 31 - part.depth;
    const leftBits = routeBits(l.hashes, left.batch.length, bit);
    const rightBits = routeBits(r.hashes, right.batch.length, bit);
    const ones = countOnes(leftBits) + countOnes(rightBits);
    if (ones === 0 || ones === left.batch.length + right.batch.length) {
      part.splitAt = 2 * bytes;
      return;
    }
    const halves = [new JoinPart(part.depth + 1, this, this.fresh()), new JoinPart(part.depth + 1, this, this.fresh())] as const;
    for (const b of [0, 1] as const) {
      const lRows = rowsWith(leftBits, b);
      const rRows = rowsWith(rightBits, b);
      halves[b].left!.insertLive(subset(l, lRows), gatherInt32(left.match, lRows));
      halves[b].right!.insertLive(subset(r, rRows), gatherInt32(right.match, rRows));
    }
    if (part.depth === this.depth) {
      this.directory = this.directory.flatMap((p) => [p, p]);
      this.depth++;
    }
    const shift = this.depth - part.depth - 1;
    for (let i = 0; i < this.directory.length; i++) {
      if (this.directory[i] === part) this.directory[i] = halves[(i >>> shift) & 1]!;
    }
    // The first half takes the old part's index, the second a new one.
    halves[0].index = part.index;
    this.parts[part.index] = halves[0];
    this.add(halves[1]);
    this.budget!.forget(part);
    this.used(halves[0]);
    this.used(halves[1]);
  }

  private add(part: JoinPart): void {
    part.index = this.parts.length;
    this.parts.push(part);
  }

  private fresh(): [Arrangement, Arrangement] {
    const [leftExpiry, rightExpiry] = this.expiryColumns;
    return [new Arrangement(this.leftTypes, this.keyTypes, leftExpiry), new Arrangement(this.rightTypes, this.keyTypes, rightExpiry)];
  }

  /** Each row's part index. */
  private route(hashes: Int32Array, n: number): Int32Array {
    const out = new Int32Array(n);
    const shift = 32 - this.depth;
    for (let i = 0; i < n; i++) out[i] = this.directory[routeHash(hashes[i]!) >>> shift]!.index;
    return out;
  }
}

function routeHash(hash: number): number {
  return mix32(hash ^ ROUTE_SEED) >>> 0;
}

/** Per row: bit `bit` (31 = most significant) of its route hash. */
function routeBits(hashes: Int32Array, n: number, bit: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (routeHash(hashes[i]!) >>> bit) & 1;
  return out;
}

function countOnes(bits: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bits.length; i++) n += bits[i]!;
  return n;
}

function rowsWith(bits: Uint8Array, value: 0 | 1): Int32Array {
  let n = 0;
  for (let i = 0; i < bits.length; i++) if (bits[i] === value) n++;
  const rows = new Int32Array(n);
  let j = 0;
  for (let i = 0; i < bits.length; i++) if (bits[i] === value) rows[j++] = i;
  return rows;
}

/** Row numbers grouped by part (a counting sort of the routes). */
function groupRows(routes: Int32Array, parts: number): { rowsOf(part: number): Int32Array } {
  const start = new Int32Array(parts + 1);
  for (let i = 0; i < routes.length; i++) start[routes[i]! + 1]!++;
  for (let p = 0; p < parts; p++) start[p + 1]! += start[p]!;
  const fill = start.slice(0, parts);
  const order = new Int32Array(routes.length);
  for (let i = 0; i < routes.length; i++) order[fill[routes[i]!]!++] = i;
  return { rowsOf: (part) => order.subarray(start[part]!, start[part + 1]!) };
}

/** The rows `rows` of a side's delta, keys included. */
function subset(d: SideDelta, rows: Int32Array): SideDelta {
  if (rows.length === d.batch.length) return d;
  return {
    batch: gatherBatch(d.batch, rows),
    keys: d.keys.map((c) => gatherColumn(c, rows)),
    hashes: gatherInt32(d.hashes, rows),
    matchable: gatherUint8(d.matchable, rows),
  };
}

function gatherUint8(values: Uint8Array, rows: Int32Array): Uint8Array {
  const out = new Uint8Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]!]!;
  return out;
}

function negate(d: SideDelta): SideDelta {
  return { ...d, batch: negateBatch(d.batch) };
}

function gatherInt32(values: Int32Array, rows: Int32Array): Int32Array {
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]!]!;
  return out;
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
