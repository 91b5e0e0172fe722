// CREATE OR REPLACE MATERIALIZED VIEW: the new version's rows, the views and
// sinks reading it (which take the difference between the versions), and the
// same after a restart — checked against DuckDB running the new queries.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine.js';
import { EngineError } from '../../src/common/errors.js';
import { DuckDbOracle } from '../differential/duckdb-oracle.js';
import { expectViewsMatch } from './oracle-views.js';
import type { OracleView } from './oracle-views.js';

const SCHEMA = 'CREATE TABLE orders (id INT PRIMARY KEY, customer TEXT, amount INT)';
const ROWS = [
  [1, 'ann', 10], [2, 'bob', 25], [3, 'ann', 40], [4, 'cy', 5], [5, 'bob', 60], [6, 'dee', 15],
] as const;
const INSERT = `INSERT INTO orders VALUES ${ROWS.map(([id, c, a]) => `(${id}, '${c}', ${a})`).join(', ')}`;

describe('CREATE OR REPLACE MATERIALIZED VIEW', () => {
  let duck: DuckDbOracle;
  const root = mkdtempSync(join(tmpdir(), 'freshet-replace-'));
  beforeAll(async () => {
    duck = await DuckDbOracle.open();
    await duck.exec(SCHEMA);
    await duck.exec(INSERT);
  });
  afterAll(() => {
    duck.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('dependents and a table sink follow the new version; readers see it after a restart', async () => {
    const dir = join(root, 'chain');
    let engine = await Engine.open({ dataDir: dir });
    await engine.sql(`${SCHEMA}; ${INSERT}`);
    await engine.sql(`
      CREATE MATERIALIZED VIEW big AS SELECT id, customer, amount FROM orders WHERE amount > 20;
      CREATE MATERIALIZED VIEW per_customer AS SELECT customer, count(*) AS n, sum(amount) AS total FROM big GROUP BY customer;
      CREATE TABLE copied (id INT, customer TEXT, amount INT);
      CREATE SINK keep FROM big INTO TABLE copied`);
    const lsn = engine.lsn;
    await engine.sql('CREATE OR REPLACE MATERIALIZED VIEW big AS SELECT id, customer, amount FROM orders WHERE amount >= 10 AND customer <> $1', ['bob']);
    // One commit switches the versions; the table sink's changes to `copied` are the next.
    expect(engine.lsn).toBe(lsn + 2);
    const views: OracleView[] = [
      { name: 'big', freshet: "SELECT id, customer, amount FROM orders WHERE amount >= 10 AND customer <> 'bob'", duckdb: "SELECT id, customer, amount FROM orders WHERE amount >= 10 AND customer <> 'bob'" },
      {
        name: 'per_customer',
        freshet: 'SELECT customer, count(*) AS n, sum(amount) AS total FROM big GROUP BY customer',
        duckdb: "SELECT customer, count(*), sum(amount) FROM orders WHERE amount >= 10 AND customer <> 'bob' GROUP BY customer",
      },
      { name: 'copied', freshet: 'SELECT * FROM copied', duckdb: "SELECT id, customer, amount FROM orders WHERE amount >= 10 AND customer <> 'bob'" },
    ];
    await expectViewsMatch(duck, engine, views, 'the replacement');
    // Changes after the switch flow through the new version.
    await engine.sql("INSERT INTO orders VALUES (7, 'eve', 12), (8, 'bob', 99)");
    await duck.exec("INSERT INTO orders VALUES (7, 'eve', 12), (8, 'bob', 99)");
    await expectViewsMatch(duck, engine, views, 'inserts after the replacement');
    for (const checkpointOnClose of [false, true]) {
      await engine.close();
      engine = await Engine.open({ dataDir: dir, checkpointOnClose: !checkpointOnClose });
      await expectViewsMatch(duck, engine, views, checkpointOnClose ? 'recovery from a checkpoint' : 'recovery from the log');
    }
    await engine.close();
    await duck.exec('DELETE FROM orders WHERE id IN (7, 8)');
  });

  test('refuses other columns while something reads the view, and a cycle; changes nothing then', async () => {
    const engine = new Engine();
    await engine.sql(`${SCHEMA}; ${INSERT}`);
    await engine.sql('CREATE MATERIALIZED VIEW v AS SELECT customer, amount FROM orders; CREATE MATERIALIZED VIEW w AS SELECT customer FROM v');
    const before = (await engine.sql('SELECT * FROM v ORDER BY customer, amount')).rows;
    const lsn = engine.lsn;
    const changed = await engine.sql('CREATE OR REPLACE MATERIALIZED VIEW v AS SELECT customer FROM orders').catch((e: unknown) => e);
    expect(changed).toBeInstanceOf(EngineError);
    expect((changed as EngineError).message).toMatch(/different columns .* materialized view w reads it/);
    const cycle = await engine.sql('CREATE OR REPLACE MATERIALIZED VIEW v AS SELECT customer, amount FROM orders WHERE customer IN (SELECT customer FROM w)').catch((e: unknown) => e);
    expect((cycle as EngineError).message).toMatch(/cannot read "w", which reads it/);
    const table = await engine.sql('CREATE OR REPLACE MATERIALIZED VIEW orders AS SELECT 1').catch((e: unknown) => e);
    expect((table as EngineError).message).toMatch(/is a table, not a materialized view/);
    expect((await engine.sql('SELECT * FROM v ORDER BY customer, amount')).rows).toEqual(before);
    expect(engine.lsn).toBe(lsn);
    // Without readers the columns may change.
    await engine.sql('DROP MATERIALIZED VIEW w');
    await engine.sql('CREATE OR REPLACE MATERIALIZED VIEW v AS SELECT customer, sum(amount) AS total FROM orders GROUP BY customer');
    expect((await engine.sql('SELECT * FROM v ORDER BY customer')).rows).toEqual((await duck.query('SELECT customer, sum(amount)::INT FROM orders GROUP BY customer ORDER BY customer')).rows);
  });
  test('a new version by the same plan keeps the old state: rows retention removed stay counted, also when recovery rebuilds it; another plan is rebuilt from what is left', async () => {
    const MINUTE = 60_000;
    const T0 = Date.UTC(2026, 0, 1);
    const ts = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
    const dir = join(root, 'same-plan');
    // Checkpoints without view state: every start rebuilds the views from the tables (and their expired rows).
    let engine = await Engine.open({ dataDir: dir, checkpointViews: false });
    try {
      await engine.sql(`CREATE TABLE ev (id INT PRIMARY KEY, k TEXT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '1 minute') WITH (retention = '1 hour');
        CREATE MATERIALIZED VIEW per_k AS SELECT k, count(*) AS n FROM ev GROUP BY k;
        CREATE MATERIALIZED VIEW total AS SELECT sum(n) AS s FROM per_k`);
      // One event a minute for 3 hours: retention leaves about the last hour in the table.
      for (let c = 0; c < 18; c++) {
        const ids = Array.from({ length: 10 }, (_, i) => c * 10 + i);
        await engine.sql(`INSERT INTO ev VALUES ${ids.map((id) => `(${id}, 'k${id % 3}', '${ts(T0 + id * MINUTE)}')`).join(', ')}`);
      }
      const kept = Number((await engine.sql('SELECT count(*) FROM ev')).rows[0]![0]);
      expect(kept).toBeLessThan(100);
      const perK = async (): Promise<unknown[][]> => (await engine.sql('SELECT * FROM per_k ORDER BY 1')).rows.map((r) => [...r]);
      expect(await perK()).toEqual([['k0', 60], ['k1', 60], ['k2', 60]]);
      // The same plan, spelled differently: the view keeps all 180 events (a rebuild would count only the kept ones).
      await engine.sql('create or replace materialized view per_k as select  K, COUNT(*) n from EV group by k');
      expect(await perK()).toEqual([['k0', 60], ['k1', 60], ['k2', 60]]);
      expect((await engine.sql('SELECT s FROM total')).rows).toEqual([[180]]);
      // It goes on from that state.
      await engine.sql(`INSERT INTO ev VALUES (500, 'k1', '${ts(T0 + 180 * MINUTE)}')`);
      expect(await perK()).toEqual([['k0', 60], ['k1', 61], ['k2', 60]]);
      // Rebuilt at recovery, it counts the rows retention removed since the first version was created.
      await engine.close();
      engine = await Engine.open({ dataDir: dir, checkpointViews: false });
      expect(engine.recovery!.views.rebuilt.map((r) => r.name)).toEqual(['per_k', 'total']);
      expect(await perK()).toEqual([['k0', 60], ['k1', 61], ['k2', 60]]);
      expect((await engine.sql('SELECT s FROM total')).rows).toEqual([[181]]);
      // Another plan (a filter that keeps every row still changes the plan): rebuilt from the rows the table has.
      const left = Number((await engine.sql('SELECT count(*) FROM ev')).rows[0]![0]);
      await engine.sql('CREATE OR REPLACE MATERIALIZED VIEW per_k AS SELECT k, count(*) AS n FROM ev WHERE id >= 0 GROUP BY k');
      expect(Number((await engine.sql('SELECT sum(n) FROM per_k')).rows[0]![0])).toBe(left);
      expect((await engine.sql('SELECT s FROM total')).rows).toEqual([[left]]);
    } finally {
      await engine.close();
    }
  });

});
