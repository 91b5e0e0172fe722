// The + - * / and unary - operators that involve INTERVAL or TIMESTAMPTZ:
// interval ± interval, timestamp[tz] ± interval (and date ± interval, giving a
// timestamp, as PostgreSQL does), timestamp - timestamp = interval, interval * / number.
// arithmetic.ts asks here first. Unknown literals follow PostgreSQL's operator
// resolution: the same type as the other side where that operator exists, the
// only fitting type otherwise (timestamp + '1 day' reads an interval).

import type { SqlType } from '../../common/sql-type.js';
import { isNumeric } from '../../common/sql-type.js';
import type { Column } from '../../columnar/column.js';
import { intervals } from '../../columnar/column.js';
import type { IntervalParts } from '../../columnar/interval-text.js';
import { checked } from '../../columnar/interval-text.js';
import { IntervalValues, setInterval } from '../../columnar/interval-values.js';
import { isValid } from '../../columnar/validity.js';
import type { ArgType, FunctionImpl, ResolvedFunction } from '../function-def.js';
import { fixed } from '../function-def.js';
import { result, strictValidity } from '../kernel-util.js';
import { MICROS_PER_DAY } from '../datetime.js';
import { addIntervalToTimestamp, scaleInterval, timestampDifference } from '../interval.js';

type Instant = 'timestamp' | 'timestamptz';

function isInstant(t: ArgType): t is Instant {
  return t === 'timestamp' || t === 'timestamptz';
}

/** Timestamps of a column (DATE promoted to midnight), read per row. */
function instantAt(col: Column, i: number): number {
  const v = (col.values as ArrayLike<number>)[i]!;
  return col.type === 'date' ? v * MICROS_PER_DAY : v;
}

/** instant ± interval (interval on either side for +). */
function shiftImpl(sign: 1 | -1, intervalFirst: boolean): FunctionImpl {
  return (args, n, resultType) => {
    const ts = args[intervalFirst ? 1 : 0]!;
    const iv = intervals(args[intervalFirst ? 0 : 1]!);
    const validity = strictValidity(args, n);
    const out = new Float64Array(n);
    const { months, days, micros } = iv;
    for (let i = 0; i < n; i++) {
      if (validity !== null && !isValid(validity, i)) continue;
      out[i] = addIntervalToTimestamp(instantAt(ts, i), sign * months[i]!, sign * days[i]!, sign * micros[i]!);
    }
    return result(resultType, out, validity, n);
  };
}

function intervalPairImpl(sign: 1 | -1): FunctionImpl {
  return (args, n) => {
    const a = intervals(args[0]!);
    const b = intervals(args[1]!);
    const validity = strictValidity(args, n);
    const out = new IntervalValues(n);
    for (let i = 0; i < n; i++) {
      if (validity !== null && !isValid(validity, i)) continue;
      const p = checked({ months: a.months[i]! + sign * b.months[i]!, days: a.days[i]! + sign * b.days[i]!, micros: a.micros[i]! + sign * b.micros[i]! });
      setInterval(out, i, p.months, p.days, p.micros);
    }
    return result('interval', out, validity, n);
  };
}

const differenceImpl: FunctionImpl = (args, n) => {
  const [a, b] = args as [Column, Column];
  const validity = strictValidity(args, n);
  const out = new IntervalValues(n);
  for (let i = 0; i < n; i++) {
    if (validity !== null && !isValid(validity, i)) continue;
    const p = timestampDifference(instantAt(a, i), instantAt(b, i));
    setInterval(out, i, p.months, p.days, p.micros);
  }
  return result('interval', out, validity, n);
};

function scaleImpl(divide: boolean, intervalFirst: boolean): FunctionImpl {
  return (args, n) => {
    const iv = intervals(args[intervalFirst ? 0 : 1]!);
    const factors = args[intervalFirst ? 1 : 0]!.values as Float64Array;
    const validity = strictValidity(args, n);
    const out = new IntervalValues(n);
    const p: IntervalParts = { months: 0, days: 0, micros: 0 };
    for (let i = 0; i < n; i++) {
      if (validity !== null && !isValid(validity, i)) continue;
      p.months = iv.months[i]!;
      p.days = iv.days[i]!;
      p.micros = iv.micros[i]!;
      const r = scaleInterval(p, factors[i]!, divide);
      setInterval(out, i, r.months, r.days, r.micros);
    }
    return result('interval', out, validity, n);
  };
}

export const negateInterval: FunctionImpl = (args, n) => {
  const a = intervals(args[0]!);
  const out = new IntervalValues(n);
  for (let i = 0; i < n; i++) setInterval(out, i, -a.months[i]! + 0, -a.days[i]! + 0, -a.micros[i]! + 0);
  return result('interval', out, args[0]!.validity, n);
};

/** The wider of two instant types (DATE < TIMESTAMP < TIMESTAMPTZ), as PostgreSQL's implicit casts go. */
function widerInstant(a: SqlType, b: SqlType): Instant {
  return a === 'timestamptz' || b === 'timestamptz' ? 'timestamptz' : 'timestamp';
}

/** Resolves + - * / over intervals and timestamps; null when the operands are something else. */
export function resolveDatetimeArithmetic(name: string, l: ArgType, r: ArgType): ResolvedFunction | null {
  const lt: ArgType = l === 'unknown' ? (r === 'interval' ? 'interval' : l) : l;
  switch (name) {
    case 'add': {
      if (lt === 'interval' && (r === 'interval' || r === 'unknown')) return fixed(['interval', 'interval'], 'interval', intervalPairImpl(1));
      if ((isInstant(l) || l === 'date') && (r === 'interval' || (r === 'unknown' && l !== 'date'))) {
        const t = l === 'date' ? 'timestamp' : l;
        return fixed([l, 'interval'], t, shiftImpl(1, false));
      }
      if (l === 'interval' && (isInstant(r) || r === 'date')) {
        return fixed(['interval', r], r === 'date' ? 'timestamp' : r, shiftImpl(1, true));
      }
      if (l === 'unknown' && isInstant(r)) return fixed(['interval', r], r, shiftImpl(1, true));
      return null;
    }
    case 'sub': {
      if (lt === 'interval' && (r === 'interval' || r === 'unknown')) return fixed(['interval', 'interval'], 'interval', intervalPairImpl(-1));
      if ((isInstant(l) || l === 'date') && r === 'interval') return fixed([l, 'interval'], l === 'date' ? 'timestamp' : l, shiftImpl(-1, false));
      const a = l === 'unknown' ? r : l;
      const b = r === 'unknown' ? l : r;
      if ((isInstant(a) || a === 'date') && (isInstant(b) || b === 'date') && (isInstant(a) || isInstant(b))) {
        const t = widerInstant(a as SqlType, b as SqlType);
        return fixed([t, t], 'interval', differenceImpl);
      }
      return null;
    }
    case 'mul': {
      if (l === 'interval' && (r === 'unknown' || (r !== 'interval' && isNumeric(r)))) return fixed(['interval', 'double'], 'interval', scaleImpl(false, true));
      if (r === 'interval' && (l === 'unknown' || (l !== 'interval' && isNumeric(l)))) return fixed(['double', 'interval'], 'interval', scaleImpl(false, false));
      return null;
    }
    case 'div':
      if (l === 'interval' && (r === 'unknown' || (r !== 'interval' && isNumeric(r)))) return fixed(['interval', 'double'], 'interval', scaleImpl(true, true));
      return null;
    default:
      return null;
  }
}
