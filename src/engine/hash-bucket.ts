// The hash bucket of a row: what the two-phase lowerings (split-global-
// aggregate.ts, split-top-n.ts) group or partition by in their first phase,
// so that state without a key of its own can be kept in parts by bucket
// (--state-memory). Rows equal on the hashed columns share a bucket: the hash
// folds -0 into 0 and every NaN together (columnar/hash-rows.ts).

import { makeColumn } from '../columnar/column.js';
import { hashRows } from '../columnar/hash-rows.js';
import type { Kernel } from '../expr/compile-expr.js';

/** Each row's bucket in [0, buckets) (a power of two) as an INTEGER column: the low bits of a hash of the columns. */
export function bucketKernel(columns: readonly Kernel[], buckets: number): Kernel {
  return (input) => {
    const n = input.length;
    const hashes = hashRows(columns.map((k) => k(input)), n);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = hashes[i]! & (buckets - 1);
    return makeColumn('integer', out, null, n);
  };
}
