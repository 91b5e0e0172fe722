// Views over large inputs are built in the background (engine/backfill.ts):
// the CREATE resolves when the view is built, while other statements run in
// between its chunks; what they change reaches the new view; freshet_progress
// shows the build; the view cannot be read, dropped or depended on until it
// is built. Expected view contents come from DuckDB running the same
// statements; progress figures are checked against the rows the test loaded.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromArrays } from 'apache-arrow';
import { Engine } from '../../src/engine.js';
import { BACKGROUND_MIN_ROWS } from '../../src/engine/backfill.js';
import { DuckDbOracle } from '../differential/duckdb-oracle.js';
import { expectViewsMatch } from './oracle-views.js';
import type { OracleView } from './oracle-views.js';

const N = BACKGROUND_MIN_ROWS + 60_000;
const root = mkdtempSync(join(tmpdir(), 'freshet-backfill-'));
let duck: DuckDbOracle;
beforeAll(async () => {
  duck = await DuckDbOracle.open();
});
afterAll(() => {
  duck.close();
  rmSync(root, { recursive: true, force: true });
});

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** N rows (id, k = id % 97, v = id * 7919 % 1000) into Freshet (one bulk insert) and DuckDB. */
async function load(engine: Engine): Promise<void> {
  await engine.sql('CREATE TABLE t (id INT, k INT, v INT)');
  const id = Int32Array.from({ length: N }, (_, i) => i);
  await engine.insertArrow('t', tableFromArrays({ id, k: id.map((x) => x % 97), v: id.map((x) => (x * 7919) % 1000) }));
  await duck.exec('CREATE OR REPLACE TABLE t (id INTEGER, k INTEGER, v INTEGER)');
  await duck.exec(`INSERT INTO t SELECT range, range % 97, (range * 7919) % 1000 FROM range(${N})`);
}

async function both(engine: Engine, sql: string): Promise<void> {
  await engine.sql(sql);
  await duck.exec(sql);
}

const BY_K: OracleView = {
  name: 'by_k',
  freshet: 'SELECT k, count(*) AS n, sum(v) AS s, min(v) AS lo FROM t GROUP BY k',
  duckdb: 'SELECT k, count(*) AS n, sum(v) AS s, min(v) AS lo FROM t GROUP BY k',
};

describe('background backfill', () => {
  test('ingest goes on while a view is built; the view ends current; freshet_progress shows it', async () => {
    const engine = new Engine();
    await load(engine);
    const create = engine.sql(`CREATE MATERIALIZED VIEW by_k AS ${BY_K.freshet}`);
    let sawProgress = 0;
    /** rows_done when each batch of changes went in. */
    const changedAt: number[] = [];
    /** What went into Freshet meanwhile, for DuckDB afterwards (its calls would let the build run on between the checks). */
    const changes: string[] = [];
    for (let turn = 0; engine.progress().length > 0; turn++) {
      const [p] = engine.progress();
      expect(p!.view).toBe('by_k');
      expect(p!.rowsTotal).toBe(N);
      expect(p!.rowsDone).toBeLessThanOrEqual(N);
      expect((await engine.sql('SELECT view_name, rows_done, rows_total FROM freshet_progress')).rows).toEqual([['by_k', p!.rowsDone, N]]);
      sawProgress++;
      for (const sql of [
        `INSERT INTO t VALUES (${N + turn}, ${turn % 5}, ${turn}), (${N + turn + 100_000}, 200, 7)`,
        `DELETE FROM t WHERE id = ${turn * 1000}`,
        `UPDATE t SET v = v + 1 WHERE id = ${turn * 1000 + 1}`,
      ]) {
        await engine.sql(sql);
        changes.push(sql);
      }
      changedAt.push(p!.rowsDone);
      // Not readable yet, and its name and inputs are taken.
      await expect(engine.sql('SELECT * FROM by_k')).rejects.toMatchObject({ code: '55000', message: expect.stringContaining('still being built') });
      await expect(engine.sql('DROP TABLE t')).rejects.toMatchObject({ code: '55000' });
      await expect(engine.sql('CREATE MATERIALIZED VIEW by_k AS SELECT 1 AS x')).rejects.toMatchObject({ code: '42P07' });
      await nextTurn();
    }
    for (const sql of changes) await duck.exec(sql);
    expect(await create).toMatchObject({ command: 'CREATE MATERIALIZED VIEW' });
    // Commits went in before the first chunk and between chunks.
    expect(sawProgress).toBeGreaterThan(1);
    expect(changedAt.some((done) => done > 0 && done < N)).toBe(true);
    expect((await engine.sql('SELECT count(*) FROM freshet_progress')).rows).toEqual([[0]]);
    await expectViewsMatch(duck, engine, [BY_K], 'a background build with concurrent changes');
    await both(engine, 'DELETE FROM t WHERE k = 3');
    await expectViewsMatch(duck, engine, [BY_K], 'a delete after the build');
    await engine.close();
  });

  test('a view over cold segments and memory, replaced in the background; readers see the old version until the switch; a restart agrees', async () => {
    const dir = join(root, 'replace');
    let engine = await Engine.open({ dataDir: dir, hotMemory: 2 * 1024 * 1024, segmentRows: 50_000 });
    await load(engine);
    await engine.checkpoint();
    const status = engine.status().tables.find((x) => x.name === 't')!;
    expect(status.cold!.rows).toBeGreaterThan(0);
    await engine.sql(`CREATE MATERIALIZED VIEW by_k AS ${BY_K.freshet}`);
    await engine.sql('CREATE MATERIALIZED VIEW top AS SELECT k, n FROM by_k WHERE n > 2700');
    const before = (await engine.sql('SELECT count(*) FROM by_k')).rows;
    const replaced: OracleView = {
      name: 'by_k',
      freshet: 'SELECT k, count(*) AS n, sum(v) AS s, max(v) AS lo FROM t WHERE v > 10 GROUP BY k',
      duckdb: 'SELECT k, count(*) AS n, sum(v) AS s, max(v) AS lo FROM t WHERE v > 10 GROUP BY k',
    };
    const replace = engine.sql(`CREATE OR REPLACE MATERIALIZED VIEW by_k AS ${replaced.freshet}`);
    let turns = 0;
    while (engine.progress().length > 0) {
      // The old version stays readable and maintained.
      expect((await engine.sql('SELECT count(*) FROM by_k')).rows).toEqual(before);
      await both(engine, `INSERT INTO t VALUES (${N + turns}, 1, 500)`);
      turns++;
      await nextTurn();
    }
    await replace;
    expect(turns).toBeGreaterThan(1);
    const top: OracleView = { name: 'top', freshet: 'SELECT k, n FROM by_k WHERE n > 2700', duckdb: `SELECT k, n FROM (${replaced.duckdb}) WHERE n > 2700` };
    await expectViewsMatch(duck, engine, [replaced, top], 'a background replace');
    await engine.close();
    engine = await Engine.open({ dataDir: dir, checkpointOnClose: false });
    await expectViewsMatch(duck, engine, [replaced, top], 'a restart after a background replace');
    await engine.close();
  });

  test('a failing build leaves nothing behind; closing the engine interrupts one', async () => {
    const engine = new Engine();
    await load(engine);
    // Fails in the last chunk only (id = N - 1 divides by zero).
    await expect(engine.sql(`CREATE MATERIALIZED VIEW bad AS SELECT id / (${N - 1} - id) AS x FROM t`)).rejects.toMatchObject({ code: '22012' });
    expect((await engine.sql('SHOW VIEWS')).rows).toEqual([]);
    await engine.sql(`CREATE MATERIALIZED VIEW bad AS SELECT k FROM t WHERE v = 3`);
    const pending = engine.sql(`CREATE MATERIALIZED VIEW late AS ${BY_K.freshet}`);
    await nextTurn();
    await engine.close();
    await expect(pending).rejects.toMatchObject({ code: '57P01' });
  });
});
