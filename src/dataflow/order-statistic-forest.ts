// One ordered multiset per group slot, all in one pool of treap nodes kept in
// typed arrays: each node holds a key (number or string, or NULL), an optional
// secondary string (the value string_agg prints when it sorts by another key),
// its multiplicity and the total multiplicity of its subtree. Promises O(log d)
// expected per change and per rank lookup (d distinct keys in the group).
// Used by percentile_cont/disc (rank lookup) and string_agg (in-order walk).

import { compareText } from '../expr/functions/comparison.js';
import type { SqlType } from '../common/sql-type.js';
import type { Column } from '../columnar/column.js';
import { makeColumn } from '../columnar/column.js';
import { allValid, setNull } from '../columnar/validity.js';
import type { StateReader, StateWriter } from '../storage/state-codec.js';

/** Node 0 is the empty tree; a root of 0 is an empty group. */
const NIL = 0;
const INITIAL_NODES = 64;

export class OrderStatisticForest {
  private left: Int32Array = new Int32Array(INITIAL_NODES);
  private right: Int32Array = new Int32Array(INITIAL_NODES);
  private priority: Int32Array = new Int32Array(INITIAL_NODES);
  private count: Float64Array = new Float64Array(INITIAL_NODES);
  private total: Float64Array = new Float64Array(INITIAL_NODES);
  private isNullKey: Uint8Array = new Uint8Array(INITIAL_NODES);
  private numKeys: Float64Array | null;
  private strKeys: string[] | null;
  private seconds: string[] | null;
  private roots: Int32Array = new Int32Array(INITIAL_NODES);
  /** Freed nodes, chained through `left`. */
  private freeHead = NIL;
  private nextNode = 1;
  private liveNodes = 0;
  /** xorshift32 state: treap priorities, deterministic for reproducible tests. */
  private seed = 0x9e3779b9 | 0;

  /**
   * @param numeric keys are numbers (NaN sorts above every number) rather than strings
   * @param withSecond nodes carry a secondary string, the tie-breaker after the key
   * @param nullsLow a NULL key sorts below every other key (else above)
   */
  constructor(numeric: boolean, withSecond: boolean, private readonly nullsLow = false) {
    this.numKeys = numeric ? new Float64Array(INITIAL_NODES) : null;
    this.strKeys = numeric ? null : [''];
    this.seconds = withSecond ? [''] : null;
  }

  /** Live nodes (distinct (group, key[, second]) entries). */
  get size(): number {
    return this.liveNodes;
  }

  /** Adds `w` (any integer) copies of (key, second) to the group `slot`'s multiset. */
  add(slot: number, key: number | string | null, second: string, w: number): void {
    if (w === 0) return;
    this.ensureSlots(slot + 1);
    this.roots[slot] = this.insert(this.roots[slot]!, key, second, w);
  }

  /** Total multiplicity of the group's multiset. */
  totalOf(slot: number): number {
    const root = slot < this.roots.length ? this.roots[slot]! : NIL;
    return root === NIL ? 0 : this.total[root]!;
  }

  /** The node holding the k-th value (0-based, counting multiplicities) of the group; NIL if out of range. */
  nodeAtRank(slot: number, k: number): number {
    let t = slot < this.roots.length ? this.roots[slot]! : NIL;
    while (t !== NIL) {
      const l = this.left[t]!;
      const leftTotal = l === NIL ? 0 : this.total[l]!;
      if (k < leftTotal) {
        t = l;
        continue;
      }
      k -= leftTotal;
      if (k < this.count[t]!) return t;
      k -= this.count[t]!;
      t = this.right[t]!;
    }
    return NIL;
  }

  numKey(node: number): number {
    return this.numKeys![node]!;
  }

  strKey(node: number): string {
    return this.strKeys![node]!;
  }

  keyIsNull(node: number): boolean {
    return this.isNullKey[node] === 1;
  }

  second(node: number): string {
    return this.seconds![node]!;
  }

  multiplicity(node: number): number {
    return this.count[node]!;
  }

  /**
   * One value per group of `slots`: the group's entries in order as strings
   * picked by `part`, each repeated by its multiplicity (once with `distinct`),
   * combined by `join`; NULL for an empty group. What string_agg and array_agg read.
   */
  readJoined(
    slots: Int32Array,
    type: SqlType,
    reverse: boolean,
    distinct: boolean,
    part: (node: number) => string,
    join: (parts: string[]) => string,
  ): Column {
    const m = slots.length;
    const out = new Array<string>(m).fill('');
    let validity: Uint8Array | null = null;
    for (let j = 0; j < m; j++) {
      const s = slots[j]!;
      if (this.totalOf(s) <= 0) {
        validity ??= allValid(m);
        setNull(validity, j);
        continue;
      }
      const parts: string[] = [];
      this.forEachInOrder(s, reverse, (node) => {
        const value = part(node);
        const copies = distinct ? 1 : this.multiplicity(node);
        for (let c = 0; c < copies; c++) parts.push(value);
      });
      out[j] = join(parts);
    }
    return makeColumn(type, out, validity, m);
  }

  /** Calls `visit` for each node of the group in key order (descending when `reverse`). */
  forEachInOrder(slot: number, reverse: boolean, visit: (node: number) => void): void {
    const root = slot < this.roots.length ? this.roots[slot]! : NIL;
    const stack: number[] = [];
    const near = reverse ? this.right : this.left;
    const far = reverse ? this.left : this.right;
    let t = root;
    while (t !== NIL || stack.length > 0) {
      while (t !== NIL) {
        stack.push(t);
        t = near[t]!;
      }
      t = stack.pop()!;
      visit(t);
      t = far[t]!;
    }
  }

  /** Renumbers groups after the group store compacted (remap[old] = new or -1); dropped groups free their nodes. */
  remap(remap: Int32Array, newSize: number): void {
    const next = new Int32Array(Math.max(newSize, INITIAL_NODES));
    for (let s = 0; s < remap.length; s++) {
      const root = s < this.roots.length ? this.roots[s]! : NIL;
      if (root === NIL) continue;
      const to = remap[s]!;
      if (to >= 0) next[to] = root;
      else this.freeTree(root);
    }
    this.roots = next;
  }

  /** About how many bytes the pool holds (strings at an average guess). */
  estimateBytes(): number {
    const perNode = 4 * 3 + 8 * 2 + 1 + (this.numKeys !== null ? 8 : 40) + (this.seconds !== null ? 40 : 0);
    return this.count.length * perNode + this.roots.byteLength;
  }

  /** Checkpoints: the node pool as it is (node numbers, free list, the priority generator's state). */
  saveState(out: StateWriter): void {
    const nodes = this.nextNode;
    out.json([nodes, this.freeHead, this.liveNodes, this.seed, this.numKeys !== null, this.strKeys !== null, this.seconds !== null]);
    out.i32(this.left.subarray(0, nodes));
    out.i32(this.right.subarray(0, nodes));
    out.i32(this.priority.subarray(0, nodes));
    out.f64(this.count.subarray(0, nodes));
    out.f64(this.total.subarray(0, nodes));
    out.u8(this.isNullKey.subarray(0, nodes));
    out.i32(this.roots);
    if (this.numKeys !== null) out.f64(this.numKeys.subarray(0, nodes));
    for (const strings of [this.strKeys, this.seconds]) {
      if (strings !== null) out.batch({ columns: [makeColumn('text', strings.slice(0, nodes), null, nodes)], weights: new Int32Array(nodes), length: nodes });
    }
  }

  loadState(input: StateReader): void {
    const [nodes, freeHead, liveNodes, seed, numeric, strings, seconds] = input.json<[number, number, number, number, boolean, boolean, boolean]>();
    input.check(numeric === (this.numKeys !== null) && strings === (this.strKeys !== null) && seconds === (this.seconds !== null), 'an ordered multiset of other keys');
    const cap = Math.max(INITIAL_NODES, nodes);
    const sized = <T extends Int32Array | Float64Array | Uint8Array>(make: (n: number) => T, saved: T): T => {
      input.check(saved.length === nodes, 'an ordered multiset of another size');
      const a = make(cap);
      a.set(saved as never);
      return a;
    };
    this.left = sized((n) => new Int32Array(n), input.i32());
    this.right = sized((n) => new Int32Array(n), input.i32());
    this.priority = sized((n) => new Int32Array(n), input.i32());
    this.count = sized((n) => new Float64Array(n), input.f64());
    this.total = sized((n) => new Float64Array(n), input.f64());
    this.isNullKey = sized((n) => new Uint8Array(n), input.u8());
    this.roots = input.i32();
    if (numeric) this.numKeys = sized((n) => new Float64Array(n), input.f64());
    if (strings) this.strKeys = input.batch().columns[0]!.values as string[];
    if (seconds) this.seconds = input.batch().columns[0]!.values as string[];
    this.nextNode = nodes;
    this.freeHead = freeHead;
    this.liveNodes = liveNodes;
    this.seed = seed;
  }

  private compare(key: number | string | null, second: string, node: number): number {
    const nodeNull = this.isNullKey[node] === 1;
    let c: number;
    if (key === null || nodeNull) {
      c = key === null && nodeNull ? 0 : (key === null) === this.nullsLow ? -1 : 1;
    } else if (this.numKeys !== null) {
      const a = key as number;
      const b = this.numKeys[node]!;
      c = a < b ? -1 : a > b ? 1 : a === b ? 0 : a !== a ? (b !== b ? 0 : 1) : -1;
    } else {
      c = compareText(key as string, this.strKeys![node]!);
    }
    if (c !== 0 || this.seconds === null) return c;
    return compareText(second, this.seconds[node]!);
  }

  private insert(t: number, key: number | string | null, second: string, w: number): number {
    if (t === NIL) return this.newNode(key, second, w);
    const c = this.compare(key, second, t);
    if (c === 0) {
      const n = (this.count[t]! += w);
      if (n === 0) {
        const merged = this.merge(this.left[t]!, this.right[t]!);
        this.freeNode(t);
        return merged;
      }
      this.total[t]! += w;
      return t;
    }
    if (c < 0) {
      const child = this.insert(this.left[t]!, key, second, w);
      this.left[t] = child;
      if (child !== NIL && this.priority[child]! > this.priority[t]!) return this.rotateRight(t);
    } else {
      const child = this.insert(this.right[t]!, key, second, w);
      this.right[t] = child;
      if (child !== NIL && this.priority[child]! > this.priority[t]!) return this.rotateLeft(t);
    }
    this.pull(t);
    return t;
  }

  private pull(t: number): void {
    this.total[t] = this.count[t]! + this.total[this.left[t]!]! + this.total[this.right[t]!]!;
  }

  private rotateRight(t: number): number {
    const l = this.left[t]!;
    this.left[t] = this.right[l]!;
    this.right[l] = t;
    this.pull(t);
    this.pull(l);
    return l;
  }

  private rotateLeft(t: number): number {
    const r = this.right[t]!;
    this.right[t] = this.left[r]!;
    this.left[r] = t;
    this.pull(t);
    this.pull(r);
    return r;
  }

  /** Joins two treaps where every key of `a` is below every key of `b`. */
  private merge(a: number, b: number): number {
    if (a === NIL) return b;
    if (b === NIL) return a;
    if (this.priority[a]! > this.priority[b]!) {
      this.right[a] = this.merge(this.right[a]!, b);
      this.pull(a);
      return a;
    }
    this.left[b] = this.merge(a, this.left[b]!);
    this.pull(b);
    return b;
  }

  private newNode(key: number | string | null, second: string, w: number): number {
    let node: number;
    if (this.freeHead !== NIL) {
      node = this.freeHead;
      this.freeHead = this.left[node]!;
    } else {
      node = this.nextNode++;
      if (node >= this.count.length) this.growNodes();
    }
    this.left[node] = NIL;
    this.right[node] = NIL;
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x;
    this.priority[node] = x;
    this.count[node] = w;
    this.total[node] = w;
    this.isNullKey[node] = key === null ? 1 : 0;
    if (this.numKeys !== null) this.numKeys[node] = key === null ? 0 : (key as number);
    else this.strKeys![node] = key === null ? '' : (key as string);
    if (this.seconds !== null) this.seconds[node] = second;
    this.liveNodes++;
    return node;
  }

  private freeNode(node: number): void {
    this.left[node] = this.freeHead;
    this.right[node] = NIL;
    this.count[node] = 0;
    this.total[node] = 0;
    // Let the strings go: a freed node must not keep them alive.
    if (this.strKeys !== null) this.strKeys[node] = '';
    if (this.seconds !== null) this.seconds[node] = '';
    this.freeHead = node;
    this.liveNodes--;
  }

  private freeTree(root: number): void {
    const stack = [root];
    while (stack.length > 0) {
      const t = stack.pop()!;
      if (this.left[t] !== NIL) stack.push(this.left[t]!);
      if (this.right[t] !== NIL) stack.push(this.right[t]!);
      this.freeNode(t);
    }
  }

  private growNodes(): void {
    const cap = this.count.length * 2;
    const grow32 = (a: Int32Array): Int32Array => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    const grow64 = (a: Float64Array): Float64Array => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.left = grow32(this.left);
    this.right = grow32(this.right);
    this.priority = grow32(this.priority);
    this.count = grow64(this.count);
    this.total = grow64(this.total);
    const nulls = new Uint8Array(cap);
    nulls.set(this.isNullKey);
    this.isNullKey = nulls;
    if (this.numKeys !== null) this.numKeys = grow64(this.numKeys);
  }

  private ensureSlots(needed: number): void {
    if (needed <= this.roots.length) return;
    let cap = this.roots.length;
    while (cap < needed) cap *= 2;
    const next = new Int32Array(cap);
    next.set(this.roots);
    this.roots = next;
  }
}
