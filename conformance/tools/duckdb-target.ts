// An oracle: DuckDB behind the runner's SqlTarget interface, for cross-checking the
// expected results in conformance/slt against an engine written independently of Freshet.
// Freshet's dialect is translated where DuckDB spells it differently (materialized views
// become plain views, which DuckDB recomputes on read: exactly the answer a view must give;
// PRIMARY KEY inserts become INSERT OR REPLACE). DuckDB is set to PostgreSQL's integer
// division and NULL ordering; its errors carry no SQLSTATE, so only "an error happened" counts.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { QueryResult, ResultField, ResultValue } from '../../src/query-result.js';
import type { SqlTarget } from '../slt-runner.js';

const pgTypeOf: Readonly<Record<string, readonly [string, number]>> = {
  BOOLEAN: ['bool', 16],
  INTEGER: ['int4', 23],
  SMALLINT: ['int4', 23],
  BIGINT: ['int8', 20],
  HUGEINT: ['int8', 20],
  DOUBLE: ['float8', 701],
  FLOAT: ['float8', 701],
  DECIMAL: ['float8', 701],
  VARCHAR: ['text', 25],
  TIMESTAMP: ['timestamp', 1114],
  DATE: ['date', 1082],
};

/** Splits on semicolons outside quotes; enough for the project's own test files. */
function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | undefined;
  for (const ch of sql) {
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === ';') {
      if (cur.trim() !== '') out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur.trim() !== '') out.push(cur);
  return out;
}

export class DuckDbTarget implements SqlTarget {
  private connection: Promise<DuckDBConnection> | undefined;
  private readonly keyedTables = new Set<string>();

  private connect(): Promise<DuckDBConnection> {
    this.connection ??= (async () => {
      const instance = await DuckDBInstance.create(':memory:');
      const c = await instance.connect();
      await c.run('SET integer_division = true');
      await c.run("SET default_null_order = 'nulls_last_on_asc_first_on_desc'");
      return c;
    })();
    return this.connection;
  }

  private translate(stmt: string): string {
    let s = stmt.trim();
    const create = /^create\s+table\s+(\w+)/i.exec(s);
    if (create?.[1] !== undefined && /primary\s+key/i.test(s)) this.keyedTables.add(create[1].toLowerCase());
    const insert = /^insert\s+into\s+(\w+)/i.exec(s);
    if (insert?.[1] !== undefined && this.keyedTables.has(insert[1].toLowerCase())) s = s.replace(/^insert\s+into/i, 'INSERT OR REPLACE INTO');
    s = s.replace(/^create\s+materialized\s+view/i, 'CREATE VIEW').replace(/^drop\s+materialized\s+view/i, 'DROP VIEW');
    if (/^show\s+tables$/i.test(s)) s = "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'";
    if (/^show\s+(materialized\s+)?views$/i.test(s)) s = "SELECT table_name FROM information_schema.tables WHERE table_type = 'VIEW'";
    return s;
  }

  async sqlAll(sql: string): Promise<QueryResult[]> {
    const c = await this.connect();
    const results: QueryResult[] = [];
    for (const stmt of splitStatements(sql)) {
      let reader;
      try {
        reader = await c.runAndReadAll(this.translate(stmt));
      } catch (e) {
        throw Object.assign(new Error(e instanceof Error ? e.message : String(e)), { code: 'duckdb' });
      }
      const types = reader.columnTypes().map((t) => String(t.toString()).replace(/\(.*$/, ''));
      const fields: ResultField[] = reader.columnNames().map((name, j) => {
        const [type, dataTypeID] = pgTypeOf[types[j] ?? ''] ?? ['text', 25];
        return { name, type, dataTypeID };
      });
      const rows = reader.getRows().map((row) =>
        row.map((v, j): ResultValue => {
          if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
          if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
          if (typeof v === 'bigint') return Number(v);
          const text = String(v);
          return types[j] === 'DECIMAL' ? Number(text) : text;
        }),
      );
      const isRead = /^(select|show|with|values)\b/i.test(stmt.trim());
      results.push({ command: isRead ? 'SELECT' : 'OTHER', rowCount: isRead ? rows.length : Number(reader.rowsChanged), fields, rows });
    }
    return results;
  }

  async close(): Promise<void> {
    (await this.connection)?.closeSync();
  }
}
