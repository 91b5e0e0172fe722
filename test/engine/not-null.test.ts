// NOT NULL violations (23502) leave no trace: no row of the failing statement
// reaches the table or any view, through SQL INSERT, UPDATE, INSERT ... SELECT
// and the insert() API, and the LSN does not move.

import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';

async function setup(): Promise<Engine> {
  const e = new Engine();
  await e.sql('CREATE TABLE t (id int, name text NOT NULL, v int)');
  await e.sql("INSERT INTO t VALUES (1, 'a', 1), (2, 'b', 2)");
  await e.sql('CREATE MATERIALIZED VIEW c AS SELECT count(*) AS n, sum(v) AS s FROM t');
  await e.sql('CREATE MATERIALIZED VIEW names AS SELECT name FROM t');
  await e.sql('CREATE TABLE src (id int, name text, v int)');
  return e;
}

async function unchanged(e: Engine, lsn: number): Promise<void> {
  expect((await e.sql('SELECT * FROM t ORDER BY id')).rows).toEqual([[1, 'a', 1], [2, 'b', 2]]);
  expect((await e.sql('SELECT * FROM c')).rows).toEqual([[2, 3]]);
  expect((await e.sql('SELECT name FROM names ORDER BY name')).rows).toEqual([['a'], ['b']]);
  expect(e.lsn).toBe(lsn);
}

describe('NOT NULL', () => {
  it('INSERT with a NULL among valid rows, explicit or by omission', async () => {
    const e = await setup();
    const lsn = e.lsn;
    await expect(e.sql("INSERT INTO t VALUES (3, 'c', 3), (4, NULL, 4)")).rejects.toMatchObject({ code: '23502' });
    await expect(e.sql('INSERT INTO t (id, v) VALUES (5, 5)')).rejects.toMatchObject({ code: '23502' });
    await unchanged(e, lsn);
  });

  it('the error names the column', async () => {
    const e = await setup();
    await expect(e.sql('INSERT INTO t (id) VALUES (5)')).rejects.toThrow(/"name"/);
  });

  it('UPDATE setting NULL', async () => {
    const e = await setup();
    const lsn = e.lsn;
    await expect(e.sql('UPDATE t SET name = NULL WHERE id = 2')).rejects.toMatchObject({ code: '23502' });
    await unchanged(e, lsn);
  });

  it('INSERT ... SELECT bringing a NULL', async () => {
    const e = await setup();
    await e.sql("INSERT INTO src VALUES (7, 'g', 7), (8, NULL, 8)");
    const lsn = e.lsn;
    await expect(e.sql('INSERT INTO t SELECT * FROM src')).rejects.toMatchObject({ code: '23502' });
    await unchanged(e, lsn);
  });

  it('insert() API with a missing or null field', async () => {
    const e = await setup();
    const lsn = e.lsn;
    await expect(e.insert('t', [{ id: 3, name: 'c', v: 3 }, { id: 4, v: 4 }])).rejects.toMatchObject({ code: '23502' });
    await expect(e.insert('t', [{ id: 3, name: null, v: 3 }])).rejects.toMatchObject({ code: '23502' });
    await unchanged(e, lsn);
  });

  it('after a violation, a valid insert commits normally', async () => {
    const e = await setup();
    await expect(e.sql("INSERT INTO t VALUES (3, NULL, 3)")).rejects.toMatchObject({ code: '23502' });
    await e.sql("INSERT INTO t VALUES (3, 'c', 3)");
    expect((await e.sql('SELECT * FROM c')).rows).toEqual([[3, 6]]);
  });
});
