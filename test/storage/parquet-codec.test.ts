// The cold tier's Parquet segment codec. Oracles: a seeded generator (every
// decoded value must equal the value it generated) and DuckDB, which reads the
// same files (values, column types, encodings, compression, statistics, row
// groups). Damaged or foreign bytes must raise EngineError XX001, never crash
// or poison the wasm module for the next segment.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import type * as ParquetWasm from 'parquet-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineError, SqlState } from '../../src/common/errors.js';
import type { SqlType } from '../../src/common/sql-type.js';
import { ElementTypes } from '../../src/common/sql-type.js';
import type { Column, Scalar } from '../../src/columnar/column.js';
import { columnFromScalars, getScalar, intervals, makeColumn } from '../../src/columnar/column.js';
import { IntervalValues, intervalSpan, setInterval } from '../../src/columnar/interval-values.js';
import { allValid, isValid, setNull } from '../../src/columnar/validity.js';
import { SEGMENT_ROW_GROUP_ROWS, decodeSegment, encodeSegment } from '../../src/storage/parquet-codec.js';
import { SeededRandom } from '../seeded-random.js';

interface Parts {
  readonly months: number;
  readonly days: number;
  readonly micros: number;
}
/** What a row must read back as: getScalar's value, interval parts, or null. */
type Expected = Scalar | Parts;

interface Generated {
  readonly type: SqlType;
  readonly name: string;
  readonly column: Column;
  readonly expected: readonly Expected[];
}

// ------------------------------------------------------------ the generator

const CHARS = ['a', 'b', 'Z', '7', ' ', '"', '\\', ',', '{', '}', 'é', 'ß', 'ж', '中', '😀', '\u{10FFFF}', '\uFEFF', '\t', '\n'];
const TWO_53 = 2 ** 53;

function randomText(r: SeededRandom): string {
  if (r.chance(0.1)) return '';
  if (r.chance(0.02)) return 'x'.repeat(r.int(1000, 5000)) + '中';
  const ascii = r.chance(0.6);
  let s = '';
  for (let n = r.int(1, 20); n > 0; n--) s += ascii ? String.fromCharCode(r.int(32, 126)) : r.pick(CHARS);
  return s;
}

function digits(r: SeededRandom, n: number, nonZeroFirst: boolean): string {
  let s = nonZeroFirst ? String(r.int(1, 9)) : '';
  while (s.length < n) s += String(r.int(0, 9));
  return s;
}

/** PostgreSQL's text of a NUMERIC with the display scale of its fraction. */
function randomNumeric(r: SeededRandom): string {
  const k = r.int(0, 11);
  if (k === 0) return r.pick(['NaN', 'Infinity', '-Infinity']);
  if (k === 1) return '0.' + '0'.repeat(r.int(20, 40)) + digits(r, r.int(1, 5), true); // tiny
  const int = r.chance(0.25) ? '0' : digits(r, r.chance(0.2) ? r.int(20, 60) : r.int(1, 6), true);
  const frac = digits(r, r.int(0, 12), false);
  const zero = /^[0.]*$/.test(int + frac);
  return (!zero && r.chance(0.5) ? '-' : '') + int + (frac.length > 0 ? '.' + frac : '');
}

function randomHex(r: SeededRandom): string {
  const n = r.chance(0.1) ? 0 : r.chance(0.03) ? r.int(2000, 9000) : r.int(1, 24);
  let s = '';
  for (let i = 0; i < n; i++) s += r.int(0, 255).toString(16).padStart(2, '0');
  return s;
}

/** A µs instant: anywhere in Freshet's range (4713 BC .. 2^59 µs), or an edge. */
function randomMicros(r: SeededRandom): number {
  if (r.chance(0.15)) return r.pick([0, -1, 1, TWO_53 - 1, -(TWO_53 - 1), TWO_53 + 2, -(TWO_53 + 2), 2 ** 59, -210_866_803_200_000_000]);
  if (r.chance(0.5)) return r.int(-2_208_988_800_000_000, 4_102_444_800_000_000); // 1900 .. 2100
  return Math.round((r.next() * 2 - 1) * 2 ** 59);
}

function randomDouble(r: SeededRandom): number {
  if (r.chance(0.2)) return r.pick([NaN, Infinity, -Infinity, -0, 0, 5e-324, -Number.MAX_VALUE, 0.1]);
  const bits = new Uint32Array([r.int(0, 0xffffffff), r.int(0, 0xffffffff)]);
  return new Float64Array(bits.buffer)[0]!;
}

const generators: { readonly [T in SqlType]?: (r: SeededRandom) => Expected } = {
  boolean: (r) => r.chance(0.5),
  integer: (r) => (r.chance(0.1) ? r.pick([-(2 ** 31), 2 ** 31 - 1, 0]) : r.int(-(2 ** 31), 2 ** 31 - 1)),
  bigint: (r) => (r.chance(0.2) ? r.pick([TWO_53 - 1, -(TWO_53 - 1), 2 ** 32, -(2 ** 32), -1, 0]) : r.int(-(TWO_53 - 1), TWO_53 - 1)),
  double: randomDouble,
  text: randomText,
  timestamp: randomMicros,
  timestamptz: randomMicros,
  date: (r) => (r.chance(0.1) ? r.pick([0, -1, -2_440_588, 2_932_896]) : r.int(-2_440_588, 2_932_896)), // 4714 BC .. 9999 AD
  interval: (r) => {
    const sign = (): number => (r.chance(0.5) ? -1 : 1);
    return { months: sign() * r.int(0, 200_000), days: sign() * r.int(0, 100_000), micros: sign() * r.int(0, TWO_53 - 1) };
  },
  jsonb: (r) => (r.chance(0.5) ? `{"k": ${r.int(-99, 99)}, "s": ${JSON.stringify(randomText(r))}}` : `[${r.int(0, 9)}, null, true]`),
  numeric: randomNumeric,
  bytea: randomHex,
  'integer[]': (r) => (r.chance(0.2) ? '{}' : `{${r.int(-5, 5)},NULL,${r.int(0, 2 ** 31 - 1)}}`),
  'text[]': (r) => `{"a b",${r.pick(['c', 'NULL', '"中\\"q"'])}}`,
};

const allTypes = [...ElementTypes, 'integer[]', 'text[]'] as const satisfies readonly SqlType[];

function isParts(e: Expected): e is Parts {
  return typeof e === 'object' && e !== null;
}

/** `total` generated rows of `type`: NULLs at `nullRate`; the column holds `total + spare` rows. */
function generate(type: SqlType, r: SeededRandom, total: number, nullRate: number, spare = 0): Generated {
  const gen = generators[type]!;
  const expected: Expected[] = [];
  for (let i = 0; i < total + spare; i++) expected.push(r.chance(nullRate) ? null : gen(r));
  const name = `c_${type.replace('[]', '_array')}`;
  if (type !== 'interval') return { type, name, column: columnFromScalars(type, expected as Scalar[]), expected: expected.slice(0, total) };
  const n = expected.length;
  const values = new IntervalValues(n);
  let validity: Uint8Array | null = null;
  expected.forEach((e, i) => {
    if (isParts(e)) setInterval(values, i, e.months, e.days, e.micros);
    else setNull((validity ??= allValid(n)), i);
  });
  return { type, name, column: makeColumn(type, values, validity, n), expected: expected.slice(0, total) };
}

// ------------------------------------------------------------ checks

/** Row-by-row differences between a decoded column and what was generated (empty when equal). */
function differences(actual: Column, g: Generated): string[] {
  const out: string[] = [];
  if (actual.type !== g.type) return [`type ${actual.type}, expected ${g.type}`];
  if (actual.length !== g.expected.length) return [`length ${actual.length}, expected ${g.expected.length}`];
  for (let i = 0; i < g.expected.length && out.length < 10; i++) {
    const e = g.expected[i]!;
    if (e === null) {
      if (isValid(actual.validity, i)) out.push(`row ${i}: ${String(getScalar(actual, i))}, expected NULL`);
    } else if (!isValid(actual.validity, i)) {
      out.push(`row ${i}: NULL, expected ${JSON.stringify(e)}`);
    } else if (isParts(e)) {
      const iv = intervals(actual);
      const got = { months: iv.months[i]!, days: iv.days[i]!, micros: iv.micros[i]! };
      if (got.months !== e.months || got.days !== e.days || got.micros !== e.micros || iv[i] !== intervalSpan(e.months, e.days, e.micros)) {
        out.push(`row ${i}: ${JSON.stringify(got)} span ${iv[i]}, expected ${JSON.stringify(e)}`);
      }
    } else {
      const a = getScalar(actual, i);
      // Doubles compare bit-for-bit (NaN and -0 included); other numbers by value.
      const same = g.type === 'double' ? Object.is(a, e) : a === e;
      if (!same) out.push(`row ${i}: ${JSON.stringify(a)}, expected ${JSON.stringify(e)}`);
    }
  }
  return out;
}

function expectRoundTrip(gens: readonly Generated[], length: number): Uint8Array {
  const bytes = encodeSegment(
    gens.map((g) => g.name),
    gens.map((g) => g.type),
    gens.map((g) => g.column),
    length,
  );
  const back = decodeSegment(bytes, gens.map((g) => g.type));
  expect(back.length).toBe(length);
  expect(back.columns.length).toBe(gens.length);
  gens.forEach((g, c) => expect(differences(back.columns[c]!, g), g.name).toEqual([]));
  return bytes;
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

function expectCorrupt(f: () => unknown, message: RegExp): void {
  const e = thrown(f);
  expect(e, 'should throw').toBeInstanceOf(EngineError);
  expect((e as EngineError).code).toBe(SqlState.dataCorrupted);
  expect((e as EngineError).message).toMatch(message);
}

// ------------------------------------------------------------ tests

describe('round trips (oracle: the generator)', () => {
  it('every type, with NULLs, edge values and columns longer than the segment', () => {
    const r = new SeededRandom(20241127);
    const gens = allTypes.map((t) => generate(t, r, 3000, 0.15, 41));
    expectRoundTrip(gens, 3000);
  });

  it('columns without NULLs, all NULL, and zero rows', () => {
    const r = new SeededRandom(7);
    expectRoundTrip(allTypes.map((t) => generate(t, r, 500, 0)), 500);
    expectRoundTrip(allTypes.map((t) => generate(t, r, 300, 1)), 300);
    expectRoundTrip(allTypes.map((t) => generate(t, r, 0, 0.5, 3)), 0);
  });

  it('one column passed twice (shared values and validity) and a one-row segment', () => {
    const g = generate('integer', new SeededRandom(3), 100, 0.3);
    expectRoundTrip([g, { ...g, name: 'again' }], 100);
    expectRoundTrip([generate('text', new SeededRandom(4), 1, 0)], 1);
  });

  it('NUMERIC keeps its display scale', () => {
    const col = columnFromScalars('numeric', ['1.50', '-0.000', '12345678901234567890.123456789', 'NaN']);
    const back = decodeSegment(encodeSegment(['n'], ['numeric'], [col], 4), ['numeric']).columns[0]!;
    expect([0, 1, 2, 3].map((i) => getScalar(back, i))).toEqual(['1.50', '0.000', '12345678901234567890.123456789', 'NaN']);
  });

  it('a byte-order mark opening the first string survives (a decoder must not eat it)', () => {
    const col = columnFromScalars('text', ['\uFEFFfirst', '\uFEFF', '中\uFEFF']);
    const back = decodeSegment(encodeSegment(['t'], ['text'], [col], 3), ['text']).columns[0]!;
    expect([0, 1, 2].map((i) => getScalar(back, i))).toEqual(['\uFEFFfirst', '\uFEFF', '中\uFEFF']);
  });

  it('a lone UTF-16 surrogate is written as U+FFFD (UTF-8 cannot hold it)', () => {
    const col = columnFromScalars('text', ['a\uD800b', 'é\uDC00', 'ok']);
    const back = decodeSegment(encodeSegment(['t'], ['text'], [col], 3), ['text']).columns[0]!;
    expect([0, 1, 2].map((i) => getScalar(back, i))).toEqual(['a\uFFFDb', 'é\uFFFD', 'ok']);
  });

  it(`more than ${SEGMENT_ROW_GROUP_ROWS} rows span several row groups and read back`, async () => {
    const n = 2 * SEGMENT_ROW_GROUP_ROWS + 1234;
    const r = new SeededRandom(99);
    const gens = (['bigint', 'integer[]', 'interval', 'boolean'] as const).map((t) => generate(t, r, n, 0.05));
    const bytes = expectRoundTrip(gens, n);
    const meta = await duck.query(`SELECT row_group_id, max(row_group_num_rows) FROM parquet_metadata('${duck.file('groups', bytes)}') GROUP BY ALL ORDER BY 1`);
    expect(meta.map((row) => Number(row[1]))).toEqual([SEGMENT_ROW_GROUP_ROWS, SEGMENT_ROW_GROUP_ROWS, 1234]);
  });
});

// ------------------------------------------------------------ DuckDB

/** A DuckDB connection and a temp dir for the segment files it reads. */
const duck = {
  dir: '',
  conn: undefined as DuckDBConnection | undefined,
  instance: undefined as DuckDBInstance | undefined,
  file(name: string, bytes: Uint8Array): string {
    const path = join(this.dir, `${name}.parquet`);
    writeFileSync(path, bytes);
    return path;
  },
  async query(sql: string): Promise<unknown[][]> {
    return (await this.conn!.runAndReadAll(sql)).getRows() as unknown[][];
  },
};

beforeAll(async () => {
  duck.dir = mkdtempSync(join(tmpdir(), 'freshet-parquet-'));
  duck.instance = await DuckDBInstance.create(':memory:');
  duck.conn = await duck.instance.connect();
});

afterAll(() => {
  duck.conn?.closeSync();
  duck.instance?.closeSync();
  rmSync(duck.dir, { recursive: true, force: true });
});

// Text goes through DuckDB's hex(): its node binding drops a leading U+FEFF when it makes JS strings.
const utf8Hex = (c: string): string => `lower(hex(${c}))`;

/** How DuckDB should show each type, and an SQL expression turning a column into a value comparable with the generator's. */
const duckView: { readonly [T in (typeof allTypes)[number]]: { readonly type: string; readonly sql: (c: string) => string } } = {
  boolean: { type: 'BOOLEAN', sql: (c) => c },
  integer: { type: 'INTEGER', sql: (c) => c },
  bigint: { type: 'BIGINT', sql: (c) => c },
  double: { type: 'DOUBLE', sql: (c) => c },
  text: { type: 'VARCHAR', sql: utf8Hex },
  timestamp: { type: 'TIMESTAMP', sql: (c) => `epoch_us(${c})` },
  date: { type: 'DATE', sql: (c) => `datediff('day', DATE '1970-01-01', ${c})` },
  timestamptz: { type: 'TIMESTAMP WITH TIME ZONE', sql: (c) => `epoch_us(${c})` },
  interval: {
    type: 'STRUCT(months INTEGER, days INTEGER, micros BIGINT)',
    sql: (c) => `CASE WHEN ${c} IS NOT NULL THEN [struct_extract(${c}, 'months')::BIGINT, struct_extract(${c}, 'days'), struct_extract(${c}, 'micros')] END`,
  },
  jsonb: { type: 'VARCHAR', sql: utf8Hex },
  numeric: { type: 'VARCHAR', sql: utf8Hex },
  bytea: { type: 'BLOB', sql: (c) => `lower(hex(${c}))` },
  'integer[]': { type: 'VARCHAR', sql: utf8Hex },
  'text[]': { type: 'VARCHAR', sql: utf8Hex },
};

/** The generator's value in the form DuckDB's node API returns for duckView's expression. */
function asDuck(type: SqlType, e: Expected): unknown {
  if (e === null) return null;
  if (isParts(e)) return { items: [BigInt(e.months), BigInt(e.days), BigInt(e.micros)] };
  if (type === 'bigint' || type === 'timestamp' || type === 'timestamptz' || type === 'date') return BigInt(e as number);
  if (typeof e === 'string' && type !== 'bytea') return Buffer.from(e, 'utf8').toString('hex');
  return e;
}

function normalizeDuck(v: unknown): unknown {
  // LIST values arrive as DuckDBListValue objects; keep only their items.
  if (typeof v === 'object' && v !== null && 'items' in v) return { items: (v as { items: unknown[] }).items };
  return v;
}

describe('DuckDB reads segments directly', () => {
  it('same values, NULLs and column types', async () => {
    const r = new SeededRandom(424242);
    const gens = allTypes.map((t) => generate(t, r, 1500, 0.15));
    const bytes = expectRoundTrip(gens, 1500);
    const file = duck.file('all-types', bytes);

    const described = await duck.query(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
    expect(described.map((row) => [row[0], String(row[1]).replaceAll('"', '')])).toEqual(gens.map((g) => [g.name, duckView[g.type as (typeof allTypes)[number]].type]));

    const select = gens.map((g) => duckView[g.type as (typeof allTypes)[number]].sql(`"${g.name}"`)).join(', ');
    const rows = await duck.query(`SELECT ${select} FROM read_parquet('${file}', file_row_number = true) ORDER BY file_row_number`);
    expect(rows.length).toBe(1500);
    gens.forEach((g, c) => {
      const bad: string[] = [];
      for (let i = 0; i < 1500 && bad.length < 10; i++) {
        const got = normalizeDuck(rows[i]![c]);
        const want = asDuck(g.type, g.expected[i]!);
        const same = g.type === 'double' ? Object.is(got, want) : JSON.stringify(got, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) === JSON.stringify(want, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
        if (!same) bad.push(`row ${i}: DuckDB ${String(got)}, generated ${JSON.stringify(g.expected[i])}`);
      }
      expect(bad, g.name).toEqual([]);
    });
  });

  it('writes v2 data pages, ZSTD, the intended encodings and min/max statistics', async () => {
    const r = new SeededRandom(5);
    const types = ['integer', 'bigint', 'double', 'timestamp', 'date', 'text', 'boolean', 'bytea', 'interval'] as const;
    const gens = types.map((t) => generate(t, r, 5000, 0.1));
    const bytes = encodeSegment(gens.map((g) => g.name), types, gens.map((g) => g.column), 5000);
    const file = duck.file('settings', bytes);
    const meta = await duck.query(
      `SELECT path_in_schema, compression, encodings, stats_min_value, stats_max_value, data_page_offset, stats_null_count FROM parquet_metadata('${file}') ORDER BY column_id`,
    );
    const delta = 'DELTA_BINARY_PACKED';
    const encoding: Record<string, string> = { integer: delta, bigint: delta, timestamp: delta, date: delta, double: 'BYTE_STREAM_SPLIT', text: 'RLE_DICTIONARY', bytea: 'RLE_DICTIONARY', boolean: 'RLE' };
    // One Parquet leaf column per SQL column, three for the interval struct.
    const leaves = gens.flatMap((g) => (g.type === 'interval' ? ['months', 'days', 'micros'].map((p) => [g, `${g.name}, ${p}`, delta] as const) : [[g, g.name, encoding[g.type]!] as const]));
    expect(meta.map((row) => row[0])).toEqual(leaves.map(([, path]) => path));
    leaves.forEach(([g, path, enc], c) => {
      const [, compression, encodings, min, max, pageOffset, nulls] = meta[c]!;
      expect(compression, path).toBe('ZSTD');
      expect(String(encodings).split(', '), path).toContain(enc);
      expect(Number(nulls), path).toBe(g.expected.filter((e) => e === null).length);
      // The page header's first field (compact thrift: 0x15, then the zigzag page type) says
      // DATA_PAGE_V2 (3) for the first data page.
      const at = Number(pageOffset);
      expect([bytes[at], bytes[at + 1]], `${path} page type`).toEqual([0x15, 3 << 1]);
      if (g.type === 'integer' || g.type === 'bigint') {
        const values = g.expected.filter((e): e is number => typeof e === 'number');
        expect([Number(min), Number(max)], `${path} statistics`).toEqual([Math.min(...values), Math.max(...values)]);
      }
    });
    const [fileMeta] = await duck.query(`SELECT num_row_groups, format_version FROM parquet_file_metadata('${file}')`);
    expect(fileMeta!.map(Number)).toEqual([1, 2]);
  });
});

// ------------------------------------------------------------ damage

describe('invalid segments raise EngineError XX001', () => {
  const types: SqlType[] = ['integer', 'text', 'interval'];
  const r = new SeededRandom(11);
  const gens = types.map((t) => generate(t, r, 2000, 0.1));
  const good = encodeSegment(gens.map((g) => g.name), types, gens.map((g) => g.column), 2000);

  it('short, truncated and framed garbage', () => {
    expectCorrupt(() => decodeSegment(new Uint8Array(0), types), /0 bytes long/);
    expectCorrupt(() => decodeSegment(good.subarray(0, good.length - 1), types), /does not end with the Parquet magic/);
    expectCorrupt(() => decodeSegment(good.subarray(0, good.length >> 1), types), /invalid Parquet segment/);
    expectCorrupt(() => decodeSegment(new TextEncoder().encode('id,name\n1,x\n2,y\n'), types), /does not start with the Parquet magic/);
    const garbage = new Uint8Array(4096);
    for (let i = 0; i < garbage.length; i++) garbage[i] = r.int(0, 255);
    garbage.set([0x50, 0x41, 0x52, 0x31], 0);
    garbage.set([0x50, 0x41, 0x52, 0x31], garbage.length - 4);
    expectCorrupt(() => decodeSegment(garbage, types), /invalid Parquet segment/);
    // A footer that fits the file but is garbage reaches the Parquet reader itself.
    new DataView(garbage.buffer).setUint32(garbage.length - 8, 100, true);
    expectCorrupt(() => decodeSegment(garbage, types), /Parquet reader rejected it/);
  });

  it('a valid Parquet file that is not a segment, or a segment of other types', async () => {
    const path = join(duck.dir, 'foreign.parquet');
    await duck.query(`COPY (SELECT 1 AS a) TO '${path}' (FORMAT parquet)`);
    expectCorrupt(() => decodeSegment(readFileSync(path), ['integer']), /not a Freshet segment/);
    expectCorrupt(() => decodeSegment(good, ['integer', 'jsonb', 'interval']), /types \(integer,text,interval\), expected 3 of types \(integer,jsonb,interval\)/);
    expectCorrupt(() => decodeSegment(good, ['integer', 'text']), /expected 2 of types/);
  });

  it('random byte flips never crash: each decode either fails with XX001 or returns a segment', () => {
    let failures = 0;
    for (let k = 0; k < 60; k++) {
      const bad = good.slice();
      for (let f = r.int(1, 4); f > 0; f--) bad[r.int(4, bad.length - 5)]! ^= 1 << r.int(0, 7);
      const e = thrown(() => decodeSegment(bad, types));
      if (e === undefined) continue;
      failures++;
      expect(e, String(e)).toBeInstanceOf(EngineError);
      expect((e as EngineError).code).toBe(SqlState.dataCorrupted);
    }
    expect(failures).toBeGreaterThan(0);
    // The wasm module still works after all of that.
    expectRoundTrip(gens, 2000);
  });
});

// ------------------------------------------------------------ measurement (opt-in)

describe.skipIf(process.env.FRESHET_PARQUET_BENCH === undefined)('1M-row measurement', () => {
  it('encodes and decodes 1M rows × (integer, bigint, double, timestamp, ~12-char text)', () => {
    const n = 1_000_000;
    const ints = new Int32Array(n);
    const bigs = new Float64Array(n);
    const dbls = new Float64Array(n);
    const ts = new Float64Array(n);
    const text = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      ints[i] = (i * 7919) % 100_000;
      bigs[i] = 1_000_000_000 + i * 3;
      dbls[i] = Math.round(Math.sin(i) * 1e6) / 100;
      ts[i] = 1_700_000_000_000_000 + i * 1_000_003;
      text[i] = `user-${(i * 31) % 50_000}`.padEnd(12, 'x');
    }
    const types: SqlType[] = ['integer', 'bigint', 'double', 'timestamp', 'text'];
    const cols = [ints, bigs, dbls, ts, text].map((v, c) => makeColumn(types[c]!, v, null, n));
    const names = ['i', 'b', 'd', 't', 's'];
    for (let round = 0; round < 3; round++) {
      const t0 = performance.now();
      const bytes = encodeSegment(names, types, cols, n);
      const t1 = performance.now();
      const back = decodeSegment(bytes, types);
      const t2 = performance.now();
      expect(back.length).toBe(n);
      const wasmBytes = (createRequire(import.meta.url)('parquet-wasm') as typeof ParquetWasm).wasmMemory().buffer.byteLength;
      console.log(`1M rows: encode ${(t1 - t0).toFixed(0)} ms, decode ${(t2 - t1).toFixed(0)} ms, ${bytes.length} bytes; wasm memory ${wasmBytes >> 20} MB`);
    }
  });
});
