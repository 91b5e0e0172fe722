// The cold-tier benchmark's data: an append-only events table (no primary
// key, so its oldest rows can move to the cold tier) generated from a seed,
// handed out as apache-arrow slices for Freshet and DuckDB appender chunks,
// and the answers every query and view of the benchmark must give, computed
// here (not by either engine). Values of v are multiples of 1/4, so every sum
// is exact in doubles whatever order an engine adds them in.

import { Float64, Int32, Table, TimestampMicrosecond, Utf8, makeData, makeVector, vectorFromArray } from 'apache-arrow';
import { DuckDBTimestampValue } from '@duckdb/node-api';
import type { DuckDBValue } from '@duckdb/node-api';
import type { Rand } from './bench-common.js';

/** Groups of k (the small-state view groups by k). */
export const K = 100;
export const TAGS = 1000;
/** The large-state view groups by id % ID_GROUPS. */
export const ID_GROUPS = 1_000_000;
/** v = q / 4 with q below this: values in [0, 1000). */
const QUARTERS = 4000;
export const START_US = Date.UTC(2024, 0, 1) * 1000;

export const TABLE_DDL = 'CREATE TABLE events (id integer, k integer, v double precision, ts timestamp, tag text)';
export const DUCK_TABLE_DDL = 'CREATE TABLE events (id INTEGER, k INTEGER, v DOUBLE, ts TIMESTAMP, tag VARCHAR)';
/** The two views the benchmark backfills (the same text runs in DuckDB as CREATE TABLE ... AS). */
export const SMALL_VIEW = 'SELECT k, count(*) AS n, sum(v) AS s FROM events GROUP BY k';
export const LARGE_VIEW = `SELECT id % ${ID_GROUPS} AS g, count(*) AS n, sum(v) AS s FROM events GROUP BY id % ${ID_GROUPS}`;
/** A checksum of the large view (or DuckDB's table of it): groups, rows, Σ g·n, Σ s and Σ (g % 1000)·s, all exact. */
export const LARGE_CHECK = (rel: string): string => `SELECT count(*), sum(n), sum(g * n), sum(s), sum((g % 1000) * s) FROM ${rel}`;

export const tagNames: readonly string[] = Array.from({ length: TAGS }, (_, i) => `tag-${String(i).padStart(4, '0')}`);

/** Rows as columns: ids from..from+n-1, ts = START + 1 ms per id + < 1 ms jitter (so ts increases with id). */
export interface Events {
  readonly n: number;
  readonly id: Int32Array;
  readonly k: Int32Array;
  /** v * 4 (an integer). */
  readonly q: Int32Array;
  readonly tag: Int32Array;
  readonly tsMicros: Float64Array;
}

export function generateEvents(rand: Rand, from: number, n: number): Events {
  const e = { n, id: new Int32Array(n), k: new Int32Array(n), q: new Int32Array(n), tag: new Int32Array(n), tsMicros: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const id = from + i;
    e.id[i] = id;
    e.k[i] = rand.below(K);
    e.q[i] = rand.below(QUARTERS);
    e.tag[i] = rand.below(TAGS);
    e.tsMicros[i] = START_US + id * 1000 + rand.below(1000);
  }
  return e;
}

/** `TIMESTAMP '...'` for a time in µs that is a whole millisecond. */
export function timestampLiteral(micros: number): string {
  return `TIMESTAMP '${new Date(micros / 1000).toISOString().replace('T', ' ').replace('Z', '')}'`;
}

/** `INSERT INTO events VALUES (...)` for row i of `e`, text both engines parse the same way. */
export function singleRowInsert(e: Events, i: number): string {
  const ts = new Date(Math.floor(e.tsMicros[i]! / 1000)).toISOString().replace('T', ' ').replace('Z', '');
  const us = String(e.tsMicros[i]! % 1000).padStart(3, '0');
  return `INSERT INTO events VALUES (${e.id[i]}, ${e.k[i]}, ${e.q[i]! / 4}, TIMESTAMP '${ts}${us}', '${tagNames[e.tag[i]!]!}')`;
}

/** Typed-array bytes of the columns (Freshet's widths: 4-byte ints, 8-byte doubles and timestamps) + the tags' UTF-8 bytes. */
export function rawColumnBytes(e: Events): number {
  const tagBytes = tagNames.map((s) => Buffer.byteLength(s, 'utf8'));
  let text = 0;
  for (let i = 0; i < e.n; i++) text += tagBytes[e.tag[i]!]!;
  return e.n * (4 + 4 + 8 + 8) + text;
}

/** Rows [from, to) as an arrow table whose columns match TABLE_DDL. */
export function arrowSlice(e: Events, from: number, to: number): Table {
  const n = to - from;
  const ts = new BigInt64Array(n);
  const v = new Float64Array(n);
  const tags = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    ts[i] = BigInt(e.tsMicros[from + i]!);
    v[i] = e.q[from + i]! / 4;
    tags[i] = tagNames[e.tag[from + i]!]!;
  }
  return new Table({
    id: makeVector(makeData({ type: new Int32(), length: n, data: e.id.subarray(from, to) })),
    k: makeVector(makeData({ type: new Int32(), length: n, data: e.k.subarray(from, to) })),
    v: makeVector(makeData({ type: new Float64(), length: n, data: v })),
    ts: makeVector(makeData({ type: new TimestampMicrosecond(), length: n, data: ts })),
    tag: vectorFromArray(tags, new Utf8()),
  });
}

/** Rows [from, to) as DuckDB appender columns (id, k, v, ts, tag). */
export function duckColumns(e: Events, from: number, to: number): DuckDBValue[][] {
  const cols: DuckDBValue[][] = [[], [], [], [], []];
  for (let i = from; i < to; i++) {
    cols[0]!.push(e.id[i]!);
    cols[1]!.push(e.k[i]!);
    cols[2]!.push(e.q[i]! / 4);
    cols[3]!.push(new DuckDBTimestampValue(BigInt(e.tsMicros[i]!)));
    cols[4]!.push(tagNames[e.tag[i]!]!);
  }
  return cols;
}

/**
 * What the table and both views must hold, kept up to date as rows are
 * added: counts, and sums in quarters (v * 4, integers, exact).
 */
export class Expected {
  rows = 0;
  sumQ = 0;
  readonly countByK = new Float64Array(K);
  readonly sumQByK = new Float64Array(K);
  /** The large view: which groups exist, Σ g over rows (= Σ g·n), Σ (g % 1000)·q over rows. */
  private readonly seenGroup = new Uint8Array(ID_GROUPS);
  groups = 0;
  sumG = 0;
  sumGmodQ = 0;

  add(e: Events, from = 0, to = e.n): void {
    for (let i = from; i < to; i++) {
      const k = e.k[i]!;
      const q = e.q[i]!;
      const g = e.id[i]! % ID_GROUPS;
      this.rows++;
      this.sumQ += q;
      this.countByK[k]!++;
      this.sumQByK[k]! += q;
      if (this.seenGroup[g] === 0) {
        this.seenGroup[g] = 1;
        this.groups++;
      }
      this.sumG += g;
      this.sumGmodQ += (g % 1000) * q;
    }
  }

  /** The answer of LARGE_CHECK. */
  largeCheck(): number[] {
    return [this.groups, this.rows, this.sumG, this.sumQ / 4, this.sumGmodQ / 4];
  }

  /** Per k % 10: [bucket, count, sum of v]. */
  byKMod10(): number[][] {
    const out = Array.from({ length: 10 }, (_, b) => [b, 0, 0]);
    for (let k = 0; k < K; k++) {
      const row = out[k % 10]!;
      row[1]! += this.countByK[k]!;
      row[2]! += this.sumQByK[k]! / 4;
    }
    return out;
  }
}

/** Rows with tsMicros in [lo, hi): count and sum of v. */
export function rangeTotals(e: Events, lo: number, hi: number): [number, number] {
  let n = 0;
  let q = 0;
  for (let i = 0; i < e.n; i++) {
    const t = e.tsMicros[i]!;
    if (t >= lo && t < hi) {
      n++;
      q += e.q[i]!;
    }
  }
  return [n, q / 4];
}
