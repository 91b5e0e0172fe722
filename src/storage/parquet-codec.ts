// The cold tier's segment codec: rows of a table as one plain Parquet file that
// DuckDB, Spark or pandas read directly, and that decodeSegment reads back into
// Freshet columns exactly (values, NULLs, NUMERIC scales, interval parts,
// bytea bytes), or rejects with EngineError XX001. Columns → Arrow data →
// IPC → parquet-wasm (arrow-rs) and back, in whole-column typed-array loops.

import { createRequire } from 'node:module';
import type * as ParquetWasm from 'parquet-wasm';
import {
  Binary,
  Bool,
  DataType,
  DateDay,
  DateUnit,
  Field,
  Float64,
  Int32,
  Int64,
  Precision,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimeUnit,
  TimestampMicrosecond,
  Utf8,
  makeData,
  tableFromIPC,
  tableToIPC,
} from 'apache-arrow';
import type { Data } from 'apache-arrow';
import { assert } from '../common/assert.js';
import { EngineError, SqlState } from '../common/errors.js';
import type { SqlType } from '../common/sql-type.js';
import { isStringBacked } from '../common/sql-type.js';
import type { Column, ColumnValues } from '../columnar/column.js';
import { allocValues, f64, i32, intervals, makeColumn, str, u8 } from '../columnar/column.js';
import { IntervalValues, setInterval } from '../columnar/interval-values.js';
import { NumericValues, numericTextAt, parseNumeric } from '../columnar/numeric-values.js';
import type { Validity } from '../columnar/validity.js';
import { allValid, nullCount, setNull, validityBytes } from '../columnar/validity.js';

export interface SegmentColumns {
  readonly columns: Column[];
  readonly length: number;
}

/** Rows per Parquet row group: DuckDB's own row-group size, so its scans parallelize and prune per group. */
export const SEGMENT_ROW_GROUP_ROWS = 122_880;

// Arrow schema metadata (arrow-rs keeps it inside the file's ARROW:schema entry).
const FORMAT_KEY = 'freshet.segment';
const FORMAT_VERSION = '1';
/** The SQL types, comma-separated: text, jsonb, numeric and arrays are all UTF8 in Parquet. */
const TYPES_KEY = 'freshet.types';

const MAGIC = 0x31524150; // 'PAR1' read as a little-endian u32
const TWO_32 = 4_294_967_296;
/** Arrow Utf8/Binary offsets are Int32. */
const MAX_STRING_BYTES = 2 ** 31 - 1;
/** Strings are joined and measured this many rows at a time (one native call per chunk). */
const STRING_CHUNK_ROWS = 16_384;

let wasmModule: typeof ParquetWasm | undefined;
/**
 * parquet-wasm compiles its 5 MB module synchronously on load (~120 ms), so it
 * is loaded on first use rather than on every start of Freshet. Its node build
 * is CommonJS, hence require.
 */
function parquetWasm(): typeof ParquetWasm {
  if (wasmModule === undefined) {
    // Int64 values are written and read as two Int32 halves (no BigInt per
    // value); their order assumes a little-endian host, as batch-codec.ts does.
    assert(new Uint8Array(new Uint16Array([1]).buffer)[0] === 1, 'parquet codec: big-endian hosts are not supported');
    wasmModule = createRequire(import.meta.url)('parquet-wasm') as typeof ParquetWasm;
  }
  return wasmModule;
}

// ------------------------------------------------------------------ types

function intervalStruct(): Struct {
  return new Struct([new Field('months', new Int32(), false), new Field('days', new Int32(), false), new Field('micros', new Int64(), false)]);
}

/**
 * The Arrow (and so Parquet) type of each SQL type. Integers, dates, doubles
 * and booleans map to their Parquet namesakes; bigint to INT64; timestamps to
 * INT64 TIMESTAMP(MICROS), UTC-adjusted for timestamptz only; interval to a
 * struct of its parts; bytea to BINARY; text, jsonb, numeric (PostgreSQL's
 * text: unbounded precision, NaN and infinities fit no DECIMAL) and arrays
 * (their canonical text, a simplification: readers see strings) to UTF8.
 */
function arrowType(type: SqlType): DataType {
  switch (type) {
    case 'boolean':
      return new Bool();
    case 'integer':
      return new Int32();
    case 'date':
      return new DateDay();
    case 'bigint':
      return new Int64();
    case 'double':
      return new Float64();
    case 'timestamp':
      return new TimestampMicrosecond(null);
    case 'timestamptz':
      return new TimestampMicrosecond('UTC');
    case 'interval':
      return intervalStruct();
    case 'bytea':
      return new Binary();
    default:
      return new Utf8(); // text, jsonb, numeric and arrays, as their PostgreSQL text
  }
}

function isInt(t: DataType, bits: number): boolean {
  return DataType.isInt(t) && t.bitWidth === bits && t.isSigned;
}

/** Whether Arrow type `t` (as read back) is the one `type` was written as. */
function arrowTypeFits(t: DataType, type: SqlType): boolean {
  switch (type) {
    case 'boolean':
      return DataType.isBool(t);
    case 'integer':
      return isInt(t, 32);
    case 'date':
      return DataType.isDate(t) && t.unit === DateUnit.DAY;
    case 'bigint':
      return isInt(t, 64);
    case 'double':
      return DataType.isFloat(t) && t.precision === Precision.DOUBLE;
    case 'timestamp':
    case 'timestamptz':
      return DataType.isTimestamp(t) && t.unit === TimeUnit.MICROSECOND && (type === 'timestamptz') === (t.timezone === 'UTC');
    case 'interval': {
      if (!DataType.isStruct(t) || t.children.length !== 3) return false;
      const [m, d, us] = t.children as [Field, Field, Field];
      return m.name === 'months' && isInt(m.type, 32) && d.name === 'days' && isInt(d.type, 32) && us.name === 'micros' && isInt(us.type, 64);
    }
    case 'bytea':
      return DataType.isBinary(t);
    default:
      return DataType.isUtf8(t);
  }
}

// ------------------------------------------------------------------ encoding

/**
 * Parquet bytes of the first `length` rows of `columns`; `names[i]`/`types[i]`
 * describe columns[i]. Columns may be longer than `length` (views over
 * growable storage). Strings with lone UTF-16 surrogates are written (as
 * UTF-8 must be) with U+FFFD in their place, so they do not round-trip.
 */
export function encodeSegment(names: readonly string[], types: readonly SqlType[], columns: readonly Column[], length: number): Uint8Array {
  assert(names.length === types.length && columns.length === types.length, 'encodeSegment: names, types and columns differ in count');
  const fields: Field[] = [];
  const children: Data[] = [];
  for (let c = 0; c < types.length; c++) {
    const type = types[c]!;
    const col = columns[c]!;
    assert(col.type === type, `encodeSegment: column ${c} is ${col.type}, its type says ${type}`);
    assert(col.length >= length, `encodeSegment: column ${c} has ${col.length} rows, ${length} asked for`);
    const data = columnData(type, col, length, names[c]!);
    fields.push(new Field(names[c]!, data.type, true));
    children.push(data);
  }
  const schema = new Schema(fields, new Map([[FORMAT_KEY, FORMAT_VERSION], [TYPES_KEY, types.join(',')]]));
  const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length, nullCount: 0, children }));
  const ipc = tableToIPC(new Table(schema, [batch]), 'stream');
  const pw = parquetWasm();
  // writeParquet takes ownership of (and frees) both the wasm table and the properties.
  return pw.writeParquet(pw.Table.fromIPCStream(ipc), writerProperties(pw, names, types));
}

/**
 * Parquet v2 pages (DuckDB, Spark and pandas read them), ZSTD, statistics per
 * column chunk and page (DuckDB prunes row groups with them), dictionaries only
 * where values repeat (strings), delta encoding for integers and instants (often
 * sorted or clustered), byte-stream split for doubles (compresses better).
 * Interval parts cannot be named here (the builder's column paths have one
 * level), but v2 gives every INT32/INT64 column without a dictionary
 * DELTA_BINARY_PACKED anyway; the tests read the encodings back.
 */
function writerProperties(pw: typeof ParquetWasm, names: readonly string[], types: readonly SqlType[]): ParquetWasm.WriterProperties {
  let b = new pw.WriterPropertiesBuilder()
    .setWriterVersion(pw.WriterVersion.V2)
    .setCompression(pw.Compression.ZSTD)
    .setDictionaryEnabled(false)
    .setStatisticsEnabled(pw.EnabledStatistics.Page)
    .setMaxRowGroupSize(SEGMENT_ROW_GROUP_ROWS);
  for (let c = 0; c < types.length; c++) {
    const type = types[c]!;
    const name = names[c]!;
    if (isStringBacked(type)) b = b.setColumnDictionaryEnabled(name, true); // bytea too
    else if (type === 'double') b = b.setColumnEncoding(name, pw.Encoding.BYTE_STREAM_SPLIT);
    else if (type !== 'boolean' && type !== 'interval') b = b.setColumnEncoding(name, pw.Encoding.DELTA_BINARY_PACKED);
  }
  return b.build();
}

/** The Arrow validity of the first `length` rows: a fresh copy (see columnData), or null without NULLs. */
function arrowValidity(validity: Validity, length: number): { nullBitmap: Uint8Array | null; nullCount: number } {
  const nulls = nullCount(validity, length);
  if (validity === null || nulls === 0) return { nullBitmap: null, nullCount: 0 };
  return { nullBitmap: validity.slice(0, validityBytes(length)), nullCount: nulls };
}

/**
 * One column as Arrow data. Every buffer is a fresh array: apache-arrow's IPC
 * writer emits a stream with a wrong body length when one typed array (a
 * validity bitmap two columns share, say) backs two buffers of a batch.
 */
function columnData(type: SqlType, col: Column, n: number, name: string): Data {
  const { nullBitmap, nullCount: nulls } = arrowValidity(col.validity, n);
  const base = { length: n, nullCount: nulls, nullBitmap };
  switch (type) {
    case 'boolean':
      return makeData({ ...base, type: new Bool(), data: packBits(u8(col), n) });
    case 'integer':
      return makeData({ ...base, type: new Int32(), data: i32(col).slice(0, n) });
    case 'date':
      return makeData({ ...base, type: new DateDay(), data: i32(col).slice(0, n) });
    case 'double':
      return makeData({ ...base, type: new Float64(), data: f64(col).slice(0, n) });
    case 'bigint':
      return makeData({ ...base, type: new Int64(), data: int64Of(f64(col), col.validity, n, name) });
    case 'timestamp':
    case 'timestamptz':
      return makeData({ ...base, type: arrowType(type) as TimestampMicrosecond, data: int64Of(f64(col), col.validity, n, name) });
    case 'interval': {
      const iv = intervals(col);
      const children = [
        makeData({ type: new Int32(), length: n, nullCount: 0, data: iv.months.slice(0, n) }),
        makeData({ type: new Int32(), length: n, nullCount: 0, data: iv.days.slice(0, n) }),
        makeData({ type: new Int64(), length: n, nullCount: 0, data: int64Of(iv.micros, col.validity, n, name) }),
      ];
      return makeData({ ...base, type: intervalStruct(), children });
    }
    case 'bytea': {
      const { offsets, bytes } = hexBytes(str(col), n, name);
      return makeData({ ...base, type: new Binary(), valueOffsets: offsets, data: bytes });
    }
    case 'numeric': {
      const keys = col.values as NumericValues | string[];
      const texts = new Array<string>(n);
      const v = col.validity;
      for (let i = 0; i < n; i++) texts[i] = v === null || ((v[i >>> 3]! >>> (i & 7)) & 1) === 1 ? numericTextAt(keys, i) : '';
      const { offsets, bytes } = utf8Bytes(texts, n, name);
      return makeData({ ...base, type: new Utf8(), valueOffsets: offsets, data: bytes });
    }
    default: {
      const { offsets, bytes } = utf8Bytes(str(col), n, name);
      return makeData({ ...base, type: new Utf8(), valueOffsets: offsets, data: bytes });
    }
  }
}

function packBits(values: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(validityBytes(n));
  for (let i = 0; i < n; i++) if (values[i] !== 0) out[i >>> 3]! |= 1 << (i & 7);
  return out;
}

/**
 * Integral doubles as int64, written as two Int32 halves: exact for every
 * integer a double holds up to ±2^63, and no BigInt per value. NULL rows get
 * 0 (their doubles are unspecified).
 */
function int64Of(src: Float64Array, validity: Validity, n: number, name: string): BigInt64Array {
  const out = new BigInt64Array(n);
  const halves = new Int32Array(out.buffer);
  for (let i = 0; i < n; i++) {
    if (validity !== null && ((validity[i >>> 3]! >>> (i & 7)) & 1) === 0) continue;
    const x = src[i]!;
    const hi = Math.floor(x / TWO_32);
    const lo = x - hi * TWO_32;
    // Fails for NaN, ±Infinity, fractions and |x| >= 2^63: a broken layout contract.
    if ((hi | 0) !== hi || lo >>> 0 !== lo) assert(false, `encodeSegment: column "${name}" row ${i} holds ${x}, not a 64-bit integer`);
    halves[2 * i] = lo;
    halves[2 * i + 1] = hi;
  }
  return out;
}

interface VarBytes {
  readonly offsets: Int32Array;
  readonly bytes: Uint8Array;
}

function tooLarge(name: string): EngineError {
  return new EngineError(SqlState.programLimitExceeded, `segment column "${name}" holds more than ${MAX_STRING_BYTES} bytes of strings; write fewer rows per segment`);
}

/**
 * UTF-8 bytes and Arrow offsets of the first n strings (unset entries count
 * as ''). Strings go to native code a chunk at a time: an all-ASCII chunk
 * (the common case) is measured and written as one joined string; other
 * chunks string by string, so a lone surrogate at a string's end cannot pair
 * with the next string's first code unit.
 */
function utf8Bytes(values: readonly string[], n: number, name: string): VarBytes {
  const offsets = new Int32Array(n + 1);
  const joined: (string | null)[] = [];
  let total = 0;
  for (let start = 0; start < n; start += STRING_CHUNK_ROWS) {
    const end = Math.min(n, start + STRING_CHUNK_ROWS);
    const text = values.slice(start, end).join('');
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes === text.length) {
      for (let i = start; i < end; i++) offsets[i + 1] = offsets[i]! + (values[i]?.length ?? 0);
      joined.push(text);
    } else {
      for (let i = start; i < end; i++) offsets[i + 1] = offsets[i]! + Buffer.byteLength(values[i] ?? '', 'utf8');
      joined.push(null);
    }
    total += bytes;
    if (total > MAX_STRING_BYTES) throw tooLarge(name);
  }
  const out = Buffer.alloc(offsets[n]!);
  for (let k = 0; k < joined.length; k++) {
    const text = joined[k]!;
    const start = k * STRING_CHUNK_ROWS;
    if (text !== null) {
      out.write(text, offsets[start]!, 'latin1');
      continue;
    }
    const end = Math.min(n, start + STRING_CHUNK_ROWS);
    for (let i = start; i < end; i++) out.write(values[i] ?? '', offsets[i]!, 'utf8');
  }
  return { offsets, bytes: new Uint8Array(out.buffer, out.byteOffset, out.byteLength) };
}

/** The bytes of the first n bytea values (stored as lowercase hex) and their offsets. */
function hexBytes(values: readonly string[], n: number, name: string): VarBytes {
  const offsets = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += (values[i]?.length ?? 0) >>> 1;
    if (total > MAX_STRING_BYTES) throw tooLarge(name);
    offsets[i + 1] = total;
  }
  const out = Buffer.alloc(total);
  for (let start = 0; start < n; start += STRING_CHUNK_ROWS) {
    const end = Math.min(n, start + STRING_CHUNK_ROWS);
    const at = offsets[start]!;
    const written = out.write(values.slice(start, end).join(''), at, 'hex');
    assert(written === offsets[end]! - at, `encodeSegment: bytea column "${name}" holds a value that is not even-length hex`);
  }
  return { offsets, bytes: new Uint8Array(out.buffer, out.byteOffset, out.byteLength) };
}

// ------------------------------------------------------------------ decoding

function corrupt(detail: string): EngineError {
  return new EngineError(SqlState.dataCorrupted, `invalid Parquet segment: ${detail}`);
}

/** Damage found inside one column; decodeSegment names the column and makes it an EngineError. */
class ColumnDamage extends Error {}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Reads a segment written by encodeSegment back into columns of `types` (in
 * the order written). Throws EngineError XX001 naming the problem when the
 * bytes are not a valid segment of those types.
 */
export function decodeSegment(bytes: Uint8Array, types: readonly SqlType[]): SegmentColumns {
  checkFraming(bytes);
  const pw = parquetWasm();
  let ipc: Uint8Array;
  try {
    // Batches of a row group each; readParquet reads every column (it ignores `columns`).
    ipc = pw.readParquet(bytes, { batchSize: SEGMENT_ROW_GROUP_ROWS }).intoIPCStream();
  } catch (e) {
    throw corrupt(`the Parquet reader rejected it (${errorText(e)})`);
  }
  let table: Table;
  try {
    table = tableFromIPC(ipc);
  } catch (e) {
    throw corrupt(`its Arrow data is unreadable (${errorText(e)})`);
  }
  checkSchema(table.schema, types);
  const length = table.numRows;
  const columns: Column[] = [];
  for (let c = 0; c < types.length; c++) {
    const chunks: Data[] = [];
    for (const batch of table.batches) chunks.push(batch.data.children[c]!);
    try {
      columns.push(decodeColumn(types[c]!, chunks, length));
    } catch (e) {
      // EngineError: parseNumeric's range check on a damaged NUMERIC text.
      if (e instanceof ColumnDamage || e instanceof EngineError) throw corrupt(`column ${c + 1} ("${table.schema.fields[c]!.name}"): ${e.message}`);
      throw e;
    }
  }
  return { columns, length };
}

/** Cheap checks of the file's frame, so common damage gets a precise message. */
function checkFraming(bytes: Uint8Array): void {
  const n = bytes.length;
  if (n < 12) throw corrupt(`it is ${n} bytes long, shorter than Parquet's header and footer (12 bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, n);
  if (view.getUint32(0, true) !== MAGIC) throw corrupt('it does not start with the Parquet magic "PAR1"');
  if (view.getUint32(n - 4, true) !== MAGIC) throw corrupt('it does not end with the Parquet magic "PAR1" (truncated?)');
  const footer = view.getUint32(n - 8, true);
  if (footer > n - 12) throw corrupt(`its footer claims ${footer} bytes but the file has only ${n - 12} after the magic numbers`);
}

function checkSchema(schema: Schema, types: readonly SqlType[]): void {
  const version = schema.metadata.get(FORMAT_KEY);
  if (version === undefined) throw corrupt(`it is a Parquet file but not a Freshet segment (no "${FORMAT_KEY}" metadata)`);
  if (version !== FORMAT_VERSION) throw corrupt(`it has segment format version ${version}; this build reads version ${FORMAT_VERSION}`);
  const expected = types.join(',');
  const written = schema.metadata.get(TYPES_KEY) ?? '';
  if (schema.fields.length !== types.length || written !== expected) {
    throw corrupt(`it holds ${schema.fields.length} columns of types (${written}), expected ${types.length} of types (${expected})`);
  }
  for (let c = 0; c < types.length; c++) {
    const f = schema.fields[c]!;
    if (!arrowTypeFits(f.type, types[c]!)) {
      throw corrupt(`column ${c + 1} ("${f.name}") is stored as ${String(f.type)}, expected ${String(arrowType(types[c]!))} for ${types[c]}`);
    }
  }
}

/** Marks the NULL rows of chunk `d` (placed at row `at`) in `out`, made on the first NULL. */
function readValidity(out: Uint8Array | null, d: Data, at: number, total: number): Uint8Array | null {
  if (d.nullCount === 0) return out;
  const bits = d.nullBitmap;
  if (bits === null || bits === undefined || bits.length === 0) throw new ColumnDamage(`${d.nullCount} NULLs without a validity bitmap`);
  const dst = out ?? allValid(total);
  const off = d.offset;
  for (let i = 0; i < d.length; i++) {
    const b = off + i;
    if (((bits[b >>> 3]! >>> (b & 7)) & 1) === 0) setNull(dst, at + i);
  }
  return dst;
}

function decodeColumn(type: SqlType, chunks: readonly Data[], length: number): Column {
  const values = allocValues(type, length);
  let validity: Uint8Array | null = null;
  let at = 0;
  for (const d of chunks) {
    if (at + d.length > length) throw new ColumnDamage(`its batches hold more rows than the file's ${length}`);
    validity = readValidity(validity, d, at, length);
    decodeChunk(type, d, values, at);
    at += d.length;
  }
  if (at !== length) throw new ColumnDamage(`its batches hold ${at} rows, the file ${length}`);
  return makeColumn(type, values, validity, length);
}

function decodeChunk(type: SqlType, d: Data, out: ColumnValues, at: number): void {
  const n = d.length;
  if (n === 0) return; // an empty chunk may come without buffers at all
  switch (type) {
    case 'boolean': {
      const bits = d.values as Uint8Array;
      const o = out as Uint8Array;
      for (let i = 0; i < n; i++) {
        const b = d.offset + i;
        o[at + i] = (bits[b >>> 3]! >>> (b & 7)) & 1;
      }
      return;
    }
    case 'integer':
    case 'date':
      (out as Int32Array).set((d.values as Int32Array).subarray(0, n), at);
      return;
    case 'double':
      (out as Float64Array).set((d.values as Float64Array).subarray(0, n), at);
      return;
    case 'bigint':
    case 'timestamp':
    case 'timestamptz':
      readInt64(d.values as BigInt64Array, n, out as Float64Array, at);
      return;
    case 'interval': {
      const iv = out as IntervalValues;
      const [m, dd, us] = d.children as [Data, Data, Data];
      const micros = new Float64Array(n);
      readInt64(us.values as BigInt64Array, n, micros, 0);
      const months = m.values as Int32Array;
      const days = dd.values as Int32Array;
      for (let i = 0; i < n; i++) setInterval(iv, at + i, months[i]!, days[i]!, micros[i]!);
      return;
    }
    case 'bytea':
      readHex(d, out as string[], at);
      return;
    case 'numeric': {
      const texts = new Array<string>(n);
      readUtf8(d, texts, 0);
      const nv = out as NumericValues;
      for (let i = 0; i < n; i++) {
        const text = texts[i]!;
        // NULL rows hold ''; their values stay NUMERIC's zero.
        if (text === '' && !d.getValid(i)) continue;
        const p = parseNumeric(text);
        if (p === null) throw new ColumnDamage(`row ${at + i + 1} holds ${JSON.stringify(text.slice(0, 40))}, not a NUMERIC`);
        nv[at + i] = p.key;
        nv.scales[at + i] = p.scale;
      }
      return;
    }
    default:
      readUtf8(d, out as string[], at);
  }
}

/** int64 as doubles: exact within ±2^53, which holds every value Freshet writes. */
function readInt64(src: BigInt64Array, n: number, out: Float64Array, at: number): void {
  const halves = new Int32Array(src.buffer, src.byteOffset, 2 * n);
  for (let i = 0; i < n; i++) out[at + i] = halves[2 * i + 1]! * TWO_32 + (halves[2 * i]! >>> 0);
}

// ignoreBOM keeps a leading U+FEFF in the text; fatal rejects corrupt UTF-8.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Offsets [start, end) of a variable-width chunk's bytes, checked against its buffer. */
function byteRange(d: Data): { offsets: Int32Array; bytes: Uint8Array; start: number; end: number } {
  const offsets = d.valueOffsets as Int32Array;
  const bytes = d.values as Uint8Array;
  const start = offsets[0]!;
  const end = offsets[d.length]!;
  if (!(start >= 0 && start <= end && end <= bytes.length)) throw new ColumnDamage(`string offsets ${start}..${end} run outside its ${bytes.length} bytes`);
  return { offsets, bytes, start, end };
}

/**
 * A UTF-8 chunk's strings: decoded with one native call, then sliced per row.
 * (V8 copies slices under 13 characters; longer ones share the chunk's text.)
 */
function readUtf8(d: Data, out: string[], at: number): void {
  const { offsets, bytes, start, end } = byteRange(d);
  let text: string;
  try {
    text = utf8Decoder.decode(bytes.subarray(start, end));
  } catch {
    throw new ColumnDamage('its text is not valid UTF-8');
  }
  const n = d.length;
  if (text.length === end - start) {
    // All ASCII: code units are bytes.
    for (let i = 0; i < n; i++) {
      const a = offsets[i]!;
      const b = offsets[i + 1]!;
      if (b < a) throw new ColumnDamage(`string offsets decrease at row ${at + i + 1}`);
      out[at + i] = text.slice(a - start, b - start);
    }
    return;
  }
  // Map byte offsets to code-unit offsets by walking the (valid) UTF-8 once.
  let byte = start;
  let unit = 0;
  for (let i = 0; i < n; i++) {
    const stop = offsets[i + 1]!;
    const from = unit;
    while (byte < stop) {
      const lead = bytes[byte]!;
      if (lead < 0x80) {
        byte += 1;
        unit += 1;
      } else if (lead < 0xe0) {
        byte += 2;
        unit += 1;
      } else if (lead < 0xf0) {
        byte += 3;
        unit += 1;
      } else {
        byte += 4;
        unit += 2; // a surrogate pair
      }
    }
    if (byte !== stop) throw new ColumnDamage(`row ${at + i + 1}'s string ends inside a UTF-8 character`);
    out[at + i] = text.slice(from, unit);
  }
}

/** A Binary chunk's values as lowercase hex (bytea's layout): one hex conversion, sliced per row. */
function readHex(d: Data, out: string[], at: number): void {
  const { offsets, bytes, start, end } = byteRange(d);
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('hex');
  for (let i = 0; i < d.length; i++) {
    const a = offsets[i]!;
    const b = offsets[i + 1]!;
    if (b < a) throw new ColumnDamage(`bytea offsets decrease at row ${at + i + 1}`);
    out[at + i] = hex.slice(2 * (a - start), 2 * (b - start));
  }
}
