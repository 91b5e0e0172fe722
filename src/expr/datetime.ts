// Calendar arithmetic for DATE (days since 1970-01-01), TIMESTAMP
// (microseconds since 1970-01-01 00:00:00, no time zone) and TIMESTAMPTZ (the
// same count, as a UTC instant), proleptic Gregorian as in PostgreSQL. The
// session time zone is always UTC: TIMESTAMPTZ input honours an explicit
// offset ('+02', '-05:30', 'Z'), and output ends in '+00'. Civil-date conversion follows the well-known "days from
// civil" derivation (era of 400 years = 146097 days), written out here.

import { EngineError, SqlState } from '../common/errors.js';

export const MICROS_PER_SECOND = 1_000_000;
export const MICROS_PER_MINUTE = 60 * MICROS_PER_SECOND;
export const MICROS_PER_HOUR = 60 * MICROS_PER_MINUTE;
export const MICROS_PER_DAY = 24 * MICROS_PER_HOUR;

export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export interface Civil {
  year: number;
  month: number;
  day: number;
}

export function civilFromDays(days: number): Civil {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const DATE_RE = /^\s*(-?\d{1,6})-(\d{1,2})-(\d{1,2})/;
const TIME_RE = /^(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|GMT|[+-]\d{1,2}(?::?\d{2}(?::?\d{2})?)?)?\s*$/i;

function badDatetime(kind: string, text: string): EngineError {
  return new EngineError(SqlState.invalidDatetimeFormat, `invalid input syntax for type ${kind}: "${text}"`);
}

const BC_SUFFIX = /\s+BC\s*$/i;

function parseDateParts(text: string, kind: string): { days: number; rest: string } {
  const bc = BC_SUFFIX.test(text);
  const m = DATE_RE.exec(bc ? text.replace(BC_SUFFIX, '') : text);
  if (m === null) throw badDatetime(kind, text);
  // Year 1 BC is astronomical year 0.
  const year = bc ? 1 - Number(m[1]) : Number(m[1]);
  // There is no year 0: 1 BC is followed by 1 AD.
  if (Number(m[1]) < 1 && !m[1]!.startsWith('-')) throw new EngineError(SqlState.datetimeFieldOverflow, `date/time field value out of range: "${text}"`);
  if (bc && Number(m[1]) < 1) throw badDatetime(kind, text);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new EngineError(SqlState.datetimeFieldOverflow, `date/time field value out of range: "${text}"`);
  }
  return { days: daysFromCivil(year, month, day), rest: (bc ? text.replace(BC_SUFFIX, '') : text).slice(m[0].length) };
}

/** Parses 'YYYY-MM-DD' (a time part is accepted and dropped, as PostgreSQL does). */
export function parseDate(text: string): number {
  const { days, rest } = parseDateParts(text, 'date');
  if (!TIME_RE.test(rest)) throw badDatetime('date', text);
  return days;
}

/** Parses 'YYYY-MM-DD[ T]HH:MM[:SS[.ffffff]]'; a zone suffix is ignored (TIMESTAMP has none). */
export function parseTimestamp(text: string): number {
  return parseTimestampAndZone(text, 'timestamp').micros;
}

/**
 * Parses TIMESTAMPTZ input: a timestamp with an optional offset ('+02',
 * '-05:30', 'Z', 'UTC'); without one, the session time zone (UTC) applies.
 * Returns the UTC instant in µs.
 */
export function parseTimestamptz(text: string): number {
  const { micros, offsetSeconds } = parseTimestampAndZone(text, 'timestamp with time zone');
  const utc = micros - offsetSeconds * MICROS_PER_SECOND;
  if (Math.abs(utc) > MAX_WHOLE_SECOND_MICROS) {
    throw new EngineError(SqlState.datetimeFieldOverflow, `timestamp out of range: "${text}"`);
  }
  return utc;
}

function zoneOffsetSeconds(zone: string | undefined, text: string): number {
  if (zone === undefined) return 0;
  const z = zone.toUpperCase();
  if (z === 'Z' || z === 'UTC' || z === 'GMT') return 0;
  const sign = z.startsWith('-') ? -1 : 1;
  const digits = z.slice(1).replaceAll(':', '');
  // '+5', '+05', '+0530', '+053015': hours, then minutes and seconds by two digits.
  const hourLen = digits.length % 2 === 1 ? 1 : 2;
  const hours = Number(digits.slice(0, hourLen));
  const minutes = digits.length > hourLen ? Number(digits.slice(hourLen, hourLen + 2)) : 0;
  const seconds = digits.length > hourLen + 2 ? Number(digits.slice(hourLen + 2, hourLen + 4)) : 0;
  // PostgreSQL accepts offsets up to 15:59:59.
  if (hours > 15 || minutes > 59 || seconds > 59) {
    throw new EngineError(SqlState.invalidDatetimeFormat, `time zone displacement out of range: "${text}"`);
  }
  return sign * (hours * 3600 + minutes * 60 + seconds);
}

function parseTimestampAndZone(text: string, kind: string): { micros: number; offsetSeconds: number } {
  const { days, rest } = parseDateParts(text, kind);
  const m = TIME_RE.exec(rest);
  if (m === null) throw badDatetime(kind, text);
  const hour = m[1] === undefined ? 0 : Number(m[1]);
  const minute = m[2] === undefined ? 0 : Number(m[2]);
  const second = m[3] === undefined ? 0 : Number(m[3]);
  const frac = m[4] === undefined ? 0 : Math.round(Number(`0.${m[4]}`) * MICROS_PER_SECOND);
  if (hour > 24 || minute > 59 || second > 60 || (hour === 24 && (minute > 0 || second > 0 || frac > 0))) {
    throw new EngineError(SqlState.datetimeFieldOverflow, `date/time field value out of range: "${text}"`);
  }
  const micros = days * MICROS_PER_DAY + hour * MICROS_PER_HOUR + minute * MICROS_PER_MINUTE + second * MICROS_PER_SECOND;
  // Microseconds live in a double: exact within ±2^53 µs (years 1685 to 2255).
  // Beyond that whole seconds stay exact (up to ±2^59 µs) but fractions would not.
  if (Math.abs(micros) > MAX_WHOLE_SECOND_MICROS) {
    throw new EngineError(SqlState.datetimeFieldOverflow, `timestamp out of range: "${text}"`);
  }
  if (frac !== 0 && !Number.isSafeInteger(micros + frac)) {
    throw new EngineError(
      SqlState.datetimeFieldOverflow,
      `timestamp "${text}": fractional seconds are kept only for years 1685 to 2255 (Freshet stores microseconds in a double)`,
    );
  }
  return { micros: micros + frac, offsetSeconds: zoneOffsetSeconds(m[5], text) };
}

const MAX_WHOLE_SECOND_MICROS = 2 ** 59;

function pad(n: number, width: number): string {
  const s = String(Math.abs(n));
  return (n < 0 ? '-' : '') + (s.length >= width ? s : '0'.repeat(width - s.length) + s);
}

function formatCivil(c: Civil): string {
  if (c.year <= 0) return `${pad(1 - c.year, 4)}-${pad(c.month, 2)}-${pad(c.day, 2)} BC`;
  return `${pad(c.year, 4)}-${pad(c.month, 2)}-${pad(c.day, 2)}`;
}

export function formatDate(days: number): string {
  return formatCivil(civilFromDays(days));
}

/** PostgreSQL's text form: 'YYYY-MM-DD HH:MM:SS' plus a fraction without trailing zeros. */
export function formatTimestamp(micros: number): string {
  const days = Math.floor(micros / MICROS_PER_DAY);
  let rem = micros - days * MICROS_PER_DAY;
  const hour = Math.floor(rem / MICROS_PER_HOUR);
  rem -= hour * MICROS_PER_HOUR;
  const minute = Math.floor(rem / MICROS_PER_MINUTE);
  rem -= minute * MICROS_PER_MINUTE;
  const second = Math.floor(rem / MICROS_PER_SECOND);
  const frac = Math.round(rem - second * MICROS_PER_SECOND);
  const c = civilFromDays(days);
  const bc = c.year <= 0;
  const datePart = bc ? formatCivil(c).slice(0, -3) : formatCivil(c);
  let out = `${datePart} ${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}`;
  if (frac > 0) out += '.' + pad(frac, 6).replace(/0+$/, '');
  return bc ? out + ' BC' : out;
}

/** PostgreSQL's TIMESTAMPTZ text with TimeZone = UTC: '2024-01-02 03:04:05+00'. */
export function formatTimestamptz(micros: number): string {
  const text = formatTimestamp(micros);
  return text.endsWith(' BC') ? `${text.slice(0, -3)}+00 BC` : `${text}+00`;
}

const TRUNC_UNITS = [
  'microseconds', 'milliseconds', 'second', 'minute', 'hour', 'day', 'week',
  'month', 'quarter', 'year', 'decade', 'century', 'millennium',
] as const;

/** Normalizes a unit name ('hours' -> 'hour'); throws 22023 for unknown units. */
export function truncUnit(unit: string): (typeof TRUNC_UNITS)[number] {
  const u = unit.toLowerCase().trim();
  const singular = u.endsWith('s') && u !== 'microseconds' && u !== 'milliseconds' ? u.slice(0, -1) : u;
  const name = singular === 'microsecond' ? 'microseconds' : singular === 'millisecond' ? 'milliseconds' : singular;
  if ((TRUNC_UNITS as readonly string[]).includes(name)) return name as (typeof TRUNC_UNITS)[number];
  throw new EngineError(SqlState.invalidParameterValue, `unit "${unit}" not recognized for date_trunc; expected one of ${TRUNC_UNITS.join(', ')}`);
}

export function truncTimestamp(unit: (typeof TRUNC_UNITS)[number], micros: number): number {
  const floorTo = (step: number): number => Math.floor(micros / step) * step;
  switch (unit) {
    case 'microseconds':
      return micros;
    case 'milliseconds':
      return floorTo(1000);
    case 'second':
      return floorTo(MICROS_PER_SECOND);
    case 'minute':
      return floorTo(MICROS_PER_MINUTE);
    case 'hour':
      return floorTo(MICROS_PER_HOUR);
    case 'day':
      return floorTo(MICROS_PER_DAY);
    case 'week': {
      const days = Math.floor(micros / MICROS_PER_DAY);
      // 1970-01-01 was a Thursday; weeks start on Monday (ISO).
      const monday = days - ((days + 3) % 7 + 7) % 7;
      return monday * MICROS_PER_DAY;
    }
    default: {
      const c = civilFromDays(Math.floor(micros / MICROS_PER_DAY));
      let { year, month } = c;
      if (unit === 'quarter') month = Math.floor((month - 1) / 3) * 3 + 1;
      else if (unit !== 'month') {
        month = 1;
        if (unit === 'decade') year = Math.floor(year / 10) * 10;
        else if (unit === 'century') year = Math.floor((year - 1) / 100) * 100 + 1;
        else if (unit === 'millennium') year = Math.floor((year - 1) / 1000) * 1000 + 1;
      }
      return daysFromCivil(year, month, 1) * MICROS_PER_DAY;
    }
  }
}

const EXTRACT_FIELDS = [
  'year', 'month', 'day', 'hour', 'minute', 'second', 'millisecond', 'microsecond', 'dow',
  'isodow', 'doy', 'quarter', 'week', 'epoch', 'decade', 'century', 'millennium', 'isoyear', 'julian',
] as const;
export type ExtractField = (typeof EXTRACT_FIELDS)[number];

export function extractField(field: string): ExtractField {
  let f = field.toLowerCase().trim();
  if (f === 'milliseconds' || f === 'microseconds') f = f.slice(0, -1);
  else if (f.endsWith('s') && f !== 'dow' && f !== 'isodow' && f !== 'doy') f = f.slice(0, -1);
  if ((EXTRACT_FIELDS as readonly string[]).includes(f)) return f as ExtractField;
  throw new EngineError(SqlState.invalidParameterValue, `unit "${field}" not recognized for extract; expected one of ${EXTRACT_FIELDS.join(', ')}`);
}

function isoWeekAndYear(days: number): { week: number; year: number } {
  const isoDow = (((days + 3) % 7) + 7) % 7 + 1; // Monday 1 .. Sunday 7
  const thursday = days + (4 - isoDow);
  const year = civilFromDays(thursday).year;
  const jan1 = daysFromCivil(year, 1, 1);
  return { week: Math.floor((thursday - jan1) / 7) + 1, year };
}

/** EXTRACT(field FROM timestamp) as a double (PostgreSQL returns numeric). */
export function extractFromTimestamp(field: ExtractField, micros: number): number {
  const days = Math.floor(micros / MICROS_PER_DAY);
  const inDay = micros - days * MICROS_PER_DAY;
  const c = civilFromDays(days);
  switch (field) {
    case 'year':
      // There is no year 0: astronomical year 0 is 1 BC.
      return c.year > 0 ? c.year : c.year - 1;
    case 'month':
      return c.month;
    case 'day':
      return c.day;
    case 'hour':
      return Math.floor(inDay / MICROS_PER_HOUR);
    case 'minute':
      return Math.floor((inDay % MICROS_PER_HOUR) / MICROS_PER_MINUTE);
    case 'second':
      return (inDay % MICROS_PER_MINUTE) / MICROS_PER_SECOND;
    case 'millisecond':
      return (inDay % MICROS_PER_MINUTE) / 1000;
    case 'microsecond':
      return inDay % MICROS_PER_MINUTE;
    case 'dow':
      return (((days + 4) % 7) + 7) % 7;
    case 'isodow':
      return ((((days + 3) % 7) + 7) % 7) + 1;
    case 'doy':
      return days - daysFromCivil(c.year, 1, 1) + 1;
    case 'quarter':
      return Math.floor((c.month - 1) / 3) + 1;
    case 'week':
      return isoWeekAndYear(days).week;
    case 'isoyear': {
      const y = isoWeekAndYear(days).year;
      return y > 0 ? y : y - 1;
    }
    case 'epoch':
      return micros / MICROS_PER_SECOND;
    case 'julian':
      // The Julian day (1970-01-01 is day 2440588), with the time of day as a fraction.
      return days + 2440588 + inDay / MICROS_PER_DAY;
    case 'decade':
      return Math.floor(c.year / 10);
    case 'century':
      return c.year > 0 ? Math.floor((c.year - 1) / 100) + 1 : -(Math.floor(-c.year / 100) + 1);
    case 'millennium':
      return c.year > 0 ? Math.floor((c.year - 1) / 1000) + 1 : -(Math.floor(-c.year / 1000) + 1);
  }
}
