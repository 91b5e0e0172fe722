// The ranges of a partition whose window outputs a change may alter, kept as
// pairs of bounds that sit between nodes in the window order (before/after a
// node, all instances of a row, or all peers of an ORDER BY key), so ranges
// found in the old tree stay meaningful in the new one. forEachNode merges
// overlapping ranges and visits each node in them once, in order.

import type { WindowRowOrder } from './window-row-order.js';
import type { WindowTree } from './window-tree.js';

const NONE = -1;

/** Bound kinds; every bound lies strictly between nodes. */
const NEG_INF = 0;
const POS_INF = 1;
const PEER_LO = 2;
const PEER_HI = 3;
const ROW_LO = 4;
const ROW_HI = 5;
const NODE_LO = 6;
const NODE_HI = 7;

export class WindowIntervals {
  private readonly loKind: number[] = [];
  private readonly loRef: number[] = [];
  private readonly hiKind: number[] = [];
  private readonly hiRef: number[] = [];

  constructor(
    private readonly order: WindowRowOrder,
    private readonly tree: WindowTree,
  ) {}

  get count(): number {
    return this.loKind.length;
  }

  private add(lk: number, lr: number, hk: number, hr: number): void {
    this.loKind.push(lk);
    this.loRef.push(lr);
    this.hiKind.push(hk);
    this.hiRef.push(hr);
  }

  /** Every node. */
  addAll(): void {
    this.add(NEG_INF, NONE, POS_INF, NONE);
  }

  /** Just node x. */
  addNode(x: number): void {
    this.add(NODE_LO, x, NODE_HI, x);
  }

  /** Nodes first..last (inclusive). */
  addNodeRange(first: number, last: number): void {
    this.add(NODE_LO, first, NODE_HI, last);
  }

  /** The nodes after every instance of row `after`, through every instance of row `through` (or to the end). */
  addRowRange(after: number, through: number): void {
    this.add(ROW_HI, after, through === NONE ? POS_INF : ROW_HI, through);
  }

  /** The nodes after every peer of row `after`, through every peer of row `through` (or to the end). */
  addPeerRange(after: number, through: number): void {
    this.add(PEER_HI, after, through === NONE ? POS_INF : PEER_HI, through);
  }

  /** The row slot a bound refers to. */
  private slotOf(kind: number, ref: number): number {
    return kind >= NODE_LO ? this.tree.slot[ref]! : ref;
  }

  /** Bound vs node: never 0, since bounds sit between nodes. */
  private compareToNode(kind: number, ref: number, x: number): number {
    if (kind === NEG_INF) return -1;
    if (kind === POS_INF) return 1;
    const tree = this.tree;
    const slot = this.slotOf(kind, ref);
    const xs = tree.slot[x]!;
    if (kind === PEER_LO || kind === PEER_HI) {
      const c = this.order.compareKeys(slot, xs);
      return c !== 0 ? c : kind === PEER_LO ? -1 : 1;
    }
    const c = this.order.compareRows(slot, xs);
    if (c !== 0) return c;
    if (kind === ROW_LO) return -1;
    if (kind === ROW_HI) return 1;
    const d = tree.seq[ref]! - tree.seq[x]!;
    if (d !== 0) return d < 0 ? -1 : 1;
    return kind === NODE_LO ? -1 : 1;
  }

  private compareBounds(ak: number, ar: number, bk: number, br: number): number {
    if (ak === NEG_INF || bk === POS_INF) return ak === bk ? 0 : -1;
    if (ak === POS_INF || bk === NEG_INF) return 1;
    const as = this.slotOf(ak, ar);
    const bs = this.slotOf(bk, br);
    const c = this.order.compareKeys(as, bs);
    if (c !== 0) return c;
    // Within one peer group: PEER_LO first, PEER_HI last, rows in between.
    const ao = ak === PEER_LO ? -1 : ak === PEER_HI ? 1 : 0;
    const bo = bk === PEER_LO ? -1 : bk === PEER_HI ? 1 : 0;
    if (ao !== bo) return ao - bo;
    if (ao !== 0) return 0;
    const t = this.order.compareTies(as, bs);
    if (t !== 0) return t;
    // Within one row: ROW_LO first, ROW_HI last, its instances in between.
    const ar2 = ak === ROW_LO ? -1 : ak === ROW_HI ? 1 : 0;
    const br2 = bk === ROW_LO ? -1 : bk === ROW_HI ? 1 : 0;
    if (ar2 !== br2) return ar2 - br2;
    if (ar2 !== 0) return 0;
    const d = this.tree.seq[ar]! - this.tree.seq[br]!;
    if (d !== 0) return d < 0 ? -1 : 1;
    return (ak === NODE_LO ? -1 : 1) - (bk === NODE_LO ? -1 : 1);
  }

  /** Visits every node inside some range, once, in order, with its position. */
  forEachNode(root: number, visit: (x: number, position: number) => void): void {
    const m = this.loKind.length;
    if (m === 0 || root === NONE) return;
    const idx = Array.from({ length: m }, (_, i) => i);
    idx.sort((a, b) => this.compareBounds(this.loKind[a]!, this.loRef[a]!, this.loKind[b]!, this.loRef[b]!));
    const tree = this.tree;
    let i = 0;
    while (i < m) {
      const first = idx[i]!;
      const lk = this.loKind[first]!;
      const lr = this.loRef[first]!;
      let hk = this.hiKind[first]!;
      let hr = this.hiRef[first]!;
      i++;
      while (i < m) {
        const j = idx[i]!;
        if (this.compareBounds(this.loKind[j]!, this.loRef[j]!, hk, hr) > 0) break;
        if (this.compareBounds(this.hiKind[j]!, this.hiRef[j]!, hk, hr) > 0) {
          hk = this.hiKind[j]!;
          hr = this.hiRef[j]!;
        }
        i++;
      }
      let x = tree.firstNodeWhere(root, (y) => this.compareToNode(lk, lr, y) < 0);
      let p = x === NONE ? 0 : tree.rank(x);
      while (x !== NONE && this.compareToNode(hk, hr, x) > 0) {
        visit(x, p++);
        x = tree.next(x);
      }
    }
  }
}
