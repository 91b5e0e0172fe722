// PostgreSQL ARE syntax where it differs from JS RegExp, checked through
// regexp_like / regexp_count / regexp_replace. Expected values are hand-derived
// from the PostgreSQL 16 documentation, 9.7.3.1-9.7.3.5 (ARE escapes, bracket
// expressions, constraints, embedded options, directors).

import { describe, expect, it } from 'vitest';
import { errorCode, value } from './expr-test-helpers.js';
import { parseReplacement } from '../../src/expr/functions/regexp.js';
import { translatePattern } from '../../src/expr/regexp-pattern.js';

const q = (s: string): string => `'${s.replaceAll("'", "''")}'`;
const like = async (s: string, p: string, flags = ''): Promise<unknown> => value(`SELECT regexp_like(${q(s)}, ${q(p)}, ${q(flags)})`);
const count = async (s: string, p: string): Promise<unknown> => value(`SELECT regexp_count(${q(s)}, ${q(p)})`);

describe('newlines and anchors (no newline-sensitive flag)', () => {
  it.each([
    ['a\nb', 'a.b', true], // `.` matches a newline
    ['a\nb', 'a[^x]b', true],
    ['a\nb', '^b', false], // ^ and $ anchor the whole string only
    ['a\nb', 'a$', false],
    ['a\nb', '^a', true],
    ['ab\n', 'b$', false], // $ is the very end, not before a final newline
    ['aXa', '\\Aa', true],
    ['ab', 'a\\Z', false],
    ['ab', 'b\\Z', true],
  ])('regexp_like(%j, %j) is %s', async (s, p, want) => {
    expect(await like(s, p)).toBe(want);
  });
});

describe('constraint escapes', () => {
  it('\\m \\M \\y \\Y', async () => {
    expect(await count('cat concat cat', '\\mcat\\M')).toBe(2);
    expect(await count('concat', 'cat\\M')).toBe(1);
    expect(await count('concat', '\\mcat')).toBe(0);
    expect(await value("SELECT regexp_replace('one two', '\\y', '|', 'g')")).toBe('|one| |two|');
    expect(await count('ab', '\\Y')).toBe(1);
  });
});

describe('bracket expressions', () => {
  it.each([
    [']', '[]]', true], // ] first is a member
    ['a', '[^]a]', false],
    ['b', '[^]a]', true],
    ['-', '[a-]', true],
    ['\\', '[\\\\]', true], // a backslash escapes inside brackets in AREs
    ['[', '[[]', true],
    ['^', '[x^]', true],
    ['é', '[[:alpha:]]', false], // the "C" locale: ASCII classes
    ['.', '[[.hyphen.][.].]]', 'error'],
    ['-', '[[.-.]]', true],
  ])('regexp_like(%j, %j) is %s', async (s, p, want) => {
    if (want === 'error') expect(await errorCode(`SELECT regexp_like(${q(s)}, ${q(p)})`)).toBe('2201B');
    else expect(await like(s, p)).toBe(want);
  });

  it('POSIX classes', async () => {
    expect(await count('a1b2_ !', '[[:digit:]]')).toBe(2);
    expect(await count('a1b2_ !', '[[:alpha:][:punct:]]')).toBe(4); // a b _ !
    expect(await count('a1b2_ !', '[[:alnum:]]')).toBe(4);
    expect(await count('a1 \tB', '[[:space:]]')).toBe(2);
    expect(await count('a1 \tB', '[[:upper:][:blank:]]')).toBe(3);
    expect(await count('fF0gx', '[[:xdigit:]]')).toBe(3);
    expect(await count('a_b-c', '[[:word:]]')).toBe(4);
  });
});

describe('escapes and quantifiers', () => {
  it.each([
    ['a.b', 'a\\.b', true],
    ['axb', 'a\\.b', false],
    ['a-b', 'a\\-b', true], // any non-alphanumeric escapes to itself
    ['a"b', 'a\\"b', true],
    ['\t', '\\t', true],
    ['A', '\\x41', true],
    ['A', '\\u0041', true],
    ['😀', '\\U0001F600', true],
    ['a\\b', 'a\\Bb', true], // \B is a backslash in AREs
    ['\u0007', '\\a', true],
    ['\u001b', '\\e', true],
    ['a{b', 'a{b', true], // { not followed by a digit is ordinary
    ['a}', 'a}', true],
    ['a]', 'a]', true],
    ['aaa', '^a{3}$', true],
    ['aa', '^a{3}$', false],
    ['aaaa', '^a{2,}$', true],
    ['aaaa', '^a{1,3}$', false],
    ['abab', '^(ab)\\1$', true],
    // Several digits are a back reference only if no larger than the groups so far; else octal (\11 is a tab).
    ['ab\t', '^(ab)\\11$', true],
    ['abab1', '^(ab)\\11$', false],
    ['aaaaaaaaaaaa', '^(a)(a)(a)(a)(a)(a)(a)(a)(a)(a)(a)\\11$', true],
    ['ab1', '^(a)(b)\\2\\61$', false], // \61 is octal 061 = '1', so "abb1" matches
    ['abb1', '^(a)(b)\\2\\61$', true],
    ['aB', 'a(?=B)', true],
    ['ab', 'a(?!b)', false],
    ['xb', '(?<=x)b', true],
  ])('regexp_like(%j, %j) is %s', async (s, p, want) => {
    expect(await like(s, p)).toBe(want);
  });
});

describe('options and directors', () => {
  it('flags: i, c (later wins), q; embedded options override flags', async () => {
    expect(await like('A', 'a', 'i')).toBe(true);
    expect(await like('A', 'a', 'ic')).toBe(false);
    expect(await like('A', 'a', 'ci')).toBe(true);
    expect(await like('ABC', '(?i)abc')).toBe(true);
    expect(await like('ABC', '(?c)abc', 'i')).toBe(false);
    expect(await value("SELECT regexp_replace('1+1=2', '+', 'plus', 'q')")).toBe('1plus1=2');
    expect(await count('a.b.c', '***=.')).toBe(2);
    expect(await count('a.b.c', '***:\\.')).toBe(2);
    expect(await count('a(b', '(?q)(')).toBe(1);
  });
});

describe('translation units', () => {
  it('translatePattern counts capturing groups only', () => {
    expect(translatePattern('(a)(?:b)(c(d))(?=e)').groups).toBe(3);
    expect(translatePattern('***=(a)').groups).toBe(0);
    expect(translatePattern('(?i)x').caseInsensitive).toBe(true);
  });

  it('parseReplacement splits text and group numbers', () => {
    expect(parseReplacement('plain $1')).toEqual(['plain $1']);
    expect(parseReplacement('<\\1|\\&>\\\\\\z')).toEqual(['<', 1, '|', 0, '>\\\\z']);
    expect(parseReplacement('end\\')).toEqual(['end\\']);
  });
});
