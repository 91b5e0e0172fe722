// Renders a (shrunk) failing fuzz case as a sqllogictest file and saves it as
// conformance/regressions/<seed>.slt: the statements in Freshet's dialect, then
// the query that disagreed, with DuckDB's from-scratch rows as the expected
// result (written the way the conformance runner formats PostgreSQL values),
// and Freshet's actual rows or error in comments.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatFixed3, formatValue } from '../../conformance/format-value.js';
import { renderChange, renderCreateTable } from '../differential/case-model.js';
import type { CaseOutcome } from '../differential/case-runner.js';
import { formatRow, sortRows, type Cell, type Row } from '../differential/comparator.js';
import { renderFuzzView, type FuzzCase } from './fuzz-case.js';

export const regressionsDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../conformance/regressions');

function typeLetter(duckType: string): string {
  const t = duckType.toUpperCase();
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)/.test(t)) return 'I';
  if (/^(FLOAT|DOUBLE|DECIMAL)/.test(t)) return 'R';
  return 'T';
}

/** PostgreSQL's text form of a canonical cell: timestamps lose a zero fraction, reals are %.3f (the runner accepts that for R). */
function pgText(c: Cell, letter: string): string {
  if (typeof c === 'string' && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/.test(c)) return c.replace(/\.?0+$/, '');
  if (letter === 'R' && typeof c === 'number') return formatFixed3(c);
  return formatValue(c, letter, 'pg', letter === 'I' ? 'int8' : undefined);
}

function statement(sql: string): string {
  return `statement ok\n${sql}\n`;
}

export function renderRegressionSlt(c: FuzzCase, outcome: CaseOutcome, replay: string): string {
  const out: string[] = [
    `# Fuzz regression (seed ${c.seed}): view SQL rendered by node-sql-parser; expected rows computed by DuckDB from scratch.`,
    `# Replay the unshrunk case: ${replay}`,
    '',
  ];
  for (const t of c.tables) out.push(statement(renderCreateTable(t)));
  const last = outcome.kind === 'pass' ? c.steps.length - 1 : outcome.stepIndex;
  for (let i = 0; i <= last && i < c.steps.length; i++) {
    const step = c.steps[i];
    if (step === undefined) continue;
    if (step.kind === 'createView') out.push(statement(renderFuzzView(step.view, 'freshet')));
    else for (const s of step.statements) out.push(statement(renderChange(s, 'freshet', c.tables)));
  }
  if (outcome.kind === 'mismatch') {
    const letters = outcome.expected.types.map(typeLetter);
    const line = (r: Row): string => r.map((v, j) => pgText(v, letters[j] ?? 'T')).join(' ');
    out.push(`# columns: expected ${outcome.expected.columns.join(', ')}; Freshet ${outcome.actualColumns.join(', ')}`);
    out.push(`query ${letters.join('')} rowsort`, `SELECT * FROM ${outcome.view}`, '----');
    for (const r of sortRows(outcome.expected.rows)) out.push(line(r));
    out.push('', '# Freshet returned:');
    for (const r of sortRows(outcome.actualRows)) out.push(`#   ${formatRow(r)}`);
    if (outcome.diff !== null) {
      for (const r of outcome.diff.missing) out.push(`# missing:    ${formatRow(r)}`);
      for (const r of outcome.diff.unexpected) out.push(`# unexpected: ${formatRow(r)}`);
    }
  } else if (outcome.kind === 'engineError') {
    const note = `# Freshet failed (DuckDB accepted the same statements): ${outcome.message.replaceAll('\n', ' ')}`;
    // A failed read of a view is its own record; otherwise the last statement above is the failing one.
    if (outcome.sql.startsWith('SELECT')) out.push(note, statement(outcome.sql));
    else out.push(note, `# failing text: ${outcome.sql.replaceAll('\n', ' ')}`);
  } else if (outcome.kind === 'invalid') {
    out.push(`# DuckDB rejected: ${outcome.sql} -- ${outcome.message}`);
  }
  return `${out.join('\n')}\n`;
}

/** Writes the file and returns its path. */
export function saveRegression(c: FuzzCase, outcome: CaseOutcome, replay: string, dir = regressionsDir): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${c.seed}.slt`);
  writeFileSync(path, renderRegressionSlt(c, outcome, replay));
  return path;
}
