// CREATE INDEX / DROP INDEX / SHOW INDEXES as a PostgreSQL user expects them:
// a plain index is recorded and changes no result; names share one namespace
// with tables and views (42P07); unknown tables (42P01), columns (42703),
// access methods and indexes (42704) fail; constraint indexes cannot be
// dropped alone (2BP01); dropping a table drops its indexes.

import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';

async function withTable(): Promise<Engine> {
  const e = new Engine();
  await e.sql('CREATE TABLE t (a int, b text, c int)');
  await e.sql("INSERT INTO t VALUES (3, 'x', 1), (1, 'y', 2), (2, 'x', NULL), (1, 'z', 3)");
  return e;
}

async function failure(e: Engine, sql: string): Promise<{ code: string; message: string }> {
  try {
    await e.sql(sql);
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error(`expected ${sql} to fail`);
}

const indexNames = async (e: Engine): Promise<unknown[]> => (await e.sql('SHOW INDEXES')).rows.map((r) => r[0]);

describe('plain indexes', () => {
  it('are accepted and change no result, before and after the data changes', async () => {
    const e = await withTable();
    const queries = ['SELECT a, b FROM t ORDER BY a, b', 'SELECT b, count(*) FROM t GROUP BY b ORDER BY b', 'SELECT * FROM t WHERE a = 1 ORDER BY c'];
    const before = await Promise.all(queries.map(async (q) => (await e.sql(q)).rows));
    const r = await e.sql('CREATE INDEX t_a ON t (a); CREATE INDEX ON t USING hash (b); CREATE INDEX ON t (c DESC NULLS LAST, a)');
    expect(r.command).toBe('CREATE INDEX');
    expect(await Promise.all(queries.map(async (q) => (await e.sql(q)).rows))).toEqual(before);
    // A plain index does not constrain: duplicates still go in.
    await e.sql("INSERT INTO t VALUES (1, 'y', 2)");
    expect((await e.sql('SELECT count(*) FROM t WHERE a = 1')).rows).toEqual([[3]]);
  });

  it('take PostgreSQL default names, numbered when taken', async () => {
    const e = await withTable();
    await e.sql('CREATE INDEX ON t (a); CREATE INDEX ON t (a); CREATE INDEX ON t (a, b); CREATE INDEX ON t ((a + c)); CREATE INDEX ON t (lower(b))');
    await e.sql('CREATE UNIQUE INDEX ON t (b, a)');
    expect(await indexNames(e)).toEqual(['t_a_idx', 't_a_idx1', 't_a_b_idx', 't_expr_idx', 't_lower_idx', 't_b_a_idx']);
  });

  it('SHOW INDEXES lists name, table, uniqueness and a definition', async () => {
    const e = await withTable();
    await e.sql('CREATE INDEX i1 ON t (a DESC, b NULLS FIRST) WHERE c > 0');
    await e.sql('CREATE TABLE k (id int PRIMARY KEY, u text UNIQUE)');
    const r = await e.sql('SHOW INDEXES');
    expect(r.fields.map((f) => f.name)).toEqual(['name', 'table', 'unique', 'definition']);
    expect(r.rows).toEqual([
      ['i1', 't', false, 'CREATE INDEX i1 ON t USING btree (a DESC, b NULLS FIRST) WHERE (c > 0)'],
      ['k_pkey', 'k', true, 'CREATE UNIQUE INDEX k_pkey ON k USING btree (id)'],
      ['k_u_key', 'k', true, 'CREATE UNIQUE INDEX k_u_key ON k USING btree (u)'],
    ]);
  });

  it('share one namespace with tables and views: 42P07', async () => {
    const e = await withTable();
    await e.sql('CREATE INDEX i ON t (a)');
    expect(await failure(e, 'CREATE INDEX i ON t (b)')).toMatchObject({ code: '42P07', message: 'relation "i" already exists' });
    expect((await failure(e, 'CREATE INDEX t ON t (b)')).code).toBe('42P07');
    expect((await failure(e, 'CREATE TABLE i (x int)')).code).toBe('42P07');
    expect((await failure(e, 'CREATE MATERIALIZED VIEW i AS SELECT a FROM t')).code).toBe('42P07');
    // IF NOT EXISTS skips, whatever the existing index is.
    await e.sql('CREATE INDEX IF NOT EXISTS i ON t (c)');
    expect(await indexNames(e)).toEqual(['i']);
  });

  it('unknown relation 42P01, column 42703, access method 42704; a function of no column still binds', async () => {
    const e = await withTable();
    expect(await failure(e, 'CREATE INDEX i ON missing (a)')).toMatchObject({ code: '42P01', message: 'relation "missing" does not exist' });
    expect(await failure(e, 'CREATE INDEX i ON t (zz)')).toMatchObject({ code: '42703', message: 'column "zz" does not exist' });
    expect((await failure(e, 'CREATE INDEX i ON t ((a + zz))')).code).toBe('42703');
    expect((await failure(e, 'CREATE INDEX i ON t (a) WHERE zz > 0')).code).toBe('42703');
    expect((await failure(e, 'CREATE INDEX i ON t (a) INCLUDE (zz)')).code).toBe('42703');
    expect((await failure(e, 'CREATE INDEX i ON t (a) WHERE a')).code).toBe('42804');
    expect((await failure(e, 'CREATE INDEX i ON t USING nope (a)')).code).toBe('42704');
    expect((await failure(e, 'CREATE UNIQUE INDEX i ON t USING hash (a)')).code).toBe('0A000');
    expect((await failure(e, 'CREATE INDEX i ON t ((sum(a)))')).code).toBe('42803');
    expect(await indexNames(e)).toEqual([]);
  });

  it('are allowed on materialized views (plain ones), and go with the view', async () => {
    const e = await withTable();
    await e.sql('CREATE MATERIALIZED VIEW v AS SELECT b, count(*) AS n FROM t GROUP BY b');
    await e.sql('CREATE INDEX v_n ON v (n)');
    expect((await failure(e, 'CREATE UNIQUE INDEX v_b ON v (b)')).code).toBe('0A000');
    expect((await e.sql('SELECT * FROM v ORDER BY b')).rows).toEqual([['x', 2], ['y', 1], ['z', 1]]);
    await e.sql('DROP MATERIALIZED VIEW v');
    expect(await indexNames(e)).toEqual([]);
    await e.sql('CREATE INDEX v_n ON t (a)');
  });
});

describe('DROP INDEX', () => {
  it('drops several at once; IF EXISTS skips missing ones; a failing DROP drops nothing', async () => {
    const e = await withTable();
    await e.sql('CREATE INDEX i1 ON t (a); CREATE INDEX i2 ON t (b); CREATE INDEX i3 ON t (c)');
    expect((await e.sql('DROP INDEX i1, i2')).command).toBe('DROP INDEX');
    expect(await indexNames(e)).toEqual(['i3']);
    await e.sql('DROP INDEX IF EXISTS nope, i3 CASCADE');
    expect(await indexNames(e)).toEqual([]);
    await e.sql('CREATE INDEX i4 ON t (a)');
    expect(await failure(e, 'DROP INDEX i4, nope')).toMatchObject({ code: '42704', message: 'index "nope" does not exist' });
    expect(await indexNames(e)).toEqual(['i4']);
    // The name is free again once dropped.
    await e.sql('DROP INDEX i4; CREATE INDEX i4 ON t (b)');
  });

  it('a table is not an index (42809); a constraint index cannot be dropped alone (2BP01)', async () => {
    const e = await withTable();
    await e.sql('CREATE TABLE k (id int PRIMARY KEY, u int UNIQUE)');
    expect(await failure(e, 'DROP INDEX t')).toMatchObject({ code: '42809', message: '"t" is not an index' });
    expect((await failure(e, 'DROP INDEX k_pkey')).code).toBe('2BP01');
    expect(await failure(e, 'DROP INDEX IF EXISTS k_u_key')).toMatchObject({ code: '2BP01' });
    expect((await failure(e, 'DROP INDEX k_u_key')).message).toMatch(/cannot drop index k_u_key because constraint k_u_key on table k requires it/);
  });

  it('dropping a table drops its indexes and frees their names', async () => {
    const e = await withTable();
    await e.sql('CREATE UNIQUE INDEX ta ON t (b, a); CREATE TABLE u (x int UNIQUE); CREATE INDEX ux ON u (x)');
    await e.sql('DROP TABLE t');
    expect(await indexNames(e)).toEqual(['u_x_key', 'ux']);
    await e.sql('CREATE TABLE t (a int); CREATE INDEX ta ON t (a)');
  });

  it('dropping a unique index lifts its constraint', async () => {
    const e = await withTable();
    await e.sql('CREATE UNIQUE INDEX tb ON t (b, c)');
    expect((await failure(e, "INSERT INTO t VALUES (9, 'x', 1)")).code).toBe('23505');
    await e.sql('DROP INDEX tb');
    await e.sql("INSERT INTO t VALUES (9, 'x', 1)");
    expect((await e.sql("SELECT count(*) FROM t WHERE b = 'x' AND c = 1")).rows).toEqual([[2]]);
  });
});
