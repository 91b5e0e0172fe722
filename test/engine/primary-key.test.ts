// Keyed tables: INSERT with an existing primary key replaces the row (upsert),
// the last row for a key within one INSERT wins, views see the change as a
// retraction plus an insertion, and an UPDATE that would give two rows one
// key fails with 23505 and changes nothing.

import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';

async function keyed(): Promise<Engine> {
  const e = new Engine();
  await e.sql('CREATE TABLE t (id int PRIMARY KEY, k text, v int)');
  await e.sql("INSERT INTO t VALUES (1, 'a', 10), (2, 'a', 20), (3, 'b', 30)");
  return e;
}

const rows = async (e: Engine, sql: string): Promise<readonly unknown[]> => (await e.sql(sql)).rows;

describe('upsert', () => {
  it('an existing key is replaced, not duplicated', async () => {
    const e = await keyed();
    const r = await e.sql("INSERT INTO t VALUES (2, 'b', 21)");
    expect(r.rowCount).toBe(1);
    expect(await rows(e, 'SELECT * FROM t ORDER BY id')).toEqual([[1, 'a', 10], [2, 'b', 21], [3, 'b', 30]]);
  });

  it('the last row for a key within one INSERT wins', async () => {
    const e = await keyed();
    await e.sql("INSERT INTO t VALUES (4, 'c', 1), (4, 'c', 2), (1, 'z', 0), (4, 'd', 3)");
    expect(await rows(e, 'SELECT * FROM t ORDER BY id')).toEqual([[1, 'z', 0], [2, 'a', 20], [3, 'b', 30], [4, 'd', 3]]);
  });

  it('views see -old +new: a group loses the row and another gains it', async () => {
    const e = await keyed();
    await e.sql('CREATE MATERIALIZED VIEW g AS SELECT k, count(*) AS n, sum(v) AS s FROM t GROUP BY k');
    await e.sql('CREATE MATERIALIZED VIEW all_rows AS SELECT id, k, v FROM t');
    await e.sql("INSERT INTO t VALUES (1, 'b', 11)");
    expect(await rows(e, 'SELECT * FROM g ORDER BY k')).toEqual([['a', 1, 20], ['b', 2, 41]]);
    expect(await rows(e, 'SELECT * FROM all_rows ORDER BY id')).toEqual([[1, 'b', 11], [2, 'a', 20], [3, 'b', 30]]);
    // Replacing with an identical row changes nothing visible.
    await e.sql("INSERT INTO t VALUES (2, 'a', 20)");
    expect(await rows(e, 'SELECT * FROM g ORDER BY k')).toEqual([['a', 1, 20], ['b', 2, 41]]);
    // The last group member moving away removes the group.
    await e.sql("INSERT INTO t VALUES (2, 'b', 0)");
    expect(await rows(e, 'SELECT * FROM g ORDER BY k')).toEqual([['b', 3, 41]]);
  });

  it('a composite primary key', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE p (a int, b text, v int, PRIMARY KEY (a, b))');
    await e.sql("INSERT INTO p VALUES (1, 'x', 1), (1, 'y', 2), (2, 'x', 3)");
    await e.sql("INSERT INTO p VALUES (1, 'y', 20)");
    expect(await rows(e, 'SELECT * FROM p ORDER BY a, b')).toEqual([[1, 'x', 1], [1, 'y', 20], [2, 'x', 3]]);
  });
});

describe('UPDATE and the primary key', () => {
  it('changing a key into an existing one fails with 23505 and changes nothing', async () => {
    const e = await keyed();
    await e.sql('CREATE MATERIALIZED VIEW s AS SELECT sum(v) AS total, count(*) AS n FROM t');
    await expect(e.sql('UPDATE t SET id = 2 WHERE id = 1')).rejects.toMatchObject({ code: '23505' });
    expect(await rows(e, 'SELECT * FROM t ORDER BY id')).toEqual([[1, 'a', 10], [2, 'a', 20], [3, 'b', 30]]);
    expect(await rows(e, 'SELECT * FROM s')).toEqual([[60, 3]]);
  });

  it('shifting every key by one collides within the statement', async () => {
    const e = await keyed();
    await expect(e.sql('UPDATE t SET id = 1')).rejects.toMatchObject({ code: '23505' });
    expect(await rows(e, 'SELECT id FROM t ORDER BY id')).toEqual([[1], [2], [3]]);
  });

  it('moving keys to free values succeeds, also for every row at once', async () => {
    const e = await keyed();
    await e.sql('UPDATE t SET id = 10 WHERE id = 1');
    expect(await rows(e, 'SELECT id, v FROM t ORDER BY id')).toEqual([[2, 20], [3, 30], [10, 10]]);
    await e.sql('UPDATE t SET id = id + 100');
    expect(await rows(e, 'SELECT id FROM t ORDER BY id')).toEqual([[102], [103], [110]]);
  });

  it('a NULL primary key is rejected with 23502', async () => {
    const e = await keyed();
    await expect(e.sql("INSERT INTO t VALUES (NULL, 'a', 1)")).rejects.toMatchObject({ code: '23502' });
    await expect(e.sql('UPDATE t SET id = NULL WHERE id = 3')).rejects.toMatchObject({ code: '23502' });
    expect(await rows(e, 'SELECT count(*) FROM t')).toEqual([[3]]);
  });
});
