// A commit is all or nothing: when one view's dataflow fails (22012 from a
// division by zero), the INSERT/UPDATE/DELETE fails and the table and every
// view — those processed before the failing one, views on views, and the
// failing view itself — read exactly as before; later commits keep them
// correct (checked against one-shot SELECTs and hand-computed contents).

import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';
import type { QueryResult } from '../../src/query-result.js';

const VIEWS: Record<string, string> = {
  // Created in this order; the scheduler runs them in creation order.
  v_filter: 'SELECT k, a, b FROM t WHERE a > 0',
  v_sum: 'SELECT k, count(*) AS n, sum(a) AS s, min(b) AS lo, max(b) AS hi FROM t GROUP BY k',
  v_global: 'SELECT count(*) AS n, sum(b) AS s, avg(a) AS m FROM t',
  v_on_view: 'SELECT k, s * 2 AS s2 FROM v_sum WHERE n > 0',
  v_div: 'SELECT k, a / b AS q FROM t',
  v_after: 'SELECT k, a + b AS ab FROM t',
  v_after_on_div: 'SELECT k, sum(q) AS sq FROM v_div GROUP BY k',
};

const sorted = (r: QueryResult): string[] => r.rows.map((x) => JSON.stringify(x)).sort();

async function contents(e: Engine): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = { t: sorted(await e.sql('SELECT * FROM t')) };
  for (const v of Object.keys(VIEWS)) out[v] = sorted(await e.sql(`SELECT * FROM ${v}`));
  return out;
}

/** What each view should hold: its defining query run one-shot over the current tables. */
async function recomputed(e: Engine): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = { t: sorted(await e.sql('SELECT * FROM t')) };
  const sumRows = sorted(await e.sql(VIEWS.v_sum!));
  for (const [v, q] of Object.entries(VIEWS)) {
    if (v === 'v_on_view') {
      out[v] = sumRows.map((r) => JSON.parse(r) as [string, number, number]).filter((r) => r[1] > 0).map((r) => JSON.stringify([r[0], r[2] * 2])).sort();
    } else if (v === 'v_after_on_div') {
      out[v] = sorted(await e.sql('SELECT k, sum(a / b) AS sq FROM t GROUP BY k'));
    } else {
      out[v] = sorted(await e.sql(q));
    }
  }
  return out;
}

async function setup(keyed: boolean): Promise<Engine> {
  const e = new Engine();
  await e.sql(`CREATE TABLE t (id int${keyed ? ' PRIMARY KEY' : ''}, k text, a int, b int)`);
  await e.sql("INSERT INTO t VALUES (1, 'x', 10, 2), (2, 'x', 7, 7), (3, 'y', -4, 1), (4, NULL, 9, 3)");
  for (const [name, q] of Object.entries(VIEWS)) await e.sql(`CREATE MATERIALIZED VIEW ${name} AS ${q}`);
  return e;
}

async function expectFailsCleanly(e: Engine, sql: string): Promise<void> {
  const before = await contents(e);
  const lsn = e.lsn;
  await expect(e.sql(sql)).rejects.toMatchObject({ code: '22012' });
  expect(await contents(e)).toEqual(before);
  expect(e.lsn).toBe(lsn);
}

describe('scheduler rollback on a failing view', () => {
  it('INSERT with a zero divisor: table and all views unchanged; later inserts stay correct', async () => {
    const e = await setup(false);
    expect(await contents(e)).toEqual(await recomputed(e));
    await expectFailsCleanly(e, "INSERT INTO t VALUES (5, 'x', 100, 5), (6, 'z', 1, 0), (7, NULL, 3, 3)");
    // The rows of the failed batch that would have been fine are not there either.
    expect((await e.sql('SELECT count(*) FROM t')).rows).toEqual([[4]]);

    await e.sql("INSERT INTO t VALUES (5, 'x', 100, 5), (7, NULL, 3, 3), (8, 'z', -1, -1)");
    expect(await contents(e)).toEqual(await recomputed(e));
    // Hand-computed: group x now holds a = 10, 7, 100.
    expect((await e.sql("SELECT n, s, lo, hi FROM v_sum WHERE k = 'x'")).rows).toEqual([[3, 117, 2, 7]]);
    expect((await e.sql("SELECT s2 FROM v_on_view WHERE k = 'x'")).rows).toEqual([[234]]);
    expect((await e.sql('SELECT n, s FROM v_global')).rows).toEqual([[7, 20]]);
  });

  it('repeated failures do not accumulate damage', async () => {
    const e = await setup(false);
    for (let i = 0; i < 5; i++) await expectFailsCleanly(e, `INSERT INTO t VALUES (${10 + i}, 'w', ${i}, 0)`);
    await e.sql("INSERT INTO t VALUES (20, 'w', 8, 4)");
    expect(await contents(e)).toEqual(await recomputed(e));
    expect((await e.sql("SELECT * FROM v_sum WHERE k = 'w'")).rows).toEqual([['w', 1, 8, 4, 4]]);
  });

  it('UPDATE that makes a divisor zero fails and changes nothing', async () => {
    const e = await setup(true);
    await expectFailsCleanly(e, 'UPDATE t SET b = 0 WHERE id = 2');
    await expectFailsCleanly(e, 'UPDATE t SET b = b - 1');
    await e.sql('UPDATE t SET b = b + 1');
    expect(await contents(e)).toEqual(await recomputed(e));
  });

  it('upsert (keyed table) whose new row has a zero divisor: the old row stays in table and views', async () => {
    const e = await setup(true);
    await expectFailsCleanly(e, "INSERT INTO t VALUES (1, 'x', 10, 0)");
    expect((await e.sql('SELECT a, b FROM t WHERE id = 1')).rows).toEqual([[10, 2]]);
    await e.sql("INSERT INTO t VALUES (1, 'y', 12, 3)");
    expect(await contents(e)).toEqual(await recomputed(e));
  });

  it('DELETE never divides, and commits after a failed INSERT', async () => {
    const e = await setup(false);
    await expectFailsCleanly(e, "INSERT INTO t VALUES (9, 'x', 1, 0)");
    await e.sql("DELETE FROM t WHERE k = 'x'");
    expect(await contents(e)).toEqual(await recomputed(e));
    expect((await e.sql("SELECT * FROM v_sum WHERE k = 'x'")).rows).toEqual([]);
  });

  it('the library insert() API rolls back the same way', async () => {
    const e = await setup(false);
    const before = await contents(e);
    await expect(e.insert('t', [{ id: 5, k: 'x', a: 1, b: 1 }, { id: 6, k: 'x', a: 1, b: 0 }])).rejects.toMatchObject({ code: '22012' });
    expect(await contents(e)).toEqual(before);
  });

  it('CREATE MATERIALIZED VIEW whose backfill divides by zero fails and leaves no view', async () => {
    const e2 = new Engine();
    await e2.sql('CREATE TABLE t (a int, b int); INSERT INTO t VALUES (1, 0)');
    await expect(e2.sql('CREATE MATERIALIZED VIEW bad AS SELECT a / b FROM t')).rejects.toMatchObject({ code: '22012' });
    expect((await e2.sql('SHOW VIEWS')).rows).toEqual([]);
    await expect(e2.sql('SELECT * FROM bad')).rejects.toMatchObject({ code: '42P01' });
    await e2.sql('INSERT INTO t VALUES (2, 1)');
    expect((await e2.sql('SELECT count(*) FROM t')).rows).toEqual([[2]]);
  });
});
