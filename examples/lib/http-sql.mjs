// The examples' HTTP path: statements to a running `freshet serve` through
// POST /v1/sql, and the replay of a generated stream as INSERT statements
// (one per arrival time and table, sent in arrival order as fast as the
// server answers; the server's own clock drives temporal views).

import { readFile } from 'node:fs/promises';

/** Runs `query` on the server; throws with the server's message on an error reply. */
export async function postSql(url, query, params = []) {
  const reply = await fetch(new URL('/v1/sql', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, params }),
  });
  const body = await reply.json();
  if (body.error !== undefined) throw new Error(`${body.error.code}: ${body.error.message}\n  in: ${query.slice(0, 200)}`);
  return body;
}

/** Sends a schema file as one request (its statements run in order). */
export async function postSchema(url, path) {
  return postSql(url, await readFile(path, 'utf8'));
}

function literal(value) {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value).toUpperCase();
  return `'${String(value).replaceAll("'", "''")}'`;
}

/** Inserts the events in arrival order: one INSERT per run of events with the same arrival time and table. */
export async function replayOverHttp(url, events) {
  const ordered = [...events].sort((a, b) => a.at - b.at);
  let sent = 0;
  for (let i = 0; i < ordered.length; ) {
    const first = ordered[i];
    const columns = Object.keys(first.row);
    const tuples = [];
    while (i < ordered.length && ordered[i].at === first.at && ordered[i].table === first.table) {
      const row = ordered[i++].row;
      tuples.push(`(${columns.map((c) => literal(row[c])).join(', ')})`);
    }
    await postSql(url, `INSERT INTO ${first.table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`);
    sent += tuples.length;
  }
  return sent;
}
