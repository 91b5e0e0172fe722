// The catalog: the tables and materialized views that exist, their columns,
// and which views depend on what. Metadata only; the engine owns the data.

import { EngineError, SqlState } from '../common/errors.js';
import type { SqlType } from '../common/sql-type.js';
import type { QueryPlan } from './logical-plan.js';

export interface CatalogColumn {
  readonly name: string;
  readonly type: SqlType;
  readonly notNull: boolean;
}

export interface TableEntry {
  readonly kind: 'table';
  readonly name: string;
  readonly columns: readonly CatalogColumn[];
  /** Column indexes; empty when there is no primary key. */
  readonly primaryKey: readonly number[];
}

export interface ViewEntry {
  readonly kind: 'view';
  readonly name: string;
  readonly columns: readonly CatalogColumn[];
  /** The defining query's text, as written. */
  readonly definition: string;
  readonly plan: QueryPlan;
}

export type CatalogEntry = TableEntry | ViewEntry;

export class Catalog {
  /** Insertion order is creation order, which is a topological order of views. */
  private readonly entries = new Map<string, CatalogEntry>();

  get(name: string): CatalogEntry | undefined {
    return this.entries.get(name);
  }

  require(name: string): CatalogEntry {
    const e = this.entries.get(name);
    if (e === undefined) throw new EngineError(SqlState.undefinedTable, `relation "${name}" does not exist`);
    return e;
  }

  add(entry: CatalogEntry): void {
    if (this.entries.has(entry.name)) {
      throw new EngineError(SqlState.duplicateTable, `relation "${entry.name}" already exists`);
    }
    this.entries.set(entry.name, entry);
  }

  remove(name: string): void {
    this.entries.delete(name);
  }

  tables(): TableEntry[] {
    return [...this.entries.values()].filter((e): e is TableEntry => e.kind === 'table');
  }

  /** Views in creation (= dependency) order. */
  views(): ViewEntry[] {
    return [...this.entries.values()].filter((e): e is ViewEntry => e.kind === 'view');
  }

  /** Views that read `name` directly. */
  directDependents(name: string): ViewEntry[] {
    return this.views().filter((v) => v.plan.dependsOn.includes(name));
  }

  /** Every view that reads `name`, directly or through other views, dependents after their inputs. */
  allDependents(name: string): ViewEntry[] {
    const found = new Set<string>([name]);
    const out: ViewEntry[] = [];
    for (const v of this.views()) {
      if (v.plan.dependsOn.some((d) => found.has(d))) {
        found.add(v.name);
        out.push(v);
      }
    }
    return out;
  }
}
