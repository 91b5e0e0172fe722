// Valid PostgreSQL that Freshet does not run yet fails with 0A000 naming the
// construct (not a syntax error); deep expressions fail with 54001, not a crash.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';

async function failure(sql: string): Promise<{ code: string; message: string }> {
  const e = new Engine();
  await e.sql('CREATE TABLE t (a INT, b INT)');
  try {
    await e.sql(sql);
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error(`expected ${sql} to fail`);
}

describe('unsupported constructs', () => {
  it.each([
    ['INSERT INTO t VALUES (1, 2) ON CONFLICT DO NOTHING', 'ON CONFLICT'],
    ['BEGIN', 'transactions'],
    ['CREATE TABLE u (a INT CHECK (a > 0))', 'CHECK'],
    ['CREATE TABLE u (a INT REFERENCES t)', 'foreign key'],
    ['SELECT a FROM t FETCH FIRST 1 ROWS ONLY', 'FETCH FIRST'],
    ['CREATE TABLE u (a INT DEFAULT 1)', 'DEFAULT'],
  ])('%s -> 0A000 naming %s', async (sql, name) => {
    const err = await failure(sql);
    expect(err.code).toBe('0A000');
    expect(err.message).toContain(name);
  });
  it('keeps plain syntax errors as 42601', async () => {
    expect((await failure('SELECT a FRM t')).code).toBe('42601');
  });
  it('reports too-deep expressions as 54001', async () => {
    expect((await failure(`SELECT ${Array(6000).fill('1').join(' + ')}`)).code).toBe('54001');
    expect((await failure(`SELECT ${'('.repeat(4000)}1${')'.repeat(4000)}`)).code).toBe('54001');
  });
  it('rejects insert() rows that are not objects', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE t (a INT)');
    await expect(e.insert('t', [null as unknown as Record<string, unknown>])).rejects.toMatchObject({ code: '22023' });
  });
});
