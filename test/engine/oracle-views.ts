// Shared by the engine-level differential tests: a view's contents, stored and
// recomputed one-shot by Freshet, compared as multisets with DuckDB computing
// the same query from scratch.

import { expect } from 'vitest';
import type { Engine } from '../../src/engine.js';
import type { DuckDbOracle } from '../differential/duckdb-oracle.js';
import type { Row } from '../differential/comparator.js';
import { canonFreshet, diffMultisets, formatRow } from '../differential/comparator.js';

/** A view under test: its name, its Freshet query, and DuckDB's spelling of the same query. */
export interface OracleView {
  readonly name: string;
  readonly freshet: string;
  readonly duckdb: string;
}

export async function freshetRows(engine: Engine, sql: string): Promise<Row[]> {
  const r = await engine.sql(sql);
  return r.rows.map((row) => row.map((v, i) => canonFreshet(v, r.fields[i]!.dataTypeID)));
}

/** Every view, read from its store and run one-shot, equals DuckDB's answer; `when` names the step. */
export async function expectViewsMatch(oracle: DuckDbOracle, engine: Engine, views: readonly OracleView[], when: string): Promise<void> {
  for (const v of views) {
    const expected = (await oracle.query(v.duckdb)).rows;
    for (const [how, sql] of [['view', `SELECT * FROM ${v.name}`], ['one-shot', v.freshet]] as const) {
      const diff = diffMultisets(expected, await freshetRows(engine, sql));
      expect(
        diff,
        `${v.name} (${how}) after ${when}:\nmissing ${diff?.missing.map(formatRow).join('\n  ')}\nunexpected ${diff?.unexpected.map(formatRow).join('\n  ')}`,
      ).toBeNull();
    }
  }
}

/** A value as an SQL literal (text quoted, quotes doubled). */
export function sqlValue(v: number | string | boolean | null): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return `'${v.replaceAll("'", "''")}'`;
  return String(v);
}

/** Runs one statement on Freshet and on the oracle. */
export async function applyToBoth(oracle: DuckDbOracle, engine: Engine, sql: string): Promise<void> {
  await engine.sql(sql);
  await oracle.exec(sql);
}

/** The same query text for both systems. */
export function sameQuery(views: Record<string, string>, prefix = ''): OracleView[] {
  return Object.entries(views).map(([name, sql]) => ({ name: `${prefix}${name}`, freshet: sql, duckdb: sql }));
}
