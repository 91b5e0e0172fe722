// Turns columns into a QueryResult (node-postgres shape, JSON-safe values).
// This is the edge where per-row values are materialized, once per result.

import type { SqlType } from '../common/sql-type.js';
import { typeInfo } from '../common/sql-type.js';
import type { Column } from '../columnar/column.js';
import { isValid } from '../columnar/validity.js';
import { formatDate, formatTimestamp, formatTimestamptz } from '../expr/datetime.js';
import { formatInterval } from '../columnar/interval-text.js';
import { IntervalValues } from '../columnar/interval-values.js';
import { formatBytea } from '../columnar/bytea-text.js';
import { numericTextAt } from '../columnar/numeric-values.js';
import type { QueryResult, ResultField, ResultValue } from '../query-result.js';

export function resultFields(columns: readonly { name: string; type: SqlType }[]): ResultField[] {
  return columns.map((c) => ({ name: c.name, dataTypeID: typeInfo[c.type].oid, type: typeInfo[c.type].pgName }));
}

function toResultValue(col: Column, i: number): ResultValue {
  if (!isValid(col.validity, i)) return null;
  const v = col.values[i]!;
  switch (col.type) {
    case 'boolean':
      return v === 1;
    case 'integer':
    case 'bigint':
      return v as number;
    case 'double': {
      const x = v as number;
      if (Number.isFinite(x)) return x;
      return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
    }
    case 'text':
      return v as string;
    case 'timestamp':
      return formatTimestamp(v as number);
    case 'date':
      return formatDate(v as number);
    case 'timestamptz':
      return formatTimestamptz(v as number);
    case 'interval': {
      const iv = col.values as IntervalValues;
      return formatInterval(iv.months[i]!, iv.days[i]!, iv.micros[i]!);
    }
    case 'numeric':
      // node-postgres hands NUMERIC to clients as text (exact); so does this result.
      return numericTextAt(col.values as string[], i);
    case 'bytea':
      // Stored as bare hex; PostgreSQL's output form (bytea_output = hex) adds \x.
      return formatBytea(v as string);
    default:
      // jsonb and arrays: their PostgreSQL text form (node-postgres would parse arrays into JS arrays).
      return v as string;
  }
}

/** Rows in the order given by `rows` (indexes into the columns). */
export function rowsResult(
  command: string,
  fields: readonly { name: string; type: SqlType }[],
  columns: readonly Column[],
  rows: ArrayLike<number>,
): QueryResult {
  const out: ResultValue[][] = new Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    const row: ResultValue[] = new Array(fields.length);
    for (let c = 0; c < fields.length; c++) row[c] = toResultValue(columns[c]!, i);
    out[r] = row;
  }
  return { command, rowCount: out.length, fields: resultFields(fields), rows: out };
}

/** A result of plain JS values (SHOW, EXPLAIN): small, not a hot path. */
export function valuesResult(command: string, fields: readonly { name: string; type: SqlType }[], rows: ResultValue[][]): QueryResult {
  return { command, rowCount: rows.length, fields: resultFields(fields), rows };
}

export function commandResult(command: string, rowCount: number | null = null): QueryResult {
  return { command, rowCount, fields: [], rows: [] };
}
