// Shared by the engine-level differential tests: a view's contents, stored and
// recomputed one-shot by Freshet, compared as multisets with DuckDB computing
// the same query from scratch.

import { expect } from 'vitest';
import type { Engine } from '../../src/engine.js';
import type { DuckDbOracle } from '../differential/duckdb-oracle.js';
import type { Row } from '../differential/comparator.js';
import { canonFreshet, diffMultisets, formatRow } from '../differential/comparator.js';
import type { SeededRandom } from '../seeded-random.js';

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

/**
 * Throws (naming `context`, the view and the first differing rows) unless
 * each view's stored rows equal DuckDB's rows of a DuckDB view of the same
 * name and query.
 */
export async function expectStoredViewsMatch(engine: Engine, duck: DuckDbOracle, names: readonly string[], context: string): Promise<void> {
  for (const name of names) {
    const expected = (await duck.query(`SELECT * FROM ${name}`)).rows;
    const actual = await freshetRows(engine, `SELECT * FROM ${name}`);
    const diff = diffMultisets(expected, actual);
    if (diff !== null) {
      throw new Error(
        `${context}: ${name} differs from DuckDB (${expected.length} rows expected, ${actual.length} returned)\n` +
          `missing: ${diff.missing.slice(0, 5).map(formatRow).join(' | ')}\nunexpected: ${diff.unexpected.slice(0, 5).map(formatRow).join(' | ')}`,
      );
    }
  }
}

/**
 * A random INSERT of `n` rows into `table`: keys in [0, maxKey], 5% NULL (so
 * rows of two tables match, and some never do), about 10% repeats of an
 * earlier row of the statement; `row` spells a row from its id and key.
 */
export function randomInsert(rng: SeededRandom, table: string, nextId: () => number, n: number, maxKey: number, row: (id: number, k: string) => string): string {
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    if (rng.chance(0.1) && rows.length > 0) {
      rows.push(rows[rng.int(0, rows.length - 1)]!);
      continue;
    }
    rows.push(row(nextId(), rng.chance(0.05) ? 'NULL' : String(rng.int(0, maxKey))));
  }
  return `INSERT INTO ${table} VALUES ${rows.join(', ')}`;
}
