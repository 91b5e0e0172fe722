// The checks after each restart. Tables: every id appears at most once, every
// row belongs to some client's id range, and each client's rows equal its
// known rows after some prefix of the request a kill cut off (so every
// acknowledged change is there, exactly once, and nothing unsent is). Views:
// each equals DuckDB's recompute of its query over the recovered tables, read
// back with SELECT * in the same request as the views (one snapshot).

import { canonFreshet, diffMultisets, formatRow } from '../differential/comparator.js';
import type { Row } from '../differential/comparator.js';
import type { DuckDbOracle } from '../differential/duckdb-oracle.js';
import type { AccountRow, EventRow, OwnedRows } from './client-model.js';
import type { CrashClient } from './crash-client.js';
import { CRASH_VIEWS, DUCKDB_TABLES } from './crash-schema.js';

export interface VerifyResult {
  readonly problems: string[];
  readonly tableRows: number;
  readonly viewRows: number;
  /** Unknown requests (cut off by the kill) whose first statement or more was recovered. */
  readonly unknownApplied: number;
  readonly unknownTotal: number;
}

interface PgResult {
  readonly fields: readonly { readonly name: string; readonly dataTypeID: number }[];
  readonly rows: readonly (readonly unknown[])[];
}

const SHOW = 5;
const INSERT_CHUNK = 500;

export async function verifyRecovery(url: string, clients: readonly CrashClient[], oracle: DuckDbOracle): Promise<VerifyResult> {
  const query = ['SELECT * FROM accounts', 'SELECT * FROM events', ...CRASH_VIEWS.map((v) => `SELECT * FROM ${v.name}`)].join('; ');
  const response = await fetch(`${url}/v1/sql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
    signal: AbortSignal.timeout(60_000),
  });
  const body = (await response.json()) as { results?: PgResult[] };
  if (response.status !== 200 || body.results === undefined) {
    return { problems: [`reading back tables and views failed: HTTP ${response.status} ${JSON.stringify(body)}`], tableRows: 0, viewRows: 0, unknownApplied: 0, unknownTotal: 0 };
  }
  const [accountsResult, eventsResult, ...viewResults] = body.results;
  const accounts = accountsResult!.rows as AccountRow[];
  const events = eventsResult!.rows as EventRow[];
  const problems: string[] = [];
  const { unknownApplied, unknownTotal } = checkTables(accounts, events, clients, problems);
  let viewRows = 0;
  await loadTables(oracle, accounts, events);
  for (let i = 0; i < CRASH_VIEWS.length; i++) {
    const view = CRASH_VIEWS[i]!;
    const result = viewResults[i]!;
    const actual: Row[] = result.rows.map((r) => r.map((v, j) => canonFreshet(v, result.fields[j]!.dataTypeID)));
    viewRows += actual.length;
    const expected = (await oracle.query(view.query)).rows;
    const diff = diffMultisets(expected, actual);
    if (diff !== null) {
      problems.push(
        `view ${view.name} differs from DuckDB's recompute over the recovered tables (${expected.length} rows expected, ${actual.length} found):` +
          `\n  missing: ${diff.missing.slice(0, 10).map(formatRow).join(' | ')}` +
          `\n  unexpected: ${diff.unexpected.slice(0, 10).map(formatRow).join(' | ')}`,
      );
    }
  }
  return { problems, tableRows: accounts.length + events.length, viewRows, unknownApplied, unknownTotal };
}

function checkTables(accounts: readonly AccountRow[], events: readonly EventRow[], clients: readonly CrashClient[], problems: string[]): { unknownApplied: number; unknownTotal: number } {
  const owned = clients.map((): OwnedRows => ({ accounts: new Map(), events: new Map() }));
  const place = <R extends AccountRow | EventRow>(table: 'accounts' | 'events', row: R): void => {
    const id = row[0];
    const owner = clients.find((c) => c.owns(id));
    if (owner === undefined) {
      problems.push(`${table}: row ${JSON.stringify(row)} has an id no client ever sent`);
      return;
    }
    const map = owned[owner.index]![table] as Map<number, R>;
    if (map.has(id)) problems.push(`${table}: id ${id} is present more than once: ${JSON.stringify(map.get(id))} and ${JSON.stringify(row)}`);
    else map.set(id, row);
  };
  for (const row of accounts) place('accounts', row);
  for (const row of events) place('events', row);
  let unknownApplied = 0;
  let unknownTotal = 0;
  for (const client of clients) {
    const actual = owned[client.index]!;
    const unknown = client.unknown;
    if (unknown !== null) unknownTotal++;
    let matched: OwnedRows | null = null;
    let first: OwnedRows | null = null;
    let last: OwnedRows | null = null;
    for (const { rows, prefix } of client.candidates()) {
      if (prefix === 0) first = cloneOf(rows);
      last = rows;
      if (sameRows(rows, actual)) {
        matched = rows;
        if (prefix > 0) unknownApplied++;
        break;
      }
    }
    if (matched !== null) {
      client.resolve(matched);
      continue;
    }
    const cut = unknown === null ? 'no request was cut off'
      : `the cut-off request (${unknown.applies} of ${unknown.statements.length} statements would commit) was ${JSON.stringify({ query: unknown.query, params: unknown.params })}`;
    problems.push(
      `client ${client.index}: the recovered rows match neither the acknowledged state nor any prefix of the cut-off request; ${cut}` +
        `\n  vs acknowledged state: ${describeDiff(first!, actual)}` +
        (unknown !== null && unknown.applies > 0 ? `\n  vs all of the cut-off request: ${describeDiff(last!, actual)}` : ''),
    );
  }
  return { unknownApplied, unknownTotal };
}

function cloneOf(rows: OwnedRows): OwnedRows {
  return { accounts: new Map(rows.accounts), events: new Map(rows.events) };
}

function sameRow(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function sameRows(expected: OwnedRows, actual: OwnedRows): boolean {
  for (const table of ['accounts', 'events'] as const) {
    const e = expected[table] as Map<number, readonly unknown[]>;
    const a = actual[table] as Map<number, readonly unknown[]>;
    if (e.size !== a.size) return false;
    for (const [id, row] of e) {
      const other = a.get(id);
      if (other === undefined || !sameRow(row, other)) return false;
    }
  }
  return true;
}

function describeDiff(expected: OwnedRows, actual: OwnedRows): string {
  const parts: string[] = [];
  for (const table of ['accounts', 'events'] as const) {
    const e = expected[table] as Map<number, readonly unknown[]>;
    const a = actual[table] as Map<number, readonly unknown[]>;
    const missing = [...e.keys()].filter((id) => !a.has(id));
    const extra = [...a.keys()].filter((id) => !e.has(id));
    const changed = [...e.keys()].filter((id) => a.has(id) && !sameRow(e.get(id)!, a.get(id)!));
    if (missing.length > 0) parts.push(`${table} missing ${missing.length}: ${missing.slice(0, SHOW).map((id) => JSON.stringify(e.get(id))).join(' ')}`);
    if (extra.length > 0) parts.push(`${table} unexpected ${extra.length}: ${extra.slice(0, SHOW).map((id) => JSON.stringify(a.get(id))).join(' ')}`);
    if (changed.length > 0) {
      parts.push(`${table} changed ${changed.length}: ${changed.slice(0, SHOW).map((id) => `${JSON.stringify(a.get(id))} instead of ${JSON.stringify(e.get(id))}`).join(' ')}`);
    }
  }
  return parts.length === 0 ? 'equal' : parts.join('; ');
}

function literal(v: unknown): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number') return String(v);
  return `'${String(v).replaceAll("'", "''")}'`;
}

async function loadTables(oracle: DuckDbOracle, accounts: readonly AccountRow[], events: readonly EventRow[]): Promise<void> {
  for (const ddl of DUCKDB_TABLES) await oracle.exec(ddl);
  for (const [table, rows] of [['accounts', accounts], ['events', events]] as const) {
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const values = rows.slice(i, i + INSERT_CHUNK).map((r) => `(${r.map(literal).join(', ')})`);
      await oracle.exec(`INSERT INTO ${table} VALUES ${values.join(', ')}`);
    }
  }
}
