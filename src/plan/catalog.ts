// The catalog: the tables and materialized views that exist, their columns,
// which views depend on what, the indexes on tables and views, and the sinks.
// Metadata only; the engine owns the data. As in PostgreSQL, tables, views and
// indexes share one namespace (sinks too, as in RisingWave).

import { assert } from '../common/assert.js';
import type { NumericTypmod } from './numeric-typmod.js';
import { EngineError, SqlState } from '../common/errors.js';
import type { SqlType } from '../common/sql-type.js';
import type { QueryPlan } from './logical-plan.js';

export interface CatalogColumn {
  readonly name: string;
  readonly type: SqlType;
  readonly notNull: boolean;
  /** NUMERIC(p, s): every stored value is rounded to s digits and range-checked. */
  readonly typmod?: NumericTypmod;
}

export interface TableEntry {
  readonly kind: 'table';
  readonly name: string;
  readonly columns: readonly CatalogColumn[];
  /** Column indexes; empty when there is no primary key. */
  readonly primaryKey: readonly number[];
  /** `WATERMARK FOR ...`: the event-time column and how late rows may be (engine/event-time.ts). */
  readonly eventTime?: TableEventTime;
  /** `APPEND ONLY`: inserts only. */
  readonly appendOnly?: boolean;
  /** A table Freshet maintains (freshet_quarantine, freshet_watermarks): readable, not writable or droppable. */
  readonly system?: boolean;
  /** A system table computed when read (freshet_progress): it changes without commits, so no view may read it. */
  readonly virtual?: boolean;
}

export interface TableEventTime {
  /** Index of the event-time column. */
  readonly column: number;
  /** µs: the watermark is the largest accepted event time minus this. */
  readonly delay: number;
  /** µs: rows older than watermark - lateness are late (quarantined). */
  readonly lateness: number;
  /** µs: rows older than watermark - retention leave the table (views keep them); absent: kept for ever. */
  readonly retention?: number;
}

export interface ViewEntry {
  readonly kind: 'view';
  readonly name: string;
  readonly columns: readonly CatalogColumn[];
  /** The defining query's text, as written. */
  readonly definition: string;
  readonly plan: QueryPlan;
  /** True when CREATE OR REPLACE gave this version its predecessor's state (the same plan): what it holds goes back to when that one was created. */
  readonly tookState?: boolean;
}

export type CatalogEntry = TableEntry | ViewEntry;

export interface IndexEntry {
  readonly name: string;
  /** The table or materialized view it is on. */
  readonly relation: string;
  readonly unique: boolean;
  /** What made it: a PRIMARY KEY or UNIQUE constraint of CREATE TABLE, or CREATE INDEX. */
  readonly origin: 'primaryKey' | 'uniqueConstraint' | 'createIndex';
  /** A CREATE INDEX statement that would make it again, for SHOW INDEXES. */
  readonly definition: string;
}

/** A sink: where a relation's changes go after each commit (src/sinks/). */
export interface SinkEntry {
  readonly name: string;
  /** The view or table whose changes it carries. */
  readonly source: string;
  readonly target: { readonly kind: 'webhook'; readonly url: string } | { readonly kind: 'table'; readonly table: string };
  /** The CREATE SINK statement as written. */
  readonly definition: string;
}

export class Catalog {
  /** Insertion order is creation order, which is a topological order of views. */
  private readonly entries = new Map<string, CatalogEntry>();
  private readonly indexEntries = new Map<string, IndexEntry>();
  /** Sinks share the namespace too, as in RisingWave: `DROP SINK v` can never mean a view. */
  private readonly sinkEntries = new Map<string, SinkEntry>();

  get(name: string): CatalogEntry | undefined {
    return this.entries.get(name);
  }

  require(name: string): CatalogEntry {
    const e = this.entries.get(name);
    if (e === undefined) throw new EngineError(SqlState.undefinedTable, `relation "${name}" does not exist`);
    return e;
  }

  add(entry: CatalogEntry): void {
    this.requireFreeName(entry.name);
    this.entries.set(entry.name, entry);
  }

  /** Puts a new version of view `entry.name` in the old one's place (its creation position stays). */
  replaceView(entry: ViewEntry): void {
    assert(this.entries.get(entry.name)?.kind === 'view', `no view ${entry.name} to replace`);
    this.entries.set(entry.name, entry);
  }

  /** Removes a table or view, and the indexes on it. */
  remove(name: string): void {
    this.entries.delete(name);
    for (const index of this.indexesOn(name)) this.indexEntries.delete(index.name);
  }

  /** True when a table, view or index has this name. */
  nameTaken(name: string): boolean {
    return this.entries.has(name) || this.indexEntries.has(name) || this.sinkEntries.has(name);
  }

  /** 42P07 when a table, view or index already has this name. */
  requireFreeName(name: string): void {
    if (this.nameTaken(name)) throw new EngineError(SqlState.duplicateTable, `relation "${name}" already exists`);
  }

  addIndex(entry: IndexEntry): void {
    this.requireFreeName(entry.name);
    this.indexEntries.set(entry.name, entry);
  }

  index(name: string): IndexEntry | undefined {
    return this.indexEntries.get(name);
  }

  removeIndex(name: string): void {
    this.indexEntries.delete(name);
  }

  /** Every index, in creation order. */
  indexes(): IndexEntry[] {
    return [...this.indexEntries.values()];
  }

  indexesOn(relation: string): IndexEntry[] {
    return this.indexes().filter((i) => i.relation === relation);
  }

  addSink(entry: SinkEntry): void {
    this.requireFreeName(entry.name);
    this.sinkEntries.set(entry.name, entry);
  }

  sink(name: string): SinkEntry | undefined {
    return this.sinkEntries.get(name);
  }

  removeSink(name: string): void {
    this.sinkEntries.delete(name);
  }

  /** Every sink, in creation order. */
  sinks(): SinkEntry[] {
    return [...this.sinkEntries.values()];
  }

  /** Sinks that read one of `relations` or write into one of them: they cannot outlive them. */
  sinksOn(relations: ReadonlySet<string>): SinkEntry[] {
    return this.sinks().filter((s) => relations.has(s.source) || (s.target.kind === 'table' && relations.has(s.target.table)));
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
