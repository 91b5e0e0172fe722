// INTERVAL input and output, hand-derived from PostgreSQL's documentation
// (8.5.4 "Interval Input": units, abbreviations, fractions cascading down,
// 'ago', ISO 8601 format with designators; 8.5.5 "Interval Output": the
// postgres style prints 'N year(s) N mon(s) N day(s) [+-]HH:MM:SS[.ffffff]',
// a field's sign before it and '+' on a positive field after a negative one).
// The text form is also the Scalar, so it must round-trip through the layout.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { columnFromScalars, getScalar } from '../../src/columnar/column.js';
import { formatInterval, parseInterval } from '../../src/columnar/interval-text.js';
import { IntervalValues } from '../../src/columnar/interval-values.js';
import { errorCode, value } from './expr-test-helpers.js';

describe('interval input and output (PostgreSQL docs 8.5.4 / 8.5.5)', () => {
  it.each([
    ['1 day 02:00:00', '1 day 02:00:00'],
    ['5 minutes', '00:05:00'],
    ['2 hours 30 mins', '02:30:00'],
    ['1 year 2 months', '1 year 2 mons'],
    ['1 year 2 months 3 days 4 hours 5 minutes 6 seconds', '1 year 2 mons 3 days 04:05:06'],
    ['3 4:05:06', '3 days 04:05:06'],
    ['-1 year -2 mons +3 days -04:05:06', '-1 years -2 mons +3 days -04:05:06'],
    ['@ 1 hour ago', '-01:00:00'],
    ['2 days ago', '-2 days'],
    ['-1 day +02:03', '-1 days +02:03:00'],
    ['1 mon -1 day', '1 mon -1 days'],
    ['1.5 days', '1 day 12:00:00'],
    ['1.5 months', '1 mon 15 days'],
    ['1.5 years', '1 year 6 mons'],
    ['0.5 weeks', '3 days 12:00:00'],
    ['1 week', '7 days'],
    ['100 hours', '100:00:00'],
    ['0', '00:00:00'],
    ['90', '00:01:30'],
    ['1 millisecond', '00:00:00.001'],
    ['1 microsecond', '00:00:00.000001'],
    ['1.25 seconds', '00:00:01.25'],
    ['1 decade', '10 years'],
    ['1 century', '100 years'],
    ['1 millennium', '1000 years'],
    ['1d 2h 3m 4s', '1 day 02:03:04'],
    ['1day', '1 day'],
    ['  1 YEAR  ', '1 year'],
    ['P1Y2M3DT4H5M6S', '1 year 2 mons 3 days 04:05:06'],
    ['PT5M', '00:05:00'],
    ['P2W', '14 days'],
    ['-00:00:01', '-00:00:01'],
    ['1:30.5', '00:01:30.5'],
  ])("'%s'::interval prints %s", async (input, want) => {
    expect(await value(`SELECT CAST('${input}' AS interval)`)).toBe(want);
    expect(await value(`SELECT INTERVAL '${input}'`)).toBe(want);
  });

  it.each([
    ['', '22007'],
    ['abc', '22007'],
    ['1 fortnight', '22007'],
    ['1 day ago 2 hours', '22007'],
    ['P', '22007'],
    ['1:75', '22008'],
    ['3000000000 days', '22008'],
  ])("'%s' is rejected with %s", async (input, code) => {
    expect(await errorCode(`SELECT CAST('${input}' AS interval)`)).toBe(code);
  });

  it('names the bad input and the type', async () => {
    await expect(value("SELECT INTERVAL '5 parsecs'")).rejects.toThrow('invalid input syntax for type interval: "5 parsecs"');
  });

  it('an interval is cast to text in its output form, and text casts back', async () => {
    expect(await value("SELECT CAST(INTERVAL '25 hours' AS text) || '!'")).toBe('25:00:00!');
    expect(await value("SELECT INTERVAL '1 mon' || ''")).toBe('1 mon');
  });
});

describe('the text form round-trips through the layout', () => {
  const parts = fc.record({
    months: fc.integer({ min: -100_000, max: 100_000 }),
    days: fc.integer({ min: -1_000_000, max: 1_000_000 }),
    micros: fc.integer({ min: -(2 ** 50), max: 2 ** 50 }),
  });
  it('parse(format(p)) == p', () => {
    fc.assert(
      fc.property(parts, (p) => {
        const back = parseInterval(formatInterval(p.months, p.days, p.micros));
        expect(back).toEqual({ months: p.months, days: p.days, micros: p.micros });
      }),
      { numRuns: 500 },
    );
  });
  it('a column of intervals keeps every part and spans order as 30-day months', () => {
    const col = columnFromScalars('interval', ['1 mon', null, '30 days', '-1 days +02:00:00']);
    const v = col.values as IntervalValues;
    expect(v).toBeInstanceOf(IntervalValues);
    expect([getScalar(col, 0), getScalar(col, 1), getScalar(col, 2), getScalar(col, 3)]).toEqual(['1 mon', null, '30 days', '-1 days +02:00:00']);
    expect(v[0]).toBe(v[2]); // '1 mon' and '30 days' compare equal in PostgreSQL
    expect(v[3]).toBe(-22 * 3600e6);
    // Derived arrays are plain spans, never IntervalValues without their parts.
    expect(v.subarray(0, 2)).not.toBeInstanceOf(IntervalValues);
  });
});
