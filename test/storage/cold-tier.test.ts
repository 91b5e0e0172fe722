// The cold tier end to end: a durable engine with a small --hot-memory moves
// old table rows into Parquet segments at
// checkpoints, and every read and write path still sees the same table —
// one-shot queries (with segment pruning), views created over history,
// DELETE and UPDATE of cold rows, retention, recovery from a checkpoint and
// from the log. Expected results come from DuckDB running the same
// statements on its own tables; the segment files themselves are read with
// DuckDB's read_parquet.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine.js';
import type { TableStatus } from '../../src/engine.js';
import { DuckDbOracle } from '../differential/duckdb-oracle.js';
import { canonFreshet, diffMultisets, formatRow, type Row } from '../differential/comparator.js';
import { SeededRandom } from '../seeded-random.js';

const root = mkdtempSync(join(tmpdir(), 'freshet-cold-'));
let duck: DuckDbOracle;
beforeAll(async () => {
  duck = await DuckDbOracle.open();
});
afterAll(() => {
  duck.close();
  rmSync(root, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 0, 1);
const ts = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

async function freshetRows(engine: Engine, sql: string): Promise<Row[]> {
  const r = await engine.sql(sql);
  return r.rows.map((row) => row.map((v, i) => canonFreshet(v, r.fields[i]!.dataTypeID)));
}

/** Runs `sql` on both engines (DuckDB's copy of the tables is the oracle). */
async function both(engine: Engine, sql: string): Promise<void> {
  await engine.sql(sql);
  // DuckDB recomputes a plain view at each read: the oracle of a maintained one.
  await duck.exec(sql.replace('MATERIALIZED VIEW', 'VIEW'));
}

async function expectSame(engine: Engine, sql: string): Promise<void> {
  const expected = (await duck.query(sql)).rows;
  const actual = await freshetRows(engine, sql);
  const diff = diffMultisets(expected, actual);
  expect(diff === null ? null : `${sql}\nmissing: ${diff.missing.slice(0, 5).map(formatRow).join('; ')}\nunexpected: ${diff.unexpected.slice(0, 5).map(formatRow).join('; ')}`).toBeNull();
}

function table(engine: Engine, name: string): TableStatus {
  return engine.status().tables.find((t) => t.name === name)!;
}

/** `count` random event rows with ids from `first`, times rising a second per id. */
function events(rng: SeededRandom, first: number, count: number): string {
  const rows: string[] = [];
  for (let id = first; id < first + count; id++) {
    const v = rng.int(0, 9) === 0 ? 'NULL' : String(rng.int(-1000, 1000));
    const k = rng.int(0, 9) === 0 ? 'NULL' : `'k${rng.int(0, 6)}'`;
    rows.push(`(${id}, ${k}, ${v}, '${ts(T0 + id * 1000)}')`);
  }
  return `INSERT INTO ev VALUES ${rows.join(', ')}`;
}

const QUERIES = [
  'SELECT count(*), sum(v), min(ts), max(ts) FROM ev',
  'SELECT k, count(*), sum(v) FROM ev GROUP BY k',
  `SELECT id, k, v FROM ev WHERE ts >= '${ts(T0 + 3_000_000)}' AND ts < '${ts(T0 + 3_100_000)}'`,
  'SELECT id, v FROM ev WHERE id BETWEEN 1200 AND 1300',
  'SELECT count(*) FROM ev WHERE v > 900 OR k IS NULL',
  'SELECT * FROM ev_by_k',
  // Operators with state, fed a segment at a time by one-shot queries.
  'SELECT id, v FROM ev ORDER BY v DESC NULLS LAST, id LIMIT 7',
  'SELECT DISTINCT k FROM ev',
  'SELECT a.k, count(*), sum(b.v) FROM ev a JOIN ev b ON a.id = b.id + 1 GROUP BY a.k',
  'SELECT id, row_number() OVER (PARTITION BY k ORDER BY id) FROM ev WHERE id < 300 OR id > 3900',
];

describe('the cold tier', () => {
  test('rows move to Parquet at checkpoints; reads, views, DELETE, UPDATE and recovery see one table', async () => {
    const dir = join(root, 'events');
    const rng = new SeededRandom(11);
    const schema = 'CREATE TABLE ev (id INT, k TEXT, v INT, ts TIMESTAMP)';
    await duck.exec(schema);
    let engine = await Engine.open({ dataDir: dir, hotMemory: 64 * 1024, segmentRows: 700, checkpointOnClose: false });
    await engine.sql(schema);
    for (let c = 0; c < 8; c++) {
      await both(engine, events(rng, c * 500, 500));
      await engine.checkpoint();
    }
    const status = table(engine, 'ev');
    expect(status.rows).toBe(4000);
    expect(status.cold).not.toBeNull();
    expect(status.cold!.rows).toBeGreaterThan(2000);
    expect(status.cold!.segments).toBeGreaterThan(3);
    expect(status.hot.rows + status.cold!.rows).toBe(4000);
    expect(status.hot.bytes).toBeLessThanOrEqual(64 * 1024);

    // A view created now reads history from both tiers.
    await both(engine, 'CREATE MATERIALIZED VIEW ev_by_k AS SELECT k, count(*) AS n, sum(v) AS s FROM ev GROUP BY k');
    for (const q of QUERIES) await expectSame(engine, q);

    // A range on the time column reads only the segments that can hold it.
    const before = table(engine, 'ev').cold!;
    await expectSame(engine, QUERIES[2]!);
    const after = table(engine, 'ev').cold!;
    expect(after.segmentsSkipped - before.segmentsSkipped).toBeGreaterThan(0);
    expect(after.segmentsRead - before.segmentsRead).toBeLessThan(before.segments);

    // The same query again reads its segments from the decoded-segment cache.
    const cacheBefore = engine.status().segmentCache!;
    await expectSame(engine, QUERIES[2]!);
    const cacheAfter = engine.status().segmentCache!;
    expect(cacheAfter.misses).toBe(cacheBefore.misses);
    expect(cacheAfter.hits).toBeGreaterThan(cacheBefore.hits);

    // A DELETE prunes the same way: only segments whose time range meets its WHERE are read.
    const beforeDelete = table(engine, 'ev').cold!;
    await both(engine, `DELETE FROM ev WHERE ts >= '${ts(T0 + 1_000_000)}' AND ts < '${ts(T0 + 1_050_000)}'`);
    const afterDelete = table(engine, 'ev').cold!;
    expect(afterDelete.segmentsSkipped - beforeDelete.segmentsSkipped).toBeGreaterThan(0);
    for (const q of QUERIES) await expectSame(engine, q);

    // Deletes and updates reach cold rows (and hot ones), and views follow.
    await both(engine, 'DELETE FROM ev WHERE id % 7 = 0');
    await both(engine, 'UPDATE ev SET v = v + 1 WHERE id % 5 = 1');
    await both(engine, 'DELETE FROM ev WHERE id < 300');
    // Duplicates of a cold row: a table without a key is a multiset.
    await both(engine, `INSERT INTO ev SELECT * FROM ev WHERE id BETWEEN 400 AND 410`);
    await both(engine, 'DELETE FROM ev WHERE id = 405');
    for (const q of QUERIES) await expectSame(engine, q);

    // Recovery from the log alone (no checkpoint at close): the deletes replay against the cold tier.
    await engine.close();
    engine = await Engine.open({ dataDir: dir, hotMemory: 64 * 1024, segmentRows: 700 });
    expect(engine.recovery!.records).toBeGreaterThan(0);
    for (const q of QUERIES) await expectSame(engine, q);
    // ... and from a checkpoint, which saves the deletion marks.
    await both(engine, events(rng, 5000, 300));
    await engine.close();
    engine = await Engine.open({ dataDir: dir, hotMemory: 64 * 1024, segmentRows: 700 });
    expect(engine.recovery!.records).toBe(0);
    for (const q of QUERIES) await expectSame(engine, q);
    await engine.close();
    await duck.exec('DROP VIEW ev_by_k; DROP TABLE ev');
  });

  test('the segment files are plain Parquet: DuckDB reads back exactly the rows that moved', async () => {
    const dir = join(root, 'plain');
    const engine = await Engine.open({ dataDir: dir, hotMemory: 1, segmentRows: 1000 });
    await engine.sql(`CREATE TABLE t (id BIGINT, name TEXT, price DOUBLE PRECISION, day DATE, seen TIMESTAMPTZ, ok BOOLEAN, amount NUMERIC)`);
    const rng = new SeededRandom(5);
    const expected: Row[] = [];
    const values: string[] = [];
    for (let i = 0; i < 2500; i++) {
      const name = rng.int(0, 8) === 0 ? null : `n${rng.int(0, 50)}-é`;
      const price = rng.int(0, 1000) / 4;
      const day = ts(T0 + rng.int(0, 400) * 86_400_000).slice(0, 10);
      const seen = T0 + rng.int(0, 1e9) * 1000;
      const ok = rng.int(0, 1) === 1;
      const amount = `${rng.int(-5000, 5000)}.${rng.int(0, 99)}`;
      values.push(`(${i}, ${name === null ? 'NULL' : `'${name}'`}, ${price}, '${day}', '${ts(seen)}+00', ${ok}, ${amount})`);
      expected.push([i, name, price, day, seen * 1000, ok, Number(amount)]);
    }
    await engine.sql(`INSERT INTO t VALUES ${values.join(', ')}`);
    await engine.checkpoint();
    const status = table(engine, 't');
    expect(status.hot.rows).toBe(0);
    expect(status.cold!.segments).toBe(3);
    const segments = join(dir, 'segments');
    const files = readdirSync(segments).filter((f) => f.endsWith('.parquet'));
    expect(files).toHaveLength(3);
    const read = await duck.query(
      `SELECT id, name, price, CAST(day AS VARCHAR), epoch_us(seen), ok, CAST(amount AS DOUBLE) FROM read_parquet('${segments}/*.parquet')`,
    );
    const diff = diffMultisets(expected, read.rows);
    expect(diff === null ? null : `missing ${diff.missing.slice(0, 3).map(formatRow).join('; ')} unexpected ${diff.unexpected.slice(0, 3).map(formatRow).join('; ')}`).toBeNull();
    await engine.close();
  });

  test('retention drops whole cold segments without reading them, and their files go two checkpoints later', async () => {
    const dir = join(root, 'retention');
    const engine = await Engine.open({ dataDir: dir, hotMemory: 1, segmentRows: 100 });
    await engine.sql(`CREATE TABLE ev (id INT, ts TIMESTAMP, WATERMARK FOR ts AS ts) WITH (retention = '10 minutes')`);
    for (let c = 0; c < 6; c++) {
      const rows = Array.from({ length: 100 }, (_, i) => c * 100 + i).map((id) => `(${id}, '${ts(T0 + id * 1000)}')`);
      await engine.sql(`INSERT INTO ev VALUES ${rows.join(', ')}`);
      await engine.checkpoint();
    }
    const segments = join(dir, 'segments');
    const filesBefore = readdirSync(segments).filter((f) => f.endsWith('.parquet'));
    expect(table(engine, 'ev').cold!.segments).toBeGreaterThanOrEqual(5);
    // Watermark 20 minutes after T0: rows older than 10 minutes (ids < 600 - step) leave.
    await engine.sql(`INSERT INTO ev VALUES (1200, '${ts(T0 + 1_200_000)}')`);
    const cutoffIds = (await engine.sql('SELECT min(id) FROM ev')).rows[0]![0] as number;
    // Every row within retention (id >= 600) is present; older ones are gone.
    expect(cutoffIds).toBe(1200);
    expect((await engine.sql('SELECT count(*) FROM ev')).rows).toEqual([[1]]);
    // (hot-memory 1 moves even the new row cold at once.)
    expect(table(engine, 'ev').rows).toBe(1);
    await engine.checkpoint();
    await engine.sql(`INSERT INTO ev VALUES (1201, '${ts(T0 + 1_201_000)}')`);
    await engine.checkpoint();
    for (const f of filesBefore) expect(existsSync(join(segments, f)), f).toBe(false);
    await engine.close();
  });

  test('--hot-age moves rows older than the limit at the next checkpoint', async () => {
    const dir = join(root, 'age');
    let now = T0;
    const engine = await Engine.open({ dataDir: dir, hotAgeMs: 60_000, clock: () => now });
    await engine.sql('CREATE TABLE log (id INT, msg TEXT)');
    await engine.sql(`INSERT INTO log VALUES ${Array.from({ length: 50 }, (_, i) => `(${i}, 'old')`).join(', ')}`);
    now += 120_000;
    await engine.sql(`INSERT INTO log VALUES ${Array.from({ length: 20 }, (_, i) => `(${100 + i}, 'new')`).join(', ')}`);
    await engine.checkpoint();
    const status = table(engine, 'log');
    expect(status.cold!.rows).toBe(50);
    expect(status.hot.rows).toBe(20);
    expect((await engine.sql(`SELECT msg, count(*) FROM log GROUP BY msg ORDER BY msg`)).rows).toEqual([
      ['new', 20],
      ['old', 50],
    ]);
    await engine.close();
  });
});

describe('a keyed table in the cold tier', () => {
  /** Runs a statement on Freshet and its DuckDB spelling (a Freshet INSERT of an existing key replaces the row). */
  async function pair(engine: Engine, freshet: string, duckdb = freshet.replace('MATERIALIZED VIEW', 'VIEW')): Promise<void> {
    await engine.sql(freshet);
    await duck.exec(duckdb);
  }
  const KEYED_QUERIES = [
    'SELECT * FROM acc',
    'SELECT grp, count(*), sum(qty) FROM acc GROUP BY grp',
    'SELECT * FROM acc_by_grp',
    'SELECT count(*) FROM acc WHERE id BETWEEN 100 AND 900',
  ];

  test('upserts, keyed and scanned updates and deletes reach cold rows; the key index survives restarts', async () => {
    const dir = join(root, 'keyed');
    const rng = new SeededRandom(23);
    await duck.exec('CREATE TABLE acc (id INTEGER PRIMARY KEY, grp VARCHAR, qty INTEGER)');
    let engine = await Engine.open({ dataDir: dir, hotMemory: 16 * 1024, segmentRows: 300, checkpointOnClose: false });
    await engine.sql('CREATE TABLE acc (id INT PRIMARY KEY, grp TEXT, qty INT)');
    for (let c = 0; c < 6; c++) {
      const rows = Array.from({ length: 400 }, (_, i) => `(${c * 400 + i}, 'g${rng.int(0, 5)}', ${rng.int(0, 100)})`).join(', ');
      await pair(engine, `INSERT INTO acc VALUES ${rows}`);
      await engine.checkpoint();
    }
    expect(table(engine, 'acc').cold!.rows).toBeGreaterThan(1000);
    await pair(engine, 'CREATE MATERIALIZED VIEW acc_by_grp AS SELECT grp, count(*) AS n, sum(qty) AS total FROM acc GROUP BY grp');
    for (const q of KEYED_QUERIES) await expectSame(engine, q);
    // Upserts of cold keys (and a hot one, and a new one) replace their rows.
    const upserts = [3, 250, 777, 1999, 2399, 5000].map((id) => `(${id}, 'up', ${id % 7})`).join(', ');
    await pair(engine, `INSERT INTO acc VALUES ${upserts}`, `INSERT OR REPLACE INTO acc VALUES ${upserts}`);
    await pair(engine, 'UPDATE acc SET qty = qty + 1000 WHERE id = 10');
    await pair(engine, "UPDATE acc SET grp = grp || '!' WHERE qty < 5");
    await pair(engine, 'DELETE FROM acc WHERE id IN (11, 12, 13, 2398, 99999)');
    await pair(engine, 'DELETE FROM acc WHERE qty BETWEEN 40 AND 45');
    for (const q of KEYED_QUERIES) await expectSame(engine, q);
    // A new key equal to a cold one is a duplicate.
    await expect(engine.sql('UPDATE acc SET id = 20 WHERE id = 2000')).rejects.toMatchObject({ code: '23505' });
    await engine.checkpoint();
    await pair(engine, `INSERT INTO acc VALUES (21, 'late', 1), (22, 'late', 2)`, `INSERT OR REPLACE INTO acc VALUES (21, 'late', 1), (22, 'late', 2)`);
    // Restart from the checkpoint and the log after it: the key index is rebuilt from the segments.
    await engine.close();
    engine = await Engine.open({ dataDir: dir, hotMemory: 16 * 1024, segmentRows: 300 });
    for (const q of KEYED_QUERIES) await expectSame(engine, q);
    await pair(engine, `INSERT INTO acc VALUES (30, 'again', 3)`, `INSERT OR REPLACE INTO acc VALUES (30, 'again', 3)`);
    await pair(engine, 'DELETE FROM acc WHERE id = 31');
    for (const q of KEYED_QUERIES) await expectSame(engine, q);
    await engine.close();
    await duck.exec('DROP VIEW acc_by_grp; DROP TABLE acc');
  });
});

describe('tiering options', () => {
  test('a budget, age or segment size that is not positive is refused with 22023', async () => {
    for (const [options, message] of [
      [{ hotMemory: 0 }, 'hotMemory must be a positive number, got 0'],
      [{ hotAgeMs: -5 }, 'hotAgeMs must be a positive number, got -5'],
      [{ segmentRows: 2.5 }, 'segmentRows must be a positive integer, got 2.5'],
      [{ segmentCacheBytes: Number.NaN }, 'segmentCacheBytes must be 0 or more, got NaN'],
    ] as const) {
      await expect(Engine.open({ dataDir: join(root, 'options'), ...options })).rejects.toMatchObject({ code: '22023', message });
    }
  });
});

describe('a damaged segment', () => {
  test('a flipped bit in a segment file is reported (XX001), not read as other values', async () => {
    const dir = join(root, 'damaged');
    const engine = await Engine.open({ dataDir: dir, hotMemory: 1 });
    await engine.sql('CREATE TABLE t (id INT, name TEXT)');
    await engine.sql(`INSERT INTO t VALUES ${Array.from({ length: 300 }, (_, i) => `(${i}, 'name ${i}')`).join(', ')}`);
    await engine.checkpoint();
    expect(table(engine, 't').hot.rows).toBe(0);
    const segments = join(dir, 'segments');
    const [file] = readdirSync(segments).filter((f) => f.endsWith('.parquet'));
    const path = join(segments, file!);
    const bytes = readFileSync(path);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x10;
    writeFileSync(path, bytes);
    await expect(engine.sql('SELECT count(*) FROM t')).rejects.toMatchObject({ code: 'XX001', message: expect.stringContaining('is damaged') });
    await engine.close();
  });
});
