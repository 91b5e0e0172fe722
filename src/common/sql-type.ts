// The SQL types a column can have, their PostgreSQL type OIDs, and how each
// is laid out in memory. The layout is the contract every kernel relies on:
//   boolean            Uint8Array   0 / 1
//   integer            Int32Array
//   date               Int32Array   days since 1970-01-01
//   bigint             Float64Array integral values; exact within ±2^53 (see README)
//   double             Float64Array
//   timestamp          Float64Array microseconds since 1970-01-01 00:00:00
//   text               string[]     (dictionary encoding comes with the storage issue)

export const SqlTypes = ['boolean', 'integer', 'bigint', 'double', 'text', 'timestamp', 'date'] as const;
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

/** Types stored as Float64Array: arithmetic and hashing treat them alike. */
export function isFloat64Backed(t: SqlType): boolean {
  return t === 'bigint' || t === 'double' || t === 'timestamp';
}

/** Types stored as Int32Array. */
export function isInt32Backed(t: SqlType): boolean {
  return t === 'integer' || t === 'date';
}
