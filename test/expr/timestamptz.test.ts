// TIMESTAMPTZ with the session time zone fixed at UTC. Expected values are
// PostgreSQL's behaviour with TimeZone = 'UTC', derived from its docs (8.5.1.3
// "Time Stamps": an explicit offset in the input is honoured, a value without
// one is in the session zone; output is in the session zone, ISO style, with
// the offset as '+00'; timestamp <-> timestamptz casts use the session zone).

import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';
import { errorCode, row, value } from './expr-test-helpers.js';

describe('input and output', () => {
  it.each([
    ['2024-01-02 03:04:05+02', '2024-01-02 01:04:05+00'],
    ['2024-01-02 03:04:05Z', '2024-01-02 03:04:05+00'],
    ['2024-01-02 03:04:05', '2024-01-02 03:04:05+00'],
    ['2024-01-02 03:04:05 UTC', '2024-01-02 03:04:05+00'],
    ['2024-01-02 03:04:05.5-05:30', '2024-01-02 08:34:05.5+00'],
    ['2024-01-02T03:04:05+0100', '2024-01-02 02:04:05+00'],
    ['2024-01-01 00:30:00+01', '2023-12-31 23:30:00+00'],
    ['2024-01-02', '2024-01-02 00:00:00+00'],
  ])("timestamptz '%s' prints %s", async (input, want) => {
    expect(await value(`SELECT timestamptz '${input}'`)).toBe(want);
    expect(await value(`SELECT CAST('${input}' AS timestamp with time zone)`)).toBe(want);
  });

  it('reports type timestamptz (OID 1184)', async () => {
    const r = await new Engine().sql("SELECT timestamptz '2024-01-01'");
    expect(r.fields[0]).toMatchObject({ dataTypeID: 1184, type: 'timestamptz' });
  });

  it.each([
    ['garbage', '22007'],
    ['2024-13-01 00:00+00', '22008'],
    ['2024-01-01 00:00+16', '22007'],
    ['2024-01-01 00:00 Mars/Olympus', '22007'],
  ])("'%s' is rejected with %s", async (input, code) => {
    expect(await errorCode(`SELECT CAST('${input}' AS timestamptz)`)).toBe(code);
  });
});

describe('casts and comparisons (session zone UTC)', () => {
  it('timestamp, date and timestamptz convert at UTC', async () => {
    expect(await row("SELECT CAST(timestamptz '2024-01-02 03:04:05+02' AS timestamp), CAST(timestamptz '2024-01-02 23:00-02' AS date), CAST(date '2024-01-02' AS timestamptz), CAST(timestamp '2024-01-02 03:04' AS timestamptz)")).toEqual([
      '2024-01-02 01:04:05',
      '2024-01-03',
      '2024-01-02 00:00:00+00',
      '2024-01-02 03:04:00+00',
    ]);
  });
  it('timestamp and date compare with timestamptz after the implicit cast', async () => {
    expect(await value("SELECT timestamp '2024-01-01 02:00' = timestamptz '2024-01-01 04:00+02'")).toBe(true);
    expect(await value("SELECT date '2024-01-01' < timestamptz '2024-01-01 00:00:01+00'")).toBe(true);
    expect(await value("SELECT timestamptz '2024-01-01 00:00+01' < '2024-01-01 00:00'")).toBe(true);
    expect(await value("SELECT coalesce(NULL, timestamp '2024-01-01', timestamptz '2024-01-02')")).toBe('2024-01-01 00:00:00+00');
  });
  it('arithmetic keeps the type', async () => {
    expect(await row("SELECT timestamptz '2024-01-31 10:00+00' + interval '1 month', timestamptz '2024-01-01 00:00+00' - interval '1 hour', timestamptz '2024-01-02 00:00+00' - timestamptz '2024-01-01 12:00+00', timestamptz '2024-01-02 00:00+00' - timestamp '2024-01-01'")).toEqual([
      '2024-02-29 10:00:00+00',
      '2023-12-31 23:00:00+00',
      '12:00:00',
      '1 day',
    ]);
  });
  it('date_trunc, extract and to_char work in UTC', async () => {
    expect(await row("SELECT date_trunc('day', timestamptz '2024-01-01 05:00+07'), extract(hour from timestamptz '2024-01-01 05:00+03'), extract(timezone from timestamptz '2024-01-01 05:00+03'), extract(epoch from timestamptz '1970-01-01 00:00:00+01')")).toEqual([
      '2023-12-31 00:00:00+00',
      2,
      0,
      -3600,
    ]);
    expect(await value("SELECT to_char(timestamptz '2024-01-01 05:06:07+03', 'YYYY-MM-DD HH24:MI:SS TZ')")).toBe('2024-01-01 02:06:07 UTC');
  });
  it('age over timestamptz', async () => {
    // 3-1 months, 1-15 days, -12 hours: the hours borrow a day (-15 days), the
    // days borrow a month of the earlier timestamp's January (31 days).
    expect(await value("SELECT age(timestamptz '2024-03-01 00:00+00', timestamptz '2024-01-15 12:00+00')")).toBe('1 mon 16 days 12:00:00');
  });
});
