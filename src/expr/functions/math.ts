// Numeric functions. round() rounds halves away from zero, as PostgreSQL does
// for NUMERIC (decimal literals are NUMERIC there and DOUBLE here, so users see
// the NUMERIC behaviour they expect); see README "Differences from PostgreSQL".

import type { SqlType } from '../../common/sql-type.js';
import { isNumeric } from '../../common/sql-type.js';
import { EngineError, SqlState } from '../../common/errors.js';
import type { Column } from '../../columnar/column.js';
import type { ArgType, FunctionDef, FunctionImpl } from '../function-def.js';
import { fixed } from '../function-def.js';
import { mapRows } from '../kernel-util.js';
import { numericAbs, numericCeil, numericFloor, numericRounding, numericSign } from './numeric-functions.js';

/** Rounds half away from zero to `digits` decimal places (negative digits round left of the point). */
export function roundHalfAway(x: number, digits: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const sign = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  if (digits === 0) return sign * Math.round(ax);
  // A double carries at most 17 significant digits: rounding below them changes nothing.
  if (digits > 0 && digits + Math.floor(Math.log10(ax)) >= 17) return x;
  // Shifting through the decimal exponent avoids 1.005 * 100 = 100.49999; the
  // mantissa/exponent split keeps it right for numbers JS prints as 1e-7 or 1e+25.
  const [mantissa, exponent] = ax.toExponential().split('e') as [string, string];
  const shifted = Math.round(Number(`${mantissa}e${Number(exponent) + digits}`));
  if (shifted === 0) return sign * 0;
  const [m2, e2] = shifted.toExponential().split('e') as [string, string];
  return sign * Number(`${m2}e${Number(e2) - digits}`);
}

function nums(c: Column): ArrayLike<number> {
  return c.values as ArrayLike<number>;
}

/** One numeric argument; integers keep their type where the function maps integers to integers. */
function numericUnary(name: string, fn: (x: number) => number, keepsIntegers: boolean, aliases?: readonly string[]): FunctionDef {
  return {
    name,
    ...(aliases === undefined ? {} : { aliases }),
    minArgs: 1,
    maxArgs: 1,
    resolve(argTypes: readonly ArgType[]) {
      let t = argTypes[0] === 'unknown' ? 'double' : argTypes[0]!;
      if (!isNumeric(t)) return null;
      if (t === 'numeric') {
        const exact = NUMERIC_KERNELS[name];
        if (exact !== undefined) return fixed(['numeric'], 'numeric', exact);
        // sqrt, exp, ln, log on NUMERIC compute in doubles (README: differences).
        t = 'double';
      }
      const out: SqlType = keepsIntegers ? t : 'double';
      return fixed([t], out, (args, n) => {
        const x = nums(args[0]!);
        return mapRows(args, n, out, (i) => {
          const r = fn(x[i]!);
          if (out === 'integer' && (r > 2147483647 || r < -2147483648)) {
            throw new EngineError(SqlState.numericValueOutOfRange, 'integer out of range');
          }
          // PostgreSQL raises on overflow to infinity from a finite input (exp(1000)).
          if (!Number.isFinite(r) && Number.isFinite(x[i]!) && r === r) {
            throw new EngineError(SqlState.numericValueOutOfRange, 'value out of range: overflow');
          }
          return r;
        });
      });
    },
  };
}

function checked(name: string, fn: (x: number) => number, bad: (x: number) => boolean, code: '2201E' | '2201F', message: string): (x: number) => number {
  void name;
  return (x) => {
    if (bad(x)) throw new EngineError(code, message);
    return fn(x);
  };
}

/** The exact NUMERIC kernels of the one-argument functions that keep NUMERIC. */
const NUMERIC_KERNELS: Record<string, FunctionImpl> = {
  abs: numericAbs,
  floor: numericFloor,
  ceil: numericCeil,
  trunc: numericRounding(true),
  sign: numericSign,
};

const round: FunctionDef = {
  name: 'round',
  minArgs: 1,
  maxArgs: 2,
  resolve(argTypes) {
    const t = argTypes[0] === 'unknown' ? 'double' : argTypes[0]!;
    if (!isNumeric(t)) return null;
    if (t === 'numeric') return fixed(argTypes.length === 1 ? ['numeric'] : ['numeric', 'integer'], 'numeric', numericRounding(false));
    if (argTypes.length === 1) {
      return fixed([t], t, (args, n) => mapRows(args, n, t, (i) => roundHalfAway(nums(args[0]!)[i]!, 0)));
    }
    return fixed([t, 'integer'], t === 'double' ? 'double' : t, (args, n, rt) =>
      mapRows(args, n, rt, (i) => roundHalfAway(nums(args[0]!)[i]!, nums(args[1]!)[i]!)));
  },
};

const truncUnary = numericUnary('trunc', Math.trunc, true);

/** trunc(x) keeps x's type; trunc(x, digits) exists for NUMERIC only, as in PostgreSQL (other numbers are cast). */
const trunc: FunctionDef = {
  name: 'trunc',
  minArgs: 1,
  maxArgs: 2,
  resolve(argTypes) {
    if (argTypes.length === 1) return truncUnary.resolve(argTypes);
    if (!argTypes.every((t) => t === 'unknown' || isNumeric(t))) return null;
    return fixed(['numeric', 'integer'], 'numeric', numericRounding(true));
  },
};

const twoDoubles = (name: string, fn: (x: number, y: number) => number, aliases?: readonly string[]): FunctionDef => ({
  name,
  ...(aliases === undefined ? {} : { aliases }),
  minArgs: 2,
  maxArgs: 2,
  resolve(argTypes) {
    if (!argTypes.every((t) => t === 'unknown' || isNumeric(t))) return null;
    return fixed(['double', 'double'], 'double', (args: readonly Column[], n: number) =>
      mapRows(args, n, 'double', (i) => fn(nums(args[0]!)[i]!, nums(args[1]!)[i]!)));
  },
});

const log10 = numericUnary('log10', checked('log', Math.log10, (x) => x <= 0, '2201E', 'cannot take logarithm of zero or a negative number'), false);

/**
 * log(b, x): the base-b logarithm, as PostgreSQL's NUMERIC log (Freshet has no
 * NUMERIC, so it computes in doubles). ln(x)/ln(b) is off by an ulp for exact
 * powers (ln(1000)/ln(10) = 2.9999999999999996), so a result within rounding of
 * an integer k snaps to k when b^k reproduces x exactly.
 */
export function logBase(b: number, x: number): number {
  if (b <= 0 || x <= 0) {
    throw new EngineError(SqlState.invalidArgumentForLogarithm, b === 0 || x === 0 ? 'cannot take logarithm of zero' : 'cannot take logarithm of a negative number');
  }
  // PostgreSQL divides by ln(1) = 0 here.
  if (b === 1) throw new EngineError(SqlState.divisionByZero, 'division by zero');
  const r = Math.log(x) / Math.log(b);
  const k = Math.round(r);
  return Math.abs(r - k) < SNAP_TOLERANCE && Math.pow(b, k) === x ? k : r;
}

/** Far above the error of ln(x)/ln(b), far below the gap to a non-integer result that matters. */
const SNAP_TOLERANCE = 1e-9;

/** log(x) is the base-10 logarithm (as in PostgreSQL); log(b, x) takes the base first. */
const log: FunctionDef = {
  name: 'log',
  minArgs: 1,
  maxArgs: 2,
  resolve(argTypes) {
    if (argTypes.length === 1) return log10.resolve(argTypes);
    if (!argTypes.every((t) => t === 'unknown' || isNumeric(t))) return null;
    return fixed(['double', 'double'], 'double', (args: readonly Column[], n: number) =>
      mapRows(args, n, 'double', (i) => logBase(nums(args[0]!)[i]!, nums(args[1]!)[i]!)));
  },
};

export const mathFunctions: readonly FunctionDef[] = [
  numericUnary('abs', Math.abs, true),
  round,
  numericUnary('floor', Math.floor, true),
  numericUnary('ceil', Math.ceil, true, ['ceiling']),
  trunc,
  // PostgreSQL: sign(NaN) is 0 (NaN is neither above nor below zero there).
  numericUnary('sign', (x) => (x > 0 ? 1 : x < 0 ? -1 : 0), true),
  numericUnary('sqrt', checked('sqrt', Math.sqrt, (x) => x < 0, '2201F', 'cannot take square root of a negative number'), false),
  numericUnary('exp', Math.exp, false),
  numericUnary('ln', checked('ln', Math.log, (x) => x <= 0, '2201E', 'cannot take logarithm of zero or a negative number'), false),
  log10,
  log,
  twoDoubles('power', (x, y) => {
    if (x === 0 && y < 0) throw new EngineError('2201F', 'zero raised to a negative power is undefined');
    if (x < 0 && !Number.isInteger(y)) throw new EngineError('2201F', 'a negative number raised to a non-integer power yields a complex result');
    return Math.pow(x, y);
  }, ['pow']),
];
