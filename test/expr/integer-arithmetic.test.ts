// Arithmetic errors and integer semantics, as PostgreSQL: integer division
// truncates toward zero, % takes the dividend's sign, division or modulo by
// zero raises 22012 (for doubles too), results outside the type raise 22003,
// and a NULL operand gives NULL without raising.

import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';
import { errorCode, row } from './expr-test-helpers.js';

describe('integer division and modulo', () => {
  it('truncates toward zero; % has the sign of the dividend', async () => {
    expect(await row('SELECT 7 / 2, -7 / 2, 7 / -2, -7 / -2, 7 % 3, -7 % 3, 7 % -3, -7 % -3, 0 / 5'))
      .toEqual([3, -3, -3, 3, 1, -1, 1, -1, 0]);
  });

  it('division and modulo by zero raise 22012, for every numeric type', async () => {
    for (const sql of [
      'SELECT 1 / 0', 'SELECT 1 % 0', 'SELECT 0 / 0',
      'SELECT CAST(1 AS bigint) / 0', 'SELECT CAST(1 AS bigint) % 0',
      'SELECT 1.5 / 0', 'SELECT CAST(0 AS double precision) / 0.0',
    ]) expect(await errorCode(sql), sql).toBe('22012');
  });

  it('NULL operands give NULL, even with a zero divisor', async () => {
    expect(await row('SELECT NULL::int / 0, 1 / NULL::int, NULL::int % 0, NULL::int + 2147483647')).toEqual([null, null, null, null]);
  });

  it('a zero divisor in a NULL row of a column does not raise', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE t (a int, b int); INSERT INTO t VALUES (NULL, 0), (6, 3), (5, NULL)');
    const r = await e.sql('SELECT a / b, a % b FROM t ORDER BY b NULLS LAST');
    expect(r.rows).toEqual([[null, null], [2, 0], [null, null]]);
  });

  it('a zero divisor in any one row of a table fails the whole query', async () => {
    const e = new Engine();
    await e.sql('CREATE TABLE t (a int, b int); INSERT INTO t VALUES (1, 1), (2, 0), (3, 3)');
    expect(await errorCode('SELECT a / b FROM t', [], e)).toBe('22012');
  });
});

describe('overflow (22003)', () => {
  it('integer + - * beyond int4', async () => {
    for (const sql of [
      'SELECT 2147483647 + 1',
      'SELECT -2147483647 - 2',
      'SELECT 65536 * 32768',
      'SELECT CAST(-2147483648 AS integer) / -1',
      'SELECT -CAST(-2147483648 AS integer)',
      'SELECT abs(CAST(-2147483648 AS integer))',
    ]) expect(await errorCode(sql), sql).toBe('22003');
  });

  it('int4 extremes that stay in range', async () => {
    expect(await row('SELECT 2147483646 + 1, -2147483647 - 1, 65535 * 32768, CAST(-2147483648 AS integer) % -1, 46340 * 46340'))
      .toEqual([2147483647, -2147483648, 2147450880, 0, 2147395600]);
  });

  it('bigint arithmetic beyond the int4 range does not overflow', async () => {
    expect(await row('SELECT CAST(2147483647 AS bigint) + 1, CAST(65536 AS bigint) * 65536')).toEqual([2147483648, 4294967296]);
  });

  it('bigint beyond int8 raises 22003', async () => {
    expect(await errorCode('SELECT CAST(9223372036854775807 AS bigint) + 1')).toBe('22003');
    expect(await errorCode('SELECT CAST(4611686018427387904 AS bigint) * 4')).toBe('22003');
  });

  it('double overflow raises 22003 (PostgreSQL: "value out of range: overflow")', async () => {
    expect(await errorCode("SELECT CAST('1e308' AS double precision) * 10")).toBe('22003');
    expect(await errorCode("SELECT CAST('-1e308' AS double precision) - CAST('1e308' AS double precision)")).toBe('22003');
  });

  it('double infinities propagate without error when an input is infinite', async () => {
    expect(await row("SELECT CAST('Infinity' AS double precision) * 2, CAST('-Infinity' AS double precision) + 1"))
      .toEqual(['Infinity', '-Infinity']);
  });
});

describe('result types', () => {
  it('int op int is int4, int op bigint is int8, a decimal literal is numeric, anything with a double is float8', async () => {
    const e = new Engine();
    const r = await e.sql('SELECT 1 + 1, 1 + CAST(1 AS bigint), 1 + 1.5, 7 / 2.0, 1 + 1.5::float8');
    expect(r.fields.map((f) => f.type)).toEqual(['int4', 'int8', 'numeric', 'numeric', 'float8']);
    // PostgreSQL 18 prints these NUMERIC results as '2.5' and '3.5000000000000000' (numeric division: 16 significant digits).
    expect(r.rows[0]).toEqual([2, 2, '2.5', '3.5000000000000000', 2.5]);
  });
});
