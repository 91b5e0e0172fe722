// date_trunc and extract over TIMESTAMP and DATE for every unit, with
// PostgreSQL's definitions: ISO weeks start on Monday, century and millennium
// start in years ending in 01, dow 0 = Sunday, isodow 7 = Sunday, epoch in
// seconds. Hand-derived cases, then a cross-check against DuckDB (which
// agrees with PostgreSQL on these fields for AD years) over random timestamps.

import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';
import { errorCode, row, value } from './expr-test-helpers.js';

const TS = "CAST('2021-08-17 14:35:52.123456' AS timestamp)"; // a Tuesday

describe('date_trunc (hand-derived, PostgreSQL semantics)', () => {
  it.each([
    ['microseconds', '2021-08-17 14:35:52.123456'],
    ['milliseconds', '2021-08-17 14:35:52.123'],
    ['second', '2021-08-17 14:35:52'],
    ['minute', '2021-08-17 14:35:00'],
    ['hour', '2021-08-17 14:00:00'],
    ['day', '2021-08-17 00:00:00'],
    ['week', '2021-08-16 00:00:00'],
    ['month', '2021-08-01 00:00:00'],
    ['quarter', '2021-07-01 00:00:00'],
    ['year', '2021-01-01 00:00:00'],
    ['decade', '2020-01-01 00:00:00'],
    ['century', '2001-01-01 00:00:00'],
    ['millennium', '2001-01-01 00:00:00'],
  ])('%s', async (unit, want) => {
    expect(await value(`SELECT date_trunc('${unit}', ${TS})`)).toBe(want);
  });

  it('units are case-insensitive and accept plurals', async () => {
    expect(await row(`SELECT date_trunc('HOURS', ${TS}), date_trunc('Month', ${TS})`)).toEqual(['2021-08-17 14:00:00', '2021-08-01 00:00:00']);
  });

  it('boundaries: years ending in 00 belong to the previous century and millennium', async () => {
    expect(await row("SELECT date_trunc('century', CAST('2000-12-31 23:59:59' AS timestamp)), date_trunc('millennium', CAST('2000-06-01' AS timestamp)), date_trunc('century', CAST('1901-01-01' AS timestamp)), date_trunc('decade', CAST('1999-12-31' AS timestamp))"))
      .toEqual(['1901-01-01 00:00:00', '1001-01-01 00:00:00', '1901-01-01 00:00:00', '1990-01-01 00:00:00']);
  });

  it('week: a Sunday truncates to the Monday six days before, across a year boundary', async () => {
    expect(await row("SELECT date_trunc('week', CAST('2021-01-03 10:00:00' AS timestamp)), date_trunc('week', CAST('2021-01-04 00:00:00' AS timestamp)), date_trunc('week', CAST('1970-01-01' AS timestamp))"))
      .toEqual(['2020-12-28 00:00:00', '2021-01-04 00:00:00', '1969-12-29 00:00:00']);
  });

  it('before 1970 truncation goes toward the past', async () => {
    expect(await row("SELECT date_trunc('second', CAST('1969-12-31 23:59:59.999999' AS timestamp)), date_trunc('day', CAST('1969-12-31 23:59:59' AS timestamp)), date_trunc('hour', CAST('1969-07-20 20:17:40' AS timestamp))"))
      .toEqual(['1969-12-31 23:59:59', '1969-12-31 00:00:00', '1969-07-20 20:00:00']);
  });

  it('a date argument truncates like midnight of that day', async () => {
    expect(await value("SELECT date_trunc('month', CAST('2021-05-17' AS date))")).toBe('2021-05-01 00:00:00');
  });

  it('an unknown unit raises 22023; NULL gives NULL', async () => {
    expect(await errorCode(`SELECT date_trunc('fortnight', ${TS})`)).toBe('22023');
    expect(await row('SELECT date_trunc(\'day\', CAST(NULL AS timestamp))')).toEqual([null]);
  });
});

describe('extract (hand-derived, PostgreSQL semantics)', () => {
  it.each([
    ['year', 2021], ['month', 8], ['day', 17], ['hour', 14], ['minute', 35],
    ['second', 52.123456], ['millisecond', 52123.456], ['microsecond', 52123456],
    ['dow', 2], ['isodow', 2], ['doy', 229], ['quarter', 3], ['week', 33], ['isoyear', 2021],
    ['decade', 202], ['century', 21], ['millennium', 3],
  ])('%s', async (field, want) => {
    expect(await value(`SELECT extract(${field} FROM ${TS})`)).toBeCloseTo(want as number, 9);
  });

  it('epoch counts seconds since 1970 with the fraction, negative before', async () => {
    expect(await row("SELECT extract(epoch FROM CAST('1970-01-02 00:00:01.5' AS timestamp)), extract(epoch FROM CAST('1969-12-31 23:59:58.5' AS timestamp)), extract(epoch FROM CAST('2000-01-01' AS date))"))
      .toEqual([86401.5, -1.5, 946684800]);
  });

  it('Sunday: dow 0, isodow 7; ISO week 53 of the previous ISO year', async () => {
    expect(await row("SELECT extract(dow FROM CAST('2021-01-03' AS date)), extract(isodow FROM CAST('2021-01-03' AS date)), extract(week FROM CAST('2021-01-03' AS date)), extract(isoyear FROM CAST('2021-01-03' AS date))"))
      .toEqual([0, 7, 53, 2020]);
  });

  it('2018-12-31 is in ISO week 1 of 2019; doy of Dec 31 in a leap year is 366', async () => {
    expect(await row("SELECT extract(week FROM CAST('2018-12-31' AS date)), extract(isoyear FROM CAST('2018-12-31' AS date)), extract(doy FROM CAST('2020-12-31' AS date)), extract(doy FROM CAST('2021-12-31' AS date))"))
      .toEqual([1, 2019, 366, 365]);
  });

  it('century and millennium of years ending in 00; date_part is extract', async () => {
    expect(await row("SELECT extract(century FROM CAST('2000-01-01' AS date)), extract(century FROM CAST('2001-01-01' AS date)), extract(millennium FROM CAST('2000-12-31' AS date)), date_part('year', CAST('1999-05-05' AS date))"))
      .toEqual([20, 21, 2, 1999]);
  });

  it('BC years have no year 0: the day before 0001-01-01 is year -1', async () => {
    expect(await row("SELECT extract(year FROM CAST('0001-01-01' AS date) - 1), extract(century FROM CAST('0001-01-01' AS date) - 1), extract(year FROM CAST('0001-01-01' AS date) - 366)"))
      .toEqual([-1, -1, -1]);
  });

  it('an unknown field raises 22023', async () => {
    expect(await errorCode(`SELECT extract(fortnight FROM ${TS})`)).toBe('22023');
  });
});

describe('cross-check against DuckDB over random timestamps (AD years)', () => {
  const FIELDS = ['year', 'month', 'day', 'hour', 'minute', 'dow', 'isodow', 'doy', 'quarter', 'week', 'isoyear', 'decade', 'century', 'millennium', 'epoch'];
  const UNITS = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year', 'decade'];

  it('extract and date_trunc agree on 300 timestamps', async () => {
    // Whole seconds everywhere (exact as doubles); the cases above cover fractions.
    const seconds = fc.sample(fc.noBias(fc.integer({ min: -62_135_596_800, max: 253_402_300_799 })), { seed: 7, numRuns: 300 });
    const texts = seconds.map((s) => new Date(s * 1000).toISOString().replace('T', ' ').slice(0, 19));
    texts.push('2020-02-29 00:00:00', '2021-01-03 23:59:59', '2018-12-31 00:00:00', '1970-01-01 00:00:00', '0001-01-01 00:00:00', '9999-12-31 23:59:59');
    const select = [...FIELDS.map((f) => `extract(${f} FROM ts)`), ...UNITS.map((u) => `CAST(date_trunc('${u}', ts) AS text)`)].join(', ');

    const e = new Engine();
    await e.sql('CREATE TABLE t (i int, ts timestamp)');
    await e.insert('t', texts.map((ts, i) => ({ i, ts })));
    const mine = (await e.sql(`SELECT i, ${select} FROM t ORDER BY i`)).rows.map((r) => r.map((v) => String(v)));

    const duck = await DuckDBInstance.create(':memory:');
    const conn = await duck.connect();
    await conn.run('CREATE TABLE t (i INTEGER, ts TIMESTAMP)');
    await conn.run(`INSERT INTO t VALUES ${texts.map((ts, i) => `(${i}, TIMESTAMP '${ts}')`).join(', ')}`);
    const reader = await conn.runAndReadAll(`SELECT i, ${select.replaceAll('AS text', 'AS VARCHAR')} FROM t ORDER BY i`);
    // DuckDB prints BC as '0001-01-01 (BC) 00:00:00', PostgreSQL as '0001-01-01 00:00:00 BC'.
    const pgText = (v: unknown): string => String(v).replace(/^(\S+) \(BC\) (\S+)$/, '$1 $2 BC');
    const theirs = reader.getRowsJson().map((r) => r.map((v) => (Number.isNaN(Number(v)) ? pgText(v) : String(Number(v)))));
    conn.closeSync();
    duck.closeSync();

    const diffs: string[] = [];
    mine.forEach((r, i) => r.forEach((v, c) => {
      if (v !== theirs[i]![c]) diffs.push(`${texts[i]} ${c === 0 ? 'i' : [...FIELDS, ...UNITS][c - 1]}: freshet ${v}, duckdb ${theirs[i]![c]}`);
    }));
    expect(diffs.slice(0, 10)).toEqual([]);
  });
});
