// INTERVAL arithmetic with PostgreSQL's rules (src/backend/utils/adt/timestamp.c
// semantics, re-derived from its documentation and behaviour): months, days and
// microseconds stay apart; adding months to a timestamp clamps the day to the
// month's end; timestamp - timestamp justifies whole 24-hour days; multiplying
// or dividing by a number cascades fractional months (30 days) and days (24 h)
// down, never up. Functions work on plain numbers; kernels loop over columns.

import { EngineError, SqlState } from '../common/errors.js';
import type { IntervalParts } from '../columnar/interval-text.js';
import { checked, intervalOutOfRange } from '../columnar/interval-text.js';
import { MICROS_PER_DAY, MICROS_PER_HOUR, MICROS_PER_MINUTE, MICROS_PER_SECOND, civilFromDays, daysFromCivil, daysInMonth } from './datetime.js';

const DAYS_PER_MONTH = 30;
const SECS_PER_DAY = 86_400;
/** Timestamps are refused beyond ±2^59 µs, as datetime.ts's parser does. */
const MAX_TIMESTAMP_MICROS = 2 ** 59;

/** C's rint(): round half to even, as PostgreSQL's interval arithmetic does. */
export function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** PostgreSQL's TSROUND: rounds to microsecond precision of a count of seconds or days. */
function tsRound(x: number): number {
  return rint(x * 1e6) / 1e6;
}

function timestampOutOfRange(): EngineError {
  return new EngineError(SqlState.datetimeFieldOverflow, 'timestamp out of range');
}

/** ts + interval: months first (day clamped to the month's length), then days, then time. */
export function addIntervalToTimestamp(ts: number, months: number, days: number, micros: number): number {
  let out = ts;
  if (months !== 0) {
    const dayNumber = Math.floor(out / MICROS_PER_DAY);
    const inDay = out - dayNumber * MICROS_PER_DAY;
    const c = civilFromDays(dayNumber);
    const index = c.year * 12 + (c.month - 1) + months;
    const year = Math.floor(index / 12);
    const month = index - year * 12 + 1;
    const day = Math.min(c.day, daysInMonth(year, month));
    out = daysFromCivil(year, month, day) * MICROS_PER_DAY + inDay;
  }
  out += days * MICROS_PER_DAY + micros;
  if (!(Math.abs(out) <= MAX_TIMESTAMP_MICROS)) throw timestampOutOfRange();
  return out;
}

/** justify_hours: whole 24-hour spans of the time part become days; day and time share a sign. */
export function justifyHours(p: IntervalParts): IntervalParts {
  const wholeDays = Math.trunc(p.micros / MICROS_PER_DAY);
  let micros = p.micros - wholeDays * MICROS_PER_DAY;
  let days = p.days + wholeDays;
  if (days > 0 && micros < 0) {
    micros += MICROS_PER_DAY;
    days--;
  } else if (days < 0 && micros > 0) {
    micros -= MICROS_PER_DAY;
    days++;
  }
  return checked({ months: p.months, days: days + 0, micros: micros + 0 });
}

/** justify_days: whole 30-day spans become months; month and day share a sign. */
export function justifyDays(p: IntervalParts): IntervalParts {
  const wholeMonths = Math.trunc(p.days / DAYS_PER_MONTH);
  let days = p.days - wholeMonths * DAYS_PER_MONTH;
  let months = p.months + wholeMonths;
  if (months > 0 && days < 0) {
    days += DAYS_PER_MONTH;
    months--;
  } else if (months < 0 && days > 0) {
    days -= DAYS_PER_MONTH;
    months++;
  }
  return checked({ months: months + 0, days: days + 0, micros: p.micros });
}

/** justify_interval: justify_hours then justify_days, with every part sharing one sign. */
export function justifyInterval(p: IntervalParts): IntervalParts {
  const wholeDays = Math.trunc(p.micros / MICROS_PER_DAY);
  let micros = p.micros - wholeDays * MICROS_PER_DAY;
  let days = p.days + wholeDays;
  const wholeMonths = Math.trunc(days / DAYS_PER_MONTH);
  days -= wholeMonths * DAYS_PER_MONTH;
  let months = p.months + wholeMonths;
  if (months > 0 && (days < 0 || (days === 0 && micros < 0))) {
    days += DAYS_PER_MONTH;
    months--;
  } else if (months < 0 && (days > 0 || (days === 0 && micros > 0))) {
    days -= DAYS_PER_MONTH;
    months++;
  }
  if (days > 0 && micros < 0) {
    micros += MICROS_PER_DAY;
    days--;
  } else if (days < 0 && micros > 0) {
    micros -= MICROS_PER_DAY;
    days++;
  }
  return checked({ months: months + 0, days: days + 0, micros: micros + 0 });
}

/** timestamp - timestamp: the difference in µs with whole days justified out of it. */
export function timestampDifference(a: number, b: number): IntervalParts {
  return justifyHours({ months: 0, days: 0, micros: a - b });
}

function int32Part(x: number): number {
  if (Number.isNaN(x) || x > 2147483647 || x < -2147483648) throw intervalOutOfRange();
  return Math.trunc(x);
}

/**
 * interval * factor (or / divisor when `divide`): whole months and days scale
 * in place; their fractions cascade down (30-day months, 24-hour days), rounded
 * to the microsecond.
 */
export function scaleInterval(p: IntervalParts, factor: number, divide: boolean): IntervalParts {
  if (divide && factor === 0) throw new EngineError(SqlState.divisionByZero, 'division by zero');
  const scale = (x: number): number => (divide ? x / factor : x * factor);
  const months = int32Part(scale(p.months));
  let days = int32Part(scale(p.days));
  const monthRemainderDays = tsRound((scale(p.months) - months) * DAYS_PER_MONTH);
  let secRemainder = tsRound((scale(p.days) - days + monthRemainderDays - Math.trunc(monthRemainderDays)) * SECS_PER_DAY);
  if (Math.abs(secRemainder) >= SECS_PER_DAY) {
    const carry = Math.trunc(secRemainder / SECS_PER_DAY);
    days += carry;
    secRemainder -= carry * SECS_PER_DAY;
  }
  days += Math.trunc(monthRemainderDays);
  const micros = rint(scale(p.micros) + secRemainder * MICROS_PER_SECOND);
  if (!Number.isFinite(micros)) throw intervalOutOfRange();
  return checked({ months: months + 0, days: days + 0, micros: micros + 0 });
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  usec: number;
}

function fieldsOf(ts: number): Fields {
  const dayNumber = Math.floor(ts / MICROS_PER_DAY);
  let rem = ts - dayNumber * MICROS_PER_DAY;
  const c = civilFromDays(dayNumber);
  const hour = Math.floor(rem / MICROS_PER_HOUR);
  rem -= hour * MICROS_PER_HOUR;
  const minute = Math.floor(rem / MICROS_PER_MINUTE);
  rem -= minute * MICROS_PER_MINUTE;
  const second = Math.floor(rem / MICROS_PER_SECOND);
  return { year: c.year, month: c.month, day: c.day, hour, minute, second, usec: rem - second * MICROS_PER_SECOND };
}

/**
 * age(a, b): the field-by-field difference in years, months, days and time,
 * borrowing from the next larger field where one goes negative; a borrowed
 * month counts the days of the earlier timestamp's month (PostgreSQL's rule).
 */
export function age(a: number, b: number): IntervalParts {
  const f1 = fieldsOf(a);
  const f2 = fieldsOf(b);
  const flip = a < b;
  const s = flip ? -1 : 1;
  let usec = s * (f1.usec - f2.usec);
  let sec = s * (f1.second - f2.second);
  let min = s * (f1.minute - f2.minute);
  let hour = s * (f1.hour - f2.hour);
  let day = s * (f1.day - f2.day);
  let mon = s * (f1.month - f2.month);
  let year = s * (f1.year - f2.year);
  while (usec < 0) {
    usec += MICROS_PER_SECOND;
    sec--;
  }
  while (sec < 0) {
    sec += 60;
    min--;
  }
  while (min < 0) {
    min += 60;
    hour--;
  }
  while (hour < 0) {
    hour += 24;
    day--;
  }
  const base = flip ? f1 : f2;
  while (day < 0) {
    day += daysInMonth(base.year, base.month);
    mon--;
  }
  while (mon < 0) {
    mon += 12;
    year--;
  }
  const micros = ((hour * 60 + min) * 60 + sec) * MICROS_PER_SECOND + usec;
  return checked({ months: s * (year * 12 + mon) + 0, days: s * day + 0, micros: s * micros + 0 });
}

/** make_interval(years, months, weeks, days, hours, mins, secs). */
export function makeInterval(years: number, months: number, weeks: number, days: number, hours: number, mins: number, secs: number): IntervalParts {
  const micros = rint(secs * MICROS_PER_SECOND) + hours * MICROS_PER_HOUR + mins * MICROS_PER_MINUTE;
  if (!Number.isFinite(micros)) throw intervalOutOfRange();
  return checked({ months: years * 12 + months, days: weeks * 7 + days, micros });
}

const INTERVAL_FIELDS = new Set([
  'microsecond', 'millisecond', 'second', 'minute', 'hour', 'day', 'month', 'quarter', 'year',
  'decade', 'century', 'millennium', 'epoch',
]);

/** EXTRACT(field FROM interval), as a double. */
export function extractFromInterval(field: string, months: number, days: number, micros: number): number {
  const years = Math.trunc(months / 12);
  const mons = months - years * 12;
  switch (field) {
    case 'microsecond':
      return micros % MICROS_PER_MINUTE;
    case 'millisecond':
      return (micros % MICROS_PER_MINUTE) / 1000;
    case 'second':
      return (micros % MICROS_PER_MINUTE) / MICROS_PER_SECOND;
    case 'minute':
      return Math.trunc((micros % MICROS_PER_HOUR) / MICROS_PER_MINUTE);
    case 'hour':
      return Math.trunc(micros / MICROS_PER_HOUR);
    case 'day':
      return days;
    case 'month':
      return mons;
    case 'quarter':
      return Math.trunc(mons / 3) + 1;
    case 'year':
      return years;
    case 'decade':
      return Math.trunc(years / 10);
    case 'century':
      return Math.trunc(years / 100);
    case 'millennium':
      return Math.trunc(years / 1000);
    case 'epoch':
      // Years count 365.25 days, leftover months 30 days (PostgreSQL's interval epoch).
      return micros / MICROS_PER_SECOND + 365.25 * SECS_PER_DAY * years + DAYS_PER_MONTH * SECS_PER_DAY * mons + SECS_PER_DAY * days;
    default:
      throw new EngineError(SqlState.featureNotSupported, `unit "${field}" not supported for type interval`);
  }
}

export function isIntervalField(field: string): boolean {
  return INTERVAL_FIELDS.has(field);
}
