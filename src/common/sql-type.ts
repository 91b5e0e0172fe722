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

export const SqlTypes = ['boolean', 'integer', 'bigint', 'double', 'text', 'timestamp', 'date', 'timestamptz', 'interval', 'jsonb'] as const;
export type SqlType = (typeof SqlTypes)[number];

interface TypeInfo {
  /** PostgreSQL type OID, reported as `dataTypeID` in results. */
  readonly oid: number;
  /** PostgreSQL's internal type name, reported as `type` in results. */
  readonly pgName: string;
  /** The name a user writes and EXPLAIN prints. */
  readonly sqlName: string;
}

export const typeInfo: { readonly [T in SqlType]: TypeInfo } = {
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
};

/** Numeric types in order of widening: integer < bigint < double. */
export function isNumeric(t: SqlType): boolean {
  return t === 'integer' || t === 'bigint' || t === 'double';
}

const numericRank: Partial<Record<SqlType, number>> = { integer: 0, bigint: 1, double: 2 };

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

/** Types stored as Int32Array. */
export function isInt32Backed(t: SqlType): boolean {
  return t === 'integer' || t === 'date';
}
