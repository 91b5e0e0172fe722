// Calendar conversion (proleptic Gregorian, days since 1970-01-01) checked
// against JavaScript's Date, which uses the same calendar and astronomical
// year numbering, for every year from -4713 to 9999; then text round trips
// of dates and timestamps through parse and format.

import { describe, expect, it } from 'vitest';
import {
  MICROS_PER_DAY, civilFromDays, daysFromCivil, formatDate, formatTimestamp, parseDate, parseTimestamp,
} from '../../src/expr/datetime.js';

const MS_PER_DAY = 86_400_000;

/** Days since the epoch by JS Date (setUTCFullYear avoids Date.UTC's 0..99 -> 19xx rule). */
function jsDays(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getTime() / MS_PER_DAY;
}

function jsCivil(days: number): [number, number, number] {
  const d = new Date(days * MS_PER_DAY);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

const leap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

describe('daysFromCivil / civilFromDays against Date', () => {
  it('Jan 1, Feb 28, Feb 29 (leap years), Mar 1 and Dec 31 of every year -4713..9999', () => {
    const bad: string[] = [];
    for (let y = -4713; y <= 9999; y++) {
      const dates: [number, number, number][] = [[y, 1, 1], [y, 2, 28], [y, 3, 1], [y, 12, 31]];
      if (leap(y)) dates.push([y, 2, 29]);
      for (const [yy, m, d] of dates) {
        const want = jsDays(yy, m, d);
        const got = daysFromCivil(yy, m, d);
        if (got !== want) bad.push(`daysFromCivil(${yy},${m},${d})=${got}, Date says ${want}`);
        const back = civilFromDays(want);
        const [jy, jm, jd] = jsCivil(want);
        if (back.year !== jy || back.month !== jm || back.day !== jd) bad.push(`civilFromDays(${want})=${JSON.stringify(back)}`);
      }
      if (bad.length > 10) break;
    }
    expect(bad).toEqual([]);
  });

  it('every day of 1999-2001 and of 1600-1601 (century rules) round-trips', () => {
    for (const [from, to] of [[jsDays(1999, 1, 1), jsDays(2002, 1, 1)], [jsDays(1599, 12, 1), jsDays(1602, 1, 1)]] as const) {
      const bad: number[] = [];
      for (let d = from; d < to; d++) {
        const c = civilFromDays(d);
        const [y, m, dd] = jsCivil(d);
        if (c.year !== y || c.month !== m || c.day !== dd || daysFromCivil(y, m, dd) !== d) bad.push(d);
      }
      expect(bad).toEqual([]);
    }
  });

  it('fixed points', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(2000, 3, 1)).toBe(11_017);
    expect(daysFromCivil(1969, 12, 31)).toBe(-1);
    // Julian day 0 (4714-11-24 BC, Gregorian) is 2440588 days before the epoch.
    expect(daysFromCivil(-4713, 11, 24)).toBe(-2_440_588);
  });
});

describe('text round trips', () => {
  it('formatDate then parseDate returns the same day (AD years)', () => {
    const bad: string[] = [];
    for (let d = jsDays(1, 1, 1); d <= jsDays(9999, 12, 31); d += 997) {
      const text = formatDate(d);
      const [y, m, dd] = jsCivil(d);
      const want = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(dd).padStart(2, '0')}`;
      if (text !== want) bad.push(`${d}: ${text} != ${want}`);
      else if (parseDate(text) !== d) bad.push(`parseDate(${text}) = ${parseDate(text)}`);
    }
    expect(bad).toEqual([]);
  });

  it('formatDate then parseDate returns the same day (BC years)', () => {
    const bad: string[] = [];
    for (let d = jsDays(-4713, 1, 1); d < jsDays(1, 1, 1); d += 9973) {
      const text = formatDate(d);
      let back: number | string;
      try {
        back = parseDate(text);
      } catch (err) {
        back = String(err);
      }
      if (back !== d) bad.push(`${text}: ${back}`);
      if (bad.length > 3) break;
    }
    expect(bad).toEqual([]);
  });

  it('timestamps with microseconds, before and after 1970', () => {
    const samples = [
      ['1970-01-01 00:00:00', 0],
      ['1969-12-31 23:59:59.999999', -1],
      ['2000-02-29 12:34:56.000001', (jsDays(2000, 2, 29) * MS_PER_DAY + 45_296_000) * 1000 + 1],
      ['1900-03-01 00:00:00.5', jsDays(1900, 3, 1) * MICROS_PER_DAY + 500_000],
      ['0001-01-01 00:00:00', jsDays(1, 1, 1) * MICROS_PER_DAY],
    ] as const;
    for (const [text, micros] of samples) {
      expect(formatTimestamp(micros), text).toBe(text);
      expect(parseTimestamp(text), text).toBe(micros);
    }
  });

  it('far from 1970, whole seconds round trip and fractions are refused rather than rounded', () => {
    // Beyond 2^53 microseconds (~285 years from 1970) a double cannot hold every
    // microsecond; Freshet keeps whole seconds exact there and refuses fractions (22008)
    // instead of returning a different instant (README: differences from PostgreSQL).
    for (const text of ['9999-12-31 23:59:59', '0001-01-01 00:00:00', '2500-06-15 08:00:00']) {
      expect(formatTimestamp(parseTimestamp(text)), text).toBe(text);
    }
    for (const text of ['9999-12-31 23:59:59.999999', '0001-01-01 00:00:00.000001', '2500-06-15 08:00:00.000007', '1600-01-01 00:00:00.123457']) {
      expect(() => parseTimestamp(text), text).toThrow(expect.objectContaining({ code: '22008' }));
    }
    expect(formatTimestamp(parseTimestamp('2200-06-15 08:00:00.000007'))).toBe('2200-06-15 08:00:00.000007');
  });

  it('BC timestamps print as PostgreSQL does', () => {
    // 0001-12-31 BC 12:00 is half a day before 0001-01-01 AD.
    expect(formatTimestamp(jsDays(1, 1, 1) * MICROS_PER_DAY - MICROS_PER_DAY / 2)).toBe('0001-12-31 12:00:00 BC');
  });
});
