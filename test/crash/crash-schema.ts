// The crash test's schema: a keyed table, an append-only table without a key,
// and views over them. Each view's query is written once in SQL that Freshet
// and DuckDB read alike, so the oracle recomputes exactly the view's definition.

/** accounts: one row per id (a PRIMARY KEY: INSERT of an existing id replaces the row). */
export const ACCOUNTS_DDL = 'CREATE TABLE accounts (id INT PRIMARY KEY, grp TEXT, qty INT, note TEXT)';
/** events: insert-only, duplicates allowed by the table (the test's ids are unique by construction). */
export const EVENTS_DDL = 'CREATE TABLE events (eid INT NOT NULL, acct INT, amount INT, tag TEXT) APPEND ONLY';

export const DUCKDB_TABLES = [
  'CREATE OR REPLACE TABLE accounts (id INTEGER, grp VARCHAR, qty INTEGER, note VARCHAR)',
  'CREATE OR REPLACE TABLE events (eid INTEGER, acct INTEGER, amount INTEGER, tag VARCHAR)',
] as const;

export interface CrashView {
  readonly name: string;
  readonly query: string;
}

export const CRASH_VIEWS: readonly CrashView[] = [
  // Invertible aggregates over a table with updates, deletes and a NULL group.
  { name: 'crash_by_grp', query: 'SELECT grp, count(*) AS n, sum(qty) AS total, count(qty) AS n_qty FROM accounts GROUP BY grp' },
  // MIN/MAX: a deleted or updated extreme must fall back to the next value.
  { name: 'crash_minmax', query: 'SELECT grp, min(qty) AS lo, max(qty) AS hi FROM accounts GROUP BY grp' },
  // Row-level inner join of the two tables (retracted when an account changes or goes).
  { name: 'crash_join', query: 'SELECT e.eid, e.amount, e.tag, a.id, a.grp, a.qty FROM events e JOIN accounts a ON e.acct = a.id' },
  { name: 'crash_join_agg', query: 'SELECT a.grp, e.tag, count(*) AS n, sum(e.amount) AS amount FROM events e JOIN accounts a ON e.acct = a.id GROUP BY a.grp, e.tag' },
  // Outer join with counts: an account without events must show 0, not vanish.
  { name: 'crash_left', query: 'SELECT a.id, a.grp, count(e.eid) AS n_events FROM accounts a LEFT JOIN events e ON e.acct = a.id GROUP BY a.id, a.grp' },
  { name: 'crash_distinct', query: 'SELECT DISTINCT tag, acct % 7 AS bucket FROM events' },
  { name: 'crash_tag_stats', query: 'SELECT tag, count(*) AS n, sum(amount) AS total, min(amount) AS lo, max(amount) AS hi FROM events GROUP BY tag' },
];

/** The one request that creates everything (before the first kill). */
export function schemaRequest(): string {
  return [ACCOUNTS_DDL, EVENTS_DDL, ...CRASH_VIEWS.map((v) => `CREATE MATERIALIZED VIEW ${v.name} AS ${v.query}`)].join(';\n');
}
