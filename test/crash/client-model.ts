// The crash test's model of what one client's statements do, written from
// PostgreSQL semantics and independent of Freshet: the rows a client owns
// (accounts and events whose ids fall in its id range), the statements it
// sends, how each changes those rows or fails as a whole (a failing statement
// changes nothing; in a request, the statements before it stay committed and
// the ones after it never run), and how a statement is spelled in SQL.

export type AccountRow = readonly [id: number, grp: string | null, qty: number | null, note: string | null];
export type EventRow = readonly [eid: number, acct: number | null, amount: number | null, tag: string | null];

/** The rows one client owns; a client's statements touch nothing else. */
export interface OwnedRows {
  readonly accounts: Map<number, AccountRow>;
  readonly events: Map<number, EventRow>;
}

/** Which of the client's accounts an UPDATE or DELETE matches (always inside its own id range). */
export type Selection =
  | { readonly kind: 'range'; readonly lo: number; readonly hi: number }
  | { readonly kind: 'list'; readonly ids: readonly number[] };

export type Statement =
  | { readonly kind: 'insertAccounts'; readonly rows: readonly AccountRow[] }
  | { readonly kind: 'insertEvents'; readonly rows: readonly EventRow[]; readonly poisoned: boolean }
  | { readonly kind: 'addQty'; readonly where: Selection; readonly delta: number }
  | { readonly kind: 'setGroup'; readonly where: Selection; readonly grp: string | null }
  | { readonly kind: 'divideByZero'; readonly where: Selection }
  | { readonly kind: 'delete'; readonly where: Selection }
  | { readonly kind: 'missingTable' };

const INT4_MIN = -(2 ** 31);
const INT4_MAX = 2 ** 31 - 1;

export function cloneRows(rows: OwnedRows): OwnedRows {
  return { accounts: new Map(rows.accounts), events: new Map(rows.events) };
}

function matches(where: Selection, id: number): boolean {
  return where.kind === 'range' ? id >= where.lo && id <= where.hi : where.ids.includes(id);
}

function matchedIds(rows: OwnedRows, where: Selection): number[] {
  const out: number[] = [];
  for (const id of rows.accounts.keys()) if (matches(where, id)) out.push(id);
  return out;
}

/** Applies one statement to `rows` in place; false (and `rows` untouched) when the statement fails. */
export function applyStatement(rows: OwnedRows, stmt: Statement): boolean {
  switch (stmt.kind) {
    case 'insertAccounts':
      // PRIMARY KEY: an existing id is replaced (an upsert), as the README documents.
      for (const row of stmt.rows) rows.accounts.set(row[0], row);
      return true;
    case 'insertEvents':
      if (stmt.poisoned) return false;
      for (const row of stmt.rows) rows.events.set(row[0], row);
      return true;
    case 'addQty': {
      const updated: AccountRow[] = [];
      for (const id of matchedIds(rows, stmt.where)) {
        const [, grp, qty, note] = rows.accounts.get(id)!;
        const next = qty === null ? null : qty + stmt.delta;
        if (next !== null && (next < INT4_MIN || next > INT4_MAX)) return false;
        updated.push([id, grp, next, note]);
      }
      for (const row of updated) rows.accounts.set(row[0], row);
      return true;
    }
    case 'setGroup':
      for (const id of matchedIds(rows, stmt.where)) {
        const [, , qty, note] = rows.accounts.get(id)!;
        rows.accounts.set(id, [id, stmt.grp, qty, note]);
      }
      return true;
    case 'divideByZero':
      // qty / (qty - qty): NULL for a NULL qty, division by zero for any other.
      return matchedIds(rows, stmt.where).every((id) => rows.accounts.get(id)![2] === null);
    case 'delete':
      for (const id of matchedIds(rows, stmt.where)) rows.accounts.delete(id);
      return true;
    case 'missingTable':
      return false;
  }
}

/** Applies statements in order until one fails; returns how many were applied (statements.length when all were). */
export function applyRequest(rows: OwnedRows, statements: readonly Statement[]): number {
  for (let i = 0; i < statements.length; i++) {
    if (!applyStatement(rows, statements[i]!)) return i;
  }
  return statements.length;
}

/** Spells values either inline or as `$n` parameters of the request (shared by all its statements). */
export class SqlWriter {
  readonly params: unknown[] = [];

  constructor(private readonly paramShare: number, private readonly coin: () => number) {}

  value(v: number | string | null): string {
    if (v === null) return 'NULL';
    if (this.coin() < this.paramShare) {
      this.params.push(v);
      return `$${this.params.length}`;
    }
    return typeof v === 'number' ? String(v) : `'${v.replaceAll("'", "''")}'`;
  }

  where(sel: Selection): string {
    return sel.kind === 'range'
      ? `id BETWEEN ${this.value(sel.lo)} AND ${this.value(sel.hi)}`
      : `id IN (${sel.ids.map((id) => this.value(id)).join(', ')})`;
  }

  statement(stmt: Statement): string {
    switch (stmt.kind) {
      case 'insertAccounts':
        return `INSERT INTO accounts VALUES ${stmt.rows.map((r) => `(${r.map((v) => this.value(v)).join(', ')})`).join(', ')}`;
      case 'insertEvents': {
        // A poisoned insert's last row divides by zero: the whole statement must fail.
        const rows = stmt.rows.map((r, i) => {
          const cells = r.map((v) => this.value(v));
          if (stmt.poisoned && i === stmt.rows.length - 1) cells[2] = '1 / 0';
          return `(${cells.join(', ')})`;
        });
        return `INSERT INTO events VALUES ${rows.join(', ')}`;
      }
      case 'addQty':
        return `UPDATE accounts SET qty = qty + ${this.value(stmt.delta)} WHERE ${this.where(stmt.where)}`;
      case 'setGroup':
        return `UPDATE accounts SET grp = ${this.value(stmt.grp)} WHERE ${this.where(stmt.where)}`;
      case 'divideByZero':
        return `UPDATE accounts SET qty = qty / (qty - qty) WHERE ${this.where(stmt.where)}`;
      case 'delete':
        return `DELETE FROM accounts WHERE ${this.where(stmt.where)}`;
      case 'missingTable':
        return 'INSERT INTO crash_no_such_table VALUES (1)';
    }
  }
}
