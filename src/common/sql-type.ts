// The SQL types a column can have, their PostgreSQL type OIDs, and how each
// is laid out in memory. The layout is the contract every kernel relies on:
//   boolean            Uint8Array   0 / 1
//   integer            Int32Array
//   date               Int32Array   days since 1970-01-01
//   bigint             Float64Array integral values; exact within ±2^53 (see README)
//   double             Float64Array
//   timestamp          Float64Array microseconds since 1970-01-01 00:00:00
//   timestamptz        Float64Array microseconds since 1970-01-01 00:00:00 UTC (an instant;
//                                   the session time zone is always UTC)
//   interval           IntervalValues (columnar/interval-values.ts): a Float64Array of each
//                                   value's comparison span plus months, days and micros arrays
//   text               string[]     (dictionary encoding comes with the storage issue)
//   jsonb              string[]     canonical JSON text (keys ordered and de-duplicated as
//                                   PostgreSQL's jsonb does), so equal values are equal strings
//   numeric            NumericValues (columnar/numeric-values.ts): a string[] of each value's
//                                   order-preserving key (equal values, equal keys; code-point
//                                   order is numeric order) plus an Int32Array of display scales
//   bytea              string[]     lowercase hex digits of the bytes, without the \x prefix
//                                   (code-point order is byte order)
//   T[] (arrays)       string[]     the array's canonical PostgreSQL text form, e.g. {1,2,NULL}

/** The scalar (non-array) types. */
export const ElementTypes = ['boolean', 'integer', 'bigint', 'double', 'text', 'timestamp', 'date', 'timestamptz', 'interval', 'jsonb', 'numeric', 'bytea'] as const;
export type ElementType = (typeof ElementTypes)[number];
/** A one-dimensional array of an element type (PostgreSQL's T[]). */
export type ArrayType = `${ElementType}[]`;
export type SqlType = ElementType | ArrayType;

export function isArrayType(t: SqlType): t is ArrayType {
  return t.endsWith('[]');
}
/** The element type of an array type. */
export function elementType(t: ArrayType): ElementType {
  return t.slice(0, -2) as ElementType;
}
export function arrayOf(t: ElementType): ArrayType {
  return `${t}[]`;
}

interface TypeInfo {
  /** PostgreSQL type OID, reported as `dataTypeID` in results. */
  readonly oid: number;
  /** PostgreSQL's internal type name, reported as `type` in results. */
  readonly pgName: string;
  /** The name a user writes and EXPLAIN prints. */
  readonly sqlName: string;
}

const elementInfo: { readonly [T in ElementType]: TypeInfo } = {
  boolean: { oid: 16, pgName: 'bool', sqlName: 'BOOLEAN' },
  integer: { oid: 23, pgName: 'int4', sqlName: 'INTEGER' },
  bigint: { oid: 20, pgName: 'int8', sqlName: 'BIGINT' },
  double: { oid: 701, pgName: 'float8', sqlName: 'DOUBLE PRECISION' },
  text: { oid: 25, pgName: 'text', sqlName: 'TEXT' },
  timestamp: { oid: 1114, pgName: 'timestamp', sqlName: 'TIMESTAMP' },
  date: { oid: 1082, pgName: 'date', sqlName: 'DATE' },
  timestamptz: { oid: 1184, pgName: 'timestamptz', sqlName: 'TIMESTAMP WITH TIME ZONE' },
  interval: { oid: 1186, pgName: 'interval', sqlName: 'INTERVAL' },
  jsonb: { oid: 3802, pgName: 'jsonb', sqlName: 'JSONB' },
  numeric: { oid: 1700, pgName: 'numeric', sqlName: 'NUMERIC' },
  bytea: { oid: 17, pgName: 'bytea', sqlName: 'BYTEA' },
};

/** PostgreSQL's OIDs of the array types (pg_type.typarray of each element type). */
const arrayOids: { readonly [T in ElementType]: number } = {
  boolean: 1000,
  integer: 1007,
  bigint: 1016,
  double: 1022,
  text: 1009,
  timestamp: 1115,
  date: 1182,
  timestamptz: 1185,
  interval: 1187,
  jsonb: 3807,
  numeric: 1231,
  bytea: 1001,
};

function buildTypeInfo(): { readonly [T in SqlType]: TypeInfo } {
  const out: Record<string, TypeInfo> = { ...elementInfo };
  for (const t of ElementTypes) {
    const e = elementInfo[t];
    out[arrayOf(t)] = { oid: arrayOids[t], pgName: `_${e.pgName}`, sqlName: `${e.sqlName}[]` };
  }
  return out as { readonly [T in SqlType]: TypeInfo };
}

export const typeInfo = buildTypeInfo();

/** Numeric types in order of widening: integer < bigint < numeric < double (PostgreSQL's implicit casts). */
export function isNumeric(t: SqlType): boolean {
  return t === 'integer' || t === 'bigint' || t === 'numeric' || t === 'double';
}

const numericRank: Partial<Record<SqlType, number>> = { integer: 0, bigint: 1, numeric: 2, double: 3 };

/** Whether an implicit cast from numeric type `from` to numeric type `to` exists (only widening). */
export function widensTo(from: SqlType, to: SqlType): boolean {
  return numericRank[from]! <= numericRank[to]!;
}

/** The common type two numeric types widen to, as PostgreSQL's implicit casts do. */
export function widerNumeric(a: SqlType, b: SqlType): SqlType {
  const ra = numericRank[a];
  const rb = numericRank[b];
  if (ra === undefined || rb === undefined) return a;
  return ra >= rb ? a : b;
}

/** Types stored as Float64Array: arithmetic and hashing treat them alike. An
 *  interval's Float64Array holds its comparison span, so hashing, equality and
 *  ordering read it like any double; copying it needs interval-values.ts. */
export function isFloat64Backed(t: SqlType): boolean {
  return t === 'bigint' || t === 'double' || t === 'timestamp' || t === 'timestamptz' || t === 'interval';
}

/** Types whose values are instants or calendar dates (DATE, TIMESTAMP, TIMESTAMPTZ). */
export function isDatetime(t: SqlType): boolean {
  return t === 'date' || t === 'timestamp' || t === 'timestamptz';
}

/** Types whose values are JS strings (text, jsonb, numeric keys, bytea hex, array text): text paths handle them. */
export function isStringBacked(t: SqlType): boolean {
  return t === 'text' || t === 'jsonb' || t === 'numeric' || t === 'bytea' || t.endsWith('[]');
}

/** Types stored as Int32Array. */
export function isInt32Backed(t: SqlType): boolean {
  return t === 'integer' || t === 'date';
}
