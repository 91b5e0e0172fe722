// INTERVAL text forms: PostgreSQL's input syntax ('1 year 2 mons', '5 minutes',
// '1 day 02:00:00', '-1 day +02:03', '2 hours ago', '@ 1 hour', ISO 8601
// 'P1Y2M3DT4H5M6S') and its default output style (IntervalStyle = postgres:
// '1 year 2 mons 3 days 04:05:06.5'). The text form is also an interval's
// Scalar, so it must round-trip exactly: output keeps every microsecond.

import { EngineError, SqlState } from '../common/errors.js';

export interface IntervalParts {
  months: number;
  days: number;
  micros: number;
}

const US_SECOND = 1_000_000;
const US_MINUTE = 60 * US_SECOND;
const US_HOUR = 60 * US_MINUTE;
const US_DAY = 24 * US_HOUR;
const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

type Unit = 'us' | 'ms' | 's' | 'min' | 'h' | 'd' | 'w' | 'mon' | 'y' | 'dec' | 'c' | 'mil';

const UNITS: Record<string, Unit> = {};
function units(unit: Unit, names: string): void {
  for (const n of names.split(' ')) UNITS[n] = unit;
}
units('us', 'microsecond microseconds microsecon us usec usecs usecond useconds');
units('ms', 'millisecond milliseconds millisecon ms msec msecs msecond mseconds');
units('s', 'second seconds s sec secs');
units('min', 'minute minutes m min mins');
units('h', 'hour hours h hr hrs');
units('d', 'day days d');
units('w', 'week weeks w');
units('mon', 'month months mon mons');
units('y', 'year years y yr yrs');
units('dec', 'decade decades dec decs');
units('c', 'century centuries c cent');
units('mil', 'millennium millennia mil mils');

/** Months per unit for the month-based units. */
const MONTHS_PER: Partial<Record<Unit, number>> = { mon: 1, y: 12, dec: 120, c: 1200, mil: 12000 };
const MICROS_PER: Partial<Record<Unit, number>> = { us: 1, ms: 1000, s: US_SECOND, min: US_MINUTE, h: US_HOUR };

function bad(text: string): EngineError {
  return new EngineError(SqlState.invalidDatetimeFormat, `invalid input syntax for type interval: "${text}"`);
}

export function intervalOutOfRange(): EngineError {
  return new EngineError(SqlState.datetimeFieldOverflow, 'interval out of range');
}

// One field: a time 'h:m[:s[.f]]', a number with an optional unit, or a word.
const FIELD = /\s*(?:([+-]?\d+):(\d+)(?::(\d+(?:\.\d*)?))?(?:\.(\d+))?|([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*([a-z]+)?|([a-z]+))/y;

const TIME_NEXT = /^\s*[+-]?\d+:/;

/** Parses PostgreSQL interval input; throws 22007 on bad syntax, 22008 on overflow. */
export function parseInterval(text: string): IntervalParts {
  let s = text.trim().toLowerCase();
  if (s.startsWith('p')) return parseIso(text, s);
  if (s.startsWith('@')) s = s.slice(1);
  let months = 0;
  let days = 0;
  let micros = 0;
  let ago = false;
  let any = false;
  FIELD.lastIndex = 0;
  while (FIELD.lastIndex < s.length) {
    const at = FIELD.lastIndex;
    const m = FIELD.exec(s);
    if (m === null || FIELD.lastIndex === at) {
      if (/^\s*$/.test(s.slice(at))) break;
      throw bad(text);
    }
    if (ago) throw bad(text); // 'ago' must come last
    if (m[1] !== undefined) {
      micros += timeField(m, text);
    } else if (m[5] !== undefined) {
      const v = Number(m[5]);
      const unitName = m[6];
      if (unitName === 'ago') {
        // '5 ago' is a bare number (seconds) followed by ago.
        micros += Math.round(v * US_SECOND);
        ago = true;
      } else {
        // A bare number is seconds, or days when a time field follows it ('3 4:05:06').
        const bare: Unit = TIME_NEXT.test(s.slice(FIELD.lastIndex)) ? 'd' : 's';
        const unit: Unit | undefined = unitName === undefined ? bare : UNITS[unitName];
        if (unit === undefined || !Number.isFinite(v)) throw bad(text);
        const whole = Math.trunc(v);
        const frac = v - whole;
        const perMonth = MONTHS_PER[unit];
        const perMicro = MICROS_PER[unit];
        if (perMonth !== undefined) {
          months += whole * perMonth;
          if (unit === 'mon') {
            // A fraction of a month is 30-day months' days, the rest time (PostgreSQL's AdjustFractDays).
            const extraDays = frac * 30;
            days += Math.trunc(extraDays);
            micros += Math.round((extraDays - Math.trunc(extraDays)) * US_DAY);
          } else {
            months += Math.round(frac * perMonth);
          }
        } else if (unit === 'w' || unit === 'd') {
          const per = unit === 'w' ? 7 : 1;
          days += whole * per;
          const extraDays = frac * per;
          days += Math.trunc(extraDays);
          micros += Math.round((extraDays - Math.trunc(extraDays)) * US_DAY);
        } else {
          micros += whole * perMicro! + Math.round(frac * perMicro!);
        }
      }
    } else {
      if (m[7] !== 'ago' || !any) throw bad(text);
      ago = true;
    }
    any = true;
  }
  if (!any) throw bad(text);
  if (ago) {
    months = -months;
    days = -days;
    micros = -micros;
  }
  return checked({ months: months + 0, days: days + 0, micros: micros + 0 });
}

function timeField(m: RegExpExecArray, text: string): number {
  const negative = m[1]!.startsWith('-');
  const first = Math.abs(Number(m[1]));
  const second = Number(m[2]);
  let us: number;
  if (m[3] === undefined) {
    // 'h:m' or, with a fraction, 'm:s.f' (as PostgreSQL reads '1:30.5').
    if (m[4] !== undefined) {
      if (second >= 60) throw fieldOverflow(text);
      us = first * US_MINUTE + Math.round(Number(`${second}.${m[4]}`) * US_SECOND);
    } else {
      if (second >= 60) throw fieldOverflow(text);
      us = first * US_HOUR + second * US_MINUTE;
    }
  } else {
    if (m[4] !== undefined) throw bad(text);
    const sec = Number(m[3]);
    if (second >= 60 || sec >= 60) throw fieldOverflow(text);
    us = first * US_HOUR + second * US_MINUTE + Math.round(sec * US_SECOND);
  }
  return negative ? -us : us;
}

function fieldOverflow(text: string): EngineError {
  return new EngineError(SqlState.datetimeFieldOverflow, `interval field value out of range: "${text}"`);
}

const ISO = /^p(?:(-?\d+(?:\.\d+)?)y)?(?:(-?\d+(?:\.\d+)?)m)?(?:(-?\d+(?:\.\d+)?)w)?(?:(-?\d+(?:\.\d+)?)d)?(?:t(?:(-?\d+(?:\.\d+)?)h)?(?:(-?\d+(?:\.\d+)?)m)?(?:(-?\d+(?:\.\d+)?)s)?)?$/;

function parseIso(text: string, s: string): IntervalParts {
  const m = ISO.exec(s);
  if (m === null || s === 'p' || s.endsWith('t')) throw bad(text);
  const num = (i: number): number => (m[i] === undefined ? 0 : Number(m[i]));
  const y = num(1);
  const mon = num(2);
  const w = num(3);
  const d = num(4);
  let months = Math.trunc(y) * 12 + Math.round((y - Math.trunc(y)) * 12) + Math.trunc(mon);
  const dayTotal = (mon - Math.trunc(mon)) * 30 + w * 7 + d;
  const days = Math.trunc(dayTotal);
  const micros = Math.round((dayTotal - days) * US_DAY) + Math.round(num(5) * US_HOUR + num(6) * US_MINUTE + num(7) * US_SECOND);
  months += 0;
  return checked({ months, days, micros });
}

/** Refuses parts outside PostgreSQL's ranges (months and days are int32). */
export function checked(p: IntervalParts): IntervalParts {
  if (p.months > INT32_MAX || p.months < INT32_MIN || p.days > INT32_MAX || p.days < INT32_MIN || !Number.isFinite(p.micros)) {
    throw intervalOutOfRange();
  }
  // Microseconds live in a double: beyond 2^53 they would no longer be exact.
  if (!Number.isSafeInteger(p.micros)) throw intervalOutOfRange();
  return p;
}

function two(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** PostgreSQL's default (IntervalStyle = postgres) output. */
export function formatInterval(months: number, days: number, micros: number): string {
  const years = Math.trunc(months / 12);
  const mons = months - years * 12;
  let out = '';
  let isBefore = false;
  let isZero = true;
  const part = (value: number, unit: string): void => {
    if (value === 0) return;
    out += `${isZero ? '' : ' '}${isBefore && value > 0 ? '+' : ''}${value} ${unit}${value !== 1 ? 's' : ''}`;
    isBefore = value < 0;
    isZero = false;
  };
  part(years, 'year');
  part(mons, 'mon');
  part(days, 'day');
  if (micros !== 0 || isZero) {
    const minus = micros < 0;
    const abs = Math.abs(micros);
    const hours = Math.floor(abs / US_HOUR);
    const rem = abs - hours * US_HOUR;
    const minutes = Math.floor(rem / US_MINUTE);
    const us = rem - minutes * US_MINUTE;
    const secs = Math.floor(us / US_SECOND);
    const frac = us - secs * US_SECOND;
    out += `${isZero ? '' : ' '}${minus ? '-' : isBefore ? '+' : ''}${two(hours)}:${two(minutes)}:${two(secs)}`;
    if (frac > 0) out += '.' + String(frac).padStart(6, '0').replace(/0+$/, '');
  }
  return out;
}
