// Several ;-separated statements in one request run in order, each committing
// on its own: when statement k fails, the statements before it stay committed,
// the ones after it never run, and the error carries statementIndex = k - 1.

import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/common/errors.js';
import { Engine } from '../../src/engine.js';

async function failure(p: Promise<unknown>): Promise<EngineError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(EngineError);
    return err as EngineError;
  }
  throw new Error('expected the request to fail');
}

describe('multi-statement requests', () => {
  it('statement 2 fails: statement 1 is committed, 3 never runs', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE t (a int)');
    await e.sql('CREATE MATERIALIZED VIEW v AS SELECT count(*) AS n FROM t');
    const err = await failure(e.sql('INSERT INTO t VALUES (1); INSERT INTO t VALUES (1 / 0); INSERT INTO t VALUES (3)'));
    expect(err.code).toBe('22012');
    expect(err.statementIndex).toBe(1);
    expect((await e.sql('SELECT a FROM t')).rows).toEqual([[1]]);
    expect((await e.sql('SELECT n FROM v')).rows).toEqual([[1]]);
  });

  it('DDL then a failing statement: the DDL stays', async () => {
    const e = new Engine();
    const err = await failure(e.sql('CREATE TABLE a (x int); CREATE TABLE a (y int)'));
    expect(err.code).toBe('42P07');
    expect(err.statementIndex).toBe(1);
    expect((await e.sql('SHOW TABLES')).rows).toEqual([['a']]);
  });

  it('the first statement failing has index 0; a single statement has none', async () => {
    const e = new Engine();
    const first = await failure(e.sql('SELECT * FROM nope; SELECT 1'));
    expect(first.statementIndex).toBe(0);
    const single = await failure(e.sql('SELECT * FROM nope'));
    expect(single.statementIndex).toBeUndefined();
  });

  it('a syntax error anywhere rejects the whole request before anything runs', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE t (a int)');
    await expect(e.sql('INSERT INTO t VALUES (1); SELEC 2')).rejects.toMatchObject({ code: '42601' });
    expect((await e.sql('SELECT count(*) FROM t')).rows).toEqual([[0]]);
  });

  it('sql() returns the last result; sqlAll() returns one per statement', async () => {
    const e = new Engine();
    const last = await e.sql('CREATE TABLE t (a int); INSERT INTO t VALUES (1), (2); SELECT sum(a) FROM t');
    expect(last.command).toBe('SELECT');
    expect(last.rows).toEqual([[3]]);
    const all = await e.sqlAll('INSERT INTO t VALUES (3); SELECT count(*) FROM t');
    expect(all.map((r) => r.command)).toEqual(['INSERT', 'SELECT']);
    expect(all[1]!.rows).toEqual([[3]]);
  });
});
