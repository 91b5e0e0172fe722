// regexp_replace, regexp_like, regexp_count, regexp_substr, regexp_instr and
// substring(s FROM pattern): the PostgreSQL documentation's own examples (16,
// section 9.7.3 "POSIX Regular Expressions"), then hand-derived cases for the
// parts the examples leave open: the replacement syntax, empty matches, start
// positions, characters outside the BMP, NULLs, per-row patterns and errors.

import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';
import { errorCode, row, value } from './expr-test-helpers.js';

const q = (s: string): string => `'${s.replaceAll("'", "''")}'`;

describe('PostgreSQL documentation examples (9.7.3)', () => {
  it('regexp_replace', async () => {
    expect(await row(
      "SELECT regexp_replace('foobarbaz', 'b..', 'X'), regexp_replace('foobarbaz', 'b..', 'X', 'g'), " +
        "regexp_replace('foobarbaz', 'b(..)', 'X\\1Y', 'g'), regexp_replace('Thomas', '.[mN]a.', 'M')",
    )).toEqual(['fooXbaz', 'fooXX', 'fooXarYXazY', 'ThM']);
    expect(await row(
      "SELECT regexp_replace('A PostgreSQL function', 'a|e|i|o|u', 'X', 1, 0, 'i'), " +
        "regexp_replace('A PostgreSQL function', 'a|e|i|o|u', 'X', 1, 3, 'i')",
    )).toEqual(['X PXstgrXSQL fXnctXXn', 'A PostgrXSQL function']);
  });

  it('regexp_count and regexp_like', async () => {
    expect(await row(
      "SELECT regexp_count('ABCABCAXYaxy', 'A.'), regexp_count('ABCABCAXYaxy', 'A.', 1, 'i'), " +
        "regexp_like('Hello World', 'world'), regexp_like('Hello World', 'world', 'i')",
    )).toEqual([3, 4, false, true]);
  });

  it('regexp_substr and regexp_instr', async () => {
    expect(await row(
      "SELECT regexp_substr('number of your street, town zip, FR', '[^,]+', 1, 2), " +
        "regexp_substr('ABCDEFGHI', '(c..)(...)', 1, 1, 'i', 2), " +
        "regexp_substr('ABCDEF', 'c(.)(..)', 1, 1, 'i'), regexp_substr('ABCDEF', 'c(.)(..)', 1, 1, 'i', 2)",
    )).toEqual([' town zip', 'FGH', 'CDEF', 'EF']);
    expect(await row(
      "SELECT regexp_instr('number of your street, town zip, FR', '[^,]+', 1, 2), " +
        "regexp_instr('ABCDEFGHI', '(c..)(...)', 1, 1, 0, 'i', 2)",
    )).toEqual([23, 6]);
  });

  it('substring(string FROM pattern)', async () => {
    expect(await row("SELECT substring('Thomas' from '...$'), substring('foobar' from 'o.b'), substring('foobar' from 'o(.)b')"))
      .toEqual(['mas', 'oob', 'o']);
    // The positional forms still work.
    expect(await row("SELECT substring('hello' from 2 for 3), substring('hello', 3), substring('hello' FROM 2)")).toEqual(['ell', 'llo', 'ello']);
  });
});

describe('replacement strings', () => {
  it.each([
    // \1..\9 and \& insert groups and the whole match; `$` is ordinary text.
    ['price: 5', '(\\d+)', '$\\1.00', '', 'price: $5.00'],
    ['abc', 'b', '[\\&]', '', 'a[b]c'],
    ['abc', 'b', '$&$1', '', 'a$&$1c'],
    // \\ is one backslash; a backslash before anything else, or at the end, stays.
    ['abc', 'b', '\\\\', '', 'a\\c'],
    ['abc', 'b', 'x\\y', '', 'ax\\yc'],
    ['abc', 'b', 'x\\', '', 'ax\\c'],
    // A group the pattern lacks, or one that did not take part, inserts nothing.
    ['abc', 'b', '<\\2>', '', 'a<>c'],
    ['abc', '(x)?b', '[\\1]', '', 'a[]c'],
    ['John Smith', '(\\w+) (\\w+)', '\\2, \\1', '', 'Smith, John'],
  ])('regexp_replace(%j, %j, %j, %j) = %j', async (s, p, r, f, want) => {
    expect(await value(`SELECT regexp_replace(${q(s)}, ${q(p)}, ${q(r)}, ${q(f)})`)).toBe(want);
  });
});

describe('the search loop', () => {
  it('an empty match advances one character; the next search starts where a match ended', async () => {
    // 'b*' matches '' at 0, 'b' at 1, '' at 2 (right after that match) and '' at 3.
    expect(await row("SELECT regexp_replace('abc', 'x*', '-', 'g'), regexp_replace('abc', 'b*', 'X', 'g'), regexp_count('abc', 'x*'), regexp_count('aaaa', 'aa')"))
      .toEqual(['-a-b-c-', 'XaXXcX', 4, 2]);
    // An empty match at the very start is still a match.
    expect(await row("SELECT regexp_replace('abc', '^', 'X'), regexp_replace('abc', 'x*', '-'), regexp_replace('abc', '$', '!'), regexp_replace('', '^', 'X')"))
      .toEqual(['Xabc', '-abc', 'abc!', 'X']);
  });

  it('start counts characters and does not move ^', async () => {
    expect(await row(
      "SELECT regexp_replace('aaaa', 'a', 'b', 3, 0), regexp_replace('aaaa', 'a', 'b', 2), regexp_count('aaaa', 'a', 3), " +
        "regexp_count('abc', '^a', 2), regexp_count('abc', 'a', 10), regexp_substr('abc', 'b', 10), regexp_replace('abc', 'b', 'x', 10)",
    )).toEqual(['aabb', 'abaa', 2, 0, 0, null, 'abc']);
  });

  it('positions and lengths count code points', async () => {
    expect(await row(
      "SELECT regexp_instr('héllo wörld', 'w'), regexp_instr('😀a😀b', 'b'), regexp_substr('😀a😀b', '.', 1, 3), " +
        "regexp_count('😀😀', '.'), regexp_replace('x😀y', '.', '-', 'g'), regexp_count('😀a😀b', 'a|b', 3), regexp_instr('😀😀x', '😀', 1, 2, 1)",
    )).toEqual([7, 4, '😀', 2, '---', 1, 3]);
  });

  it('regexp_substr / regexp_instr pick occurrences and groups', async () => {
    expect(await row(
      "SELECT regexp_substr('abc', 'b', 1, 1, '', 1), regexp_substr('abc', 'b', 1, 1, '', 2), regexp_substr('abc', '(x)|b', 1, 1, '', 1), " +
        "regexp_substr('abcabc', 'b', 1, 3), regexp_instr('abcabc', 'b', 1, 2, 1), regexp_instr('abc', 'z'), regexp_instr('xaby', '(a)(b)', 1, 1, 1, '', 2)",
    )).toEqual(['b', null, null, null, 6, 0, 4]);
  });

  it('substring FROM pattern gives NULL without a match or when group 1 did not take part', async () => {
    expect(await row("SELECT substring('abc' from 'z'), substring('abc' from '(x)?b'), substring('abc' from '(?:a)(b)')")).toEqual([null, null, 'b']);
  });
});

describe('NULLs and per-row patterns', () => {
  it('every function is strict', async () => {
    expect(await row(
      "SELECT regexp_replace(NULL, 'a', 'b'), regexp_replace('a', 'a', NULL), regexp_like('a', NULL), regexp_count('a', 'a', NULL), " +
        "regexp_substr(NULL, 'a'), regexp_instr('a', 'a', 1, NULL), substring('a' from NULL), regexp_replace('a', 'a', 'b', NULL)",
    )).toEqual([null, null, null, null, null, null, null, null]);
  });

  it('patterns and flags may differ per row', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE r (id INT, s TEXT, p TEXT, f TEXT)');
    await e.sql(`INSERT INTO r VALUES (1, 'apple pie', 'p+', 'g'), (2, 'Apple', 'a', ''), (3, 'Apple', 'a', 'i'), (4, 'banana', 'an', 'g'),
      (5, NULL, 'a', ''), (6, 'abc', NULL, ''), (7, 'aaa', 'a', 'g'), (8, 'banana', 'an', '')`);
    const r = await e.sql("SELECT id, regexp_replace(s, p, 'X', f), regexp_like(s, p, CASE WHEN f = 'g' THEN '' ELSE f END), regexp_substr(s, p, 1, 2) FROM r ORDER BY id");
    expect(r.rows).toEqual([
      [1, 'aXle Xie', true, 'p'],
      [2, 'Apple', false, null],
      [3, 'Xpple', true, null],
      [4, 'bXXa', true, 'an'],
      [5, null, null, null],
      [6, null, null, null],
      [7, 'XXX', true, 'a'],
      [8, 'bXana', true, 'an'],
    ]);
    await e.sql("INSERT INTO r VALUES (9, 'x', '(', '')");
    expect(await errorCode("SELECT regexp_like(s, p) FROM r", [], e)).toBe('2201B');
  });
});

describe('errors', () => {
  it('bad flags: 22023 naming the flag; valid PostgreSQL options Freshet lacks: 0A000', async () => {
    await expect(new Engine().sql("SELECT regexp_replace('abc', 'b', 'x', 'gz')")).rejects.toMatchObject({ code: '22023', message: expect.stringContaining('"z"') });
    await expect(new Engine().sql("SELECT regexp_like('abc', 'b', 'x')")).rejects.toMatchObject({ code: '0A000', message: expect.stringContaining('"x"') });
    for (const sql of ["SELECT regexp_like('a', 'a', 'g')", "SELECT regexp_count('a', 'a', 1, 'g')", "SELECT regexp_substr('a', 'a', 1, 1, 'g')"]) {
      await expect(new Engine().sql(sql), sql).rejects.toMatchObject({ code: '22023', message: expect.stringContaining('"global"') });
    }
  });

  it('an invalid pattern is 2201B and the message quotes it', async () => {
    for (const p of ['(', '[a', '*a', '[[:nope:]]', 'a{1', 'a{3,1}', '(?<n>x)', 'a\\q', 'x\\']) {
      await expect(new Engine().sql(`SELECT regexp_like('a', ${q(p)})`), p).rejects.toMatchObject({ code: '2201B', message: expect.stringContaining(`"${p}"`) });
    }
  });

  it('out-of-range start, N, endoption and subexpr are 22023', async () => {
    for (const sql of [
      "SELECT regexp_count('a', 'a', 0)",
      "SELECT regexp_replace('a', 'a', 'b', 0)",
      "SELECT regexp_replace('a', 'a', 'b', 1, -1)",
      "SELECT regexp_substr('a', 'a', 1, 0)",
      "SELECT regexp_substr('a', 'a', 1, 1, '', -1)",
      "SELECT regexp_instr('a', 'a', 1, 1, 2)",
    ]) {
      expect(await errorCode(sql), sql).toBe('22023');
    }
  });

  it('set-returning regexp functions and SIMILAR-style substring are 0A000', async () => {
    for (const sql of [
      "SELECT regexp_matches('abc', 'b', 'g')",
      "SELECT substring('Thomas' from '%#\"o_a#\"_' for '#')",
    ]) {
      await expect(new Engine().sql(sql), sql).rejects.toMatchObject({ code: '0A000' });
    }
  });
});

describe('in a view', () => {
  it('keeps regex results through inserts and deletes', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE logs (id INT PRIMARY KEY, line TEXT)');
    await e.sql("CREATE MATERIALIZED VIEW errs AS SELECT id, regexp_substr(line, 'code=(\\d+)', 1, 1, '', 1) AS code, regexp_replace(line, '\\d', '#', 'g') AS masked FROM logs WHERE regexp_like(line, '^error', 'i')");
    await e.sql("INSERT INTO logs VALUES (1, 'ERROR code=42 at 10:01'), (2, 'info ok'), (3, 'error no code')");
    expect((await e.sql('SELECT * FROM errs ORDER BY id')).rows).toEqual([
      [1, '42', 'ERROR code=## at ##:##'],
      [3, null, 'error no code'],
    ]);
    await e.sql("INSERT INTO logs VALUES (3, 'Error code=7')");
    await e.sql('DELETE FROM logs WHERE id = 1');
    expect((await e.sql('SELECT * FROM errs ORDER BY id')).rows).toEqual([[3, '7', 'Error code=#']]);
  });
});
