// An order-statistic treap forest: the ordered state of a window operator.
// One tree per partition, one node per row instance (a row of weight k is k
// nodes), all trees sharing one pool of typed arrays. Each node keeps its
// subtree's size and, per argument column, the sum and non-NULL count and the
// nodes holding the minimum and maximum, plus (when DENSE_RANK needs it) a
// count of peer-group heads. So rank, select, frame sums and frame extremes
// are O(log n) descents; insert and remove are O(log n) expected (random
// priorities). `work` counts nodes touched, for tests of the cost claims.

import { compareDoubles, compareText } from '../expr/functions/comparison.js';

/** What the tree aggregates over one argument column. */
export interface TreeValueColumn {
  /** Values are numbers (all non-text types) or strings. */
  readonly numeric: boolean;
  readonly sums: boolean;
  readonly extremes: boolean;
}

const NONE = -1;
const INITIAL_CAPACITY = 64;

export class WindowTree {
  left: Int32Array = new Int32Array(INITIAL_CAPACITY);
  right: Int32Array = new Int32Array(INITIAL_CAPACITY);
  parent: Int32Array = new Int32Array(INITIAL_CAPACITY);
  size: Int32Array = new Int32Array(INITIAL_CAPACITY);
  private prio: Int32Array = new Int32Array(INITIAL_CAPACITY);
  /** The row-store slot of the row this node is an instance of. */
  slot: Int32Array = new Int32Array(INITIAL_CAPACITY);
  /** Creation order: orders instances of one row (later instances after earlier ones). */
  seq: Float64Array = new Float64Array(INITIAL_CAPACITY);
  /** 1 when the node starts a peer group (DENSE_RANK only). */
  head: Uint8Array = new Uint8Array(INITIAL_CAPACITY);
  private heads: Int32Array = new Int32Array(INITIAL_CAPACITY);
  /** Per argument column: the node's own value (numbers or strings) and NULL flag. */
  readonly num: Float64Array[];
  readonly text: string[][];
  readonly isNull: Uint8Array[];
  private readonly sum: Float64Array[];
  private readonly cnt: Int32Array[];
  private readonly mn: Int32Array[];
  private readonly mx: Int32Array[];
  private capacity = INITIAL_CAPACITY;
  private allocated = 0;
  private readonly free: number[] = [];
  private nextSeq = 0;
  private rng = 0x2545f491;
  /** Nodes touched by descents, walks and rebalancing: a work counter, not a clock. */
  work = 0;
  /** Results of the last rangeSum. */
  qSum = 0;
  qCnt = 0;

  constructor(
    readonly columns: readonly TreeValueColumn[],
    private readonly trackHeads: boolean,
    /** The order of two nodes of one partition (never 0 for distinct nodes). */
    private readonly compare: (x: number, y: number) => number,
  ) {
    this.num = columns.map((c) => (c.numeric ? new Float64Array(INITIAL_CAPACITY) : new Float64Array(0)));
    this.text = columns.map(() => []);
    this.isNull = columns.map(() => new Uint8Array(INITIAL_CAPACITY));
    this.sum = columns.map((c) => new Float64Array(c.sums ? INITIAL_CAPACITY : 0));
    this.cnt = columns.map((c) => new Int32Array(c.sums ? INITIAL_CAPACITY : 0));
    this.mn = columns.map((c) => new Int32Array(c.extremes ? INITIAL_CAPACITY : 0));
    this.mx = columns.map((c) => new Int32Array(c.extremes ? INITIAL_CAPACITY : 0));
  }

  /** Nodes in use (all partitions). */
  get liveNodes(): number {
    return this.allocated - this.free.length;
  }

  /** A detached node for an instance of row `slot`; the caller fills num/text/isNull, then inserts it. */
  alloc(slot: number): number {
    let x = this.free.pop();
    if (x === undefined) {
      if (this.allocated === this.capacity) this.grow();
      x = this.allocated++;
    }
    this.left[x] = NONE;
    this.right[x] = NONE;
    this.parent[x] = NONE;
    this.slot[x] = slot;
    this.seq[x] = this.nextSeq++;
    // xorshift32: priorities need only be independent of the keys.
    let r = this.rng;
    r ^= r << 13;
    r ^= r >>> 17;
    r ^= r << 5;
    this.rng = r;
    this.prio[x] = r;
    this.head[x] = 0;
    return x;
  }

  /** Returns a removed node to the pool (call only once nothing refers to it). */
  release(x: number): void {
    this.free.push(x);
  }

  private grow(): void {
    const cap = this.capacity * 2;
    const g32 = (a: Int32Array): Int32Array => { const b = new Int32Array(cap); b.set(a); return b; };
    const g64 = (a: Float64Array): Float64Array => { const b = new Float64Array(a.length === 0 ? 0 : cap); b.set(a); return b; };
    const g8 = (a: Uint8Array): Uint8Array => { const b = new Uint8Array(cap); b.set(a); return b; };
    this.left = g32(this.left);
    this.right = g32(this.right);
    this.parent = g32(this.parent);
    this.size = g32(this.size);
    this.prio = g32(this.prio);
    this.slot = g32(this.slot);
    this.seq = g64(this.seq);
    this.head = g8(this.head);
    this.heads = g32(this.heads);
    for (let k = 0; k < this.columns.length; k++) {
      this.num[k] = g64(this.num[k]!);
      this.isNull[k] = g8(this.isNull[k]!);
      if (this.columns[k]!.sums) {
        this.sum[k] = g64(this.sum[k]!);
        this.cnt[k] = g32(this.cnt[k]!);
      }
      if (this.columns[k]!.extremes) {
        this.mn[k] = g32(this.mn[k]!);
        this.mx[k] = g32(this.mx[k]!);
      }
    }
    this.capacity = cap;
  }

  /** Orders the values of two nodes in column k (both non-NULL). */
  private compareValues(k: number, x: number, y: number): number {
    return this.columns[k]!.numeric ? compareDoubles(this.num[k]![x]!, this.num[k]![y]!) : compareText(this.text[k]![x]!, this.text[k]![y]!);
  }

  private better(k: number, a: number, b: number, max: boolean): number {
    if (a === NONE) return b;
    if (b === NONE) return a;
    const c = this.compareValues(k, a, b);
    return max ? (c >= 0 ? a : b) : c <= 0 ? a : b;
  }

  /** Recomputes x's subtree aggregates from its children. */
  private pull(x: number): void {
    this.work++;
    const l = this.left[x]!;
    const r = this.right[x]!;
    this.size[x] = 1 + (l === NONE ? 0 : this.size[l]!) + (r === NONE ? 0 : this.size[r]!);
    if (this.trackHeads) this.heads[x] = this.head[x]! + (l === NONE ? 0 : this.heads[l]!) + (r === NONE ? 0 : this.heads[r]!);
    for (let k = 0; k < this.columns.length; k++) {
      const col = this.columns[k]!;
      const own = this.isNull[k]![x] === 1 ? NONE : x;
      if (col.sums) {
        const sum = this.sum[k]!;
        const cnt = this.cnt[k]!;
        let s = own === NONE ? 0 : this.num[k]![x]!;
        let c = own === NONE ? 0 : 1;
        if (l !== NONE) { s = sum[l]! + s; c += cnt[l]!; }
        if (r !== NONE) { s += sum[r]!; c += cnt[r]!; }
        sum[x] = s;
        cnt[x] = c;
      }
      if (col.extremes) {
        const mn = this.mn[k]!;
        const mx = this.mx[k]!;
        mn[x] = this.better(k, this.better(k, l === NONE ? NONE : mn[l]!, own, false), r === NONE ? NONE : mn[r]!, false);
        mx[x] = this.better(k, this.better(k, l === NONE ? NONE : mx[l]!, own, true), r === NONE ? NONE : mx[r]!, true);
      }
    }
  }

  /** Pulls x and every ancestor; returns the root. */
  private pullToRoot(x: number): number {
    let top = x;
    for (let y = x; y !== NONE; y = this.parent[y]!) {
      this.pull(y);
      top = y;
    }
    return top;
  }

  /** Moves x above its parent. */
  private rotateUp(x: number): void {
    const p = this.parent[x]!;
    const g = this.parent[p]!;
    if (this.left[p] === x) {
      const b = this.right[x]!;
      this.left[p] = b;
      if (b !== NONE) this.parent[b] = p;
      this.right[x] = p;
    } else {
      const b = this.left[x]!;
      this.right[p] = b;
      if (b !== NONE) this.parent[b] = p;
      this.left[x] = p;
    }
    this.parent[p] = x;
    this.parent[x] = g;
    if (g !== NONE) {
      if (this.left[g] === p) this.left[g] = x;
      else this.right[g] = x;
    }
    this.pull(p);
    this.pull(x);
  }

  /** Inserts detached node x into the tree at `root` (NONE for empty); returns the new root. */
  insert(root: number, x: number): number {
    if (root === NONE) {
      this.pull(x);
      return x;
    }
    let y = root;
    for (;;) {
      this.work++;
      if (this.compare(x, y) < 0) {
        if (this.left[y] === NONE) { this.left[y] = x; break; }
        y = this.left[y]!;
      } else {
        if (this.right[y] === NONE) { this.right[y] = x; break; }
        y = this.right[y]!;
      }
    }
    this.parent[x] = y;
    this.pull(x);
    while (this.parent[x] !== NONE && this.prio[x]! > this.prio[this.parent[x]!]!) this.rotateUp(x);
    return this.parent[x] === NONE ? x : this.pullToRoot(this.parent[x]!);
  }

  /**
   * Builds a tree from detached nodes already in order (and head flags set):
   * O(k) instead of k inserts — the bulk path for a new partition.
   */
  build(sorted: readonly number[]): number {
    const stack: number[] = [];
    for (const x of sorted) {
      let last = NONE;
      while (stack.length > 0 && this.prio[stack[stack.length - 1]!]! < this.prio[x]!) last = stack.pop()!;
      this.left[x] = last;
      if (last !== NONE) this.parent[last] = x;
      const top = stack[stack.length - 1];
      if (top !== undefined) {
        this.right[top] = x;
        this.parent[x] = top;
      }
      stack.push(x);
    }
    const root = stack[0] ?? NONE;
    if (root === NONE) return NONE;
    this.parent[root] = NONE;
    // Post-order pull, iteratively: children before parents.
    const todo: number[] = [root];
    const order: number[] = [];
    while (todo.length > 0) {
      const x = todo.pop()!;
      order.push(x);
      if (this.left[x] !== NONE) todo.push(this.left[x]!);
      if (this.right[x] !== NONE) todo.push(this.right[x]!);
    }
    for (let i = order.length - 1; i >= 0; i--) this.pull(order[i]!);
    return root;
  }

  /** Removes node x from its tree; returns the new root (NONE when the tree is now empty). */
  remove(x: number): number {
    for (;;) {
      const l = this.left[x]!;
      const r = this.right[x]!;
      if (l === NONE && r === NONE) break;
      this.rotateUp(l === NONE ? r : r === NONE ? l : this.prio[l]! > this.prio[r]! ? l : r);
    }
    const p = this.parent[x]!;
    if (p === NONE) return NONE;
    if (this.left[p] === x) this.left[p] = NONE;
    else this.right[p] = NONE;
    this.parent[x] = NONE;
    return this.pullToRoot(p);
  }

  /** Sets x's peer-group head flag and refreshes its ancestors' counts. */
  setHead(x: number, flag: boolean): void {
    const f = flag ? 1 : 0;
    if (this.head[x] === f) return;
    this.head[x] = f;
    this.pullToRoot(x);
  }

  /** The 0-based position of x in its tree. */
  rank(x: number): number {
    const l = this.left[x]!;
    let p = l === NONE ? 0 : this.size[l]!;
    for (let y = x, up = this.parent[x]!; up !== NONE; y = up, up = this.parent[up]!) {
      this.work++;
      if (this.right[up] === y) {
        const ul = this.left[up]!;
        p += 1 + (ul === NONE ? 0 : this.size[ul]!);
      }
    }
    return p;
  }

  /** The node at 0-based position p (0 <= p < size). */
  select(root: number, p: number): number {
    let x = root;
    for (;;) {
      this.work++;
      const l = this.left[x]!;
      const ls = l === NONE ? 0 : this.size[l]!;
      if (p < ls) x = l;
      else if (p === ls) return x;
      else {
        p -= ls + 1;
        x = this.right[x]!;
      }
    }
  }

  next(x: number): number {
    this.work++;
    let y = this.right[x]!;
    if (y !== NONE) {
      while (this.left[y] !== NONE) y = this.left[y]!;
      return y;
    }
    y = x;
    let up = this.parent[y]!;
    while (up !== NONE && this.right[up] === y) {
      y = up;
      up = this.parent[up]!;
    }
    return up;
  }

  prev(x: number): number {
    this.work++;
    let y = this.left[x]!;
    if (y !== NONE) {
      while (this.right[y] !== NONE) y = this.right[y]!;
      return y;
    }
    y = x;
    let up = this.parent[y]!;
    while (up !== NONE && this.left[up] === y) {
      y = up;
      up = this.parent[up]!;
    }
    return up;
  }

  /** The first position whose node satisfies `pred` (monotone: false then true); the size when none does. */
  firstWhere(root: number, pred: (x: number) => boolean): number {
    let x = root;
    let before = 0;
    let answer = root === NONE ? 0 : this.size[root]!;
    while (x !== NONE) {
      this.work++;
      const l = this.left[x]!;
      const ls = l === NONE ? 0 : this.size[l]!;
      if (pred(x)) {
        answer = before + ls;
        x = l;
      } else {
        before += ls + 1;
        x = this.right[x]!;
      }
    }
    return answer;
  }

  /** The first node satisfying monotone `pred`, or NONE. */
  firstNodeWhere(root: number, pred: (x: number) => boolean): number {
    let x = root;
    let answer = NONE;
    while (x !== NONE) {
      this.work++;
      if (pred(x)) {
        answer = x;
        x = this.left[x]!;
      } else x = this.right[x]!;
    }
    return answer;
  }

  /** Peer-group heads at positions 0..p. */
  headsThrough(root: number, p: number): number {
    let x = root;
    let count = 0;
    while (x !== NONE) {
      this.work++;
      const l = this.left[x]!;
      const ls = l === NONE ? 0 : this.size[l]!;
      if (p < ls) x = l;
      else {
        count += (l === NONE ? 0 : this.heads[l]!) + this.head[x]!;
        if (p === ls) return count;
        p -= ls + 1;
        x = this.right[x]!;
      }
    }
    return count;
  }

  /** Sum and non-NULL count of column k over positions a..b (inclusive) into qSum/qCnt. */
  rangeSum(root: number, a: number, b: number, k: number): void {
    this.qSum = 0;
    this.qCnt = 0;
    if (root !== NONE && a <= b) this.sumIn(root, a, b, k);
  }

  private sumIn(x: number, a: number, b: number, k: number): void {
    this.work++;
    if (a <= 0 && b >= this.size[x]! - 1) {
      this.qSum += this.sum[k]![x]!;
      this.qCnt += this.cnt[k]![x]!;
      return;
    }
    const l = this.left[x]!;
    const ls = l === NONE ? 0 : this.size[l]!;
    if (a < ls) this.sumIn(l, a, Math.min(b, ls - 1), k);
    if (a <= ls && ls <= b && this.isNull[k]![x] === 0) {
      this.qSum += this.num[k]![x]!;
      this.qCnt++;
    }
    if (b > ls) this.sumIn(this.right[x]!, Math.max(a - ls - 1, 0), b - ls - 1, k);
  }

  /** The node holding the minimum (or maximum) non-NULL value of column k over positions a..b, or NONE. */
  rangeExtreme(root: number, a: number, b: number, k: number, max: boolean): number {
    if (root === NONE || a > b) return NONE;
    return this.extremeIn(root, a, b, k, max);
  }

  private extremeIn(x: number, a: number, b: number, k: number, max: boolean): number {
    this.work++;
    if (a <= 0 && b >= this.size[x]! - 1) return (max ? this.mx[k]! : this.mn[k]!)[x]!;
    const l = this.left[x]!;
    const ls = l === NONE ? 0 : this.size[l]!;
    let best = NONE;
    if (a < ls) best = this.extremeIn(l, a, Math.min(b, ls - 1), k, max);
    if (a <= ls && ls <= b && this.isNull[k]![x] === 0) best = this.better(k, best, x, max);
    if (b > ls) best = this.better(k, best, this.extremeIn(this.right[x]!, Math.max(a - ls - 1, 0), b - ls - 1, k, max), max);
    return best;
  }
}
