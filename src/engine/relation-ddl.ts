// Tables and materialized views in the catalog: CREATE TABLE, CREATE
// MATERIALIZED VIEW (bind, lower, backfill from the inputs' current rows),
// DROP [CASCADE] and SHOW. Each function validates everything before it
// changes anything, so a failing statement leaves the catalog as it was.

import { assert } from '../common/assert.js';
import { EngineError, SqlState, unsupported } from '../common/errors.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { concatBatches, negateBatch } from '../columnar/z-batch.js';
import { consolidateBatch } from '../columnar/consolidate.js';
import type { SqlType } from '../common/sql-type.js';
import { typeInfo } from '../common/sql-type.js';
import { disposeNode, type DataflowNode } from '../dataflow/scheduler.js';
import { MaterializedRows } from '../dataflow/materialized-rows.js';
import type { Scheduler } from '../dataflow/scheduler.js';
import { bindQuery } from '../plan/bind-query.js';
import type { Catalog, TableEntry, ViewEntry } from '../plan/catalog.js';
import type { LogicalPlan } from '../plan/logical-plan.js';
import { numericTypmod } from '../plan/numeric-typmod.js';
import { deriveStateBounds } from '../plan/state-bounds.js';
import { resolveTypeName } from '../plan/type-names.js';
import type { QueryResult } from '../query-result.js';
import type { CreateTableStmt, CreateViewStmt, DropStmt } from '../sql/ast.js';
import { removeSink } from '../sinks/sink-ddl.js';
import type { SinkDdlContext } from '../sinks/sink-ddl.js';
import { TableStore } from '../storage/table-store.js';
import { WATERMARKS_TABLE, addEmitOnClose, planEventTime } from './event-time.js';
import type { EventTime } from './event-time.js';
import { commandResult, valuesResult } from './format-result.js';
import { planTableConstraints, registerTableConstraints } from './index-ddl.js';
import { lowerPlan, uniqueKeyColumns } from './lower-plan.js';
import type { CleanupPlan } from './lower-plan.js';
import type { StateBudget } from '../storage/state-spill.js';
import { SINGLE_ROW } from './one-shot.js';
import { chunkable } from './chunkable.js';
import { copyViewState, loadViewState, sameShape } from '../dataflow/circuit-state.js';
import { planIdentity } from '../plan/plan-identity.js';
import type { SavedView } from './checkpoint.js';

/** What the DDL needs of the Engine. */
export interface RelationDdlContext {
  readonly catalog: Catalog;
  readonly tables: Map<string, TableStore>;
  readonly scheduler: Scheduler;
  readonly eventTime: EventTime;
  /** Applies deltas to several tables as one commit (all or nothing). */
  commitChanges(changes: readonly [string, ZBatch][]): void;
  /** A table's or view's current rows. */
  snapshot(relation: string): ZBatch;
  /** A table's current rows a cold segment at a time, when it has cold segments (else null: use `snapshot`). */
  chunks(relation: string): Iterable<ZBatch> | null;
  /** now() of the running statement, in µs. */
  statementTime(): number;
  sinkContext(): SinkDdlContext;
  /**
   * Commits the replacement of view `name`: its dependents and sinks take
   * `difference` as its change, `swap` puts the new version in place; all or
   * nothing (on failure nothing is swapped).
   */
  replaceView(name: string, difference: ZBatch, swap: () => void): void;
  /** Fails with 55000 when view `name` is still being built in the background (engine/backfill.ts). */
  requireBuilt(name: string, action: string): void;
  /** The engine's operator state budget (--state-memory); null without a limit. */
  stateBudget(): StateBudget | null;
  /** While recovery re-creates a view from a checkpoint: the view's saved state; otherwise null. */
  savedView(): SavedView | null;
}

export function createTable(ctx: RelationDdlContext, stmt: CreateTableStmt): QueryResult {
  if (ctx.catalog.get(stmt.name) !== undefined) {
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
  const constraints = planTableConstraints(ctx.catalog, stmt.name, columns, primaryKey, stmt.primaryKeyName ?? null, stmt.unique ?? []);
  const entry: TableEntry = {
    kind: 'table',
    name: stmt.name,
    columns,
    primaryKey,
    ...(eventTime === null ? {} : { eventTime }),
    ...(stmt.appendOnly === true ? { appendOnly: true } : {}),
  };
  ctx.catalog.add(entry);
  ctx.tables.set(stmt.name, new TableStore(columns, primaryKey, constraints.primaryKeyName ?? undefined));
  registerTableConstraints({ catalog: ctx.catalog, tables: ctx.tables }, stmt.name, constraints);
  if (eventTime !== null) ctx.commitChanges([[WATERMARKS_TABLE, ctx.eventTime.register(entry)]]);
  return commandResult('CREATE TABLE');
}

export function createView(ctx: RelationDdlContext, stmt: CreateViewStmt, params: readonly unknown[]): QueryResult {
  if (!stmt.materialized) {
    throw unsupported('a plain CREATE VIEW (write CREATE MATERIALIZED VIEW: every Freshet view is maintained incrementally)', stmt.pos);
  }
  const existing = replaceTarget(ctx, stmt);
  if (existing === 'exists') return commandResult('CREATE MATERIALIZED VIEW');
  let built = prepareView(ctx, stmt, params);
  try {
    const taken = takeState(ctx, stmt, existing, built);
    if (taken === 'restored') return installView(ctx, stmt, existing, built);
    // Marked, so a rebuild at recovery counts the rows the old version's state goes back to (engine/definitions.ts).
    if (taken === 'copied') return installView(ctx, stmt, existing, { ...built, entry: { ...built.entry, tookState: true } });
    if (taken === 'spoiled') {
      disposeNode(built.node);
      built = prepareView(ctx, stmt, params);
    }
    try {
      hydrate(ctx, stmt, built, true);
    } catch (err) {
      // A chunk can leave the view in a state the whole input never gives (count(*) - 10 = 0 after the
      // first segment of 30 rows); an error there is not the view's. Build it again in one step.
      if (!(err instanceof EngineError) || streamedInputs(ctx, stmt, built).size === 0) throw err;
      disposeNode(built.node);
      built = prepareView(ctx, stmt, params);
      hydrate(ctx, stmt, built, false);
    }
    return installView(ctx, stmt, existing, built);
  } catch (err) {
    // Spilled state of a view that never came to be must not outlive it.
    if (ctx.scheduler.node(stmt.name)?.circuit !== built.node.circuit) disposeNode(built.node);
    throw err;
  }
}

/**
 * State a new view can take instead of being built from its inputs: at
 * recovery, its state saved in the checkpoint; for CREATE OR REPLACE by the
 * same plan (spelled differently, DDL run again), the old version's state.
 * 'restored' / 'copied': `built` holds it; 'none': nothing to take;
 * 'spoiled': loading failed part way, so `built` must be discarded.
 */
function takeState(ctx: RelationDdlContext, stmt: CreateViewStmt, existing: ViewEntry | null, built: BuiltView): 'restored' | 'copied' | 'none' | 'spoiled' {
  const saved = existing === null ? ctx.savedView() : null;
  if (saved !== null) {
    // State derived from what a rebuilt input emitted may not match what it emits now (a double sum's last bit).
    const rebuiltInput = built.entry.plan.dependsOn.find((r) => saved.views.rebuilt.some((v) => v.name === r));
    const reason =
      saved.saved === null ? saved.missing : rebuiltInput !== undefined ? `it reads view ${rebuiltInput}, which was rebuilt` : restoreSaved(built, saved.saved);
    if (reason === null) {
      saved.views.restored.push(stmt.name);
      return 'restored';
    }
    saved.views.rebuilt.push({ name: stmt.name, reason });
    return saved.saved === null ? 'none' : 'spoiled';
  }
  if (existing === null || !canTakeState(ctx, existing, built)) return 'none';
  return copyViewState(ctx.scheduler.node(existing.name)!, built.node) === null ? 'copied' : 'spoiled';
}

/**
 * Whether a new version of `existing` can take its state: the same plan
 * (plan/plan-identity.ts) lowered to a circuit of the same shape (which
 * also tells apart what the plan leaves out: EMIT ON WINDOW CLOSE, output
 * names in EXPLAIN text).
 */
export function canTakeState(ctx: RelationDdlContext, existing: ViewEntry, built: BuiltView): boolean {
  return planIdentity(existing.plan) === planIdentity(built.entry.plan) && sameShape(ctx.scheduler.node(existing.name)!, built.node);
}

/**
 * Loads a view's saved state into its freshly lowered circuit (recovery);
 * returns null when loaded, or why it could not be: state saved for another
 * plan or build (StateMismatch), or any failure while loading, which the
 * caller answers by rebuilding the view rather than failing recovery.
 */
function restoreSaved(built: BuiltView, bytes: Uint8Array): string | null {
  try {
    loadViewState(built.node, bytes);
    return null;
  } catch (err) {
    return `its saved state could not be loaded (${err instanceof Error ? err.message : String(err)})`;
  }
}

/**
 * Runs a new view's circuit over its inputs' current rows, in one step — or,
 * when the view allows (engine/chunkable.ts), with each table that has cold
 * segments fed a segment at a time, so its rows are never all decoded at once.
 */
function hydrate(ctx: RelationDdlContext, stmt: CreateViewStmt, built: BuiltView, chunked: boolean): void {
  const { circuit, sink } = built.node;
  const time = ctx.statementTime();
  const streamed = chunked ? streamedInputs(ctx, stmt, built) : new Map<string, Iterable<ZBatch>>();
  sink.apply(circuit.step((r) => (r === null ? SINGLE_ROW : streamed.has(r) ? undefined : ctx.snapshot(r)), undefined, undefined, time));
  for (const [relation, pieces] of streamed) {
    for (const piece of pieces) sink.apply(circuit.step((r) => (r === relation ? piece : undefined), undefined, undefined, time));
  }
}

/** The view's input tables to feed a cold segment at a time (none when its plan needs whole inputs). */
function streamedInputs(ctx: RelationDdlContext, stmt: CreateViewStmt, built: BuiltView): Map<string, Iterable<ZBatch>> {
  const plan = built.entry.plan.root;
  const cleanup = [...deriveStateBounds(plan, ctx.catalog).values()].some((b) => b.kind !== 'none');
  const streamed = new Map<string, Iterable<ZBatch>>();
  if (!chunkable(plan, cleanup, stmt.emitOnWindowClose === true)) return streamed;
  for (const r of built.node.circuit.relations()) {
    const pieces = ctx.chunks(r);
    if (pieces !== null) streamed.set(r, pieces);
  }
  return streamed;
}

/**
 * What CREATE [OR REPLACE] MATERIALIZED VIEW would replace: the existing
 * view, null when the name is free, or 'exists' for IF NOT EXISTS on a taken
 * name (nothing to do). Fails when the name is taken otherwise.
 */
export function replaceTarget(ctx: RelationDdlContext, stmt: CreateViewStmt): ViewEntry | null | 'exists' {
  if (!stmt.materialized) {
    throw unsupported('a plain CREATE VIEW (write CREATE MATERIALIZED VIEW: every Freshet view is maintained incrementally)', stmt.pos);
  }
  const existing = ctx.catalog.get(stmt.name);
  if (existing === undefined) return null;
  if (stmt.orReplace) {
    if (existing.kind !== 'view') throw new EngineError(SqlState.wrongObjectType, `"${stmt.name}" is a table, not a materialized view; CREATE OR REPLACE cannot replace it`, stmt.pos);
    ctx.requireBuilt(stmt.name, 'replace');
    return existing;
  }
  if (stmt.ifNotExists) return 'exists';
  throw new EngineError(SqlState.duplicateTable, `relation "${stmt.name}" already exists`, stmt.pos);
}

/**
 * Puts a built view in place: a new one into the catalog (unless `reserved`:
 * a background build added its entry at the start) and the scheduler, or the
 * new version of `old` in its place.
 */
export function installView(ctx: RelationDdlContext, stmt: CreateViewStmt, old: ViewEntry | null, built: BuiltView, reserved = false): QueryResult {
  if (old !== null) return replaceView(ctx, stmt, old, built);
  if (!reserved) ctx.catalog.add(built.entry);
  ctx.scheduler.add(built.node);
  return commandResult('CREATE MATERIALIZED VIEW');
}

/** A view bound and lowered, its rows not computed yet. */
export interface BuiltView {
  readonly entry: ViewEntry;
  readonly node: DataflowNode;
}

/** Binds and lowers a view (no rows flow yet); changes nothing outside. */
export function prepareView(ctx: RelationDdlContext, stmt: CreateViewStmt, params: readonly unknown[]): BuiltView {
  const plan = bindQuery(stmt.query, { catalog: ctx.catalog, params, forView: true });
  for (const input of plan.dependsOn) {
    const entry = ctx.catalog.get(input);
    if (entry?.kind === 'table' && entry.virtual === true) {
      throw unsupported(`a materialized view over ${input} (it changes without commits, so a view could not follow it; query it directly)`, stmt.pos);
    }
  }
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
  const cleanup = cleanupPlan(ctx, plan.root);
  const circuit = lowerPlan(plan.root, cleanup);
  if (stmt.emitOnWindowClose === true) addEmitOnClose(circuit, plan, ctx.catalog, ctx.eventTime, stmt.pos);
  const sink = new MaterializedRows(columns.map((c) => c.type), uniqueKeyColumns(plan.root, plan.visibleColumns), cleanup.stateBudget ?? null);
  const entry: ViewEntry = {
    kind: 'view',
    name: stmt.name,
    columns: columns.map((c) => ({ name: c.name, type: c.type, notNull: false })),
    definition: stmt.queryText,
    plan,
  };
  return { entry, node: { name: stmt.name, circuit, relations: circuit.relations(), sink } };
}

/**
 * CREATE OR REPLACE MATERIALIZED VIEW: the new version is built beside the
 * old one (readers see the old rows until the switch), then one commit
 * switches to it and hands views and sinks reading it the difference between
 * the two versions — retractions of old rows, insertions of new ones — so
 * they stay correct without a rebuild. Those readers were bound to the old
 * columns, so while any exist the columns must keep their names and types.
 */
function replaceView(ctx: RelationDdlContext, stmt: CreateViewStmt, old: ViewEntry, built: BuiltView): QueryResult {
  const readers = [...ctx.catalog.directDependents(old.name).map((v) => `materialized view ${v.name}`), ...ctx.catalog.sinksOn(new Set([old.name])).map((s) => `sink ${s.name}`)];
  const sameColumns = old.columns.length === built.entry.columns.length && old.columns.every((c, i) => c.name === built.entry.columns[i]!.name && c.type === built.entry.columns[i]!.type);
  if (readers.length > 0 && !sameColumns) {
    const show = (cols: readonly { name: string; type: SqlType }[]): string => cols.map((c) => `${c.name} ${typeInfo[c.type].sqlName.toLowerCase()}`).join(', ');
    throw new EngineError(
      SqlState.invalidTableDefinition,
      `cannot replace materialized view "${old.name}" with different columns (${show(built.entry.columns)} instead of ${show(old.columns)}) while ${readers.join(', ')} read${readers.length === 1 ? 's' : ''} it; keep the columns, or drop the readers first`,
      stmt.pos,
    );
  }
  // The propagation order stays topological only if every view the new version reads is older than it.
  const position = ctx.scheduler.position(old.name);
  for (const input of built.entry.plan.dependsOn) {
    if (input === old.name || ctx.catalog.allDependents(old.name).some((d) => d.name === input)) {
      throw new EngineError(SqlState.invalidRecursion, `materialized view "${old.name}" cannot read "${input}", which reads it`, stmt.pos);
    }
    if (ctx.scheduler.position(input) > position) {
      throw new EngineError(SqlState.featureNotSupported, `the new version of "${old.name}" reads materialized view "${input}", created after it; drop and recreate "${old.name}" instead`, stmt.pos);
    }
  }
  const difference = consolidateBatch(concatBatches(built.entry.columns.map((c) => c.type), [built.node.sink.snapshot(), negateBatch(ctx.scheduler.node(old.name)!.sink.snapshot())]));
  ctx.replaceView(old.name, difference, () => {
    ctx.catalog.replaceView(built.entry);
    ctx.scheduler.replace(built.node);
  });
  return commandResult('CREATE MATERIALIZED VIEW');
}

/** A view's state cleanup: the bounds derived from watermarks, driven by the tables' close points. */
export function cleanupPlan(ctx: RelationDdlContext, root: LogicalPlan): CleanupPlan {
  return {
    bounds: deriveStateBounds(root, ctx.catalog),
    closePoint: (table) => {
      const entry = ctx.catalog.get(table) as TableEntry;
      return () => ctx.eventTime.closePoint(entry);
    },
    stateBudget: ctx.stateBudget(),
  };
}

export function dropRelations(ctx: RelationDdlContext, stmt: DropStmt): QueryResult {
  const kindWord = stmt.objectKind === 'table' ? 'table' : 'materialized view';
  const command = stmt.objectKind === 'table' ? 'DROP TABLE' : 'DROP MATERIALIZED VIEW';
  // Validate every name before dropping any, so a failing DROP changes nothing.
  const targets: string[] = [];
  for (const name of stmt.names) {
    const entry = ctx.catalog.get(name);
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
    for (const target of [name, ...ctx.catalog.allDependents(name).map((d) => d.name)]) ctx.requireBuilt(target, 'drop');
    const dependents = ctx.catalog.allDependents(name).filter((d) => !stmt.names.includes(d.name));
    // Sinks reading the relation or a dependent view, or writing into the table.
    const sinks = ctx.catalog.sinksOn(new Set([name, ...ctx.catalog.allDependents(name).map((d) => d.name)]));
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
    if (ctx.catalog.get(name) === undefined) continue; // already dropped by an earlier CASCADE
    const cascaded = new Set([name, ...ctx.catalog.allDependents(name).map((d) => d.name)]);
    for (const sink of ctx.catalog.sinksOn(cascaded)) removeSink(ctx.sinkContext(), sink.name);
    for (const dep of ctx.catalog.allDependents(name).reverse()) dropOne(ctx, dep.name);
    dropOne(ctx, name);
  }
  return commandResult(command);
}

function dropOne(ctx: RelationDdlContext, name: string): void {
  const entry = ctx.catalog.get(name);
  if (entry?.kind === 'table' && entry.eventTime !== undefined) {
    const row = ctx.eventTime.unregister(entry);
    if (row !== null) ctx.commitChanges([[WATERMARKS_TABLE, row]]);
  }
  ctx.catalog.remove(name);
  ctx.tables.delete(name);
  ctx.scheduler.remove(name);
}

/** SHOW TABLES / SHOW VIEWS: one name per row, in creation order, as RisingWave and MySQL print them. */
export function showRelations(ctx: RelationDdlContext, what: 'tables' | 'views'): QueryResult {
  const entries = what === 'tables' ? ctx.catalog.tables().filter((t) => t.system !== true) : ctx.catalog.views();
  return valuesResult('SHOW', [{ name: 'name', type: 'text' }], entries.map((e) => [e.name]));
}

