// Webhook sinks across a restart of a durable engine: what the receiver
// acknowledged before is not sent again, and what was still queued when the
// engine stopped is sent after it comes back, in LSN order.

import { afterAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine.js';
import { startReceiver } from './webhook-receiver.js';

const root = mkdtempSync(join(tmpdir(), 'freshet-webhook-restart-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The (lsn, weight, id) triples a receiver accepted, in order. */
function changesOf(bodies: readonly { changes: { lsn: number; weight: number; row: Record<string, unknown> }[] }[]): [number, number, unknown][] {
  return bodies.flatMap((b) => b.changes.map((c) => [c.lsn, c.weight, c.row['id']] as [number, number, unknown]));
}

describe.each([
  ['from the log alone', false],
  ['from a checkpoint taken at close', true],
] as const)('webhook sinks survive a restart, recovering %s', (_how, checkpointOnClose) => {
  const open = (dir: string): Promise<Engine> => Engine.open({ dataDir: dir, checkpointOnClose });

  test('delivered commits are not resent; new ones are', async () => {
    const receiver = await startReceiver();
    const dir = join(root, `delivered-${checkpointOnClose}`);
    let engine = await open(dir);
    await engine.sql('CREATE TABLE t (id INT)');
    await engine.sql(`CREATE SINK out FROM t INTO WEBHOOK '${receiver.url}'`);
    await engine.sql('INSERT INTO t VALUES (1)');
    await engine.sql('INSERT INTO t VALUES (2)');
    await engine.sinks.flush('out');
    // One more commit so the sink's progress is fsynced with it.
    await engine.sql('CREATE TABLE other (x INT)');
    const before = changesOf(receiver.accepted());
    expect(before.map((c) => c[2])).toEqual([1, 2]);
    await engine.close();

    engine = await open(dir);
    await engine.sql('INSERT INTO t VALUES (3)');
    await engine.sinks.flush('out');
    const after = changesOf(receiver.accepted());
    expect(after.map((c) => c[2])).toEqual([1, 2, 3]);
    expect(after[2]![0]).toBeGreaterThan(before[1]![0]);
    await engine.close();
    await receiver.close();
  });

  test('commits still queued when the engine stopped are sent after the restart', async () => {
    let healthy = false;
    const receiver = await startReceiver(() => (healthy ? 200 : 503));
    const dir = join(root, `queued-${checkpointOnClose}`);
    let engine = await open(dir);
    await engine.sql('CREATE TABLE t (id INT)');
    await engine.sql(`CREATE SINK out FROM t INTO WEBHOOK '${receiver.url}' WITH (retries = 1000, backoff_ms = 50)`);
    await engine.sql('INSERT INTO t VALUES (1)');
    await engine.sql('INSERT INTO t VALUES (2), (3)');
    await receiver.arrived(1);
    await engine.close();
    expect(receiver.accepted()).toEqual([]);

    healthy = true;
    engine = await open(dir);
    await engine.sinks.flush('out');
    const got = changesOf(receiver.accepted());
    expect(got.map((c) => [c[1], c[2]])).toEqual([[1, 1], [1, 2], [1, 3]]);
    // LSN order, and the LSNs of the original commits.
    expect(got[0]![0]).toBeLessThan(got[1]![0]);
    expect(got[1]![0]).toBe(got[2]![0]);
    await engine.close();
    await receiver.close();
  });
});
