// to_char(timestamp | timestamptz | date | interval, template) and
// to_char(number, template). Templates are compiled once per distinct template
// per batch (usually one literal).

import type { SqlType } from '../../common/sql-type.js';
import { isNumeric } from '../../common/sql-type.js';
import type { Column } from '../../columnar/column.js';
import { str } from '../../columnar/column.js';
import type { IntervalValues } from '../../columnar/interval-values.js';
import type { FunctionDef, FunctionImpl } from '../function-def.js';
import { fixed } from '../function-def.js';
import { mapRows } from '../kernel-util.js';
import { MICROS_PER_DAY, MICROS_PER_HOUR, MICROS_PER_MINUTE, MICROS_PER_SECOND, civilFromDays } from '../datetime.js';
import type { DateFields } from '../to-char-format.js';
import { compileTemplate, renderTemplate } from '../to-char-format.js';
import { compileNumberTemplate, formatNumber } from '../to-char-number.js';

/** Compiled templates of one kernel call, by text. */
function templateCache<T>(compile: (text: string) => T): (text: string) => T {
  const cache = new Map<string, T>();
  return (text) => {
    let t = cache.get(text);
    if (t === undefined) {
      t = compile(text);
      cache.set(text, t);
    }
    return t;
  };
}

function instantFields(micros: number, f: DateFields): DateFields {
  const days = Math.floor(micros / MICROS_PER_DAY);
  let rem = micros - days * MICROS_PER_DAY;
  const c = civilFromDays(days);
  f.year = c.year;
  f.month = c.month;
  f.day = c.day;
  f.hour = Math.floor(rem / MICROS_PER_HOUR);
  rem -= f.hour * MICROS_PER_HOUR;
  f.minute = Math.floor(rem / MICROS_PER_MINUTE);
  rem -= f.minute * MICROS_PER_MINUTE;
  f.second = Math.floor(rem / MICROS_PER_SECOND);
  f.micros = rem - f.second * MICROS_PER_SECOND;
  f.dayNumber = days;
  f.interval = false;
  return f;
}

function intervalFields(months: number, days: number, micros: number, f: DateFields): DateFields {
  f.year = Math.trunc(months / 12);
  f.month = months - f.year * 12;
  f.day = days;
  f.hour = Math.trunc(micros / MICROS_PER_HOUR);
  let rem = micros - f.hour * MICROS_PER_HOUR;
  f.minute = Math.trunc(rem / MICROS_PER_MINUTE);
  rem -= f.minute * MICROS_PER_MINUTE;
  f.second = Math.trunc(rem / MICROS_PER_SECOND);
  f.micros = rem - f.second * MICROS_PER_SECOND;
  f.dayNumber = Number.NaN;
  f.interval = true;
  return f;
}

function datetimeImpl(type: SqlType): FunctionImpl {
  return (args, n) => {
    const templates = str(args[1]!);
    const template = templateCache(compileTemplate);
    const f: DateFields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, micros: 0, dayNumber: 0, interval: false, zoned: type === 'timestamptz' };
    const col: Column = args[0]!;
    if (type === 'interval') {
      const iv = col.values as IntervalValues;
      return mapRows(args, n, 'text', (i) => renderTemplate(template(templates[i]!), intervalFields(iv.months[i]!, iv.days[i]!, iv.micros[i]!, f)));
    }
    const values = col.values as ArrayLike<number>;
    const scale = type === 'date' ? MICROS_PER_DAY : 1;
    return mapRows(args, n, 'text', (i) => renderTemplate(template(templates[i]!), instantFields(values[i]! * scale, f)));
  };
}

const numberImpl: FunctionImpl = (args, n) => {
  const templates = str(args[1]!);
  const values = args[0]!.values as ArrayLike<number>;
  const template = templateCache(compileNumberTemplate);
  return mapRows(args, n, 'text', (i) => formatNumber(values[i]!, template(templates[i]!)));
};

export const toCharFunctions: readonly FunctionDef[] = [
  {
    name: 'to_char',
    minArgs: 2,
    maxArgs: 2,
    resolve(argTypes) {
      const [t, f] = argTypes;
      if (f !== 'text' && f !== 'unknown') return null;
      if (t === 'timestamp' || t === 'timestamptz' || t === 'date' || t === 'interval') return fixed([t, 'text'], 'text', datetimeImpl(t));
      if (t !== undefined && t !== 'unknown' && isNumeric(t)) return fixed(['double', 'text'], 'text', numberImpl);
      return null;
    },
  },
];
