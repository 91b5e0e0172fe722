// Per-column statistics of a cold segment, as its manifest records them:
// the smallest and largest non-NULL value and how many values are non-NULL.
// They are computed by Freshet over its own column values (not read from the
// Parquet file's statistics), in the order ORDER BY uses (compareDoubles:
// NaN above every number; compareText: code-point order), so pruning agrees
// with how Freshet compares. Types whose stored order is not SQL's order
// (jsonb, arrays) get no min/max.

import type { SqlType } from '../common/sql-type.js';
import { isArrayType } from '../common/sql-type.js';
import type { Column } from '../columnar/column.js';
import { isValid } from '../columnar/validity.js';
import { compareDoubles, compareText } from '../expr/functions/comparison.js';

export type StatValue = number | string | null;

export interface ColumnStats {
  /** Smallest and largest non-NULL value; null when there is none or the type is not ordered here. */
  readonly min: StatValue;
  readonly max: StatValue;
  readonly nonNull: number;
}

/** True for types whose stored values (numbers, or strings by code point) sort as SQL compares them. */
export function orderedType(type: SqlType): boolean {
  return type !== 'jsonb' && !isArrayType(type);
}

/** Statistics of the first `length` values of `column`. */
export function columnStats(column: Column, length: number): ColumnStats {
  const values = column.values;
  const validity = column.validity;
  let nonNull = 0;
  if (!orderedType(column.type)) {
    for (let i = 0; i < length; i++) if (isValid(validity, i)) nonNull++;
    return { min: null, max: null, nonNull };
  }
  if (Array.isArray(values)) {
    const strings = values as readonly string[];
    let min: string | null = null;
    let max: string | null = null;
    for (let i = 0; i < length; i++) {
      if (!isValid(validity, i)) continue;
      nonNull++;
      const v = strings[i]!;
      if (min === null || compareText(v, min) < 0) min = v;
      if (max === null || compareText(v, max) > 0) max = v;
    }
    return { min, max, nonNull };
  }
  const numbers = values as ArrayLike<number>;
  let min = Number.NaN;
  let max = Number.NaN;
  let seen = false;
  for (let i = 0; i < length; i++) {
    if (!isValid(validity, i)) continue;
    nonNull++;
    const v = numbers[i]!;
    if (!seen) {
      min = v;
      max = v;
      seen = true;
    } else {
      if (compareDoubles(v, min) < 0) min = v;
      if (compareDoubles(v, max) > 0) max = v;
    }
  }
  return seen ? { min, max, nonNull } : { min: null, max: null, nonNull };
}
