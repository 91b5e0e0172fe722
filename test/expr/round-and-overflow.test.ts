// round() at the edges of what a double prints, and overflow that PostgreSQL
// reports as 22003 instead of returning Infinity or an inexact BIGINT.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';

async function one(sql: string): Promise<unknown> {
  return (await new Engine().sql(sql)).rows[0]![0];
}

async function code(sql: string): Promise<string> {
  try {
    await new Engine().sql(sql);
    return 'no error';
  } catch (err) {
    return (err as { code: string }).code;
  }
}

describe('round', () => {
  it('rounds doubles that JS prints in exponent form', async () => {
    expect(await one('SELECT round(0.00000015::float8, 7)')).toBe(0.0000002);
    expect(await one('SELECT round(0.00000015::float8, 2)')).toBe(0);
    expect(await one('SELECT round(1e25::float8, 2)')).toBe(1e25);
    expect(await one('SELECT round(123.456::float8, 400)')).toBe(123.456);
  });
  it('rounds doubles halves away from zero, at any number of digits', async () => {
    expect(await one('SELECT round(2.675::float8, 2)')).toBe(2.68);
    expect(await one('SELECT round(-2.5::float8)')).toBe(-3);
    expect(await one('SELECT round(1250, -2)')).toBe(1300);
  });
  it('rounds NUMERIC exactly, the result printed at the requested scale (PostgreSQL 18 output)', async () => {
    expect(await one('SELECT round(2.675, 2)')).toBe('2.68');
    expect(await one('SELECT round(-2.5)')).toBe('-3');
    expect(await one('SELECT round(0.00000015, 7)')).toBe('0.0000002');
    expect(await one('SELECT round(0.00000015, 2)')).toBe('0.00');
    expect(await one('SELECT round(1e25, 2)')).toBe('10000000000000000000000000.00');
    expect(await one('SELECT round(1234.5, -2)')).toBe('1200');
  });
});

describe('overflow', () => {
  it('raises 22003 when a finite double overflows', async () => {
    expect(await code('SELECT exp(1000)')).toBe('22003');
    expect(await code("SELECT CAST('1e308' AS DOUBLE PRECISION) * 10")).toBe('22003');
  });
  it('refuses BIGINT values a double cannot hold exactly', async () => {
    expect(await code("SELECT '9007199254740993'::bigint")).toBe('22003');
    expect(await one("SELECT '9007199254740991'::bigint")).toBe(9007199254740991);
  });
});
