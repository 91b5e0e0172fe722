// $1, $2, ... parameters in SELECT, INSERT, UPDATE/DELETE and view
// definitions: values bind by position with the type the context needs,
// a parameter can repeat, and a missing one is an error.

import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';

describe('parameters', () => {
  it('in a one-shot SELECT, typed by context', async () => {
    const e = new Engine();
    expect((await e.sql('SELECT $1::int + 1, $2 || \'!\', $1::int * $1::int', [6, 'hi'])).rows).toEqual([[7, 'hi!', 36]]);
    expect((await e.sql('SELECT CAST($1 AS date) + 1', ['2024-02-28'])).rows).toEqual([['2024-02-29']]);
  });

  it('in WHERE over a table', async () => {
    const e = new Engine();
    await e.sql("CREATE TABLE t (a int, b text); INSERT INTO t VALUES (1, 'x'), (2, 'y'), (3, 'x')");
    expect((await e.sql('SELECT a FROM t WHERE b = $1 AND a > $2 ORDER BY a', ['x', 1])).rows).toEqual([[3]]);
    expect((await e.sql('SELECT a FROM t WHERE b = $1', [null])).rows).toEqual([]);
  });

  it('in INSERT VALUES, UPDATE and DELETE', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE t (a int, b text, c double precision)');
    await e.sql('INSERT INTO t VALUES ($1, $2, $3), ($1 + 1, $2, NULL)', [10, 'p', 2.5]);
    expect((await e.sql('SELECT * FROM t ORDER BY a')).rows).toEqual([[10, 'p', 2.5], [11, 'p', null]]);
    await e.sql('UPDATE t SET b = $1 WHERE a = $2', ['q', 11]);
    await e.sql('DELETE FROM t WHERE a = $1', [10]);
    expect((await e.sql('SELECT * FROM t')).rows).toEqual([[11, 'q', null]]);
  });

  it('in a view definition: the value is fixed at creation', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE t (a int); INSERT INTO t VALUES (1), (5), (9)');
    await e.sql('CREATE MATERIALIZED VIEW big AS SELECT a FROM t WHERE a > $1', [4]);
    await e.sql('INSERT INTO t VALUES (3), (7)');
    expect((await e.sql('SELECT a FROM big ORDER BY a')).rows).toEqual([[5], [7], [9]]);
  });

  it('string parameters convert by the target type; bad text is 22P02', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE t (a int)');
    await e.sql('INSERT INTO t VALUES ($1)', ['42']);
    expect((await e.sql('SELECT a FROM t')).rows).toEqual([[42]]);
    await expect(e.sql('INSERT INTO t VALUES ($1)', ['forty'])).rejects.toMatchObject({ code: '22P02' });
  });

  it('a parameter without a value is an error', async () => {
    const e = new Engine();
    await expect(e.sql('SELECT $2::int', [1])).rejects.toMatchObject({ code: '42P02' });
  });
});
