// The result of one statement, in node-postgres's result shape so HTTP clients
// and the library return the same thing: rows are arrays in field order.

/** A value as it leaves Freshet (JSON-safe):
 *  boolean -> boolean; integer/bigint/double -> number ('NaN', 'Infinity' and
 *  '-Infinity' as strings, which JSON cannot carry); text -> string;
 *  timestamp -> 'YYYY-MM-DD HH:MM:SS[.ffffff]'; date -> 'YYYY-MM-DD'; NULL -> null. */
export type ResultValue = boolean | number | string | null;

export interface ResultField {
  readonly name: string;
  /** PostgreSQL type OID (23 int4, 20 int8, 701 float8, 25 text, 16 bool, 1114 timestamp, 1082 date). */
  readonly dataTypeID: number;
  /** PostgreSQL type name: 'int4', 'int8', 'float8', 'text', 'bool', 'timestamp', 'date'. */
  readonly type: string;
}

export interface QueryResult {
  /** 'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'CREATE TABLE', 'CREATE MATERIALIZED VIEW',
   *  'DROP TABLE', 'DROP MATERIALIZED VIEW', 'SHOW', 'EXPLAIN'. */
  readonly command: string;
  /** Rows returned (SELECT, SHOW, EXPLAIN) or rows affected (INSERT, UPDATE, DELETE); null for DDL. */
  readonly rowCount: number | null;
  readonly fields: readonly ResultField[];
  readonly rows: readonly (readonly ResultValue[])[];
}
