// Greedy shrinking of a failing case: drop steps, statements, inserted rows,
// view clauses and select items, keeping each change only while the case
// still fails the same way (same kind; same view for a mismatch; same message
// shape for an engine error). Candidates DuckDB rejects count as not failing.

import type { ChangeStmt, DiffCase, Step, ViewSpec } from './case-model.js';
import type { CaseOutcome } from './case-runner.js';

export interface ShrinkBudget {
  readonly maxRuns: number;
  readonly maxMillis: number;
}

export interface ShrinkResult {
  readonly case: DiffCase;
  readonly outcome: CaseOutcome;
  readonly runs: number;
}

/** Positions and values inside a message move as the case shrinks; its shape does not. */
export function messageShape(m: string): string {
  return m.replace(/\d+/g, '#').replace(/'[^']*'/g, "'?'").replace(/"[^"]*"/g, '"?"').slice(0, 100);
}

function sameFailure(a: CaseOutcome, b: CaseOutcome): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'mismatch' && b.kind === 'mismatch') return a.view === b.view;
  if (a.kind === 'engineError' && b.kind === 'engineError') return messageShape(a.message) === messageShape(b.message);
  return false;
}

/** Every one-step simplification of a case, roughly biggest first. */
function* candidates(c: DiffCase, failingStep: number): Generator<DiffCase> {
  const steps = c.steps;
  // Steps after the failure never matter.
  if (failingStep >= 0 && failingStep < steps.length - 1) {
    yield { ...c, steps: steps.slice(0, failingStep + 1) };
  }
  const withSteps = (s: Step[]): DiffCase => ({ ...c, steps: s });
  // Drop a whole step (later ones first: they are likelier to be irrelevant).
  for (let i = steps.length - 1; i >= 0; i--) {
    yield withSteps([...steps.slice(0, i), ...steps.slice(i + 1)]);
  }
  // Drop tables nothing refers to any more.
  for (let t = 0; t < c.tables.length; t++) {
    if (c.tables.length > 1) yield { ...c, tables: [...c.tables.slice(0, t), ...c.tables.slice(t + 1)] };
  }
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (step === undefined) continue;
    const replace = (s: Step): DiffCase => withSteps([...steps.slice(0, i), s, ...steps.slice(i + 1)]);
    if (step.kind === 'batch') {
      const stmts = step.statements;
      for (let j = 0; j < stmts.length; j++) {
        if (stmts.length > 1) yield replace({ kind: 'batch', statements: [...stmts.slice(0, j), ...stmts.slice(j + 1)] });
        const s = stmts[j];
        if (s === undefined) continue;
        for (const smaller of shrinkStatement(s)) {
          yield replace({ kind: 'batch', statements: [...stmts.slice(0, j), smaller, ...stmts.slice(j + 1)] });
        }
      }
    } else {
      for (const v of shrinkView(step.view)) yield replace({ kind: 'createView', view: v });
    }
  }
}

function* shrinkStatement(s: ChangeStmt): Generator<ChangeStmt> {
  switch (s.kind) {
    case 'insert': {
      const rows = s.rows;
      // Halves first, then single rows.
      if (rows.length > 2) {
        const half = Math.floor(rows.length / 2);
        yield { ...s, rows: rows.slice(0, half) };
        yield { ...s, rows: rows.slice(half) };
      }
      if (rows.length > 1) {
        for (let r = rows.length - 1; r >= 0; r--) yield { ...s, rows: [...rows.slice(0, r), ...rows.slice(r + 1)] };
      }
      return;
    }
    case 'delete':
      if (s.where !== null) yield { ...s, where: null };
      return;
    case 'update':
      if (s.sets.length > 1) {
        for (let j = 0; j < s.sets.length; j++) yield { ...s, sets: [...s.sets.slice(0, j), ...s.sets.slice(j + 1)] };
      }
      if (s.where !== null) yield { ...s, where: null };
      return;
  }
}

function* shrinkView(v: ViewSpec): Generator<ViewSpec> {
  if (v.where !== null) yield { ...v, where: null };
  if (v.having !== null) yield { ...v, having: null };
  if (v.items.length > 1) {
    for (let j = v.items.length - 1; j >= 0; j--) yield { ...v, items: [...v.items.slice(0, j), ...v.items.slice(j + 1)] };
  }
  if (v.groupBy.length > 1) {
    for (let j = 0; j < v.groupBy.length; j++) yield { ...v, groupBy: [...v.groupBy.slice(0, j), ...v.groupBy.slice(j + 1)] };
  }
}

function failingStepOf(o: CaseOutcome): number {
  return o.kind === 'pass' ? -1 : o.stepIndex;
}

/**
 * Greedy shrinking: try each candidate of the best case so far (biggest
 * simplifications first) and restart from the first that fails the same way,
 * until none does or the budget runs out. Shared by the differential test and
 * the fuzzer, which differ only in their cases' shapes and candidates.
 */
export async function greedyShrink<C>(
  c: C,
  failure: CaseOutcome,
  run: (c: C) => Promise<CaseOutcome>,
  candidatesOf: (c: C, failingStep: number) => Iterable<C>,
  budget: ShrinkBudget,
): Promise<{ readonly case: C; readonly outcome: CaseOutcome; readonly runs: number }> {
  const start = Date.now();
  let best = c;
  let bestOutcome = failure;
  let runs = 0;
  let improved = true;
  while (improved) {
    improved = false;
    for (const cand of candidatesOf(best, failingStepOf(bestOutcome))) {
      if (runs >= budget.maxRuns || Date.now() - start > budget.maxMillis) return { case: best, outcome: bestOutcome, runs };
      runs++;
      const out = await run(cand);
      if (sameFailure(failure, out)) {
        best = cand;
        bestOutcome = out;
        improved = true;
        break; // restart from the smaller case
      }
    }
  }
  return { case: best, outcome: bestOutcome, runs };
}

export function shrinkCase(
  c: DiffCase,
  failure: CaseOutcome,
  run: (c: DiffCase) => Promise<CaseOutcome>,
  budget: ShrinkBudget = { maxRuns: 600, maxMillis: 90_000 },
): Promise<ShrinkResult> {
  return greedyShrink(c, failure, run, candidates, budget);
}
