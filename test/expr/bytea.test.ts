// BYTEA: the two input forms and the hex output form, by hand from the
// PostgreSQL documentation (section "Binary Data Types"); length, ||,
// comparisons in byte order, encode/decode in hex, base64 (76-character lines)
// and escape; MIN/MAX/count and grouping, in a view under inserts and deletes.

import { describe, expect, it } from 'vitest';
import { decodeEscape, encodeEscape, parseBytea } from '../../src/columnar/bytea-text.js';
import { Engine } from '../../src/engine.js';

async function one(sql: string): Promise<readonly unknown[]> {
  return (await new Engine().sql(sql)).rows[0]!;
}

describe('bytea text forms', () => {
  it('reads hex input in either case, with spaces between digit pairs', () => {
    expect(parseBytea('\\x')).toBe('');
    expect(parseBytea('\\x3132')).toBe('3132');
    expect(parseBytea('\\XaB 0c\n')).toBe('ab0c');
  });

  it('reads escape input: plain characters as UTF-8, \\\\ and octal escapes', () => {
    expect(parseBytea('abc')).toBe('616263');
    expect(parseBytea('\\\\')).toBe('5c');
    expect(parseBytea('\\101\\000\\377')).toBe('4100ff');
    expect(parseBytea('é')).toBe('c3a9');
    expect(decodeEscape('a\\\\b')).toBe('615c62');
  });

  it('rejects bad input with PostgreSQL codes', () => {
    expect(() => parseBytea('\\x1')).toThrow(expect.objectContaining({ code: '22023' }));
    expect(() => parseBytea('\\xzz')).toThrow(expect.objectContaining({ code: '22023' }));
    expect(() => parseBytea('\\q')).toThrow(expect.objectContaining({ code: '22P02' }));
    expect(() => parseBytea('\\400')).toThrow(expect.objectContaining({ code: '22P02' }));
  });

  it('writes the escape form: NUL and high bytes in octal, backslash doubled', () => {
    expect(encodeEscape('00ff5c410a')).toBe('\\000\\377\\\\A\n');
  });
});

describe('bytea in SQL', () => {
  it('prints \\x hex and reports OID 17', async () => {
    const r = await new Engine().sql("SELECT '\\x3132'::bytea, 'abc'::bytea, ''::bytea");
    expect(r.rows[0]).toEqual(['\\x3132', '\\x616263', '\\x']);
    expect(r.fields[0]).toMatchObject({ dataTypeID: 17, type: 'bytea' });
  });

  it('has length, octet_length, || and byte-order comparisons', async () => {
    expect(await one("SELECT length('\\x0102'::bytea), octet_length('abc'::bytea), octet_length('é'), '\\x01'::bytea || '\\x02'::bytea, '\\x31'::bytea < '\\x3132'::bytea, '\\x7f'::bytea < '\\x80'::bytea, '\\x'::bytea < '\\x00'::bytea")).toEqual([
      2, 3, 2, '\\x0102', true, true, true,
    ]);
  });

  it('encodes and decodes hex, base64 and escape', async () => {
    expect(await one("SELECT encode('abc'::bytea, 'hex'), encode('abc'::bytea, 'base64'), encode('\\x00ff'::bytea, 'escape'), decode('YWJj', 'base64'), decode('61 62', 'hex'), decode('a\\\\b\\101', 'escape')")).toEqual([
      '616263', 'YWJj', '\\000\\377', '\\x616263', '\\x6162', '\\x615c6241',
    ]);
    // 57 bytes make exactly one 76-character line, which PostgreSQL still ends with a newline.
    const [line, more] = await one("SELECT encode(decode(repeat('61', 57), 'hex'), 'base64'), encode(decode(repeat('61', 58), 'hex'), 'base64')");
    expect(line).toBe('YWFh'.repeat(19) + '\n');
    expect(more).toBe('YWFh'.repeat(19) + '\nYQ==');
    await expect(new Engine().sql("SELECT decode('a', 'base64')")).rejects.toMatchObject({ code: '22023' });
    await expect(new Engine().sql("SELECT encode('a'::bytea, 'rot13')")).rejects.toMatchObject({ code: '22023' });
  });

  it('keeps MIN/MAX/count and GROUP BY right in a view under deletes', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE t (id int PRIMARY KEY, g int, b bytea)');
    await e.sql('CREATE MATERIALIZED VIEW m AS SELECT g, min(b) AS lo, max(b) AS hi, count(b) AS n FROM t GROUP BY g');
    await e.sql('CREATE MATERIALIZED VIEW k AS SELECT b, count(*) AS n FROM t GROUP BY b');
    await e.sql("INSERT INTO t VALUES (1, 1, '\\x80'), (2, 1, '\\x7fff'), (3, 1, '\\x'), (4, 2, 'a'), (5, 2, NULL), (6, 2, 'a')");
    expect((await e.sql('SELECT * FROM m ORDER BY g')).rows).toEqual([[1, '\\x', '\\x80', 3], [2, '\\x61', '\\x61', 2]]);
    await e.sql('DELETE FROM t WHERE id IN (1, 3, 4)');
    expect((await e.sql('SELECT * FROM m ORDER BY g')).rows).toEqual([[1, '\\x7fff', '\\x7fff', 1], [2, '\\x61', '\\x61', 1]]);
    // ORDER BY b: byte order, NULL last.
    expect((await e.sql('SELECT * FROM k ORDER BY b')).rows).toEqual([['\\x61', 1], ['\\x7fff', 1], [null, 1]]);
  });
});
