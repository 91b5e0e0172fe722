// The ZBatch binary codec: every SqlType round-trips bit for bit (values,
// validity, weights, interval parts, numeric scales), the byte layout matches
// the documented one, batches decode at any offset and back to back, and
// truncated or corrupt input throws a plain Error instead of returning garbage.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SqlType } from '../../src/common/sql-type.js';
import { ElementTypes, arrayOf } from '../../src/common/sql-type.js';
import type { Column, ColumnValues } from '../../src/columnar/column.js';
import { columnFromScalars, getScalar, makeColumn } from '../../src/columnar/column.js';
import { IntervalValues, setInterval } from '../../src/columnar/interval-values.js';
import { NumericValues } from '../../src/columnar/numeric-values.js';
import { validityBytes } from '../../src/columnar/validity.js';
import type { ZBatch } from '../../src/columnar/z-batch.js';
import { emptyBatch, makeBatch } from '../../src/columnar/z-batch.js';
import { BATCH_FORMAT_VERSION, decodeBatch, encodeBatch } from '../../src/storage/batch-codec.js';
import { batchOf, rowsOf } from '../dataflow/zset-test-helpers.js';

const allTypes: SqlType[] = [...ElementTypes, ...ElementTypes.map(arrayOf)];

type Typed = Uint8Array | Int32Array | Float64Array;
/** The first `count` elements' raw bytes, as a plain array vitest can diff. */
function rawBytes(a: Typed, count: number): number[] {
  return Array.from(new Uint8Array(a.buffer, a.byteOffset, count * a.BYTES_PER_ELEMENT));
}

function expectSameValues(actual: ColumnValues, expected: ColumnValues, n: number, where: string): void {
  if (expected instanceof IntervalValues) {
    expect(actual, where).toBeInstanceOf(IntervalValues);
    const a = actual as IntervalValues;
    expect(a.length, where).toBe(n);
    expect(rawBytes(a, n), `${where} spans`).toEqual(rawBytes(expected, n));
    expect(rawBytes(a.months, n), `${where} months`).toEqual(rawBytes(expected.months, n));
    expect(rawBytes(a.days, n), `${where} days`).toEqual(rawBytes(expected.days, n));
    expect(rawBytes(a.micros, n), `${where} micros`).toEqual(rawBytes(expected.micros, n));
  } else if (expected instanceof NumericValues) {
    expect(actual, where).toBeInstanceOf(NumericValues);
    const a = actual as NumericValues;
    expect([...a], `${where} keys`).toEqual(expected.slice(0, n));
    expect(Array.from(a.scales), `${where} scales`).toEqual(Array.from(expected.scales.subarray(0, n)));
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual), where).toBe(true);
    expect([...(actual as string[])], where).toEqual(expected.slice(0, n).map((s) => s ?? ''));
  } else {
    expect(actual.constructor, where).toBe(expected.constructor);
    expect(actual.length, where).toBe(n);
    expect(rawBytes(actual as Typed, n), where).toEqual(rawBytes(expected, n));
  }
}

/** Element-by-element equality of two batches: types, validity (null stays null), raw values, weights. */
function expectSameBatch(actual: ZBatch, expected: ZBatch): void {
  const n = expected.length;
  expect(actual.length).toBe(n);
  expect(Array.from(actual.weights)).toEqual(Array.from(expected.weights.subarray(0, n)));
  expect(actual.columns.length).toBe(expected.columns.length);
  expected.columns.forEach((e, c) => {
    const a = actual.columns[c]!;
    const where = `column ${c} (${e.type})`;
    expect(a.type, where).toBe(e.type);
    expect(a.length, where).toBe(n);
    if (e.validity === null) expect(a.validity, where).toBeNull();
    else expect(Array.from(a.validity ?? []), `${where} validity`).toEqual(Array.from(e.validity.subarray(0, validityBytes(n))));
    expectSameValues(a.values, e.values, n, where);
  });
}

function roundTrip(batch: ZBatch): ZBatch {
  const bytes = encodeBatch(batch);
  const { batch: out, end } = decodeBatch(bytes);
  expect(end).toBe(bytes.length);
  return out;
}

function f64FromBytes(...bytes: number[]): Float64Array {
  return new Float64Array(Uint8Array.from(bytes).buffer);
}

/** Intervals with mixed-sign parts, built from parts (no parser involved), row 3 NULL. */
function intervalColumn(): Column {
  const v = new IntervalValues(4);
  setInterval(v, 0, 14, -3, 14_706_789_000);
  setInterval(v, 1, -1, 30, 0);
  setInterval(v, 2, 0, 0, -1);
  const validity = Uint8Array.of(0b0111);
  return makeColumn('interval', v, validity, 4);
}

/** One column of every type with NULLs in it: the fixture for the per-type and corruption tests. */
function everyTypeBatch(): ZBatch {
  const samples: Record<string, (string | number | boolean | null)[]> = {
    boolean: [true, false, null],
    integer: [-2147483648, 2147483647, null],
    date: [-719528, 0, null],
    bigint: [2 ** 53, -(2 ** 53), null],
    double: [NaN, -0, null],
    timestamp: [-1e15, 1_700_000_000_000_000, null],
    timestamptz: [0, -1, null],
    text: ['', 'héllo 😀', null],
    jsonb: ['{"a": [1, 2]}', 'null', null],
    numeric: ['1.50', '-0.001', null],
    bytea: ['deadbeef', '', null],
  };
  const columns: Column[] = [];
  for (const t of allTypes) {
    if (t === 'interval') {
      const v = new IntervalValues(3);
      setInterval(v, 0, 14, -3, 14_706_789_000);
      setInterval(v, 1, -1, 30, -5);
      columns.push(makeColumn('interval', v, Uint8Array.of(0b011), 3));
    } else if (t.endsWith('[]')) columns.push(columnFromScalars(t, ['{1,2,NULL}', '{}', null]));
    else columns.push(columnFromScalars(t, samples[t]!));
  }
  return makeBatch(columns, Int32Array.of(1, -7, 0));
}

describe('batch codec: byte layout', () => {
  it('writes the documented little-endian layout (hand-derived bytes)', () => {
    const batch = makeBatch(
      [columnFromScalars('integer', [7, null]), columnFromScalars('text', ['hé', ''])],
      Int32Array.of(1, -2),
    );
    const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
    const expected = [
      BATCH_FORMAT_VERSION,
      2, 0, 0, 0, // rows
      2, 0, 0, 0, // columns
      7, ...ascii('integer'),
      1, 0b11111101, // validity present: bit 0 (row 0) set, bit 1 (row 1, NULL) clear; builders leave padding bits set
      7, 0, 0, 0, 0, 0, 0, 0, // values (the NULL slot holds 0)
      4, ...ascii('text'),
      0, // no NULLs
      2, 0, 0, 0, 0, 0, 0, 0, // code-unit lengths 2 and 0
      1, 0, 0, 0, // one chunk
      0, 2, 0, 0, 0, 3, 0, 0, 0, // UTF-8, 2 rows, 3 bytes
      0x68, 0xc3, 0xa9, // 'hé'
      1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, // weights 1, -2
    ];
    expect(Array.from(encodeBatch(batch))).toEqual(expected);
  });

  it('is deterministic: re-encoding a decoded batch gives the same bytes', () => {
    const bytes = encodeBatch(everyTypeBatch());
    expect(Array.from(encodeBatch(decodeBatch(bytes).batch))).toEqual(Array.from(bytes));
  });
});

describe('batch codec: round trips', () => {
  it('round-trips one column of every SqlType with NULLs', () => {
    const batch = everyTypeBatch();
    const out = roundTrip(batch);
    expectSameBatch(out, batch);
    // The scalars read back equal the ones written (numeric display scales included).
    expect(rowsOf(out)).toEqual(rowsOf(batch));
    const numeric = out.columns[allTypes.indexOf('numeric')]!;
    expect([getScalar(numeric, 0), getScalar(numeric, 1), getScalar(numeric, 2)]).toEqual(['1.50', '-0.001', null]);
  });

  it.each(allTypes)('round-trips an empty %s column', (t) => {
    const batch = emptyBatch([t]);
    expectSameBatch(roundTrip(batch), batch);
  });

  it('round-trips an empty batch of every type and a batch with no columns', () => {
    const empty = emptyBatch(allTypes);
    expectSameBatch(roundTrip(empty), empty);
    const noColumns = makeBatch([], Int32Array.of(3, -1, 0));
    const out = roundTrip(noColumns);
    expect(out.columns).toEqual([]);
    expect(out.length).toBe(3);
    expect(Array.from(out.weights)).toEqual([3, -1, 0]);
  });

  it('keeps double bits: NaN payloads, -0, ±Infinity, subnormals', () => {
    const values = new Float64Array(7);
    values.set([NaN, -0, Infinity, -Infinity, 5e-324, -1.7976931348623157e308], 0);
    // A NaN with a non-canonical payload and the sign bit set, placed as raw bytes.
    new Uint8Array(values.buffer).set([1, 2, 3, 4, 5, 6, 0xf8, 0xff], 48);
    const batch = makeBatch([makeColumn('double', values, null, 7)], new Int32Array(7).fill(-2147483648));
    const out = roundTrip(batch);
    expectSameBatch(out, batch);
    expect(Object.is((out.columns[0]!.values as Float64Array)[1], -0)).toBe(true);
    expect(rawBytes(out.columns[0]!.values as Float64Array, 7).slice(48)).toEqual([1, 2, 3, 4, 5, 6, 0xf8, 0xff]);
  });

  it('keeps text exactly: unicode, empty strings, NUL, a leading BOM, lone surrogates', () => {
    const texts = ['', 'plain', 'ünïcødé', '日本語', '😀👍🏽', '\u0000x\u0000', '\ufeffbom first', 'a\ud800b', '\udc00', '\ud83d', ''];
    const batch = batchOf(['text', 'jsonb', 'text[]'], texts.map((t) => [t, t, t]), texts.map((_, i) => i - 5));
    const out = roundTrip(batch);
    expectSameBatch(out, batch);
    expect(out.columns[0]!.values).toEqual(texts);
  });

  it('keeps a byte-order mark that starts a column (the decoder must not swallow it)', () => {
    const texts = ['\ufeff', '\ufeffx'];
    expect(roundTrip(batchOf(['text'], texts.map((t) => [t]), [1, 1])).columns[0]!.values).toEqual(texts);
  });

  it('splits the two halves of a surrogate pair across rows without joining them', () => {
    const texts = ['x\ud83d', '\ude00y', '\ud83d\ude00'];
    const batch = batchOf(['text'], texts.map((t) => [t]), [1, 1, 1]);
    expect(roundTrip(batch).columns[0]!.values).toEqual(texts);
  });

  it('splits a column holding more than 16M code units into chunks, each with its own encoding', () => {
    const big = 9_000_000;
    const texts = ['a'.repeat(big) + '\ud83d', '\ude00' + 'é'.repeat(big), 'tail'];
    const bytes = encodeBatch(batchOf(['text'], texts.map((t) => [t]), [1, 1, 1]));
    const out = decodeBatch(bytes).batch.columns[0]!.values as string[];
    expect(out.length).toBe(3);
    for (let i = 0; i < 3; i++) expect(out[i] === texts[i], `row ${i}`).toBe(true);
  });

  it('restores every interval part and the span', () => {
    const col = intervalColumn();
    const batch = makeBatch([col], Int32Array.of(1, -1, 2, -2));
    const out = roundTrip(batch);
    expectSameBatch(out, batch);
    const v = out.columns[0]!.values as IntervalValues;
    expect(Array.from(v.months.subarray(0, 3))).toEqual([14, -1, 0]);
    expect(Array.from(v.days.subarray(0, 3))).toEqual([-3, 30, 0]);
    expect(Array.from(v.micros.subarray(0, 3))).toEqual([14_706_789_000, 0, -1]);
    // 14 months - 3 days = 417 days of 86.4e9 µs, plus the micros.
    expect(v[0]).toBe(417 * 86_400_000_000 + 14_706_789_000);
    expect(getScalar(out.columns[0]!, 3)).toBeNull();
  });

  it('restores numeric keys and display scales', () => {
    const texts = ['0', '0.000', '1.50', '-1.5', '123456789012345678901234567890.0123', '-0.000001', 'NaN', 'Infinity', '-Infinity', '1e-20'];
    const batch = batchOf(['numeric'], [...texts.map((t) => [t]), [null]], texts.map(() => 1).concat([1]));
    const out = roundTrip(batch);
    expectSameBatch(out, batch);
    const expectedText = ['0', '0.000', '1.50', '-1.5', '123456789012345678901234567890.0123', '-0.000001', 'NaN', 'Infinity', '-Infinity', '0.00000000000000000001', null];
    expect(rowsOf(out).rows.map((r) => r[0])).toEqual(expectedText);
  });

  it('stores natural scales for a numeric column that carries keys only', () => {
    const keys = [...(columnFromScalars('numeric', ['2.500', '7']).values as NumericValues)]; // a plain array: scales lost
    const out = roundTrip(makeBatch([makeColumn('numeric', keys, null, 2)], Int32Array.of(1, 1)));
    expect(out.columns[0]!.values).toBeInstanceOf(NumericValues);
    expect(rowsOf(out).rows).toEqual([['2.5'], ['7']]);
  });

  it('encodes only the first `length` values of longer backing arrays', () => {
    const values = Int32Array.of(1, 2, 3, 99, 99);
    const out = roundTrip(makeBatch([makeColumn('integer', values, Uint8Array.of(0b101), 3)], Int32Array.of(1, 1, 1)));
    expect(Array.from(out.columns[0]!.values as Int32Array)).toEqual([1, 2, 3]);
    expect(Array.from(out.columns[0]!.validity!)).toEqual([0b101]);
  });

  it('round-trips 1M rows with their content', () => {
    const n = 1_000_000;
    const ints = new Int32Array(n);
    const doubles = new Float64Array(n);
    const texts = new Array<string>(n);
    const validity = new Uint8Array(validityBytes(n)).fill(0xff);
    const weights = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      ints[i] = i * 7 - 3_000_000;
      doubles[i] = i % 1000 === 0 ? NaN : i / 3;
      texts[i] = i % 997 === 0 ? `ü${i}😀` : `row ${i}`;
      if (i % 10 === 0) validity[i >>> 3]! &= ~(1 << (i & 7));
      weights[i] = (i & 1) === 0 ? 1 : -(i % 5);
    }
    const batch = makeBatch(
      [makeColumn('integer', ints, validity, n), makeColumn('double', doubles, null, n), makeColumn('text', texts, null, n)],
      weights,
    );
    const out = roundTrip(batch);
    expect(out.length).toBe(n);
    const [oi, od, ot] = out.columns as [Column, Column, Column];
    const oints = oi.values as Int32Array;
    const odoubles = od.values as Float64Array;
    const otexts = ot.values as string[];
    let mismatches = 0;
    for (let i = 0; i < n; i++) {
      const valid = ((oi.validity![i >>> 3]! >>> (i & 7)) & 1) === 1;
      if (valid !== (i % 10 !== 0)) mismatches++;
      if (oints[i] !== i * 7 - 3_000_000) mismatches++;
      if (!Object.is(odoubles[i], i % 1000 === 0 ? NaN : i / 3)) mismatches++;
      if (otexts[i] !== (i % 997 === 0 ? `ü${i}😀` : `row ${i}`)) mismatches++;
      if (out.weights[i] !== ((i & 1) === 0 ? 1 : -(i % 5))) mismatches++;
    }
    expect(mismatches).toBe(0);
    expect(od.validity).toBeNull();
  });
});

describe('batch codec: offsets', () => {
  it('decodes at a non-zero, unaligned offset and two batches back to back', () => {
    const a = everyTypeBatch();
    const b = batchOf(['double', 'interval[]'], [[1.25, '{"1 day"}'], [null, null]], [4, -4]);
    const ea = encodeBatch(a);
    const eb = encodeBatch(b);
    // A view starting at an odd byte offset of its buffer, with junk before and after the records.
    const backing = new Uint8Array(5 + 3 + ea.length + eb.length + 2).fill(0xee);
    const bytes = backing.subarray(5);
    bytes.set(ea, 3);
    bytes.set(eb, 3 + ea.length);
    const first = decodeBatch(bytes, 3);
    expect(first.end).toBe(3 + ea.length);
    expectSameBatch(first.batch, a);
    const second = decodeBatch(bytes, first.end);
    expect(second.end).toBe(3 + ea.length + eb.length);
    expectSameBatch(second.batch, b);
  });

  it('returns arrays that do not alias the input bytes', () => {
    const bytes = encodeBatch(batchOf(['integer'], [[5]], [1]));
    const { batch } = decodeBatch(bytes);
    bytes.fill(0);
    expect((batch.columns[0]!.values as Int32Array)[0]).toBe(5);
    expect(batch.weights[0]).toBe(1);
  });

  it('rejects an offset outside the input', () => {
    const bytes = encodeBatch(emptyBatch([]));
    expect(() => decodeBatch(bytes, bytes.length + 1)).toThrow(/offset/);
    expect(() => decodeBatch(bytes, -1)).toThrow(/offset/);
  });
});

describe('batch codec: corrupt input', () => {
  function expectDecodeError(bytes: Uint8Array, pattern: RegExp, offset = 0): void {
    let thrown: unknown = null;
    try {
      decodeBatch(bytes, offset);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).constructor).toBe(Error);
    expect((thrown as Error).message).toMatch(pattern);
  }

  it('throws at every truncation point of a batch of every type', () => {
    const bytes = encodeBatch(everyTypeBatch());
    for (let k = 0; k < bytes.length; k++) expectDecodeError(bytes.subarray(0, k), /^batch decode: truncated input/);
    // The same cuts inside a longer buffer, decoded at an offset.
    const framed = new Uint8Array(bytes.length + 4);
    framed.set(bytes, 4);
    for (let k = 4; k < framed.length; k += 7) expectDecodeError(framed.subarray(0, k), /^batch decode: truncated input/, 4);
  });

  it('rejects an unknown version', () => {
    const bytes = encodeBatch(everyTypeBatch());
    bytes[0] = 2;
    expectDecodeError(bytes, /unknown format version 2/);
  });

  it('rejects an unknown type name', () => {
    const bytes = encodeBatch(batchOf(['integer'], [[1]], [1]));
    bytes[10 + 4] = 'z'.charCodeAt(0); // 'integer' -> 'intezer'
    expectDecodeError(bytes, /unknown type name "intezer"/);
  });

  it('rejects a bad validity flag, string encoding, UTF-8 and string lengths', () => {
    const base = encodeBatch(batchOf(['text'], [['ab'], ['c']], [1, 1]));
    // Layout: 9 header, 1+4 name, validity flag at 14, lengths 15..22, chunk count 23..26, encoding 27, rows 28..31, bytes 32..35, text 36..38.
    const flag = base.slice();
    flag[14] = 2;
    expectDecodeError(flag, /validity flag 2/);
    const encoding = base.slice();
    encoding[27] = 9;
    expectDecodeError(encoding, /unknown string encoding 9/);
    const utf8 = base.slice();
    utf8[36] = 0xff;
    expectDecodeError(utf8, /not valid UTF-8/);
    const lengths = base.slice();
    lengths[15] = 3; // 'ab' claims 3 units: row 1 then runs past the text
    expectDecodeError(lengths, /row 1 runs past/);
    const short = base.slice();
    short[15] = 1; // 'ab' claims 1 unit: one unit left over
    expectDecodeError(short, /no row claims/);
  });

  it('fails on a huge row count without allocating for it', () => {
    const bytes = encodeBatch(batchOf(['interval', 'text'], [[null, 'x']], [1]));
    new DataView(bytes.buffer).setUint32(1, 0xffffffff, true);
    expectDecodeError(bytes, /truncated input/);
  });

  it('never hangs or throws anything but a decode Error on a corrupted byte', () => {
    fc.assert(
      fc.property(batchArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (batch, at, xor) => {
        const bytes = encodeBatch(batch);
        const i = at % bytes.length;
        bytes[i]! ^= xor;
        try {
          const { batch: out, end } = decodeBatch(bytes);
          expect(end).toBeLessThanOrEqual(bytes.length);
          for (const c of out.columns) expect(c.values.length).toBe(out.length);
        } catch (e) {
          expect((e as Error).constructor).toBe(Error);
          expect((e as Error).message).toMatch(/^batch decode: /);
        }
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});

// ---------------------------------------------------------------- random batches

const bytes8 = fc.uint8Array({ minLength: 8, maxLength: 8 });
const specialDouble = fc.constantFrom(NaN, -0, 0, Infinity, -Infinity, 5e-324, 2 ** 53).map((d) => new Uint8Array(Float64Array.of(d).buffer));
/** n doubles as raw bit patterns (never through a JS number, which could canonicalize NaN payloads). */
function f64Arb(n: number): fc.Arbitrary<Float64Array> {
  return fc.array(fc.oneof(bytes8, specialDouble, fc.double().map((d) => new Uint8Array(Float64Array.of(d).buffer))), { minLength: n, maxLength: n }).map((chunks) => {
    const out = new Uint8Array(8 * n);
    chunks.forEach((c, i) => out.set(c, 8 * i));
    return new Float64Array(out.buffer);
  });
}
const loneSurrogateUnit = fc.oneof(fc.integer({ min: 0xd800, max: 0xdfff }), fc.integer({ min: 0x20, max: 0x7e })).map((c) => String.fromCharCode(c));
const stringArb = fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.string({ unit: loneSurrogateUnit, maxLength: 6 }), fc.constant(''));

function valuesArb(type: SqlType, n: number): fc.Arbitrary<ColumnValues> {
  switch (type) {
    case 'boolean':
      return fc.uint8Array({ minLength: n, maxLength: n });
    case 'integer':
    case 'date':
      return fc.int32Array({ minLength: n, maxLength: n });
    case 'bigint':
    case 'double':
    case 'timestamp':
    case 'timestamptz':
      return f64Arb(n);
    case 'interval':
      // Spans drawn independently of the parts: the codec must copy, not recompute.
      return fc.tuple(f64Arb(n), fc.int32Array({ minLength: n, maxLength: n }), fc.int32Array({ minLength: n, maxLength: n }), f64Arb(n)).map(([spans, months, days, micros]) => {
        const v = new IntervalValues(n);
        v.set(spans);
        v.months.set(months);
        v.days.set(days);
        v.micros.set(micros);
        return v;
      });
    case 'numeric':
      return fc.tuple(fc.array(stringArb, { minLength: n, maxLength: n }), fc.int32Array({ minLength: n, maxLength: n })).map(([keys, scales]) => {
        const v = new NumericValues(n);
        keys.forEach((k, i) => (v[i] = k));
        v.scales.set(scales);
        return v;
      });
    default:
      return fc.array(stringArb, { minLength: n, maxLength: n });
  }
}

function columnArb(type: SqlType, n: number): fc.Arbitrary<Column> {
  const bitmap = fc.uint8Array({ minLength: validityBytes(n), maxLength: validityBytes(n) });
  return fc.tuple(valuesArb(type, n), fc.option(bitmap, { nil: null })).map(([values, validity]) => makeColumn(type, values, validity, n));
}

const batchArb: fc.Arbitrary<ZBatch> = fc
  .tuple(fc.integer({ min: 0, max: 12 }), fc.array(fc.constantFrom(...allTypes), { maxLength: 5 }))
  .chain(([n, types]) =>
    fc.tuple(fc.tuple(...types.map((t) => columnArb(t, n))), fc.int32Array({ minLength: n, maxLength: n })).map(([columns, weights]) => makeBatch(columns, weights)),
  );

describe('batch codec: property', () => {
  it('random batches of random types round-trip element by element, and re-encode identically', () => {
    fc.assert(
      fc.property(batchArb, (batch) => {
        const bytes = encodeBatch(batch);
        const { batch: out, end } = decodeBatch(bytes);
        expect(end).toBe(bytes.length);
        expectSameBatch(out, batch);
        expect(Array.from(encodeBatch(out))).toEqual(Array.from(bytes));
      }),
      { numRuns: 400, seed: 42 },
    );
  });

  it('random pairs decode back to back from one buffer', () => {
    fc.assert(
      fc.property(batchArb, batchArb, fc.nat(7), (a, b, pad) => {
        const ea = encodeBatch(a);
        const eb = encodeBatch(b);
        const buf = new Uint8Array(pad + ea.length + eb.length);
        buf.set(ea, pad);
        buf.set(eb, pad + ea.length);
        const first = decodeBatch(buf, pad);
        const second = decodeBatch(buf, first.end);
        expect(second.end).toBe(buf.length);
        expectSameBatch(first.batch, a);
        expectSameBatch(second.batch, b);
      }),
      { numRuns: 150, seed: 3 },
    );
  });
});
