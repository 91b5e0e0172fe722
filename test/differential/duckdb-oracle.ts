// The oracle: a fresh in-memory DuckDB per case, set up for PostgreSQL's
// semantics where a setting exists (integer_division: `/` on integers
// truncates). It computes every view from scratch: views are plain DuckDB
// views, so each read re-runs the defining SELECT over its own copy of the tables.

import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { canonDuckDb, type Row } from './comparator.js';

export interface OracleResult {
  readonly columns: readonly string[];
  readonly types: readonly string[];
  readonly rows: readonly Row[];
}

export class DuckDbOracle {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
  ) {}

  static async open(): Promise<DuckDbOracle> {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    // PostgreSQL divides integers by truncation; DuckDB's default `/` is float division.
    await conn.run('SET integer_division = true');
    // DuckDB 1.5.6's expression rewriter folds `date_trunc(p, x) = c` (and <>) to a
    // constant when c is not on a p boundary, even for a NULL x (found by
    // pg-crosscheck: NULL <> c came out true). The oracle trades that optimization for
    // correctness; the rewriter only simplifies expressions, it adds no semantics.
    await conn.run("SET disabled_optimizers = 'expression_rewriter'");
    // PostgreSQL sorts NULLs as larger than every value: last ascending, first descending.
    await conn.run("SET default_null_order = 'nulls_last_on_asc_first_on_desc'");
    return new DuckDbOracle(instance, conn);
  }

  async exec(sql: string): Promise<void> {
    await this.conn.run(sql);
  }

  async query(sql: string): Promise<OracleResult> {
    const reader = await this.conn.runAndReadAll(sql);
    const columns = reader.columnNames();
    const types = reader.columnTypes().map((t) => t.toString());
    const rows = reader.getRowsJson().map((r) => r.map((v, i) => canonDuckDb(v, types[i] ?? '')));
    return { columns, types, rows };
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}
