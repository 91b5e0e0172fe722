// Regressions found by review of the cold tier and background builds, each
// with the behaviour derived by hand: chunk boundaries must not change a
// view's fate (a partial count of 10 divided by), a view built while
// retention runs must come out as log replay builds it, a keyless table sink
// must take exactly the copies asked for across tiers, a failed UNIQUE insert
// must not block checkpoints, UNIQUE must see cold rows after a restart, and
// a build that fails while starting must not pin segment files forever.
import { afterAll, expect, test } from 'vitest';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine.js';
const root = mkdtempSync(join(tmpdir(), 'freshet-review-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const T0 = Date.UTC(2026, 0, 1);
const ts = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const vals = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(', ');
const open = (dir: string, o: Record<string, unknown> = {}) => Engine.open({ dataDir: dir, hotMemory: 1, segmentRows: 10, checkpointOnClose: false, ...o });
const attempt = async (f: () => Promise<unknown>) => { try { await f(); return 'ok'; } catch (x) { return String(x); } };

test('a view whose partial state divides by zero after one cold segment is built, queried and recovered from the whole input', async () => {
  const dir = join(root, 'g');
  let e = await open(dir);
  await e.sql('CREATE TABLE t (a INT); CREATE MATERIALIZED VIEW v AS SELECT 100 / (count(*) - 10) AS r FROM t');
  await e.sql(`INSERT INTO t VALUES ${vals(30, (i) => `(${i})`)}`); // auto-checkpoint: 3 cold segments
  const oneShot = await attempt(() => e.sql('SELECT 100 / (count(*) - 10) FROM t'));
  await e.close();
  const reopen = await attempt(async () => { e = await open(dir); await e.close(); });
  expect({ oneShot, reopen }).toEqual({ oneShot: 'ok', reopen: 'ok' });
  // Built in the background (its input has cold segments): 100 / (30 - 10) = 5.
  e = await open(dir);
  await e.sql('CREATE MATERIALIZED VIEW v2 AS SELECT 100 / (count(*) - 10) AS r FROM t');
  expect((await e.sql('SELECT r FROM v2')).rows).toEqual([[5]]);
  expect((await e.sql('SELECT r FROM v')).rows).toEqual([[5]]);
  await e.close();
});

test('a view built in the background while retention removes rows equals the one log replay builds', async () => {
  const dir = join(root, 'a');
  let e = await open(dir);
  await e.sql(`CREATE TABLE ev (id INT, ts TIMESTAMP, WATERMARK FOR ts AS ts) WITH (retention = '10 minutes')`);
  await e.sql(`INSERT INTO ev VALUES ${vals(200, (i) => `(${i}, '${ts(T0 + i * 1000)}')`)}`);
  await e.close();
  e = await open(dir, { hotMemory: undefined }); // no auto-checkpoint from here on
  const p = e.sql('CREATE MATERIALIZED VIEW v AS SELECT count(*) AS n FROM ev'); // background (cold segments)
  const q = e.sql(`INSERT INTO ev VALUES (1000, '${ts(T0 + 3600_000)}')`); // moves the retention cutoff
  await Promise.all([p, q]);
  const live = (await e.sql('SELECT n FROM v')).rows;
  await e.close();
  e = await open(dir, { hotMemory: undefined });
  const replayed = (await e.sql('SELECT n FROM v')).rows;
  await e.close();
  expect(live).toEqual([[1]]);
  expect(replayed).toEqual(live);
});

test('a table sink into a table without a key retracts one copy of a row whose copies are in both tiers', async () => {
  const e = await open(join(root, 'b'));
  await e.sql('CREATE TABLE src (a INT); CREATE TABLE bag (a INT); CREATE MATERIALIZED VIEW sv AS SELECT a FROM src; CREATE SINK s FROM sv INTO TABLE bag');
  await e.sql('INSERT INTO bag VALUES (1)'); // goes cold
  await e.sql('INSERT INTO src VALUES (1)');
  await e.sinks.flush('s');
  await e.sql('DELETE FROM src');
  await e.sinks.flush('s');
  const left = (await e.sql('SELECT count(*) FROM bag')).rows;
  await e.close();
  expect(left).toEqual([[1]]);
});

test('a failed UNIQUE insert does not block the next checkpoint from moving rows cold', async () => {
  const e = await open(join(root, 'c'), { hotMemory: undefined, hotAgeMs: 1 });
  await e.sql('CREATE TABLE t (id INT PRIMARY KEY, u INT UNIQUE); CREATE TABLE t2 (a INT)');
  await e.sql('INSERT INTO t VALUES (1, 10)');
  await expect(e.sql('INSERT INTO t VALUES (2, 10)')).rejects.toThrow(/duplicate/);
  await new Promise((r) => setTimeout(r, 1100));
  await e.sql('INSERT INTO t2 VALUES (1)');
  const ckpt = await attempt(() => e.checkpoint());
  await e.close();
  expect(ckpt).toBe('ok');
});

test('a UNIQUE constraint sees cold rows after a restart from a checkpoint', async () => {
  const dir = join(root, 'd');
  let e = await open(dir);
  await e.sql('CREATE TABLE t (a INT, u INT UNIQUE)');
  await e.sql('INSERT INTO t VALUES (1, 10)'); // auto-checkpoint: row cold
  await e.close();
  e = await open(dir);
  const dup = await attempt(() => e.sql('INSERT INTO t VALUES (2, 10)'));
  await e.sql('DELETE FROM t WHERE a = 1');
  const dup2 = await attempt(() => e.sql('INSERT INTO t VALUES (3, 10)'));
  const rows = (await e.sql('SELECT * FROM t ORDER BY a')).rows;
  await e.close();
  expect({ dup, dup2, rows }).toEqual({ dup: expect.stringMatching(/duplicate/), dup2: 'ok', rows: [[3, 10]] });
});

test('a background build that fails while freezing its inputs releases the segment files it pinned', async () => {
  const dir = join(root, 'e');
  const e = await open(dir);
  await e.sql('CREATE TABLE big (a INT); CREATE TABLE big2 (a INT)');
  await e.sql(`INSERT INTO big VALUES ${vals(100, (i) => `(${i})`)}`);
  await e.sql(`INSERT INTO big2 VALUES ${vals(100, (i) => `(${i})`)}`);
  const p1 = e.sql('CREATE MATERIALIZED VIEW v1 AS SELECT a FROM big2');
  await expect(e.sql('CREATE MATERIALIZED VIEW v2 AS SELECT big.a FROM big JOIN v1 ON big.a = v1.a')).rejects.toThrow(/being built/);
  await p1;
  await e.sql('DELETE FROM big');
  for (let i = 0; i < 3; i++) { await e.sql(`INSERT INTO big2 VALUES (${i})`); await e.checkpoint(); }
  const files = readdirSync(join(dir, 'segments')).length;
  const live = e.status().tables.find((t) => t.name === 'big2')!.cold!.segments;
  await e.close();
  expect(files).toBe(live);
});
