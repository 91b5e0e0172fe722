// Runs fuzz cases against Freshet and the DuckDB oracle side by side: same
// tables, same views, same change statements, and after every step each view's
// contents must equal DuckDB's from-scratch answer as a multiset. One DuckDB
// connection serves many cases (each case in a schema of its own, dropped
// afterwards), because opening DuckDB costs more than a whole small case.

import { renderChange, renderCreateTable } from '../differential/case-model.js';
import { setupStep, type CaseOutcome, type SystemUnderTest } from '../differential/case-runner.js';
import { canonFreshet, diffMultisets, type Row } from '../differential/comparator.js';
import { DuckDbOracle, type OracleResult } from '../differential/duckdb-oracle.js';
import { renderFuzzView, type FuzzCase, type FuzzView } from './fuzz-case.js';

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class FuzzRunner {
  private nextSchema = 0;
  /** View checks made, and how many of them expected at least one row: a vacuous generator shows here. */
  checks = 0;
  nonEmptyChecks = 0;

  private constructor(private readonly oracle: DuckDbOracle) {}

  static async open(): Promise<FuzzRunner> {
    const oracle = await DuckDbOracle.open();
    // DuckDB 1.5.6's join filter pushdown gives wrong answers when the probe side is a
    // LIMIT subquery (fuzz seed 778607: a join over `(... ORDER BY ... LIMIT 1)` came
    // out empty; with this optimizer off it is right). The oracle keeps the expression
    // rewriter off too (see duckdb-oracle.ts); optimizers add no semantics.
    await oracle.exec("SET disabled_optimizers = 'expression_rewriter,join_filter_pushdown'");
    return new FuzzRunner(oracle);
  }

  close(): void {
    this.oracle.close();
  }

  async run(c: FuzzCase, makeSut: () => Promise<SystemUnderTest>): Promise<CaseOutcome> {
    const schema = `fuzz${this.nextSchema++}`;
    // One call per group of statements: DuckDB's per-call overhead is most of a small case's cost.
    await this.oracle.exec(`CREATE SCHEMA ${schema}; SET schema = '${schema}'`);
    let sut: SystemUnderTest | null = null;
    try {
      sut = await makeSut();
      return await this.steps(c, sut);
    } finally {
      if (sut !== null) await sut.close();
      await this.oracle.exec(`SET schema = 'main'; DROP SCHEMA ${schema} CASCADE`);
    }
  }

  private async steps(c: FuzzCase, sut: SystemUnderTest): Promise<CaseOutcome> {
    const oracle = this.oracle;
    const tables = c.tables.map(renderCreateTable);
    try {
      await oracle.exec(tables.join(';\n'));
    } catch (e) {
      return { kind: 'invalid', stepIndex: setupStep, sql: tables.join(';\n'), message: message(e) };
    }
    for (const sql of tables) {
      try {
        await sut.sql(sql);
      } catch (e) {
        return { kind: 'engineError', stepIndex: setupStep, sql, message: message(e) };
      }
    }
    const views: FuzzView[] = [];
    for (let i = 0; i < c.steps.length; i++) {
      const step = c.steps[i];
      if (step === undefined) continue;
      if (step.kind === 'createView') {
        const duck = renderFuzzView(step.view, 'duckdb');
        let expected: OracleResult;
        try {
          await oracle.exec(duck);
          // Reading it at once also catches errors DuckDB only finds when it runs the query.
          expected = await oracle.query(`SELECT * FROM ${step.view.name}`);
        } catch (e) {
          return { kind: 'invalid', stepIndex: i, sql: duck, message: message(e) };
        }
        views.push(step.view);
        const sutText = renderFuzzView(step.view, 'freshet');
        try {
          await sut.sql(sutText);
        } catch (e) {
          return { kind: 'engineError', stepIndex: i, sql: sutText, message: message(e) };
        }
        // Nothing else changed: only the new view (hydrated from existing rows) needs a check.
        const out = await this.checkView(sut, step.view.name, i, expected);
        if (out !== null) return out;
        continue;
      }
      if (step.statements.length === 0) continue;
      const duck = step.statements.map((s) => renderChange(s, 'duckdb', c.tables)).join(';\n');
      try {
        await oracle.exec(duck);
      } catch (e) {
        return { kind: 'invalid', stepIndex: i, sql: duck, message: message(e) };
      }
      const sutText = step.statements.map((s) => renderChange(s, 'freshet', c.tables)).join(';\n');
      try {
        await sut.sql(sutText);
      } catch (e) {
        return { kind: 'engineError', stepIndex: i, sql: sutText, message: message(e) };
      }
      for (const v of views) {
        const out = await this.checkView(sut, v.name, i);
        if (out !== null) return out;
      }
    }
    return { kind: 'pass' };
  }

  private async checkView(sut: SystemUnderTest, view: string, stepIndex: number, known?: OracleResult): Promise<CaseOutcome | null> {
    const sql = `SELECT * FROM ${view}`;
    let expected: OracleResult;
    try {
      expected = known ?? (await this.oracle.query(sql));
    } catch (e) {
      return { kind: 'invalid', stepIndex, sql, message: message(e) };
    }
    this.checks++;
    if (expected.rows.length > 0) this.nonEmptyChecks++;
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
    const namesAgree = actualColumns.length === expected.columns.length && actualColumns.every((n, j) => n === expected.columns[j]);
    if (diff === null && namesAgree) return null;
    return { kind: 'mismatch', stepIndex, view, expected, actualColumns, actualRows, diff };
  }
}
