// AND, OR, NOT with SQL's three-valued logic, and the IS tests that turn NULL
// into a definite answer (IS NULL, IS TRUE, IS NOT FALSE, ...).
//   AND: false if either side is false, else NULL if either is NULL, else true.
//   OR:  true if either side is true, else NULL if either is NULL, else false.

import type { Column } from '../../columnar/column.js';
import { allValid, isValid, setNull } from '../../columnar/validity.js';
import type { ArgType, FunctionDef, FunctionImpl } from '../function-def.js';
import { fixed } from '../function-def.js';
import { result } from '../kernel-util.js';

function andOr(isAnd: boolean): FunctionImpl {
  return (args: readonly Column[], n: number): Column => {
    const [a, b] = args as [Column, Column];
    const x = a.values as Uint8Array;
    const y = b.values as Uint8Array;
    const out = new Uint8Array(n);
    if (a.validity === null && b.validity === null) {
      if (isAnd) for (let i = 0; i < n; i++) out[i] = x[i]! & y[i]!;
      else for (let i = 0; i < n; i++) out[i] = x[i]! | y[i]!;
      return result('boolean', out, null, n);
    }
    const validity = allValid(n);
    // The value that decides the result on its own: false for AND, true for OR.
    const decisive = isAnd ? 0 : 1;
    for (let i = 0; i < n; i++) {
      const av = isValid(a.validity, i);
      const bv = isValid(b.validity, i);
      if ((av && x[i] === decisive) || (bv && y[i] === decisive)) out[i] = decisive;
      else if (!av || !bv) setNull(validity, i);
      else out[i] = 1 - decisive;
    }
    return result('boolean', out, validity, n);
  };
}

const not: FunctionImpl = (args, n) => {
  const a = args[0]!;
  const x = a.values as Uint8Array;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = x[i]! ^ 1;
  return result('boolean', out, a.validity, n);
};

/** Tests that are never NULL: `pick(valid, value)` decides each row. */
function isTest(pick: (valid: boolean, value: number) => boolean): FunctionImpl {
  return (args, n) => {
    const a = args[0]!;
    const x = a.values;
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = pick(isValid(a.validity, i), x instanceof Uint8Array ? x[i]! : 0) ? 1 : 0;
    return result('boolean', out, null, n);
  };
}

function booleanDef(name: string, arity: number, impl: FunctionImpl): FunctionDef {
  return {
    name,
    minArgs: arity,
    maxArgs: arity,
    resolve(argTypes: readonly ArgType[]) {
      if (!argTypes.every((t) => t === 'boolean' || t === 'unknown')) return null;
      return fixed(argTypes.map(() => 'boolean'), 'boolean', impl);
    },
  };
}

export const logicFunctions: readonly FunctionDef[] = [
  booleanDef('and', 2, andOr(true)),
  booleanDef('or', 2, andOr(false)),
  booleanDef('not', 1, not),
  booleanDef('is_true', 1, isTest((v, x) => v && x === 1)),
  booleanDef('is_not_true', 1, isTest((v, x) => !v || x === 0)),
  booleanDef('is_false', 1, isTest((v, x) => v && x === 0)),
  booleanDef('is_not_false', 1, isTest((v, x) => !v || x === 1)),
  {
    name: 'is_null',
    minArgs: 1,
    maxArgs: 1,
    resolve: (t) => fixed([t[0] === 'unknown' ? 'text' : t[0]!], 'boolean', isTest((v) => !v)),
  },
  {
    name: 'is_not_null',
    minArgs: 1,
    maxArgs: 1,
    resolve: (t) => fixed([t[0] === 'unknown' ? 'text' : t[0]!], 'boolean', isTest((v) => v)),
  },
];
