// Compares a query's actual rows with the expected lines of a sqllogictest record.
// Expected results may be written value-wise (one value per line, SQLite),
// row-wise (one row per line, values separated by whitespace, sqllogictest-rs)
// or as `N values hashing to <md5>`; a result passes when any shape matches.
// The md5 is SQLite's: of every formatted value followed by '\n', after sorting.
import { createHash } from 'node:crypto';
import type { ResultValue } from '../src/query-result.js';
import { formatFixed3, formatValue, type FormatStyle } from './format-value.js';
import type { SortMode } from './slt-parser.js';

/** A way of writing values: a format style, optionally with R columns as %.3f. */
export interface Rendering {
  readonly style: FormatStyle;
  readonly fixedReals: boolean;
}

/** Renderings tried for a file of each dialect, first one used in messages and labels. */
export const renderingsFor = {
  sqlite: [{ style: 'sqlite', fixedReals: true }],
  pg: [
    { style: 'pg', fixedReals: false },
    { style: 'pg', fixedReals: true },
  ],
} as const satisfies Record<string, readonly Rendering[]>;
export type Dialect = keyof typeof renderingsFor;

export interface ActualResult {
  readonly rows: readonly (readonly ResultValue[])[];
  /** PostgreSQL type name per column, when known. */
  readonly pgTypes: readonly (string | undefined)[];
}

export interface CompareInput {
  readonly actual: ActualResult;
  readonly types: string;
  readonly sortMode: SortMode;
  readonly expected: readonly string[];
  readonly renderings: readonly Rendering[];
}

export interface CompareOutcome {
  readonly ok: boolean;
  /** `N values hashing to <md5>` of the result in the first rendering: what labels compare. */
  readonly hashLine: string;
  /** The result as the first rendering writes it, row-wise, for failure messages. */
  readonly actualLines: readonly string[];
}

const hashLinePattern = /^(\d+) values hashing to ([0-9a-f]{32})$/;

/** md5 of the values as SQLite's runner hashes them: each value followed by a newline. */
export function md5OfValues(values: readonly string[]): string {
  const h = createHash('md5');
  for (const v of values) h.update(`${v}\n`);
  return h.digest('hex');
}

export function hashLineOf(values: readonly string[]): string {
  return `${values.length} values hashing to ${md5OfValues(values)}`;
}

/** Formats every cell of the result in one rendering. */
export function renderRows(actual: ActualResult, types: string, r: Rendering): string[][] {
  return actual.rows.map((row) =>
    row.map((v, j) => {
      const letter = types[j] ?? 'T';
      if (r.fixedReals && letter === 'R' && r.style === 'pg' && v !== null && v !== '') return formatFixed3(v);
      return formatValue(v, letter, r.style, actual.pgTypes[j]).trim();
    }),
  );
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareRows(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareStrings(a[i] ?? '', b[i] ?? '');
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** The values in the order the sort mode prescribes (what SQLite hashes and lists). */
export function sortedValues(rows: readonly (readonly string[])[], mode: SortMode): string[] {
  if (mode === 'rowsort') return [...rows].sort(compareRows).flat();
  const values = rows.flat();
  if (mode === 'valuesort') values.sort(compareStrings);
  return values;
}

const collapse = (s: string): string => s.trim().replace(/\s+/g, ' ');

function equalLists(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function matchesValueWise(rows: readonly (readonly string[])[], ncols: number, mode: SortMode, expected: readonly string[]): boolean {
  const actualValues = sortedValues(rows, mode);
  if (mode !== 'rowsort') {
    const exp = mode === 'valuesort' ? [...expected].sort(compareStrings) : expected;
    return equalLists(actualValues, exp);
  }
  // Regroup the expected values into rows and sort them the same way, so the
  // comparison does not depend on the reference runner's exact sort order.
  if (ncols === 0 || expected.length % ncols !== 0) return false;
  const expRows: string[][] = [];
  for (let i = 0; i < expected.length; i += ncols) expRows.push(expected.slice(i, i + ncols));
  return equalLists(actualValues, sortedValues(expRows, 'rowsort'));
}

function matchesRowWise(rows: readonly (readonly string[])[], mode: SortMode, expected: readonly string[]): boolean {
  const exp = expected.map(collapse);
  if (mode === 'valuesort') {
    const expValues = exp.flatMap((l) => (l === '' ? [] : l.split(' '))).sort(compareStrings);
    const actValues = rows.flat().flatMap((v) => collapse(v).split(' ')).sort(compareStrings);
    return equalLists(actValues, expValues);
  }
  const act = rows.map((r) => collapse(r.join(' ')));
  if (mode === 'rowsort') {
    act.sort(compareStrings);
    exp.sort(compareStrings);
  }
  return equalLists(act, exp);
}

export function compareResult(input: CompareInput): CompareOutcome {
  const { actual, types, sortMode, expected, renderings } = input;
  const ncols = actual.pgTypes.length > 0 ? actual.pgTypes.length : (actual.rows[0]?.length ?? types.length);
  let ok = false;
  let first: string[][] | undefined;
  const hashMatch = expected.length === 1 ? hashLinePattern.exec(expected[0] ?? '') : null;
  for (const r of renderings) {
    const rows = renderRows(actual, types, r);
    first ??= rows;
    if (hashMatch !== null) {
      ok = hashLineOf(sortedValues(rows, sortMode)) === expected[0];
    } else {
      ok = matchesValueWise(rows, ncols, sortMode, expected) || matchesRowWise(rows, sortMode, expected);
    }
    if (ok) break;
  }
  const rows = first ?? [];
  const ordered = sortMode === 'rowsort' ? [...rows].sort(compareRows) : rows;
  return {
    ok,
    hashLine: hashLineOf(sortedValues(rows, sortMode)),
    actualLines: sortMode === 'valuesort' ? sortedValues(rows, sortMode) : ordered.map((r) => r.join(' ')),
  };
}

/**
 * `rows` put in the order of `reference` when both hold the same rows as rendered
 * (a multiset match); undefined when they differ. For comparing an unordered result
 * (a view's) with an order-sensitive expected hash that `reference` was checked against.
 */
export function alignRows(rows: ActualResult, reference: ActualResult, types: string, rendering: Rendering): ActualResult | undefined {
  if (rows.rows.length !== reference.rows.length) return undefined;
  const keyOf = (cells: readonly string[]): string => cells.join('\u0000');
  const byKey = new Map<string, number[]>();
  renderRows(rows, types, rendering).forEach((cells, i) => {
    const key = keyOf(cells);
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [i]);
    else list.push(i);
  });
  const ordered: (readonly ResultValue[])[] = [];
  for (const cells of renderRows(reference, types, rendering)) {
    const i = byKey.get(keyOf(cells))?.pop();
    if (i === undefined) return undefined;
    ordered.push(rows.rows[i]!);
  }
  return { rows: ordered, pgTypes: rows.pgTypes };
}
