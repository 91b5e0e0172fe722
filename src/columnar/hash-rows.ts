// Vectorized row hashing: one 32-bit hash per row over a set of columns,
// computed column by column (no per-row objects, no string keys). Equal values
// hash equally across batches and stores: -0 hashes as 0, every NaN alike,
// NULL as a fixed constant (NULLs group together, as in GROUP BY).

import type { Column } from './column.js';
import { isValid } from './validity.js';

const NULL_HASH = 0x2f8b_1d3b;
const SEED = 0x9e37_79b9;

// For performance: one shared scratch buffer reinterprets a double's 64 bits
// as two int32 halves without allocating.
const scratchF64 = new Float64Array(1);
const scratchI32 = new Int32Array(scratchF64.buffer);

/** murmur3's 32-bit finalizer: spreads every input bit over the output. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85eb_ca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2_ae35);
  h ^= h >>> 16;
  return h;
}

export function hashFloat64(x: number): number {
  if (x === 0) x = 0; // folds -0 into 0
  else if (x !== x) return 0x7ff8_0000; // every NaN alike
  scratchF64[0] = x;
  return mix32(scratchI32[0]! ^ mix32(scratchI32[1]! + SEED));
}

export function hashString(s: string): number {
  let h = 0x811c_9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x0100_0193);
  return mix32(h ^ s.length);
}

/** Folds column `col` into `hashes` (length = col.length). */
export function hashColumnInto(col: Column, hashes: Int32Array): void {
  const n = col.length;
  const v = col.values;
  const validity = col.validity;
  if (Array.isArray(v)) {
    for (let i = 0; i < n; i++) {
      const h = isValid(validity, i) ? hashString(v[i]!) : NULL_HASH;
      hashes[i] = mix32(Math.imul(hashes[i]!, 31) + h);
    }
  } else if (v instanceof Float64Array) {
    for (let i = 0; i < n; i++) {
      const h = isValid(validity, i) ? hashFloat64(v[i]!) : NULL_HASH;
      hashes[i] = mix32(Math.imul(hashes[i]!, 31) + h);
    }
  } else {
    for (let i = 0; i < n; i++) {
      const h = isValid(validity, i) ? mix32(v[i]! + SEED) : NULL_HASH;
      hashes[i] = mix32(Math.imul(hashes[i]!, 31) + h);
    }
  }
}

/** Hashes rows over `columns` (all of equal length). */
export function hashRows(columns: readonly Column[], length: number): Int32Array {
  const hashes = new Int32Array(length).fill(SEED);
  for (const c of columns) hashColumnInto(c, hashes);
  return hashes;
}
