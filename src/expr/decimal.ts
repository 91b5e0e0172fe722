// Exact NUMERIC arithmetic on Decimal values (an integer mantissa and a scale:
// m × 10^-scale), following PostgreSQL's rules for the result's display scale:
// + and - take the larger scale, * the sum of scales, / PostgreSQL's
// select_div_scale (at least 16 significant digits), rounding half away from
// zero. Columns hold keys (columnar/numeric-values.ts); kernels decode a row's
// key to a Decimal, compute, and encode the result's key.

import { EngineError, SqlState } from '../common/errors.js';
import type { Decimal } from '../columnar/numeric-values.js';
import { NUMERIC_MAX_DISPLAY_SCALE, pow10 } from '../columnar/numeric-values.js';

/** m at a larger scale (exact). */
export function rescaleUp(d: Decimal, scale: number): bigint {
  return scale === d.scale ? d.m : d.m * pow10(scale - d.scale);
}

export function addDecimal(a: Decimal, b: Decimal): Decimal {
  const s = Math.max(a.scale, b.scale);
  return { m: rescaleUp(a, s) + rescaleUp(b, s), scale: s };
}

export function subDecimal(a: Decimal, b: Decimal): Decimal {
  const s = Math.max(a.scale, b.scale);
  return { m: rescaleUp(a, s) - rescaleUp(b, s), scale: s };
}

export function mulDecimal(a: Decimal, b: Decimal): Decimal {
  const s = a.scale + b.scale;
  if (s > NUMERIC_MAX_DISPLAY_SCALE) return roundDecimal({ m: a.m * b.m, scale: s }, NUMERIC_MAX_DISPLAY_SCALE);
  return { m: a.m * b.m, scale: s };
}

/** n / d rounded half away from zero (d ≠ 0). */
function divRound(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  const ad = d < 0n ? -d : d;
  if (twice < ad) return q;
  return (n < 0n) !== (d < 0n) ? q - 1n : q + 1n;
}

/** The value rounded (half away from zero) to `scale` digits after the point; scale may be negative. */
export function roundDecimal(d: Decimal, scale: number): Decimal {
  const outScale = Math.max(scale, 0);
  if (scale >= d.scale) return { m: rescaleUp(d, outScale), scale: outScale };
  const m = divRound(d.m, pow10(d.scale - scale));
  return { m: scale >= 0 ? m : m * pow10(-scale), scale: outScale };
}

/** The value truncated toward zero to `scale` digits after the point; scale may be negative. */
export function truncDecimal(d: Decimal, scale: number): Decimal {
  const outScale = Math.max(scale, 0);
  if (scale >= d.scale) return { m: rescaleUp(d, outScale), scale: outScale };
  const m = d.m / pow10(d.scale - scale);
  return { m: scale >= 0 ? m : m * pow10(-scale), scale: outScale };
}

export function floorDecimal(d: Decimal): Decimal {
  const t = truncDecimal(d, 0);
  return d.m < 0n && rescaleUp(t, d.scale) !== d.m ? { m: t.m - 1n, scale: 0 } : t;
}

export function ceilDecimal(d: Decimal): Decimal {
  const t = truncDecimal(d, 0);
  return d.m > 0n && rescaleUp(t, d.scale) !== d.m ? { m: t.m + 1n, scale: 0 } : t;
}

function divisionByZero(): EngineError {
  return new EngineError(SqlState.divisionByZero, 'division by zero');
}

/**
 * PostgreSQL's weight (position of the first base-10000 digit) and value of
 * that digit, for |m| × 10^-scale; (0, 0) for zero.
 */
function firstBase10000Digit(d: Decimal): { weight: number; digit: number } {
  if (d.m === 0n) return { weight: 0, digit: 0 };
  const digits = (d.m < 0n ? -d.m : d.m).toString();
  const e = digits.length - d.scale; // value = 0.digits × 10^e
  const weight = Math.floor((e - 1) / 4);
  const take = e - 4 * weight; // how many leading digits fall in the first group (1..4)
  const digit = Number(digits.slice(0, take).padEnd(take, '0'));
  return { weight, digit };
}

/** The display scale PostgreSQL gives a / b (select_div_scale). */
export function divisionScale(a: Decimal, b: Decimal): number {
  const x = firstBase10000Digit(a);
  const y = firstBase10000Digit(b);
  let qweight = x.weight - y.weight;
  if (x.digit <= y.digit) qweight--;
  const rscale = Math.max(16 - qweight * 4, a.scale, b.scale, 0);
  return Math.min(rscale, 1000);
}

/** a / b at PostgreSQL's display scale (or at `scale` when given), rounded half away from zero. */
export function divDecimal(a: Decimal, b: Decimal, scale = divisionScale(a, b)): Decimal {
  if (b.m === 0n) throw divisionByZero();
  // a/b = (ma / 10^sa) / (mb / 10^sb); at `scale`: q = ma × 10^(scale + sb - sa) / mb
  const shift = scale + b.scale - a.scale;
  const n = shift >= 0 ? a.m * pow10(shift) : a.m;
  const d = shift >= 0 ? b.m : b.m * pow10(-shift);
  return { m: divRound(n, d), scale };
}

/** PostgreSQL's numeric %: a - trunc(a / b) × b, at the larger scale. */
export function modDecimal(a: Decimal, b: Decimal): Decimal {
  if (b.m === 0n) throw divisionByZero();
  const s = Math.max(a.scale, b.scale);
  return { m: rescaleUp(a, s) % rescaleUp(b, s), scale: s };
}

/** A decimal's digits as a JS number (nearest double). */
export function decimalToDouble(d: Decimal): number {
  if (d.scale === 0) return Number(d.m);
  return Number(`${d.m.toString()}e-${d.scale}`);
}

/**
 * NUMERIC(precision, scale) coercion: rounds to `scale` digits and refuses a
 * value whose integer part needs more than precision - scale digits (22003).
 */
export function applyTypmod(d: Decimal, precision: number, scale: number): Decimal {
  const r = roundDecimal(d, scale);
  const limit = pow10(precision); // |m| at `scale` must stay below 10^precision
  const abs = r.m < 0n ? -r.m : r.m;
  if (abs >= limit) {
    throw new EngineError(
      SqlState.numericValueOutOfRange,
      `numeric field overflow: a field with precision ${precision}, scale ${scale} must round to an absolute value less than 10^${precision - scale}`,
    );
  }
  return r;
}
