// The binary form of a ZBatch: the payload of write-ahead-log records and
// checkpoint files. Encoding is deterministic (equal batches, equal bytes), so
// callers can checksum the output; typed arrays travel as raw bytes (NaN
// payloads, -0 and values at NULL positions kept bit for bit) and decoding
// copies them with one memcpy each into fresh arrays that never alias the input.
//
// Byte layout, little-endian, no padding (a batch may start at any offset):
//   u8   version (FORMAT_VERSION)
//   u32  row count n
//   u32  column count c
//   c ×  column:
//          u8   type-name length L, then L ASCII bytes of the SqlType ('integer', 'text[]')
//          u8   validity: 0 = no NULLs (validity null), 1 = followed by ceil(n/8) bitmap bytes
//          values, by the type's layout (sql-type.ts):
//            boolean                         n × u8
//            integer, date                   n × i32
//            bigint, double, timestamp(tz)   n × f64
//            interval                        n × f64 spans, n × i32 months, n × i32 days, n × f64 micros
//            text, jsonb, bytea, T[]         strings (below)
//            numeric                         strings (the keys), then n × i32 display scales
//   n × i32 weights
// strings: n × u32 lengths in UTF-16 code units, u32 chunk count k, then k ×
//   chunk: u8 encoding (0 = UTF-8, 1 = UTF-16LE), u32 row count, u32 byte length, bytes:
//   the chunk's strings concatenated. UTF-16LE is used only for a chunk whose
//   concatenation is not well-formed (lone surrogates), which UTF-8 cannot carry.
// Chunks bound the concatenated string below V8's maximum string length.

import type { SqlType } from '../common/sql-type.js';
import { ElementTypes, arrayOf } from '../common/sql-type.js';
import { Buffer } from 'node:buffer';
import { assert } from '../common/assert.js';
import type { Column, ColumnValues } from '../columnar/column.js';
import { allocValues, makeColumn } from '../columnar/column.js';
import { IntervalValues } from '../columnar/interval-values.js';
import { NumericValues, naturalScale } from '../columnar/numeric-values.js';
import { validityBytes } from '../columnar/validity.js';
import type { ZBatch } from '../columnar/z-batch.js';

/** Bumped whenever the layout above changes; decoders reject versions they do not know. */
export const BATCH_FORMAT_VERSION = 1;

const ENCODING_UTF8 = 0;
const ENCODING_UTF16LE = 1;
/** Rows are grouped so that one chunk's concatenation stays far below V8's ~2^29 code-unit string limit. */
const CHUNK_CODE_UNITS = 1 << 24;
const HEADER_BYTES = 1 + 4 + 4;
const CHUNK_HEADER_BYTES = 1 + 4 + 4;

type Layout = 'u8' | 'i32' | 'f64' | 'interval' | 'strings' | 'numeric';

function layoutOf(type: SqlType): Layout {
  switch (type) {
    case 'boolean':
      return 'u8';
    case 'integer':
    case 'date':
      return 'i32';
    case 'bigint':
    case 'double':
    case 'timestamp':
    case 'timestamptz':
      return 'f64';
    case 'interval':
      return 'interval';
    case 'numeric':
      return 'numeric';
    default:
      return 'strings'; // text, jsonb, bytea and every array type
  }
}

const knownTypes: ReadonlyMap<string, SqlType> = new Map<string, SqlType>([
  ...ElementTypes.map((t): [string, SqlType] => [t, t]),
  ...ElementTypes.map((t): [string, SqlType] => [arrayOf(t), arrayOf(t)]),
]);

// Typed arrays are copied as raw platform-order bytes; the format is little-endian.
const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
function requireLittleEndian(): void {
  if (!hostIsLittleEndian) throw new Error('batch codec: this host is big-endian; the batch format is little-endian only');
}

const utf8Encoder = new TextEncoder();
// ignoreBOM keeps a leading U+FEFF in the text instead of swallowing it; fatal rejects corrupt UTF-8.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function isWellFormed(s: string): boolean {
  // String.prototype.isWellFormed exists in Node 20 but not in the ES2022 lib typings.
  return (s as unknown as { isWellFormed(): boolean }).isWellFormed();
}

// ---------------------------------------------------------------- encoding

interface StringChunk {
  readonly rows: number;
  readonly text: string;
  readonly encoding: number;
  readonly byteLength: number;
}

interface PreparedStrings {
  readonly lengths: Uint32Array;
  readonly chunks: readonly StringChunk[];
  readonly byteLength: number;
}

function codeUnits(v: string | undefined): number {
  // Values at NULL positions may be left unset by a kernel; they travel as ''.
  return typeof v === 'string' ? v.length : 0;
}

function prepareStrings(values: readonly string[], n: number): PreparedStrings {
  const lengths = new Uint32Array(n);
  const chunks: StringChunk[] = [];
  let bytes = 4 + 4 * n + 4;
  let start = 0;
  let units = 0;
  const flush = (end: number): void => {
    // join('') turns unset entries into '', matching codeUnits.
    const text = start === 0 && end === values.length ? values.join('') : values.slice(start, end).join('');
    const wellFormed = isWellFormed(text);
    const byteLength = wellFormed ? Buffer.byteLength(text, 'utf8') : text.length * 2;
    chunks.push({ rows: end - start, text, encoding: wellFormed ? ENCODING_UTF8 : ENCODING_UTF16LE, byteLength });
    bytes += CHUNK_HEADER_BYTES + byteLength;
    start = end;
    units = 0;
  };
  for (let i = 0; i < n; i++) {
    const len = codeUnits(values[i]);
    if (units > 0 && units + len > CHUNK_CODE_UNITS) flush(i);
    lengths[i] = len;
    units += len;
  }
  if (n > start) flush(n);
  return { lengths, chunks, byteLength: bytes - 4 };
}

function typedByteLength(layout: Layout, n: number): number {
  switch (layout) {
    case 'u8':
      return n;
    case 'i32':
      return 4 * n;
    case 'f64':
      return 8 * n;
    case 'interval':
      return 24 * n;
    case 'strings':
    case 'numeric':
      return 0;
  }
}

class Writer {
  pos = 0;
  readonly view: DataView;
  constructor(readonly out: Uint8Array) {
    this.view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  }
  u8(v: number): void {
    this.view.setUint8(this.pos, v);
    this.pos += 1;
  }
  u32(v: number): void {
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
  }
  /** The first `count` elements of a typed array, as raw bytes. */
  raw(a: Uint8Array | Int32Array | Float64Array | Uint32Array, count: number): void {
    const bytes = count * a.BYTES_PER_ELEMENT;
    this.out.set(new Uint8Array(a.buffer, a.byteOffset, bytes), this.pos);
    this.pos += bytes;
  }
}

function writeStrings(w: Writer, p: PreparedStrings, n: number): void {
  w.raw(p.lengths, n);
  w.u32(p.chunks.length);
  for (const c of p.chunks) {
    w.u8(c.encoding);
    w.u32(c.rows);
    w.u32(c.byteLength);
    const target = w.out.subarray(w.pos, w.pos + c.byteLength);
    if (c.encoding === ENCODING_UTF8) {
      const r = utf8Encoder.encodeInto(c.text, target);
      assert(r.written === c.byteLength && r.read === c.text.length, 'batch codec: UTF-8 size mismatch');
    } else {
      const written = Buffer.from(target.buffer, target.byteOffset, target.byteLength).write(c.text, 0, 'utf16le');
      assert(written === c.byteLength, 'batch codec: UTF-16 size mismatch');
    }
    w.pos += c.byteLength;
  }
}

function checkValues(col: Column, layout: Layout, n: number, index: number): void {
  const v = col.values;
  const ok =
    layout === 'u8' ? v instanceof Uint8Array
    : layout === 'i32' ? v instanceof Int32Array
    : layout === 'f64' ? v instanceof Float64Array
    : layout === 'interval' ? v instanceof IntervalValues
    : Array.isArray(v);
  assert(ok, `batch codec: column ${index} (${col.type}) holds ${v.constructor.name}, not its type's layout`);
  assert(col.length === n && v.length >= n, `batch codec: column ${index} (${col.type}) has ${col.length} rows / ${v.length} values, batch has ${n}`);
  assert(col.validity === null || col.validity.length >= validityBytes(n), `batch codec: column ${index} validity bitmap is too short`);
}

/** Returns a fresh buffer holding the batch: version, row and column counts, per column its SqlType name, validity and values; then weights. */
export function encodeBatch(batch: ZBatch): Uint8Array {
  requireLittleEndian();
  const n = batch.length;
  assert(batch.weights.length >= n, 'batch codec: fewer weights than rows');
  // Pass 1: sizes (and the concatenated strings), so the output is allocated once.
  let size = HEADER_BYTES + 4 * n;
  const prepared: (PreparedStrings | null)[] = [];
  batch.columns.forEach((col, c) => {
    const layout = layoutOf(col.type);
    checkValues(col, layout, n, c);
    size += 1 + col.type.length + 1 + (col.validity === null ? 0 : validityBytes(n));
    size += typedByteLength(layout, n);
    if (layout === 'strings' || layout === 'numeric') {
      const p = prepareStrings(col.values as string[], n);
      prepared.push(p);
      size += p.byteLength + (layout === 'numeric' ? 4 * n : 0);
    } else prepared.push(null);
  });
  // Pass 2: write.
  const w = new Writer(new Uint8Array(size));
  w.u8(BATCH_FORMAT_VERSION);
  w.u32(n);
  w.u32(batch.columns.length);
  batch.columns.forEach((col, c) => {
    w.u8(col.type.length);
    for (let i = 0; i < col.type.length; i++) w.u8(col.type.charCodeAt(i));
    if (col.validity === null) w.u8(0);
    else {
      w.u8(1);
      w.raw(col.validity, validityBytes(n));
    }
    writeValues(w, col.values, layoutOf(col.type), n, prepared[c] ?? null);
  });
  w.raw(batch.weights, n);
  assert(w.pos === size, `batch codec: wrote ${w.pos} bytes, sized ${size}`);
  return w.out;
}

function writeValues(w: Writer, values: ColumnValues, layout: Layout, n: number, strings: PreparedStrings | null): void {
  switch (layout) {
    case 'u8':
    case 'i32':
    case 'f64':
      w.raw(values as Uint8Array | Int32Array | Float64Array, n);
      return;
    case 'interval': {
      const v = values as IntervalValues;
      w.raw(v, n);
      w.raw(v.months, n);
      w.raw(v.days, n);
      w.raw(v.micros, n);
      return;
    }
    case 'strings':
      writeStrings(w, strings!, n);
      return;
    case 'numeric': {
      writeStrings(w, strings!, n);
      const keys = values as string[];
      if (keys instanceof NumericValues) w.raw(keys.scales, n);
      else {
        // A keys-only array prints each value at its natural scale (numericScaleAt); store that.
        const scales = new Int32Array(n);
        for (let i = 0; i < n; i++) scales[i] = typeof keys[i] === 'string' ? naturalScale(keys[i]!) : 0;
        w.raw(scales, n);
      }
      return;
    }
  }
}

// ---------------------------------------------------------------- decoding

class Reader {
  pos: number;
  readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    offset: number,
  ) {
    this.pos = offset;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  /** Throws unless `count` more bytes exist: checked before anything is allocated. */
  need(count: number, what: string): void {
    const left = this.bytes.length - this.pos;
    if (count > left) throw new Error(`batch decode: truncated input: ${what} needs ${count} bytes at offset ${this.pos}, only ${left} remain`);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.view.getUint8(this.pos++);
  }
  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  /** Copies `dst.byteLength` bytes into `dst` (a fresh, aligned array): one memcpy. */
  into<T extends Uint8Array | Int32Array | Float64Array | Uint32Array>(dst: T, what: string): T {
    this.need(dst.byteLength, what);
    new Uint8Array(dst.buffer, dst.byteOffset, dst.byteLength).set(this.bytes.subarray(this.pos, this.pos + dst.byteLength));
    this.pos += dst.byteLength;
    return dst;
  }
}

function corrupt(message: string): Error {
  return new Error(`batch decode: corrupt input: ${message}`);
}

function readStrings(r: Reader, out: string[], n: number, what: string): void {
  r.need(4 * n, `${what} string lengths`);
  const lengths = r.into(new Uint32Array(n), `${what} string lengths`);
  const chunkCount = r.u32(`${what} chunk count`);
  let row = 0;
  for (let k = 0; k < chunkCount; k++) {
    const encoding = r.u8(`${what} chunk ${k} encoding`);
    const rows = r.u32(`${what} chunk ${k} row count`);
    const byteLength = r.u32(`${what} chunk ${k} byte length`);
    if (encoding !== ENCODING_UTF8 && encoding !== ENCODING_UTF16LE) throw corrupt(`${what} chunk ${k} has unknown string encoding ${encoding}`);
    if (rows > n - row) throw corrupt(`${what} chunk ${k} holds ${rows} rows, only ${n - row} left`);
    r.need(byteLength, `${what} chunk ${k} text`);
    const raw = r.bytes.subarray(r.pos, r.pos + byteLength);
    let text: string;
    if (encoding === ENCODING_UTF8) {
      try {
        text = utf8Decoder.decode(raw);
      } catch {
        throw corrupt(`${what} chunk ${k} is not valid UTF-8`);
      }
    } else {
      if (byteLength % 2 !== 0) throw corrupt(`${what} chunk ${k} has an odd UTF-16 byte length ${byteLength}`);
      text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf16le');
    }
    r.pos += byteLength;
    let at = 0;
    const end = row + rows;
    for (; row < end; row++) {
      const len = lengths[row]!;
      if (len > text.length - at) throw corrupt(`${what} row ${row} runs past its chunk's text`);
      out[row] = text.slice(at, at + len);
      at += len;
    }
    if (at !== text.length) throw corrupt(`${what} chunk ${k} has ${text.length - at} code units no row claims`);
  }
  if (row !== n) throw corrupt(`${what} chunks hold ${row} rows, expected ${n}`);
}

function readValues(r: Reader, type: SqlType, n: number, what: string): ColumnValues {
  const layout = layoutOf(type);
  // Size checks come before allocation so corrupt row counts fail instead of allocating.
  r.need(typedByteLength(layout, n), `${what} values`);
  switch (layout) {
    case 'u8':
      return r.into(new Uint8Array(n), `${what} values`);
    case 'i32':
      return r.into(new Int32Array(n), `${what} values`);
    case 'f64':
      return r.into(new Float64Array(n), `${what} values`);
    case 'interval': {
      const v = new IntervalValues(n);
      r.into(v, `${what} spans`);
      r.into(v.months, `${what} months`);
      r.into(v.days, `${what} days`);
      r.into(v.micros, `${what} micros`);
      return v;
    }
    case 'strings':
    case 'numeric': {
      r.need(4 * n, `${what} string lengths`);
      const v = allocValues(type, n) as string[];
      readStrings(r, v, n, what);
      if (v instanceof NumericValues) r.into(v.scales, `${what} scales`);
      return v;
    }
  }
}

/**
 * Decodes what encodeBatch wrote, starting at `offset`; returns the batch and
 * the offset just past it. Throws a plain Error (a storage fault, not a user
 * error) when the bytes are truncated or malformed.
 */
export function decodeBatch(bytes: Uint8Array, offset = 0): { batch: ZBatch; end: number } {
  requireLittleEndian();
  if (!Number.isInteger(offset) || offset < 0 || offset > bytes.length) {
    throw new Error(`batch decode: offset ${offset} is outside the ${bytes.length}-byte input`);
  }
  const r = new Reader(bytes, offset);
  const version = r.u8('version byte');
  if (version !== BATCH_FORMAT_VERSION) throw corrupt(`unknown format version ${version} (this build reads version ${BATCH_FORMAT_VERSION})`);
  const n = r.u32('row count');
  const columnCount = r.u32('column count');
  const columns: Column[] = [];
  for (let c = 0; c < columnCount; c++) {
    const nameLength = r.u8(`column ${c} type name length`);
    r.need(nameLength, `column ${c} type name`);
    let name = '';
    for (let i = 0; i < nameLength; i++) name += String.fromCharCode(r.bytes[r.pos + i]!);
    r.pos += nameLength;
    const type = knownTypes.get(name);
    if (type === undefined) throw corrupt(`column ${c} has unknown type name ${JSON.stringify(name)}`);
    const what = `column ${c} (${type})`;
    const flag = r.u8(`${what} validity flag`);
    let validity: Uint8Array | null = null;
    if (flag === 1) {
      r.need(validityBytes(n), `${what} validity`);
      validity = r.into(new Uint8Array(validityBytes(n)), `${what} validity`);
    } else if (flag !== 0) throw corrupt(`${what} has validity flag ${flag}, expected 0 or 1`);
    columns.push(makeColumn(type, readValues(r, type, n, what), validity, n));
  }
  r.need(4 * n, 'weights');
  const weights = r.into(new Int32Array(n), 'weights');
  return { batch: { columns, weights, length: n }, end: r.pos };
}
