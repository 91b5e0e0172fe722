// Canonical forms of result values from Freshet and DuckDB, and multiset
// comparison of two row sets. Promises: numbers compare by value whatever the
// integer width (DuckDB's HUGEINT arrives as a string), doubles within a
// relative tolerance of 1e-9, timestamps via 'YYYY-MM-DD HH:MM:SS.ffffff'.

/** A value in canonical form: numbers as JS numbers, timestamps/dates/text as strings. */
export type Cell = null | boolean | number | string;
export type Row = readonly Cell[];

export const relativeTolerance = 1e-9;

const timestampPattern = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?$/;

/** 'YYYY-MM-DD HH:MM:SS.ffffff' with exactly six fraction digits; other text is returned as is. */
export function canonicalTimestamp(s: string): string {
  const m = timestampPattern.exec(s);
  if (m === null) return s;
  return `${m[1]} ${m[2]}.${(m[3] ?? '').padEnd(6, '0')}`;
}

function toNumber(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    if (v === 'NaN') return Number.NaN;
    if (v === 'Infinity' || v === 'inf') return Number.POSITIVE_INFINITY;
    if (v === '-Infinity' || v === '-inf') return Number.NEGATIVE_INFINITY;
    const n = Number(v);
    return Number.isNaN(n) ? v : n;
  }
  return String(v);
}

/** A DuckDB value (from getRowsJson) given the column's DuckDB type name. */
export function canonDuckDb(v: unknown, duckType: string): Cell {
  if (v === null || v === undefined) return null;
  const t = duckType.toUpperCase();
  if (t === 'BOOLEAN') return v === true || v === 'true';
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/.test(t)) {
    return toNumber(v);
  }
  if (t.startsWith('TIMESTAMP')) return canonicalTimestamp(String(v));
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

/** A Freshet result value given its field's PostgreSQL type OID. */
export function canonFreshet(v: unknown, typeOid: number): Cell {
  if (v === null || v === undefined) return null;
  switch (typeOid) {
    case 16:
      return v === true || v === 't' || v === 'true';
    case 20:
    case 21:
    case 23:
    case 700:
    case 701:
    case 1700:
      return toNumber(v);
    case 1114:
      return canonicalTimestamp(String(v));
    default:
      if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
      return JSON.stringify(v);
  }
}

export function cellsEqual(a: Cell, b: Cell): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) && Number.isNaN(b)) return true;
    if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
    return Math.abs(a - b) <= relativeTolerance * Math.max(Math.abs(a), Math.abs(b));
  }
  return false;
}

function rowsEqual(a: Row, b: Row): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!cellsEqual(a[i] ?? null, b[i] ?? null)) return false;
  return true;
}

/** A sort key that puts equal-within-tolerance rows next to each other (almost always). */
function cellKey(c: Cell): string {
  if (c === null) return '0';
  if (typeof c === 'boolean') return c ? '1t' : '1f';
  if (typeof c === 'number') return `2${Number.isFinite(c) ? c.toPrecision(8) : String(c)}`;
  return `3${c}`;
}

export function sortRows(rows: readonly Row[]): Row[] {
  const keyed = rows.map((r) => ({ r, k: r.map(cellKey).join('\u0001') }));
  keyed.sort((x, y) => (x.k < y.k ? -1 : x.k > y.k ? 1 : 0));
  return keyed.map((x) => x.r);
}

export interface MultisetDiff {
  /** Rows expected (oracle) but missing from the actual result, with multiplicity. */
  readonly missing: Row[];
  /** Rows in the actual result that the oracle does not have, with multiplicity. */
  readonly unexpected: Row[];
}

/** An exact identity key (no tolerance): equal keys, equal cells. */
function exactKey(c: Cell): string {
  if (c === null) return 'n';
  if (typeof c === 'number') return `d${Object.is(c, -0) ? 0 : c}`;
  return `${typeof c === 'boolean' ? 'b' : 's'}${String(c)}`;
}

/**
 * Compares two multisets of rows; null when they are equal. Exactly equal
 * rows pair first; only the rest match within the tolerance (matching large
 * integers greedily within 1e-9 could pair 7930000004 with 7930000010 and
 * report equal multisets as different).
 */
export function diffMultisets(expected: readonly Row[], actual: readonly Row[]): MultisetDiff | null {
  const unmatched = new Map<string, number>();
  const key = (r: Row): string => r.map(exactKey).join('\u0001');
  for (const r of actual) unmatched.set(key(r), (unmatched.get(key(r)) ?? 0) + 1);
  const restExpected = expected.filter((r) => {
    const n = unmatched.get(key(r)) ?? 0;
    if (n > 0) unmatched.set(key(r), n - 1);
    return n === 0;
  });
  const restActual = actual.filter((r) => {
    const n = unmatched.get(key(r)) ?? 0;
    if (n > 0) unmatched.set(key(r), n - 1);
    return n > 0;
  });
  if (restExpected.length === 0 && restActual.length === 0) return null;
  return diffWithinTolerance(restExpected, restActual);
}

function diffWithinTolerance(expected: readonly Row[], actual: readonly Row[]): MultisetDiff | null {
  const e = sortRows(expected);
  const a = sortRows(actual);
  if (e.length === a.length && e.every((r, i) => rowsEqual(r, a[i] ?? []))) return null;
  // The sort keys can split near-equal doubles; fall back to matching row by row.
  const used = new Uint8Array(a.length);
  const missing: Row[] = [];
  for (const r of e) {
    let found = -1;
    for (let j = 0; j < a.length; j++) {
      if (used[j] === 0 && rowsEqual(r, a[j] ?? [])) {
        found = j;
        break;
      }
    }
    if (found < 0) missing.push(r);
    else used[found] = 1;
  }
  const unexpected = a.filter((_, j) => used[j] === 0);
  return missing.length === 0 && unexpected.length === 0 ? null : { missing, unexpected };
}

export function formatCell(c: Cell): string {
  if (c === null) return 'NULL';
  if (c === '') return '(empty)';
  return String(c);
}

export function formatRow(r: Row): string {
  return r.map(formatCell).join('\t');
}
