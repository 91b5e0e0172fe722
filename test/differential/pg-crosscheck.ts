// Checks the generator's claim that DuckDB (with integer_division) and
// PostgreSQL agree on every generated view: runs a case on a real PostgreSQL
// through psql and on DuckDB, and compares each view after every step. A dev
// tool for when the generator changes (pg-crosscheck.test.ts, opt-in), never
// part of the Freshet oracle.

import { execFileSync } from 'node:child_process';
import { renderChange, renderCreateTable, renderCreateView, type ChangeStmt, type DiffCase } from './case-model.js';
import { canonDuckDb, diffMultisets, formatRow, type Cell, type Row } from './comparator.js';
import { DuckDbOracle } from './duckdb-oracle.js';

const nullMarker = '<<NULL>>';

/** PostgreSQL's upsert spelling of Freshet's keyed INSERT. */
function pgInsert(s: ChangeStmt, c: DiffCase): string {
  const text = renderChange(s, 'freshet', c.tables);
  const t = c.tables.find((x) => x.name === s.table);
  if (s.kind !== 'insert' || t === undefined || t.primaryKey === null) return text;
  const others = t.columns.filter((col) => col.name !== t.primaryKey);
  if (others.length === 0) return `${text} ON CONFLICT (${t.primaryKey}) DO NOTHING`;
  return `${text} ON CONFLICT (${t.primaryKey}) DO UPDATE SET ${others.map((o) => `${o.name} = EXCLUDED.${o.name}`).join(', ')}`;
}

function pgCell(text: string, duckType: string): Cell {
  if (text === nullMarker) return null;
  if (duckType === 'BOOLEAN') return text === 't';
  return canonDuckDb(text, duckType);
}

export interface CrossCheckFailure {
  readonly stepIndex: number;
  readonly view: string;
  readonly detail: string;
}

/** Runs the case on both; returns the first disagreement, or null. `psqlArgs` select the server. */
export async function crossCheck(c: DiffCase, psqlArgs: readonly string[]): Promise<CrossCheckFailure | null> {
  const script: string[] = ['DROP SCHEMA IF EXISTS diffcase CASCADE;', 'CREATE SCHEMA diffcase;', 'SET search_path = diffcase;'];
  const duck = await DuckDbOracle.open();
  const expected: { step: number; view: string; types: string[]; rows: readonly Row[] }[] = [];
  try {
    for (const t of c.tables) {
      script.push(`${renderCreateTable(t)};`);
      await duck.exec(renderCreateTable(t));
    }
    const views: string[] = [];
    for (let i = 0; i < c.steps.length; i++) {
      const step = c.steps[i];
      if (step === undefined) continue;
      if (step.kind === 'createView') {
        script.push(`${renderCreateView(step.view, 'duckdb')};`);
        await duck.exec(renderCreateView(step.view, 'duckdb'));
        views.push(step.view.name);
      } else {
        for (const s of step.statements) {
          script.push(`${pgInsert(s, c)};`);
          await duck.exec(renderChange(s, 'duckdb', c.tables));
        }
      }
      for (const v of views) {
        const r = await duck.query(`SELECT * FROM ${v}`);
        expected.push({ step: i, view: v, types: [...r.types], rows: r.rows });
        // A leading constant keeps a row of one empty string from printing as an empty line.
        script.push(`\\echo '@@@'`, `SELECT 1, * FROM ${v};`);
      }
    }
  } finally {
    duck.close();
  }
  let out: string;
  try {
    out = execFileSync('psql', [...psqlArgs, '-X', '-q', '-A', '-t', '-F', '\t', '-P', `null=${nullMarker}`, '-v', 'ON_ERROR_STOP=1'], {
      input: script.join('\n'),
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (e) {
    const err = e as { stderr?: string };
    return { stepIndex: -1, view: '', detail: `PostgreSQL rejected the case: ${err.stderr ?? String(e)}` };
  }
  const blocks = out.split('@@@\n').slice(1);
  for (let k = 0; k < expected.length; k++) {
    const exp = expected[k];
    if (exp === undefined) continue;
    const lines = (blocks[k] ?? '').split('\n').filter((l) => l !== '');
    const rows = lines.map((l) => l.split('\t').slice(1).map((cell, j) => pgCell(cell, exp.types[j] ?? 'VARCHAR')));
    const diff = diffMultisets(rows, exp.rows);
    if (diff !== null) {
      const detail = [
        ...diff.missing.map((r) => `only in PostgreSQL: ${formatRow(r)}`),
        ...diff.unexpected.map((r) => `only in DuckDB:     ${formatRow(r)}`),
      ].join('\n');
      return { stepIndex: exp.step, view: exp.view, detail };
    }
  }
  return null;
}
