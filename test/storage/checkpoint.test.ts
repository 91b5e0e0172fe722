// Checkpoints: recovery starts from the newest intact one and replays only
// the log after it; old checkpoints and segments are pruned, the previous one
// kept as a fallback; a damaged or half-written checkpoint is skipped. The
// expected rows are the test's own model of what was inserted.

import { afterAll, describe, expect, test } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine.js';

const root = mkdtempSync(join(tmpdir(), 'freshet-checkpoint-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const open = (dir: string): Promise<Engine> => Engine.open({ dataDir: dir, checkpointOnClose: false });

async function ids(engine: Engine): Promise<number[]> {
  return (await engine.sql('SELECT id FROM t ORDER BY id')).rows.map((r) => r[0] as number);
}

async function totals(engine: Engine): Promise<unknown[][]> {
  return (await engine.sql('SELECT g, n FROM per_g ORDER BY g')).rows.map((r) => [...r]);
}

/** Inserts ids from..to (inclusive), one commit each; group = id % 3. */
async function insertRange(engine: Engine, from: number, to: number): Promise<void> {
  for (let id = from; id <= to; id++) await engine.sql('INSERT INTO t VALUES ($1, $2)', [id, id % 3]);
}

function expectedTotals(n: number): unknown[][] {
  const counts = [0, 0, 0];
  for (let id = 1; id <= n; id++) counts[id % 3]!++;
  return counts.map((c, g) => [g, c]).filter(([, c]) => (c as number) > 0);
}

async function setup(dir: string): Promise<Engine> {
  const engine = await open(dir);
  await engine.sql('CREATE TABLE t (id INT PRIMARY KEY, g INT); CREATE MATERIALIZED VIEW per_g AS SELECT g, count(*) AS n FROM t GROUP BY g');
  return engine;
}

describe('checkpoints', () => {
  test('recovery starts at the checkpoint and replays only the commits after it', async () => {
    const dir = join(root, 'replay');
    let engine = await setup(dir);
    await insertRange(engine, 1, 10);
    await engine.checkpoint();
    const checkpointLsn = engine.lsn;
    await insertRange(engine, 11, 15);
    await engine.close();
    engine = await open(dir);
    expect(engine.recovery!.checkpointLsn).toBe(checkpointLsn);
    expect(engine.recovery!.records).toBe(5);
    expect(await ids(engine)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(await totals(engine)).toEqual(expectedTotals(15));
    await engine.close();
  });

  test('a start that replayed log checkpoints it even if nothing new is logged, so the next start does not replay it again', async () => {
    const dir = join(root, 'replayed');
    let engine = await setup(dir);
    await insertRange(engine, 1, 4);
    await engine.close();
    engine = await open(dir);
    expect(engine.recovery!.records).toBeGreaterThan(4);
    await engine.checkpoint();
    await engine.close();
    engine = await open(dir);
    expect(engine.recovery!.records).toBe(0);
    expect(await ids(engine)).toEqual([1, 2, 3, 4]);
    await engine.close();
  });

  test('keeps the newest two checkpoints and the log from the older one on', async () => {
    const dir = join(root, 'prune');
    const engine = await setup(dir);
    for (let round = 0; round < 4; round++) {
      await insertRange(engine, round * 5 + 1, round * 5 + 5);
      await engine.checkpoint();
    }
    const checkpoints = readdirSync(join(dir, 'checkpoints')).sort();
    const segments = readdirSync(join(dir, 'wal')).sort();
    expect(checkpoints).toEqual(['00000000000000000003.ckpt', '00000000000000000004.ckpt']);
    expect(segments).toEqual(['00000000000000000003.wal', '00000000000000000004.wal']);
    // Nothing logged since the last one: another checkpoint changes nothing.
    await engine.checkpoint();
    expect(readdirSync(join(dir, 'checkpoints')).sort()).toEqual(checkpoints);
    await engine.close();
  });

  test('a damaged newest checkpoint falls back to the previous one plus the log', async () => {
    const dir = join(root, 'fallback');
    let engine = await setup(dir);
    await insertRange(engine, 1, 5);
    await engine.checkpoint();
    const olderLsn = engine.lsn;
    await insertRange(engine, 6, 9);
    await engine.checkpoint();
    await insertRange(engine, 10, 12);
    await engine.close();
    const newest = join(dir, 'checkpoints', '00000000000000000002.ckpt');
    const bytes = new Uint8Array(readFileSync(newest));
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0xff;
    writeFileSync(newest, bytes);
    // And a checkpoint that never finished: its temporary file is ignored.
    writeFileSync(join(dir, 'checkpoints', '00000000000000000003.ckpt.tmp'), 'half written');
    engine = await open(dir);
    expect(engine.recovery!.checkpointLsn).toBe(olderLsn);
    expect(engine.recovery!.damage.join('\n')).toMatch(/00000000000000000002\.ckpt: checksum mismatch/);
    expect(await ids(engine)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(await totals(engine)).toEqual(expectedTotals(12));
    expect(existsSync(`${newest}.damaged`)).toBe(true);
    // The next checkpoint clears the leftovers.
    await insertRange(engine, 13, 13);
    await engine.checkpoint();
    expect(existsSync(join(dir, 'checkpoints', '00000000000000000003.ckpt.tmp'))).toBe(false);
    await engine.close();
  });
});

describe('one engine per data directory', () => {
  test('a second open of a directory in use is refused with 55006; after close it opens', async () => {
    const dir = join(root, 'lock');
    const first = await open(dir);
    await expect(open(dir)).rejects.toThrow(/data directory .* is in use by this process/);
    await first.close();
    const second = await open(dir);
    await second.close();
  });

  test('a lock left by a process that is gone is taken over', async () => {
    const dir = join(root, 'stale');
    const engine = await open(dir);
    await engine.close();
    // A pid no process has (Linux pids stay below 2^22).
    writeFileSync(join(dir, 'freshet.lock'), '4194304999\n');
    const reopened = await open(dir);
    expect(readFileSync(join(dir, 'freshet.lock'), 'utf8').trim()).toBe(String(process.pid));
    await reopened.close();
    expect(existsSync(join(dir, 'freshet.lock'))).toBe(false);
  });
});

describe('checkpoints by log size', () => {
  test('once the log since the last checkpoint passes checkpointBytes, the next commit takes one', async () => {
    const dir = join(root, 'by-size');
    let engine = await Engine.open({ dataDir: dir, checkpointOnClose: false, checkpointBytes: 4096 });
    await engine.sql('CREATE TABLE t (id INT PRIMARY KEY, g INT); CREATE MATERIALIZED VIEW per_g AS SELECT g, count(*) AS n FROM t GROUP BY g');
    await insertRange(engine, 1, 200);
    const checkpoints = readdirSync(join(dir, 'checkpoints')).filter((f) => f.endsWith('.ckpt'));
    expect(checkpoints.length).toBeGreaterThan(0);
    await engine.close();
    engine = await Engine.open({ dataDir: dir, checkpointOnClose: false });
    // Only the log after the newest checkpoint is replayed: far fewer records than commits.
    expect(engine.recovery!.checkpointLsn).not.toBeNull();
    expect(engine.recovery!.records).toBeLessThan(100);
    expect(await ids(engine)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(await totals(engine)).toEqual(expectedTotals(200));
    await engine.close();
  });
});

describe('what the log holds', () => {
  test('each DDL statement of a long request is logged as its own text, not the whole request again', async () => {
    const dir = join(root, 'ddl-size');
    const engine = await open(dir);
    const request = Array.from({ length: 200 }, (_, i) => `CREATE TABLE t${i} (id INT PRIMARY KEY, payload TEXT, note TEXT)`).join(';\n');
    await engine.sql(request);
    await engine.close();
    const logBytes = readdirSync(join(dir, 'wal')).reduce((n, f) => n + readFileSync(join(dir, 'wal', f)).length, 0);
    // About the request's size plus framing; logging the request per statement would be ~200 times it.
    expect(logBytes).toBeLessThan(request.length * 3);
    const reopened = await open(dir);
    expect((await reopened.sql('SHOW TABLES')).rows.length).toBe(200);
    await reopened.close();
  });
});
