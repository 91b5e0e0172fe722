// The Engine: Freshet's public entry point. It wires the layers — parse
// (sql/), bind and plan (plan/), lower to operators (engine/), commit through
// the scheduler (dataflow/) — and owns the catalog, the table stores and the
// view dataflows. Every statement runs to completion synchronously, so a
// commit is atomic with respect to every reader; the async API leaves room
// for durable commits (WAL fsync) later.

import { returningResult } from './engine/returning.js';
import { circuitState } from './dataflow/circuit.js';
import { EventTime, QUARANTINE_TABLE, SYSTEM_TABLES, WATERMARKS_TABLE, addEmitOnClose, checkAppendOnly, planEventTime } from './engine/event-time.js';
import type { Table as ArrowTable } from 'apache-arrow';
import { assert } from './common/assert.js';
import { EngineError, SqlState, unsupported } from './common/errors.js';
import type { ZBatch } from './columnar/z-batch.js';
import { negateBatch } from './columnar/z-batch.js';
import { MaterializedRows } from './dataflow/materialized-rows.js';
import { Scheduler } from './dataflow/scheduler.js';
import { msToMicros, withStatementTime } from './expr/functions/now-functions.js';
import { deleteDelta, insertDelta, updateDelta, widenToTable } from './engine/dml.js';
import { explainLines } from './engine/explain.js';
import { createIndex, dropIndex, planTableConstraints, registerTableConstraints, showIndexes } from './engine/index-ddl.js';
import { commandResult, rowsResult, valuesResult } from './engine/format-result.js';
import { arrowToColumns, objectsToColumns } from './engine/ingest-values.js';
import { lowerPlan, uniqueKeyColumns } from './engine/lower-plan.js';
import type { CleanupPlan } from './engine/lower-plan.js';
import { deriveStateBounds } from './plan/state-bounds.js';
import type { LogicalPlan } from './plan/logical-plan.js';
import { SINGLE_ROW, runOneShot } from './engine/one-shot.js';
import { bindQuery } from './plan/bind-query.js';
import { Catalog } from './plan/catalog.js';
import type { TableEntry, ViewEntry } from './plan/catalog.js';
import { resolveTypeName } from './plan/type-names.js';
import { numericTypmod } from './plan/numeric-typmod.js';
import type { QueryResult } from './query-result.js';
import type { CreateTableStmt, CreateViewStmt, DropStmt, ExplainStmt, Statement } from './sql/ast.js';
import { parseSql } from './sql/parse-sql.js';
import { TableStore } from './storage/table-store.js';
import { consolidateBatch } from './columnar/consolidate.js';
import { DEAD_LETTER_COLUMNS, DEAD_LETTER_TABLE, deadLetterBatch } from './sinks/dead-letter-table.js';
import { createSink, dropSink, fitToTable, removeSink, showSinks } from './sinks/sink-ddl.js';
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
        return this.createTable(stmt);
      case 'createView':
        return this.createView(stmt, params);
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
        return this.drop(stmt);
      case 'show':
        if (stmt.what === 'sinks') return showSinks(this.sinkContext());
        return stmt.what === 'indexes' ? showIndexes(this.catalog) : this.show(stmt.what);
      case 'explain':
        return this.explain(stmt, params);
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

  private createTable(stmt: CreateTableStmt): QueryResult {
    if (this.catalog.get(stmt.name) !== undefined) {
      if (stmt.ifNotExists) return commandResult('CREATE TABLE');
      throw new EngineError(SqlState.duplicateTable, `relation "${stmt.name}" already exists`, stmt.pos);
    }
    if (stmt.columns.length === 0) throw new EngineError(SqlState.syntaxError, `table "${stmt.name}" must have at least one column`, stmt.pos);
    const names = new Set<string>();
    for (const c of stmt.columns) {
      if (names.has(c.name)) throw new EngineError(SqlState.duplicateColumn, `column "${c.name}" specified more than once`, c.pos);
      names.add(c.name);
    }
    const inline = stmt.columns.filter((c) => c.primaryKey).map((c) => c.name);
    if (inline.length > 0 && stmt.primaryKey !== null) {
      throw new EngineError(SqlState.invalidTableDefinition, `multiple primary keys for table "${stmt.name}" are not allowed`, stmt.pos);
    }
    if (inline.length > 1) throw new EngineError(SqlState.invalidTableDefinition, `multiple primary keys for table "${stmt.name}" are not allowed`, stmt.pos);
    const keyNames = stmt.primaryKey ?? inline;
    const primaryKey = keyNames.map((k) => {
      const i = stmt.columns.findIndex((c) => c.name === k);
      if (i < 0) throw new EngineError(SqlState.undefinedColumn, `column "${k}" named in key does not exist`, stmt.pos);
      return i;
    });
    if (new Set(primaryKey).size !== primaryKey.length) {
      throw new EngineError(SqlState.duplicateColumn, 'a column appears twice in the primary key', stmt.pos);
    }
    const typed = stmt.columns.map((c) => ({ name: c.name, type: resolveTypeName(c.type) }));
    const eventTime = planEventTime(stmt, typed, []);
    const columns = stmt.columns.map((c, i) => {
      const type = typed[i]!.type;
      const typmod = numericTypmod(c.type, type);
      // The event-time column is NOT NULL: a row without event time has no place in time.
      const notNull = c.notNull || primaryKey.includes(i) || eventTime?.column === i;
      return { name: c.name, type, notNull, ...(typmod === null ? {} : { typmod }) };
    });
    const constraints = planTableConstraints(this.catalog, stmt.name, columns, primaryKey, stmt.primaryKeyName ?? null, stmt.unique ?? []);
    const entry: TableEntry = {
      kind: 'table',
      name: stmt.name,
      columns,
      primaryKey,
      ...(eventTime === null ? {} : { eventTime }),
      ...(stmt.appendOnly === true ? { appendOnly: true } : {}),
    };
    this.catalog.add(entry);
    this.tables.set(stmt.name, new TableStore(columns, primaryKey, constraints.primaryKeyName ?? undefined));
    registerTableConstraints({ catalog: this.catalog, tables: this.tables }, stmt.name, constraints);
    if (eventTime !== null) this.commitChanges([[WATERMARKS_TABLE, this.eventTime.register(entry)]]);
    return commandResult('CREATE TABLE');
  }

  private createView(stmt: CreateViewStmt, params: readonly unknown[]): QueryResult {
    if (!stmt.materialized) {
      throw unsupported('a plain CREATE VIEW (write CREATE MATERIALIZED VIEW: every Freshet view is maintained incrementally)', stmt.pos);
    }
    if (stmt.orReplace) throw unsupported('CREATE OR REPLACE MATERIALIZED VIEW (online view replacement)', stmt.pos);
    if (this.catalog.get(stmt.name) !== undefined) {
      if (stmt.ifNotExists) return commandResult('CREATE MATERIALIZED VIEW');
      throw new EngineError(SqlState.duplicateTable, `relation "${stmt.name}" already exists`, stmt.pos);
    }
    const plan = bindQuery(stmt.query, { catalog: this.catalog, params, forView: true });
    let columns = plan.root.columns.slice(0, plan.visibleColumns);
    if (stmt.columns !== null) {
      const names = stmt.columns;
      if (names.length > columns.length) {
        throw new EngineError(SqlState.syntaxError, `CREATE MATERIALIZED VIEW specifies ${names.length} column names but the query has ${columns.length} columns`, stmt.pos);
      }
      columns = columns.map((c, i) => ({ name: names[i] ?? c.name, type: c.type }));
    }
    const seen = new Set<string>();
    for (const c of columns) {
      if (seen.has(c.name)) {
        throw new EngineError(SqlState.duplicateColumn, `column "${c.name}" specified more than once in view "${stmt.name}"; give the columns distinct aliases`, stmt.pos);
      }
      seen.add(c.name);
    }
    const circuit = lowerPlan(plan.root, this.cleanupPlan(plan.root));
    if (stmt.emitOnWindowClose === true) addEmitOnClose(circuit, plan, this.catalog, this.eventTime, stmt.pos);
    const sink = new MaterializedRows(columns.map((c) => c.type), uniqueKeyColumns(plan.root, plan.visibleColumns));
    // Backfill: the current contents of the inputs flow through as one delta.
    sink.apply(circuit.step((r) => (r === null ? SINGLE_ROW : this.snapshot(r)), undefined, undefined, this.statementMicros ?? this.clockMicros()));
    const entry: ViewEntry = {
      kind: 'view',
      name: stmt.name,
      columns: columns.map((c) => ({ name: c.name, type: c.type, notNull: false })),
      definition: stmt.queryText,
      plan,
    };
    this.catalog.add(entry);
    this.scheduler.add({ name: stmt.name, circuit, relations: circuit.relations(), sink });
    return commandResult('CREATE MATERIALIZED VIEW');
  }

  /** A view's state cleanup: the bounds derived from watermarks, driven by the tables' close points. */
  private cleanupPlan(root: LogicalPlan): CleanupPlan {
    return {
      bounds: deriveStateBounds(root, this.catalog),
      closePoint: (table) => {
        const entry = this.catalog.get(table) as TableEntry;
        return () => this.eventTime.closePoint(entry);
      },
    };
  }

  private sinkContext(): Parameters<typeof createSink>[0] {
    return { catalog: this.catalog, sinks: this.sinkManager, snapshot: (r) => this.snapshot(r), lsn: this.scheduler.lsn };
  }

  private drop(stmt: DropStmt): QueryResult {
    const kindWord = stmt.objectKind === 'table' ? 'table' : 'materialized view';
    const command = stmt.objectKind === 'table' ? 'DROP TABLE' : 'DROP MATERIALIZED VIEW';
    // Validate every name before dropping any, so a failing DROP changes nothing.
    const targets: string[] = [];
    for (const name of stmt.names) {
      const entry = this.catalog.get(name);
      if (entry === undefined) {
        if (stmt.ifExists) continue;
        throw new EngineError(SqlState.undefinedTable, `${kindWord} "${name}" does not exist`, stmt.pos);
      }
      if (entry.kind === 'table' && entry.system === true) {
        throw new EngineError(SqlState.wrongObjectType, `cannot drop "${name}": it is a system table that Freshet maintains`, stmt.pos);
      }
      if (entry.kind !== stmt.objectKind) {
        throw new EngineError(SqlState.wrongObjectType, `"${name}" is not a ${kindWord}; it is a ${entry.kind === 'table' ? 'table' : 'materialized view'}`, stmt.pos);
      }
      const dependents = this.catalog.allDependents(name).filter((d) => !stmt.names.includes(d.name));
      // Sinks reading the relation or a dependent view, or writing into the table.
      const sinks = this.catalog.sinksOn(new Set([name, ...this.catalog.allDependents(name).map((d) => d.name)]));
      if ((dependents.length > 0 || sinks.length > 0) && !stmt.cascade) {
        const objects = [...dependents.map((d) => `materialized view ${d.name}`), ...sinks.map((k) => `sink ${k.name}`)];
        throw new EngineError(
          SqlState.dependentObjectsStillExist,
          `cannot drop ${kindWord} ${name} because other objects depend on it: ${objects.join(', ')}; use DROP ... CASCADE to drop the dependent objects too`,
          stmt.pos,
        );
      }
      targets.push(name);
    }
    for (const name of targets) {
      if (this.catalog.get(name) === undefined) continue; // already dropped by an earlier CASCADE
      const cascaded = new Set([name, ...this.catalog.allDependents(name).map((d) => d.name)]);
      for (const sink of this.catalog.sinksOn(cascaded)) removeSink(this.sinkContext(), sink.name);
      for (const dep of this.catalog.allDependents(name).reverse()) this.dropOne(dep.name);
      this.dropOne(name);
    }
    return commandResult(command);
  }

  private dropOne(name: string): void {
    const entry = this.catalog.get(name);
    if (entry?.kind === 'table' && entry.eventTime !== undefined) {
      const row = this.eventTime.unregister(entry);
      if (row !== null) this.commitChanges([[WATERMARKS_TABLE, row]]);
    }
    this.catalog.remove(name);
    this.tables.delete(name);
    this.scheduler.remove(name);
  }

  /** SHOW TABLES / SHOW VIEWS: one name per row, in creation order, as RisingWave and MySQL print them. */
  private show(what: 'tables' | 'views'): QueryResult {
    const entries = what === 'tables' ? this.catalog.tables().filter((t) => t.system !== true) : this.catalog.views();
    return valuesResult('SHOW', [{ name: 'name', type: 'text' }], entries.map((e) => [e.name]));
  }

  private explain(stmt: ExplainStmt, params: readonly unknown[]): QueryResult {
    const target = stmt.target;
    let lines: string[];
    if (target.kind === 'viewName') {
      const entry = this.catalog.require(target.name);
      if (entry.kind !== 'view') throw new EngineError(SqlState.wrongObjectType, `"${target.name}" is a table, not a materialized view`, target.pos);
      const node = this.scheduler.node(entry.name)!;
      lines = explainLines({ plan: entry.plan, circuit: node.circuit, view: { name: entry.name, distinctRows: node.sink.distinctRows } });
    } else {
      const forView = target.kind === 'createView';
      const query = target.kind === 'createView' ? target.query : target;
      const plan = bindQuery(query, { catalog: this.catalog, params, forView });
      lines = explainLines({
        plan,
        circuit: forView ? lowerPlan(plan.root, this.cleanupPlan(plan.root)) : lowerPlan(plan.root),
        ...(target.kind === 'createView' ? { view: { name: target.name, distinctRows: 0 } } : {}),
      });
    }
    return valuesResult('EXPLAIN', [{ name: 'QUERY PLAN', type: 'text' }], lines.map((l) => [l]));
  }
}

/** Rows a delta adds (its positive weights). */
function positiveRows(delta: ZBatch): number {
  let n = 0;
  for (let i = 0; i < delta.length; i++) if (delta.weights[i]! > 0) n += delta.weights[i]!;
  return n;
}
