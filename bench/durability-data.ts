// The durability benchmark's data: one table of readings (int id, a text tag
// from 1,000 values, an amount in whole cents, a timestamp) generated from a
// seed, handed out as 10k-row apache-arrow slices for Freshet and DuckDB
// appender chunks, with the expected per-tag counts and sums computed here
// (not by Freshet) so a recovered view can be checked against them.

import { Float64, Int32, Table, TimestampMicrosecond, Utf8, makeData, makeVector, vectorFromArray } from 'apache-arrow';
import { DuckDBTimestampValue } from '@duckdb/node-api';
import type { DuckDBValue } from '@duckdb/node-api';
import type { Rand } from './bench-common.js';

export const TAGS = 1000;
/** Amounts are whole cents below 1,000.00, so sums are exact once rounded to cents. */
const AMOUNT_CENTS = 100_000;
const START_US = Date.UTC(2024, 0, 1) * 1000;

export const TABLE_DDL = 'CREATE TABLE t (id integer PRIMARY KEY, tag text, amount double precision, ts timestamp)';
export const DUCK_TABLE_DDL = 'CREATE TABLE t (id INTEGER PRIMARY KEY, tag VARCHAR, amount DOUBLE, ts TIMESTAMP)';
export const VIEW_DDL = 'CREATE MATERIALIZED VIEW v AS SELECT tag, count(*) AS n, sum(amount) AS total FROM t GROUP BY tag';

/** The tag strings; rows hold an index into them, so 1M rows do not hold 1M strings. */
export const tagNames: readonly string[] = Array.from({ length: TAGS }, (_, k) => `sensor-${String(k).padStart(4, '0')}`);

/** N rows as columns: ids 0..N-1, tags as indices into tagNames, amounts, timestamps in µs. */
export interface Readings {
  readonly n: number;
  readonly id: Int32Array;
  readonly tag: Int32Array;
  readonly cents: Int32Array;
  readonly amount: Float64Array;
  readonly tsMicros: Float64Array;
}

export function generateReadings(rand: Rand, n: number): Readings {
  const r = { n, id: new Int32Array(n), tag: new Int32Array(n), cents: new Int32Array(n), amount: new Float64Array(n), tsMicros: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    r.id[i] = i;
    r.tag[i] = rand.below(TAGS);
    r.cents[i] = rand.below(AMOUNT_CENTS);
    r.amount[i] = r.cents[i]! / 100;
    // One reading per millisecond on average, a little out of order.
    r.tsMicros[i] = START_US + i * 1000 + rand.below(2_000_000);
  }
  return r;
}

/**
 * The rows' size as plain columns in memory, the yardstick for bytes on disk:
 * 4-byte ids, 8-byte amounts and timestamps (Freshet's own widths) and the
 * tags' UTF-8 bytes. No offsets, validity or index.
 */
export function rawColumnBytes(r: Readings): number {
  const tagBytes = tagNames.map((s) => Buffer.byteLength(s, 'utf8'));
  let text = 0;
  for (let i = 0; i < r.n; i++) text += tagBytes[r.tag[i]!]!;
  return r.id.byteLength + r.amount.byteLength + r.tsMicros.byteLength + text;
}

/** Rows [from, to) as an arrow table whose columns match TABLE_DDL. */
export function arrowSlice(r: Readings, from: number, to: number): Table {
  const n = to - from;
  const ts = new BigInt64Array(n);
  for (let i = 0; i < n; i++) ts[i] = BigInt(r.tsMicros[from + i]!);
  const tags = new Array<string>(n);
  for (let i = 0; i < n; i++) tags[i] = tagNames[r.tag[from + i]!]!;
  return new Table({
    id: makeVector(makeData({ type: new Int32(), length: n, data: r.id.subarray(from, to) })),
    tag: vectorFromArray(tags, new Utf8()),
    amount: makeVector(makeData({ type: new Float64(), length: n, data: r.amount.subarray(from, to) })),
    ts: makeVector(makeData({ type: new TimestampMicrosecond(), length: n, data: ts })),
  });
}

/** Rows [from, to) as DuckDB appender columns (id, tag, amount, ts). */
export function duckColumns(r: Readings, from: number, to: number): DuckDBValue[][] {
  const id: DuckDBValue[] = [];
  const tag: DuckDBValue[] = [];
  const amount: DuckDBValue[] = [];
  const ts: DuckDBValue[] = [];
  for (let i = from; i < to; i++) {
    id.push(r.id[i]!);
    tag.push(tagNames[r.tag[i]!]!);
    amount.push(r.amount[i]!);
    ts.push(new DuckDBTimestampValue(BigInt(r.tsMicros[i]!)));
  }
  return [id, tag, amount, ts];
}

/** What the table and view must hold: per tag, the row count and the sum of amounts in cents. */
export interface Expected {
  readonly rows: number;
  readonly totalCents: number;
  readonly count: Float64Array;
  readonly cents: Float64Array;
}

export function expectedTotals(r: Readings): Expected {
  const count = new Float64Array(TAGS);
  const cents = new Float64Array(TAGS);
  let totalCents = 0;
  for (let i = 0; i < r.n; i++) {
    count[r.tag[i]!]!++;
    cents[r.tag[i]!]! += r.cents[i]!;
    totalCents += r.cents[i]!;
  }
  return { rows: r.n, totalCents, count, cents };
}

/** `INSERT INTO t VALUES (...)` for one row, in text both engines parse the same way. */
export function singleRowInsert(id: number, tag: number, cents: number, tsMicros: number): string {
  const iso = new Date(Math.floor(tsMicros / 1000)).toISOString().replace('T', ' ').replace('Z', '');
  return `INSERT INTO t VALUES (${id}, '${tagNames[tag]!}', ${cents / 100}, TIMESTAMP '${iso}')`;
}
