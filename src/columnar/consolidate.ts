// Merges equal rows of a Z-set batch and drops those whose weights cancel.
// Operators' outputs need not be consolidated (+r and -r of one commit may
// both be present); a sink must not send a change that is no change, and an
// operator that emits a row and its retraction in one step consolidates so a
// keyed view store sees at most -old +new per key.

import { KeyedRows } from './keyed-rows.js';
import type { ZBatch } from './z-batch.js';
import { batchTypes, gatherBatch } from './z-batch.js';

/** One row per distinct row with its net weight, in first-occurrence order; zero weights dropped. */
export function consolidateBatch(batch: ZBatch): ZBatch {
  const n = batch.length;
  if (n === 0) return batch;
  const types = batchTypes(batch);
  const rows = new KeyedRows(types, types.map((_, i) => i));
  const slots = rows.findOrAddKeys(batch.columns, n);
  rows.addCounts(slots, batch.weights, n);
  // The first row of each slot stands for it; slots are numbered in first-occurrence order.
  const first = new Int32Array(rows.size).fill(-1);
  for (let i = 0; i < n; i++) if (first[slots[i]!] === -1) first[slots[i]!] = i;
  const keep = new Int32Array(rows.size);
  const weights = new Int32Array(rows.size);
  let k = 0;
  for (let s = 0; s < rows.size; s++) {
    const w = rows.counts[s]!;
    if (w === 0) continue;
    keep[k] = first[s]!;
    weights[k++] = w;
  }
  if (k === n) {
    let same = true;
    for (let j = 0; j < k && same; j++) same = keep[j] === j && weights[j] === batch.weights[j];
    if (same) return batch;
  }
  const out = gatherBatch(batch, keep, k);
  return { columns: out.columns, weights: weights.subarray(0, k), length: k };
}
