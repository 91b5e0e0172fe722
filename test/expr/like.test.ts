// LIKE and ILIKE: % any run (also empty), _ exactly one character, the escape
// character (default backslash, ESCAPE '' for none) makes the next character
// literal; regex metacharacters in the pattern are plain text; the whole
// string must match. ILIKE ignores case. NULL on either side gives NULL.

import { describe, expect, it } from 'vitest';
import { errorCode, row } from './expr-test-helpers.js';

const q = (s: string): string => `'${s.replaceAll("'", "''")}'`;

async function like(s: string, p: string, op = 'LIKE', escape?: string): Promise<unknown> {
  const esc = escape === undefined ? '' : ` ESCAPE ${q(escape)}`;
  return (await row(`SELECT ${q(s)} ${op} ${q(p)}${esc}`))[0];
}

describe('LIKE', () => {
  it.each([
    ['abc', 'abc', true], ['abc', 'ab', false], ['abc', 'a%', true], ['abc', '%c', true], ['abc', '%b%', true],
    ['abc', '%', true], ['', '%', true], ['', '_', false], ['abc', '___', true], ['abc', '__', false],
    ['abc', 'a_c', true], ['ac', 'a%c', true], ['ABC', 'abc', false], ['a\nb', 'a_b', true], ['a\nb', 'a%', true],
    ['😀x', '_x', true], ['ab', 'a%%b', true], ['aXbXc', 'a%b%c', true], ['abcabc', '%abc', true],
  ])('%j LIKE %j is %s', async (s, p, want) => {
    expect(await like(s, p)).toBe(want);
  });

  it('regex metacharacters are literal', async () => {
    expect(await like('a.c', 'a.c')).toBe(true);
    expect(await like('abc', 'a.c')).toBe(false);
    expect(await like('a+b', 'a+b')).toBe(true);
    expect(await like('(x)', '(x)')).toBe(true);
    expect(await like('[ab]', '[ab]')).toBe(true);
    expect(await like('a', '[ab]')).toBe(false);
    expect(await like('^$', '^$')).toBe(true);
    expect(await like('a|b', 'a|b')).toBe(true);
    expect(await like('a', 'a|b')).toBe(false);
  });

  it('default escape is backslash', async () => {
    expect(await like('a_c', 'a\\_c')).toBe(true);
    expect(await like('abc', 'a\\_c')).toBe(false);
    expect(await like('50%', '50\\%')).toBe(true);
    expect(await like('500', '50\\%')).toBe(false);
    expect(await like('a\\b', 'a\\\\b')).toBe(true);
  });

  it('a custom ESCAPE character, and ESCAPE \'\' turns escaping off', async () => {
    expect(await like('a_c', 'a#_c', 'LIKE', '#')).toBe(true);
    expect(await like('abc', 'a#_c', 'LIKE', '#')).toBe(false);
    expect(await like('a#c', 'a##c', 'LIKE', '#')).toBe(true);
    expect(await like('a\\bc', 'a\\_c', 'LIKE', '')).toBe(true);
    expect(await like('a\\b', 'a\\b', 'LIKE', '#')).toBe(true);
  });

  it('a pattern ending in the escape character raises 22025', async () => {
    expect(await errorCode("SELECT 'a' LIKE 'a\\'")).toBe('22025');
  });

  it('an ESCAPE of more than one character raises 22019', async () => {
    expect(await errorCode("SELECT 'a' LIKE 'a' ESCAPE 'ab'")).toBe('22019');
  });

  it('NOT LIKE and NULLs', async () => {
    expect(await row("SELECT 'abc' NOT LIKE 'a%', 'abc' NOT LIKE 'x%', NULL::text LIKE '%', 'a' LIKE NULL::text, NULL::text NOT LIKE 'a'"))
      .toEqual([false, true, null, null, null]);
  });
});

describe('ILIKE', () => {
  it('ignores case, including non-ASCII letters', async () => {
    expect(await like('ABC', 'a%', 'ILIKE')).toBe(true);
    expect(await like('abc', 'A_C', 'ILIKE')).toBe(true);
    expect(await like('ÉCOLE', 'école', 'ILIKE')).toBe(true);
    expect(await like('abc', 'abd', 'ILIKE')).toBe(false);
    expect(await like('A_C', 'a\\_c', 'ILIKE')).toBe(true);
    expect(await like('AXC', 'a\\_c', 'ILIKE')).toBe(false);
    expect((await row("SELECT 'ABC' NOT ILIKE 'abc'"))[0]).toBe(false);
  });
});
