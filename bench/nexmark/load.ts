// Getting generated Nexmark events (generator.ts) into Freshet and DuckDB:
// the three tables' DDL in both dialects, apache-arrow tables for
// Engine.insertArrow, and a DuckDB appender load.

import { BIGINT, DuckDBDataChunk, VARCHAR } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBType } from '@duckdb/node-api';
import { Int64, Table, TimestampMicrosecond, Utf8, makeData, makeVector, vectorFromArray } from 'apache-arrow';
import type { AuctionBatch, BidBatch, NexmarkBatch, PersonBatch } from './generator.js';

type ColumnKind = 'bigint' | 'text' | 'timestamp';

/** Each table's columns: SQL name, the batch field, and its kind. */
export const NEXMARK_TABLES: Record<'person' | 'auction' | 'bid', readonly (readonly [string, string, ColumnKind])[]> = {
  person: [
    ['id', 'id', 'bigint'], ['name', 'name', 'text'], ['email_address', 'emailAddress', 'text'], ['credit_card', 'creditCard', 'text'],
    ['city', 'city', 'text'], ['state', 'state', 'text'], ['date_time', 'dateTime', 'timestamp'], ['extra', 'extra', 'text'],
  ],
  auction: [
    ['id', 'id', 'bigint'], ['item_name', 'itemName', 'text'], ['description', 'description', 'text'], ['initial_bid', 'initialBid', 'bigint'],
    ['reserve', 'reserve', 'bigint'], ['date_time', 'dateTime', 'timestamp'], ['expires', 'expires', 'timestamp'], ['seller', 'seller', 'bigint'],
    ['category', 'category', 'bigint'], ['extra', 'extra', 'text'],
  ],
  bid: [
    ['auction', 'auction', 'bigint'], ['bidder', 'bidder', 'bigint'], ['price', 'price', 'bigint'], ['channel', 'channel', 'text'],
    ['url', 'url', 'text'], ['date_time', 'dateTime', 'timestamp'], ['extra', 'extra', 'text'], ['p_time', 'pTime', 'timestamp'],
  ],
};

const SQL_TYPE: Record<ColumnKind, string> = { bigint: 'BIGINT', text: 'VARCHAR', timestamp: 'TIMESTAMP' };

/** CREATE TABLE statements for both engines (the same text: both read BIGINT, VARCHAR and TIMESTAMP). */
export function nexmarkDdl(): string[] {
  return Object.entries(NEXMARK_TABLES).map(([table, cols]) => `CREATE TABLE ${table} (${cols.map(([name, , kind]) => `${name} ${SQL_TYPE[kind]}`).join(', ')})`);
}

type AnyBatch = PersonBatch | AuctionBatch | BidBatch;

function field(batch: AnyBatch, name: string): Float64Array | string[] {
  return (batch as unknown as Record<string, Float64Array | string[]>)[name]!;
}

/** One stream's events as an apache-arrow Table (Int64, Utf8, timestamp[µs]). */
export function arrowTable(table: keyof typeof NEXMARK_TABLES, batch: AnyBatch): Table {
  const vectors: Record<string, ReturnType<typeof makeVector>> = {};
  for (const [name, key, kind] of NEXMARK_TABLES[table]) {
    const values = field(batch, key);
    if (kind === 'text') {
      vectors[name] = vectorFromArray(values as string[], new Utf8());
      continue;
    }
    const big = BigInt64Array.from(values as Float64Array, (x) => BigInt(x));
    vectors[name] = kind === 'bigint' ? makeVector(makeData({ type: new Int64(), length: batch.length, data: big })) : makeVector(makeData({ type: new TimestampMicrosecond(), length: batch.length, data: big }));
  }
  return new Table(vectors);
}

/** Appends a batch's events to DuckDB tables made by nexmarkDdl (through a staging table for the timestamps). */
export async function appendToDuckDb(conn: DuckDBConnection, batch: NexmarkBatch): Promise<void> {
  for (const table of ['person', 'auction', 'bid'] as const) {
    const b = batch[table];
    if (b.length === 0) continue;
    const cols = NEXMARK_TABLES[table];
    await conn.run(`CREATE OR REPLACE TEMP TABLE staging_${table} (${cols.map(([name, , kind]) => `${name} ${kind === 'text' ? 'VARCHAR' : 'BIGINT'}`).join(', ')})`);
    const appender = await conn.createAppender(`staging_${table}`);
    const types: DuckDBType[] = cols.map(([, , kind]) => (kind === 'text' ? VARCHAR : BIGINT));
    const chunkRows = 2048;
    for (let at = 0; at < b.length; at += chunkRows) {
      const n = Math.min(chunkRows, b.length - at);
      const chunk = DuckDBDataChunk.create(types, n);
      chunk.setColumns(cols.map(([, key, kind]) => {
        const values = field(b, key);
        return kind === 'text' ? (values as string[]).slice(at, at + n) : Array.from((values as Float64Array).subarray(at, at + n), (x) => BigInt(x));
      }));
      appender.appendDataChunk(chunk);
    }
    appender.closeSync();
    const select = cols.map(([name, , kind]) => (kind === 'timestamp' ? `make_timestamp(${name})` : name)).join(', ');
    await conn.run(`INSERT INTO ${table} SELECT ${select} FROM staging_${table}`);
  }
}
