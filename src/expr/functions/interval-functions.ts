// Functions that build or reshape intervals: make_interval, age,
// justify_days / justify_hours / justify_interval (rules in ../interval.ts).

import type { Column } from '../../columnar/column.js';
import { intervals } from '../../columnar/column.js';
import type { IntervalParts } from '../../columnar/interval-text.js';
import { IntervalValues, setInterval } from '../../columnar/interval-values.js';
import { isValid } from '../../columnar/validity.js';
import { EngineError, SqlState } from '../../common/errors.js';
import type { ArgType, FunctionDef, FunctionImpl } from '../function-def.js';
import { fixed } from '../function-def.js';
import { result, strictValidity } from '../kernel-util.js';
import { age, justifyDays, justifyHours, justifyInterval, makeInterval } from '../interval.js';

function intervalKernel(n: number, validity: Uint8Array | null, at: (i: number) => IntervalParts): Column {
  const out = new IntervalValues(n);
  for (let i = 0; i < n; i++) {
    if (validity !== null && !isValid(validity, i)) continue;
    const p = at(i);
    setInterval(out, i, p.months, p.days, p.micros);
  }
  return result('interval', out, validity, n);
}

/** make_interval(years, months, weeks, days, hours, mins, secs), trailing ones defaulting to 0. */
const makeIntervalImpl: FunctionImpl = (args, n) => {
  const cols = args.map((a) => a.values as ArrayLike<number>);
  const v = (k: number, i: number): number => (k < cols.length ? cols[k]![i]! : 0);
  return intervalKernel(n, strictValidity(args, n), (i) => makeInterval(v(0, i), v(1, i), v(2, i), v(3, i), v(4, i), v(5, i), v(6, i)));
};

function justifyDef(name: string, fn: (p: IntervalParts) => IntervalParts): FunctionDef {
  return {
    name,
    minArgs: 1,
    maxArgs: 1,
    resolve(argTypes) {
      if (argTypes[0] !== 'interval' && argTypes[0] !== 'unknown') return null;
      return fixed(['interval'], 'interval', (args, n) => {
        const iv = intervals(args[0]!);
        const p: IntervalParts = { months: 0, days: 0, micros: 0 };
        return intervalKernel(n, args[0]!.validity, (i) => {
          p.months = iv.months[i]!;
          p.days = iv.days[i]!;
          p.micros = iv.micros[i]!;
          return fn(p);
        });
      });
    },
  };
}

function instantType(t: ArgType | undefined): 'timestamp' | 'timestamptz' | null {
  if (t === 'timestamp' || t === 'date' || t === 'unknown') return 'timestamp';
  return t === 'timestamptz' ? 'timestamptz' : null;
}

export const intervalFunctions: readonly FunctionDef[] = [
  {
    name: 'make_interval',
    minArgs: 0,
    maxArgs: 7,
    resolve(argTypes) {
      // years .. mins are integers, secs a double (PostgreSQL's signature).
      const types = argTypes.map((_, k) => (k === 6 ? 'double' : 'integer') as 'double' | 'integer');
      for (let k = 0; k < argTypes.length; k++) {
        const t = argTypes[k]!;
        if (t !== 'unknown' && t !== 'integer' && !(k === 6 && (t === 'bigint' || t === 'double' || t === 'numeric'))) return null;
      }
      return fixed(types, 'interval', makeIntervalImpl);
    },
  },
  {
    name: 'age',
    minArgs: 1,
    maxArgs: 2,
    resolve(argTypes) {
      if (argTypes.length === 1) {
        // age(ts) measures from today's midnight: it needs now(), which a view cannot keep up to date.
        throw new EngineError(SqlState.featureNotSupported, 'age() with one argument is not supported yet (it depends on the current date); write age(later, earlier)');
      }
      const a = instantType(argTypes[0]);
      const b = instantType(argTypes[1]);
      if (a === null || b === null) return null;
      const t = a === 'timestamptz' || b === 'timestamptz' ? 'timestamptz' : 'timestamp';
      return fixed([t, t], 'interval', (args, n) => {
        const x = args[0]!.values as Float64Array;
        const y = args[1]!.values as Float64Array;
        return intervalKernel(n, strictValidity(args, n), (i) => age(x[i]!, y[i]!));
      });
    },
  },
  justifyDef('justify_days', justifyDays),
  justifyDef('justify_hours', justifyHours),
  justifyDef('justify_interval', justifyInterval),
];
