// substr / substring: 1-based start; characters "before" position 1 still
// use up the length (PostgreSQL: substr('hello', 0, 3) = 'he'); a length
// running past the end stops at the end; a negative length raises 22011.
// Positions count characters (code points), not UTF-16 units.

import { describe, expect, it } from 'vitest';
import { errorCode, row, value } from './expr-test-helpers.js';

describe('substr', () => {
  it.each([
    ["substr('hello', 1, 3)", 'hel'],
    ["substr('hello', 2)", 'ello'],
    ["substr('hello', 0, 3)", 'he'],
    ["substr('hello', -1, 3)", 'h'],
    ["substr('hello', -2, 3)", ''],
    ["substr('hello', -5)", 'hello'],
    ["substr('hello', 0)", 'hello'],
    ["substr('hello', 2, 0)", ''],
    ["substr('hello', 0, 0)", ''],
    ["substr('hello', 5, 1)", 'o'],
    ["substr('hello', 6)", ''],
    ["substr('hello', 6, 2)", ''],
    ["substr('hello', 100, 2)", ''],
    ["substr('hello', 3, 100)", 'llo'],
    ["substr('', 1, 1)", ''],
    ["substring('hello', 2, 3)", 'ell'],
    ["substring('hello' FROM 2 FOR 3)", 'ell'],
    ["substring('hello' FROM 3)", 'llo'],
    ["substr('a😀b', 2, 1)", '😀'],
    ["substr('😀😀😀', 2)", '😀😀'],
    ["substr('héllo', 2, 2)", 'él'],
  ])('%s = %j', async (expr, want) => {
    expect(await value(`SELECT ${expr}`)).toBe(want);
  });

  it('a negative length raises 22011, whatever the start', async () => {
    expect(await errorCode("SELECT substr('hello', 2, -1)")).toBe('22011');
    expect(await errorCode("SELECT substr('hello', -3, -1)")).toBe('22011');
    expect(await errorCode("SELECT substring('hello' FROM 1 FOR -2)")).toBe('22011');
  });

  it('NULL in any argument gives NULL (and no error for a NULL string with a negative length)', async () => {
    expect(await row("SELECT substr(NULL::text, 1, 2), substr('abc', NULL::int), substr('abc', 1, NULL::int), substr(NULL::text, 1, -1)"))
      .toEqual([null, null, null, null]);
  });
});
