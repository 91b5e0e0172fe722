// Which part of an operator's state holds a key: the directory of an
// extendible hash, shared by the operators whose state can leave memory in
// parts (join-partitions.ts, partitioned-aggregate.ts).
//
// A directory of 2^depth entries, indexed by the top `depth` bits of a
// route hash of the key, points at the parts; a part of local depth d
// serves every entry that shares its d leading bits. State starts in one
// part. A part that grows too large splits in two by its next bit (the
// directory doubles when the part's depth equals its own), so only that
// part's rows move. The route hash is the key's row hash run through one more
// mixer, so its top bits are independent of the low bits the parts' own hash
// indexes use.

import { gatherColumn } from '../columnar/column.js';
import type { Column } from '../columnar/column.js';
import { mix32 } from '../columnar/hash-rows.js';

/** Parts stop splitting at 2^16 (a part that holds a single hot key cannot split at all). */
export const MAX_DEPTH = 16;
const ROUTE_SEED = 0x5bd1_e995;

/** What the directory needs of a part. */
export interface DirectoryPart {
  readonly depth: number;
  /** Position in KeyDirectory.parts (set by the directory). */
  index: number;
}

export class KeyDirectory<P extends DirectoryPart> {
  /** Every part, by its index. */
  readonly parts: P[] = [];
  private directory: P[];
  private depth = 0;
  /** The order of the last multi-part pass (see inPassOrder). */
  private forward = false;

  constructor(first: P) {
    this.add(first);
    this.directory = [first];
  }

  /** True while all state is in one part (nothing to route). */
  get single(): boolean {
    return this.directory.length === 1;
  }

  /** Each row's part index, from the rows' key hashes. */
  route(hashes: Int32Array, n: number): Int32Array {
    const out = new Int32Array(n);
    const shift = 32 - this.depth;
    for (let i = 0; i < n; i++) out[i] = this.directory[routeHash(hashes[i]!) >>> shift]!.index;
    return out;
  }

  /**
   * The direction of the next pass over the parts, alternating. Under least
   * recently used eviction, bulk changes (backfill chunks) that touch every
   * part in the same order would find each part just written out; reversing
   * the order starts each pass with the parts the last one left in memory.
   */
  nextPassForward(): boolean {
    this.forward = !this.forward;
    return this.forward;
  }

  /**
   * For a split of `part`: per row, its bit at the part's next depth (0 or
   * 1), or null when every row has the same bit (a split would leave one
   * half empty).
   */
  splitBits(part: P, hashes: readonly Int32Array[]): Uint8Array[] | null {
    let ones = 0;
    let total = 0;
    const bits = hashes.map((h) => {
      const out = new Uint8Array(h.length);
      for (let i = 0; i < h.length; i++) ones += out[i] = routeBit(h[i]!, part.depth);
      total += h.length;
      return out;
    });
    return ones === 0 || ones === total ? null : bits;
  }

  /** Puts `halves` (of depth part.depth + 1: bit 0, bit 1) in the place of `part`. */
  replace(part: P, halves: readonly [P, P]): void {
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
  }

  /** The directory as part indexes (2^depth entries), and the direction of the last pass, for checkpoints. */
  entries(): { readonly entries: Int32Array; readonly forward: boolean } {
    return { entries: Int32Array.from(this.directory, (p) => p.index), forward: this.forward };
  }

  /** Puts back a directory saved by `entries` over `parts` (their depths as saved). */
  restore(parts: readonly P[], entries: Int32Array, forward: boolean): void {
    this.parts.length = 0;
    for (const p of parts) this.add(p);
    this.directory = Array.from(entries, (i) => parts[i]!);
    this.depth = Math.log2(entries.length);
    // The parts' outputs concatenate in pass order, which a double sum downstream can tell apart.
    this.forward = forward;
  }

  private add(part: P): void {
    part.index = this.parts.length;
    this.parts.push(part);
  }
}

/** A key's bit at the split of a part of depth `depth` (what splitBits gives its rows). */
export function routeBit(hash: number, depth: number): number {
  return (routeHash(hash) >>> (31 - depth)) & 1;
}

function routeHash(hash: number): number {
  return mix32(hash ^ ROUTE_SEED) >>> 0;
}

/** Row numbers grouped by part (a counting sort of the routes). */
export function groupRows(routes: Int32Array, parts: number): { rowsOf(part: number): Int32Array } {
  const start = new Int32Array(parts + 1);
  for (let i = 0; i < routes.length; i++) start[routes[i]! + 1]!++;
  for (let p = 0; p < parts; p++) start[p + 1]! += start[p]!;
  const fill = start.slice(0, parts);
  const order = new Int32Array(routes.length);
  for (let i = 0; i < routes.length; i++) order[fill[routes[i]!]!++] = i;
  return { rowsOf: (part) => order.subarray(start[part]!, start[part + 1]!) };
}

/** The rows whose bit is `value`. */
export function rowsWith(bits: Uint8Array, value: 0 | 1): Int32Array {
  let n = 0;
  for (let i = 0; i < bits.length; i++) if (bits[i] === value) n++;
  const rows = new Int32Array(n);
  let j = 0;
  for (let i = 0; i < bits.length; i++) if (bits[i] === value) rows[j++] = i;
  return rows;
}

export function gatherInt32(values: Int32Array, rows: Int32Array): Int32Array {
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]!]!;
  return out;
}

export function gatherUint8(values: Uint8Array, rows: Int32Array): Uint8Array {
  const out = new Uint8Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]!]!;
  return out;
}

export function gatherColumns(columns: readonly Column[], rows: Int32Array): Column[] {
  return columns.map((c) => gatherColumn(c, rows));
}
