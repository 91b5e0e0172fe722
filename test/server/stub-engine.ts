// A stand-in for the Engine's sqlAll/close: replays canned results or errors
// and records what the server passed, so routing and error mapping are tested
// apart from SQL behaviour.
import type { QueryResult } from '../../src/query-result.js';
import type { ServerEngine } from '../../src/server/server-engine.js';
import type { EngineStatus } from '../../src/engine.js';

export interface StubCall {
  readonly text: string;
  readonly params: readonly unknown[] | undefined;
}

export class StubEngine implements ServerEngine {
  readonly calls: StubCall[] = [];
  closed = false;
  constructor(private readonly respond: (text: string) => QueryResult[]) {}

  async sqlAll(text: string, params?: readonly unknown[]): Promise<QueryResult[]> {
    this.calls.push({ text, params });
    return this.respond(text);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  progress(): [] {
    return [];
  }

  status(): EngineStatus {
    return { lsn: 0, durable: false, dataDir: null, healthy: true, logBytesSinceCheckpoint: 0, recovery: null, tables: [], backfills: [], segmentCache: null, operators: [], stateMemory: null };
  }
}

export const ONE_ROW: QueryResult = {
  command: 'SELECT',
  rowCount: 1,
  fields: [
    { name: 'id', dataTypeID: 23, type: 'int4' },
    { name: 'name', dataTypeID: 25, type: 'text' },
  ],
  rows: [[7, 'seven']],
};

export const CREATED: QueryResult = { command: 'CREATE TABLE', rowCount: null, fields: [], rows: [] };
