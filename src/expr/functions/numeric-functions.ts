// Column kernels for NUMERIC: + - * / % and unary minus, abs, round, trunc,
// floor, ceil, sign, and the NUMERIC(p, s) coercion. Each row's key is decoded
// to an exact Decimal (decimal.ts), computed with BigInt and encoded back:
// exact at any size, and about a microsecond per row (a BigInt per value),
// which is the price of exactness; INTEGER and DOUBLE arithmetic stay on typed
// arrays. NaN and ±Infinity follow IEEE arithmetic, as PostgreSQL's do.

import type { Column } from '../../columnar/column.js';
import type { Decimal } from '../../columnar/numeric-values.js';
import {
  NUMERIC_KEY_NAN,
  NUMERIC_KEY_NEG_INF,
  NUMERIC_KEY_POS_INF,
  NumericValues,
  decimalFromKey,
  isSpecialKey,
  keyFromDecimal,
  numericScaleAt,
} from '../../columnar/numeric-values.js';
import { isValid } from '../../columnar/validity.js';
import { EngineError, SqlState } from '../../common/errors.js';
import type { FunctionDef, FunctionImpl } from '../function-def.js';
import { fixed } from '../function-def.js';
import { result, strictValidity } from '../kernel-util.js';
import {
  addDecimal,
  applyTypmod,
  ceilDecimal,
  decimalToDouble,
  divDecimal,
  floorDecimal,
  modDecimal,
  mulDecimal,
  roundDecimal,
  subDecimal,
  truncDecimal,
} from '../decimal.js';

/** Row i of a NUMERIC column as a Decimal at its display scale (finite values only). */
export function decimalAt(col: Column, i: number): Decimal {
  const keys = col.values as string[];
  return decimalFromKey(keys[i]!, numericScaleAt(keys, i));
}

/** A special key (NaN, ±Infinity) as the double it stands for; finite keys as their nearest double. */
export function numericKeyToDouble(key: string, scale: number): number {
  if (key === NUMERIC_KEY_NAN) return NaN;
  if (key === NUMERIC_KEY_POS_INF) return Infinity;
  if (key === NUMERIC_KEY_NEG_INF) return -Infinity;
  return decimalToDouble(decimalFromKey(key, scale));
}

function setSpecial(out: NumericValues, i: number, x: number): void {
  out[i] = Number.isNaN(x) ? NUMERIC_KEY_NAN : x > 0 ? NUMERIC_KEY_POS_INF : x < 0 ? NUMERIC_KEY_NEG_INF : 'o';
  out.scales[i] = 0;
}

export function setDecimal(out: NumericValues, i: number, d: Decimal): void {
  out[i] = keyFromDecimal(d.m, d.scale);
  out.scales[i] = d.scale;
}

type DecimalOp = (a: Decimal, b: Decimal) => Decimal;
type DoubleOp = (a: number, b: number) => number;

/** A binary NUMERIC kernel: exact on finite values, IEEE on NaN/±Infinity (division by zero is still 22012). */
function binaryKernel(op: DecimalOp, special: DoubleOp, name: string): FunctionImpl {
  return (args, n) => {
    const [a, b] = args as [Column, Column];
    const ka = a.values as string[];
    const kb = b.values as string[];
    const validity = strictValidity(args, n);
    const out = new NumericValues(n);
    for (let i = 0; i < n; i++) {
      if (!isValid(validity, i)) continue;
      if (isSpecialKey(ka[i]!) || isSpecialKey(kb[i]!)) {
        const y = numericKeyToDouble(kb[i]!, numericScaleAt(kb, i));
        if ((name === 'div' || name === 'mod') && y === 0) throw new EngineError(SqlState.divisionByZero, 'division by zero');
        setSpecial(out, i, special(numericKeyToDouble(ka[i]!, numericScaleAt(ka, i)), y));
      } else {
        setDecimal(out, i, op(decimalAt(a, i), decimalAt(b, i)));
      }
    }
    return result('numeric', out, validity, n);
  };
}

const DECIMAL_OPS: Record<string, [DecimalOp, DoubleOp]> = {
  add: [addDecimal, (x, y) => x + y],
  sub: [subDecimal, (x, y) => x - y],
  mul: [mulDecimal, (x, y) => x * y],
  div: [(x, y) => divDecimal(x, y), (x, y) => x / y],
  mod: [modDecimal, (x, y) => (Number.isFinite(x) ? (Number.isFinite(y) ? x % y : x) : NaN)],
};

/** The NUMERIC kernel of + - * / % ('add', 'sub', ...). */
export function numericArithmetic(name: string): FunctionImpl {
  const ops = DECIMAL_OPS[name];
  if (ops === undefined) throw new Error(`no NUMERIC kernel for ${name}`);
  return binaryKernel(ops[0], ops[1], name);
}

/** A unary NUMERIC kernel; `special` maps NaN/±Infinity (PostgreSQL keeps them, except where noted). */
export function numericUnary(op: (d: Decimal) => Decimal, special: (x: number) => number = (x) => x): FunctionImpl {
  return (args, n) => {
    const a = args[0]!;
    const keys = a.values as string[];
    const out = new NumericValues(n);
    for (let i = 0; i < n; i++) {
      if (!isValid(a.validity, i)) continue;
      if (isSpecialKey(keys[i]!)) setSpecial(out, i, special(numericKeyToDouble(keys[i]!, 0)));
      else setDecimal(out, i, op(decimalAt(a, i)));
    }
    return result('numeric', out, a.validity, n);
  };
}

export const numericNegate = numericUnary((d) => ({ m: -d.m, scale: d.scale }), (x) => -x);
export const numericAbs = numericUnary((d) => ({ m: d.m < 0n ? -d.m : d.m, scale: d.scale }), Math.abs);
export const numericFloor = numericUnary(floorDecimal);
export const numericCeil = numericUnary(ceilDecimal);
export const numericSign = numericUnary((d) => ({ m: d.m > 0n ? 1n : d.m < 0n ? -1n : 0n, scale: 0 }), (x) => (x !== x ? NaN : Math.sign(x)));

/** round(x, digits) / trunc(x, digits) with the digits in args[1] (0 when absent). */
export function numericRounding(truncate: boolean): FunctionImpl {
  return (args, n) => {
    const a = args[0]!;
    const digitsCol = args[1];
    const keys = a.values as string[];
    const validity = strictValidity(args, n);
    const out = new NumericValues(n);
    for (let i = 0; i < n; i++) {
      if (!isValid(validity, i)) continue;
      if (isSpecialKey(keys[i]!)) {
        setSpecial(out, i, numericKeyToDouble(keys[i]!, 0));
        continue;
      }
      const digits = digitsCol === undefined ? 0 : (digitsCol.values as Int32Array)[i]!;
      const d = decimalAt(a, i);
      setDecimal(out, i, truncate ? truncDecimal(d, digits) : roundDecimal(d, digits));
    }
    return result('numeric', out, validity, n);
  };
}

/** NUMERIC(precision, scale): rounds each value to the scale; 22003 when its integer part is too wide. */
export function applyNumericTypmod(col: Column, precision: number, scale: number): Column {
  {
    const n = col.length;
    const keys = col.values as string[];
    const out = new NumericValues(n);
    for (let i = 0; i < n; i++) {
      if (!isValid(col.validity, i)) continue;
      if (isSpecialKey(keys[i]!)) {
        // PostgreSQL: NaN fits any NUMERIC(p, s); infinities do not.
        if (keys[i] !== NUMERIC_KEY_NAN) {
          throw new EngineError(SqlState.numericValueOutOfRange, `numeric field overflow: a field with precision ${precision}, scale ${scale} cannot hold an infinite value`);
        }
        setSpecial(out, i, NaN);
        continue;
      }
      setDecimal(out, i, applyTypmod(decimalAt(col, i), precision, scale));
    }
    return result('numeric', out, col.validity, n);
  }
}

/** numeric_typmod(x, precision, scale): the binder's spelling of CAST(x AS NUMERIC(p, s)). */
export const numericFunctions: readonly FunctionDef[] = [
  {
    name: 'numeric_typmod',
    minArgs: 3,
    maxArgs: 3,
    resolve(argTypes) {
      if (argTypes[0] !== 'numeric') return null;
      return fixed(['numeric', 'integer', 'integer'], 'numeric', (args) =>
        applyNumericTypmod(args[0]!, (args[1]!.values as Int32Array)[0]!, (args[2]!.values as Int32Array)[0]!));
    },
  },
];
