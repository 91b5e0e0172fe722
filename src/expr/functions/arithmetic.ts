// + - * / % and unary minus over INTEGER, BIGINT and DOUBLE PRECISION, plus
// DATE ± INTEGER and DATE - DATE (interval and timestamp arithmetic lives in
// interval-arithmetic.ts and is resolved first). PostgreSQL semantics: integer division
// truncates toward zero; division or modulo by zero raises 22012; integer
// results that leave their type's range raise 22003. BIGINT lives in doubles,
// so results beyond ±2^53 (where doubles stop being exact) raise 22003 too
// rather than return an inexact value.

import type { SqlType } from '../../common/sql-type.js';
import { isNumeric, widerNumeric } from '../../common/sql-type.js';
import { EngineError, SqlState } from '../../common/errors.js';
import type { Column } from '../../columnar/column.js';
import type { ArgType, FunctionDef, FunctionImpl } from '../function-def.js';
import { fixed } from '../function-def.js';
import { allocValues, result, strictValidity } from '../kernel-util.js';
import { negateInterval, resolveDatetimeArithmetic } from './interval-arithmetic.js';
import { numericArithmetic, numericNegate } from './numeric-functions.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function outOfRange(type: SqlType): EngineError {
  return new EngineError(
    SqlState.numericValueOutOfRange,
    type === 'integer' ? 'integer out of range' : type === 'date' ? 'date out of range' : 'bigint out of range (Freshet keeps BIGINT exact within ±2^53)',
  );
}

function divisionByZero(): EngineError {
  return new EngineError(SqlState.divisionByZero, 'division by zero');
}

/** Checks integral results against their type's range, after the loop. */
function checkRange(type: SqlType, out: Float64Array | Int32Array, raw: Float64Array | null, n: number): void {
  if (raw === null) return;
  if (type === 'integer' || type === 'date') {
    for (let i = 0; i < n; i++) {
      const r = raw[i]!;
      if (r > INT32_MAX || r < INT32_MIN) throw outOfRange(type);
      out[i] = r;
    }
  } else if (type === 'bigint') {
    for (let i = 0; i < n; i++) if (!Number.isSafeInteger(raw[i]!) && raw[i] === raw[i]) throw outOfRange(type);
  }
}

/** PostgreSQL raises 22003 when finite doubles produce an infinite result. */
function checkFloatOverflow(a: ArrayLike<number>, b: ArrayLike<number>, out: Float64Array, n: number, valid: Uint8Array | null): void {
  for (let i = 0; i < n; i++) {
    const r = out[i]!;
    if (r - r === 0 || r !== r) continue; // finite or NaN
    if (Number.isFinite(a[i]!) && Number.isFinite(b[i]!) && isValidAt(valid, i)) {
      throw new EngineError(SqlState.numericValueOutOfRange, 'value out of range: overflow');
    }
  }
}

type BinaryLoop = (a: ArrayLike<number>, b: ArrayLike<number>, out: Float64Array, n: number, valid: Uint8Array | null) => void;

function isValidAt(v: Uint8Array | null, i: number): boolean {
  return v === null || ((v[i >>> 3]! >>> (i & 7)) & 1) === 1;
}

const loops: Record<string, BinaryLoop> = {
  add(a, b, out, n) {
    for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;
  },
  sub(a, b, out, n) {
    for (let i = 0; i < n; i++) out[i] = a[i]! - b[i]!;
  },
  mul(a, b, out, n) {
    for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!;
  },
  div(a, b, out, n, valid) {
    for (let i = 0; i < n; i++) {
      const d = b[i]!;
      if (d === 0 && isValidAt(valid, i)) throw divisionByZero();
      out[i] = a[i]! / d;
    }
  },
  mod(a, b, out, n, valid) {
    for (let i = 0; i < n; i++) {
      const d = b[i]!;
      if (d === 0 && isValidAt(valid, i)) throw divisionByZero();
      out[i] = a[i]! % d;
    }
  },
};

function arithmeticImpl(op: string, resultType: SqlType): FunctionImpl {
  const loop = loops[op]!;
  const integral = resultType !== 'double';
  return (args: readonly Column[], n: number): Column => {
    const [a, b] = args as [Column, Column];
    const validity = strictValidity(args, n);
    const raw = new Float64Array(n);
    loop(a.values as ArrayLike<number>, b.values as ArrayLike<number>, raw, n, validity);
    if (integral && op === 'div') for (let i = 0; i < n; i++) raw[i] = Math.trunc(raw[i]!);
    if (integral) {
      // NULL rows may hold garbage from the loop; zero them before range checks.
      if (validity !== null) for (let i = 0; i < n; i++) if (!isValidAt(validity, i)) raw[i] = 0;
      if (resultType === 'integer' || resultType === 'date') {
        const out = new Int32Array(n);
        checkRange(resultType, out, raw, n);
        return result(resultType, out, validity, n);
      }
      checkRange(resultType, raw, raw, n);
    } else {
      checkFloatOverflow(a.values as ArrayLike<number>, b.values as ArrayLike<number>, raw, n, validity);
    }
    return result(resultType, raw, validity, n);
  };
}

/** Resolves numeric operands: unknown literals take the other side's type. */
function numericPair(argTypes: readonly ArgType[]): SqlType | null {
  const [l, r] = argTypes as [ArgType, ArgType];
  const lt = l === 'unknown' ? r : l;
  const rt = r === 'unknown' ? l : r;
  if (lt === 'unknown' || rt === 'unknown') return null;
  if (!isNumeric(lt) || !isNumeric(rt)) return null;
  return widerNumeric(lt, rt);
}

function binaryArithmetic(name: string): FunctionDef {
  return {
    name,
    minArgs: 2,
    maxArgs: 2,
    resolve(argTypes) {
      const [l, r] = argTypes as [ArgType, ArgType];
      const datetime = resolveDatetimeArithmetic(name, l, r);
      if (datetime !== null) return datetime;
      if ((name === 'add' || name === 'sub') && l === 'date' && (r === 'integer' || r === 'unknown')) {
        return fixed(['date', 'integer'], 'date', arithmeticImpl(name, 'date'));
      }
      if (name === 'add' && r === 'date' && (l === 'integer' || l === 'unknown')) {
        return fixed(['integer', 'date'], 'date', arithmeticImpl(name, 'date'));
      }
      if (name === 'sub' && l === 'date' && r === 'date') {
        return fixed(['date', 'date'], 'integer', arithmeticImpl(name, 'integer'));
      }
      const t = numericPair(argTypes);
      if (t === null) return null;
      return fixed([t, t], t, t === 'numeric' ? numericArithmetic(name) : arithmeticImpl(name, t));
    },
  };
}

function negate(args: readonly Column[], n: number, type: SqlType): Column {
  const a = args[0]!;
  const src = a.values as ArrayLike<number>;
  const values = allocValues(type, n) as Float64Array | Int32Array;
  for (let i = 0; i < n; i++) {
    const r = -src[i]!;
    if (type === 'integer' && r > INT32_MAX && isValidAt(a.validity, i)) throw outOfRange(type);
    values[i] = r;
  }
  return result(type, values, a.validity, n);
}

export const arithmeticFunctions: readonly FunctionDef[] = [
  binaryArithmetic('add'),
  binaryArithmetic('sub'),
  binaryArithmetic('mul'),
  binaryArithmetic('div'),
  binaryArithmetic('mod'),
  {
    name: 'neg',
    minArgs: 1,
    maxArgs: 1,
    resolve(argTypes) {
      const t = argTypes[0] === 'unknown' ? 'double' : argTypes[0]!;
      if (t === 'interval') return fixed([t], t, negateInterval);
      if (t === 'numeric') return fixed([t], t, numericNegate);
      return isNumeric(t) ? fixed([t], t, negate) : null;
    },
  },
];
