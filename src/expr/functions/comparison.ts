// Comparisons = <> < <= > >= and IS [NOT] DISTINCT FROM, for any two values
// of one type (the binder unifies the operand types first). Intervals compare
// by their span (interval-values.ts), jsonb by canonical text, = and <> only. Strings compare by
// code point (compareText), PostgreSQL's "C" collation. NaN sorts above every other double and equals
// itself, as in PostgreSQL. Arrays: = and <> compare canonical text; the order
// comparisons go element by element (NULL elements above all others, then the
// shorter array first), as PostgreSQL's array comparison does.

import type { SqlType } from '../../common/sql-type.js';
import { arrayOf, elementType, isArrayType, isNumeric, widerNumeric } from '../../common/sql-type.js';
import type { Column } from '../../columnar/column.js';
import { isValid } from '../../columnar/validity.js';
import type { FunctionDef, FunctionImpl } from '../function-def.js';
import { commonType, fixed } from '../function-def.js';
import { result, strictValidity } from '../kernel-util.js';
import { explodeArrays } from '../array-elements.js';

type Cmp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

// For performance: one specialized loop per operator over number arrays; the
// NaN-aware variant only runs when a double column holds a NaN.
function compareNumbers(op: Cmp, a: ArrayLike<number>, b: ArrayLike<number>, out: Uint8Array, n: number): void {
  switch (op) {
    case 'eq': for (let i = 0; i < n; i++) out[i] = a[i]! === b[i]! ? 1 : 0; break;
    case 'ne': for (let i = 0; i < n; i++) out[i] = a[i]! !== b[i]! ? 1 : 0; break;
    case 'lt': for (let i = 0; i < n; i++) out[i] = a[i]! < b[i]! ? 1 : 0; break;
    case 'le': for (let i = 0; i < n; i++) out[i] = a[i]! <= b[i]! ? 1 : 0; break;
    case 'gt': for (let i = 0; i < n; i++) out[i] = a[i]! > b[i]! ? 1 : 0; break;
    case 'ge': for (let i = 0; i < n; i++) out[i] = a[i]! >= b[i]! ? 1 : 0; break;
  }
}

/** -1, 0, 1 with NaN greatest and equal to itself. */
export function compareDoubles(x: number, y: number): number {
  if (x < y) return -1;
  if (x > y) return 1;
  if (x === y) return 0;
  const xn = x !== x;
  const yn = y !== y;
  return xn === yn ? 0 : xn ? 1 : -1;
}

/**
 * Orders strings by Unicode code point, as PostgreSQL's "C" collation (UTF-8
 * byte order) does. JS's `<` compares UTF-16 code units, which disagrees only
 * when the first difference pairs a surrogate (a code point above U+FFFF) with
 * a unit in U+E000..U+FFFF; the fix-up below moves surrogates above those.
 */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x < 0xd800 || y < 0xd800) return x < y ? -1 : 1;
    const fx = x >= 0xe000 ? x - 0x800 : x + 0x2000;
    const fy = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    return fx < fy ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function hasNaN(values: ArrayLike<number>, n: number): boolean {
  for (let i = 0; i < n; i++) if (values[i] !== values[i]) return true;
  return false;
}

function fromOrder(op: Cmp, c: number): boolean {
  switch (op) {
    case 'eq': return c === 0;
    case 'ne': return c !== 0;
    case 'lt': return c < 0;
    case 'le': return c <= 0;
    case 'gt': return c > 0;
    case 'ge': return c >= 0;
  }
}

function compareImpl(op: Cmp): FunctionImpl {
  return (args: readonly Column[], n: number): Column => {
    const [a, b] = args as [Column, Column];
    const out = new Uint8Array(n);
    if (Array.isArray(a.values)) {
      const x = a.values;
      const y = b.values as string[];
      for (let i = 0; i < n; i++) {
        out[i] = fromOrder(op, compareText(x[i]!, y[i]!)) ? 1 : 0;
      }
    } else {
      const x = a.values as ArrayLike<number>;
      const y = b.values as ArrayLike<number>;
      if (a.type === 'double' && (hasNaN(x, n) || hasNaN(y, n))) {
        for (let i = 0; i < n; i++) out[i] = fromOrder(op, compareDoubles(x[i]!, y[i]!)) ? 1 : 0;
      } else {
        compareNumbers(op, x, y, out, n);
      }
    }
    return result('boolean', out, strictValidity(args, n), n);
  };
}

/** -1, 0, 1 between element k of one typed element column and element j of another (NULL greatest). */
function compareElements(a: Column, k: number, b: Column, j: number): number {
  const av = isValid(a.validity, k);
  const bv = isValid(b.validity, j);
  if (!av || !bv) return av === bv ? 0 : av ? -1 : 1;
  const x = a.values[k]!;
  const y = b.values[j]!;
  return typeof x === 'number' ? compareDoubles(x, y as number) : compareText(x as string, y as string);
}

/** Order comparisons of arrays: both sides parsed once per batch into typed elements. */
function arrayOrderImpl(op: Cmp): FunctionImpl {
  return (args: readonly Column[], n: number): Column => {
    const [a, b] = args as [Column, Column];
    const left = explodeArrays(a);
    const right = explodeArrays(b);
    const out = new Uint8Array(n);
    const validity = strictValidity(args, n);
    for (let i = 0; i < n; i++) {
      if (!isValid(validity, i)) continue;
      const la = left.offsets[i + 1]! - left.offsets[i]!;
      const lb = right.offsets[i + 1]! - right.offsets[i]!;
      let c = 0;
      for (let k = 0; k < la && k < lb && c === 0; k++) {
        c = compareElements(left.elements, left.offsets[i]! + k, right.elements, right.offsets[i]! + k);
      }
      if (c === 0) c = la < lb ? -1 : la > lb ? 1 : 0;
      out[i] = fromOrder(op, c) ? 1 : 0;
    }
    return result('boolean', out, validity, n);
  };
}

/** Two array types whose numeric element types widen to one (int[] and bigint[]): that array type. */
function commonArrayType(types: readonly (SqlType | 'unknown')[]): SqlType | null {
  const [x, y] = types;
  if (x === undefined || y === undefined || x === 'unknown' || y === 'unknown' || !isArrayType(x) || !isArrayType(y)) return null;
  const ex = elementType(x);
  const ey = elementType(y);
  return isNumeric(ex) && isNumeric(ey) ? arrayOf(widerNumeric(ex, ey) as typeof ex) : null;
}

/** IS [NOT] DISTINCT FROM: never NULL; two NULLs are not distinct. */
function distinctImpl(negated: boolean): FunctionImpl {
  const eq = compareImpl('eq');
  return (args: readonly Column[], n: number): Column => {
    const [a, b] = args as [Column, Column];
    const raw = eq(args, n, 'boolean').values as Uint8Array;
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const av = isValid(a.validity, i);
      const bv = isValid(b.validity, i);
      const same = av && bv ? raw[i] === 1 : av === bv;
      out[i] = same === negated ? 1 : 0;
    }
    return result('boolean', out, null, n);
  };
}

/** Operators that only test equality: the ones jsonb has (its ordering is not implemented). */
const EQUALITY_ONLY = new Set(['eq', 'ne', 'is_distinct', 'is_not_distinct']);

function comparisonDef(name: string, impl: FunctionImpl, arrayImpl: FunctionImpl = impl): FunctionDef {
  return {
    name,
    minArgs: 2,
    maxArgs: 2,
    resolve(argTypes) {
      const t: SqlType | null = commonType(argTypes) ?? commonArrayType(argTypes);
      if ((t === 'jsonb' || t === 'jsonb[]') && !EQUALITY_ONLY.has(name)) return null;
      if (t !== null && isArrayType(t)) return fixed([t, t], 'boolean', arrayImpl);
      return t === null ? null : fixed([t, t], 'boolean', impl);
    },
  };
}

export const comparisonFunctions: readonly FunctionDef[] = [
  ...(['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const).map((op) =>
    comparisonDef(op, compareImpl(op), op === 'eq' || op === 'ne' ? compareImpl(op) : arrayOrderImpl(op))),
  comparisonDef('is_distinct', distinctImpl(false)),
  comparisonDef('is_not_distinct', distinctImpl(true)),
];
