// The contents of a materialized view: a Z-set of whole rows with their
// multiplicities, indexed so a delta lands in O(1) per row. By default the
// index covers the full row; a view whose rows are unique on some columns (a
// GROUP BY key) may index just those, and then holds each key at most once.
// Reads take a consistent snapshot (the scheduler never reads mid-commit).
//
// Under a state budget (--state-memory) the rows are kept in parts by the
// hash of that key (state-parts.ts), like operator state, so a view with more
// rows than memory holds its least recently changed parts in scratch files. A
// row change (-old +new) keeps its key, so it lands in one part. Reads take
// parts in files without bringing them back into memory (a query over the
// whole view should not push out the parts that changes use), and a one-shot
// query can take them a part at a time (`chunks`).

import type { SqlType } from '../common/sql-type.js';
import { assert } from '../common/assert.js';
import type { Column } from '../columnar/column.js';
import { hashRows } from '../columnar/hash-rows.js';
import { KeyedRows } from '../columnar/keyed-rows.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { concatBatches, emptyBatch, gatherBatch, negateBatch } from '../columnar/z-batch.js';
import type { StateBudget } from '../storage/state-spill.js';
import { StateReader, StateWriter } from '../storage/state-codec.js';
import { rowsWith } from './key-directory.js';
import { PartedState, StatePart } from './state-parts.js';

/** A part's rows of a view delta, with the hashes of their keys. */
interface KeyedDelta {
  readonly batch: ZBatch;
  readonly hashes: Int32Array;
}

class RowsPart extends StatePart {
  rows: KeyedRows | null = null;

  get resident(): boolean {
    return this.rows !== null;
  }

  entries(): number {
    return this.rows!.live;
  }

  estimateBytes(): number {
    return this.rows!.estimateBytes();
  }
}

/** What a part's step returns: the view is the end of its dataflow, so nothing. */
const NO_OUTPUT = emptyBatch([]);

export class MaterializedRows extends PartedState<RowsPart, KeyedDelta> {
  /** True when rows are indexed by a unique key rather than the whole row. */
  private readonly keyed: boolean;
  private readonly keyColumns: readonly number[];

  constructor(
    readonly types: readonly SqlType[],
    /**
     * Columns no two live rows share a value on (null: none known, index the
     * whole row). For performance: a delta row then finds its slot by probing
     * only these columns — one numeric column takes KeyedRows' fast path.
     */
    uniqueKey: readonly number[] | null = null,
    /** The engine's budget for state in memory; null keeps every row in memory in one part. */
    budget: StateBudget | null = null,
  ) {
    super(new RowsPart(0), budget, []);
    this.keyed = uniqueKey !== null && uniqueKey.length > 0 && uniqueKey.length < types.length;
    this.keyColumns = this.keyed ? uniqueKey! : types.map((_, i) => i);
    this.directory.parts[0]!.rows = this.emptyRows();
  }

  apply(delta: ZBatch): void {
    const n = delta.length;
    if (n === 0) return;
    const hashes = hashRows(this.keyColumns.map((k) => delta.columns[k]!), n);
    if (this.directory.single) {
      this.stepParts([[this.directory.parts[0]!, { batch: delta, hashes }]]);
      return;
    }
    this.stepRouted([this.directory.route(hashes, n)], ([rows]) => ({ batch: gatherBatch(delta, rows!), hashes: gatherHashes(hashes, rows!) }));
  }

  /** Every row with its multiplicity as the weight. */
  snapshot(): ZBatch {
    const pieces: ZBatch[] = [];
    this.eachPart((part, bytes) => pieces.push(liveRows(part.rows ?? this.decodeRows(bytes!))));
    return pieces.length === 1 ? pieces[0]! : concatBatches(this.types, pieces);
  }

  /**
   * The snapshot a part at a time (parts in files read one by one), for a
   * one-shot query that feeds its input in pieces (engine/one-shot.ts), so
   * the view's rows are never all in memory at once; null while the rows are
   * in one part. Consume it before the view changes.
   */
  chunks(): Iterable<ZBatch> | null {
    return this.directory.single ? null : this.partChunks();
  }

  private *partChunks(): Generator<ZBatch> {
    for (const [part, bytes] of this.partStates()) yield liveRows(part.rows ?? this.decodeRows(bytes!));
  }

  /** Distinct rows held (a row with multiplicity 3 counts once), in memory and in files. */
  get distinctRows(): number {
    return this.entries;
  }

  protected stepPart(part: RowsPart, delta: KeyedDelta): ZBatch {
    this.applyTo(part.rows!, delta);
    return NO_OUTPUT;
  }

  protected negate(delta: KeyedDelta): KeyedDelta {
    return { batch: negateBatch(delta.batch), hashes: delta.hashes };
  }

  protected encode(part: RowsPart): Uint8Array {
    const out = new StateWriter();
    part.rows!.saveState(out);
    return out.finish();
  }

  protected drop(part: RowsPart): void {
    part.rows = null;
  }

  protected decode(part: RowsPart, bytes: Uint8Array): void {
    part.rows = this.decodeRows(bytes);
  }

  protected override savePart(part: RowsPart, out: StateWriter): void {
    part.rows!.saveState(out);
  }

  protected override loadPart(part: RowsPart, input: StateReader): void {
    part.rows = this.emptyRows();
    part.rows.loadState(input);
  }

  protected emptyPart(depth: number): RowsPart {
    return new RowsPart(depth);
  }

  protected divide(part: RowsPart): readonly [RowsPart, RowsPart] | null {
    const rows = part.rows!;
    const live = rows.liveRows();
    const hashes = gatherHashes(rows.hashes, live.slots);
    const bits = this.directory.splitBits(part, [hashes]);
    if (bits === null) return null;
    const halves = [new RowsPart(part.depth + 1), new RowsPart(part.depth + 1)] as const;
    for (const b of [0, 1] as const) {
      const mine = rowsWith(bits[0]!, b);
      halves[b].rows = this.emptyRows();
      this.applyTo(halves[b].rows!, { batch: gatherBatch(live.batch, mine), hashes: gatherHashes(hashes, mine) });
    }
    return halves;
  }

  private emptyRows(): KeyedRows {
    return new KeyedRows(this.types, this.keyColumns);
  }

  private decodeRows(bytes: Uint8Array): KeyedRows {
    const rows = this.emptyRows();
    const input = new StateReader(bytes);
    rows.loadState(input);
    input.end();
    return rows;
  }

  /** Adds a delta's rows to one store. */
  private applyTo(rows: KeyedRows, delta: KeyedDelta): void {
    const { batch, hashes } = delta;
    const n = batch.length;
    const slots = rows.findOrAdd(batch.columns, hashes, n);
    if (!this.keyed) {
      for (let i = 0; i < n; i++) rows.addCount(slots[i]!, batch.weights[i]!);
    } else {
      // A key identifies at most one live row, so a change arrives as -old +new
      // on one slot: retractions first (each must remove exactly the stored
      // row), then insertions overwrite the freed slot with the new values.
      const weights = batch.weights;
      for (let i = 0; i < n; i++) {
        const w = weights[i]!;
        if (w >= 0) continue;
        const slot = slots[i]!;
        assert(rows.counts[slot]! + w >= 0, 'view delta retracts a row the view does not hold');
        assert(storedRowEquals(rows, slot, batch.columns, i), 'view delta retracts a row that differs from the stored row for its key');
        rows.addCount(slot, w);
      }
      // The new values are written column by column once every count is in.
      const inserted = new Int32Array(n);
      const into = new Int32Array(n);
      let m = 0;
      for (let i = 0; i < n; i++) {
        const w = weights[i]!;
        if (w <= 0) continue;
        const slot = slots[i]!;
        assert(rows.counts[slot] === 0, 'view delta inserts a second row for a key the view holds');
        rows.addCount(slot, w);
        inserted[m] = i;
        into[m++] = slot;
      }
      rows.overwriteRows(into, batch.columns, inserted, m);
    }
    // Rows whose multiplicity fell to zero leave the index; their slots are reused.
    rows.release(slots);
  }
}

/** The store's rows with their multiplicities as weights (each must be positive). */
function liveRows(rows: KeyedRows): ZBatch {
  const { batch } = rows.liveRows();
  for (let j = 0; j < batch.length; j++) {
    const c = batch.weights[j]!;
    assert(c > 0, `view row with non-positive multiplicity ${c}: the dataflow retracted a row it never produced`);
  }
  return batch;
}

/** Whether the stored row at `slot` equals row `row` of the batch on every column (NULL = NULL, NaN = NaN). */
function storedRowEquals(rows: KeyedRows, slot: number, batchColumns: readonly Column[], row: number): boolean {
  const cols = rows.columns;
  for (let c = 0; c < cols.length; c++) {
    const mine = cols[c]!;
    const theirs = batchColumns[c]!;
    const v = theirs.validity;
    const theirsNull = v !== null && ((v[row >>> 3]! >>> (row & 7)) & 1) === 0;
    const mineNull = mine.hasNulls && mine.isNull(slot);
    if (mineNull !== theirsNull) return false;
    if (mineNull) continue;
    const a = mine.values[slot];
    const b = theirs.values[row];
    if (a !== b && !(a !== a && b !== b)) return false;
  }
  return true;
}

function gatherHashes(hashes: Int32Array, rows: Int32Array): Int32Array {
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = hashes[rows[i]!]!;
  return out;
}
