// What the write-ahead log records: the engine's root operations, each of
// which replays deterministically into the same state and the same LSNs.
//
// - statement: a DDL statement (CREATE/DROP of tables, views, indexes,
//   sinks), as its own SQL text (not the whole request's: a schema of 200
//   statements must not log the request 200 times), the index of the
//   statement in that text (0 since then) and the request's parameters;
// - delta: rows a DML statement or bulk insert gave one table (before late
//   rows are sorted out, which replay repeats), as a columnar batch;
// - tick: the clock moving views with temporal filters;
// - sinkDone: a webhook sink finished (delivered or dead-lettered) every
//   commit up to an LSN, so recovery does not send those again.
//
// Work these cause (views, table sinks, watermark rows) is not logged: replay
// derives it again. Every record carries the LSN before it (`lsn`) and the
// statement time (`micros`), so replay can check it is on the same track.
//
// Payload layout: u8 kind | u32 LE header length | header (UTF-8 JSON) |
// for deltas, the batch (storage/batch-codec.ts).

import type { ZBatch } from '../columnar/z-batch.js';
import { decodeBatch, encodeBatch } from './batch-codec.js';
import { decodeNumbers, encodeNumbers } from './json-numbers.js';

export type WalRecord =
  | { readonly kind: 'statement'; readonly lsn: number; readonly micros: number; readonly sql: string; readonly index: number; readonly params: readonly unknown[] }
  | { readonly kind: 'delta'; readonly lsn: number; readonly micros: number; readonly table: string; readonly batch: ZBatch }
  | { readonly kind: 'tick'; readonly lsn: number; readonly micros: number }
  | { readonly kind: 'sinkDone'; readonly lsn: number; readonly micros: number; readonly sink: string; readonly done: number };

const KIND_CODES = { statement: 1, delta: 2, tick: 3, sinkDone: 4 } as const;

export function encodeRecord(record: WalRecord): Uint8Array {
  const { kind, ...rest } = record;
  const header = record.kind === 'delta' ? { lsn: record.lsn, micros: record.micros, table: record.table } : rest;
  const json = Buffer.from(JSON.stringify(header, encodeNumbers), 'utf8');
  const body = record.kind === 'delta' ? encodeBatch(record.batch) : new Uint8Array(0);
  const out = new Uint8Array(5 + json.length + body.length);
  out[0] = KIND_CODES[kind];
  new DataView(out.buffer).setUint32(1, json.length, true);
  out.set(json, 5);
  out.set(body, 5 + json.length);
  return out;
}

/** Decodes a payload whose checksum matched; throws when it still makes no sense (a bug or a foreign file). */
export function decodeRecord(payload: Uint8Array): WalRecord {
  if (payload.length < 5) throw new Error(`WAL record of ${payload.length} bytes is too short`);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const jsonLength = view.getUint32(1, true);
  if (5 + jsonLength > payload.length) throw new Error('WAL record header runs past the record');
  const header = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset + 5, jsonLength).toString('utf8'), decodeNumbers) as Record<string, unknown>;
  const lsn = header['lsn'] as number;
  const micros = header['micros'] as number;
  switch (payload[0]) {
    case KIND_CODES.statement:
      return { kind: 'statement', lsn, micros, sql: header['sql'] as string, index: header['index'] as number, params: header['params'] as unknown[] };
    case KIND_CODES.delta: {
      const { batch } = decodeBatch(payload.subarray(5 + jsonLength));
      return { kind: 'delta', lsn, micros, table: header['table'] as string, batch };
    }
    case KIND_CODES.tick:
      return { kind: 'tick', lsn, micros };
    case KIND_CODES.sinkDone:
      return { kind: 'sinkDone', lsn, micros, sink: header['sink'] as string, done: header['done'] as number };
    default:
      throw new Error(`unknown WAL record kind ${payload[0]}`);
  }
}
