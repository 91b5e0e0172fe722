// date_trunc and extract/date_part over TIMESTAMP, TIMESTAMPTZ (in the session
// time zone, UTC), DATE and INTERVAL. The unit or field is usually a literal;
// it is parsed once per distinct value per batch.

import type { SqlType } from '../../common/sql-type.js';
import type { Column } from '../../columnar/column.js';
import { intervals, str } from '../../columnar/column.js';
import { IntervalValues, setInterval } from '../../columnar/interval-values.js';
import { isValid } from '../../columnar/validity.js';
import { EngineError, SqlState } from '../../common/errors.js';
import type { ArgType, FunctionDef } from '../function-def.js';
import { fixed } from '../function-def.js';
import { mapRows, result, strictValidity } from '../kernel-util.js';
import { MICROS_PER_DAY, MICROS_PER_HOUR, MICROS_PER_MINUTE, MICROS_PER_SECOND, extractField, extractFromTimestamp, truncTimestamp, truncUnit } from '../datetime.js';
import { extractFromInterval } from '../interval.js';

function micros(col: Column, i: number): number {
  const v = (col.values as ArrayLike<number>)[i]!;
  return col.type === 'date' ? v * MICROS_PER_DAY : v;
}

/** The argument type a datetime function takes for `t` (an unknown literal reads as a timestamp). */
function instantArg(t: ArgType | undefined): SqlType | null {
  if (t === 'timestamp' || t === 'date' || t === 'unknown') return t === 'date' ? 'date' : 'timestamp';
  if (t === 'timestamptz' || t === 'interval') return t;
  return null;
}

/** date_trunc on an interval: zero every field below the unit. */
function truncInterval(unit: ReturnType<typeof truncUnit>, months: number, days: number, us: number): [number, number, number] {
  const floorTo = (x: number, step: number): number => Math.trunc(x / step) * step;
  switch (unit) {
    case 'microseconds':
      return [months, days, us];
    case 'milliseconds':
      return [months, days, floorTo(us, 1000)];
    case 'second':
      return [months, days, floorTo(us, MICROS_PER_SECOND)];
    case 'minute':
      return [months, days, floorTo(us, MICROS_PER_MINUTE)];
    case 'hour':
      return [months, days, floorTo(us, MICROS_PER_HOUR)];
    case 'day':
      return [months, days, 0];
    case 'month':
      return [months, 0, 0];
    case 'quarter':
      return [floorTo(months, 3), 0, 0];
    case 'year':
      return [floorTo(months, 12), 0, 0];
    case 'decade':
      return [floorTo(months, 120), 0, 0];
    case 'century':
      return [floorTo(months, 1200), 0, 0];
    case 'millennium':
      return [floorTo(months, 12000), 0, 0];
    case 'week':
      throw new EngineError(SqlState.featureNotSupported, 'unit "week" not supported for type interval');
  }
}

export const datetimeFunctions: readonly FunctionDef[] = [
  {
    name: 'date_trunc',
    minArgs: 2,
    maxArgs: 2,
    resolve(argTypes) {
      const t = instantArg(argTypes[1]);
      if (t === null) return null;
      if (t === 'interval') {
        return fixed(['text', 'interval'], 'interval', (args, n) => {
          const units = str(args[0]!);
          const iv = intervals(args[1]!);
          const validity = strictValidity(args, n);
          const out = new IntervalValues(n);
          for (let i = 0; i < n; i++) {
            if (!isValid(validity, i)) continue;
            const [m, d, u] = truncInterval(truncUnit(units[i]!), iv.months[i]!, iv.days[i]!, iv.micros[i]!);
            setInterval(out, i, m + 0, d + 0, u + 0);
          }
          return result('interval', out, validity, n);
        });
      }
      const out: SqlType = t === 'timestamptz' ? 'timestamptz' : 'timestamp';
      return fixed(['text', t], out, (args, n) => {
        const units = str(args[0]!);
        const ts = args[1]!;
        return mapRows(args, n, out, (i) => truncTimestamp(truncUnit(units[i]!), micros(ts, i)));
      });
    },
  },
  {
    name: 'extract',
    aliases: ['date_part'],
    minArgs: 2,
    maxArgs: 2,
    resolve(argTypes) {
      const t = instantArg(argTypes[1]);
      if (t === null) return null;
      if (t === 'interval') {
        return fixed(['text', 'interval'], 'double', (args, n) => {
          const fields = str(args[0]!);
          const iv = intervals(args[1]!);
          return mapRows(args, n, 'double', (i) => extractFromInterval(extractField(fields[i]!), iv.months[i]!, iv.days[i]!, iv.micros[i]!));
        });
      }
      return fixed(['text', t], 'double', (args, n) => {
        const fields = str(args[0]!);
        const ts = args[1]!;
        return mapRows(args, n, 'double', (i) => {
          const f = fields[i]!.toLowerCase().trim();
          // The session time zone is UTC: its offset fields are 0.
          if (t === 'timestamptz' && (f === 'timezone' || f === 'timezone_hour' || f === 'timezone_minute')) return 0;
          return extractFromTimestamp(extractField(f), micros(ts, i));
        });
      });
    },
  },
];
