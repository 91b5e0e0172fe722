// CREATE [OR REPLACE] MATERIALIZED VIEW built in the background (the
// mechanics are backfill.ts): decides whether a statement takes this path,
// reserves a new view's name, runs the backfill while other requests go on,
// and when it ends installs and logs the view in one turn of the event loop,
// as if it had been created then (so log replay creates it at that LSN).

import { disposeNode } from '../dataflow/scheduler.js';
import { EngineError, SqlState } from '../common/errors.js';
import { bindQuery } from '../plan/bind-query.js';
import type { ViewEntry } from '../plan/catalog.js';
import { deriveStateBounds } from '../plan/state-bounds.js';
import type { QueryResult } from '../query-result.js';
import type { CreateViewStmt } from '../sql/ast.js';
import { withStatementTime } from '../expr/functions/now-functions.js';
import { BACKGROUND_MIN_ROWS, Backfill } from './backfill.js';
import type { Backfills } from './backfill.js';
import { chunkable } from './chunkable.js';
import { Definitions } from './definitions.js';
import type { StatementRecord } from './definitions.js';
import type { Journal } from './journal.js';
import { SINGLE_ROW } from './one-shot.js';
import { canTakeState, installView, prepareView, replaceTarget } from './relation-ddl.js';
import type { BuiltView, RelationDdlContext } from './relation-ddl.js';

/** What a background CREATE needs of the Engine. */
export interface BackgroundCreateContext {
  readonly ddl: RelationDdlContext;
  readonly backfills: Backfills;
  readonly journal: Journal;
  readonly definitions: Definitions;
  /** True while recovery rebuilds the engine: every view is then built in its statement. */
  restoring(): boolean;
  clockMicros(): number;
  /** Runs `work` with now() of the statement at `micros`. */
  atStatementTime<T>(micros: number, work: () => T): T;
}
/**
 * CREATE [OR REPLACE] MATERIALIZED VIEW over large inputs, built in the
 * background (engine/backfill.ts): other requests run while it hydrates,
 * and it is logged and installed when it ends, as if created then. Null
 * when the view is built in one step instead (small inputs, a view whose
 * result depends on time, or during recovery); the usual path then runs.
 */
export function createViewInBackground(ctx: BackgroundCreateContext, stmt: CreateViewStmt, params: readonly unknown[], now: number): Promise<QueryResult> | null {
  if (ctx.restoring() || !stmt.materialized) return null;
  const old = replaceTarget(ctx.ddl, stmt);
  if (old === 'exists') return null;
  const plan = bindQuery(stmt.query, { catalog: ctx.ddl.catalog, params, forView: true });
  const cleanup = [...deriveStateBounds(plan.root, ctx.ddl.catalog).values()].some((b) => b.kind !== 'none');
  if (!chunkable(plan.root, cleanup, stmt.emitOnWindowClose === true)) return null;
  let rows = 0;
  let cold = false;
  for (const input of plan.dependsOn) {
    const store = ctx.ddl.tables.get(input);
    if (store !== undefined) {
      rows += store.rowCount;
      cold ||= (store.cold?.segmentCount ?? 0) > 0;
    } else rows += ctx.ddl.scheduler.node(input)?.sink.distinctRows ?? 0;
  }
  if (rows < BACKGROUND_MIN_ROWS && !cold) return null;
  const built = withStatementTime(null, () => prepareView(ctx.ddl, stmt, params));
  if (old !== null && canTakeState(ctx.ddl, old, built)) {
    // A new version by the same plan takes the old one's state in its statement (relation-ddl.ts): nothing to build.
    disposeNode(built.node);
    return null;
  }
  const inputs = new Map(built.entry.plan.dependsOn.map((r) => [r, ctx.ddl.catalog.get(r)]));
  const backfill = new Backfill(stmt.name, old !== null, built.node.circuit, built.node.sink, ctx.ddl.scheduler, (r) => {
    const store = ctx.ddl.tables.get(r);
    return store !== undefined ? { store } : { rows: ctx.ddl.snapshot(r) };
  });
  // A new view's name (and its inputs, against DROP) is taken at once; it becomes readable when built.
  if (old === null) ctx.ddl.catalog.add(built.entry);
  return finishInBackground(ctx, stmt, params, old, built, inputs, backfill, now);
}

async function finishInBackground(
  ctx: BackgroundCreateContext,
  stmt: CreateViewStmt,
  params: readonly unknown[],
  old: ViewEntry | null,
  built: BuiltView,
  inputs: ReadonlyMap<string, unknown>,
  backfill: Backfill,
  now: number,
): Promise<QueryResult> {
  try {
    await ctx.backfills.track(backfill, () => backfill.run(now));
    // From here on nothing yields: the view is current, and is installed before any other commit.
    if (backfill.chunkError !== null) {
      // A chunk failed on a partial state: build the view in one step over the inputs as they are now (the error
      // comes back if the whole input gives it too).
      const fresh = withStatementTime(null, () => prepareView(ctx.ddl, stmt, params));
      disposeNode(built.node);
      built = { entry: built.entry, node: fresh.node };
      fresh.node.sink.apply(fresh.node.circuit.step((r) => (r === null ? SINGLE_ROW : ctx.ddl.snapshot(r)), undefined, undefined, ctx.clockMicros()));
    }
    for (const [name, entry] of inputs) {
      if (ctx.ddl.catalog.get(name) !== entry) {
        throw new EngineError(SqlState.objectNotInPrerequisiteState, `"${name}", which the new version of materialized view "${stmt.name}" reads, was dropped or replaced while it was being built; run the statement again`);
      }
    }
    if (old !== null && ctx.ddl.catalog.get(stmt.name) !== old) {
      throw new EngineError(SqlState.objectNotInPrerequisiteState, `materialized view "${stmt.name}" was dropped or replaced while its new version was being built`);
    }
    // Logged now, at the time it takes effect: replay creates it over the tables as they are at this LSN.
    const record: StatementRecord = { kind: 'statement', lsn: ctx.ddl.scheduler.lsn, micros: ctx.clockMicros(), sql: stmt.text, index: 0, params };
    const indexesBefore = Definitions.indexNames(ctx.ddl.catalog);
    const result = ctx.journal.logged(() => ctx.atStatementTime(record.micros, () => installView(ctx.ddl, stmt, old, built, old === null)), () => record);
    ctx.definitions.afterStatement(stmt, record, ctx.ddl.catalog, indexesBefore);
    return result;
  } catch (err) {
    if (old === null && ctx.ddl.catalog.get(stmt.name) === built.entry && ctx.ddl.scheduler.node(stmt.name) === undefined) ctx.ddl.catalog.remove(stmt.name);
    // Spilled state of a version that never came to be must not outlive it.
    if (ctx.ddl.scheduler.node(stmt.name)?.circuit !== built.node.circuit) disposeNode(built.node);
    throw err;
  }
}

