// log(b, x), mod(a, b), and the rest of issue 3's scalar-function list, with
// the PostgreSQL 16 documentation's examples (Tables 9.5 "Mathematical
// Functions" and 9.10 "Other String Functions") and hand-derived edge cases.
// Freshet has no NUMERIC: PostgreSQL's NUMERIC-only log(b, x) and mod on
// decimals run in doubles here (mod on doubles is C fmod: the sign of the dividend).

import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';
import { errorCode, row, value } from './expr-test-helpers.js';

describe('log', () => {
  it('log(x) is base 10 and log(b, x) takes the base first (docs: log(100) = 2, log(2.0, 64.0) = 6)', async () => {
    expect(await row('SELECT log(100), log(2.0, 64.0), log(10, 1000), log(3, 81), log(0.5, 8), log(2, 1)')).toEqual([2, 6, 3, 4, -3, 0]);
  });

  it('non-powers are ln(x) / ln(b)', async () => {
    const [a, b] = (await row('SELECT log(2, 10), log(4, 2)')) as [number, number];
    expect(a).toBeCloseTo(Math.LN10 / Math.LN2, 14); // 3.3219280948873622
    expect(b).toBeCloseTo(0.5, 15);
  });

  it('errors as PostgreSQL: zero or negative arguments 2201E, base 1 divides by zero', async () => {
    expect(await errorCode('SELECT log(0, 5)')).toBe('2201E');
    expect(await errorCode('SELECT log(2, 0)')).toBe('2201E');
    expect(await errorCode('SELECT log(2, -1)')).toBe('2201E');
    expect(await errorCode('SELECT log(-2, 4)')).toBe('2201E');
    expect(await errorCode('SELECT log(1, 5)')).toBe('22012');
    expect(await errorCode('SELECT log(0)')).toBe('2201E');
  });

  it('over columns, with NULLs', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE n (b INT, x DOUBLE PRECISION)');
    await e.sql('INSERT INTO n VALUES (2, 8), (10, 0.01), (NULL, 5), (5, NULL)');
    expect((await e.sql('SELECT log(b, x) FROM n ORDER BY b NULLS LAST, x')).rows).toEqual([[3], [null], [-2], [null]]);
  });
});

describe('mod(a, b)', () => {
  it('integers: the sign of the dividend (docs: mod(9, 4) = 1)', async () => {
    expect(await row('SELECT mod(9, 4), mod(-9, 4), mod(9, -4), mod(-9, -4), mod(0, 5), mod(-2147483648, -1)')).toEqual([1, -1, 1, -1, 0, 0]);
    const r = await new Engine().sql('SELECT mod(9, 4)');
    expect(r.fields[0]!.type).toBe('int4');
  });

  it('bigint stays exact', async () => {
    expect(await value('SELECT mod(CAST(9007199254740991 AS BIGINT), 10)')).toBe(1);
    expect(await value('SELECT mod(CAST(-9007199254740991 AS BIGINT), CAST(1000000007 AS BIGINT))')).toBe(-(9007199254740991 % 1000000007));
  });

  it('doubles use fmod', async () => {
    expect(await row('SELECT mod(7.5::float8, 2), mod(-7.5::float8, 2), mod(7.5::float8, -2), mod(5.5::float8, 5.5)')).toEqual([1.5, -1.5, 1.5, 0]);
  });

  it('NUMERIC keeps the sign of the dividend and the larger scale', async () => {
    expect(await row('SELECT mod(7.5, 2), mod(-7.5, 2), mod(7.5, -2), mod(5.5, 5.50)')).toEqual(['1.5', '-1.5', '1.5', '0.00']);
  });

  it('a zero divisor is 22012; NULL gives NULL', async () => {
    expect(await errorCode('SELECT mod(5, 0)')).toBe('22012');
    expect(await errorCode('SELECT mod(7.5, 0)')).toBe('22012');
    expect(await row('SELECT mod(5, NULL), mod(NULL, 2)')).toEqual([null, null]);
  });
});

describe("issue 3's checklist: each function exists with PostgreSQL's documented result", () => {
  it('string functions', async () => {
    expect(await row(
      "SELECT position('om' in 'Thomas'), split_part('abc~@~def~@~ghi', '~@~', 2), btrim('xyxtrimyyx', 'xyz'), " +
        "ltrim('zzzytest', 'xyz'), rtrim('testxxzx', 'xyz'), trim(both 'xyz' from 'yxTomxx'), trim('  x  ')",
    )).toEqual([3, 'def', 'trim', 'test', 'test', 'Tom', 'x']);
    expect(await row(
      "SELECT starts_with('alphabet', 'alph'), replace('abcdefabcdef', 'cd', 'XX'), left('abcde', 2), right('abcde', 2), " +
        "left('abcde', -2), right('abcde', -2), lpad('hi', 5, 'xy'), rpad('hi', 5, 'xy')",
    )).toEqual([true, 'abXXefabXXef', 'ab', 'de', 'abc', 'cde', 'xyxhi', 'hixyx']);
  });

  it('numeric functions', async () => {
    // ln/exp of a NUMERIC compute in doubles here (PostgreSQL: NUMERIC results); sign(NUMERIC) stays NUMERIC.
    expect(await row('SELECT power(9, 3), sqrt(2), ln(2.0), exp(1.0), greatest(3, 7, 5), least(3, 7, 5), sign(-8.4), sign(0), sign(3)'))
      .toEqual([729, Math.SQRT2, Math.LN2, Math.E, 7, 3, '-1', 0, 1]);
    expect(await errorCode('SELECT sqrt(-1)')).toBe('2201F');
    expect(await errorCode('SELECT ln(0)')).toBe('2201E');
  });
});
