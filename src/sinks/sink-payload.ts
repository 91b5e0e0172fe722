// The JSON a sink sends: {"sink": name, "lsn": last LSN, "changes": [{"lsn",
// "weight", "row": {column: value}}]}. Values are exactly what a SELECT over
// HTTP returns for them (engine/format-result.ts). Each commit's changes are
// encoded once, when the commit happens: the batch's columns may be views of
// state that the next commit changes, and a retry must resend the same bytes.

import type { SqlType } from '../common/sql-type.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { rowsResult } from '../engine/format-result.js';

/** One commit's changes for one sink, ready to send. */
export interface EncodedCommit {
  readonly lsn: number;
  /** One JSON object text per change. */
  readonly changes: readonly string[];
}

export function encodeCommit(lsn: number, batch: ZBatch, columns: readonly { name: string; type: SqlType }[]): EncodedCommit {
  const identity = new Int32Array(batch.length);
  for (let i = 0; i < batch.length; i++) identity[i] = i;
  const values = rowsResult('SINK', columns, batch.columns, identity).rows;
  const keys = columns.map((c) => `${JSON.stringify(c.name)}:`);
  const changes = new Array<string>(batch.length);
  for (let i = 0; i < batch.length; i++) {
    const row = values[i]!;
    let text = `{"lsn":${lsn},"weight":${batch.weights[i]!},"row":{`;
    for (let c = 0; c < keys.length; c++) text += `${c === 0 ? '' : ','}${keys[c]!}${JSON.stringify(row[c])}`;
    changes[i] = `${text}}}`;
  }
  return { lsn, changes };
}

/** The request body for consecutive commits of one sink; "lsn" is the last commit's. */
export function payloadOf(sink: string, commits: readonly EncodedCommit[]): string {
  const last = commits[commits.length - 1];
  const parts: string[] = [];
  for (const c of commits) for (const change of c.changes) parts.push(change);
  return `{"sink":${JSON.stringify(sink)},"lsn":${last === undefined ? 0 : last.lsn},"changes":[${parts.join(',')}]}`;
}
