// The Engine: Freshet's public entry point. It wires the layers — parse
// (sql/), bind and plan (plan/), lower to operators (engine/), commit through
// the scheduler (dataflow/) — and owns the catalog, the table stores and the
// view dataflows. Every statement runs to completion synchronously, so a
// commit is atomic with respect to every reader; the async API leaves room
// for durable commits (WAL fsync) later.

import { returningResult } from './engine/returning.js';
import { circuitState } from './dataflow/circuit.js';
import { EventTime, QUARANTINE_TABLE, SYSTEM_TABLES, WATERMARKS_TABLE, checkAppendOnly } from './engine/event-time.js';
import type { Table as ArrowTable } from 'apache-arrow';
import { assert } from './common/assert.js';
import { EngineError, SqlState } from './common/errors.js';
import type { ZBatch } from './columnar/z-batch.js';
import { negateBatch } from './columnar/z-batch.js';
import { Scheduler } from './dataflow/scheduler.js';
import { msToMicros, withStatementTime } from './expr/functions/now-functions.js';
import { deleteDelta, insertDelta, updateDelta, widenToTable } from './engine/dml.js';
import { explainStatement } from './engine/explain.js';
import { createTable, createView, dropRelations, showRelations } from './engine/relation-ddl.js';
import type { RelationDdlContext } from './engine/relation-ddl.js';
import { createIndex, dropIndex, showIndexes } from './engine/index-ddl.js';
import { commandResult, rowsResult } from './engine/format-result.js';
import { arrowToColumns, objectsToColumns } from './engine/ingest-values.js';
import { runOneShot } from './engine/one-shot.js';
import { bindQuery } from './plan/bind-query.js';
import { Catalog } from './plan/catalog.js';
import type { TableEntry } from './plan/catalog.js';
import type { QueryResult } from './query-result.js';
import type { Statement } from './sql/ast.js';
import { parseSql } from './sql/parse-sql.js';
import { TableStore } from './storage/table-store.js';
import { consolidateBatch } from './columnar/consolidate.js';
import { DEAD_LETTER_COLUMNS, DEAD_LETTER_TABLE, deadLetterBatch } from './sinks/dead-letter-table.js';
import { createSink, dropSink, fitToTable, showSinks } from './sinks/sink-ddl.js';
import { SinkManager } from './sinks/sink-manager.js';
import type { SinkControl } from './sinks/sink-manager.js';
import { tableSinkDelta } from './sinks/table-sink-delta.js';

/**
 * Parsing, binding and compiling recurse over the expression tree, so an
 * absurdly deep or long expression can exhaust the stack. That is the user's
 * input, not a bug: report it as PostgreSQL does (54001), not as an internal
 * error. A failing statement changes nothing: a commit in flight is rolled back.
 */
function tooComplexGuard<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof RangeError && /call stack/i.test(err.message)) {
      throw new EngineError(SqlState.statementTooComplex, 'statement too complex: its expressions nest or chain too deeply; split it or use IN (...) lists');
    }
    throw err;
  }
}

export interface EngineOptions {
  /** Milliseconds since the epoch; injectable for deterministic tests. */
  readonly clock?: () => number;
}

export class Engine {
  private readonly catalog = new Catalog();
  private readonly tables = new Map<string, TableStore>();
  private readonly scheduler = new Scheduler((r) => this.snapshot(r));
  readonly clock: () => number;
  /** Watermarks, allowed lateness and late rows of tables with event time. */
  private readonly eventTime = new EventTime();
  /** CREATE SINK: where each commit's changes go next (src/sinks/). */
  private readonly sinkManager = new SinkManager({
    applyToTable: (_sink, table, changes) => this.applySinkChanges(table, changes),
    recordDeadLetters: (letters) => {
      const store = this.tables.get(DEAD_LETTER_TABLE)!;
      this.commitChanges([[DEAD_LETTER_TABLE, store.insertDelta(deadLetterBatch(letters))]]);
    },
    now: () => this.clock(),
  });
  /** Sink delivery: `await engine.sinks.flush('s')` waits until sink s has delivered (or dead-lettered) what it had queued. */
  readonly sinks: SinkControl = this.sinkManager;

  constructor(options: EngineOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.catalog.add({ kind: 'table', name: DEAD_LETTER_TABLE, columns: DEAD_LETTER_COLUMNS, primaryKey: [], system: true });
    this.tables.set(DEAD_LETTER_TABLE, new TableStore(DEAD_LETTER_COLUMNS, []));
    for (const t of SYSTEM_TABLES) {
      const entry: TableEntry = { kind: 'table', name: t.name, columns: t.columns, primaryKey: t.primaryKey, system: true };
      this.catalog.add(entry);
      this.tables.set(t.name, new TableStore(t.columns, t.primaryKey));
    }
  }

  /** What CREATE/DROP/SHOW/EXPLAIN of tables and views use (engine/relation-ddl.ts). */
  private readonly ddl: RelationDdlContext = {
    catalog: this.catalog,
    tables: this.tables,
    scheduler: this.scheduler,
    eventTime: this.eventTime,
    commitChanges: (changes) => this.commitChanges(changes),
    snapshot: (r) => this.snapshot(r),
    statementTime: () => this.statementMicros ?? this.clockMicros(),
    sinkContext: () => this.sinkContext(),
  };

  /** now() of the running statement (µs); null between statements. */
  private statementMicros: number | null = null;

  /** The clock in µs, never behind the last commit's time (a clock that steps back does not undo time). */
  private clockMicros(): number {
    return Math.max(this.scheduler.time, msToMicros(this.clock()));
  }

  /**
   * Advances time: one commit (one LSN, all or nothing) in which every view
   * with a temporal filter (a condition on now()) inserts and retracts the
   * rows whose visibility changed up to the clock's time, or `nowMs` when
   * given (tests). Views over those views follow in the same commit. When no
   * row changes, nothing commits (no LSN is used). The server calls it on a
   * timer (freshet serve --tick-ms).
   */
  async tick(nowMs?: number): Promise<void> {
    const now = nowMs === undefined ? this.clockMicros() : Math.max(this.scheduler.time, msToMicros(nowMs));
    if (!this.scheduler.dueAt(now)) return;
    const produced = this.scheduler.propagate(new Map(), now);
    this.sinkManager.afterCommit(this.scheduler.lsn, produced);
  }

  /** The log sequence number of the last commit. */
  get lsn(): number {
    return this.scheduler.lsn;
  }

  /** Runs one or more `;`-separated statements; returns the last statement's result. */
  async sql(text: string, params: readonly unknown[] = []): Promise<QueryResult> {
    const results = this.execute(text, params);
    return results[results.length - 1] ?? commandResult('EMPTY');
  }

  /** Runs one or more `;`-separated statements; one result per statement, in order.
   *  Each statement commits on its own: when statement k fails, 1..k-1 stay committed
   *  and the EngineError thrown carries `statementIndex` = k - 1 (0-based). */
  async sqlAll(text: string, params: readonly unknown[] = []): Promise<QueryResult[]> {
    return this.execute(text, params);
  }

  /** Inserts row objects (column name -> value) into a table as one commit. */
  async insert(table: string, rows: readonly Record<string, unknown>[]): Promise<QueryResult> {
    const entry = this.requireTable(table);
    const { targets, columns } = objectsToColumns(entry, rows);
    return this.insertColumns(entry, widenToTable(entry, targets, columns, rows.length));
  }

  /** Bulk insert of an apache-arrow Table whose column names match the table's
   *  (a subset is allowed; missing columns are NULL). One commit; the fast path for
   *  loading millions of rows. */
  async insertArrow(table: string, data: ArrowTable): Promise<QueryResult> {
    const entry = this.requireTable(table);
    const { targets, columns } = arrowToColumns(entry, data);
    return this.insertColumns(entry, widenToTable(entry, targets, columns, data.numRows));
  }

  /**
   * The operator state each view holds now (entries: rows, groups or values,
   * as each operator counts them), for monitoring and benchmarks. EXPLAIN
   * VIEW shows the same per operator with its cost.
   */
  stateSizes(view?: string): { readonly view: string; readonly operator: string; readonly entries: number }[] {
    const names = view === undefined ? this.catalog.views().map((v) => v.name) : [view];
    return names.flatMap((name) => {
      const node = this.scheduler.node(name);
      if (node === undefined) throw new EngineError(SqlState.undefinedTable, `materialized view "${name}" does not exist`);
      return circuitState(node.circuit).map((s) => ({ view: name, ...s }));
    });
  }

  /** Stops sink delivery: requests in flight are awaited; changes still queued stay in memory, unsent. */
  async close(): Promise<void> {
    await this.sinkManager.close();
  }

  private insertColumns(entry: TableEntry, batch: ZBatch): QueryResult {
    const store = this.tables.get(entry.name)!;
    this.commit(entry.name, store, store.insertDelta(batch));
    return commandResult('INSERT', batch.length);
  }

  private execute(text: string, params: readonly unknown[]): QueryResult[] {
    const statements = tooComplexGuard(() => parseSql(text));
    const results: QueryResult[] = [];
    statements.forEach((stmt, index) => {
      try {
        // now() is the clock's time when the statement starts, as in PostgreSQL;
        // in a view definition it stays symbolic (a temporal filter moves with the clock).
        const now = this.clockMicros();
        this.statementMicros = now;
        const definesView = stmt.kind === 'createView' || (stmt.kind === 'explain' && stmt.target.kind === 'createView');
        try {
          results.push(tooComplexGuard(() => withStatementTime(definesView ? null : now, () => this.executeStatement(stmt, params))));
        } finally {
          this.statementMicros = null;
        }
      } catch (err) {
        if (err instanceof EngineError && statements.length > 1) {
          err.statementIndex = index;
          err.completedResults = results;
        }
        throw err;
      }
    });
    return results;
  }

  private executeStatement(stmt: Statement, params: readonly unknown[]): QueryResult {
    switch (stmt.kind) {
      case 'createTable':
        return createTable(this.ddl, stmt);
      case 'createView':
        return createView(this.ddl, stmt, params);
      case 'createIndex':
        return createIndex({ catalog: this.catalog, tables: this.tables }, stmt);
      case 'createSink':
        return createSink(this.sinkContext(), stmt);
      case 'dropSink':
        return dropSink(this.sinkContext(), stmt);
      case 'dropIndex':
        return dropIndex({ catalog: this.catalog, tables: this.tables }, stmt);
      case 'insert': {
        const entry = this.requireTable(stmt.table, 'insert into');
        const store = this.tables.get(entry.name)!;
        const { delta, rowCount } = insertDelta(entry, store, stmt, params, (s) => {
          assert(s.source.kind !== 'values', 'INSERT ... SELECT expected');
          const plan = bindQuery(s.source, { catalog: this.catalog, params, forView: false });
          const out = runOneShot(plan, (r) => this.snapshot(r));
          return { columns: out.columns, types: plan.root.columns.slice(0, plan.visibleColumns).map((c) => c.type), rows: out.rows };
        });
        const written = this.commit(entry.name, store, delta);
        if (stmt.returning !== undefined) return returningResult('INSERT', entry, written, 1, stmt.returning, params);
        // Late rows a watermarked table quarantined were not inserted.
        return commandResult('INSERT', written === delta ? rowCount : positiveRows(written));
      }
      case 'delete': {
        const entry = this.requireTable(stmt.table, 'delete from');
        const store = this.tables.get(entry.name)!;
        const { delta, rowCount } = deleteDelta(entry, store, stmt, params);
        const written = this.commit(entry.name, store, delta);
        if (stmt.returning !== undefined) return returningResult('DELETE', entry, written, -1, stmt.returning, params);
        return commandResult('DELETE', rowCount);
      }
      case 'update': {
        const entry = this.requireTable(stmt.table, 'update');
        const store = this.tables.get(entry.name)!;
        const { delta, rowCount } = updateDelta(entry, store, stmt, params);
        const written = this.commit(entry.name, store, delta);
        if (stmt.returning !== undefined) return returningResult('UPDATE', entry, written, 1, stmt.returning, params);
        return commandResult('UPDATE', rowCount);
      }
      case 'drop':
        return dropRelations(this.ddl, stmt);
      case 'show':
        if (stmt.what === 'sinks') return showSinks(this.sinkContext());
        return stmt.what === 'indexes' ? showIndexes(this.catalog) : showRelations(this.ddl, stmt.what);
      case 'explain':
        return explainStatement(this.ddl, stmt, params);
      case 'query': {
        const plan = bindQuery(stmt.query, { catalog: this.catalog, params, forView: false });
        const out = runOneShot(plan, (r) => this.snapshot(r));
        const fields = plan.root.columns.slice(0, plan.visibleColumns);
        return rowsResult('SELECT', fields, out.columns, out.rows);
      }
    }
  }

  /**
   * Applies a table delta and propagates it to every view: one commit, all or
   * nothing. A table with event time first sorts out late rows (quarantined,
   * in the same commit) and moves its watermark (engine/event-time.ts).
   */
  /** Returns the delta the table took (a watermarked table's late inserts are not in it). */
  private commit(table: string, store: TableStore, delta: ZBatch): ZBatch {
    const entry = this.catalog.get(table);
    let changes: [string, ZBatch][] = [[table, delta]];
    let undoEventTime = (): void => {};
    if (entry?.kind === 'table' && entry.appendOnly === true) checkAppendOnly(entry, delta);
    if (entry?.kind === 'table' && entry.eventTime !== undefined) {
      const admitted = this.eventTime.admit(entry, delta, this.scheduler.lsn + 1);
      changes = [[table, admitted.accepted]];
      if (admitted.quarantine !== null) changes.push([QUARANTINE_TABLE, admitted.quarantine]);
      if (admitted.watermarkRow !== null) changes.push([WATERMARKS_TABLE, admitted.watermarkRow]);
      undoEventTime = admitted.undo;
    }
    this.commitChanges(changes, undoEventTime);
    return changes[0]![1];
  }

  /** Applies deltas to several tables and propagates them as one commit; undoes all of it on failure. */
  private commitChanges(changes: readonly [string, ZBatch][], onFailure: () => void = () => {}): void {
    const applied: [TableStore, ZBatch][] = [];
    let produced: Map<string, ZBatch>;
    try {
      for (const [name, delta] of changes) {
        const store = this.tables.get(name)!;
        store.apply(delta);
        applied.push([store, delta]);
      }
      produced = this.scheduler.propagate(new Map(changes), this.statementMicros ?? this.clockMicros());
    } catch (err) {
      for (let i = applied.length - 1; i >= 0; i--) applied[i]![0].apply(negateBatch(applied[i]![1]));
      onFailure();
      throw err;
    }
    // After the commit, outside its rollback: a sink's trouble never undoes it.
    this.sinkManager.afterCommit(this.scheduler.lsn, new Map([...changes, ...produced]));
  }

  /** A table sink's changes, committed to its target table (src/sinks/table-sink-delta.ts); returns retractions skipped. */
  private applySinkChanges(table: string, changes: ZBatch): number {
    const entry = this.catalog.get(table);
    const store = this.tables.get(table);
    assert(entry?.kind === 'table' && store !== undefined, `sink target ${table} is gone`);
    const { delta, skipped } = tableSinkDelta(store, consolidateBatch(fitToTable(entry, changes)));
    if (delta.length > 0) this.commit(table, store, delta);
    return skipped;
  }

  private snapshot(relation: string): ZBatch {
    const table = this.tables.get(relation);
    if (table !== undefined) return table.rowsSnapshot();
    const node = this.scheduler.node(relation);
    assert(node !== undefined, `no data for relation ${relation}`);
    return node.sink.snapshot();
  }

  private requireTable(name: string, action = 'insert into'): TableEntry {
    const entry = this.catalog.require(name);
    if (entry.kind !== 'table') {
      throw new EngineError(SqlState.wrongObjectType, `cannot ${action} "${name}": it is a materialized view, which changes only through its inputs`);
    }
    if (entry.system === true) {
      throw new EngineError(SqlState.wrongObjectType, `cannot ${action} "${name}": it is a system table that Freshet maintains (read it with SELECT)`);
    }
    return entry;
  }

  private sinkContext(): Parameters<typeof createSink>[0] {
    return { catalog: this.catalog, sinks: this.sinkManager, snapshot: (r) => this.snapshot(r), lsn: this.scheduler.lsn };
  }
}

/** Rows a delta adds (its positive weights). */
function positiveRows(delta: ZBatch): number {
  let n = 0;
  for (let i = 0; i < delta.length; i++) if (delta.weights[i]! > 0) n += delta.weights[i]!;
  return n;
}
