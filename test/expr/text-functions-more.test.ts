// split_part, lpad/rpad, repeat, ascii, chr and initcap, with the answers the
// PostgreSQL documentation gives for its own examples.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';

async function row(sql: string): Promise<unknown[]> {
  return [...(await new Engine().sql(sql)).rows[0]!];
}

describe('more string functions', () => {
  it('split_part counts fields from either end', async () => {
    expect(await row("SELECT split_part('abc~@~def~@~ghi', '~@~', 2), split_part('abc,def,ghi,jkl', ',', -2), split_part('a,b', ',', 5), split_part('ab', '', 1)"))
      .toEqual(['def', 'ghi', '', 'ab']);
    await expect(new Engine().sql("SELECT split_part('a', ',', 0)")).rejects.toMatchObject({ code: '22023' });
  });
  it('lpad and rpad pad with a repeated fill or cut down', async () => {
    expect(await row("SELECT lpad('hi', 5, 'xy'), rpad('hi', 5, 'xy'), lpad('hello', 2), lpad('hi', 4), lpad('hi', 5, ''), rpad('hi', -1)"))
      .toEqual(['xyxhi', 'hixyx', 'he', '  hi', 'hi', '']);
  });
  it('repeat, ascii, chr, initcap', async () => {
    expect(await row("SELECT repeat('Pg', 4), repeat('x', 0), ascii('x'), chr(65), initcap('hi THOMAS')"))
      .toEqual(['PgPgPgPg', '', 120, 'A', 'Hi Thomas']);
    await expect(new Engine().sql('SELECT chr(0)')).rejects.toMatchObject({ code: '54000' });
  });
  it('propagate NULL', async () => {
    expect(await row("SELECT split_part(NULL, ',', 1), lpad('a', NULL), repeat(NULL, 2), initcap(NULL)")).toEqual([null, null, null, null]);
  });
});
