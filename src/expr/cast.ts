// CAST between Freshet's types, for columns (kernels) and single values (the
// binder folds casts of literals). Text forms follow PostgreSQL's output:
// booleans 'true'/'false', doubles shortest-round-trip with PostgreSQL's
// exponent style, timestamps 'YYYY-MM-DD HH:MM:SS[.ffffff]' (TIMESTAMPTZ with
// '+00': the session time zone is UTC), intervals in IntervalStyle postgres,
// jsonb canonical. Doubles round half away from zero when cast to integers
// (README: differences). An interval's Scalar is its text form (column.ts).

import type { SqlType } from '../common/sql-type.js';
import { elementType, isArrayType, typeInfo } from '../common/sql-type.js';
import type { ElementType } from '../common/sql-type.js';
import { formatArrayLiteral, parseArrayLiteral } from '../columnar/array-text.js';
import { formatBytea, parseBytea } from '../columnar/bytea-text.js';
import { EngineError, SqlState } from '../common/errors.js';
import type { Column, Scalar } from '../columnar/column.js';
import { allocValues, makeColumn, storeScalar } from '../columnar/column.js';
import { NumericValues, decimalFromKey, formatNumeric, isSpecialKey, keyFromDecimal, naturalScale, numericTextAt, parseNumeric } from '../columnar/numeric-values.js';
import { decimalToDouble, roundDecimal } from './decimal.js';
import { isValid } from '../columnar/validity.js';
import { formatInterval, parseInterval } from '../columnar/interval-text.js';
import { IntervalValues, setInterval } from '../columnar/interval-values.js';
import { MICROS_PER_DAY, formatDate, formatTimestamp, formatTimestamptz, parseDate, parseTimestamp, parseTimestamptz } from './datetime.js';
import { canonicalJson, jsonbToScalar } from './json-value.js';
import { roundHalfAway } from './functions/math.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** PostgreSQL's float8 text: shortest round-trip digits, exponent below 1e-4 or from 1e15. */
export function formatDouble(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 15) {
    const e = Math.abs(exp);
    return `${mantissa}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' + e : e}`;
  }
  return String(x);
}

function invalid(type: SqlType, text: string): EngineError {
  return new EngineError(SqlState.invalidTextRepresentation, `invalid input syntax for type ${typeInfo[type].sqlName.toLowerCase()}: "${text}"`);
}

function outOfRange(type: SqlType): EngineError {
  return new EngineError(SqlState.numericValueOutOfRange, `${typeInfo[type].sqlName.toLowerCase()} out of range`);
}

const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;
const DOUBLE_TEXT = /^\s*[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|nan|infinity|inf)\s*$/i;

function parseDouble(text: string): number {
  if (!DOUBLE_TEXT.test(text)) throw invalid('double', text);
  const t = text.trim().toLowerCase();
  if (t === 'nan' || t === '+nan' || t === '-nan') return NaN;
  if (t.endsWith('infinity') || t.endsWith('inf')) return t.startsWith('-') ? -Infinity : Infinity;
  const x = Number(t);
  // PostgreSQL refuses a finite spelling beyond the double range rather than reading it as infinity.
  if (!Number.isFinite(x)) throw new EngineError(SqlState.numericValueOutOfRange, `"${text.trim()}" is out of range for type double precision`);
  return x;
}

function toIntegral(x: number, to: SqlType): number {
  const r = roundHalfAway(x, 0);
  if (Number.isNaN(r)) throw outOfRange(to);
  if (to === 'integer' && (r < INT32_MIN || r > INT32_MAX)) throw outOfRange(to);
  if (to === 'bigint' && !Number.isSafeInteger(r)) {
    // BIGINT lives in a double: refuse what it cannot hold exactly instead of rounding.
    throw new EngineError(SqlState.numericValueOutOfRange, 'bigint out of range (Freshet keeps BIGINT exact within ±2^53)');
  }
  return r;
}

/** PostgreSQL accepts any unambiguous prefix of true/false/yes/no, and on/off/1/0. */
function parseBoolean(text: string): boolean {
  const t = text.trim().toLowerCase();
  if (t.length > 0) {
    if ('true'.startsWith(t) || 'yes'.startsWith(t) || t === '1' || t === 'on') return true;
    if ('false'.startsWith(t) || 'no'.startsWith(t) || t === '0' || (t.length >= 2 && 'off'.startsWith(t))) return false;
  }
  throw invalid('boolean', text);
}

/** The text form of one non-null value. */
export function formatScalar(value: number | string | boolean, type: SqlType): string {
  switch (type) {
    case 'boolean':
      return value === true || value === 1 ? 'true' : 'false';
    case 'integer':
    case 'bigint':
      return String(value);
    case 'double':
      return formatDouble(value as number);
    case 'text':
      return value as string;
    case 'timestamp':
      return formatTimestamp(value as number);
    case 'date':
      return formatDate(value as number);
    case 'timestamptz':
      return formatTimestamptz(value as number);
    case 'bytea':
      return formatBytea(value as string);
    default:
      // interval, jsonb, numeric and arrays: the Scalar is already the text form.
      return value as string;
  }
}

/** Casts one non-null value; throws the PostgreSQL error for impossible values. */
export function castValue(value: number | string | boolean, from: SqlType, to: SqlType): number | string | boolean {
  if (from === to) return value;
  if (to === 'text') return formatScalar(value, from);
  if (isArrayType(to)) return castToArray(value, from, elementType(to));
  if (to === 'bytea' && from === 'text') return parseBytea(value as string);
  switch (from) {
    case 'text': {
      const s = value as string;
      switch (to) {
        case 'boolean':
          return parseBoolean(s);
        case 'integer':
        case 'bigint':
          if (!INTEGER_TEXT.test(s)) throw invalid(to, s);
          if (to === 'bigint' && !Number.isSafeInteger(Number(s))) {
            throw new EngineError(SqlState.numericValueOutOfRange, `bigint out of range (Freshet keeps BIGINT exact within ±2^53): "${s.trim()}"`);
          }
          return toIntegral(Number(s), to);
        case 'double':
          return parseDouble(s);
        case 'timestamp':
          return parseTimestamp(s);
        case 'date':
          return parseDate(s);
        case 'timestamptz':
          return parseTimestamptz(s);
        case 'interval': {
          const p = parseInterval(s);
          return formatInterval(p.months, p.days, p.micros);
        }
        case 'jsonb':
          return canonicalJson(s);
        case 'numeric': {
          const p = parseNumeric(s);
          if (p === null) throw invalid('numeric', s);
          return formatNumeric(p.key, p.scale);
        }
      }
      break;
    }
    case 'numeric': {
      const text = value as string;
      if (to === 'double') return Number(text);
      if (to === 'integer' || to === 'bigint') {
        const p = parseNumeric(text)!;
        if (isSpecialKey(p.key)) throw new EngineError(SqlState.featureNotSupported, `cannot convert ${text === 'NaN' ? 'NaN' : 'infinity'} to ${to}`);
        return toIntegral(decimalToDouble(roundDecimal(decimalFromKey(p.key, p.scale), 0)), to);
      }
      break;
    }
    case 'jsonb':
      return jsonbToScalar(value as string, to);
    case 'boolean':
      if (to === 'integer' || to === 'bigint') return value === true ? 1 : 0;
      break;
    case 'integer':
    case 'bigint':
    case 'double':
      if (to === 'numeric') return from === 'double' ? doubleToNumericText(value as number) : String(value);
      if (to === 'boolean' && from !== 'double') return value !== 0;
      if (to === 'integer' || to === 'bigint') return toIntegral(value as number, to);
      if (to === 'double') return value as number;
      break;
    case 'timestamp':
    case 'timestamptz':
      // The session time zone is UTC: TIMESTAMP and TIMESTAMPTZ share their µs.
      if (to === 'date') return Math.floor((value as number) / MICROS_PER_DAY);
      if (to === 'timestamp' || to === 'timestamptz') return value;
      break;
    case 'date':
      if (to === 'timestamp' || to === 'timestamptz') return (value as number) * MICROS_PER_DAY;
      break;
  }
  throw new EngineError(SqlState.datatypeMismatch, `cannot cast type ${typeInfo[from].sqlName.toLowerCase()} to ${typeInfo[to].sqlName.toLowerCase()}`);
}

/** An array element's text as array output prints it: booleans are t/f there (boolout), else the cast to text. */
export function formatElement(value: number | string | boolean, type: ElementType): string {
  if (type === 'boolean') return value === true || value === 1 ? 't' : 'f';
  return formatScalar(value, type);
}

/** text -> T[] (each element read as T and printed back) and S[] -> T[] (element casts). */
function castToArray(value: number | string | boolean, from: SqlType, to: ElementType): string {
  if (from !== 'text' && !isArrayType(from)) {
    throw new EngineError(SqlState.cannotCoerce, `cannot cast type ${typeInfo[from].sqlName.toLowerCase()} to ${typeInfo[to].sqlName.toLowerCase()}[]`);
  }
  const source: ElementType = from === 'text' ? 'text' : elementType(from as `${ElementType}[]`);
  const parts = parseArrayLiteral(value as string);
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k]!;
    if (p === null) continue;
    const typed = source === 'text' ? p : castValue(p, 'text', source);
    parts[k] = formatElement(castValue(typed, source, to), to);
  }
  return formatArrayLiteral(parts);
}

/** Whether CAST(from AS to) exists at all (checked at bind time). */
export function canCast(from: SqlType, to: SqlType): boolean {
  if (from === to || from === 'text' || to === 'text') return true;
  if (isArrayType(from) || isArrayType(to)) return isArrayType(from) && isArrayType(to) && canCast(elementType(from), elementType(to));
  if (from === 'bytea' || to === 'bytea') return false;
  const numeric = (t: SqlType): boolean => t === 'integer' || t === 'bigint' || t === 'double' || t === 'numeric';
  if (numeric(from) && numeric(to)) return true;
  if (from === 'boolean') return to === 'integer' || to === 'bigint';
  if (from === 'jsonb') return to === 'boolean' || numeric(to);
  if (to === 'boolean') return from === 'integer' || from === 'bigint';
  const datetime = (t: SqlType): boolean => t === 'date' || t === 'timestamp' || t === 'timestamptz';
  return datetime(from) && datetime(to);
}

/** Casts a column. Widening numeric casts copy in one typed-array pass. */
export function castColumn(col: Column, to: SqlType): Column {
  const from = col.type;
  if (from === to) return col;
  const n = col.length;
  if (from === 'integer' && (to === 'bigint' || to === 'double')) {
    return makeColumn(to, Float64Array.from(col.values as Int32Array), col.validity, n);
  }
  if (from === 'bigint' && to === 'double') return makeColumn(to, col.values, col.validity, n);
  if ((from === 'timestamp' && to === 'timestamptz') || (from === 'timestamptz' && to === 'timestamp')) {
    return makeColumn(to, col.values, col.validity, n);
  }
  if (from === 'interval' || to === 'interval') return castIntervalColumn(col, to);
  if (to === 'numeric') return castToNumericColumn(col);
  const values = allocValues(to, n);
  const src = col.values;
  for (let i = 0; i < n; i++) {
    if (!isValid(col.validity, i)) continue;
    const raw = from === 'boolean' ? src[i] === 1 : (src[i] as number | string);
    const v = castValue(from === 'numeric' ? numericTextAt(src as string[], i) : raw, from, to);
    if (values instanceof Uint8Array) values[i] = v === true ? 1 : 0;
    else (values as (number | string)[])[i] = v as number | string;
  }
  return makeColumn(to, values, col.validity, n);
}

/**
 * PostgreSQL's float8 -> numeric: the double's 15 significant digits
 * (DBL_DIG), trailing zeros dropped; NaN and the infinities carry over.
 */
export function doubleToNumericText(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  const p = parseNumeric(x.toPrecision(15))!;
  return formatNumeric(p.key, naturalScale(p.key));
}

/** Any castable type to NUMERIC; integers skip the text round trip. */
function castToNumericColumn(col: Column): Column {
  const n = col.length;
  const out = new NumericValues(n);
  const src = col.values;
  for (let i = 0; i < n; i++) {
    if (!isValid(col.validity, i)) continue;
    if (col.type === 'integer' || col.type === 'bigint') {
      out[i] = keyFromDecimal(BigInt((src as Float64Array | Int32Array)[i]!), 0);
      out.scales[i] = 0;
    } else {
      storeScalar(out, i, castValue(col.type === 'boolean' ? src[i] === 1 : (src[i] as number | string), col.type, 'numeric'));
    }
  }
  return makeColumn('numeric', out, col.validity, n);
}

/** Interval to text and text to interval (the only casts an interval has). */
function castIntervalColumn(col: Column, to: SqlType): Column {
  const n = col.length;
  if (col.type === 'interval') {
    const src = col.values as IntervalValues;
    const out = new Array<string>(n).fill('');
    for (let i = 0; i < n; i++) {
      if (isValid(col.validity, i)) out[i] = formatInterval(src.months[i]!, src.days[i]!, src.micros[i]!);
    }
    return makeColumn(to, out, col.validity, n);
  }
  const src = col.values as string[];
  const out = new IntervalValues(n);
  for (let i = 0; i < n; i++) {
    if (!isValid(col.validity, i)) continue;
    const p = parseInterval(src[i]!);
    setInterval(out, i, p.months, p.days, p.micros);
  }
  return makeColumn(to, out, col.validity, n);
}

/** Casts a possibly-null scalar. */
export function castScalar(value: Scalar, from: SqlType, to: SqlType): Scalar {
  return value === null ? null : castValue(value, from, to);
}
