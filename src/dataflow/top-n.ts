// TopN: ORDER BY ... LIMIT n OFFSET m, optionally per partition. Stateful.
// Keeps every input row (one slot per distinct row, with its multiplicity)
// and, per partition, an order-statistic tree of those slots ordered by the
// sort keys, ties broken by the remaining columns ascending (NULLs last), so
// the window is a well-defined multiset. A row of weight w occupies w ranks.
// Invariant: the accumulated output holds exactly the rows whose ranks in
// their partition fall in [offset, offset + limit).
// Cost: per changed row, O(log n) for its rank plus the rows entering or
// leaving the window (at most one row pushed in or out per unit of weight),
// never the partition's size. A batch that changes at least as many rows as
// a partition holds (a backfill) rebuilds that partition with one sort.

import type { SqlType } from '../common/sql-type.js';
import { assert } from '../common/assert.js';
import { EngineError, SqlState } from '../common/errors.js';
import { KeyedRows } from '../columnar/keyed-rows.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { emptyBatch } from '../columnar/z-batch.js';
import { compareDoubles, compareText } from '../expr/functions/comparison.js';
import type { Operator, OperatorInfo } from './operator.js';
import { TopNOrderTree } from './top-n-order-tree.js';
import type { StateReader, StateWriter } from '../storage/state-codec.js';

export interface TopNSortKey {
  readonly column: number;
  readonly descending: boolean;
  /** Absolute placement of NULLs (PostgreSQL's default: true for DESC, false for ASC). */
  readonly nullsFirst: boolean;
}

const NIL = -1;
/**
 * A partition changed in at least this many rows, and in at least as many as
 * it holds, is rebuilt (sort + linear build, old and new window compared)
 * instead of updated row by row: a backfill costs one sort, not n tree inserts.
 */
const BULK_MIN_ROWS = 64;

export class TopNOperator implements Operator {
  readonly outputTypes: readonly SqlType[];
  /** Comparisons made so far: lets tests and benchmarks check cost without timing. */
  comparisonCount = 0;
  /** Every distinct input row; its count is the row's accumulated multiplicity. */
  private readonly rows: KeyedRows;
  /** Partition keys; a partition's count is the number of its rows with a non-zero count. null: one global partition. */
  private readonly partitions: KeyedRows | null;
  private roots: Int32Array = new Int32Array(64).fill(NIL);
  private readonly tree: TopNOrderTree;
  /** Per row slot: its partition slot. */
  private rowPartition: Int32Array = new Int32Array(64);
  /** Per row slot: the batch's net weight, and the step that last set it. */
  private delta: Int32Array = new Int32Array(64);
  private deltaAt: Int32Array = new Int32Array(64);
  /** Per row slot: the step's net output weight, and the step that last set it. */
  private out: Float64Array = new Float64Array(64);
  private outAt: Int32Array = new Int32Array(64);
  private outList: number[] = [];
  /** Per partition slot: rows changed in this step, and the step that last set it. */
  private partChanged: Int32Array = new Int32Array(64);
  private partChangedAt: Int32Array = new Int32Array(64);
  private stepNumber = 0;
  /** BULK_MIN_ROWS; a field so tests can drive small batches down the bulk path. */
  private readonly bulkMinRows = BULK_MIN_ROWS;
  /** applyCount's results, in fields: no per-row tuple. */
  private oldWeight = 0;
  private newWeight = 0;
  /** Comparison order: the sort keys, then the other non-partition columns ascending, NULLs last. */
  private readonly cmpColumns: Int32Array;
  private readonly cmpSign: Int8Array;
  private readonly cmpNullsFirst: Uint8Array;
  /** End of the window (exclusive); Infinity without LIMIT. */
  private readonly end: number;

  constructor(
    types: readonly SqlType[],
    readonly partitionColumns: readonly number[],
    readonly sortKeys: readonly TopNSortKey[],
    readonly limit: number | null,
    readonly offset: number,
    /** Column names for EXPLAIN; defaults to #index. */
    private readonly labels: readonly string[] = types.map((_, i) => `#${i}`),
  ) {
    assert(types.length > 0, 'TopN needs at least one column');
    for (const c of [...partitionColumns, ...sortKeys.map((k) => k.column)]) {
      assert(Number.isInteger(c) && c >= 0 && c < types.length, `TopN column ${c} out of range`);
    }
    if (limit !== null && !(Number.isInteger(limit) && limit >= 0)) {
      throw new EngineError(SqlState.invalidRowCountInLimit, `LIMIT must be a non-negative integer, got ${limit}`);
    }
    if (!(Number.isInteger(offset) && offset >= 0)) {
      throw new EngineError(SqlState.invalidRowCountInOffset, `OFFSET must be a non-negative integer, got ${offset}`);
    }
    this.outputTypes = types;
    this.end = limit === null ? Infinity : offset + limit;
    this.rows = new KeyedRows(types, types.map((_, i) => i));
    this.partitions = partitionColumns.length === 0
      ? null
      : new KeyedRows(partitionColumns.map((c) => types[c]!), partitionColumns.map((_, i) => i));

    const cols: number[] = [];
    const signs: number[] = [];
    const nullsFirst: number[] = [];
    for (const k of sortKeys) {
      cols.push(k.column);
      signs.push(k.descending ? -1 : 1);
      nullsFirst.push(k.nullsFirst ? 1 : 0);
    }
    // Partition columns are equal within a tree, so they never break ties.
    for (let c = 0; c < types.length; c++) {
      if (cols.includes(c) || partitionColumns.includes(c)) continue;
      cols.push(c);
      signs.push(1);
      nullsFirst.push(0);
    }
    this.cmpColumns = Int32Array.from(cols);
    this.cmpSign = Int8Array.from(signs);
    this.cmpNullsFirst = Uint8Array.from(nullsFirst);
    this.tree = new TopNOrderTree((a, b) => this.compareSlots(a, b));
  }

  /** Orders two row slots with PostgreSQL semantics: text by code point, NaN above all doubles. */
  private compareSlots(a: number, b: number): number {
    this.comparisonCount++;
    const columns = this.rows.columns;
    const cmpColumns = this.cmpColumns;
    for (let k = 0; k < cmpColumns.length; k++) {
      const col = columns[cmpColumns[k]!]!;
      if (col.hasNulls) {
        const an = col.isNull(a);
        const bn = col.isNull(b);
        if (an || bn) {
          if (an && bn) continue;
          const nullFirst = this.cmpNullsFirst[k] === 1;
          return an === nullFirst ? -1 : 1;
        }
      }
      const values = col.values;
      const c = Array.isArray(values)
        ? compareText(values[a]!, values[b]!)
        : compareDoubles(values[a]!, values[b]!);
      if (c !== 0) return c * this.cmpSign[k]!;
    }
    return 0;
  }

  step(input: ZBatch): ZBatch {
    assert(input.columns.length === this.outputTypes.length, 'TopN input width differs from its types');
    const n = input.length;
    // LIMIT 0 never outputs anything, so it needs no state.
    if (n === 0 || this.limit === 0) return emptyBatch(this.outputTypes);
    const rows = this.rows;
    const slots = rows.findOrAddKeys(input.columns, n);
    let partSlots: Int32Array;
    if (this.partitions === null) partSlots = new Int32Array(n);
    else partSlots = this.partitions.findOrAddKeys(this.partitionColumns.map((c) => input.columns[c]!), n);
    this.ensureCapacity(rows.size, this.partitions?.size ?? 1);

    // Net weight per distinct row: one tree update per changed row.
    const step = ++this.stepNumber;
    const touched: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = slots[i]!;
      if (this.deltaAt[s] !== step) {
        this.deltaAt[s] = step;
        this.delta[s] = 0;
        this.rowPartition[s] = partSlots[i]!;
        touched.push(s);
      }
      this.delta[s]! += input.weights[i]!;
    }

    // Rows changed per partition, to pick the bulk path where it pays.
    const changedRows: number[] = [];
    const changedParts: number[] = [];
    for (const s of touched) {
      if (this.delta[s] === 0) continue;
      changedRows.push(s);
      const p = this.rowPartition[s]!;
      if (this.partChangedAt[p] !== step) {
        this.partChangedAt[p] = step;
        this.partChanged[p] = 0;
        changedParts.push(p);
      }
      this.partChanged[p]!++;
    }
    const bulk = new Map<number, number[]>();
    for (const p of changedParts) {
      const held = this.partitions === null ? rows.live : this.partitions.counts[p]!;
      const k = this.partChanged[p]!;
      if (k >= this.bulkMinRows && k >= held) bulk.set(p, []);
    }

    this.outList = [];
    for (const s of changedRows) {
      const list = bulk.get(this.rowPartition[s]!);
      if (list !== undefined) list.push(s);
      else {
        this.applyCount(s);
        if (this.oldWeight !== this.newWeight) this.change(s, this.rowPartition[s]!, this.oldWeight, this.newWeight, step);
      }
    }
    for (const [p, list] of bulk) this.rebuild(p, list, step);

    const emit: number[] = [];
    const weights: number[] = [];
    for (const s of this.outList) {
      const w = this.out[s]!;
      if (w === 0) continue;
      emit.push(s);
      weights.push(w);
    }
    const output: ZBatch = {
      columns: rows.gather(Int32Array.from(emit)),
      weights: Int32Array.from(weights),
      length: emit.length,
    };
    // Free rows and partitions left empty, so state tracks the live input.
    const dead = touched.filter((s) => rows.counts[s] === 0);
    if (this.partitions !== null) this.partitions.release(dead.map((s) => this.rowPartition[s]!));
    rows.release(dead);
    return output;
  }

  /** Adds the step's net weight to row `s`; sets oldWeight/newWeight, its weights in the order (negative counts rank as 0). */
  private applyCount(s: number): void {
    const before = this.rows.counts[s]!;
    const after = this.rows.addCount(s, this.delta[s]!);
    if (this.partitions !== null) {
      if (before === 0) this.partitions.addCount(this.rowPartition[s]!, 1);
      else if (after === 0) this.partitions.addCount(this.rowPartition[s]!, -1);
    }
    // Negative multiplicities (only from an inconsistent upstream) rank as 0.
    this.oldWeight = before > 0 ? before : 0;
    this.newWeight = after > 0 ? after : 0;
  }

  /**
   * The bulk path for partition `p`, changed in rows `changed`: retracts the
   * old window, sorts the partition's rows afresh and builds its tree in one
   * pass, then emits the new window. O(m log m) for the m rows involved.
   */
  private rebuild(p: number, changed: readonly number[], step: number): void {
    const tree = this.tree;
    const oldRoot = this.roots[p]!;
    tree.forEachInRange(oldRoot, this.offset, this.end, (slot, overlap) => this.emit(slot, -overlap, step));
    const members: number[] = [];
    tree.collect(oldRoot, members);
    for (const s of changed) {
      this.applyCount(s);
      if (this.oldWeight === 0 && this.newWeight > 0) members.push(s);
    }
    const counts = this.rows.counts;
    const kept = Int32Array.from(members.filter((s) => counts[s]! > 0));
    kept.sort((a, b) => this.compareSlots(a, b));
    const weights = new Float64Array(kept.length);
    for (let i = 0; i < kept.length; i++) weights[i] = counts[kept[i]!]!;
    const root = tree.build(kept, weights);
    this.roots[p] = root;
    tree.forEachInRange(root, this.offset, this.end, (slot, overlap) => this.emit(slot, overlap, step));
  }

  /**
   * Row `s` of partition `p` goes from weight oldW to newW. Emits the window's
   * change, computed on the tree before the update: the rows after `s` shift
   * by newW - oldW ranks, so only ranges of that length at the window's edges
   * change hands. Every range below is in ranks of the old order.
   */
  private change(s: number, p: number, oldW: number, newW: number, step: number): void {
    const tree = this.tree;
    const root = this.roots[p]!;
    const o = this.offset;
    const e = this.end;
    // The copies of s up to the smaller weight keep their ranks; the change happens at q.
    const q = tree.rank(root, s) + Math.min(oldW, newW);
    const a = Math.max(o, q);
    const emitRange = (from: number, to: number, w: number): void => {
      tree.forEachInRange(root, from, to, (slot, overlap) => this.emit(slot, w * overlap, step));
    };
    if (a < e) {
      if (newW > oldW) {
        const d = newW - oldW;
        // New copies of s at ranks [q, q + d); old rows from q on move d ranks down.
        const copies = Math.min(e, q + d) - a;
        if (copies > 0) this.emit(s, copies, step);
        // Window's old rows now at or after q: was [a, e), now [max(o - d, q), e - d).
        const from = Math.max(o - d, q);
        emitRange(from, Math.min(e - d, a), 1);
        emitRange(Math.max(e - d, a), e, -1);
      } else {
        const d = oldW - newW;
        // Old ranks [q, q + d) (copies of s) vanish; later rows move d ranks up:
        // the window's part at or after q was [a, e), now old ranks [a + d, e + d).
        emitRange(a, Math.min(e, a + d), -1);
        emitRange(Math.max(e, a + d), e + d, 1);
      }
    }
    if (oldW === 0) this.roots[p] = tree.insert(root, s, newW);
    else if (newW === 0) this.roots[p] = tree.remove(root, s);
    else tree.reweight(root, s, newW);
  }

  private emit(slot: number, w: number, step: number): void {
    if (this.outAt[slot] !== step) {
      this.outAt[slot] = step;
      this.out[slot] = 0;
      this.outList.push(slot);
    }
    this.out[slot]! += w;
  }

  private ensureCapacity(rowSlots: number, partitionSlots: number): void {
    this.tree.ensureCapacity(rowSlots);
    if (partitionSlots > this.roots.length) {
      let cap = this.roots.length * 2;
      while (cap < partitionSlots) cap *= 2;
      const roots = new Int32Array(cap).fill(NIL);
      roots.set(this.roots);
      this.roots = roots;
      const changed = new Int32Array(cap);
      const changedAt = new Int32Array(cap);
      changedAt.set(this.partChangedAt);
      this.partChanged = changed;
      this.partChangedAt = changedAt;
    }
    if (rowSlots <= this.delta.length) return;
    let cap = this.delta.length * 2;
    while (cap < rowSlots) cap *= 2;
    const growI = (a: Int32Array): Int32Array => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.rowPartition = growI(this.rowPartition);
    this.delta = growI(this.delta);
    this.deltaAt = growI(this.deltaAt);
    this.outAt = growI(this.outAt);
    const out = new Float64Array(cap);
    out.set(this.out);
    this.out = out;
  }

  describe(): OperatorInfo {
    const order = this.sortKeys
      .map((k) => `${this.labels[k.column]}${k.descending ? ' DESC' : ''}${k.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST'}`)
      .join(', ');
    const parts: string[] = [];
    if (this.partitionColumns.length > 0) parts.push(`partition by ${this.partitionColumns.map((c) => this.labels[c]).join(', ')}`);
    if (order !== '') parts.push(`order by ${order}`);
    if (this.limit !== null) parts.push(`limit ${this.limit}`);
    if (this.offset > 0) parts.push(`offset ${this.offset}`);
    return {
      name: 'TopN',
      detail: parts.join(' '),
      state: 'per partition: rows ordered by the sort key',
      cost: 'O(log n) per changed row plus rows entering/leaving the top-N',
    };
  }

  inputRows(): KeyedRows {
    return this.rows;
  }

  /** Checkpoints: the input rows; loadState rebuilds the order from them (exact: ties are broken by every column). */
  saveState(out: StateWriter): void {
    out.batch(this.rows.liveRows().batch);
  }

  loadState(input: StateReader): void {
    this.step(input.batch());
  }

  stateSize(): number {
    return this.rows.live;
  }
}
