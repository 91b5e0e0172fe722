// UNIQUE constraints and unique indexes, enforced as PostgreSQL does: 23505
// with the constraint's name and the offending key; NULLs are distinct unless
// NULLS NOT DISTINCT; a failing statement changes neither the table nor any
// view. The check runs at the end of each statement (as a DEFERRABLE
// constraint would), so an UPDATE that shifts keys past each other succeeds.

import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';

async function failure(e: Engine, sql: string): Promise<{ code: string; message: string }> {
  try {
    await e.sql(sql);
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error(`expected ${sql} to fail`);
}

const rows = async (e: Engine, sql: string): Promise<unknown[][]> => (await e.sql(sql)).rows as unknown[][];

/** t(a UNIQUE, b, c) with rows a = 1, 2, 3 and two views over it. */
async function uniqueTable(): Promise<Engine> {
  const e = new Engine();
  await e.sql('CREATE TABLE t (a int UNIQUE, b text, c int)');
  await e.sql('CREATE MATERIALIZED VIEW total AS SELECT count(*) AS n, sum(a) AS s FROM t');
  await e.sql('CREATE MATERIALIZED VIEW by_b AS SELECT b, count(*) AS n FROM t GROUP BY b');
  await e.sql("INSERT INTO t VALUES (1, 'x', 10), (2, 'y', 20), (3, 'x', 30)");
  return e;
}

async function state(e: Engine): Promise<unknown> {
  return {
    t: await rows(e, 'SELECT * FROM t ORDER BY a, b, c'),
    total: await rows(e, 'SELECT * FROM total'),
    byB: await rows(e, 'SELECT * FROM by_b ORDER BY b'),
    lsn: e.lsn,
  };
}

describe('UNIQUE column constraint', () => {
  it('a second row with the key fails with 23505 naming the constraint and the key', async () => {
    const e = await uniqueTable();
    const err = await failure(e, "INSERT INTO t VALUES (2, 'z', 0)");
    expect(err.code).toBe('23505');
    expect(err.message).toBe('duplicate key value violates unique constraint "t_a_key": Key (a)=(2) already exists.');
  });

  it('a failing multi-row INSERT leaves the table and every view unchanged', async () => {
    const e = await uniqueTable();
    const before = await state(e);
    // Collides with a stored row (the last of three).
    expect((await failure(e, "INSERT INTO t VALUES (4, 'z', 0), (5, 'z', 0), (1, 'z', 0)")).code).toBe('23505');
    expect(await state(e)).toEqual(before);
    // Collides within itself only.
    const err = await failure(e, "INSERT INTO t VALUES (7, 'z', 0), (8, 'z', 0), (7, 'w', 0)");
    expect(err.message).toContain('Key (a)=(7) already exists.');
    expect(await state(e)).toEqual(before);
    // INSERT ... SELECT copies every key once more.
    expect((await failure(e, 'INSERT INTO t SELECT a + 2, b, c FROM t')).code).toBe('23505');
    expect(await state(e)).toEqual(before);
    // A later statement of the same request fails alone; the earlier one stays.
    await expect(e.sql("INSERT INTO t VALUES (4, 'z', 0); INSERT INTO t VALUES (4, 'z', 0)")).rejects.toMatchObject({ code: '23505', statementIndex: 1 });
    expect(await rows(e, 'SELECT * FROM total')).toEqual([[4, 10]]);
  });

  it('NULLs are distinct: any number of rows may have a NULL key', async () => {
    const e = await uniqueTable();
    await e.sql("INSERT INTO t VALUES (NULL, 'n', 0), (NULL, 'n', 1)");
    await e.sql("INSERT INTO t (b) VALUES ('n')");
    expect(await rows(e, 'SELECT count(*) FROM t WHERE a IS NULL')).toEqual([[3]]);
  });

  it('a key freed by DELETE or UPDATE can be taken by the next statement', async () => {
    const e = await uniqueTable();
    await e.sql('DELETE FROM t WHERE a = 2');
    await e.sql("INSERT INTO t VALUES (2, 'again', 0)");
    await e.sql('UPDATE t SET a = 9 WHERE a = 3');
    await e.sql("INSERT INTO t VALUES (3, 'again', 0)");
    expect(await rows(e, 'SELECT a, b FROM t ORDER BY a')).toEqual([[1, 'x'], [2, 'again'], [3, 'again'], [9, 'x']]);
  });

  it('the library insert() path is checked too', async () => {
    const e = await uniqueTable();
    const before = await state(e);
    await expect(e.insert('t', [{ a: 5 }, { a: 3 }])).rejects.toMatchObject({ code: '23505' });
    expect(await state(e)).toEqual(before);
    await e.insert('t', [{ a: 5 }]);
    expect(await rows(e, 'SELECT * FROM total')).toEqual([[4, 11]]);
  });

  it('a view that fails mid-commit rolls the constraint back with the table', async () => {
    const e = await uniqueTable();
    await e.sql('CREATE MATERIALIZED VIEW inv AS SELECT 60 / c AS q FROM t');
    expect((await failure(e, "INSERT INTO t VALUES (4, 'z', 1), (5, 'z', 0)")).code).toBe('22012');
    // Had the index kept 4 and 5, these would fail with 23505.
    await e.sql("INSERT INTO t VALUES (4, 'z', 1), (5, 'z', 2)");
    expect(await rows(e, 'SELECT q FROM inv ORDER BY q')).toEqual([[2], [3], [6], [30], [60]]);
  });
});

describe('UPDATE', () => {
  it('keys shifted past each other in one statement succeed (checked at the end of the statement)', async () => {
    const e = await uniqueTable();
    await e.sql('UPDATE t SET a = a + 1');
    expect(await rows(e, 'SELECT a FROM t ORDER BY a')).toEqual([[2], [3], [4]]);
    await e.sql('UPDATE t SET a = 6 - a');
    expect(await rows(e, 'SELECT a, c FROM t ORDER BY a')).toEqual([[2, 30], [3, 20], [4, 10]]);
    await e.sql('UPDATE t SET a = a');
  });

  it('an UPDATE ending with two rows on one key fails and changes nothing', async () => {
    const e = await uniqueTable();
    const before = await state(e);
    expect(await failure(e, 'UPDATE t SET a = 3 WHERE a = 1')).toMatchObject({
      code: '23505',
      message: 'duplicate key value violates unique constraint "t_a_key": Key (a)=(3) already exists.',
    });
    expect((await failure(e, "UPDATE t SET a = 7 WHERE b = 'x'")).code).toBe('23505');
    expect(await state(e)).toEqual(before);
    // Updating other columns never trips the constraint.
    await e.sql("UPDATE t SET b = 'q'");
  });
});

describe('table-level, named and multi-column constraints', () => {
  it('UNIQUE (b, c): the pair must be unique, a NULL in either makes the row distinct', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE p (b text, c int, UNIQUE (b, c))');
    await e.sql("INSERT INTO p VALUES ('x', 1), ('x', 2), ('y', 1), ('x', NULL), ('x', NULL), (NULL, 1)");
    expect(await failure(e, "INSERT INTO p VALUES ('y', 1)")).toMatchObject({
      code: '23505',
      message: 'duplicate key value violates unique constraint "p_b_c_key": Key (b, c)=(y, 1) already exists.',
    });
  });

  it('CONSTRAINT names are used in messages; NULLS NOT DISTINCT makes NULL keys collide', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE p (a int CONSTRAINT one_a UNIQUE NULLS NOT DISTINCT, d date, CONSTRAINT one_d UNIQUE (d))');
    await e.sql("INSERT INTO p VALUES (NULL, '2024-01-31')");
    expect((await failure(e, 'INSERT INTO p VALUES (NULL, NULL)')).message).toBe(
      'duplicate key value violates unique constraint "one_a": Key (a)=(null) already exists.',
    );
    expect((await failure(e, "INSERT INTO p VALUES (1, '2024-01-31')")).message).toBe(
      'duplicate key value violates unique constraint "one_d": Key (d)=(2024-01-31) already exists.',
    );
  });

  it('every constraint is checked; the first one violated is reported', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE p (a int UNIQUE, b int UNIQUE)');
    await e.sql('INSERT INTO p VALUES (1, 1)');
    expect((await failure(e, 'INSERT INTO p VALUES (2, 1)')).message).toContain('"p_b_key"');
    expect((await failure(e, 'INSERT INTO p VALUES (1, 2)')).message).toContain('"p_a_key"');
    await e.sql('INSERT INTO p VALUES (2, 2)');
  });

  it('PostgreSQL default names: repeated constraints collapse, taken names are numbered', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE p_a_key (x int)');
    await e.sql('CREATE TABLE p (a int UNIQUE, b int, UNIQUE (a), UNIQUE (b, a), id int PRIMARY KEY UNIQUE)');
    expect((await rows(e, 'SHOW INDEXES')).map((r) => r[0])).toEqual(['p_pkey', 'p_a_key1', 'p_b_a_key']);
  });

  it('bad constraints fail CREATE TABLE and leave nothing behind', async () => {
    const e = new Engine();
    expect((await failure(e, 'CREATE TABLE p (a int, UNIQUE (zz))')).code).toBe('42703');
    expect((await failure(e, 'CREATE TABLE p (a int, UNIQUE (a, a))')).code).toBe('42701');
    expect((await failure(e, 'CREATE TABLE p (a int CONSTRAINT p UNIQUE)')).code).toBe('42P07');
    expect((await failure(e, 'CREATE TABLE p (a int CONSTRAINT c UNIQUE, b int CONSTRAINT c UNIQUE)')).code).toBe('42P07');
    await e.sql('CREATE TABLE q (x int)');
    expect((await failure(e, 'CREATE TABLE p (a int CONSTRAINT q UNIQUE)')).code).toBe('42P07');
    expect((await rows(e, 'SHOW TABLES')).map((r) => r[0])).toEqual(['q']);
    expect(await rows(e, 'SHOW INDEXES')).toEqual([]);
    await e.sql('CREATE TABLE p (a int CONSTRAINT c UNIQUE)');
  });
});

describe('with a PRIMARY KEY', () => {
  it('upserts keep working; an upsert that would take another row\'s unique value fails', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE k (id int PRIMARY KEY, u text UNIQUE)');
    await e.sql("INSERT INTO k VALUES (1, 'a'), (2, 'b')");
    await e.sql("INSERT INTO k VALUES (1, 'a')");
    await e.sql("INSERT INTO k VALUES (1, 'c')");
    expect(await failure(e, "INSERT INTO k VALUES (1, 'b')")).toMatchObject({
      code: '23505',
      message: 'duplicate key value violates unique constraint "k_u_key": Key (u)=(b) already exists.',
    });
    // Within one INSERT the last row for a key wins, and only its value is checked.
    await e.sql("INSERT INTO k VALUES (3, 'b'), (3, 'd')");
    expect(await rows(e, 'SELECT * FROM k ORDER BY id')).toEqual([[1, 'c'], [2, 'b'], [3, 'd']]);
  });

  it('primary key violations name the key constraint: <table>_pkey or the CONSTRAINT name', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE k (id int PRIMARY KEY, v int)');
    await e.sql('INSERT INTO k VALUES (1, 1), (2, 2)');
    expect(await failure(e, 'UPDATE k SET id = 1')).toMatchObject({
      code: '23505',
      message: 'duplicate key value violates unique constraint "k_pkey": Key (id)=(1) already exists.',
    });
    await e.sql('CREATE TABLE k2 (id int, v text, CONSTRAINT k2_key PRIMARY KEY (id, v))');
    await e.sql("INSERT INTO k2 VALUES (1, 'a'), (1, 'b')");
    expect((await failure(e, "UPDATE k2 SET v = 'a'")).message).toBe(
      'duplicate key value violates unique constraint "k2_key": Key (id, v)=(1, a) already exists.',
    );
  });
});

describe('CREATE UNIQUE INDEX', () => {
  it('fails on a table that already has duplicates, and records nothing', async () => {
    const e = await uniqueTable();
    expect(await failure(e, 'CREATE UNIQUE INDEX tb ON t (b)')).toMatchObject({
      code: '23505',
      message: 'could not create unique index "tb": Key (b)=(x) is duplicated.',
    });
    expect((await rows(e, 'SHOW INDEXES')).map((r) => r[0])).toEqual(['t_a_key']);
    await e.sql("INSERT INTO t VALUES (4, 'x', 0)");
    // NULLs never make a duplicate.
    await e.sql("DELETE FROM t WHERE b = 'x'; INSERT INTO t VALUES (5, NULL, 0), (6, NULL, 0)");
    await e.sql('CREATE UNIQUE INDEX tb ON t (b)');
    expect((await failure(e, "INSERT INTO t VALUES (7, 'y', 0)")).code).toBe('23505');
  });

  it('enforces from then on, like a constraint', async () => {
    const e = await uniqueTable();
    await e.sql('CREATE UNIQUE INDEX tbc ON t (b, c DESC)');
    const before = await state(e);
    expect((await failure(e, "INSERT INTO t VALUES (9, 'x', 10)")).message).toBe(
      'duplicate key value violates unique constraint "tbc": Key (b, c)=(x, 10) already exists.',
    );
    expect(await state(e)).toEqual(before);
  });

  it('on an expression: lower(b) makes case variants collide', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE users (id int, email text)');
    await e.sql("INSERT INTO users VALUES (1, 'Ann@x.org'), (2, 'bob@x.org')");
    await e.sql('CREATE UNIQUE INDEX users_email ON users (lower(email))');
    expect(await failure(e, "INSERT INTO users VALUES (3, 'ANN@x.org')")).toMatchObject({
      code: '23505',
      message: 'duplicate key value violates unique constraint "users_email": Key (lower(email))=(ann@x.org) already exists.',
    });
    await e.sql("UPDATE users SET email = 'Carol@x.org' WHERE id = 1");
    await e.sql("INSERT INTO users VALUES (3, 'ANN@x.org')");
    expect((await failure(e, 'CREATE UNIQUE INDEX id_mod ON users ((id % 2))')).message).toBe(
      'could not create unique index "id_mod": Key ((id % 2))=(1) is duplicated.',
    );
  });

  it('partial: only rows matching WHERE are constrained', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE jobs (id int, worker text, active boolean)');
    await e.sql("INSERT INTO jobs VALUES (1, 'w1', true), (2, 'w1', false), (3, 'w1', false), (4, 'w2', NULL)");
    await e.sql('CREATE UNIQUE INDEX one_active ON jobs (worker) WHERE active');
    await e.sql("INSERT INTO jobs VALUES (5, 'w1', false), (6, 'w2', true), (7, 'w2', NULL)");
    expect((await failure(e, "INSERT INTO jobs VALUES (8, 'w1', true)")).code).toBe('23505');
    expect((await failure(e, 'UPDATE jobs SET active = true WHERE id = 2')).code).toBe('23505');
    await e.sql('UPDATE jobs SET active = false WHERE id = 1; UPDATE jobs SET active = true WHERE id = 2');
    expect(await rows(e, 'SELECT id FROM jobs WHERE active ORDER BY id')).toEqual([[2], [6]]);
  });
});
