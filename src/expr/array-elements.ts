// Between array columns (each row one canonical array text, sql-type.ts) and
// flat element columns: explodeArrays parses a batch of arrays once into one
// typed column of all their elements plus per-row offsets, so array functions
// run ordinary column kernels (casts, comparisons) over the elements; the
// element texts go back into canonical arrays with formatArrayLiteral.

import type { ArrayType, ElementType, SqlType } from '../common/sql-type.js';
import { elementType } from '../common/sql-type.js';
import type { Column } from '../columnar/column.js';
import { makeColumn } from '../columnar/column.js';
import { parseArrayLiteral } from '../columnar/array-text.js';
import { allValid, isValid, normalizeValidity, setNull } from '../columnar/validity.js';
import { castColumn, formatElement } from './cast.js';

export interface ExplodedArrays {
  /** Row i's elements are elements[offsets[i] .. offsets[i + 1]); a NULL array has none. */
  readonly offsets: Int32Array;
  /** Every element of every row, typed as the array's element type (NULL elements NULL). */
  readonly elements: Column;
}

/** The element texts of every row (parsed once; canonical arrays re-parse cheaply). */
export function explodeArrayTexts(col: Column): { offsets: Int32Array; texts: (string | null)[] } {
  const n = col.length;
  const offsets = new Int32Array(n + 1);
  const texts: (string | null)[] = [];
  const values = col.values as string[];
  for (let i = 0; i < n; i++) {
    if (isValid(col.validity, i)) {
      const parts = parseArrayLiteral(values[i]!);
      for (let k = 0; k < parts.length; k++) texts.push(parts[k]!);
    }
    offsets[i + 1] = texts.length;
  }
  return { offsets, texts };
}

/** A text column (NULLs kept) read as the element type. */
export function textsAsElements(texts: readonly (string | null)[], type: ElementType): Column {
  const m = texts.length;
  const values = new Array<string>(m).fill('');
  let validity: Uint8Array | null = null;
  for (let k = 0; k < m; k++) {
    const t = texts[k];
    if (t === null || t === undefined) {
      validity ??= allValid(m);
      setNull(validity, k);
    } else values[k] = t;
  }
  return castColumn(makeColumn('text', values, normalizeValidity(validity, m), m), type);
}

export function explodeArrays(col: Column): ExplodedArrays {
  const { offsets, texts } = explodeArrayTexts(col);
  return { offsets, elements: textsAsElements(texts, elementType(col.type as ArrayType)) };
}

/** Each value's text as an array element (booleans t/f), NULL as null. */
export function elementTexts(col: Column): (string | null)[] {
  const n = col.length;
  const out = new Array<string | null>(n).fill(null);
  if (col.type === 'boolean') {
    const v = col.values as Uint8Array;
    for (let i = 0; i < n; i++) if (isValid(col.validity, i)) out[i] = formatElement(v[i] === 1, 'boolean');
    return out;
  }
  const text = col.type === 'text' ? col : castColumn(col, 'text');
  const values = text.values as string[];
  for (let i = 0; i < n; i++) if (isValid(text.validity, i)) out[i] = values[i]!;
  return out;
}

/** The element type of an array type, or null for a scalar type. */
export function arrayElement(t: SqlType): ElementType | null {
  return t.endsWith('[]') ? elementType(t as ArrayType) : null;
}
