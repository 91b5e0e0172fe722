// Operator state beyond memory (--state-memory): joins
// (dataflow/join-partitions.ts), grouped aggregates, windows and top-N per
// partition (dataflow/partitioned-operator.ts), INTERSECT/EXCEPT
// (dataflow/partitioned-set-operation.ts) and views' own rows
// (dataflow/materialized-rows.ts). Engines with budgets of a few KiB
// split that state into parts and move most of them to scratch files at
// nearly every step. A seeded random
// workload (inserts with duplicates and NULL keys, deletes, key-changing
// updates) runs on Freshet and on DuckDB; every few steps each view must
// equal DuckDB's result of its query. Other tests: a failed statement whose
// error comes from one part leaves every part as it was, a damaged scratch
// file fails with XX001, dropping views deletes their files, and a durable
// engine keeps its files under <dataDir>/state only while it runs.

import { afterAll, describe, expect, test } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine.js';
import { VIEW_ROWS } from '../../src/engine/status.js';
import { EngineError, SqlState } from '../../src/common/errors.js';
import { DuckDbOracle } from '../differential/duckdb-oracle.js';
import { diffMultisets, formatRow } from '../differential/comparator.js';
import { SeededRandom } from '../seeded-random.js';
import { expectStoredViewsMatch, freshetRows, randomInsert } from './oracle-views.js';
import { Int32, Table, Utf8, makeData, makeVector, vectorFromArray } from 'apache-arrow';

const root = mkdtempSync(join(tmpdir(), 'freshet-join-spill-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SCHEMA = ['CREATE TABLE l (id INT, k INT, a TEXT)', 'CREATE TABLE r (id INT, k INT, b INT)'];
const DUCK_SCHEMA = ['CREATE TABLE l (id INTEGER, k INTEGER, a VARCHAR)', 'CREATE TABLE r (id INTEGER, k INTEGER, b INTEGER)'];

const VIEWS: readonly { readonly name: string; readonly query: string }[] = [
  { name: 'v_inner', query: 'SELECT l.id AS lid, l.a, r.id AS rid, r.b FROM l JOIN r ON l.k = r.k' },
  { name: 'v_left', query: 'SELECT l.id AS lid, l.k, r.id AS rid FROM l LEFT JOIN r ON l.k = r.k' },
  { name: 'v_full', query: 'SELECT l.id AS lid, r.id AS rid, r.b FROM l FULL JOIN r ON l.k = r.k AND l.id < r.id' },
  { name: 'v_two_keys', query: 'SELECT l.id AS lid, r.id AS rid FROM l JOIN r ON l.k = r.k AND l.id % 3 = r.b % 3' },
  { name: 'v_counts', query: 'SELECT l.k, count(*) AS n, sum(r.b) AS s FROM l JOIN r ON l.k = r.k GROUP BY l.k' },
  // Aggregates whose state grows with the input: parted too.
  { name: 'v_extremes', query: 'SELECT k, min(a) AS lo, max(a) AS hi, count(DISTINCT a) AS d, count(*) AS n, sum(id) AS s FROM l GROUP BY k' },
  { name: 'v_filtered', query: 'SELECT k % 7 AS g, max(b) FILTER (WHERE b > 0) AS top, min(b) AS low, bool_or(b < -15) AS any_low, percentile_disc(0.5) WITHIN GROUP (ORDER BY b) AS med FROM r GROUP BY k % 7' },
  { name: 'v_distinct', query: 'SELECT DISTINCT k, b FROM r' },
  { name: 'v_join_max', query: 'SELECT l.k, max(r.b) AS m, count(DISTINCT r.id) AS d FROM l JOIN r ON l.k = r.k GROUP BY l.k' },
  // Top-N and windows per partition: parted by their partition key.
  // Set operations: in parts by row.
  { name: 'v_intersect', query: 'SELECT k FROM l INTERSECT SELECT k FROM r' },
  { name: 'v_except_all', query: 'SELECT k, id % 5 AS m FROM l EXCEPT ALL SELECT k, b % 5 FROM r' },
  { name: 'v_top', query: 'SELECT DISTINCT ON (k) k, id, b FROM r ORDER BY k, b DESC, id' },
  {
    name: 'v_window',
    // One ORDER BY for all calls: r has duplicate rows, and two orderings could pair their row numbers differently.
    query: 'SELECT id, k, row_number() OVER (PARTITION BY k ORDER BY b, id) AS rn, max(b) OVER (PARTITION BY k) AS mb, sum(b) OVER (PARTITION BY k ORDER BY b, id) AS running, lag(id) OVER (PARTITION BY k ORDER BY b, id) AS prev FROM r',
  },
];

const VIEW_NAMES = VIEWS.map((v) => v.name);

async function both(engine: Engine, duck: DuckDbOracle, sql: string): Promise<void> {
  await engine.sql(sql);
  await duck.exec(sql);
}

function partsOf(engine: Engine, operator: 'Join' | 'Aggregate' | 'TopN' | 'Window' | 'Intersect' | 'Except' | typeof VIEW_ROWS): { hotParts: number; coldParts: number; coldBytes: number } {
  let hotParts = 0;
  let coldParts = 0;
  let coldBytes = 0;
  for (const op of engine.status().operators) {
    if (op.operator !== operator || op.memory === undefined) continue;
    hotParts += op.memory.hotParts;
    coldParts += op.memory.coldParts;
    coldBytes += op.memory.coldBytes;
  }
  return { hotParts, coldParts, coldBytes };
}

/** A random insert of `n` rows into l or r: keys from a small range (so rows match), some NULL, some repeated rows. */
function insertSql(rng: SeededRandom, table: 'l' | 'r', nextId: () => number, n: number): string {
  return randomInsert(rng, table, nextId, n, 400, (id, k) => (table === 'l' ? `(${id}, ${k}, 'a${rng.int(0, 50)}')` : `(${id}, ${k}, ${rng.int(-20, 20)})`));
}

async function setUp(engine: Engine, duck: DuckDbOracle): Promise<void> {
  for (const s of SCHEMA) await engine.sql(s);
  for (const s of DUCK_SCHEMA) await duck.exec(s);
  for (const v of VIEWS) {
    await engine.sql(`CREATE MATERIALIZED VIEW ${v.name} AS ${v.query}`);
    await duck.exec(`CREATE VIEW ${v.name} AS ${v.query}`);
  }
}

describe('join and aggregate state beyond --state-memory', () => {
  for (const seed of [1, 2]) {
    test(`seed ${seed}: random changes under an 8 KiB budget match DuckDB`, async () => {
      const rng = new SeededRandom(seed);
      const engine = new Engine({ stateMemory: 8 * 1024 });
      const duck = await DuckDbOracle.open();
      let id = 0;
      const nextId = (): number => ++id;
      try {
        await setUp(engine, duck);
        let maxCold = 0;
        const maxColdOf = { Aggregate: 0, TopN: 0, Window: 0, Intersect: 0, Except: 0, [VIEW_ROWS]: 0 };
        for (let step = 1; step <= 48; step++) {
          const roll = rng.next();
          let sql: string;
          if (roll < 0.55) sql = insertSql(rng, rng.chance(0.5) ? 'l' : 'r', nextId, rng.pick([1, 5, 40, 200]));
          else if (roll < 0.75) sql = `DELETE FROM ${rng.pick(['l', 'r'])} WHERE id % ${rng.int(3, 9)} = ${rng.int(0, 2)}`;
          else if (roll < 0.9) sql = `UPDATE ${rng.pick(['l', 'r'])} SET k = k + ${rng.int(1, 3)} WHERE id % ${rng.int(4, 11)} = 1`;
          else sql = `DELETE FROM ${rng.pick(['l', 'r'])} WHERE k BETWEEN ${rng.int(0, 350)} AND ${rng.int(350, 400)}`;
          await both(engine, duck, sql);
          maxCold = Math.max(maxCold, partsOf(engine, 'Join').coldParts);
          for (const op of ['Aggregate', 'TopN', 'Window', 'Intersect', 'Except', VIEW_ROWS] as const) maxColdOf[op] = Math.max(maxColdOf[op], partsOf(engine, op).coldParts);
          if (step % 8 === 0) await expectStoredViewsMatch(engine, duck, VIEW_NAMES, `seed ${seed}, step ${step} (${sql})`);
        }
        await expectStoredViewsMatch(engine, duck, VIEW_NAMES, `seed ${seed}, end`);
        const budget = engine.status().stateMemory!;
        // The budget was far too small for the state: parts went to files and came back.
        expect(maxCold).toBeGreaterThan(0);
        expect(maxColdOf.Aggregate).toBeGreaterThan(0);
        expect(maxColdOf.TopN).toBeGreaterThan(0);
        expect(maxColdOf.Window).toBeGreaterThan(0);
        expect(maxColdOf.Intersect).toBeGreaterThan(0);
        expect(maxColdOf.Except).toBeGreaterThan(0);
        // So did the views' own rows, which queries then read from the files.
        expect(maxColdOf[VIEW_ROWS]).toBeGreaterThan(0);
        expect(budget.spills).toBeGreaterThan(0);
        expect(budget.loads).toBeGreaterThan(0);
        expect(budget.spillError).toBeNull();
        // Dropping the views deletes their files and stops counting their parts.
        for (const v of VIEWS) await engine.sql(`DROP MATERIALIZED VIEW ${v.name}`);
        const after = engine.status().stateMemory!;
        expect(after.coldParts).toBe(0);
        expect(after.coldBytes).toBe(0);
        expect(after.hotParts).toBe(0);
      } finally {
        duck.close();
        await engine.close();
      }
    });
  }

  test('a statement that fails in one part leaves every part as it was', async () => {
    const engine = new Engine({ stateMemory: 8 * 1024 });
    const duck = await DuckDbOracle.open();
    try {
      await setUp(engine, duck);
      // The condition reads both sides, so it stays in the join (not pushed below it).
      const residual = 'SELECT l.id AS lid, r.id AS rid FROM l JOIN r ON l.k = r.k AND 100 / (r.b - l.id) > -1000';
      await engine.sql(`CREATE MATERIALIZED VIEW v_div AS ${residual}`);
      await duck.exec(`CREATE VIEW v_div AS ${residual}`);
      const rng = new SeededRandom(7);
      let id = 0;
      for (let i = 0; i < 6; i++) await both(engine, duck, insertSql(rng, 'l', () => ++id, 200));
      expect(partsOf(engine, 'Join').coldParts).toBeGreaterThan(0);
      // 300 rows over every key; one of them (b = 99999) divides by zero against l row 99999 of key 123.
      const rows = Array.from({ length: 300 }, (_, i) => `(${100_000 + i}, ${i % 400}, ${i === 123 ? 99_999 : 0})`);
      await engine.sql('INSERT INTO l VALUES (99999, 123, \'x\')');
      await duck.exec('INSERT INTO l VALUES (99999, 123, \'x\')');
      const failed = await engine.sql(`INSERT INTO r VALUES ${rows.join(', ')}`).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(EngineError);
      expect((failed as EngineError).code).toBe(SqlState.divisionByZero);
      await expectStoredViewsMatch(engine, duck, VIEW_NAMES, 'after the failed insert');
      const v = (await duck.query(residual)).rows;
      expect(diffMultisets(v, await freshetRows(engine, 'SELECT * FROM v_div'))).toBeNull();
      // The same rows without the bad one go in, and every view follows.
      await both(engine, duck, `INSERT INTO r VALUES ${rows.filter((_, i) => i !== 123).join(', ')}`);
      // New l rows over every key meet the r rows in the state: a part left with the failed rows would double them.
      await both(engine, duck, `INSERT INTO l VALUES ${Array.from({ length: 400 }, (_, k) => `(${200_000 + k}, ${k}, 'y')`).join(', ')}`);
      await expectStoredViewsMatch(engine, duck, VIEW_NAMES, 'after the good inserts');
      expect(diffMultisets((await duck.query(residual)).rows, await freshetRows(engine, 'SELECT * FROM v_div'))).toBeNull();
    } finally {
      duck.close();
      await engine.close();
    }
  });

  test('an aggregate step that fails in one part leaves every part as it was', async () => {
    const engine = new Engine({ stateMemory: 8 * 1024 });
    const duck = await DuckDbOracle.open();
    const views = {
      v_agg_div: 'SELECT k, max(100 / (b - 99999)) AS m, count(DISTINCT b) AS d FROM r GROUP BY k',
      v_spread: 'SELECT k % 13 AS g, min(id) AS lo, max(id) AS hi FROM r GROUP BY k % 13',
    };
    const same = async (context: string): Promise<void> => {
      for (const [name, query] of Object.entries(views)) {
        const diff = diffMultisets((await duck.query(query)).rows, await freshetRows(engine, `SELECT * FROM ${name}`));
        if (diff !== null) throw new Error(`${context}: ${name} differs from DuckDB: missing ${diff.missing.map(formatRow).join(' | ')}; unexpected ${diff.unexpected.map(formatRow).join(' | ')}`);
      }
    };
    try {
      await engine.sql(SCHEMA[1]!);
      await duck.exec(DUCK_SCHEMA[1]!);
      for (const [name, query] of Object.entries(views)) {
        await engine.sql(`CREATE MATERIALIZED VIEW ${name} AS ${query}`);
        await duck.exec(`CREATE VIEW ${name} AS ${query}`);
      }
      const rows = (from: number, b: (i: number) => number): string => Array.from({ length: 400 }, (_, i) => `(${from + i}, ${i}, ${b(i)})`).join(', ');
      for (let round = 0; round < 3; round++) await both(engine, duck, `INSERT INTO r VALUES ${rows(round * 1000, (i) => i % 5)}`);
      expect(partsOf(engine, 'Aggregate').coldParts).toBeGreaterThan(0);
      // One row over every key; the one of key 250 divides by zero.
      const failed = await engine.sql(`INSERT INTO r VALUES ${rows(10_000, (i) => (i === 250 ? 99_999 : 7))}`).catch((e: unknown) => e);
      expect((failed as EngineError).code).toBe(SqlState.divisionByZero);
      await same('after the failed insert');
      // A part left with the failed rows would count them again here.
      await both(engine, duck, `INSERT INTO r VALUES ${rows(20_000, () => 7)}`);
      await both(engine, duck, 'DELETE FROM r WHERE id % 3 = 0');
      await same('after the good changes');
    } finally {
      duck.close();
      await engine.close();
    }
  });

  test('a durable engine keeps its parts under <dataDir>/state while it runs; a damaged file fails with XX001', async () => {
    const dir = join(root, 'durable');
    const duck = await DuckDbOracle.open();
    let engine = await Engine.open({ dataDir: dir, stateMemory: 8 * 1024 });
    try {
      await setUp(engine, duck);
      const rng = new SeededRandom(11);
      let id = 0;
      for (let i = 0; i < 8; i++) await both(engine, duck, insertSql(rng, i % 2 === 0 ? 'l' : 'r', () => ++id, 150));
      await expectStoredViewsMatch(engine, duck, VIEW_NAMES, 'before restart');
      const files = readdirSync(join(dir, 'state'));
      expect(files.length).toBe(engine.status().stateMemory!.coldParts);
      expect(files.length).toBeGreaterThan(0);
      await engine.close();
      expect(existsSync(join(dir, 'state'))).toBe(false);

      // Views are rebuilt from the tables at the next start, under the same budget.
      engine = await Engine.open({ dataDir: dir, stateMemory: 8 * 1024 });
      await expectStoredViewsMatch(engine, duck, VIEW_NAMES, 'after restart');
      for (let i = 0; i < 2; i++) await both(engine, duck, insertSql(rng, i % 2 === 0 ? 'l' : 'r', () => ++id, 100));
      await expectStoredViewsMatch(engine, duck, VIEW_NAMES, 'after restart and inserts');

      // Flip a byte in every scratch file: the next change that needs one fails loudly, not with wrong rows.
      for (const f of readdirSync(join(dir, 'state'))) {
        const path = join(dir, 'state', f);
        const bytes = readFileSync(path);
        bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
        writeFileSync(path, bytes);
      }
      const keys = Array.from({ length: 401 }, (_, k) => `(${900_000 + k}, ${k}, 1)`);
      const failed = await engine.sql(`INSERT INTO r VALUES ${keys.join(', ')}`).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(EngineError);
      expect((failed as EngineError).code).toBe(SqlState.dataCorrupted);
      expect((failed as EngineError).message).toMatch(/operator state file .* is damaged/);
      expect((await engine.sql('SELECT count(*) FROM r')).rows[0]![0]).toBe(await duck.query('SELECT count(*) FROM r').then((r) => r.rows[0]![0]));
    } finally {
      duck.close();
      await engine.close();
    }
  });

  test('scratch files that cannot be written or read: writes keep parts in memory, reads fail the statement with 58030', async () => {
    const dir = join(root, 'unusable');
    const duck = await DuckDbOracle.open();
    const engine = await Engine.open({ dataDir: dir, stateMemory: 8 * 1024 });
    try {
      await setUp(engine, duck);
      const rng = new SeededRandom(5);
      let id = 0;
      for (let i = 0; i < 6; i++) await both(engine, duck, insertSql(rng, i % 2 === 0 ? 'l' : 'r', () => ++id, 150));
      expect(engine.status().stateMemory!.coldParts).toBeGreaterThan(0);
      // The folder becomes a plain file: every write and read of a part fails.
      rmSync(join(dir, 'state'), { recursive: true, force: true });
      writeFileSync(join(dir, 'state'), 'not a folder');
      const keys = Array.from({ length: 401 }, (_, k) => `(${800_000 + k}, ${k}, 2)`);
      const failed = await engine.sql(`INSERT INTO r VALUES ${keys.join(', ')}`).catch((e: unknown) => e);
      expect((failed as EngineError).code).toBe(SqlState.ioError);
      expect((failed as EngineError).message).toMatch(/could not read operator state file/);
      expect(engine.status().stateMemory!.spillError).toBeNull();
      // A new view's state starts in memory: it is built, and the parts it cannot write out stay in memory.
      const query = 'SELECT l.id AS lid, r.id AS rid, l.k FROM l JOIN r ON l.k = r.k';
      await engine.sql(`CREATE MATERIALIZED VIEW v_new AS ${query}`);
      expect(engine.status().stateMemory!.spillError).toMatch(/ENOTDIR|not a directory/i);
      expect(diffMultisets((await duck.query(query)).rows, await freshetRows(engine, 'SELECT * FROM v_new'))).toBeNull();
      expect((await engine.sql('SELECT count(*) FROM r')).rows[0]![0]).toBe((await duck.query('SELECT count(*) FROM r')).rows[0]![0]);
    } finally {
      duck.close();
      await engine.close();
    }
  });

  test('a view built in the background over 205,000 rows, its state mostly in scratch files, equals DuckDB', async () => {
    const engine = new Engine({ stateMemory: 2 * 1024 * 1024 });
    const duck = await DuckDbOracle.open();
    try {
      for (const ddl of SCHEMA) await engine.sql(ddl);
      for (const ddl of DUCK_SCHEMA) await duck.exec(ddl);
      // Rows of l from a formula both engines evaluate: id i, key i*7919 % 5000, a text of 50 values.
      const n = 205_000;
      const id = Int32Array.from({ length: n }, (_, i) => i);
      await engine.insertArrow('l', new Table({
        id: makeVector(makeData({ type: new Int32(), length: n, data: id })),
        k: makeVector(makeData({ type: new Int32(), length: n, data: id.map((i) => (i * 7919) % 5000) })),
        a: vectorFromArray(Array.from(id, (i) => `a${i % 50}`), new Utf8()),
      }));
      await duck.exec(`INSERT INTO l SELECT i, (i * 7919) % 5000, 'a' || (i % 50) FROM range(${n}) t(i)`);
      await both(engine, duck, `INSERT INTO r VALUES ${Array.from({ length: 2000 }, (_, j) => `(${j}, ${(j * 3) % 5000}, ${j % 41 - 20})`).join(', ')}`);
      const views = {
        v_big_join: 'SELECT l.k, count(*) AS n, max(l.a) AS top_a, min(r.b) AS low_b FROM l JOIN r ON l.k = r.k GROUP BY l.k',
        v_big_extremes: 'SELECT k, min(a) AS lo, max(id) AS hi, count(DISTINCT a) AS d FROM l GROUP BY k',
      };
      for (const [name, query] of Object.entries(views)) {
        await engine.sql(`CREATE MATERIALIZED VIEW ${name} AS ${query}`);
        const diff = diffMultisets((await duck.query(query)).rows, await freshetRows(engine, `SELECT * FROM ${name}`));
        expect(diff).toBeNull();
      }
      expect(partsOf(engine, 'Aggregate').coldParts).toBeGreaterThan(0);
      expect(engine.status().stateMemory!.loads).toBeGreaterThan(0);
    } finally {
      duck.close();
      await engine.close();
    }
  }, 60_000);

  test('stateMemory must be a positive size', () => {
    for (const bad of [0, -1, Number.NaN]) {
      expect(() => new Engine({ stateMemory: bad })).toThrow(/stateMemory must be a positive number of bytes/);
    }
  });
});
