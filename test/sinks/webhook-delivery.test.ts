// Webhook sinks against a real receiver on 127.0.0.1: every change of the view
// arrives once, in LSN order, with the weights a Z-set gives it (an UPDATE is
// -old +new, a DELETE -old), consecutive commits share a request up to
// max_batch_rows, and close() stops delivery without losing what is queued.
// Expected changes are derived by hand from the statements.

import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';
import type { ReceivedChange, Receiver } from './webhook-receiver.js';
import { startReceiver } from './webhook-receiver.js';

let receiver: Receiver | null = null;
let engine: Engine | null = null;

afterEach(async () => {
  await engine?.close();
  await receiver?.close();
  engine = null;
  receiver = null;
});

/** Changes as [lsn offset, weight, group, total] for compact hand-written expectations. */
function compact(changes: readonly ReceivedChange[], base: number): [number, number, unknown, unknown][] {
  return changes.map((c) => [c.lsn - base, c.weight, c.row['g'], c.row['total']]);
}

describe('webhook delivery', () => {
  it('sends each commit of the view in LSN order with -old +new for updates and -old for deletes', async () => {
    receiver = await startReceiver();
    engine = new Engine();
    await engine.sql(`
      CREATE TABLE t (k INT PRIMARY KEY, g TEXT, v INT);
      CREATE MATERIALIZED VIEW totals AS SELECT g, sum(v) AS total FROM t GROUP BY g;
      CREATE SINK w FROM totals INTO WEBHOOK '${receiver.url}' WITH (snapshot = false, max_batch_rows = 1)`);
    const base = engine.lsn;
    await engine.sql("INSERT INTO t VALUES (1, 'a', 10)"); // +1
    await engine.sql("INSERT INTO t VALUES (2, 'a', 5), (3, 'b', 7)"); // +2
    await engine.sql('UPDATE t SET v = 1 WHERE k = 1'); // +3
    await engine.sql('DELETE FROM t WHERE k = 3'); // +4
    await engine.sql('UPDATE t SET v = v WHERE k = 1'); // +5: the view does not change, nothing is sent
    await engine.sql("UPDATE t SET g = 'b' WHERE k = 2"); // +6
    await engine.sinks.flush('w');

    const bodies = receiver.accepted();
    expect(receiver.requests.every((r) => r.method === 'POST' && r.contentType === 'application/json')).toBe(true);
    expect(bodies.map((b) => [b.sink, b.lsn - base])).toEqual([['w', 1], ['w', 2], ['w', 3], ['w', 4], ['w', 6]]);
    const sortWithin = (rows: [number, number, unknown, unknown][]) =>
      rows.sort((x, y) => x[0] - y[0] || x[1] - y[1] || String(x[2]).localeCompare(String(y[2])));
    expect(sortWithin(compact(bodies.flatMap((b) => b.changes), base))).toEqual([
      [1, 1, 'a', 10],
      [2, -1, 'a', 10],
      [2, 1, 'a', 15],
      [2, 1, 'b', 7],
      [3, -1, 'a', 15],
      [3, 1, 'a', 6],
      [4, -1, 'b', 7],
      [6, -1, 'a', 6],
      [6, 1, 'a', 1],
      [6, 1, 'b', 5],
    ]);
    const state = (await engine.sql('SHOW SINKS')).rows[0]!;
    expect(state).toEqual(['w', 'totals', `webhook ${receiver.url}`, base + 6, 0, 0, 'idle', null]);
  });

  it('starts with the view as it is (snapshot), then its changes; values are formatted as SELECT returns them', async () => {
    receiver = await startReceiver();
    engine = new Engine();
    await engine.sql(`
      CREATE TABLE e (id INT, at TIMESTAMP, amount NUMERIC(10, 2), tags JSONB, ok BOOLEAN);
      INSERT INTO e VALUES (1, '2024-03-01 10:00:00', 12.5, '{"b": 1, "a": [true]}', true), (2, NULL, NULL, NULL, NULL)`);
    await engine.sql(`CREATE SINK raw FROM e INTO WEBHOOK '${receiver.url}'`);
    const snapshotLsn = engine.lsn;
    // The table's delta is -row +row for each row: no change, so nothing is sent for it.
    await engine.sql('UPDATE e SET ok = ok');
    await engine.sql('DELETE FROM e WHERE id = 1');
    await engine.sinks.flush();
    const changes = receiver.accepted().flatMap((b) => b.changes);
    const row1 = { id: 1, at: '2024-03-01 10:00:00', amount: '12.50', tags: '{"a": [true], "b": 1}', ok: true };
    const row2 = { id: 2, at: null, amount: null, tags: null, ok: null };
    expect(changes.slice(0, 2).sort((x, y) => Number(x.row['id']) - Number(y.row['id']))).toEqual([
      { lsn: snapshotLsn, weight: 1, row: row1 },
      { lsn: snapshotLsn, weight: 1, row: row2 },
    ]);
    expect(changes.slice(2)).toEqual([{ lsn: snapshotLsn + 2, weight: -1, row: row1 }]);
    // The same values a SELECT gives.
    expect((await engine.sql('SELECT * FROM e')).rows).toEqual([[2, null, null, null, null]]);
  });

  it('batches consecutive commits queued behind a request in flight, up to max_batch_rows, never splitting a commit', async () => {
    receiver = await startReceiver((i) => (i === 0 ? 'hold' : 200));
    engine = new Engine();
    await engine.sql(`
      CREATE TABLE t (x INT);
      CREATE SINK b FROM t INTO WEBHOOK '${receiver.url}' WITH (max_batch_rows = 3, snapshot = false)`);
    const base = engine.lsn;
    await engine.sql('INSERT INTO t VALUES (1)'); // goes out at once and is held
    await engine.sql('INSERT INTO t VALUES (2)');
    await engine.sql('INSERT INTO t VALUES (3)');
    await engine.sql('INSERT INTO t VALUES (4), (5)'); // 2 rows: does not fit after 2 and 3
    await engine.sql('INSERT INTO t VALUES (6), (7), (8), (9)'); // 4 rows: more than a batch, sent whole and alone
    await engine.sql('INSERT INTO t VALUES (10)');
    await receiver.arrived(1);
    expect(receiver.requests.length).toBe(1);
    expect(engine.sinks.state('b')).toMatchObject({ queuedChanges: 10, status: 'sending', deliveredLsn: null });
    receiver.release();
    await engine.sinks.flush('b');
    const shape = receiver.accepted().map((b) => ({ lsn: b.lsn - base, changes: b.changes.map((c) => [c.lsn - base, c.row['x']]) }));
    expect(shape).toEqual([
      { lsn: 1, changes: [[1, 1]] },
      { lsn: 3, changes: [[2, 2], [3, 3]] },
      { lsn: 4, changes: [[4, 4], [4, 5]] },
      { lsn: 5, changes: [[5, 6], [5, 7], [5, 8], [5, 9]] },
      { lsn: 6, changes: [[6, 10]] },
    ]);
    expect(engine.sinks.state('b')).toMatchObject({ queuedChanges: 0, status: 'idle', deliveredLsn: base + 6 });
  });

  it('close() awaits the request in flight and keeps the rest queued; a later flush is refused', async () => {
    receiver = await startReceiver((i) => (i === 0 ? 'hold' : 200));
    engine = new Engine();
    await engine.sql(`CREATE TABLE t (x INT); CREATE SINK c FROM t INTO WEBHOOK '${receiver.url}' WITH (snapshot = false)`);
    await engine.sql('INSERT INTO t VALUES (1)');
    await engine.sql('INSERT INTO t VALUES (2)');
    await receiver.arrived(1);
    let closed = false;
    const closing = engine.close().then(() => (closed = true));
    await Promise.resolve();
    expect(closed).toBe(false); // waits for the request in flight
    receiver.release();
    await closing;
    expect(receiver.accepted().map((b) => b.changes.map((c) => c.row['x']))).toEqual([[1]]);
    expect(engine.sinks.state('c')).toMatchObject({ status: 'stopped', queuedChanges: 1 });
    await expect(engine.sinks.flush('c')).rejects.toThrow(/sink "c" was stopped with 1 changes not delivered/);
    expect(receiver.requests.length).toBe(1);
  });

  it('DROP SINK stops delivery: later commits are not sent; DROP SINK of an unknown sink fails unless IF EXISTS', async () => {
    receiver = await startReceiver();
    engine = new Engine();
    await engine.sql(`CREATE TABLE t (x INT); CREATE SINK d FROM t INTO WEBHOOK '${receiver.url}' WITH (snapshot = false)`);
    await engine.sql('INSERT INTO t VALUES (1)');
    await engine.sinks.flush('d');
    await engine.sql('DROP SINK d');
    await engine.sql('INSERT INTO t VALUES (2)');
    expect((await engine.sql('SHOW SINKS')).rows).toEqual([]);
    await expect(engine.sinks.flush('d')).rejects.toThrow(/sink "d" does not exist/);
    expect(receiver.accepted().map((b) => b.changes.map((c) => c.row['x']))).toEqual([[1]]);
    await expect(engine.sql('DROP SINK d')).rejects.toMatchObject({ code: '42704', message: 'sink "d" does not exist' });
    await expect(engine.sql('DROP SINK t')).rejects.toMatchObject({ code: '42809', message: '"t" is not a sink; it is a table' });
    await engine.sql('DROP SINK IF EXISTS d');
  });
});
