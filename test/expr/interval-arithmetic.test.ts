// INTERVAL arithmetic. Hand-derived cases are PostgreSQL's documented examples
// (9.9 "Date/Time Operators" and "Date/Time Functions" tables, and the rule
// that months apply first with the day clamped to the month's end); then a
// differential check against DuckDB, which follows the same rules for
// timestamp ± interval, date ± interval and timestamp - timestamp.

import { DuckDBInstance, DuckDBIntervalValue } from '@duckdb/node-api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.js';
import { errorCode, value } from './expr-test-helpers.js';

describe('operators (PostgreSQL docs, table 9.31)', () => {
  it.each([
    ["date '2001-09-28' + interval '1 hour'", '2001-09-28 01:00:00'],
    ["timestamp '2001-09-28 01:00' + interval '23 hours'", '2001-09-29 00:00:00'],
    ["interval '1 day' + interval '1 hour'", '1 day 01:00:00'],
    ["- interval '23 hours'", '-23:00:00'],
    ["date '2001-09-28' - interval '1 hour'", '2001-09-27 23:00:00'],
    ["timestamp '2001-09-28 23:00' - interval '23 hours'", '2001-09-28 00:00:00'],
    ["interval '1 day' - interval '1 hour'", '1 day -01:00:00'],
    ["timestamp '2001-09-29 03:00' - timestamp '2001-09-27 12:00'", '1 day 15:00:00'],
    ["900 * interval '1 second'", '00:15:00'],
    ["21 * interval '1 day'", '21 days'],
    ["3.5 * interval '1 hour'", '03:30:00'],
    ["interval '1 hour' / 1.5", '00:40:00'],
    // Months first, the day clamped to the new month's length.
    ["timestamp '2024-01-31 10:00' + interval '1 month'", '2024-02-29 10:00:00'],
    ["timestamp '2023-01-31' + interval '1 month'", '2023-02-28 00:00:00'],
    ["date '2024-01-31' + interval '1 month 1 day'", '2024-03-01 00:00:00'],
    ["timestamp '2024-03-31' - interval '1 month'", '2024-02-29 00:00:00'],
    ["interval '1 month' + timestamp '2024-05-31'", '2024-06-30 00:00:00'],
    // An untyped literal beside a timestamp in + reads as an interval (the only timestamp + operator).
    ["timestamp '2024-01-01' + '36 hours'", '2024-01-02 12:00:00'],
    // timestamp - timestamp justifies whole days out of the hours, keeping one sign.
    ["timestamp '2024-01-01' - timestamp '2024-01-02 06:00'", '-1 days -06:00:00'],
    // Multiplying cascades fractional months (30 days) and days (24 h) down.
    ["interval '1 mon 1 day' * 1.5", '1 mon 16 days 12:00:00'],
    ["interval '1 mon' / 4", '7 days 12:00:00'],
    ["interval '3 days' / 2", '1 day 12:00:00'],
  ])('%s = %s', async (expr, want) => {
    expect(await value(`SELECT ${expr}`)).toBe(want);
  });

  it('comparisons use the span with 30-day months and 24-hour days', async () => {
    expect(await value("SELECT interval '-1 mon -15 days' < interval '-2 mons 16 days'")).toBe(true);
    expect(await value("SELECT interval '1 month' = interval '30 days'")).toBe(true);
    expect(await value("SELECT interval '1 day' = interval '24 hours'")).toBe(true);
    expect(await value("SELECT interval '1 month' < interval '31 days'")).toBe(true);
    expect(await value("SELECT interval '-1 day' < interval '1 hour'")).toBe(true);
    expect(await value("SELECT interval '2 hours' BETWEEN '1 hour' AND '3 hours'")).toBe(true);
  });

  it('errors', async () => {
    expect(await errorCode("SELECT interval '1 day' / 0")).toBe('22012');
    expect(await errorCode("SELECT interval '1 day' + 1")).toBe('42883');
    expect(await errorCode("SELECT timestamp '2024-01-01' + timestamp '2024-01-01'")).toBe('42883');
    expect(await errorCode("SELECT interval '2000000000 mons' * 2")).toBe('22008');
    expect(await errorCode("SELECT timestamp '2024-01-01' - '1 day'")).toBe('22007'); // '1 day' read as a timestamp, as PostgreSQL does
  });
});

describe('functions (PostgreSQL docs, table 9.32)', () => {
  it.each([
    ["age(timestamp '2001-04-10', timestamp '1957-06-13')", '43 years 9 mons 27 days'],
    ["age(timestamp '1957-06-13', timestamp '2001-04-10')", '-43 years -9 mons -27 days'],
    ["age(timestamp '2024-03-01', timestamp '2023-01-31')", '1 year 1 mon 1 day'],
    ["make_interval(0, 0, 0, 10)", '10 days'],
    ["make_interval(1, 2, 1, 3, 4, 5, 6.5)", '1 year 2 mons 10 days 04:05:06.5'],
    ['make_interval()', '00:00:00'],
    ["justify_days(interval '35 days')", '1 mon 5 days'],
    ["justify_hours(interval '27 hours')", '1 day 03:00:00'],
    ["justify_interval(interval '1 mon -1 hour')", '29 days 23:00:00'],
    ["date_trunc('hour', interval '3 days 02:47:33')", '3 days 02:00:00'],
    ["date_trunc('year', interval '2 years 3 mons 4 days')", '2 years'],
  ])('%s = %s', async (expr, want) => {
    expect(await value(`SELECT ${expr}`)).toBe(want);
  });

  it.each([
    ["extract(epoch from interval '5 days 3 hours')", 442800],
    ["date_part('hour', interval '4 hours 3 minutes')", 4],
    ["extract(month from interval '2 years 3 months')", 3],
    ["extract(year from interval '2 years 3 months')", 2],
    ["extract(minute from interval '-1 hour -30 minutes')", -30],
    ["extract(second from interval '1 minute 2.5 seconds')", 2.5],
    ["extract(day from interval '40 days 30 hours')", 40],
    // Years count 365.25 days in epoch, leftover months 30 days.
    ["extract(epoch from interval '1 year 1 mon')", 365.25 * 86400 + 30 * 86400],
  ])('%s = %s', async (expr, want) => {
    expect(await value(`SELECT ${expr}`)).toBe(want);
  });

  it('fields an interval does not have are 0A000', async () => {
    expect(await errorCode("SELECT extract(dow from interval '1 day')")).toBe('0A000');
  });
});

// ---- Differential: DuckDB computes the same calendar arithmetic. ----

const MICROS_PER_DAY = 86_400_000_000;
const tsArb = fc.integer({ min: -2_000_000_000, max: 4_000_000_000 }).map((s) => s * 1_000_000 + 0); // 1906..2096, whole seconds
const ivArb = fc.record({
  months: fc.integer({ min: -40, max: 40 }),
  days: fc.integer({ min: -70, max: 70 }),
  micros: fc.integer({ min: -3 * MICROS_PER_DAY, max: 3 * MICROS_PER_DAY }),
});

function tsText(micros: number): string {
  return new Date(micros / 1000).toISOString().replace('T', ' ').replace('Z', '').replace(/\.000$/, '');
}

function ivText(p: { months: number; days: number; micros: number }): string {
  // Both engines read this verbose form identically.
  return `${p.months} months ${p.days} days ${p.micros} microseconds`;
}

describe('differential against DuckDB', () => {
  it('timestamp ± interval, date + interval and timestamp - timestamp', async () => {
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    const engine = new Engine();
    const samples = fc.sample(fc.tuple(tsArb, tsArb, ivArb), { numRuns: 150, seed: 20261127 });
    const exprs = (a: string, b: string, iv: string, day: string): string[] => [
      `CAST(${a} + INTERVAL '${iv}' AS text)`,
      `CAST(${a} - INTERVAL '${iv}' AS text)`,
      `CAST(${day} + INTERVAL '${iv}' AS text)`,
      `${a} - ${b}`,
    ];
    for (const [x, y, p] of samples) {
      const a = `TIMESTAMP '${tsText(x)}'`;
      const b = `TIMESTAMP '${tsText(y)}'`;
      const day = `DATE '${tsText(Math.floor(x / MICROS_PER_DAY) * MICROS_PER_DAY).slice(0, 10)}'`;
      const ours = (await engine.sql(`SELECT ${exprs(a, b, ivText(p), day).join(', ')}`)).rows[0]!;
      const reader = await duck.runAndReadAll(`SELECT ${exprs(a, b, ivText(p), day).join(', ')}`);
      const theirs = reader.getRows()[0]!;
      const context = `${tsText(x)} / ${tsText(y)} / ${ivText(p)}`;
      expect(ours.slice(0, 3), context).toEqual(theirs.slice(0, 3).map(String));
      // timestamp - timestamp: compare the parts (the two print intervals differently).
      const diff = theirs[3] as DuckDBIntervalValue;
      const mine = (await engine.sql(`SELECT extract(day from ${a} - ${b}), extract(epoch from ${a} - ${b}) - 86400 * extract(day from ${a} - ${b})`)).rows[0]!;
      expect([diff.months, diff.days, Number(diff.micros)], context).toEqual([0, mine[0], Math.round((mine[1] as number) * 1e6)]);
    }
    duck.closeSync();
  }, 60_000);

  it('comparison by span (30-day months, 24-hour days) agrees with DuckDB', async () => {
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    const engine = new Engine();
    // Small parts, so that equal spans from different parts occur often. Parts
    // are non-negative: DuckDB normalizes mixed signs part by part and then
    // compares lexicographically, which orders e.g. '-1 mon -15 days' above
    // '-2 mons 16 days'; PostgreSQL (and Freshet) compare the spans (-45 < -44 days).
    const small = fc.record({
      months: fc.integer({ min: 0, max: 3 }),
      days: fc.integer({ min: 0, max: 61 }).map((d) => d - (d % 15)),
      micros: fc.constantFrom(0, DAY_HALF, 2 * DAY_HALF, 60 * DAY_HALF, 1),
    });
    const pairs = fc.sample(fc.tuple(small, small), { numRuns: 200, seed: 99 });
    const sql = pairs
      .map(([p, q]) => `SELECT ${['<', '=', '>'].map((op) => `INTERVAL '${ivText(p)}' ${op} INTERVAL '${ivText(q)}'`).join(', ')}`)
      .join(' UNION ALL ');
    const theirs = (await duck.runAndReadAll(sql)).getRows();
    for (let k = 0; k < pairs.length; k++) {
      const [p, q] = pairs[k]!;
      const ours = (await engine.sql(`SELECT ${['<', '=', '>'].map((op) => `INTERVAL '${ivText(p)}' ${op} INTERVAL '${ivText(q)}'`).join(', ')}`)).rows[0];
      expect(ours, `${ivText(p)} vs ${ivText(q)}`).toEqual(theirs[k]);
    }
    duck.closeSync();
  }, 60_000);
});

const DAY_HALF = 43_200_000_000;
