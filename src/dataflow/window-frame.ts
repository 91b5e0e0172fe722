// Frame positions of a window call inside one partition's tree: where a row's
// frame starts and ends (ROWS by position, RANGE by peers or by an offset on
// the single numeric ORDER BY key, with PostgreSQL's in_range rules for NULL,
// NaN and infinities), and the inverse — which rows' frames hold a given
// position — used to find the rows a change affects. Each is O(log n) descents.

import type { KeyedRows } from '../columnar/keyed-rows.js';
import { compareDoubles } from '../expr/functions/comparison.js';
import type { FrameBound, WindowFrame } from './window-spec.js';
import type { WindowRowOrder } from './window-row-order.js';
import type { WindowTree } from './window-tree.js';

const NONE = -1;

/** PostgreSQL's in_range for numbers (in_range_float8_float8; exact for integers too). */
function inRange(val: number, base: number, offset: number, sub: boolean, less: boolean): boolean {
  if (val !== val) return base !== base ? true : !less;
  if (base !== base) return less;
  if (offset === Infinity && (base === Infinity || base === -Infinity) && (sub ? base > 0 : base < 0)) return true;
  const sum = sub ? base - offset : base + offset;
  return less ? compareDoubles(val, sum) <= 0 : compareDoubles(val, sum) >= 0;
}

/** A frame bound as a signed row offset (ROWS frames, LAG/LEAD). */
export function rowOffset(b: FrameBound): number {
  switch (b.kind) {
    case 'unbounded_preceding': return -Infinity;
    case 'preceding': return -b.offset;
    case 'current_row': return 0;
    case 'following': return b.offset;
    case 'unbounded_following': return Infinity;
  }
}

export class WindowFramer {
  /** Peer-group bounds of the last row asked about (positions, inclusive). */
  peerStart = 0;
  peerEnd = -1;
  private peerSlot = NONE;
  private peerRoot = NONE;

  constructor(
    private readonly tree: WindowTree,
    private readonly order: WindowRowOrder,
    private readonly rows: KeyedRows,
  ) {}

  /** Forgets the cached peer group (call whenever the tree may have changed). */
  resetPeers(): void {
    this.peerSlot = NONE;
  }

  /** Sets peerStart/peerEnd for the peers of row `slot` in the tree at `root`. */
  peers(root: number, slot: number): void {
    if (this.peerSlot !== NONE && this.peerRoot === root && this.order.compareKeys(this.peerSlot, slot) === 0) return;
    const { tree, order } = this;
    this.peerStart = tree.firstWhere(root, (y) => order.compareKeys(tree.slot[y]!, slot) >= 0);
    this.peerEnd = tree.firstWhere(root, (y) => order.compareKeys(tree.slot[y]!, slot) > 0) - 1;
    this.peerSlot = slot;
    this.peerRoot = root;
  }

  /**
   * peers() for node x at known position p: a neighbour with another key
   * settles a bound without a descent (the common case of distinct keys).
   */
  peersAt(root: number, x: number, p: number): void {
    const slot = this.tree.slot[x]!;
    if (p < 0) return this.peers(root, slot);
    if (this.peerSlot !== NONE && this.peerRoot === root && this.order.compareKeys(this.peerSlot, slot) === 0) return;
    const { tree, order } = this;
    const prev = tree.prev(x);
    this.peerStart = prev === NONE || order.compareKeys(tree.slot[prev]!, slot) !== 0
      ? p
      : tree.firstWhere(root, (y) => order.compareKeys(tree.slot[y]!, slot) >= 0);
    const next = tree.next(x);
    this.peerEnd = next === NONE || order.compareKeys(tree.slot[next]!, slot) !== 0
      ? p
      : tree.firstWhere(root, (y) => order.compareKeys(tree.slot[y]!, slot) > 0) - 1;
    this.peerSlot = slot;
    this.peerRoot = root;
  }

  /** First position of x's frame (may lie outside 0..n-1; the caller clamps). p < 0: x's position is not known. */
  head(frame: WindowFrame, root: number, x: number, p: number): number {
    const b = frame.start;
    if (b.kind === 'unbounded_preceding') return 0;
    if (frame.mode === 'rows') return p + rowOffset(b);
    const slot = this.tree.slot[x]!;
    if (b.kind === 'current_row' || this.keyIsNull(slot)) {
      this.peersAt(root, x, p);
      return this.peerStart;
    }
    return this.offsetBound(root, slot, b.kind === 'preceding' ? -b.offset : (b as { offset: number }).offset, true);
  }

  /** Last position of x's frame (may lie outside 0..n-1). */
  tail(frame: WindowFrame, root: number, x: number, p: number, n: number): number {
    const b = frame.end;
    if (b.kind === 'unbounded_following') return n - 1;
    if (frame.mode === 'rows') return p + rowOffset(b);
    const slot = this.tree.slot[x]!;
    if (b.kind === 'current_row' || this.keyIsNull(slot)) {
      this.peersAt(root, x, p);
      return this.peerEnd;
    }
    return this.offsetBound(root, slot, b.kind === 'preceding' ? -b.offset : (b as { offset: number }).offset, false);
  }

  private keyIsNull(slot: number): boolean {
    return this.rows.columns[this.order.orderBy[0]!.column]!.isNull(slot);
  }

  /**
   * RANGE offset bound for the (non-NULL) key of row `slot`: the first
   * position in range (isHead) or the last (tail). NULL rows lie beyond every
   * value on their side: they never enter an offset bound of a non-NULL row.
   */
  private offsetBound(root: number, slot: number, signedOffset: number, isHead: boolean): number {
    const key = this.order.orderBy[0]!;
    const col = this.rows.columns[key.column]!;
    const values = col.values as Float64Array;
    const base = values[slot]!;
    const preceding = signedOffset < 0 || Object.is(signedOffset, -0);
    const offset = Math.abs(signedOffset);
    const desc = key.descending;
    const tree = this.tree;
    if (isHead) {
      // PostgreSQL: sub for PRECEDING, frame head is the first row >= base -/+ offset; DESC flips both.
      const sub = preceding !== desc;
      const less = desc;
      return tree.firstWhere(root, (y) => {
        const s = tree.slot[y]!;
        if (col.isNull(s)) return !key.nullsFirst;
        return inRange(values[s]!, base, offset, sub, less);
      });
    }
    const sub = preceding !== desc;
    const less = !desc;
    return tree.firstWhere(root, (y) => {
      const s = tree.slot[y]!;
      if (col.isNull(s)) return !key.nullsFirst;
      return !inRange(values[s]!, base, offset, sub, less);
    }) - 1;
  }

  /**
   * The rows (first and last node, or NONE) whose frame, in the tree as it is
   * now, holds position q: their output may change when the row at q comes or
   * goes. ROWS frames count the current row in (a frame not holding its own
   * row still shifts when a row enters between the two).
   */
  holders(frame: WindowFrame, root: number, q: number, n: number): [number, number] {
    const tree = this.tree;
    if (frame.mode === 'rows') {
      const lo = Math.max(0, q - Math.max(rowOffset(frame.end), 0));
      const hi = Math.min(n - 1, q - Math.min(rowOffset(frame.start), 0));
      if (lo > hi) return [NONE, NONE];
      return [tree.select(root, lo), tree.select(root, hi)];
    }
    // RANGE: tail(u) and head(u) are non-decreasing in u; holders are tail >= q and head <= q.
    this.resetPeers();
    const first = tree.firstNodeWhere(root, (u) => this.tail(frame, root, u, -1, n) >= q);
    if (first === NONE) return [NONE, NONE];
    const afterLast = tree.firstWhere(root, (u) => this.head(frame, root, u, -1) > q);
    if (afterLast === 0) return [NONE, NONE];
    const last = tree.select(root, afterLast - 1);
    if (tree.rank(first) > afterLast - 1) return [NONE, NONE];
    return [first, last];
  }
}
