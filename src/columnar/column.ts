// A column: one SQL type, a values array laid out as sql-type.ts describes,
// and a validity bitmap (null when no row is NULL). Columns are immutable once
// built; kernels allocate new ones. Values at NULL positions are unspecified
// (0 or '') and must never be read as data.

import type { SqlType } from '../common/sql-type.js';
import { assert } from '../common/assert.js';
import type { Validity } from './validity.js';
import { IntervalValues, copyInterval, copyIntervalRange, intervalSpan, setInterval } from './interval-values.js';
import { formatInterval, parseInterval } from './interval-text.js';
import { NumericValues, copyNumeric, numericTextAt, parseNumeric } from './numeric-values.js';
import { isValid, setNull, allValid, normalizeValidity } from './validity.js';

export type ColumnValues = Uint8Array | Int32Array | Float64Array | string[];

export interface Column {
  readonly type: SqlType;
  readonly length: number;
  readonly values: ColumnValues;
  readonly validity: Validity;
}

/** A JS value as it lives inside Freshet: number for numeric/date/timestamp/
 *  timestamptz (see sql-type.ts for units), boolean, string (text, jsonb's
 *  canonical text, and an interval's PostgreSQL text form), or null. */
export type Scalar = number | string | boolean | null;

export function makeColumn(type: SqlType, values: ColumnValues, validity: Validity, length: number): Column {
  return { type, values, validity, length };
}

/** Allocates the values array for `length` rows of `type`. */
export function allocValues(type: SqlType, length: number): ColumnValues {
  switch (type) {
    case 'boolean':
      return new Uint8Array(length);
    case 'integer':
    case 'date':
      return new Int32Array(length);
    case 'bigint':
    case 'double':
    case 'timestamp':
    case 'timestamptz':
      return new Float64Array(length);
    case 'interval':
      return new IntervalValues(length);
    case 'numeric':
      return new NumericValues(length);
    default:
      // text, jsonb, bytea and arrays: strings (see sql-type.ts for each one's form)
      return new Array<string>(length).fill('');
  }
}

export function f64(col: Column): Float64Array {
  assert(col.values instanceof Float64Array, `expected a Float64Array column, got ${col.type}`);
  return col.values;
}
export function i32(col: Column): Int32Array {
  assert(col.values instanceof Int32Array, `expected an Int32Array column, got ${col.type}`);
  return col.values;
}
export function u8(col: Column): Uint8Array {
  assert(col.values instanceof Uint8Array, `expected a Uint8Array column, got ${col.type}`);
  return col.values;
}
export function intervals(col: Column): IntervalValues {
  assert(col.values instanceof IntervalValues, `expected an interval column, got ${col.type}`);
  return col.values;
}
export function str(col: Column): string[] {
  assert(Array.isArray(col.values), `expected a text column, got ${col.type}`);
  return col.values;
}

/** Reads row i as a Scalar: for edges (results, DML), never inside kernels. */
export function getScalar(col: Column, i: number): Scalar {
  if (!isValid(col.validity, i)) return null;
  if (col.type === 'boolean') return col.values[i] === 1;
  if (col.values instanceof IntervalValues) {
    const v = col.values;
    return formatInterval(v.months[i]!, v.days[i]!, v.micros[i]!);
  }
  if (col.type === 'numeric') return numericTextAt(col.values as string[], i);
  return col.values[i] as number | string;
}

/** A column of `length` copies of one value. */
export function constantColumn(type: SqlType, value: Scalar, length: number): Column {
  const values = allocValues(type, length);
  if (value === null) {
    return makeColumn(type, values, new Uint8Array((length + 7) >>> 3), length);
  }
  if (values instanceof NumericValues) {
    storeScalar(values, 0, value as string);
    values.fill(values[0]!);
    values.scales.fill(values.scales[0]!);
  } else if (Array.isArray(values)) values.fill(value as string);
  else if (values instanceof IntervalValues) {
    const p = parseInterval(value as string);
    values.months.fill(p.months);
    values.days.fill(p.days);
    values.micros.fill(p.micros);
    values.fill(intervalSpan(p.months, p.days, p.micros));
  } else if (values instanceof Uint8Array) values.fill(value === true ? 1 : 0);
  else values.fill(value as number);
  return makeColumn(type, values, null, length);
}

/** Builds a column from scalars (edges only: VALUES, literals, tests). */
export function columnFromScalars(type: SqlType, scalars: readonly Scalar[]): Column {
  const n = scalars.length;
  const values = allocValues(type, n);
  let validity: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    const v = scalars[i];
    if (v === null || v === undefined) {
      validity ??= allValid(n);
      setNull(validity, i);
    } else storeScalar(values, i, v);
  }
  return makeColumn(type, values, normalizeValidity(validity, n), n);
}

/** Writes one non-null Scalar at row i of a values array (edges: VALUES, literals). */
export function storeScalar(values: ColumnValues, i: number, v: number | string | boolean): void {
  if (values instanceof NumericValues) {
    const p = parseNumeric(String(v));
    assert(p !== null, `not a NUMERIC scalar: ${String(v)}`);
    values[i] = p.key;
    values.scales[i] = p.scale;
  } else if (Array.isArray(values)) values[i] = v as string;
  else if (values instanceof Uint8Array) values[i] = v === true ? 1 : 0;
  else if (values instanceof IntervalValues) {
    const p = parseInterval(v as string);
    setInterval(values, i, p.months, p.days, p.micros);
  } else values[i] = v as number;
}

/**
 * Copies one value from row `from` of `src` to row `to` of `dst` (same type):
 * the edge-case path for kernels that pick values row by row (CASE, COALESCE).
 * Interval parts and NUMERIC display scales travel with the value.
 */
export function copyCell(dst: ColumnValues, to: number, src: ColumnValues, from: number): void {
  if (dst instanceof IntervalValues) copyInterval(dst, to, src as IntervalValues, from);
  else if (dst instanceof NumericValues) copyNumeric(dst, to, src as NumericValues, from);
  else dst[to] = src[from]!;
}

/** Copies the rows listed in `indexes`, in that order: filters and joins. */
export function gatherColumn(col: Column, indexes: Int32Array, count = indexes.length): Column {
  const src = col.values;
  let values: ColumnValues;
  if (src instanceof NumericValues) {
    const out = new NumericValues(count);
    for (let i = 0; i < count; i++) copyNumeric(out, i, src, indexes[i]!);
    values = out;
  } else if (Array.isArray(src)) {
    const out = new Array<string>(count);
    for (let i = 0; i < count; i++) out[i] = src[indexes[i]!]!;
    values = out;
  } else if (src instanceof IntervalValues) {
    const out = new IntervalValues(count);
    for (let i = 0; i < count; i++) copyInterval(out, i, src, indexes[i]!);
    values = out;
  } else {
    const out = new (src.constructor as { new (n: number): Uint8Array | Int32Array | Float64Array })(count);
    for (let i = 0; i < count; i++) out[i] = src[indexes[i]!]!;
    values = out;
  }
  let validity: Uint8Array | null = null;
  const v = col.validity;
  if (v !== null) {
    for (let i = 0; i < count; i++) {
      const j = indexes[i]!;
      if (((v[j >>> 3]! >>> (j & 7)) & 1) === 0) {
        validity ??= allValid(count);
        setNull(validity, i);
      }
    }
  }
  return makeColumn(col.type, values, validity, count);
}

/** Concatenates columns of one type. */
export function concatColumns(type: SqlType, cols: readonly Column[]): Column {
  let total = 0;
  for (const c of cols) total += c.length;
  const values = allocValues(type, total);
  let validity: Uint8Array | null = null;
  let at = 0;
  for (const c of cols) {
    if (values instanceof NumericValues) {
      for (let i = 0; i < c.length; i++) copyNumeric(values, at + i, c.values as NumericValues, i);
    } else if (Array.isArray(values)) {
      const src = c.values as string[];
      for (let i = 0; i < c.length; i++) values[at + i] = src[i]!;
    } else if (values instanceof IntervalValues) {
      copyIntervalRange(values, at, c.values as IntervalValues, c.length);
    } else {
      (values as Float64Array).set((c.values as Float64Array).subarray(0, c.length), at);
    }
    if (c.validity !== null) {
      for (let i = 0; i < c.length; i++) {
        if (!isValid(c.validity, i)) {
          validity ??= allValid(total);
          setNull(validity, at + i);
        }
      }
    }
    at += c.length;
  }
  return makeColumn(type, values, validity, total);
}
