// Compiles a bound expression once into a kernel: a closure tree that, per
// batch, evaluates each node over whole columns. The tree is walked once per
// batch, never per row. CASE evaluates each branch only on the rows that
// reach it (so `CASE WHEN b <> 0 THEN a / b END` never divides by zero).

import { assert } from '../common/assert.js';
import type { Column } from '../columnar/column.js';
import { allocValues, constantColumn, makeColumn } from '../columnar/column.js';
import { allNull, isValid, normalizeValidity, setValid } from '../columnar/validity.js';
import type { BoundExpr, CaseExpr } from './bound-expr.js';
import { castColumn } from './cast.js';
import type { EvalInput } from './eval-input.js';
import { SubsetInput } from './eval-input.js';
import { resolveFunction } from './function-registry.js';

export type Kernel = (input: EvalInput) => Column;

export function compileExpr(expr: BoundExpr): Kernel {
  switch (expr.kind) {
    case 'column': {
      const index = expr.index;
      return (input) => input.column(index);
    }
    case 'const': {
      const { type, value } = expr;
      return (input) => constantColumn(type, value, input.length);
    }
    case 'call': {
      const args = expr.args.map(compileExpr);
      if (expr.fn === 'cast') {
        const to = expr.type;
        const arg = args[0]!;
        return (input) => castColumn(arg(input), to);
      }
      const resolved = resolveFunction(expr.fn, expr.args.map((a) => a.type));
      assert(resolved !== null, `no kernel for ${expr.fn}(${expr.args.map((a) => a.type).join(', ')})`);
      const { impl } = resolved;
      const type = expr.type;
      return (input) => impl(args.map((k) => k(input)), input.length, type);
    }
    case 'case':
      return compileCase(expr);
  }
}

function compileCase(expr: CaseExpr): Kernel {
  const whens = expr.whens.map((w) => ({ when: compileExpr(w.when), then: compileExpr(w.then) }));
  const otherwise = compileExpr(expr.else);
  const type = expr.type;
  return (input) => {
    const n = input.length;
    const values = allocValues(type, n) as unknown[];
    const validity = allNull(n);
    // `remaining` maps rows of the current sub-input back to rows of `input`.
    let remaining: Int32Array | null = null;
    let current: EvalInput = input;
    const scatter = (col: Column, rows: Int32Array | null): void => {
      for (let j = 0; j < col.length; j++) {
        const target = rows === null ? j : rows[j]!;
        if (isValid(col.validity, j)) {
          values[target] = col.values[j];
          setValid(validity, target);
        }
      }
    };
    for (const { when, then } of whens) {
      if (current.length === 0) break;
      const cond = when(current);
      const c = cond.values as Uint8Array;
      const taken: number[] = [];
      const rest: number[] = [];
      for (let j = 0; j < current.length; j++) {
        if (c[j] === 1 && isValid(cond.validity, j)) taken.push(j);
        else rest.push(j);
      }
      if (taken.length > 0) {
        const takenLocal = Int32Array.from(taken);
        const col = then(taken.length === current.length ? current : new SubsetInput(current, takenLocal));
        scatter(col, remaining === null ? (taken.length === n ? null : takenLocal) : takenLocal.map((j) => remaining![j]!));
      }
      if (rest.length === current.length) continue;
      const restLocal = Int32Array.from(rest);
      current = new SubsetInput(current, restLocal);
      remaining = remaining === null ? restLocal : restLocal.map((j) => remaining![j]!);
    }
    if (current.length > 0) scatter(otherwise(current), remaining);
    return makeColumn(type, values as Column['values'], normalizeValidity(validity, n), n);
  };
}
