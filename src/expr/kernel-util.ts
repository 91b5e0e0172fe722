// Small pieces shared by kernels: output allocation and the validity of
// results that are NULL whenever any input is NULL (the "strict" functions).

import type { SqlType } from '../common/sql-type.js';
import type { Column, ColumnValues } from '../columnar/column.js';
import { allocValues, makeColumn } from '../columnar/column.js';
import type { Validity } from '../columnar/validity.js';
import { andValidity, normalizeValidity } from '../columnar/validity.js';

/** Validity of a strict function: valid only where every argument is valid. */
export function strictValidity(args: readonly Column[], length: number): Validity {
  let v: Validity = null;
  for (const a of args) v = andValidity(v, a.validity, length);
  return v;
}

export function result(type: SqlType, values: ColumnValues, validity: Validity, length: number): Column {
  return makeColumn(type, values, normalizeValidity(validity, length), length);
}

export { allocValues };

/** For rare functions: applies `fn` to each row where all args are valid. */
export function mapRows(
  args: readonly Column[],
  length: number,
  type: SqlType,
  fn: (row: number) => number | string | boolean,
): Column {
  const validity = strictValidity(args, length);
  const values = allocValues(type, length);
  for (let i = 0; i < length; i++) {
    if (validity !== null && ((validity[i >>> 3]! >>> (i & 7)) & 1) === 0) continue;
    const v = fn(i);
    if (values instanceof Uint8Array) values[i] = v === true ? 1 : 0;
    else (values as (number | string)[])[i] = v as number | string;
  }
  return result(type, values, validity, length);
}
