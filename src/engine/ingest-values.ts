// Converts rows handed to the library API (JS objects, apache-arrow tables)
// into columns for a table's insert. Arrow columns are read from their
// underlying buffers (typed arrays, offsets, validity), not via get(i).

import type { Table as ArrowTable, Vector } from 'apache-arrow';
import { Type } from 'apache-arrow';
import type { SqlType } from '../common/sql-type.js';
import { EngineError, SqlState } from '../common/errors.js';
import type { Column, Scalar } from '../columnar/column.js';
import { columnFromScalars, makeColumn } from '../columnar/column.js';
import { allValid, normalizeValidity, setNull } from '../columnar/validity.js';
import { castValue } from '../expr/cast.js';
import { MICROS_PER_DAY } from '../expr/datetime.js';
import type { TableEntry } from '../plan/catalog.js';

export interface TargetColumns {
  /** Table column index of each entry in `columns`. */
  readonly targets: number[];
  readonly columns: Column[];
}

function columnIndex(table: TableEntry, name: string): number {
  const i = table.columns.findIndex((c) => c.name === name);
  if (i < 0) {
    throw new EngineError(
      SqlState.undefinedColumn,
      `column "${name}" of relation "${table.name}" does not exist; its columns are ${table.columns.map((c) => c.name).join(', ')}`,
    );
  }
  return i;
}

/** One JS value as a Scalar of `type`, with PostgreSQL's input rules for strings. */
function jsToScalar(v: unknown, type: SqlType, column: string, row: number): Scalar {
  if (v === null || v === undefined) return null;
  try {
    if (typeof v === 'string' && type !== 'jsonb') return castValue(v, 'text', type);
    // A JS number or bigint into NUMERIC: its shortest decimal spelling, exactly.
    if (type === 'numeric' && (typeof v === 'number' || typeof v === 'bigint')) return castValue(String(v), 'text', 'numeric');
    if (typeof v === 'number') {
      if (type === 'integer' || type === 'bigint' || type === 'double') return castValue(v, Number.isInteger(v) ? 'bigint' : 'double', type);
      if (type === 'text') return castValue(v, 'double', 'text');
    }
    if (typeof v === 'boolean' && (type === 'boolean' || type === 'text')) return castValue(v, 'boolean', type);
    if (v instanceof Date && (type === 'timestamp' || type === 'timestamptz' || type === 'date')) {
      const micros = v.getTime() * 1000;
      return type === 'date' ? Math.floor(micros / MICROS_PER_DAY) : micros;
    }
    // A jsonb column takes any JSON value as itself (a string is a JSON string).
    if (type === 'jsonb' && typeof v !== 'function' && typeof v !== 'symbol' && typeof v !== 'bigint') {
      return castValue(JSON.stringify(v), 'text', 'jsonb');
    }
  } catch (err) {
    if (err instanceof EngineError) throw new EngineError(err.code, `row ${row + 1}, column "${column}": ${err.message}`);
    throw err;
  }
  throw new EngineError(SqlState.datatypeMismatch, `row ${row + 1}, column "${column}": a ${typeof v} cannot be stored in a ${type} column`);
}

export function objectsToColumns(table: TableEntry, rows: readonly Record<string, unknown>[]): TargetColumns {
  const targets: number[] = [];
  const index = new Map<string, number>();
  if (!Array.isArray(rows)) {
    throw new EngineError(SqlState.invalidParameterValue, `insert() expects an array of row objects, got ${typeof rows}`);
  }
  rows.forEach((row, i) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      throw new EngineError(SqlState.invalidParameterValue, `row ${i + 1} is not an object mapping column names to values`);
    }
  });
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (!index.has(key)) {
        index.set(key, targets.length);
        targets.push(columnIndex(table, key));
      }
    }
  }
  const columns = targets.map((t) => {
    const col = table.columns[t]!;
    return columnFromScalars(col.type, rows.map((r, i) => jsToScalar(r[col.name], col.type, col.name, i)));
  });
  return { targets, columns };
}

/** Reads one arrow vector into a Freshet column of the nearest type. */
function arrowColumn(vector: Vector, name: string): Column {
  const n = vector.length;
  let validity: Uint8Array | null = null;
  const markNulls = (): void => {
    if (vector.nullCount === 0) return;
    validity = allValid(n);
    let at = 0;
    for (const chunk of vector.data) {
      for (let i = 0; i < chunk.length; i++) if (!chunk.getValid(i)) setNull(validity, at + i);
      at += chunk.length;
    }
  };
  const typeId = vector.type.typeId;
  markNulls();
  const finish = (type: SqlType, values: Column['values']): Column => makeColumn(type, values, normalizeValidity(validity, n), n);
  switch (typeId) {
    case Type.Int: {
      const bits = (vector.type as { bitWidth: number }).bitWidth;
      if (bits <= 32) return finish('integer', Int32Array.from(vector.toArray() as ArrayLike<number>));
      return finish('bigint', int64Values(vector, 1));
    }
    case Type.Float:
      return finish('double', Float64Array.from(vector.toArray() as ArrayLike<number>));
    case Type.Timestamp: {
      // Arrow keeps int64 counts of its unit; Freshet keeps µs in doubles (sql-type.ts).
      const { unit, timezone } = vector.type as unknown as { unit: number; timezone: string | null };
      const perMicro = [1e-6, 1e-3, 1, 1e3][unit]!; // SECOND, MILLISECOND, MICROSECOND, NANOSECOND
      return finish(timezone === null || timezone === undefined ? 'timestamp' : 'timestamptz', int64Values(vector, perMicro));
    }
    case Type.Bool: {
      const out = new Uint8Array(n);
      let at = 0;
      for (const chunk of vector.data) {
        const bits = chunk.values as Uint8Array;
        for (let i = 0; i < chunk.length; i++) {
          const j = chunk.offset + i;
          out[at + i] = (bits[j >>> 3]! >>> (j & 7)) & 1;
        }
        at += chunk.length;
      }
      return finish('boolean', out);
    }
    case Type.Utf8:
      return finish('text', decodeUtf8(vector));
    case Type.Dictionary: {
      // apache-arrow encodes JS string arrays this way: decode each chunk's
      // dictionary once, then map the indices.
      const dictionaryType = (vector.type as { dictionary: { typeId: number } }).dictionary;
      if (dictionaryType.typeId !== Type.Utf8) break;
      const out = new Array<string>(n);
      let at = 0;
      for (const chunk of vector.data) {
        const dictionary = chunk.dictionary;
        const words = dictionary === undefined ? [] : decodeUtf8(dictionary);
        const indices = chunk.values as ArrayLike<number>;
        for (let i = 0; i < chunk.length; i++) out[at + i] = words[Number(indices[i]!)] ?? '';
        at += chunk.length;
      }
      return finish('text', out);
    }
    default:
      break;
  }
  throw new EngineError(SqlState.featureNotSupported, `arrow column "${name}" has type ${String(vector.type)}, which insertArrow does not read yet (use Int, Float, Bool, Utf8, a Utf8 dictionary or Timestamp)`);
}

/**
 * A vector of 64-bit integers (Int64, or a timestamp's counts) as doubles,
 * divided by `per` (a timestamp unit's counts per µs; 1 for plain integers),
 * read as their low and high 32-bit halves: for performance, no BigInt per
 * row. Exact within ±2^53, as Freshet's BIGINT is.
 */
function int64Values(vector: Vector, per: number): Float64Array {
  const out = new Float64Array(vector.length);
  let at = 0;
  for (const chunk of vector.data) {
    // A sliced chunk's values start at its first value already (its offset is for the validity bitmap).
    const raw = chunk.values as BigInt64Array | Int32Array;
    const words = new Int32Array(raw.buffer, raw.byteOffset, chunk.length * 2);
    for (let i = 0; i < chunk.length; i++) {
      const j = i * 2;
      const count = words[j + 1]! * 4294967296 + (words[j]! >>> 0);
      out[at + i] = per === 1 ? count : per < 1 ? count / per : Math.floor(count / per);
    }
    at += chunk.length;
  }
  return out;
}

/**
 * The strings of a Utf8 vector, decoded from its offsets and bytes. For
 * performance: a chunk whose bytes are all ASCII is decoded once, and each
 * value is a slice of that string (one TextDecoder call per value costs
 * several times more for short strings); other chunks decode value by value.
 */
function decodeUtf8(vector: Vector): string[] {
  const out = new Array<string>(vector.length);
  const decoder = new TextDecoder();
  let at = 0;
  for (const chunk of vector.data) {
    const offsets = chunk.valueOffsets as Int32Array;
    const bytes = chunk.values as Uint8Array;
    const n = chunk.length;
    const first = n === 0 ? 0 : offsets[0]!;
    const used = n === 0 ? bytes.subarray(0, 0) : bytes.subarray(first, offsets[n]!);
    if (isAscii(used)) {
      const whole = decoder.decode(used);
      for (let i = 0; i < n; i++) out[at + i] = whole.slice(offsets[i]! - first, offsets[i + 1]! - first);
    } else {
      for (let i = 0; i < n; i++) out[at + i] = decoder.decode(bytes.subarray(offsets[i]!, offsets[i + 1]!));
    }
    at += n;
  }
  return out;
}

/** True when every byte is below 0x80 (so byte offsets are character offsets). */
function isAscii(bytes: Uint8Array): boolean {
  // Eight bytes at a time where the buffer is aligned for it.
  let i = 0;
  if (bytes.byteOffset % 4 === 0) {
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
    for (let w = 0; w < words.length; w++) if ((words[w]! & 0x80808080) !== 0) return false;
    i = words.length << 2;
  }
  for (; i < bytes.length; i++) if (bytes[i]! >= 0x80) return false;
  return true;
}

export function arrowToColumns(table: TableEntry, data: ArrowTable): TargetColumns {
  const targets: number[] = [];
  const columns: Column[] = [];
  for (const field of data.schema.fields) {
    targets.push(columnIndex(table, field.name));
    columns.push(arrowColumn(data.getChild(field.name)!, field.name));
  }
  return { targets, columns };
}
