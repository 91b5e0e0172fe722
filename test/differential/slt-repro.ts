// Renders a (shrunk) failing case as sqllogictest text: the statements in
// Freshet's dialect, then the query that disagreed with DuckDB's rows as the
// expected result, and Freshet's actual rows or error in comments.

import { renderChange, renderCreateTable, renderCreateView, type DiffCase } from './case-model.js';
import type { CaseOutcome } from './case-runner.js';
import { formatRow, sortRows } from './comparator.js';

function sltType(duckType: string): string {
  const t = duckType.toUpperCase();
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)/.test(t)) return 'I';
  if (/^(FLOAT|DOUBLE|DECIMAL)/.test(t)) return 'R';
  return 'T';
}

function statement(sql: string): string {
  return `statement ok\n${sql}\n`;
}

export function renderSltRepro(c: DiffCase, outcome: CaseOutcome, replay: string): string {
  const out: string[] = [
    `# Differential repro (seed ${c.seed}); expected rows computed by DuckDB from scratch.`,
    `# Replay the unshrunk case: ${replay}`,
    '',
  ];
  for (const t of c.tables) out.push(statement(renderCreateTable(t)));
  const last = outcome.kind === 'pass' ? c.steps.length - 1 : outcome.stepIndex;
  for (let i = 0; i <= last && i < c.steps.length; i++) {
    const step = c.steps[i];
    if (step === undefined) continue;
    if (step.kind === 'createView') {
      out.push(statement(renderCreateView(step.view, 'freshet')));
    } else {
      for (const s of step.statements) out.push(statement(renderChange(s, 'freshet', c.tables)));
    }
  }
  if (outcome.kind === 'mismatch') {
    const types = outcome.expected.types.map(sltType).join('');
    out.push(`# columns: expected ${outcome.expected.columns.join(', ')}; Freshet ${outcome.actualColumns.join(', ')}`);
    out.push(`query ${types} rowsort`, `SELECT * FROM ${outcome.view}`, '----');
    for (const r of sortRows(outcome.expected.rows)) out.push(formatRow(r));
    out.push('', '# Freshet returned:');
    for (const r of sortRows(outcome.actualRows)) out.push(`#   ${formatRow(r)}`);
    if (outcome.diff !== null) {
      for (const r of outcome.diff.missing) out.push(`# missing:    ${formatRow(r)}`);
      for (const r of outcome.diff.unexpected) out.push(`# unexpected: ${formatRow(r)}`);
    }
  } else if (outcome.kind === 'engineError') {
    out.push(`# Freshet failed on the statement above (DuckDB accepted it): ${outcome.message}`);
    out.push(`# failing text: ${outcome.sql.replaceAll('\n', ' ')}`);
  } else if (outcome.kind === 'invalid') {
    out.push(`# DuckDB rejected: ${outcome.sql} -- ${outcome.message}`);
  }
  return `${out.join('\n')}\n`;
}
