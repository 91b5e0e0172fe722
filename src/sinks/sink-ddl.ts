// CREATE SINK, DROP SINK and SHOW SINKS. CREATE checks everything before it
// changes anything: the source exists, the webhook URL and WITH options are
// valid, a target table matches the source column for column (same count,
// same types, in order), and the sink closes no cycle. Then the sink is
// registered and, unless WITH (snapshot = false), handed the source's current
// rows as its first changes (a table sink commits them before CREATE returns).

import { EngineError, SqlState } from '../common/errors.js';
import { typeInfo } from '../common/sql-type.js';
import type { Column } from '../columnar/column.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { commandResult, valuesResult } from '../engine/format-result.js';
import { applyNumericTypmod } from '../expr/functions/numeric-functions.js';
import type { Catalog, CatalogEntry, TableEntry } from '../plan/catalog.js';
import type { QueryResult } from '../query-result.js';
import type { CreateSinkStmt, DropSinkStmt } from '../sql/ast.js';
import { sinkCycle } from './sink-cycle.js';
import type { SinkManager } from './sink-manager.js';
import { tableSinkOptions, webhookOptions } from './sink-options.js';

export interface SinkDdlContext {
  readonly catalog: Catalog;
  readonly sinks: SinkManager;
  /** The relation's current rows. */
  snapshot(relation: string): ZBatch;
  /** The last committed LSN: a snapshot holds the rows as of it. */
  readonly lsn: number;
  /** Recovery recreating a sink from a checkpoint: its target already holds the snapshot (or its queue does), so none is sent. */
  readonly restoring?: boolean;
}

function describeKind(entry: CatalogEntry): string {
  return entry.kind === 'table' ? 'table' : 'materialized view';
}

/** The target table of an INTO TABLE sink, checked against the source's columns. */
function requireTargetTable(catalog: Catalog, stmt: CreateSinkStmt, source: CatalogEntry, table: string): TableEntry {
  const pos = stmt.target.pos;
  const entry = catalog.get(table);
  if (entry === undefined) throw new EngineError(SqlState.undefinedTable, `sink "${stmt.name}": target table "${table}" does not exist`, pos);
  if (entry.kind !== 'table') {
    throw new EngineError(SqlState.wrongObjectType, `sink "${stmt.name}": "${table}" is a materialized view; a sink writes INTO TABLE a table`, pos);
  }
  if (entry.system === true) {
    throw new EngineError(SqlState.wrongObjectType, `sink "${stmt.name}": "${table}" is a system table that Freshet maintains; a sink cannot write into it`, pos);
  }
  if (entry.columns.length !== source.columns.length) {
    throw new EngineError(
      SqlState.datatypeMismatch,
      `sink "${stmt.name}": ${describeKind(source)} "${source.name}" has ${source.columns.length} columns but table "${table}" has ${entry.columns.length}; a table sink needs the same columns in the same order`,
      pos,
    );
  }
  source.columns.forEach((c, i) => {
    const t = entry.columns[i]!;
    if (c.type !== t.type) {
      throw new EngineError(
        SqlState.datatypeMismatch,
        `sink "${stmt.name}": column ${i + 1} of "${source.name}" (${c.name} ${typeInfo[c.type].sqlName}) does not match column ${i + 1} of table "${table}" (${t.name} ${typeInfo[t.type].sqlName}); cast it in the view`,
        pos,
      );
    }
  });
  return entry;
}

/** `new URL` accepts far more than a webhook can use: only http(s) with a host. */
function checkWebhookUrl(stmt: CreateSinkStmt, url: string): void {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  if (parsed === null || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.hostname === '') {
    throw new EngineError(SqlState.invalidParameterValue, `sink "${stmt.name}": invalid webhook URL '${url}'; expected 'http://host:port/path' or https`, stmt.target.pos);
  }
}

export function createSink(ctx: SinkDdlContext, stmt: CreateSinkStmt): QueryResult {
  const { catalog } = ctx;
  if (catalog.sink(stmt.name) !== undefined) {
    if (stmt.ifNotExists) return commandResult('CREATE SINK');
    throw new EngineError(SqlState.duplicateTable, `sink "${stmt.name}" already exists`, stmt.pos);
  }
  if (catalog.nameTaken(stmt.name)) {
    throw new EngineError(SqlState.duplicateTable, `relation "${stmt.name}" already exists; sinks share one namespace with tables, views and indexes`, stmt.pos);
  }
  const source = catalog.get(stmt.from);
  if (source === undefined) throw new EngineError(SqlState.undefinedTable, `sink "${stmt.name}": relation "${stmt.from}" does not exist`, stmt.pos);
  const target = stmt.target;
  const columns = source.columns.map((c) => ({ name: c.name, type: c.type }));
  const tableName = target.kind === 'table' ? requireTargetTable(catalog, stmt, source, target.table).name : null;
  if (target.kind === 'webhook') checkWebhookUrl(stmt, target.url);
  const webhook = target.kind === 'webhook' ? webhookOptions(stmt.options) : null;
  const snapshot = webhook?.snapshot ?? tableSinkOptions(stmt.options).snapshot;
  const cycle = sinkCycle(catalog, stmt.name, source.name, tableName);
  if (cycle !== null) {
    throw new EngineError(SqlState.invalidRecursion, `sink "${stmt.name}" would feed its own source: ${cycle}`, stmt.pos);
  }
  catalog.addSink({
    name: stmt.name,
    source: source.name,
    target: target.kind === 'webhook' ? { kind: 'webhook', url: target.url } : { kind: 'table', table: tableName! },
    definition: stmt.text,
  });
  if (target.kind === 'webhook') ctx.sinks.addWebhook(stmt.name, source.name, target.url, columns, webhook!);
  else ctx.sinks.addTable(stmt.name, source.name, tableName!, columns);
  if (snapshot && ctx.restoring !== true) ctx.sinks.deliverTo(stmt.name, ctx.lsn, ctx.snapshot(source.name));
  return commandResult('CREATE SINK');
}

/** DROP SINK: every name is checked before any sink goes, so a failing DROP changes nothing. */
export function dropSink(ctx: Pick<SinkDdlContext, 'catalog' | 'sinks'>, stmt: DropSinkStmt): QueryResult {
  const names: string[] = [];
  for (const name of stmt.names) {
    if (ctx.catalog.sink(name) !== undefined) {
      names.push(name);
      continue;
    }
    const other = ctx.catalog.get(name);
    if (other !== undefined) throw new EngineError(SqlState.wrongObjectType, `"${name}" is not a sink; it is a ${describeKind(other)}`, stmt.pos);
    if (!stmt.ifExists) throw new EngineError(SqlState.undefinedObjectType, `sink "${name}" does not exist`, stmt.pos);
  }
  for (const name of names) removeSink(ctx, name);
  return commandResult('DROP SINK');
}

/** Forgets a sink: a webhook's queued changes are discarded with it. */
export function removeSink(ctx: Pick<SinkDdlContext, 'catalog' | 'sinks'>, name: string): void {
  ctx.catalog.removeSink(name);
  ctx.sinks.remove(name);
}

/** SHOW SINKS: one row per sink, in creation order, with its delivery state. */
export function showSinks(ctx: Pick<SinkDdlContext, 'catalog' | 'sinks'>): QueryResult {
  const rows = ctx.catalog.sinks().map((s) => {
    const state = ctx.sinks.state(s.name);
    const target = s.target.kind === 'webhook' ? `webhook ${s.target.url}` : `table ${s.target.table}`;
    return [s.name, s.source, target, state.deliveredLsn, state.queuedChanges, state.deadLetters, state.status, state.lastError];
  });
  return valuesResult(
    'SHOW',
    [
      { name: 'name', type: 'text' },
      { name: 'source', type: 'text' },
      { name: 'target', type: 'text' },
      { name: 'delivered_lsn', type: 'bigint' },
      { name: 'queued_changes', type: 'bigint' },
      { name: 'dead_letters', type: 'bigint' },
      { name: 'status', type: 'text' },
      { name: 'last_error', type: 'text' },
    ],
    rows,
  );
}

/** A table sink's changes with the target's NUMERIC(p, s) rounding applied, as INSERT would store them. */
export function fitToTable(table: TableEntry, changes: ZBatch): ZBatch {
  if (table.columns.every((c) => c.typmod === undefined)) return changes;
  const columns: Column[] = changes.columns.map((col, i) => {
    const typmod = table.columns[i]!.typmod;
    return typmod === undefined ? col : applyNumericTypmod(col, typmod.precision, typmod.scale);
  });
  return { columns, weights: changes.weights, length: changes.length };
}
