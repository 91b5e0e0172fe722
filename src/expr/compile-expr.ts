// Compiles a bound expression once into a kernel: a closure tree that, per
// batch, evaluates each node over whole columns. The tree is walked once per
// batch, never per row. CASE evaluates each branch only on the rows that
// reach it (so `CASE WHEN b <> 0 THEN a / b END` never divides by zero), and
// AND/OR evaluate their right side only where the left leaves the row open.

import { assert } from '../common/assert.js';
import { EngineError } from '../common/errors.js';
import type { SourcePosition } from '../common/errors.js';
import type { Column } from '../columnar/column.js';
import { allocValues, constantColumn, copyCell, makeColumn } from '../columnar/column.js';
import { allNull, allValid, isValid, normalizeValidity, setNull, setValid } from '../columnar/validity.js';
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
      if (expr.fn === 'and' || expr.fn === 'or') return compileAndOr(expr.fn, args[0]!, args[1]!);
      const pos = expr.pos;
      if (expr.fn === 'cast') {
        const to = expr.type;
        const arg = args[0]!;
        return (input) => {
          const value = arg(input);
          return located(pos, () => castColumn(value, to));
        };
      }
      const resolved = resolveFunction(expr.fn, expr.args.map((a) => a.type));
      assert(resolved !== null, `no kernel for ${expr.fn}(${expr.args.map((a) => a.type).join(', ')})`);
      const { impl } = resolved;
      const type = expr.type;
      return (input) => {
        const values = args.map((k) => k(input));
        return located(pos, () => impl(values, input.length, type));
      };
    }
    case 'case':
      return compileCase(expr);
  }
}

/** Runs a kernel; an EngineError it raises without a position gets the call's. */
function located(pos: SourcePosition | undefined, run: () => Column): Column {
  if (pos === undefined) return run();
  try {
    return run();
  } catch (err) {
    if (err instanceof EngineError && err.position === undefined) {
      const located = new EngineError(err.code, err.message, pos);
      located.statementIndex = err.statementIndex;
      throw located;
    }
    throw err;
  }
}

/**
 * AND/OR evaluate their right side only on the rows the left side leaves
 * undecided, so the guard idiom `WHERE b <> 0 AND a / b > 1` never divides by
 * zero (PostgreSQL does not promise an order, but users rely on this one).
 */
function compileAndOr(fn: 'and' | 'or', left: Kernel, right: Kernel): Kernel {
  const resolved = resolveFunction(fn, ['boolean', 'boolean']);
  assert(resolved !== null, `no kernel for ${fn}`);
  const combine = resolved.impl;
  // The left value that decides the row alone: FALSE for AND, TRUE for OR.
  const decisive = fn === 'and' ? 0 : 1;
  return (input) => {
    const n = input.length;
    const l = left(input);
    const lv = l.values as Uint8Array;
    const undecided: number[] = [];
    for (let i = 0; i < n; i++) if (lv[i] !== decisive || !isValid(l.validity, i)) undecided.push(i);
    if (undecided.length === n) return combine([l, right(input)], n, 'boolean');
    if (undecided.length === 0) return l;
    const rows = Int32Array.from(undecided);
    const partial = right(new SubsetInput(input, rows));
    // Rows the left side decided get the decisive value on the right too: any value would do.
    const values = new Uint8Array(n).fill(decisive);
    let validity: Uint8Array | null = null;
    const pv = partial.values as Uint8Array;
    for (let j = 0; j < rows.length; j++) {
      if (isValid(partial.validity, j)) values[rows[j]!] = pv[j]!;
      else {
        validity ??= allValid(n);
        setNull(validity, rows[j]!);
      }
    }
    return combine([l, makeColumn('boolean', values, validity, n)], n, 'boolean');
  };
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
          // Interval parts and NUMERIC scales travel with the value.
          copyCell(values as Column['values'], target, col.values, j);
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
