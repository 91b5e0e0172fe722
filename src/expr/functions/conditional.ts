// COALESCE, NULLIF, IN (list), GREATEST and LEAST: variadic functions over
// arguments unified to one type (function-def.ts commonType).

import type { SqlType } from '../../common/sql-type.js';
import type { Column } from '../../columnar/column.js';
import { allocValues, copyCell } from '../../columnar/column.js';
import { allValid, isValid, setNull } from '../../columnar/validity.js';
import type { FunctionDef, FunctionImpl } from '../function-def.js';
import { commonType, fixed } from '../function-def.js';
import { result } from '../kernel-util.js';
import { compareDoubles, compareText } from './comparison.js';

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (a !== a && b !== b);
}

const coalesce: FunctionImpl = (args, n, type) => {
  const values = allocValues(type, n) as unknown[];
  const validity = allValid(n);
  for (let i = 0; i < n; i++) {
    let found = false;
    for (const a of args) {
      if (isValid(a.validity, i)) {
        copyCell(values as Column['values'], i, a.values, i);
        found = true;
        break;
      }
    }
    if (!found) setNull(validity, i);
  }
  return result(type, values as Column['values'], validity, n);
};

const nullif: FunctionImpl = (args, n, type) => {
  const [a, b] = args as [Column, Column];
  const validity = allValid(n);
  for (let i = 0; i < n; i++) {
    if (!isValid(a.validity, i) || (isValid(b.validity, i) && sameValue(a.values[i], b.values[i]))) setNull(validity, i);
  }
  return result(type, a.values, validity, n);
};

/** x IN (v1, v2, ...): true on a match, else NULL if x or any unmatched vi is NULL, else false. */
const inList: FunctionImpl = (args, n) => {
  const [x, ...list] = args as [Column, ...Column[]];
  const out = new Uint8Array(n);
  const validity = allValid(n);
  for (let i = 0; i < n; i++) {
    if (!isValid(x.validity, i)) {
      setNull(validity, i);
      continue;
    }
    const v = x.values[i];
    let sawNull = false;
    let hit = false;
    for (const item of list) {
      if (!isValid(item.validity, i)) sawNull = true;
      else if (sameValue(item.values[i], v)) {
        hit = true;
        break;
      }
    }
    if (hit) out[i] = 1;
    else if (sawNull) setNull(validity, i);
  }
  return result('boolean', out, validity, n);
};

function extreme(wantGreater: boolean): FunctionImpl {
  return (args, n, type) => {
    const values = allocValues(type, n) as unknown[];
    const validity = allValid(n);
    for (let i = 0; i < n; i++) {
      let best: unknown = undefined;
      let from: Column | null = null;
      for (const a of args) {
        if (!isValid(a.validity, i)) continue;
        const v = a.values[i];
        if (best === undefined) {
          best = v;
          from = a;
        } else {
          const c = typeof v === 'number' ? compareDoubles(v, best as number) : compareText(v as string, best as string);
          if (wantGreater ? c > 0 : c < 0) {
            best = v;
            from = a;
          }
        }
      }
      if (best === undefined) setNull(validity, i);
      else copyCell(values as Column['values'], i, from!.values, i);
    }
    return result(type, values as Column['values'], validity, n);
  };
}

function unifying(name: string, minArgs: number, maxArgs: number, impl: FunctionImpl, boolResult = false): FunctionDef {
  return {
    name,
    minArgs,
    maxArgs,
    resolve(argTypes) {
      const t: SqlType | null = commonType(argTypes);
      if (t === null) return null;
      return fixed(argTypes.map(() => t), boolResult ? 'boolean' : t, impl);
    },
  };
}

export const conditionalFunctions: readonly FunctionDef[] = [
  unifying('coalesce', 1, Infinity, coalesce),
  unifying('nullif', 2, 2, nullif),
  unifying('in', 2, Infinity, inList, true),
  unifying('greatest', 1, Infinity, extreme(true)),
  unifying('least', 1, Infinity, extreme(false)),
];
