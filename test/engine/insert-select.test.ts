// INSERT ... SELECT: the query runs over a snapshot taken before the insert
// (inserting a table into itself doubles it once), target column lists map by
// position, casts apply, and views on the target see the rows in one commit.

import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';

describe('INSERT ... SELECT', () => {
  it('copies filtered, computed rows and reports the count', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE src (a int, b text); CREATE TABLE dst (x bigint, y text, z double precision)');
    await e.sql("INSERT INTO src VALUES (1, 'one'), (2, 'two'), (3, NULL)");
    await e.sql('CREATE MATERIALIZED VIEW d AS SELECT count(*) AS n, sum(x) AS s FROM dst');
    const r = await e.sql('INSERT INTO dst (y, x) SELECT upper(b), a * 10 FROM src WHERE a >= 2');
    expect(r.command).toBe('INSERT');
    expect(r.rowCount).toBe(2);
    expect((await e.sql('SELECT * FROM dst ORDER BY x')).rows).toEqual([[20, 'TWO', null], [30, null, null]]);
    expect((await e.sql('SELECT * FROM d')).rows).toEqual([[2, 50]]);
  });

  it('a table inserted into itself doubles exactly once', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE t (a int); INSERT INTO t VALUES (1), (2)');
    await e.sql('INSERT INTO t SELECT a + 10 FROM t');
    expect((await e.sql('SELECT a FROM t ORDER BY a')).rows).toEqual([[1], [2], [11], [12]]);
  });

  it('from a view, with aggregation', async () => {
    const e = new Engine();
    await e.sql("CREATE TABLE t (k text, v int); INSERT INTO t VALUES ('a', 1), ('a', 2), ('b', 5)");
    await e.sql('CREATE MATERIALIZED VIEW s AS SELECT k, sum(v) AS total FROM t GROUP BY k');
    await e.sql('CREATE TABLE snap (k text, total bigint)');
    await e.sql('INSERT INTO snap SELECT k, total FROM s');
    expect((await e.sql('SELECT * FROM snap ORDER BY k')).rows).toEqual([['a', 3], ['b', 5]]);
  });

  it('the wrong number of columns is an error and inserts nothing', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE t (a int, b int); CREATE TABLE u (x int); INSERT INTO u VALUES (1)');
    await expect(e.sql('INSERT INTO t SELECT x FROM u')).rejects.toMatchObject({ code: '42601' });
    await expect(e.sql('INSERT INTO t (a) SELECT x, x FROM u')).rejects.toMatchObject({ code: '42601' });
    expect((await e.sql('SELECT count(*) FROM t')).rows).toEqual([[0]]);
  });

  it('an empty SELECT inserts nothing', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE t (a int); CREATE TABLE u (x int)');
    const r = await e.sql('INSERT INTO t SELECT x FROM u');
    expect(r.rowCount).toBe(0);
  });
});
