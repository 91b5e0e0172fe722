// Array functions and operators over one-dimensional arrays stored as their
// canonical PostgreSQL text (sql-type.ts): the ARRAY[...] constructor, a[i], a[lo:hi],
// array_length, cardinality, array_lower/upper, array_to_string (array_join),
// array_append/prepend/cat (and ||), array_position, array_remove,
// x op ANY/ALL (arr) with SQL's NULL rules, @>, <@, && and string_to_array.
// Each kernel parses a batch's arrays once (array-elements.ts). Element
// equality in position/remove/@>/<@/&& is equality of canonical element texts.

import type { ElementType, SqlType } from '../../common/sql-type.js';
import { arrayOf, isArrayType } from '../../common/sql-type.js';
import { unsupported } from '../../common/errors.js';
import type { Column } from '../../columnar/column.js';
import { makeColumn } from '../../columnar/column.js';
import { formatArrayLiteral, quoteArrayElement } from '../../columnar/array-text.js';
import { allValid, isValid, normalizeValidity, setNull } from '../../columnar/validity.js';
import { arrayElement, elementTexts, explodeArrayTexts, explodeArrays, textsAsElements } from '../array-elements.js';
import type { ArgType, FunctionDef, FunctionImpl, ResolvedFunction } from '../function-def.js';
import { commonType, fixed } from '../function-def.js';
import { result, strictValidity } from '../kernel-util.js';
import { comparisonFunctions } from './comparison.js';

function ints(c: Column): ArrayLike<number> {
  return c.values as ArrayLike<number>;
}

function strings(c: Column): string[] {
  return c.values as string[];
}

/** Output builder for kernels whose result may be NULL on any row. */
class Out<T extends string | number> {
  readonly values: T[];
  validity: Uint8Array | null = null;
  constructor(readonly n: number, fill: T) {
    this.values = new Array<T>(n).fill(fill);
  }
  nullAt(i: number): void {
    this.validity ??= allValid(this.n);
    setNull(this.validity, i);
  }
  column(type: SqlType): Column {
    const values = type === 'integer' ? Int32Array.from(this.values as number[]) : this.values;
    return makeColumn(type, values as Column['values'], normalizeValidity(this.validity, this.n), this.n);
  }
}

/** The inside of a canonical array text: '{1,2}' -> '1,2'. */
function inner(canonical: string): string {
  return canonical.slice(1, -1);
}

function joinInner(a: string, b: string): string {
  return a === '' ? b : b === '' ? a : `${a},${b}`;
}

// ---------------------------------------------------------------------------
// Type resolution

/** The element type two arguments share (an untyped one follows the other); null if none. */
function commonElement(types: readonly (ElementType | 'unknown')[]): ElementType | null {
  const t = commonType(types);
  return t === null || isArrayType(t) ? null : (t as ElementType);
}

/** An argument as an array: its element type, 'unknown' for an untyped literal, or null for a non-array. */
function asArray(t: ArgType | undefined): ElementType | 'unknown' | null {
  if (t === undefined) return null;
  if (t === 'unknown') return 'unknown';
  return arrayElement(t);
}

/** `fn(array, element, ...rest)` style signatures; `arrayAt` says which argument is the array. */
function arrayAndElement(given: readonly ArgType[], arrayAt: number, elementAt: number): ElementType | null {
  const a = asArray(given[arrayAt]);
  if (a === null) return null;
  const e = given[elementAt];
  if (e !== 'unknown' && e !== undefined && isArrayType(e)) return null;
  return commonElement([a, (e ?? 'unknown') as ElementType | 'unknown']);
}

/** Two array arguments with a common element type. */
function twoArrays(given: readonly ArgType[]): ElementType | null {
  const a = asArray(given[0]);
  const b = asArray(given[1]);
  if (a === null || b === null || (a === 'unknown' && b === 'unknown')) return null;
  return commonElement([a, b]);
}

/** One array argument (untyped literals cannot tell their element type). */
function oneArray(t: ArgType | undefined): ElementType | null {
  const a = asArray(t);
  return a === null || a === 'unknown' ? null : a;
}

// ---------------------------------------------------------------------------
// Kernels

/** ARRAY[e1, ..., ek]: never NULL; NULL arguments are NULL elements. */
const construct: FunctionImpl = (args, n, resultType) => {
  const texts = args.map(elementTexts);
  const out = new Array<string>(n);
  const row = new Array<string | null>(args.length);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < args.length; k++) row[k] = texts[k]![i]!;
    out[i] = formatArrayLiteral(row);
  }
  return makeColumn(resultType, out, null, n);
};

/** a[i]: 1-based; NULL when i is out of range or NULL. */
const subscript: FunctionImpl = (args, n, resultType) => {
  const [arr, index] = args as [Column, Column];
  const { offsets, texts } = explodeArrayTexts(arr);
  const idx = ints(index);
  const picked = new Array<string | null>(n).fill(null);
  for (let i = 0; i < n; i++) {
    if (!isValid(index.validity, i)) continue;
    const at = offsets[i]! + idx[i]! - 1;
    if (idx[i]! >= 1 && at < offsets[i + 1]!) picked[i] = texts[at]!;
  }
  return textsAsElements(picked, resultType as ElementType);
};

/** a[lo:hi] (hi absent: to the end): bounds clipped to the array, '{}' when nothing is left; NULL for a NULL bound. */
const slice: FunctionImpl = (args, n, resultType) => {
  const [arr, low, high] = args as [Column, Column, Column | undefined];
  const { offsets, texts } = explodeArrayTexts(arr);
  const valid = strictValidity(args, n);
  const out = new Out<string>(n, '');
  const lo = ints(low);
  const hi = high === undefined ? null : ints(high);
  for (let i = 0; i < n; i++) {
    if (!isValid(valid, i)) {
      out.nullAt(i);
      continue;
    }
    const len = offsets[i + 1]! - offsets[i]!;
    const from = Math.max(lo[i]!, 1);
    const to = hi === null ? len : Math.min(hi[i]!, len);
    out.values[i] = from > to ? '{}' : formatArrayLiteral(texts.slice(offsets[i]! + from - 1, offsets[i]! + to));
  }
  return out.column(resultType);
};

/**
 * A bound of dimension `dim` from each array's length: NULL for an empty array
 * or a dimension other than 1 (Freshet's arrays are one-dimensional).
 */
function dimensionBound(bound: (length: number) => number): FunctionImpl {
  return (args, n) => {
    const [arr, dim] = args as [Column, Column];
    const { offsets } = explodeArrayTexts(arr);
    const d = ints(dim);
    const out = new Out<number>(n, 0);
    const valid = strictValidity(args, n);
    for (let i = 0; i < n; i++) {
      const len = offsets[i + 1]! - offsets[i]!;
      if (!isValid(valid, i) || d[i] !== 1 || len === 0) out.nullAt(i);
      else out.values[i] = bound(len);
    }
    return out.column('integer');
  };
}

/** array_length(a, dim) and array_upper(a, dim): equal, since arrays start at 1. */
const lengthIn = dimensionBound((len) => len);
/** array_lower(a, 1): 1 for a non-empty array. */
const lower = dimensionBound(() => 1);

const cardinality: FunctionImpl = (args, n) => {
  const { offsets } = explodeArrayTexts(args[0]!);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = offsets[i + 1]! - offsets[i]!;
  return result('integer', out, args[0]!.validity, n);
};

/** array_to_string(a, sep [, null_text]): NULL elements are skipped unless null_text is given (and not NULL). */
const toText: FunctionImpl = (args, n) => {
  const [arr, sep, nullText] = args as [Column, Column, Column | undefined];
  const { offsets, texts } = explodeArrayTexts(arr);
  const out = new Out<string>(n, '');
  const valid = strictValidity([arr, sep], n);
  for (let i = 0; i < n; i++) {
    if (!isValid(valid, i)) {
      out.nullAt(i);
      continue;
    }
    const replacement = nullText !== undefined && isValid(nullText.validity, i) ? strings(nullText)[i]! : null;
    const parts: string[] = [];
    for (let k = offsets[i]!; k < offsets[i + 1]!; k++) {
      const t = texts[k]!;
      if (t !== null) parts.push(t);
      else if (replacement !== null) parts.push(replacement);
    }
    out.values[i] = parts.join(strings(sep)[i]!);
  }
  return out.column('text');
};

/** array_append / array_prepend: a NULL array counts as empty (PostgreSQL's rule); never NULL. */
function appendImpl(prepend: boolean): FunctionImpl {
  return (args, n, resultType) => {
    const arr = prepend ? args[1]! : args[0]!;
    const item = elementTexts(prepend ? args[0]! : args[1]!);
    const src = strings(arr);
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const t = item[i];
      const one = t === null || t === undefined ? 'NULL' : quoteArrayElement(t);
      const rest = isValid(arr.validity, i) ? inner(src[i]!) : '';
      out[i] = `{${prepend ? joinInner(one, rest) : joinInner(rest, one)}}`;
    }
    return makeColumn(resultType, out, null, n);
  };
}

/** array_cat(a, b): NULL only when both are NULL; a NULL side counts as empty. */
const cat: FunctionImpl = (args, n, resultType) => {
  const [a, b] = args as [Column, Column];
  const x = strings(a);
  const y = strings(b);
  const out = new Out<string>(n, '');
  for (let i = 0; i < n; i++) {
    const av = isValid(a.validity, i);
    const bv = isValid(b.validity, i);
    if (!av && !bv) out.nullAt(i);
    else out.values[i] = `{${joinInner(av ? inner(x[i]!) : '', bv ? inner(y[i]!) : '')}}`;
  }
  return out.column(resultType);
};

/** array_position(a, x [, start]): first 1-based index at or after start whose element IS NOT DISTINCT FROM x. */
const position: FunctionImpl = (args, n) => {
  const [arr, item, start] = args as [Column, Column, Column | undefined];
  const { offsets, texts } = explodeArrayTexts(arr);
  const want = elementTexts(item);
  const out = new Out<number>(n, 0);
  for (let i = 0; i < n; i++) {
    if (!isValid(arr.validity, i) || (start !== undefined && !isValid(start.validity, i))) {
      out.nullAt(i);
      continue;
    }
    const from = start === undefined ? 1 : Math.max(1, ints(start)[i]!);
    let found = 0;
    for (let k = offsets[i]! + from - 1; k < offsets[i + 1]!; k++) {
      if (texts[k] === want[i]) {
        found = k - offsets[i]! + 1;
        break;
      }
    }
    if (found === 0) out.nullAt(i);
    else out.values[i] = found;
  }
  return out.column('integer');
};

/** array_remove(a, x): every element IS NOT DISTINCT FROM x removed. */
const remove: FunctionImpl = (args, n, resultType) => {
  const [arr, item] = args as [Column, Column];
  const { offsets, texts } = explodeArrayTexts(arr);
  const drop = elementTexts(item);
  const out = new Out<string>(n, '');
  for (let i = 0; i < n; i++) {
    if (!isValid(arr.validity, i)) {
      out.nullAt(i);
      continue;
    }
    const kept: (string | null)[] = [];
    for (let k = offsets[i]!; k < offsets[i + 1]!; k++) if (texts[k] !== drop[i]) kept.push(texts[k]!);
    out.values[i] = formatArrayLiteral(kept);
  }
  return out.column(resultType);
};

type Containment = 'contains' | 'contained' | 'overlap';

/** @>, <@ and &&: NULL elements never match (PostgreSQL's rule), so `{NULL} @> {NULL}` is false. */
function containmentImpl(kind: Containment): FunctionImpl {
  return (args, n) => {
    const [a, b] = kind === 'contained' ? [args[1]!, args[0]!] : [args[0]!, args[1]!];
    const left = explodeArrayTexts(a);
    const right = explodeArrayTexts(b);
    const out = new Uint8Array(n);
    const valid = strictValidity(args, n);
    // One set for the whole batch, cleared per row: no allocation per row.
    const have = new Set<string>();
    for (let i = 0; i < n; i++) {
      if (!isValid(valid, i)) continue;
      have.clear();
      for (let k = left.offsets[i]!; k < left.offsets[i + 1]!; k++) {
        const t = left.texts[k];
        if (t !== null && t !== undefined) have.add(t);
      }
      let answer = kind !== 'overlap';
      for (let k = right.offsets[i]!; k < right.offsets[i + 1]!; k++) {
        const t = right.texts[k];
        const hit = t !== null && t !== undefined && have.has(t);
        if (kind === 'overlap' && hit) {
          answer = true;
          break;
        }
        if (kind !== 'overlap' && !hit) {
          answer = false;
          break;
        }
      }
      out[i] = answer ? 1 : 0;
    }
    return result('boolean', out, valid, n);
  };
}

type Cmp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

/**
 * x op ANY (a) / x op ALL (a): the comparison kernel runs once over every
 * element (x repeated per element), then each row folds its results: ANY is
 * TRUE if some comparison is TRUE, else NULL if some is NULL, else FALSE; ALL
 * dually. An empty array gives FALSE (ANY) or TRUE (ALL), even for a NULL x;
 * a NULL array gives NULL.
 */
function quantifiedImpl(op: Cmp, all: boolean, element: ElementType): FunctionImpl {
  const compare = comparisonFunctions.find((f) => f.name === op)!.resolve([element, element])!.impl;
  return (args, n) => {
    const [x, arr] = args as [Column, Column];
    const { offsets, elements } = explodeArrays(arr);
    const m = elements.length;
    const owner = new Int32Array(m);
    for (let i = 0; i < n; i++) owner.fill(i, offsets[i]!, offsets[i + 1]!);
    const repeated = gatherRows(x, owner);
    const cmp = compare([repeated, elements], m, 'boolean');
    const hits = cmp.values as Uint8Array;
    const out = new Uint8Array(n);
    let validity: Uint8Array | null = null;
    const decisive = all ? 0 : 1;
    for (let i = 0; i < n; i++) {
      if (!isValid(arr.validity, i)) {
        validity ??= allValid(n);
        setNull(validity, i);
        continue;
      }
      let sawNull = false;
      let decided = false;
      for (let k = offsets[i]!; k < offsets[i + 1]!; k++) {
        if (!isValid(cmp.validity, k)) sawNull = true;
        else if (hits[k] === decisive) {
          decided = true;
          break;
        }
      }
      if (decided) out[i] = decisive;
      else if (sawNull) {
        validity ??= allValid(n);
        setNull(validity, i);
      } else out[i] = all ? 1 : 0;
    }
    return result('boolean', out, validity, n);
  };
}

function gatherRows(col: Column, rows: Int32Array): Column {
  const m = rows.length;
  const src = col.values;
  let values: Column['values'];
  if (Array.isArray(src)) {
    const out = new Array<string>(m);
    for (let k = 0; k < m; k++) out[k] = src[rows[k]!]!;
    values = out;
  } else {
    const out = new (src.constructor as new (len: number) => Uint8Array | Int32Array | Float64Array)(m);
    for (let k = 0; k < m; k++) out[k] = src[rows[k]!]!;
    values = out;
  }
  let validity: Uint8Array | null = null;
  if (col.validity !== null) {
    for (let k = 0; k < m; k++) {
      if (!isValid(col.validity, rows[k]!)) {
        validity ??= allValid(m);
        setNull(validity, k);
      }
    }
  }
  return makeColumn(col.type, values, validity, m);
}

/** string_to_array(s, sep [, null_text]): NULL sep splits into characters, '' keeps s whole; '' gives {}. */
const stringToArray: FunctionImpl = (args, n) => {
  const [s, sep, nullText] = args as [Column, Column, Column | undefined];
  const out = new Out<string>(n, '');
  for (let i = 0; i < n; i++) {
    if (!isValid(s.validity, i)) {
      out.nullAt(i);
      continue;
    }
    const text = strings(s)[i]!;
    let parts: string[];
    if (text === '') parts = [];
    else if (!isValid(sep.validity, i)) parts = Array.from(text);
    else if (strings(sep)[i] === '') parts = [text];
    else parts = text.split(strings(sep)[i]!);
    const nullAs = nullText !== undefined && isValid(nullText.validity, i) ? strings(nullText)[i]! : null;
    out.values[i] = formatArrayLiteral(nullAs === null ? parts : parts.map((p) => (p === nullAs ? null : p)));
  }
  return out.column('text[]');
};

// ---------------------------------------------------------------------------
// Definitions

function def(name: string, minArgs: number, maxArgs: number, resolve: (given: readonly ArgType[]) => ResolvedFunction | null, aliases?: readonly string[]): FunctionDef {
  return aliases === undefined ? { name, minArgs, maxArgs, resolve } : { name, minArgs, maxArgs, resolve, aliases };
}

/** Argument types with every untyped or integer-ish position forced to integer. */
function withIntegers(types: readonly SqlType[], count: number): SqlType[] {
  return [...types, ...new Array<SqlType>(count).fill('integer')];
}

function integerLike(t: ArgType | undefined): boolean {
  return t === undefined || t === 'unknown' || t === 'integer';
}

function textLike(t: ArgType | undefined): boolean {
  return t === undefined || t === 'unknown' || t === 'text';
}

/** The || operator on arrays: array || array, array || element, element || array (untyped sides become arrays). */
export function resolveArrayConcat(given: readonly ArgType[]): ResolvedFunction | null {
  const [l, r] = given;
  const la = asArray(l);
  const ra = asArray(r);
  const lArray = l !== 'unknown' && la !== null;
  const rArray = r !== 'unknown' && ra !== null;
  if (!lArray && !rArray) return null;
  if (lArray && (rArray || r === 'unknown')) return resolveCat(given);
  if (rArray && l === 'unknown') return resolveCat(given);
  if (lArray) {
    const e = arrayAndElement(given, 0, 1);
    return e === null ? null : fixed([arrayOf(e), e], arrayOf(e), appendImpl(false));
  }
  const e = arrayAndElement(given, 1, 0);
  return e === null ? null : fixed([e, arrayOf(e)], arrayOf(e), appendImpl(true));
}

function resolveCat(given: readonly ArgType[]): ResolvedFunction | null {
  const e = twoArrays(given);
  return e === null ? null : fixed([arrayOf(e), arrayOf(e)], arrayOf(e), cat);
}

/** The registry names of the quantified comparisons: 'eq_any', 'lt_all', ... */
export function quantifiedName(op: Cmp, all: boolean): string {
  return `${op}_${all ? 'all' : 'any'}`;
}

function quantifiedDef(op: Cmp, all: boolean): FunctionDef {
  return def(quantifiedName(op, all), 2, 2, (given) => {
    const e = arrayAndElement(given, 1, 0);
    if (e === null) return null;
    if (e === 'jsonb' && op !== 'eq' && op !== 'ne') return null;
    return fixed([e, arrayOf(e)], 'boolean', quantifiedImpl(op, all, e));
  });
}

function containmentDef(name: string, kind: Containment): FunctionDef {
  return def(name, 2, 2, (given) => {
    const e = twoArrays(given);
    return e === null ? null : fixed([arrayOf(e), arrayOf(e)], 'boolean', containmentImpl(kind));
  });
}

export const arrayFunctions: readonly FunctionDef[] = [
  def('array', 1, Infinity, (given) => {
    if (given.some((t) => t !== 'unknown' && isArrayType(t))) {
      throw unsupported('ARRAY[...] of arrays (multidimensional arrays)');
    }
    const e = commonElement(given as (ElementType | 'unknown')[]);
    return e === null ? null : fixed(given.map(() => e), arrayOf(e), construct);
  }),
  def('array_subscript', 2, 2, (given) => {
    const e = oneArray(given[0]);
    return e === null || !integerLike(given[1]) ? null : fixed([arrayOf(e), 'integer'], e, subscript);
  }),
  def('array_slice', 2, 3, (given) => {
    const e = oneArray(given[0]);
    if (e === null || !integerLike(given[1]) || !integerLike(given[2])) return null;
    return fixed(withIntegers([arrayOf(e)], given.length - 1), arrayOf(e), slice);
  }),
  def('array_length', 2, 2, (given) => {
    const e = oneArray(given[0]);
    return e === null || !integerLike(given[1]) ? null : fixed(withIntegers([arrayOf(e)], 1), 'integer', lengthIn);
  }),
  def('array_upper', 2, 2, (given) => {
    const e = oneArray(given[0]);
    return e === null || !integerLike(given[1]) ? null : fixed(withIntegers([arrayOf(e)], 1), 'integer', lengthIn);
  }),
  def('array_lower', 2, 2, (given) => {
    const e = oneArray(given[0]);
    return e === null || !integerLike(given[1]) ? null : fixed(withIntegers([arrayOf(e)], 1), 'integer', lower);
  }),
  def('cardinality', 1, 1, (given) => {
    const e = oneArray(given[0]);
    return e === null ? null : fixed([arrayOf(e)], 'integer', cardinality);
  }),
  def('array_to_string', 2, 3, (given) => {
    const e = oneArray(given[0]);
    if (e === null || !textLike(given[1]) || !textLike(given[2])) return null;
    return fixed([arrayOf(e), 'text', 'text'].slice(0, given.length) as SqlType[], 'text', toText);
  }, ['array_join']),
  def('array_append', 2, 2, (given) => {
    const e = arrayAndElement(given, 0, 1);
    return e === null ? null : fixed([arrayOf(e), e], arrayOf(e), appendImpl(false));
  }),
  def('array_prepend', 2, 2, (given) => {
    const e = arrayAndElement(given, 1, 0);
    return e === null ? null : fixed([e, arrayOf(e)], arrayOf(e), appendImpl(true));
  }),
  def('array_cat', 2, 2, resolveCat),
  def('array_position', 2, 3, (given) => {
    const e = arrayAndElement(given, 0, 1);
    if (e === null || !integerLike(given[2])) return null;
    return fixed([arrayOf(e), e, 'integer'].slice(0, given.length) as SqlType[], 'integer', position);
  }),
  def('array_remove', 2, 2, (given) => {
    const e = arrayAndElement(given, 0, 1);
    return e === null ? null : fixed([arrayOf(e), e], arrayOf(e), remove);
  }),
  containmentDef('array_contains', 'contains'),
  containmentDef('array_contained', 'contained'),
  containmentDef('array_overlap', 'overlap'),
  ...(['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const).flatMap((op) => [quantifiedDef(op, false), quantifiedDef(op, true)]),
  def('string_to_array', 2, 3, (given) => {
    if (!textLike(given[0]) || !textLike(given[1]) || !textLike(given[2])) return null;
    return fixed(['text', 'text', 'text'].slice(0, given.length) as SqlType[], 'text[]', stringToArray);
  }),
];
