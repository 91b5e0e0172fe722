// Last-row-wins deduplication of a batch by key: which rows are the last
// occurrence of their key. Used by keyed inserts, where a later row for a key
// replaces an earlier one in the same statement. Keys compare as in a
// KeyedRows index: NULL equals NULL and NaN equals NaN.

import type { Column } from './column.js';

/** Rows whose key does not occur again later in the batch, ascending. */
export function lastRowPerKey(columns: readonly Column[], keyColumns: readonly number[], hashes: Int32Array, n: number): Int32Array {
  // For performance: a throwaway open-addressing table of row numbers, walked
  // from the last row back, so the first row seen for a key is the one kept.
  let cap = 16;
  while (cap < n * 2) cap *= 2;
  const mask = cap - 1;
  const table = new Int32Array(cap);
  const keep = new Uint8Array(n);
  const keys = keyColumns.map((k) => columns[k]!);
  let kept = 0;
  for (let i = n - 1; i >= 0; i--) {
    const hash = hashes[i]!;
    let pos = hash & mask;
    let duplicate = false;
    for (;;) {
      const entry = table[pos]!;
      if (entry === 0) break;
      const j = entry - 1;
      if (hashes[j] === hash && sameKey(keys, i, j)) {
        duplicate = true;
        break;
      }
      pos = (pos + 1) & mask;
    }
    if (duplicate) continue;
    table[pos] = i + 1;
    keep[i] = 1;
    kept++;
  }
  const rows = new Int32Array(kept);
  let at = 0;
  for (let i = 0; i < n; i++) if (keep[i] === 1) rows[at++] = i;
  return rows;
}

function sameKey(keys: readonly Column[], i: number, j: number): boolean {
  for (const c of keys) {
    const v = c.validity;
    const iValid = v === null || ((v[i >>> 3]! >>> (i & 7)) & 1) === 1;
    const jValid = v === null || ((v[j >>> 3]! >>> (j & 7)) & 1) === 1;
    if (iValid !== jValid) return false;
    if (!iValid) continue;
    const a = c.values[i];
    const b = c.values[j];
    if (a !== b && !(a !== a && b !== b)) return false;
  }
  return true;
}
