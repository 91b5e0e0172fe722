// Greedy shrinking of a failing fuzz case: drop steps, tables, statements and
// inserted rows, and simplify view ASTs (drop WHERE, HAVING, DISTINCT, top-N,
// select items, grouping keys, joined items, the right operand of a set
// operation, extra ON conditions) and time windows (drop the offset, HOP or
// CUMULATE to TUMBLE), keeping a change only while the case still fails the
// same way. Candidates DuckDB rejects count as not failing.

import type { ChangeStmt } from '../differential/case-model.js';
import type { CaseOutcome } from '../differential/case-runner.js';
import type { ShrinkBudget } from '../differential/shrinker.js';
import { greedyShrink } from '../differential/shrinker.js';
import type { FuzzCase, FuzzStep, FuzzView } from './fuzz-case.js';
import type { AstNode } from './sql-ast.js';

export interface ShrinkResult {
  readonly case: FuzzCase;
  readonly outcome: CaseOutcome;
  readonly runs: number;
}

function without<T>(xs: readonly T[], i: number): T[] {
  return [...xs.slice(0, i), ...xs.slice(i + 1)];
}

function replaced<T>(xs: readonly T[], i: number, x: T): T[] {
  return [...xs.slice(0, i), x, ...xs.slice(i + 1)];
}

/** Every one-step simplification of a case, roughly biggest first. */
function* candidates(c: FuzzCase, failingStep: number): Generator<FuzzCase> {
  const steps = c.steps;
  if (failingStep >= 0 && failingStep < steps.length - 1) yield { ...c, steps: steps.slice(0, failingStep + 1) };
  for (let i = steps.length - 1; i >= 0; i--) yield { ...c, steps: without(steps, i) };
  if (c.tables.length > 1) for (let t = 0; t < c.tables.length; t++) yield { ...c, tables: without(c.tables, t) };
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (step === undefined) continue;
    const withStep = (s: FuzzStep): FuzzCase => ({ ...c, steps: replaced(steps, i, s) });
    if (step.kind === 'batch') {
      const stmts = step.statements;
      for (let j = 0; j < stmts.length; j++) {
        if (stmts.length > 1) yield withStep({ kind: 'batch', statements: without(stmts, j) });
        const s = stmts[j];
        if (s === undefined) continue;
        for (const smaller of shrinkStatement(s)) yield withStep({ kind: 'batch', statements: replaced(stmts, j, smaller) });
      }
    } else {
      for (const v of shrinkView(step.view)) yield withStep({ kind: 'createView', view: v });
    }
  }
}

function* shrinkStatement(s: ChangeStmt): Generator<ChangeStmt> {
  switch (s.kind) {
    case 'insert': {
      const rows = s.rows;
      if (rows.length > 2) {
        const half = Math.floor(rows.length / 2);
        yield { ...s, rows: rows.slice(0, half) };
        yield { ...s, rows: rows.slice(half) };
      }
      if (rows.length > 1) for (let r = rows.length - 1; r >= 0; r--) yield { ...s, rows: without(rows, r) };
      return;
    }
    case 'delete':
      if (s.where !== null) yield { ...s, where: null };
      return;
    case 'update':
      if (s.sets.length > 1) for (let j = 0; j < s.sets.length; j++) yield { ...s, sets: without(s.sets, j) };
      if (s.where !== null) yield { ...s, where: null };
      return;
  }
}

function* shrinkView(v: FuzzView): Generator<FuzzView> {
  const withAst = (ast: AstNode, columns = v.columns): FuzzView => ({ ...v, ast, columns });
  const w = v.timeWindow;
  // A time window without its offset, and HOP or CUMULATE as a TUMBLE of the same size.
  if (w !== undefined && w.offset !== 0) yield { ...v, timeWindow: { ...w, offset: 0, offsetText: null } };
  if (w !== undefined && w.kind !== 'tumble') yield { ...v, timeWindow: { ...w, kind: 'tumble', slide: w.size, slideText: w.sizeText } };
  for (const ast of shrinkSelect(v.ast)) yield withAst(ast);
  // Select items: only outside set operations, whose operands must stay the same width.
  const items = v.ast['columns'] as readonly unknown[];
  if (v.ast['_next'] == null && items.length > 1) {
    for (let j = items.length - 1; j >= 0; j--) {
      const orderby = (v.ast['orderby'] as unknown[] | null) ?? null;
      // ORDER BY names every output of a top-N view: dropping an item drops the view's top-N too.
      yield withAst({ ...v.ast, columns: without(items, j), orderby: null, limit: orderby === null ? v.ast['limit'] : noLimit }, without(v.columns, j));
    }
  }
}

const noLimit = { seperator: '', value: [] };

/** Simplifications of one SELECT node that keep its output columns. */
function* shrinkSelect(ast: AstNode): Generator<AstNode> {
  if (ast['_next'] != null) {
    const { _next: _drop, set_op: _op, ...left } = ast;
    yield left as AstNode;
  }
  if (ast['where'] != null) yield { ...ast, where: null };
  if (ast['having'] != null) yield { ...ast, having: null };
  if (ast['orderby'] != null) yield { ...ast, orderby: null, limit: noLimit };
  const distinct = ast['distinct'] as { type: string | null } | null;
  // DISTINCT or DISTINCT ON (whose ORDER BY stays valid without it).
  if (distinct?.type != null) yield { ...ast, distinct: { type: null } };
  const groupby = ast['groupby'] as { columns: readonly unknown[] } | null;
  if (groupby !== null && groupby.columns.length > 1) {
    for (let j = 0; j < groupby.columns.length; j++) yield { ...ast, groupby: { columns: without(groupby.columns, j) } };
  }
  const from = (ast['from'] as readonly Record<string, unknown>[] | null) ?? [];
  if (from.length > 1) {
    // Drop a joined item (its columns must be unused, or DuckDB rejects the candidate).
    for (let j = from.length - 1; j >= 1; j--) yield { ...ast, from: without(from, j) };
  }
  // Inside subqueries in FROM and CTE bodies, the same simplifications (their outputs stay).
  for (let j = 0; j < from.length; j++) {
    const item = from[j];
    const sub = item?.['expr'] as { ast?: AstNode } | undefined;
    if (item === undefined || sub?.ast === undefined) continue;
    for (const inner of shrinkSelect(sub.ast)) yield { ...ast, from: replaced(from, j, { ...item, expr: { ...sub, ast: inner } }) };
  }
  const withs = (ast['with'] as readonly Record<string, unknown>[] | null) ?? [];
  for (let j = 0; j < withs.length; j++) {
    const w = withs[j];
    const stmt = w?.['stmt'] as AstNode | undefined;
    if (w === undefined || stmt === undefined) continue;
    for (const inner of shrinkSelect(stmt)) yield { ...ast, with: replaced(withs, j, { ...w, stmt: inner }) };
  }
  if (from.length > 1) {
    for (let j = 1; j < from.length; j++) {
      const item = from[j];
      const on = item?.['on'] as AstNode | null | undefined;
      if (item === undefined || on == null) continue;
      // Keep only the first conjunct of an ON condition with extra conditions.
      if (on.type === 'binary_expr' && on['operator'] === 'AND') yield { ...ast, from: replaced(from, j, { ...item, on: on['left'] }) };
      if (item['join'] !== 'INNER JOIN') yield { ...ast, from: replaced(from, j, { ...item, join: 'INNER JOIN' }) };
    }
  }
}

export function shrinkFuzzCase(
  c: FuzzCase,
  failure: CaseOutcome,
  run: (c: FuzzCase) => Promise<CaseOutcome>,
  budget: ShrinkBudget = { maxRuns: 500, maxMillis: 60_000 },
): Promise<ShrinkResult> {
  return greedyShrink(c, failure, run, candidates, budget);
}
