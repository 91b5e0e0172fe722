// Window functions (OVER (PARTITION BY ... ORDER BY ... frame)): stateful.
// Output: every input row instance (weight k = k rows) followed by one column
// per call, with PostgreSQL's semantics — peers share RANK and RANGE frames,
// the default frame is RANGE UNBOUNDED PRECEDING .. CURRENT ROW (the whole
// partition without ORDER BY). Ties in ORDER BY are broken by the remaining
// columns (ascending, NULLs last), so ROW_NUMBER, FIRST_VALUE and LAST_VALUE
// among peers — order-dependent in PostgreSQL — are deterministic here.
//
// State: the distinct rows (KeyedRows, with multiplicities), per partition an
// order-statistic treap with one node per row instance (window-tree.ts), and
// each instance's last emitted output. A change finds the rows whose output
// may differ (window-frame.ts, plus prefix counts for the rank functions),
// recomputes only those in O(log n) each, and emits -old +new only where a
// value changed; retractions replay stored outputs, so they always match.

import { isStringBacked } from '../common/sql-type.js';
import type { SqlType } from '../common/sql-type.js';
import { assert } from '../common/assert.js';
import { KeyedRows } from '../columnar/keyed-rows.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { emptyBatch } from '../columnar/z-batch.js';
import type { Operator, OperatorInfo } from './operator.js';
import type { WindowCall, WindowFrame, WindowFunction, WindowOrderKey } from './window-spec.js';
import { checkWindowCall, exactWindow, frameOf, frameText, ignoresFrame, windowCallCost, windowResultType } from './window-spec.js';
import type { CallPlan } from './window-evaluate.js';
import { WindowEvaluator, planCall } from './window-evaluate.js';
import { WindowRowOrder } from './window-row-order.js';
import { WindowTree } from './window-tree.js';
import type { TreeValueColumn } from './window-tree.js';
import { WindowFramer } from './window-frame.js';
import { WindowOutputBuilder } from './window-output.js';
import { WindowIntervals } from './window-intervals.js';
import type { StateReader, StateWriter } from '../storage/state-codec.js';
import { StateUnsupported } from '../storage/state-codec.js';

const NONE = -1;

export class WindowOperator implements Operator {
  readonly outputTypes: readonly SqlType[];
  private readonly rows: KeyedRows;
  private readonly parts: KeyedRows | null;
  private roots = new Int32Array(64).fill(NONE);
  private readonly order: WindowRowOrder;
  private readonly tree: WindowTree;
  private readonly framer: WindowFramer;
  private readonly plans: CallPlan[];
  /** Input column of each tree value column. */
  private readonly argColumns: number[];
  private readonly callTypes: SqlType[];
  private readonly rankLike: boolean;
  private readonly denseRank: boolean;
  /** Per call: the last output emitted for each node. */
  private outNum: Float64Array[];
  private readonly outText: string[][];
  private outNull: Uint8Array[];
  private insertedAt = new Int32Array(64);
  private stepNumber = 0;
  private deltaStamp = new Int32Array(64);
  private delta = new Int32Array(64);
  private readonly evaluator: WindowEvaluator;
  /** Output rows recomputed so far: a work counter for the cost tests. */
  rowsEvaluated = 0;

  constructor(
    inputTypes: readonly SqlType[],
    private readonly partitionBy: readonly number[],
    private readonly orderBy: readonly WindowOrderKey[],
    private readonly calls: readonly WindowCall[],
    private readonly columnNames: readonly string[] = inputTypes.map((_, i) => `#${i}`),
  ) {
    assert(inputTypes.length > 0, 'window input needs a column');
    for (const c of [...partitionBy, ...orderBy.map((k) => k.column)]) assert(c >= 0 && c < inputTypes.length, `window key column ${c} out of range`);
    for (const call of calls) checkWindowCall(call, inputTypes, orderBy);
    this.callTypes = calls.map((c) => windowResultType(c, inputTypes));
    this.outputTypes = [...inputTypes, ...this.callTypes];
    this.rows = new KeyedRows(inputTypes, inputTypes.map((_, i) => i));
    this.parts = partitionBy.length === 0 ? null : new KeyedRows(partitionBy.map((c) => inputTypes[c]!), partitionBy.map((_, i) => i));
    this.order = new WindowRowOrder(this.rows, inputTypes, orderBy, partitionBy);
    const argColumns: number[] = [];
    const valueColumns: { numeric: boolean; sums: boolean; extremes: boolean }[] = [];
    const kOf = (arg: number | null, fn: WindowFunction): number => {
      if (arg === null) return NONE;
      let k = argColumns.indexOf(arg);
      if (k < 0) {
        k = argColumns.push(arg) - 1;
        valueColumns.push({ numeric: !isStringBacked(inputTypes[arg]!), sums: false, extremes: false });
      }
      if (fn === 'sum' || fn === 'avg' || fn === 'count') valueColumns[k]!.sums = true;
      if (fn === 'min' || fn === 'max') valueColumns[k]!.extremes = true;
      return k;
    };
    this.plans = calls.map((c, i) => planCall(c, kOf(c.arg, c.fn), this.callTypes[i]!));
    this.argColumns = argColumns;
    this.rankLike = calls.some((c) => c.fn === 'row_number' || c.fn === 'rank' || c.fn === 'dense_rank');
    this.denseRank = calls.some((c) => c.fn === 'dense_rank');
    this.tree = new WindowTree(valueColumns as TreeValueColumn[], this.denseRank, (x, y) => this.compareNodes(x, y));
    this.framer = new WindowFramer(this.tree, this.order, this.rows);
    this.outNum = calls.map(() => new Float64Array(64));
    this.outText = calls.map(() => []);
    this.outNull = calls.map(() => new Uint8Array(64));
    this.evaluator = new WindowEvaluator(this.plans, this.tree, this.framer);
  }

  /** Node order: the row order, then creation order among instances of one row. */
  private compareNodes(x: number, y: number): number {
    const t = this.tree;
    const c = this.order.compareRows(t.slot[x]!, t.slot[y]!);
    if (c !== 0) return c;
    const d = t.seq[x]! - t.seq[y]!;
    return d < 0 ? -1 : d > 0 ? 1 : 0;
  }

  /** Tree nodes touched so far (descents, rebalancing, walks): the work counter for the cost tests. */
  get treeWork(): number {
    return this.tree.work;
  }

  step(input: ZBatch): ZBatch {
    if (input.length === 0) return emptyBatch(this.outputTypes);
    this.stepNumber++;
    const step = this.stepNumber;
    const n = input.length;
    const slots = this.rows.findOrAddKeys(input.columns, n);
    this.growSlotArrays(this.rows.size);
    // Net change per distinct row; rows whose weights cancel are untouched.
    const touched: number[] = [];
    // (Rows of weight 0 got a dead slot from findOrAddKeys too: release(slots) below recycles them.)
    for (let i = 0; i < n; i++) {
      const w = input.weights[i]!;
      if (w === 0) continue;
      const s = slots[i]!;
      if (this.deltaStamp[s] !== step) {
        this.deltaStamp[s] = step;
        this.delta[s] = 0;
        touched.push(s);
      }
      this.delta[s]! += w;
    }
    const changed = touched.filter((s) => this.delta[s] !== 0);
    for (const s of changed) {
      if (this.rows.counts[s]! + this.delta[s]! < 0) {
        this.rows.release(slots);
        assert(false, 'window input retracts a row it does not hold');
      }
    }
    const partOf = this.partitionSlots(changed);
    // Group the changed rows by partition.
    const byPart = new Map<number, number[]>();
    changed.forEach((s, i) => {
      const p = partOf[i]!;
      const list = byPart.get(p);
      if (list === undefined) byPart.set(p, [s]);
      else list.push(s);
    });
    const out = new WindowOutputBuilder(this.callTypes);
    const removed: number[] = [];
    for (const [p, list] of byPart) this.stepPartition(p, list, out, removed);
    const batch = out.build(this.rows, this.outputTypes);
    for (const s of changed) this.rows.addCount(s, this.delta[s]!);
    this.rows.release(slots);
    for (const x of removed) this.tree.release(x);
    if (this.parts !== null) this.parts.release(byPart.keys());
    return batch;
  }

  /** The partition slot of each changed row (0 for all when there is no PARTITION BY). */
  private partitionSlots(changed: readonly number[]): Int32Array {
    const m = changed.length;
    if (this.parts === null || m === 0) return new Int32Array(m);
    const cols = this.rows.gather(Int32Array.from(changed));
    const keyCols = this.partitionBy.map((c) => cols[c]!);
    const partSlots = this.parts.findOrAddKeys(keyCols, m);
    if (this.roots.length < this.parts.size) {
      const r = new Int32Array(Math.max(this.parts.size, this.roots.length * 2)).fill(NONE);
      r.set(this.roots);
      this.roots = r;
    }
    return partSlots;
  }

  private growSlotArrays(needed: number): void {
    if (needed <= this.delta.length) return;
    let cap = this.delta.length;
    while (cap < needed) cap *= 2;
    const d = new Int32Array(cap); d.set(this.delta); this.delta = d;
    const s = new Int32Array(cap); s.set(this.deltaStamp); this.deltaStamp = s;
  }

  private growNodeArrays(node: number): void {
    if (node < this.insertedAt.length) return;
    let cap = this.insertedAt.length;
    while (cap <= node) cap *= 2;
    const ins = new Int32Array(cap); ins.set(this.insertedAt); this.insertedAt = ins;
    this.outNum = this.outNum.map((a) => { const b = new Float64Array(cap); b.set(a); return b; });
    this.outNull = this.outNull.map((a) => { const b = new Uint8Array(cap); b.set(a); return b; });
  }

  /** Applies one partition's changes (rows sorted in window order) and emits its output changes. */
  private stepPartition(part: number, changedRows: number[], out: WindowOutputBuilder, removed: number[]): void {
    const { tree, order, framer } = this;
    changedRows.sort((a, b) => order.compareRows(a, b));
    let root = this.roots[part]!;
    // A new partition (a backfill, typically): every row is new, so skip finding affected ranges.
    const wasEmpty = root === NONE;
    const intervals = new WindowIntervals(order, tree);
    // Old state: the instances to delete (the last ones of each row) and the rows whose output they reach.
    const deleted: number[] = [];
    for (const s of changedRows) {
      const d = this.delta[s]!;
      if (d >= 0) continue;
      let x = tree.firstNodeWhere(root, (y) => order.compareRows(tree.slot[y]!, s) > 0);
      x = x === NONE ? tree.select(root, tree.size[root]! - 1) : tree.prev(x);
      for (let i = 0; i < -d; i++) {
        assert(x !== NONE && tree.slot[x] === s, 'window row instance missing');
        deleted.push(x);
        x = tree.prev(x);
      }
    }
    framer.resetPeers();
    if (deleted.length > 0) {
      const nOld = tree.size[root]!;
      for (const x of deleted) this.addHolders(intervals, root, tree.rank(x), nOld);
    }
    const oldPeers = this.rankLike ? this.peerCounts(root, changedRows) : null;
    // Apply: retract the deleted instances' stored outputs, then insert the new instances.
    for (const x of deleted) {
      this.pushStored(out, x, -1);
      const succ = this.denseRank ? tree.next(x) : NONE;
      root = tree.remove(x);
      if (succ !== NONE) tree.setHead(succ, this.startsPeerGroup(succ));
      removed.push(x);
    }
    const inserted: number[] = [];
    if (wasEmpty) {
      for (const s of changedRows) {
        for (let i = 0; i < this.delta[s]!; i++) {
          const x = this.allocNode(s);
          this.insertedAt[x] = this.stepNumber;
          if (this.denseRank) {
            const prev = inserted[inserted.length - 1];
            tree.head[x] = prev === undefined || order.compareKeys(tree.slot[prev]!, s) !== 0 ? 1 : 0;
          }
          inserted.push(x);
        }
      }
      root = tree.build(inserted);
    }
    for (const s of wasEmpty ? [] : changedRows) {
      const d = this.delta[s]!;
      for (let i = 0; i < d; i++) {
        const x = this.allocNode(s);
        root = tree.insert(root, x);
        this.insertedAt[x] = this.stepNumber;
        inserted.push(x);
        if (this.denseRank) {
          tree.setHead(x, this.startsPeerGroup(x));
          const succ = tree.next(x);
          if (succ !== NONE) tree.setHead(succ, this.startsPeerGroup(succ));
        }
      }
    }
    this.roots[part] = root;
    if (this.parts !== null) {
      let net = 0;
      for (const s of changedRows) net += this.delta[s]!;
      this.parts.addCount(part, net);
    }
    if (root === NONE) return;
    // New state: rows reached by the inserted instances, and the rank functions' shifted ranges.
    framer.resetPeers();
    const nNew = tree.size[root]!;
    if (wasEmpty) intervals.addAll();
    else {
      for (const x of inserted) {
        intervals.addNode(x);
        this.addHolders(intervals, root, tree.rank(x), nNew);
      }
      if (oldPeers !== null) this.addRankIntervals(intervals, changedRows, oldPeers);
    }
    framer.resetPeers();
    intervals.forEachNode(root, (x, p) => this.evaluate(out, root, x, p, nNew));
  }

  /** A detached node for a new instance of row `slot`, with its argument values copied in. */
  private allocNode(slot: number): number {
    const tree = this.tree;
    const x = tree.alloc(slot);
    this.growNodeArrays(x);
    const cols = this.rows.columns;
    for (let k = 0; k < this.argColumns.length; k++) {
      const col = cols[this.argColumns[k]!]!;
      const isNull = col.isNull(slot);
      tree.isNull[k]![x] = isNull ? 1 : 0;
      if (tree.columns[k]!.numeric) tree.num[k]![x] = isNull ? 0 : (col.values as Float64Array)[slot]!;
      else tree.text[k]![x] = isNull ? '' : (col.values as string[])[slot]!;
    }
    return x;
  }

  /** Whether x's predecessor (if any) has a different ORDER BY key. */
  private startsPeerGroup(x: number): boolean {
    const p = this.tree.prev(x);
    return p === NONE || this.order.compareKeys(this.tree.slot[p]!, this.tree.slot[x]!) !== 0;
  }

  /** Adds the rows whose frames (or LAG/LEAD reach) hold position q. */
  private addHolders(intervals: WindowIntervals, root: number, q: number, n: number): void {
    for (const plan of this.plans) {
      let frame: WindowFrame;
      if (plan.fn === 'lag' || plan.fn === 'lead') {
        const b = plan.shift < 0 ? { kind: 'preceding' as const, offset: -plan.shift } : { kind: 'following' as const, offset: plan.shift };
        frame = { mode: 'rows', start: b, end: b };
      } else if (ignoresFrame(plan.fn)) continue;
      else frame = plan.frame;
      const [first, last] = this.framer.holders(frame, root, q, n);
      if (first !== NONE) intervals.addNodeRange(first, last);
    }
  }

  /** Per peer group of the changed rows (sorted): the number of instances in the tree now. */
  private peerCounts(root: number, changedRows: readonly number[]): number[] {
    const counts: number[] = [];
    for (let i = 0; i < changedRows.length; i++) {
      const s = changedRows[i]!;
      if (i > 0 && this.order.compareKeys(changedRows[i - 1]!, s) === 0) continue;
      this.framer.peers(root, s);
      counts.push(this.framer.peerEnd - this.framer.peerStart + 1);
    }
    return counts;
  }

  /**
   * ROW_NUMBER, RANK and DENSE_RANK of an unchanged row change only when the
   * net count of instances (rows, peers, peer groups) before it changed:
   * ranges between consecutive changes with a non-zero running total.
   */
  private addRankIntervals(intervals: WindowIntervals, changedRows: readonly number[], oldPeers: readonly number[]): void {
    const { order } = this;
    let rows = 0;
    let peers = 0;
    let groups = 0;
    let g = -1;
    let groupDelta = 0;
    for (let i = 0; i < changedRows.length; i++) {
      const s = changedRows[i]!;
      const d = this.delta[s]!;
      const next = changedRows[i + 1];
      rows += d;
      // ROW_NUMBER: rows after s up to the next changed row.
      if (rows !== 0) intervals.addRowRange(s, next ?? NONE);
      const newGroup = i === 0 || order.compareKeys(changedRows[i - 1]!, s) !== 0;
      if (newGroup) {
        g++;
        groupDelta = 0;
      }
      groupDelta += d;
      const lastOfGroup = next === undefined || order.compareKeys(next, s) !== 0;
      if (!lastOfGroup) continue;
      peers += groupDelta;
      const before = oldPeers[g]!;
      groups += (before + groupDelta > 0 ? 1 : 0) - (before > 0 ? 1 : 0);
      // RANK / DENSE_RANK: rows after this peer group up to the next changed peer group, inclusive.
      if (peers !== 0 || (this.denseRank && groups !== 0)) intervals.addPeerRange(s, next ?? NONE);
    }
  }

  private pushStored(out: WindowOutputBuilder, x: number, weight: number): void {
    out.pushStored(this.tree.slot[x]!, weight, this.outNum, this.outText, this.outNull, x);
  }

  /** Computes x's outputs (position p of n) and emits the difference from its stored ones. */
  private evaluate(out: WindowOutputBuilder, root: number, x: number, p: number, n: number): void {
    this.rowsEvaluated++;
    this.evaluator.compute(root, x, p, n);
    const { tree } = this;
    const { num, text, isNull } = this.evaluator;
    const slot = tree.slot[x]!;
    if (this.insertedAt[x] !== this.stepNumber) {
      if (this.sameAsStored(x)) return;
      this.pushStored(out, x, -1);
    }
    for (let c = 0; c < this.plans.length; c++) {
      this.outNull[c]![x] = isNull[c]!;
      if (this.plans[c]!.text) this.outText[c]![x] = text[c]!;
      else this.outNum[c]![x] = num[c]!;
    }
    out.pushFresh(slot, 1, num, text, isNull);
  }

  private sameAsStored(x: number): boolean {
    for (let c = 0; c < this.plans.length; c++) {
      const isNull = this.evaluator.isNull[c]!;
      if (this.outNull[c]![x] !== isNull) return false;
      if (isNull === 1) continue;
      if (this.plans[c]!.text) {
        if (this.outText[c]![x] !== this.evaluator.text[c]) return false;
      } else {
        const a = this.outNum[c]![x]!;
        const b = this.evaluator.num[c]!;
        if (a !== b && !(a !== a && b !== b)) return false;
      }
    }
    return true;
  }

  describe(): OperatorInfo {
    const names = this.columnNames;
    const parts = this.partitionBy.length === 0 ? '' : `PARTITION BY ${this.partitionBy.map((c) => names[c]).join(', ')} `;
    const orderText = this.orderBy.length === 0 ? '' : `ORDER BY ${this.orderBy.map((k) => `${names[k.column]}${k.descending ? ' DESC' : ''}${k.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST'}`).join(', ')}`;
    const calls = this.calls.map((c) => `${c.label ?? c.fn}${ignoresFrame(c.fn) ? '' : ` ${frameText(frameOf(c))}`}`).join(', ');
    return {
      name: 'Window',
      detail: `${calls} OVER (${parts}${orderText})`.replace('( ', '(').replace(' )', ')'),
      state:
        'the distinct input rows with multiplicities; per partition an order-statistic treap with one node per row instance ' +
        '(subtree size, and per argument the sum, non-NULL count, MIN and MAX); each instance\'s last output',
      cost: ['O(log n) per changed row to update the partition tree (n = partition rows)', ...this.calls.map(windowCallCost)].join('; '),
    };
  }

  inputRows(): KeyedRows {
    return this.rows;
  }

  /**
   * Checkpoints: the input rows, from which loadState rebuilds the trees —
   * exact when the values do not depend on the order rows arrived in, the
   * only windows saved (a rebuilt double sum could differ in its last bit
   * from the one already emitted, which a later retraction must match).
   */
  saveState(out: StateWriter): void {
    if (!exactWindow(this.calls, this.outputTypes.slice(0, this.outputTypes.length - this.callTypes.length))) {
      throw new StateUnsupported('a window sum or average of non-integers (rebuilt, it could differ in the last bit)');
    }
    out.batch(this.rows.liveRows().batch);
  }

  loadState(input: StateReader): void {
    this.step(input.batch());
  }

  stateSize(): number {
    return this.tree.liveNodes;
  }
}
