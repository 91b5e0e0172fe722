// A stand-in system under test backed by a second DuckDB, used to test the
// harness itself (generators, runner, shrinker) independently of Freshet: it
// must agree with the oracle on every generated case. It translates the two
// dialect differences the harness relies on: materialized views and upserts.

import { DuckDBInstance } from '@duckdb/node-api';
import type { SystemUnderTest } from './case-runner.js';

const oidByDuckType: readonly (readonly [RegExp, number])[] = [
  [/^BOOLEAN/, 16],
  [/^INTEGER|^SMALLINT|^TINYINT/, 23],
  [/^BIGINT/, 20],
  [/^HUGEINT|^DECIMAL/, 1700],
  [/^DOUBLE|^FLOAT/, 701],
  [/^TIMESTAMP/, 1114],
  [/^DATE/, 1082],
];

function oidOf(duckType: string): number {
  for (const [re, oid] of oidByDuckType) if (re.test(duckType)) return oid;
  return 25;
}

/**
 * @param corrupt optional hook that alters each SELECT's rows, to check that the
 *   harness notices a wrong answer.
 */
export async function openDuckDbSut(
  corrupt?: (rows: unknown[][]) => unknown[][],
): Promise<SystemUnderTest> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  await conn.run('SET integer_division = true');
  await conn.run("SET disabled_optimizers = 'expression_rewriter'"); // see duckdb-oracle.ts
  const keyed = new Set<string>();
  return {
    async sql(text: string) {
      let last: { fields: { name: string; dataTypeID: number }[]; rows: unknown[][] } = { fields: [], rows: [] };
      for (const stmt of text.split(';\n')) {
        const create = /^CREATE TABLE (\w+) .*PRIMARY KEY/.exec(stmt);
        if (create?.[1] !== undefined) keyed.add(create[1]);
        let sql = stmt.replace(/^CREATE MATERIALIZED VIEW/, 'CREATE VIEW');
        const insert = /^INSERT INTO (\w+)/.exec(sql);
        if (insert?.[1] !== undefined && keyed.has(insert[1])) sql = sql.replace(/^INSERT INTO/, 'INSERT OR REPLACE INTO');
        const reader = await conn.runAndReadAll(sql);
        const types = reader.columnTypes().map((t) => t.toString());
        let rows = reader.getRowsJson() as unknown[][];
        if (corrupt !== undefined && sql.startsWith('SELECT')) rows = corrupt(rows);
        last = { fields: reader.columnNames().map((name, i) => ({ name, dataTypeID: oidOf(types[i] ?? '') })), rows };
      }
      return last;
    },
    async close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}
