// The NUMERIC column layout: a string[] of order-preserving keys plus an
// Int32Array of display scales. A key is a normalized encoding of the value
// alone, so equal values have equal keys (1.5 = 1.50) and code-point order of
// keys is numeric order: hashing, equality, GROUP BY, joins, ORDER BY and
// MIN/MAX work on NUMERIC through the same paths as text. The display scale
// (digits after the point PostgreSQL prints, 2 for 1.50) rides alongside; a
// path that copies only the keys loses it and prints the value's natural scale.
//
// Key grammar (value = 0.d1d2...dn × 10^E, d1 and dn non-zero):
//   'm'                          -Infinity
//   'n' + (999999 - (E+BIAS)) + (9-d1)...(9-dn) + '~'   negative
//   'o'                          zero
//   'p' + (E+BIAS) + d1...dn     positive
//   'q'                          +Infinity
//   'r'                          NaN (PostgreSQL orders NaN above every number)
// with E+BIAS written in 6 digits. The '~' after a negative's digits sorts
// after every digit, so -0.123 < -0.12 as it must.

import { EngineError, SqlState } from '../common/errors.js';

const BIAS = 400_000;
export const NUMERIC_KEY_ZERO = 'o';
export const NUMERIC_KEY_NAN = 'r';
export const NUMERIC_KEY_POS_INF = 'q';
export const NUMERIC_KEY_NEG_INF = 'm';
/** PostgreSQL's limits: 131072 digits before the point, 16383 after. */
export const NUMERIC_MAX_DISPLAY_SCALE = 16383;
const MAX_INTEGER_DIGITS = 131072;

export class NumericValues extends Array<string> {
  /** Digits after the decimal point each value prints with (its display scale). */
  scales: Int32Array;

  constructor(length: number) {
    super(length);
    this.fill(NUMERIC_KEY_ZERO);
    this.scales = new Int32Array(length);
  }

  // Array methods that build new arrays (slice, map, filter) return plain
  // arrays of keys, not NumericValues: the scales do not follow them.
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
}

/** Copies value `from` of `src` (key and scale) to row `to` of `dst`. */
export function copyNumeric(dst: NumericValues, to: number, src: NumericValues | readonly string[], from: number): void {
  dst[to] = src[from]!;
  dst.scales[to] = numericScaleAt(src, from);
}

/** The display scale of row i: its own when `values` carries scales, else its natural one. */
export function numericScaleAt(values: readonly string[], i: number): number {
  return values instanceof NumericValues ? values.scales[i]! : naturalScale(values[i]!);
}

/** PostgreSQL's text of row i of a NUMERIC values array. */
export function numericTextAt(values: readonly string[], i: number): string {
  return formatNumeric(values[i]!, numericScaleAt(values, i));
}

/** A decoded finite value: sign, significant digits (no leading/trailing zeros) and exponent E. */
interface Decoded {
  readonly negative: boolean;
  readonly digits: string;
  readonly exponent: number;
}

function padExponent(e: number): string {
  return String(e).padStart(6, '0');
}

function complementDigits(d: string): string {
  let out = '';
  for (let i = 0; i < d.length; i++) out += String.fromCharCode(105 - d.charCodeAt(i)); // '9' - (c - '0') = 57 + 48 - c
  return out;
}

/**
 * The key of sign × 0.digits × 10^exponent. `digits` may carry leading and
 * trailing zeros; they are stripped here. Throws 22003 beyond PostgreSQL's range.
 */
export function keyFromDigits(negative: boolean, digits: string, exponent: number): string {
  let start = 0;
  while (start < digits.length && digits.charCodeAt(start) === 48) start++;
  let end = digits.length;
  while (end > start && digits.charCodeAt(end - 1) === 48) end--;
  if (start === end) return NUMERIC_KEY_ZERO;
  const d = digits.slice(start, end);
  const e = exponent - start;
  if (e > MAX_INTEGER_DIGITS) throw new EngineError(SqlState.numericValueOutOfRange, 'value overflows numeric format');
  if (!negative) return 'p' + padExponent(e + BIAS) + d;
  return 'n' + padExponent(999_999 - (e + BIAS)) + complementDigits(d) + '~';
}

/** Decodes a finite non-zero key; null for zero and the special values. */
function decode(key: string): Decoded | null {
  const tag = key.charCodeAt(0);
  if (tag === 112 /* p */) return { negative: false, exponent: Number(key.slice(1, 7)) - BIAS, digits: key.slice(7) };
  if (tag === 110 /* n */) {
    return { negative: true, exponent: 999_999 - Number(key.slice(1, 7)) - BIAS, digits: complementDigits(key.slice(7, key.length - 1)) };
  }
  return null;
}

export function isSpecialKey(key: string): boolean {
  const tag = key.charCodeAt(0);
  return tag === 109 || tag === 113 || tag === 114;
}

/** The fewest digits after the point that print the value exactly. */
export function naturalScale(key: string): number {
  const d = decode(key);
  if (d === null) return 0;
  return Math.max(0, d.digits.length - d.exponent);
}

/** PostgreSQL's text form of a value at a display scale (never fewer digits than the value has). */
export function formatNumeric(key: string, scale: number): string {
  switch (key) {
    case NUMERIC_KEY_NAN:
      return 'NaN';
    case NUMERIC_KEY_POS_INF:
      return 'Infinity';
    case NUMERIC_KEY_NEG_INF:
      return '-Infinity';
    case NUMERIC_KEY_ZERO:
      return scale > 0 ? '0.' + '0'.repeat(scale) : '0';
  }
  const { negative, digits, exponent } = decode(key)!;
  let intPart: string;
  let frac: string;
  if (exponent <= 0) {
    intPart = '0';
    frac = '0'.repeat(-exponent) + digits;
  } else if (exponent >= digits.length) {
    intPart = digits + '0'.repeat(exponent - digits.length);
    frac = '';
  } else {
    intPart = digits.slice(0, exponent);
    frac = digits.slice(exponent);
  }
  if (frac.length < scale) frac += '0'.repeat(scale - frac.length);
  return (negative ? '-' : '') + intPart + (frac.length > 0 ? '.' + frac : '');
}

/** An exact value as an integer mantissa and a scale: m × 10^-scale. */
export interface Decimal {
  readonly m: bigint;
  readonly scale: number;
}

const TEN = 10n;
const POW10: bigint[] = [1n];
export function pow10(n: number): bigint {
  while (POW10.length <= Math.min(n, 64)) POW10.push(POW10[POW10.length - 1]! * TEN);
  return n <= 64 ? POW10[n]! : TEN ** BigInt(n);
}

/**
 * A finite key as m × 10^-scale at the given display scale, or at the value's
 * natural scale when that is larger (a display scale lost on the way never
 * drops digits).
 */
export function decimalFromKey(key: string, scale: number): Decimal {
  if (key === NUMERIC_KEY_ZERO) return { m: 0n, scale };
  const d = decode(key);
  if (d === null) throw new EngineError(SqlState.featureNotSupported, 'NaN and Infinity NUMERIC values do not take part in exact arithmetic');
  // value = digits × 10^(exponent - len); at `scale`, m = digits × 10^(exponent - len + scale)
  const shift = d.exponent - d.digits.length + scale;
  let m = BigInt(d.digits);
  if (shift >= 0) m *= pow10(shift);
  else scale -= shift;
  return { m: d.negative ? -m : m, scale };
}

/** The key of m × 10^-scale. */
export function keyFromDecimal(m: bigint, scale: number): string {
  if (m === 0n) return NUMERIC_KEY_ZERO;
  const negative = m < 0n;
  const digits = (negative ? -m : m).toString();
  return keyFromDigits(negative, digits, digits.length - scale);
}

const NUMERIC_TEXT = /^\s*([+-]?)(\d+\.?\d*|\.\d+)(?:[eE]([+-]?\d+))?\s*$/;

/**
 * Parses PostgreSQL's NUMERIC input ('12.50', '-.5', '1e3', 'NaN', 'Infinity').
 * Returns the key and the display scale, or null when the text is not a number.
 */
export function parseNumeric(text: string): { key: string; scale: number } | null {
  const m = NUMERIC_TEXT.exec(text);
  if (m === null) {
    const t = text.trim().toLowerCase();
    if (t === 'nan') return { key: NUMERIC_KEY_NAN, scale: 0 };
    if (t === 'infinity' || t === '+infinity' || t === 'inf' || t === '+inf') return { key: NUMERIC_KEY_POS_INF, scale: 0 };
    if (t === '-infinity' || t === '-inf') return { key: NUMERIC_KEY_NEG_INF, scale: 0 };
    return null;
  }
  const body = m[2]!;
  const exp = m[3] === undefined ? 0 : Number(m[3]);
  if (!Number.isFinite(exp) || Math.abs(exp) > 1_000_000) return null;
  const point = body.indexOf('.');
  const intDigits = point < 0 ? body : body.slice(0, point);
  const fracDigits = point < 0 ? '' : body.slice(point + 1);
  const scale = Math.max(0, fracDigits.length - exp);
  if (scale > NUMERIC_MAX_DISPLAY_SCALE) throw new EngineError(SqlState.numericValueOutOfRange, 'value overflows numeric format');
  return { key: keyFromDigits(m[1] === '-', intDigits + fracDigits, intDigits.length + exp), scale };
}
