// Runs one case against a system under test (Freshet) and the DuckDB oracle
// side by side: same tables, same views, same change statements, and after
// every step each view's contents must equal DuckDB's from-scratch answer as a
// multiset. Returns the first disagreement, or 'invalid' when DuckDB itself
// rejects a statement (a generator bug, or a shrink step that broke the case).

import {
  renderChange,
  renderCreateTable,
  renderCreateView,
  type DiffCase,
  type ViewSpec,
} from './case-model.js';
import { canonFreshet, diffMultisets, type MultisetDiff, type Row } from './comparator.js';
import { DuckDbOracle, type OracleResult } from './duckdb-oracle.js';

/** The slice of Freshet's Engine the runner needs; tests may plug in a fake. */
export interface SystemUnderTest {
  sql(text: string): Promise<{
    readonly fields: readonly { readonly name: string; readonly dataTypeID: number }[];
    readonly rows: readonly (readonly unknown[])[];
  }>;
  close(): Promise<void>;
}

export type SutFactory = () => Promise<SystemUnderTest>;

export type CaseOutcome =
  | { readonly kind: 'pass' }
  | {
      readonly kind: 'mismatch';
      readonly stepIndex: number;
      readonly view: string;
      readonly expected: OracleResult;
      readonly actualColumns: readonly string[];
      readonly actualRows: readonly Row[];
      /** Null when the rows agree but the column names do not. */
      readonly diff: MultisetDiff | null;
    }
  | { readonly kind: 'engineError'; readonly stepIndex: number; readonly sql: string; readonly message: string }
  | { readonly kind: 'invalid'; readonly stepIndex: number; readonly sql: string; readonly message: string };

/** Step index used for CREATE TABLE failures (they happen before step 0). */
export const setupStep = -1;

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export async function runCase(c: DiffCase, makeSut: SutFactory): Promise<CaseOutcome> {
  const oracle = await DuckDbOracle.open();
  let sut: SystemUnderTest | null = null;
  try {
    sut = await makeSut();
    for (const t of c.tables) {
      const sql = renderCreateTable(t);
      try {
        await oracle.exec(sql);
      } catch (e) {
        return { kind: 'invalid', stepIndex: setupStep, sql, message: message(e) };
      }
      try {
        await sut.sql(sql);
      } catch (e) {
        return { kind: 'engineError', stepIndex: setupStep, sql, message: message(e) };
      }
    }
    const views: ViewSpec[] = [];
    for (let i = 0; i < c.steps.length; i++) {
      const step = c.steps[i];
      if (step === undefined) continue;
      let sutText: string;
      if (step.kind === 'createView') {
        const duck = renderCreateView(step.view, 'duckdb');
        try {
          await oracle.exec(duck);
          // Reading it once catches errors DuckDB only finds when it runs the query.
          await oracle.query(`SELECT * FROM ${step.view.name}`);
        } catch (e) {
          return { kind: 'invalid', stepIndex: i, sql: duck, message: message(e) };
        }
        views.push(step.view);
        sutText = renderCreateView(step.view, 'freshet');
      } else {
        for (const s of step.statements) {
          const duck = renderChange(s, 'duckdb', c.tables);
          try {
            await oracle.exec(duck);
          } catch (e) {
            return { kind: 'invalid', stepIndex: i, sql: duck, message: message(e) };
          }
        }
        sutText = step.statements.map((s) => renderChange(s, 'freshet', c.tables)).join(';\n');
      }
      if (sutText === '') continue;
      try {
        await sut.sql(sutText);
      } catch (e) {
        return { kind: 'engineError', stepIndex: i, sql: sutText, message: message(e) };
      }
      for (const v of views) {
        const out = await checkView(oracle, sut, v.name, i);
        if (out !== null) return out;
      }
    }
    return { kind: 'pass' };
  } finally {
    oracle.close();
    if (sut !== null) await sut.close();
  }
}

async function checkView(
  oracle: DuckDbOracle,
  sut: SystemUnderTest,
  view: string,
  stepIndex: number,
): Promise<CaseOutcome | null> {
  const sql = `SELECT * FROM ${view}`;
  let expected: OracleResult;
  try {
    expected = await oracle.query(sql);
  } catch (e) {
    return { kind: 'invalid', stepIndex, sql, message: message(e) };
  }
  let actualColumns: string[];
  let actualRows: Row[];
  try {
    const res = await sut.sql(sql);
    actualColumns = res.fields.map((f) => f.name);
    actualRows = res.rows.map((r) => r.map((v, j) => canonFreshet(v, res.fields[j]?.dataTypeID ?? 0)));
  } catch (e) {
    return { kind: 'engineError', stepIndex, sql, message: message(e) };
  }
  const diff = diffMultisets(expected.rows, actualRows);
  const namesAgree =
    actualColumns.length === expected.columns.length && actualColumns.every((n, j) => n === expected.columns[j]);
  if (diff === null && namesAgree) return null;
  return { kind: 'mismatch', stepIndex, view, expected, actualColumns, actualRows, diff };
}
