// to_char for timestamps, dates, intervals and numbers. Expected values are
// PostgreSQL's documented examples (9.8 "Data Type Formatting Functions",
// tables 9.26-9.29 and the "to_char Examples" table) plus hand-derived cases
// from the pattern definitions (Month and Day blank-padded to 9 characters,
// FM suppresses padding, TH adds the ordinal suffix, HH12 shows 12 for 0).

import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';

const engine = new Engine();
async function value(sql: string): Promise<unknown> {
  return (await engine.sql(sql)).rows[0]![0];
}

const TS = "timestamp '2002-04-20 17:31:12.66'"; // a Saturday

describe('to_char(timestamp, template)', () => {
  it.each([
    ['HH12:MI:SS', '05:31:12'],
    ['YYYY-MM-DD HH24:MI:SS.MS', '2002-04-20 17:31:12.660'],
    ['US', '660000'],
    ['Day, DD  HH12:MI:SS', 'Saturday , 20  05:31:12'],
    ['FMDay, FMDD  HH12:MI:SS', 'Saturday, 20  05:31:12'],
    ['Mon Month MON MONTH mon month', 'Apr April     APR APRIL     apr april    '],
    ['FMMonth', 'April'],
    ['Dy DY dy D ID', 'Sat SAT sat 7 6'],
    ['AM am PM A.M. p.m.', 'PM pm PM P.M. p.m.'],
    ['DDD Q WW IW J', '110 2 16 16 2452385'],
    ['DDth FMDDth Q"rd quarter"', '20th 20th 2rd quarter'],
    ['YY YYY Y,YYY CC', '02 002 2,002 21'],
    ['"Literal" YYYY \\"', 'Literal 2002 "'],
    ['SSSS', '63072'],
  ])("'%s' -> '%s'", async (template, want) => {
    expect(await value(`SELECT to_char(${TS}, '${template}')`)).toBe(want);
  });

  it('midnight is 12 AM on the 12-hour clock; dates and NULLs', async () => {
    expect(await value("SELECT to_char(timestamp '2024-01-01 00:05', 'HH12:MI AM HH24')")).toBe('12:05 AM 00');
    expect(await value("SELECT to_char(date '2024-02-29', 'FMMonth FMDDth, YYYY (Dy)')")).toBe('February 29th, 2024 (Thu)');
    expect(await value("SELECT to_char(NULL::timestamp, 'YYYY')")).toBe(null);
    expect(await value("SELECT to_char(timestamp '2024-01-01', NULL)")).toBe(null);
  });
});

describe('to_char(interval, template)', () => {
  it.each([
    ["interval '15h 2m 12s'", 'HH24:MI:SS', '15:02:12'],
    ["interval '1 year 2 mons 3 days 100 hours'", 'YYYY MM DD HH24', '0001 02 03 100'],
    ["interval '-2 hours -5 minutes'", 'HH24:MI', '-02:-05'],
    ["interval '0 hours'", 'HH12', '12'],
  ])('%s with %s', async (iv, template, want) => {
    expect(await value(`SELECT to_char(${iv}, '${template}')`)).toBe(want);
  });
});

describe('to_char(number, template) (docs "to_char Examples")', () => {
  it.each([
    ['-0.1', '99.99', '  -.10'],
    ['-0.1', 'FM9.99', '-.1'],
    ['-0.1', 'FM90.99', '-0.1'],
    ['0.1', '0.9', ' 0.1'],
    ['12', '9990999.9', '    0012.0'],
    ['12', 'FM9990999.9', '0012.'],
    ['485', '999', ' 485'],
    ['-485', '999', '-485'],
    ['485', '9 9 9', ' 4 8 5'],
    ['1485', '9,999', ' 1,485'],
    ['1485', '9G999', ' 1,485'],
    ['148.5', '999.999', ' 148.500'],
    ['148.5', 'FM999.999', '148.5'],
    ['148.5', 'FM999.990', '148.500'],
    ['148.5', '999D999', ' 148.500'],
    ['3148.5', '9G999D999', ' 3,148.500'],
    ['-485', '999S', '485-'],
    ['-485', '999MI', '485-'],
    ['485', '999MI', '485 '],
    ['485', 'FM999MI', '485'],
    ['-485', '999PR', '<485>'],
    ['12345', '999', ' ###'],
    ['0.5', '9', ' 1'],
    ['2.5', '9', ' 3'],
    ['-2.5', '9', '-3'],
  ])('to_char(%s, %s) = %s', async (x, template, want) => {
    expect(await value(`SELECT to_char(${x}, '${template}')`)).toBe(want);
  });
});
