// Maps the type names users write to Freshet's SQL types, and names the ones
// that are not supported yet (so the error says which type and why). An array
// type name is an element type name with '[]' appended (the parser's TypeName).

import type { ElementType, SqlType } from '../common/sql-type.js';
import { arrayOf } from '../common/sql-type.js';
import { EngineError, SqlState } from '../common/errors.js';
import type { TypeName } from '../sql/ast.js';

const NAMES: Record<string, ElementType> = {
  boolean: 'boolean',
  bool: 'boolean',
  integer: 'integer',
  int: 'integer',
  int4: 'integer',
  smallint: 'integer',
  int2: 'integer',
  bigint: 'bigint',
  int8: 'bigint',
  'double precision': 'double',
  double: 'double',
  float: 'double',
  float8: 'double',
  real: 'double',
  float4: 'double',
  text: 'text',
  varchar: 'text',
  'character varying': 'text',
  string: 'text',
  timestamp: 'timestamp',
  'timestamp without time zone': 'timestamp',
  timestamptz: 'timestamptz',
  'timestamp with time zone': 'timestamptz',
  date: 'date',
  interval: 'interval',
  jsonb: 'jsonb',
  // JSON is read as JSONB: values are normalized (key order, duplicates,
  // whitespace) where PostgreSQL's json would keep the input text.
  json: 'jsonb',
  bytea: 'bytea',
  numeric: 'numeric',
  decimal: 'numeric',
};

const LATER: Record<string, string> = {
  time: 'TIME',
  'time without time zone': 'TIME',
  char: 'CHAR(n) blank-padding semantics',
  character: 'CHAR(n) blank-padding semantics',
  uuid: 'UUID',
};

export function resolveTypeName(t: TypeName): SqlType {
  const array = t.name.endsWith('[]');
  const name = array ? t.name.slice(0, -2) : t.name;
  const found = NAMES[name];
  if (found !== undefined) return array ? arrayOf(found) : found;
  const later = LATER[name];
  if (later !== undefined) {
    throw new EngineError(SqlState.featureNotSupported, `type ${t.name.toUpperCase()} is not supported yet (${later})`, t.pos);
  }
  throw new EngineError(
    SqlState.undefinedObjectType,
    `type "${t.name}" does not exist; expected one of BOOLEAN, INTEGER, BIGINT, DOUBLE PRECISION, TEXT, VARCHAR, TIMESTAMP, TIMESTAMPTZ, DATE, INTERVAL, JSONB, BYTEA, or an array of one (INTEGER[])`,
    t.pos,
  );
}
