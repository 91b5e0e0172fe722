// to_char's template patterns for dates, timestamps and intervals (PostgreSQL's
// "Template Patterns for Date/Time Formatting" table, the common part): YYYY,
// MM, DD, HH24, HH12, MI, SS, MS, US, Mon, Month, Dy, Day, AM/PM, Q, DDD, D,
// ID, IW, WW, J, CC, TZ ... with the FM (fill mode) prefix and TH/th suffix;
// "quoted" text is copied. A template compiles once to a part list; rendering
// a row allocates only its output string.

import { EngineError, SqlState } from '../common/errors.js';
import { civilFromDays, daysFromCivil } from './datetime.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** One row's fields. For intervals, hour may exceed 23 and fields may be negative. */
export interface DateFields {
  year: number; // astronomical (0 = 1 BC)
  month: number; // 1..12 (interval: 0..11)
  day: number;
  hour: number;
  minute: number;
  second: number;
  micros: number; // within the second
  /** Days since 1970-01-01; NaN for intervals (no weekday, week or Julian day). */
  dayNumber: number;
  interval: boolean;
  /** A TIMESTAMPTZ (zone fields print the session zone, UTC); a TIMESTAMP has none. */
  zoned: boolean;
}

type Part = { lit: string } | { key: string; fill: boolean; th: 'TH' | 'th' | null };

// Longest first, so 'HH24' wins over 'HH' and 'Month' over 'Mon' and 'MM'.
const KEYS = [
  'Y,YYY', 'y,yyy', 'A.D.', 'a.d.', 'B.C.', 'b.c.', 'A.M.', 'a.m.', 'P.M.', 'p.m.',
  'MONTH', 'Month', 'month', 'SSSSS', 'sssss', 'IYYY', 'iyyy', 'HH24', 'hh24', 'HH12', 'hh12', 'YYYY', 'yyyy', 'SSSS', 'ssss',
  'DAY', 'Day', 'day', 'DDD', 'ddd', 'YYY', 'yyy', 'MON', 'Mon', 'mon', 'TZH', 'tzh', 'TZM', 'tzm',
  'DY', 'Dy', 'dy', 'DD', 'dd', 'HH', 'hh', 'MI', 'mi', 'MM', 'mm', 'MS', 'ms', 'SS', 'ss', 'US', 'us',
  'AM', 'am', 'PM', 'pm', 'AD', 'ad', 'BC', 'bc', 'CC', 'cc', 'ID', 'id', 'IW', 'iw', 'WW', 'ww', 'YY', 'yy', 'TZ', 'tz', 'OF',
  'D', 'd', 'J', 'j', 'Q', 'q', 'W', 'w', 'Y', 'y',
];

/** Compiles a template once. */
export function compileTemplate(template: string): Part[] {
  const parts: Part[] = [];
  let lit = '';
  let i = 0;
  const flush = (): void => {
    if (lit !== '') parts.push({ lit });
    lit = '';
  };
  while (i < template.length) {
    const c = template[i]!;
    if (c === '"') {
      i++;
      while (i < template.length && template[i] !== '"') {
        if (template[i] === '\\' && i + 1 < template.length) i++;
        lit += template[i];
        i++;
      }
      i++;
      continue;
    }
    if (c === '\\' && i + 1 < template.length) {
      lit += template[i + 1];
      i += 2;
      continue;
    }
    let fill = false;
    let at = i;
    if (template.startsWith('FM', at) || template.startsWith('fm', at)) {
      fill = true;
      at += 2;
    }
    const key = KEYS.find((k) => template.startsWith(k, at));
    if (key === undefined) {
      lit += c;
      i++;
      continue;
    }
    at += key.length;
    let th: 'TH' | 'th' | null = null;
    if (template.startsWith('TH', at)) th = 'TH';
    else if (template.startsWith('th', at)) th = 'th';
    if (th !== null) at += 2;
    flush();
    parts.push({ key, fill, th });
    i = at;
  }
  flush();
  return parts;
}

/** Zero-padded to `width` digits; a negative number (intervals) gets its sign in front, as PostgreSQL's to_char does. */
function pad(n: number, width: number, fill: boolean): string {
  if (fill) return String(n);
  const s = String(Math.abs(n));
  return (n < 0 ? '-' : '') + (s.length >= width ? s : '0'.repeat(width - s.length) + s);
}

function ordinal(n: number, upper: boolean): string {
  const last2 = Math.abs(n) % 100;
  const last = Math.abs(n) % 10;
  const s = last2 >= 11 && last2 <= 13 ? 'th' : last === 1 ? 'st' : last === 2 ? 'nd' : last === 3 ? 'rd' : 'th';
  return upper ? s.toUpperCase() : s;
}

function cased(word: string, key: string, width: number, fill: boolean): string {
  const w = key[0] === key[0]!.toUpperCase() ? (key[1] === key[1]!.toUpperCase() ? word.toUpperCase() : word) : word.toLowerCase();
  return fill || w.length >= width ? w : w.padEnd(width, ' ');
}

function isoDow(days: number): number {
  return ((((days + 3) % 7) + 7) % 7) + 1;
}

function isoWeekYear(days: number): { week: number; year: number } {
  const thursday = days + (4 - isoDow(days));
  const year = civilFromDays(thursday).year;
  return { week: Math.floor((thursday - daysFromCivil(year, 1, 1)) / 7) + 1, year };
}

/** Template fields PostgreSQL rejects for an interval (22007). */
const CALENDAR_ONLY: ReadonlySet<string> = new Set(['DAY', 'DY', 'MONTH', 'IYYY', 'IW', 'ID', 'TZ', 'OF']);

/** Renders one row through a compiled template. */
export function renderTemplate(parts: readonly Part[], f: DateFields): string {
  let out = '';
  for (const p of parts) {
    if ('lit' in p) {
      out += p.lit;
      continue;
    }
    const { key, fill, th } = p;
    const k = key.toUpperCase();
    // PostgreSQL: an interval is not tied to a calendar date, so these fields do not exist.
    if (f.interval && CALENDAR_ONLY.has(k)) {
      throw new EngineError(SqlState.invalidDatetimeFormat, `invalid format specification for an interval value: "${key}" (intervals are not tied to specific calendar dates)`);
    }
    // BC years print their own number (1 BC is astronomical year 0).
    const year = f.interval || f.year > 0 ? f.year : 1 - f.year;
    let num: number | null = null;
    let text = '';
    switch (k) {
      case 'YYYY': num = year; text = pad(year, 4, fill); break;
      case 'Y,YYY': {
        const s = pad(year, 4, fill);
        text = s.length > 3 ? `${s.slice(0, -3)},${s.slice(-3)}` : s;
        break;
      }
      case 'YYY': num = year % 1000; text = pad(num, 3, fill); break;
      case 'YY': num = year % 100; text = pad(num, 2, fill); break;
      case 'Y': num = year % 10; text = pad(num, 1, fill); break;
      case 'IYYY': num = isoWeekYear(f.dayNumber).year; text = pad(num, 4, fill); break;
      case 'CC': num = f.interval ? Math.trunc(year / 100) : Math.floor((year - 1) / 100) + 1; text = pad(num, 2, fill); break;
      case 'MM': num = f.month; text = pad(num, 2, fill); break;
      case 'MONTH': text = f.month >= 1 && f.month <= 12 ? cased(MONTHS[f.month - 1]!, key, 9, fill) : ''; break;
      case 'MON': text = f.month >= 1 && f.month <= 12 ? cased(MONTHS[f.month - 1]!.slice(0, 3), key, 3, fill) : ''; break;
      case 'DD': num = f.day; text = pad(num, 2, fill); break;
      case 'DDD': num = f.dayNumber - daysFromCivil(f.year, 1, 1) + 1; text = pad(num, 3, fill); break;
      case 'D': num = isoDow(f.dayNumber) % 7 + 1; text = String(num); break;
      case 'ID': num = isoDow(f.dayNumber); text = String(num); break;
      case 'DAY': text = cased(DAYS[isoDow(f.dayNumber) % 7]!, key, 9, fill); break;
      case 'DY': text = cased(DAYS[isoDow(f.dayNumber) % 7]!.slice(0, 3), key, 3, fill); break;
      case 'IW': num = isoWeekYear(f.dayNumber).week; text = pad(num, 2, fill); break;
      case 'WW': num = Math.floor((f.dayNumber - daysFromCivil(f.year, 1, 1)) / 7) + 1; text = pad(num, 2, fill); break;
      case 'W': num = Math.floor((f.day - 1) / 7) + 1; text = String(num); break;
      case 'Q': num = Math.floor((f.month - 1) / 3) + 1; text = String(num); break;
      // The Julian day of 1970-01-01 is 2440588.
      case 'J': num = f.dayNumber + 2440588; text = String(num); break;
      case 'HH24': num = f.hour; text = pad(num, 2, fill); break;
      case 'HH':
      case 'HH12': {
        const h = f.hour % 12;
        num = h === 0 ? 12 : h;
        text = pad(num, 2, fill);
        break;
      }
      case 'MI': num = f.minute; text = pad(num, 2, fill); break;
      case 'SS': num = f.second; text = pad(num, 2, fill); break;
      case 'MS': num = Math.trunc(f.micros / 1000); text = pad(num, 3, fill); break;
      case 'US': num = f.micros; text = pad(num, 6, fill); break;
      case 'SSSS':
      case 'SSSSS': num = (f.hour * 60 + f.minute) * 60 + f.second; text = String(num); break;
      case 'AM':
      case 'PM': text = f.hour % 24 < 12 ? 'AM' : 'PM'; break;
      case 'A.M.':
      case 'P.M.': text = f.hour % 24 < 12 ? 'A.M.' : 'P.M.'; break;
      case 'AD':
      case 'BC': text = f.year > 0 ? 'AD' : 'BC'; break;
      case 'A.D.':
      case 'B.C.': text = f.year > 0 ? 'A.D.' : 'B.C.'; break;
      // The session time zone is UTC. A TIMESTAMP has no zone name (TZ prints
      // nothing), but OF prints the session's offset for both, as PostgreSQL does.
      case 'TZ': text = f.zoned ? 'UTC' : ''; break;
      case 'OF': text = '+00'; break;
      case 'TZH': text = '+00'; break;
      case 'TZM': text = '00'; break;
    }
    if (key !== k && /^(AM|PM|A\.M\.|P\.M\.|AD|BC|A\.D\.|B\.C\.|TZ)$/.test(k)) text = text.toLowerCase();
    out += text;
    if (th !== null && num !== null) out += ordinal(num, th === 'TH');
  }
  return out;
}
