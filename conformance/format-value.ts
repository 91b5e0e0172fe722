// How one result value is written in a sqllogictest file. Two styles:
//  'sqlite': SQLite's original runner — I as a truncated integer, R as %.3f,
//            T as text with non-printable characters replaced by '@'; booleans 1/0.
//  'pg':     sqllogictest-rs with a PostgreSQL-protocol driver (RisingWave files) —
//            the value's PostgreSQL text output, whatever the type letter; booleans t/f.
// Both write NULL as `NULL` and the empty string as `(empty)`.
import type { ResultValue } from '../src/query-result.js';

export type FormatStyle = 'sqlite' | 'pg';

/** Digits of the exponent from which PostgreSQL's float8 output switches to e-notation. */
const pgFloatMaxFixedExponent = 15;
const pgFloatMinFixedExponent = -4;

/**
 * Formats `value` for a column with type letter `letter` ('I', 'R', 'T', ...).
 * `pgType` is the result field's PostgreSQL type name ('int4', 'float8', ...) when known:
 * it tells an integral float8 from an int8 in the 'pg' style.
 */
export function formatValue(value: ResultValue, letter: string, style: FormatStyle, pgType?: string): string {
  if (value === null) return 'NULL';
  if (value === '') return '(empty)';
  return style === 'sqlite' ? formatSqlite(value, letter) : formatPg(value, pgType);
}

/** R-column formatting shared by both styles: `%.3f`. */
export function formatFixed3(value: ResultValue): string {
  if (value === null) return 'NULL';
  const n = toNumber(value);
  if (Number.isNaN(n) && typeof value === 'string') return value;
  return fixed3(n);
}

function formatSqlite(value: boolean | number | string, letter: string): string {
  switch (letter) {
    case 'I': {
      const n = toNumber(value);
      if (!Number.isFinite(n)) return typeof value === 'string' ? value : String(n);
      const t = Math.trunc(n);
      return Number.isSafeInteger(t) ? String(t === 0 ? 0 : t) : BigInt(t).toString();
    }
    case 'R':
      return formatFixed3(value);
    default: {
      const text = typeof value === 'boolean' ? (value ? '1' : '0') : typeof value === 'number' ? pgFloatText(value) : value;
      // SQLite's runner prints bytes outside printable ASCII as '@' so files stay plain text.
      return text.replace(/[^\x20-\x7e]/g, '@');
    }
  }
}

function formatPg(value: boolean | number | string, pgType: string | undefined): string {
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'string') return value;
  if ((pgType === 'int4' || pgType === 'int8' || pgType === 'int2') && Number.isInteger(value)) {
    return Number.isSafeInteger(value) ? String(value) : BigInt(value).toString();
  }
  return pgFloatText(value);
}

/**
 * PostgreSQL's float8 output (extra_float_digits = 1, the default since PG 12): the shortest
 * text that reads back as the same double, in e-notation when the decimal exponent is
 * below -4 or at least 15, with at least two exponent digits.
 */
export function pgFloatText(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  // toExponential() without an argument gives the shortest round-tripping digits.
  const [mantissa = '', expText = '0'] = n.toExponential().split('e');
  const exp = Number(expText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  if (exp < pgFloatMinFixedExponent || exp >= pgFloatMaxFixedExponent) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : String(e)}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intLen = exp + 1;
  if (digits.length <= intLen) return `${sign}${digits}${'0'.repeat(intLen - digits.length)}`;
  return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
}

function toNumber(value: boolean | number | string): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  // SQLite reads a text value as a number by its longest numeric prefix, 0 if none.
  const m = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(value);
  return m === null ? 0 : Number(m[0]);
}

function fixed3(n: number): string {
  if (!Number.isFinite(n)) return pgFloatText(n);
  return n.toFixed(3);
}
