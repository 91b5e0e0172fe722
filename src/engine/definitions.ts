// The DDL that recreates the catalog: for every table, view, index and sink
// that exists now, the logged statement that created it, in creation order.
// A checkpoint stores this list instead of the whole DDL history, so dropped
// objects cost nothing; recovery runs it (tables first) before loading rows.

import type { Catalog } from '../plan/catalog.js';
import type { Statement } from '../sql/ast.js';
import type { WalRecord } from '../storage/wal-record.js';

export type StatementRecord = Extract<WalRecord, { kind: 'statement' }>;

export interface Definition {
  /** The object's name: tables, views, indexes and sinks share one namespace. */
  readonly name: string;
  readonly kind: 'table' | 'other';
  readonly record: StatementRecord;
  /**
   * For a view whose state goes back before its record (CREATE OR REPLACE
   * that took the old version's state): the LSN of the statement that
   * started that state. A rebuild must then count the rows retention removed
   * since this LSN, not since the record's.
   */
  readonly stateSince?: number;
}

/** The LSN since which a definition's view holds state (what a rebuild of it must see). */
export function stateSince(d: Definition): number {
  return d.stateSince ?? d.record.lsn;
}

export class Definitions {
  private list: Definition[] = [];

  /** Current definitions, in creation order. */
  all(): readonly Definition[] {
    return this.list;
  }

  /** Replaces the list (recovery from a checkpoint). */
  reset(list: readonly Definition[]): void {
    this.list = [...list];
  }

  /** The names of indexes before a statement runs: an unnamed CREATE INDEX is known by the one it adds. */
  static indexNames(catalog: Catalog): Set<string> {
    return new Set(catalog.indexes().map((i) => i.name));
  }

  /**
   * Updates the list after DDL statement `stmt` succeeded: a CREATE adds
   * its object (unless IF NOT EXISTS found one), any statement may have
   * dropped objects (CASCADE too), so entries whose object is gone leave.
   */
  afterStatement(stmt: Statement, record: StatementRecord, catalog: Catalog, indexesBefore: ReadonlySet<string>): void {
    const created = createdName(stmt, catalog, indexesBefore);
    const at = this.list.findIndex((d) => d.name === created);
    if (created !== null && at < 0) this.list.push({ name: created, kind: stmt.kind === 'createTable' ? 'table' : 'other', record });
    // A replaced view keeps its place (what it reads is older, what reads it newer).
    if (at >= 0 && stmt.kind === 'createView' && stmt.orReplace) {
      const entry = catalog.get(created!);
      const since = entry?.kind === 'view' && entry.tookState === true ? { stateSince: stateSince(this.list[at]!) } : {};
      this.list[at] = { name: created!, kind: 'other', record, ...since };
    }
    this.list = this.list.filter((d) => catalog.nameTaken(d.name));
  }
}

function createdName(stmt: Statement, catalog: Catalog, indexesBefore: ReadonlySet<string>): string | null {
  switch (stmt.kind) {
    case 'createTable':
    case 'createView':
    case 'createSink':
      return stmt.name;
    case 'createIndex':
      return stmt.name ?? catalog.indexes().find((i) => !indexesBefore.has(i.name))?.name ?? null;
    default:
      return null;
  }
}
