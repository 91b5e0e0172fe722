// A Z-set delta batch: columns plus one Int32 weight per row (+1 insert,
// -1 delete, any other integer a multiplicity). Operators exchange only these.
// A batch need not be consolidated: the same row may appear with several
// weights, and weights may be zero; consumers must not assume ±1.

import type { SqlType } from '../common/sql-type.js';
import { assert } from '../common/assert.js';
import type { Column } from './column.js';
import { concatColumns, gatherColumn, allocValues, makeColumn } from './column.js';

export interface ZBatch {
  readonly columns: readonly Column[];
  readonly weights: Int32Array;
  readonly length: number;
}

export function makeBatch(columns: readonly Column[], weights: Int32Array): ZBatch {
  for (const c of columns) assert(c.length === weights.length, 'column length differs from weights length');
  return { columns, weights, length: weights.length };
}

export function emptyBatch(types: readonly SqlType[]): ZBatch {
  return {
    columns: types.map((t) => makeColumn(t, allocValues(t, 0), null, 0)),
    weights: new Int32Array(0),
    length: 0,
  };
}

/** Keeps the rows at `indexes` (in that order). */
export function gatherBatch(batch: ZBatch, indexes: Int32Array, count = indexes.length): ZBatch {
  const weights = new Int32Array(count);
  for (let i = 0; i < count; i++) weights[i] = batch.weights[indexes[i]!]!;
  return { columns: batch.columns.map((c) => gatherColumn(c, indexes, count)), weights, length: count };
}

/** The same rows with every weight negated: the inverse delta. */
export function negateBatch(batch: ZBatch): ZBatch {
  const weights = new Int32Array(batch.length);
  for (let i = 0; i < batch.length; i++) weights[i] = -batch.weights[i]!;
  return { columns: batch.columns, weights, length: batch.length };
}

export function concatBatches(types: readonly SqlType[], batches: readonly ZBatch[]): ZBatch {
  const nonEmpty = batches.filter((b) => b.length > 0);
  if (nonEmpty.length === 0) return emptyBatch(types);
  if (nonEmpty.length === 1) return nonEmpty[0]!;
  const columns = types.map((t, c) => concatColumns(t, nonEmpty.map((b) => b.columns[c]!)));
  let total = 0;
  for (const b of nonEmpty) total += b.length;
  const weights = new Int32Array(total);
  let at = 0;
  for (const b of nonEmpty) {
    weights.set(b.weights, at);
    at += b.length;
  }
  return { columns, weights, length: total };
}

export function batchTypes(batch: ZBatch): SqlType[] {
  return batch.columns.map((c) => c.type);
}
