// An order-statistic forest over integer slots: each tree (one per TopN
// partition) keeps its slots in the order a caller-supplied comparator gives,
// each slot with a positive weight (its multiplicity), and every node knows
// its subtree's total weight. So inserting, removing or reweighting a slot,
// finding a slot's rank (total weight before it) and walking the slots that
// cover a rank range all cost O(log n) expected (plus the slots walked).
// Balanced as a treap: random priorities, heap-ordered, in typed arrays
// indexed by slot (no per-node objects).

import { assert } from '../common/assert.js';

const NIL = -1;

/** Deterministic xorshift32: reproducible shapes, no dependence on Math.random. */
function nextRandom(state: number): number {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return state | 0;
}

export class TopNOrderTree {
  private left: Int32Array = new Int32Array(64).fill(NIL);
  private right: Int32Array = new Int32Array(64).fill(NIL);
  private priority: Int32Array = new Int32Array(64);
  private weight: Float64Array = new Float64Array(64);
  /** Total weight of the subtree rooted at the slot. */
  private sum: Float64Array = new Float64Array(64);
  private random = 0x2545_f491;

  /** `compare(a, b)` < 0 when slot a sorts before slot b; never 0 for distinct slots. */
  constructor(private readonly compare: (a: number, b: number) => number) {}

  /** Makes room for slots below `size`. */
  ensureCapacity(size: number): void {
    if (size <= this.left.length) return;
    let cap = this.left.length * 2;
    while (cap < size) cap *= 2;
    const growI = (a: Int32Array, fill: number): Int32Array => {
      const b = new Int32Array(cap).fill(fill);
      b.set(a);
      return b;
    };
    const growF = (a: Float64Array): Float64Array => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.left = growI(this.left, NIL);
    this.right = growI(this.right, NIL);
    this.priority = growI(this.priority, 0);
    this.weight = growF(this.weight);
    this.sum = growF(this.sum);
  }

  weightOf(slot: number): number {
    return this.weight[slot]!;
  }

  totalWeight(root: number): number {
    return root === NIL ? 0 : this.sum[root]!;
  }

  /**
   * Total weight of the slots that sort before `slot` in the tree at `root`.
   * `slot` itself need not be in the tree (its values must be readable by the
   * comparator).
   */
  rank(root: number, slot: number): number {
    let before = 0;
    let node = root;
    while (node !== NIL) {
      if (node === slot) return before + this.totalWeight(this.left[node]!);
      if (this.compare(slot, node) < 0) node = this.left[node]!;
      else {
        before += this.totalWeight(this.left[node]!) + this.weight[node]!;
        node = this.right[node]!;
      }
    }
    return before;
  }

  /**
   * Builds a tree from slots already in comparator order, with their weights
   * (> 0), in O(k): the bulk path, instead of k inserts at O(log k) each.
   * Returns its root. The slots must not be in any tree.
   */
  build(sorted: Int32Array, weights: Float64Array): number {
    // A treap is the Cartesian tree of its priorities: one stack pass builds it.
    const stack = new Int32Array(sorted.length);
    let top = 0;
    const priority = this.priority;
    for (let i = 0; i < sorted.length; i++) {
      const x = sorted[i]!;
      this.random = nextRandom(this.random);
      priority[x] = this.random;
      this.weight[x] = weights[i]!;
      this.right[x] = NIL;
      let last = NIL;
      while (top > 0 && priority[stack[top - 1]!]! < priority[x]!) last = stack[--top]!;
      this.left[x] = last;
      if (top > 0) this.right[stack[top - 1]!] = x;
      stack[top++] = x;
    }
    if (top === 0) return NIL;
    const root = stack[0]!;
    this.fixSums(root);
    return root;
  }

  private fixSums(node: number): number {
    if (node === NIL) return 0;
    const s = this.weight[node]! + this.fixSums(this.left[node]!) + this.fixSums(this.right[node]!);
    this.sum[node] = s;
    return s;
  }

  /** Appends the tree's slots to `out` in order. */
  collect(node: number, out: number[]): void {
    if (node === NIL) return;
    this.collect(this.left[node]!, out);
    out.push(node);
    this.collect(this.right[node]!, out);
  }

  /** Adds `slot` (not in any tree) with weight w > 0; returns the new root. */
  insert(root: number, slot: number, w: number): number {
    assert(w > 0, 'order tree weights must be positive');
    this.random = nextRandom(this.random);
    this.priority[slot] = this.random;
    this.weight[slot] = w;
    this.sum[slot] = w;
    this.left[slot] = NIL;
    this.right[slot] = NIL;
    return this.insertAt(root, slot);
  }

  private insertAt(node: number, slot: number): number {
    if (node === NIL) return slot;
    if (this.priority[slot]! > this.priority[node]!) {
      this.split(node, slot);
      this.left[slot] = this.splitLeft;
      this.right[slot] = this.splitRight;
      this.update(slot);
      return slot;
    }
    if (this.compare(slot, node) < 0) this.left[node] = this.insertAt(this.left[node]!, slot);
    else this.right[node] = this.insertAt(this.right[node]!, slot);
    this.sum[node]! += this.weight[slot]!;
    return node;
  }

  private splitLeft = NIL;
  private splitRight = NIL;

  /** Splits the subtree at `node` into slots before `slot` (splitLeft) and after it (splitRight). */
  private split(node: number, slot: number): void {
    if (node === NIL) {
      this.splitLeft = NIL;
      this.splitRight = NIL;
      return;
    }
    if (this.compare(slot, node) < 0) {
      this.split(this.left[node]!, slot);
      this.left[node] = this.splitRight;
      this.update(node);
      this.splitRight = node;
    } else {
      this.split(this.right[node]!, slot);
      this.right[node] = this.splitLeft;
      this.update(node);
      this.splitLeft = node;
    }
  }

  /** Removes `slot` (which must be in the tree); returns the new root. */
  remove(root: number, slot: number): number {
    assert(root !== NIL, 'removing a slot from an empty order tree');
    if (root === slot) return this.merge(this.left[slot]!, this.right[slot]!);
    if (this.compare(slot, root) < 0) this.left[root] = this.remove(this.left[root]!, slot);
    else this.right[root] = this.remove(this.right[root]!, slot);
    this.sum[root]! -= this.weight[slot]!;
    return root;
  }

  private merge(a: number, b: number): number {
    if (a === NIL) return b;
    if (b === NIL) return a;
    if (this.priority[a]! > this.priority[b]!) {
      this.right[a] = this.merge(this.right[a]!, b);
      this.update(a);
      return a;
    }
    this.left[b] = this.merge(a, this.left[b]!);
    this.update(b);
    return b;
  }

  /** Changes the weight of `slot` (in the tree) to w > 0, fixing sums on its path. */
  reweight(root: number, slot: number, w: number): void {
    assert(w > 0, 'order tree weights must be positive');
    const d = w - this.weight[slot]!;
    this.weight[slot] = w;
    let node = root;
    for (;;) {
      assert(node !== NIL, 'reweighting a slot that is not in the order tree');
      this.sum[node]! += d;
      if (node === slot) return;
      node = this.compare(slot, node) < 0 ? this.left[node]! : this.right[node]!;
    }
  }

  /**
   * Calls `visit(slot, overlap)` for each slot whose rank interval
   * [rank, rank + weight) overlaps [from, to), in order, with the overlap's
   * length. Cost: O(depth + slots visited).
   */
  forEachInRange(root: number, from: number, to: number, visit: (slot: number, overlap: number) => void): void {
    if (from < to) this.walk(root, 0, from, to, visit);
  }

  private walk(node: number, base: number, from: number, to: number, visit: (slot: number, overlap: number) => void): void {
    if (node === NIL || base >= to || base + this.sum[node]! <= from) return;
    const l = this.left[node]!;
    this.walk(l, base, from, to, visit);
    const start = base + this.totalWeight(l);
    const end = start + this.weight[node]!;
    const overlap = Math.min(end, to) - Math.max(start, from);
    if (overlap > 0) visit(node, overlap);
    this.walk(this.right[node]!, end, from, to, visit);
  }

  private update(node: number): void {
    this.sum[node] = this.weight[node]! + this.totalWeight(this.left[node]!) + this.totalWeight(this.right[node]!);
  }
}
