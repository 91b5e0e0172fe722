// REPLAY MATERIALIZED VIEW v INTO w: re-runs a view's logic over the history
// the tables retain, into a new view beside it.
//
// `w` is created by the statement that defined `v` (its query, its column
// names, its EMIT mode) under the new name, and built as any CREATE
// MATERIALIZED VIEW is: in the background with progress, over the cold
// segments and the rows in memory. It never takes `v`'s state, which may hold
// what retention has since removed from the tables, or what views `v` reads
// held before they were replaced; `w` is what the logic computes from what the
// tables retain now. Comparing the two (`SELECT * FROM w EXCEPT SELECT * FROM
// v`) shows what a change would do before CREATE OR REPLACE makes it.
//
// The log records the CREATE statement, not the REPLAY, so recovery (and a
// checkpoint's definitions) recreate `w` as it was created, even after `v`
// is replaced or dropped.

import { assert } from '../common/assert.js';
import { EngineError, SqlState } from '../common/errors.js';
import type { Catalog } from '../plan/catalog.js';
import type { CreateViewStmt, ReplayStmt } from '../sql/ast.js';
import { parseSql } from '../sql/parse-sql.js';
import type { Definitions } from './definitions.js';

/** The CREATE statement a REPLAY runs, with the parameters the replayed view was created with. */
export interface ReplayedCreate {
  readonly stmt: CreateViewStmt;
  readonly params: readonly unknown[];
}

/** Translates REPLAY into the CREATE MATERIALIZED VIEW it runs; fails on a name that is no built materialized view. */
export function replayAsCreate(catalog: Catalog, definitions: Definitions, stmt: ReplayStmt, requireBuilt: (view: string) => void): ReplayedCreate {
  const entry = catalog.get(stmt.view);
  if (entry === undefined) throw new EngineError(SqlState.undefinedTable, `materialized view "${stmt.view}" does not exist`, stmt.viewPos);
  if (entry.kind !== 'view') {
    throw new EngineError(
      SqlState.wrongObjectType,
      `"${stmt.view}" is a table; REPLAY re-runs a materialized view's query (CREATE MATERIALIZED VIEW ${quoteIdentifier(stmt.into)} AS SELECT ... FROM ${quoteIdentifier(stmt.view)} reads the table)`,
      stmt.viewPos,
    );
  }
  requireBuilt(stmt.view);
  const definition = definitions.all().find((d) => d.name === stmt.view);
  assert(definition !== undefined, `built view ${stmt.view} has no definition`);
  const created = parseSql(definition.record.sql)[definition.record.index];
  assert(created?.kind === 'createView', `the definition of view ${stmt.view} is not CREATE MATERIALIZED VIEW`);
  const columns = created.columns === null ? '' : ` (${created.columns.map(quoteIdentifier).join(', ')})`;
  const emit = created.emitOnWindowClose === true ? ' EMIT ON WINDOW CLOSE' : '';
  const text = `CREATE MATERIALIZED VIEW ${quoteIdentifier(stmt.into)}${columns} AS ${created.queryText}${emit}`;
  const [replayed] = parseSql(text);
  assert(replayed?.kind === 'createView', 'a replayed definition parses as CREATE MATERIALIZED VIEW');
  // Errors about the new view (its name is taken) point at the name after INTO.
  return { stmt: { ...replayed, pos: stmt.intoPos }, params: definition.record.params };
}

/**
 * An error of the CREATE a REPLAY runs, for the REPLAY's sender: one about
 * the new view's name keeps its position (the name after INTO); one from the
 * replayed definition (a division by zero over today's rows) points at the
 * replayed view's name and says so, since its position is in a text the
 * sender never wrote.
 */
export function replayError(err: unknown, stmt: ReplayStmt): unknown {
  if (!(err instanceof EngineError) || err.position === undefined || err.position === stmt.intoPos) return err;
  return new EngineError(err.code, `${err.message} (in the definition of materialized view "${stmt.view}")`, stmt.viewPos);
}

/** A name as a double-quoted identifier, which keeps its case and any character. */
function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
