// Webhook failures: a receiver that fails and recovers gets everything, once
// per accepted request and in order (failed attempts resend the same bytes);
// a receiver that never recovers costs each batch its retry budget, after
// which the batch is in freshet_dead_letters with the error and delivery goes
// on. Delivery is at-least-once: a request whose answer is lost is sent again,
// so the receiver can see an LSN twice.

import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';
import type { Receiver } from './webhook-receiver.js';
import { closedPort, startReceiver } from './webhook-receiver.js';

let receiver: Receiver | null = null;
let engine: Engine | null = null;

afterEach(async () => {
  await engine?.close();
  await receiver?.close();
  engine = null;
  receiver = null;
});

/** 2024-05-01 12:00:00 UTC: failed_at comes from the engine's (injected) clock. */
const CLOCK_MS = Date.UTC(2024, 4, 1, 12, 0, 0);

describe('webhook failures', () => {
  it('a receiver failing 3 times then recovering gets every change exactly once among accepted requests, in order', async () => {
    receiver = await startReceiver((i) => (i < 3 ? 500 : 200));
    engine = new Engine();
    await engine.sql(`CREATE TABLE t (x INT); CREATE SINK r FROM t INTO WEBHOOK '${receiver.url}' WITH (retries = 5, backoff_ms = 1, snapshot = false)`);
    const base = engine.lsn;
    for (let x = 1; x <= 6; x++) await engine.sql(`INSERT INTO t VALUES (${x})`);
    await engine.sinks.flush('r');
    // The first request failed three times: the retries resent the identical body.
    const statuses = receiver.requests.map((r) => r.status);
    expect(statuses.slice(0, 4)).toEqual([500, 500, 500, 200]);
    expect(new Set(receiver.requests.slice(0, 4).map((r) => r.text)).size).toBe(1);
    const delivered = receiver.accepted().flatMap((b) => b.changes.map((c) => [c.lsn - base, c.weight, c.row['x']]));
    expect(delivered).toEqual([1, 2, 3, 4, 5, 6].map((x) => [x, 1, x]));
    expect((await engine.sql('SELECT count(*) FROM freshet_dead_letters')).rows).toEqual([[0]]);
    expect(engine.sinks.state('r')).toMatchObject({ deliveredLsn: base + 6, deadLetters: 0, lastError: null });
  });

  it('a receiver that always fails: each batch is tried retries + 1 times, then dead-lettered with its error; delivery goes on', async () => {
    receiver = await startReceiver(() => 503);
    engine = new Engine({ clock: () => CLOCK_MS });
    await engine.sql(`
      CREATE TABLE t (k INT PRIMARY KEY, v TEXT);
      CREATE SINK down FROM t INTO WEBHOOK '${receiver.url}' WITH (retries = 2, backoff_ms = 1, max_batch_rows = 1, snapshot = false)`);
    const base = engine.lsn;
    await engine.sql("INSERT INTO t VALUES (1, 'one')");
    await engine.sql("UPDATE t SET v = 'uno' WHERE k = 1");
    await engine.sinks.flush('down');
    // Two batches (the update is one commit of two rows: a commit is never split) x 3 attempts.
    expect(receiver.requests.length).toBe(6);
    const letters = await engine.sql('SELECT sink, lsn, error, attempts, failed_at FROM freshet_dead_letters ORDER BY lsn');
    expect(letters.rows).toEqual([
      ['down', base + 1, 'HTTP 503 Service Unavailable (after 3 attempts)', 3, '2024-05-01 12:00:00+00'],
      ['down', base + 2, 'HTTP 503 Service Unavailable (after 3 attempts)', 3, '2024-05-01 12:00:00+00'],
    ]);
    // Each payload is what the webhook would have received for that LSN: replayable alone.
    const payloads = await engine.sql("SELECT payload->>'sink', (payload->>'lsn')::int, jsonb_array_length(payload->'changes') FROM freshet_dead_letters ORDER BY lsn");
    expect(payloads.rows).toEqual([
      ['down', base + 1, 1],
      ['down', base + 2, 2],
    ]);
    const update = await engine.sql(`SELECT payload FROM freshet_dead_letters WHERE lsn = ${base + 2}`);
    const body = JSON.parse(String(update.rows[0]![0])) as { changes: { lsn: number; weight: number; row: unknown }[] };
    expect(body.changes.sort((a, b) => a.weight - b.weight)).toEqual([
      { lsn: base + 2, weight: -1, row: { k: 1, v: 'one' } },
      { lsn: base + 2, weight: 1, row: { k: 1, v: 'uno' } },
    ]);
    expect((await engine.sql('SHOW SINKS')).rows[0]).toEqual([
      'down', 't', `webhook ${receiver.url}`, null, 0, 2, 'idle', 'HTTP 503 Service Unavailable',
    ]);
    // The dead-letter table is read-only for users.
    await expect(engine.sql('DELETE FROM freshet_dead_letters')).rejects.toMatchObject({ code: '42809' });
    await expect(engine.sql('DROP TABLE freshet_dead_letters')).rejects.toMatchObject({ code: '42809' });
  });

  it('a network error (nothing listening) is retried and dead-lettered with the cause', async () => {
    const port = await closedPort();
    engine = new Engine();
    await engine.sql(`CREATE TABLE t (x INT); CREATE SINK gone FROM t INTO WEBHOOK 'http://127.0.0.1:${port}/x' WITH (retries = 1, backoff_ms = 0, snapshot = false)`);
    await engine.sql('INSERT INTO t VALUES (1)');
    await engine.sinks.flush('gone');
    const rows = (await engine.sql('SELECT error, attempts FROM freshet_dead_letters')).rows;
    expect(rows.length).toBe(1);
    expect(rows[0]![0]).toMatch(/ECONNREFUSED.*\(after 2 attempts\)$/);
    expect(rows[0]![1]).toBe(2);
  });

  it('at-least-once: a request that times out is sent again, so the receiver sees that LSN twice', async () => {
    // The first request is held (processed, never answered); the sink gives up waiting and retries.
    receiver = await startReceiver((i) => (i === 0 ? 'hold' : 200));
    engine = new Engine();
    await engine.sql(`CREATE TABLE t (x INT); CREATE SINK slow FROM t INTO WEBHOOK '${receiver.url}' WITH (timeout_ms = 50, backoff_ms = 1, snapshot = false)`);
    await engine.sql('INSERT INTO t VALUES (7)');
    await engine.sinks.flush('slow');
    expect(receiver.requests.map((r) => r.text)).toEqual([receiver.requests[0]!.text, receiver.requests[0]!.text]);
    expect(receiver.requests.map((r) => r.status)).toEqual([null, 200]);
    expect(engine.sinks.state('slow')).toMatchObject({ deadLetters: 0, lastError: null });
  });

  it('dead letters are data: a view over them updates, but a sink reading them is refused as a cycle', async () => {
    receiver = await startReceiver(() => 500);
    engine = new Engine();
    await engine.sql(`
      CREATE TABLE t (x INT);
      CREATE MATERIALIZED VIEW failures AS SELECT sink, count(*) AS n FROM freshet_dead_letters GROUP BY sink;
      CREATE SINK s FROM t INTO WEBHOOK '${receiver.url}' WITH (retries = 0, snapshot = false)`);
    await engine.sql('INSERT INTO t VALUES (1)');
    await engine.sinks.flush('s');
    expect((await engine.sql('SELECT * FROM failures')).rows).toEqual([['s', 1]]);
    await expect(engine.sql(`CREATE SINK alert FROM failures INTO WEBHOOK '${receiver.url}'`)).rejects.toMatchObject({
      code: '42P19',
      message:
        'sink "alert" would feed its own source: freshet_dead_letters -> failures -> sink alert -> freshet_dead_letters (a sink\'s failures are recorded in freshet_dead_letters)',
    });
  });
});
