// The binary form of an operator's state, as checkpoints save it (see
// dataflow/circuit-state.ts): a sequence of typed items that an operator
// writes in its own order and reads back in the same order. Each item starts
// with a tag byte naming its kind, so a reader that expects another kind —
// state written by a different plan or a different build — fails at once
// with StateMismatch instead of loading garbage.
//
// Byte layout, little-endian, items back to back:
//   u8 tag, then
//     'n' number       f64
//     'F' Float64Array u32 element count, 8 bytes each
//     'I' Int32Array   u32 element count, 4 bytes each
//     'U' Uint8Array   u32 byte count, bytes
//     'J' JSON text    u32 byte count, UTF-8 (NaN and ±Infinity kept, json-numbers.ts)
//     'B' ZBatch       u32 byte count, the batch codec's layout
// Writing keeps views of the arrays it is given, not copies: the caller must
// consume the bytes (`chunks`, `finish`) before the state changes again — a
// checkpoint saves and writes in one synchronous turn. Arrays are copied out
// on reading (never aliasing the input), so an item's offset need not be
// aligned.

import type { ZBatch } from '../columnar/z-batch.js';
import { decodeBatch, encodeBatch } from './batch-codec.js';
import { decodeNumbers, encodeNumbers } from './json-numbers.js';

/** State bytes that do not match what the reader expects (another plan, another build): the view is rebuilt instead. */
export class StateMismatch extends Error {}

/** Thrown by a saveState that meets state it has no saved form for yet (the message names it): the view is rebuilt at recovery. */
export class StateUnsupported extends Error {}

const TAG_NUMBER = 0x6e; // n
const TAG_F64 = 0x46; // F
const TAG_I32 = 0x49; // I
const TAG_U8 = 0x55; // U
const TAG_JSON = 0x4a; // J
const TAG_BATCH = 0x42; // B

export class StateWriter {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  number(value: number): void {
    const bytes = new Uint8Array(9);
    bytes[0] = TAG_NUMBER;
    new DataView(bytes.buffer).setFloat64(1, value, true);
    this.push(bytes);
  }

  f64(values: Float64Array): void {
    this.array(TAG_F64, values.length, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }

  i32(values: Int32Array): void {
    this.array(TAG_I32, values.length, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }

  u8(values: Uint8Array): void {
    this.array(TAG_U8, values.length, values);
  }

  json(value: unknown): void {
    const text = Buffer.from(JSON.stringify(value, encodeNumbers), 'utf8');
    this.array(TAG_JSON, text.length, text);
  }

  batch(batch: ZBatch): void {
    const bytes = encodeBatch(batch);
    this.array(TAG_BATCH, bytes.length, bytes);
  }

  /** Everything written, as the pieces to write one after the other. */
  chunks(): readonly Uint8Array[] {
    return this.parts;
  }

  /** Bytes written so far. */
  get byteLength(): number {
    return this.size;
  }

  /** Everything written, as one array. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.parts) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  private array(tag: number, count: number, bytes: Uint8Array): void {
    const head = new Uint8Array(5);
    head[0] = tag;
    new DataView(head.buffer).setUint32(1, count, true);
    this.push(head);
    this.push(bytes);
  }

  private push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.size += bytes.length;
  }
}

export class StateReader {
  private at = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  number(): number {
    this.tag(TAG_NUMBER, 'a number');
    this.need(8);
    const value = this.view.getFloat64(this.at, true);
    this.at += 8;
    return value;
  }

  f64(): Float64Array<ArrayBuffer> {
    const n = this.count(TAG_F64, 'a Float64Array');
    return new Float64Array(this.take(n * 8).buffer);
  }

  i32(): Int32Array<ArrayBuffer> {
    const n = this.count(TAG_I32, 'an Int32Array');
    return new Int32Array(this.take(n * 4).buffer);
  }

  u8(): Uint8Array<ArrayBuffer> {
    return this.take(this.count(TAG_U8, 'a Uint8Array'));
  }

  json<T>(): T {
    const bytes = this.take(this.count(TAG_JSON, 'JSON'));
    return JSON.parse(Buffer.from(bytes).toString('utf8'), decodeNumbers) as T;
  }

  batch(): ZBatch {
    const n = this.count(TAG_BATCH, 'a batch');
    this.need(n);
    // The decoder copies what it reads into fresh arrays: no copy of the bytes first.
    const batch = decodeBatch(this.bytes.subarray(this.at, this.at + n), 0).batch;
    this.at += n;
    return batch;
  }

  /** Fails with StateMismatch when `ok` is false: the state was written for `what`, not for this reader's owner. */
  check(ok: boolean, what: string): void {
    if (!ok) throw new StateMismatch(`the saved state is ${what}`);
  }

  /** Fails unless every item was read. */
  end(): void {
    if (this.at !== this.bytes.length) throw new StateMismatch(`${this.bytes.length - this.at} bytes of state left unread`);
  }

  private tag(expected: number, what: string): void {
    this.need(1);
    const tag = this.bytes[this.at]!;
    if (tag !== expected) throw new StateMismatch(`expected ${what} at byte ${this.at}, found tag ${tag}`);
    this.at++;
  }

  private count(tag: number, what: string): number {
    this.tag(tag, what);
    this.need(4);
    const n = this.view.getUint32(this.at, true);
    this.at += 4;
    return n;
  }

  /** A copy of the next `n` bytes (own buffer, so typed views of it start at offset 0). */
  private take(n: number): Uint8Array<ArrayBuffer> {
    this.need(n);
    const out = copyOf(this.bytes.subarray(this.at, this.at + n));
    this.at += n;
    return out;
  }

  private need(n: number): void {
    if (this.at + n > this.bytes.length) throw new StateMismatch(`state ends at byte ${this.bytes.length}, ${n} more expected at ${this.at}`);
  }
}

/** A copy in a buffer of its own (Buffer's slice would share the source's memory). */
function copyOf(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  return out;
}
