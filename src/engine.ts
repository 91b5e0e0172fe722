// PLACEHOLDER being replaced by the real engine in this session: the public
// signatures below are the contract helpers code against.
import type { QueryResult } from './query-result.js';

export interface EngineOptions {
  /** Milliseconds since the epoch; injectable for deterministic tests. */
  readonly clock?: () => number;
}

export class Engine {
  constructor(_options: EngineOptions = {}) {}
  /** Runs one or more `;`-separated statements; returns the last statement's result. */
  async sql(_text: string, _params?: readonly unknown[]): Promise<QueryResult> {
    throw new Error('not implemented');
  }
  /** Runs one or more `;`-separated statements; one result per statement, in order.
   *  Each statement commits on its own: when statement k fails, 1..k-1 stay committed
   *  and the EngineError thrown carries `statementIndex` = k - 1 (0-based). */
  async sqlAll(_text: string, _params?: readonly unknown[]): Promise<QueryResult[]> {
    throw new Error('not implemented');
  }
  /** Inserts row objects (column name -> value) into a table as one commit. */
  async insert(_table: string, _rows: readonly Record<string, unknown>[]): Promise<QueryResult> {
    throw new Error('not implemented');
  }
  async close(): Promise<void> {}
}
