// The Engine: Freshet's public entry point. It wires the layers — parse
// (sql/), bind and plan (plan/), lower to operators (engine/), commit through
// the scheduler (dataflow/) — and owns the catalog, the table stores and the
// view dataflows. Every statement runs to completion synchronously, so a
// commit is atomic with respect to every reader; a durable engine
// (Engine.open) then awaits the write-ahead log's fsync before answering.

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
import { runOneShot, runOverTables } from './engine/one-shot.js';
import type { QueryOutput } from './engine/one-shot.js';
import type { ColdTier } from './storage/cold-tier.js';
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
import { join, resolve } from 'node:path';
import type { DataDirLock } from './storage/data-dir-lock.js';
import { Journal } from './engine/journal.js';
import { Retention } from './engine/retention.js';
import { restoreCheckpoint, takeCheckpoint } from './engine/checkpoint.js';
import { recoverDataDir } from './engine/recovery.js';
import type { OpenOptions, RecoveryReport } from './engine/recovery.js';
import type { CheckpointContext, SavedView } from './engine/checkpoint.js';
import { Definitions, stateSince } from './engine/definitions.js';
import type { StatementRecord } from './engine/definitions.js';
import type { WalRecord } from './storage/wal-record.js';
import { Tiering, tieringOptions } from './engine/tiering.js';
import { ViewSaves } from './engine/view-saves.js';
import { ViewStateFiles } from './storage/view-state-files.js';
import { Backfills } from './engine/backfill.js';
import { createViewInBackground } from './engine/background-create.js';
import { replayAsCreate, replayError } from './engine/replay-view.js';
import type { BackgroundCreateContext } from './engine/background-create.js';
import type { BackfillProgress } from './engine/backfill.js';
import { VIEW_ROWS, tableStatus } from './engine/status.js';
import type { EngineStatus, OperatorStatus } from './engine/status.js';
import { PROGRESS_COLUMNS, PROGRESS_TABLE, progressBatch } from './engine/progress-table.js';
import { SegmentFiles } from './storage/segment-files.js';
import { rmSync } from 'node:fs';
import { StateBudget, stateBudget } from './storage/state-spill.js';
import type { QueryPlan } from './plan/logical-plan.js';

/** Statements that change the catalog: logged as SQL text (the rest either reads or commits table deltas, which are logged as rows). */
/** Log written since the last checkpoint that triggers the next one (recovery replays at most about this much). */
const DEFAULT_CHECKPOINT_BYTES = 64 * 1024 * 1024;
/** Most rows per cold segment file: parquet-wasm converts a whole file in its (never shrinking) memory. */
const DEFAULT_SEGMENT_ROWS = 1_048_576;

const DDL_KINDS: ReadonlySet<Statement['kind']> = new Set(['createTable', 'createView', 'createIndex', 'createSink', 'dropSink', 'dropIndex', 'drop']);

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

export type { OpenOptions, RecoveryReport } from './engine/recovery.js';

export interface EngineOptions {
  /** Milliseconds since the epoch; injectable for deterministic tests. */
  readonly clock?: () => number;
  /**
   * Bytes (estimated) of operator state kept in memory; beyond it, join
   * state moves in parts to scratch files (`<dataDir>/state`, or a temporary
   * folder in memory) and comes back when a change needs it. Default: no limit.
   */
  readonly stateMemory?: number;
}

export type { EngineStatus, TableStatus } from './engine/status.js';

export class Engine {
  private readonly catalog = new Catalog();
  private readonly tables = new Map<string, TableStore>();
  private readonly scheduler = new Scheduler((r) => this.snapshot(r));
  readonly clock: () => number;
  /** Watermarks, allowed lateness and late rows of tables with event time. */
  private readonly eventTime = new EventTime();
  /** WITH (retention = ...): rows past it leave their table after commits (engine/retention.ts). */
  private readonly retention = new Retention();
  /** CREATE SINK: where each commit's changes go next (src/sinks/). */
  private readonly sinkManager = new SinkManager({
    applyToTable: (_sink, table, changes) => this.applySinkChanges(table, changes),
    recordDeadLetters: (letters) => {
      const store = this.tables.get(DEAD_LETTER_TABLE)!;
      this.commit(DEAD_LETTER_TABLE, store, store.insertDelta(deadLetterBatch(letters)));
    },
    // A table sink's dead letter is replayed, not logged: its failed_at must come out the same then.
    now: () => (this.statementMicros === null ? this.clock() : this.statementMicros / 1000),
    webhookDone: (sink, done) => {
      try {
        this.journal.note({ kind: 'sinkDone', lsn: this.scheduler.lsn, micros: this.clockMicros(), sink, done });
      } catch {
        // The log is broken; the next commit reports it. At worst the sink resends after a restart.
      }
    },
  });
  /** Sink delivery: `await engine.sinks.flush('s')` waits until sink s has delivered (or dead-lettered) what it had queued. */
  readonly sinks: SinkControl = this.sinkManager;
  /** The write-ahead log's view of the engine: what is logged, and when it is durable (engine/journal.ts). */
  private readonly journal = new Journal();
  /** What recovery found and did (Engine.open); null for an in-memory engine. */
  recovery: RecoveryReport | null = null;
  /** A durable engine's data directory; null in memory. */
  private dataDir: string | null = null;
  private checkpointOnClose = false;
  private checkpointViews = true;
  private checkpointBytes = Number.POSITIVE_INFINITY;
  /** Views being built in the background (engine/backfill.ts). */
  private readonly backfills = new Backfills();
  /** While recovery rebuilds a view created at this LSN: the rows retention removed since then count for it. */
  private rebuildAsOf: number | null = null;
  /** While recovery re-creates a view from a checkpoint: its saved state (engine/checkpoint.ts). */
  private savedView: SavedView | null = null;
  /** True when recovery replayed log records that no checkpoint covers yet. */
  private replayedSinceCheckpoint = false;
  /** Moves old rows to Parquet segments at checkpoints (engine/tiering.ts); null in memory. */
  private tiering: Tiering | null = null;
  /** Which file holds each view's saved state (engine/view-saves.ts); null in memory. */
  private viewSaves: ViewSaves | null = null;
  /** Log size at the last look at the hot tier's size (it is looked at every so much log). */
  private hotCheckedAt = 0;
  /** Keeps a second process (or engine) off the data directory until close. */
  private lock: DataDirLock | null = null;
  /** The DDL that recreates the catalog, for checkpoints (engine/definitions.ts). */
  private readonly definitions = new Definitions();
  /** True while recovery rebuilds the catalog from a checkpoint: sinks then send no snapshot. */
  private restoring = false;
  /** Operator state kept in memory, and the scratch files beyond it (storage/state-spill.ts); null without a limit. */
  private readonly stateBudget: StateBudget | null;

  /**
   * A durable engine: recovers what `dataDir` holds (replaying its
   * write-ahead log), then logs every commit there and acknowledges it only
   * once it is on disk. `new Engine()` is the in-memory engine.
   */
  static async open(options: OpenOptions): Promise<Engine> {
    const engine = new Engine(options);
    const tiering = tieringOptions(options, DEFAULT_SEGMENT_ROWS);
    engine.tiering = new Tiering(new SegmentFiles(join(resolve(options.dataDir), 'segments'), tiering.segmentCacheBytes), tiering);
    engine.viewSaves = new ViewSaves(new ViewStateFiles(join(resolve(options.dataDir), 'views')));
    const recovered = await recoverDataDir(options, {
      sinks: engine.sinkManager,
      restore: (checkpoint) => restoreCheckpoint(engine.checkpointContext(), checkpoint),
      replay: (record) => engine.replay(record),
      lsn: () => engine.lsn,
      close: () => engine.close(),
    });
    engine.dataDir = recovered.dataDir;
    engine.lock = recovered.lock;
    // Scratch files of operator state a killed run left (a budget empties the folder on first use and at close).
    if (engine.stateBudget === null) rmSync(join(recovered.dataDir, 'state'), { recursive: true, force: true });
    engine.checkpointOnClose = options.checkpointOnClose ?? true;
    engine.checkpointViews = options.checkpointViews ?? true;
    engine.checkpointBytes = options.checkpointBytes ?? DEFAULT_CHECKPOINT_BYTES;
    engine.journal.attach(recovered.wal);
    engine.sinkManager.release();
    engine.recovery = recovered.report;
    engine.replayedSinceCheckpoint = recovered.report.records > 0;
    return engine;
  }

  /**
   * Writes the engine's state (catalog definitions, every table's rows,
   * each view's state, watermarks, sink progress and queues) as a checkpoint
   * and starts a new log segment, so recovery replays only what follows. The
   * previous checkpoint and the log since it stay, in case the new file is
   * damaged; older ones are deleted. Views whose state has no saved form are
   * rebuilt from the tables at recovery (engine/checkpoint.ts). Does nothing in memory, when
   * nothing was logged since the last checkpoint, or after a storage fault
   * (memory may then hold a commit the log lacks).
   */
  async checkpoint(): Promise<void> {
    if (this.dataDir === null || !this.journal.healthy) return;
    // Nothing new since the last checkpoint, unless recovery replayed log the next start would replay again.
    if (this.journal.appendedSinceRotation === 0 && !this.replayedSinceCheckpoint) return;
    takeCheckpoint(this.checkpointContext(), join(this.dataDir, 'checkpoints'));
    this.replayedSinceCheckpoint = false;
    await this.journal.durable();
  }

  private checkpointContext(): CheckpointContext {
    return {
      tables: this.tables,
      scheduler: this.scheduler,
      eventTime: this.eventTime,
      sinkManager: this.sinkManager,
      definitions: this.definitions,
      journal: this.journal,
      tiering: this.tiering,
      saveViews: this.checkpointViews,
      viewSaves: this.viewSaves,
      rerun: (record, micros, view) => {
        this.restoring = true;
        this.rebuildAsOf = view?.rebuildAsOf ?? null;
        this.savedView = view ?? null;
        try {
          this.runRecord(record, micros);
        } finally {
          this.restoring = false;
          this.rebuildAsOf = null;
          this.savedView = null;
        }
      },
      oldestReader: (table) => {
        let oldest = Number.POSITIVE_INFINITY;
        for (const view of this.catalog.directDependents(table)) {
          const found = this.definitions.all().find((d) => d.name === view.name);
          const created = found === undefined ? undefined : stateSince(found);
          // A view not in the definitions is being built: keep everything until it is.
          oldest = Math.min(oldest, created ?? Number.NEGATIVE_INFINITY);
        }
        return oldest;
      },
    };
  }

  /**
   * Where retention puts the rows it removes from `table`: for a durable
   * engine whose views read the table, the table's cold tier keeps them as
   * expired at the current LSN (storage/cold-tier.ts), so recovery from a
   * checkpoint can rebuild those views; otherwise nowhere.
   */
  private keepExpired(table: string, store: TableStore): { readonly lsn: number; readonly tier: () => ColdTier } | null {
    const tiering = this.tiering;
    if (tiering === null || this.catalog.directDependents(table).length === 0) return null;
    return { lsn: this.scheduler.lsn, tier: () => (store.cold ??= tiering.coldTier(store)) };
  }

  /** Runs a logged DDL statement again at statement time `micros`. */
  private runRecord(record: StatementRecord, micros: number): QueryResult {
    const stmt = parseSql(record.sql)[record.index];
    assert(stmt !== undefined, `logged statement ${record.index} is missing from its text`);
    return this.runStatement(stmt, record.params, micros);
  }

  constructor(options: EngineOptions = {}) {
    this.clock = options.clock ?? Date.now;
    const dataDir = 'dataDir' in options ? (options as OpenOptions).dataDir : null;
    this.stateBudget = stateBudget(options.stateMemory, dataDir === null ? null : join(resolve(dataDir), 'state'));
    this.catalog.add({ kind: 'table', name: DEAD_LETTER_TABLE, columns: DEAD_LETTER_COLUMNS, primaryKey: [], system: true });
    this.tables.set(DEAD_LETTER_TABLE, new TableStore(DEAD_LETTER_COLUMNS, []));
    for (const t of SYSTEM_TABLES) {
      const entry: TableEntry = { kind: 'table', name: t.name, columns: t.columns, primaryKey: t.primaryKey, system: true };
      this.catalog.add(entry);
      this.tables.set(t.name, new TableStore(t.columns, t.primaryKey));
    }
    this.catalog.add({ kind: 'table', name: PROGRESS_TABLE, columns: PROGRESS_COLUMNS, primaryKey: [], system: true, virtual: true });
    this.tables.set(PROGRESS_TABLE, new TableStore(PROGRESS_COLUMNS, []));
  }

  /** The views being built in the background, with their progress (what freshet_progress shows). */
  progress(): BackfillProgress[] {
    return this.backfills.all();
  }

  /** What CREATE/DROP/SHOW/EXPLAIN of tables and views use (engine/relation-ddl.ts). */
  private readonly ddl: RelationDdlContext = {
    catalog: this.catalog,
    tables: this.tables,
    scheduler: this.scheduler,
    eventTime: this.eventTime,
    commitChanges: (changes) => this.commitChanges(changes),
    snapshot: (r) => this.snapshot(r),
    chunks: (r) => {
      const table = this.tables.get(r);
      if (table === undefined || table.cold === null) return null;
      return table.rowChunks(undefined, this.rebuildAsOf ?? undefined);
    },
    statementTime: () => this.statementMicros ?? this.clockMicros(),
    sinkContext: () => this.sinkContext(),
    replaceView: (name, difference, swap) => {
      const produced = this.scheduler.propagate(new Map([[name, difference]]), this.statementMicros ?? this.clockMicros(), name);
      swap();
      produced.set(name, difference);
      this.sinkManager.afterCommit(this.scheduler.lsn, produced);
    },
    requireBuilt: (name, action) => this.backfills.requireBuilt(name, action),
    stateBudget: () => this.stateBudget,
    savedView: () => this.savedView,
  };

  /** What a CREATE built in the background uses (engine/background-create.ts). */
  private readonly backgroundContext: BackgroundCreateContext = {
    ddl: this.ddl,
    backfills: this.backfills,
    journal: this.journal,
    definitions: this.definitions,
    restoring: () => this.restoring,
    clockMicros: () => this.clockMicros(),
    atStatementTime: (micros, work) => {
      this.statementMicros = micros;
      try {
        return work();
      } finally {
        this.statementMicros = null;
      }
    },
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
    this.advanceClock(nowMs === undefined ? this.clockMicros() : Math.max(this.scheduler.time, msToMicros(nowMs)));
    await this.journal.durable();
  }

  private advanceClock(now: number): void {
    const before = this.scheduler.lsn;
    this.journal.logged(
      () => {
        if (!this.scheduler.dueAt(now)) {
          // Nothing moves, but time did: later statements must not run before it.
          this.scheduler.time = Math.max(this.scheduler.time, now);
          return;
        }
        const produced = this.scheduler.propagate(new Map(), now);
        this.sinkManager.afterCommit(this.scheduler.lsn, produced);
      },
      () => (this.scheduler.lsn === before ? null : { kind: 'tick', lsn: before, micros: now }),
    );
  }

  /** The log sequence number of the last commit. */
  get lsn(): number {
    return this.scheduler.lsn;
  }

  /** Runs one or more `;`-separated statements; returns the last statement's result. */
  async sql(text: string, params: readonly unknown[] = []): Promise<QueryResult> {
    const results = await this.executeDurably(text, params);
    return results[results.length - 1] ?? commandResult('EMPTY');
  }

  /** Runs one or more `;`-separated statements; one result per statement, in order.
   *  Each statement commits on its own: when statement k fails, 1..k-1 stay committed
   *  and the EngineError thrown carries `statementIndex` = k - 1 (0-based). */
  async sqlAll(text: string, params: readonly unknown[] = []): Promise<QueryResult[]> {
    return this.executeDurably(text, params);
  }

  /** Inserts row objects (column name -> value) into a table as one commit. */
  async insert(table: string, rows: readonly Record<string, unknown>[]): Promise<QueryResult> {
    const entry = this.requireTable(table);
    const { targets, columns } = objectsToColumns(entry, rows);
    const result = this.insertColumns(entry, widenToTable(entry, targets, columns, rows.length));
    await this.afterCommit();
    return result;
  }

  /** Bulk insert of an apache-arrow Table whose column names match the table's
   *  (a subset is allowed; missing columns are NULL). One commit; the fast path for
   *  loading millions of rows. */
  async insertArrow(table: string, data: ArrowTable): Promise<QueryResult> {
    const entry = this.requireTable(table);
    const { targets, columns } = arrowToColumns(entry, data);
    const result = this.insertColumns(entry, widenToTable(entry, targets, columns, data.numRows));
    await this.afterCommit();
    return result;
  }

  /** What an operator looks at first (GET /v1/status): where the engine stands, what recovery did, what it holds. */
  status(): EngineStatus {
    return {
      lsn: this.scheduler.lsn,
      durable: this.dataDir !== null,
      dataDir: this.dataDir,
      healthy: this.dataDir === null || this.journal.healthy,
      logBytesSinceCheckpoint: this.journal.bytesSinceRotation,
      recovery: this.recovery,
      tables: this.catalog.tables().map((t) => tableStatus(t.name, this.tables.get(t.name)!)),
      backfills: this.backfills.all(),
      segmentCache: this.tiering === null ? null : { bytes: this.tiering.files.cache.bytes, hits: this.tiering.files.cache.hits, misses: this.tiering.files.cache.misses },
      operators: this.stateSizes(),
      stateMemory: this.stateBudget?.status() ?? null,
    };
  }

  /**
   * The operator state each view holds now (entries: rows, groups or values,
   * as each operator counts them), for monitoring and benchmarks. EXPLAIN
   * VIEW shows the same per operator with its cost.
   */
  stateSizes(view?: string): OperatorStatus[] {
    const names = view === undefined ? this.catalog.views().map((v) => v.name).filter((n) => this.scheduler.node(n) !== undefined) : [view];
    return names.flatMap((name) => {
      const node = this.scheduler.node(name);
      if (node === undefined) throw new EngineError(SqlState.undefinedTable, `materialized view "${name}" does not exist`);
      const rows = node.sink;
      const viewRows = { operator: VIEW_ROWS, entries: rows.distinctRows, ...(rows.spillable ? { memory: rows.stateMemory() } : {}) };
      return [...circuitState(node.circuit), viewRows].map((s) => ({ view: name, ...s }));
    });
  }

  /** Stops sink delivery (requests in flight are awaited); a durable engine then takes a checkpoint and closes its log. */
  async close(): Promise<void> {
    this.backfills.abortAll();
    await this.sinkManager.close();
    if (this.checkpointOnClose) {
      try {
        await this.checkpoint();
      } catch {
        // Everything is in the log; the next start replays more of it.
      }
    }
    await this.journal.close();
    this.stateBudget?.close();
    this.lock?.release();
    this.lock = null;
  }

  private insertColumns(entry: TableEntry, batch: ZBatch): QueryResult {
    const store = this.tables.get(entry.name)!;
    this.commit(entry.name, store, store.insertDelta(batch));
    return commandResult('INSERT', batch.length);
  }

  /** Runs statements, then waits until what they committed is durable — also when one of them failed, since the ones before it stay committed. */
  private async executeDurably(text: string, params: readonly unknown[]): Promise<QueryResult[]> {
    let results: QueryResult[];
    try {
      results = await this.execute(text, params);
    } catch (err) {
      await this.journal.durable();
      throw err;
    }
    await this.afterCommit();
    return results;
  }

  /** Waits until what was logged is durable; then, when the log since the last checkpoint outgrew checkpointBytes, takes one. */
  private async afterCommit(): Promise<void> {
    await this.journal.durable();
    if (this.journal.bytesSinceRotation < this.checkpointBytes && !this.hotOverBudget()) return;
    try {
      await this.checkpoint();
    } catch {
      // The log still holds everything; the server's periodic checkpoint reports the failure.
    }
  }

  /**
   * True when the tables' rows in memory outgrew --hot-memory, so a
   * checkpoint should move some cold. Looked at once per so much log (rows
   * reach memory only through logged commits), not after every commit.
   */
  private hotOverBudget(): boolean {
    const tiering = this.tiering;
    if (tiering === null || !Number.isFinite(tiering.options.hotMemory)) return false;
    const logged = this.journal.bytesSinceRotation;
    if (logged >= this.hotCheckedAt && logged - this.hotCheckedAt < Math.min(256 * 1024, tiering.options.hotMemory / 8)) return false;
    this.hotCheckedAt = logged;
    return tiering.overBudget(this.tables);
  }

  private async execute(text: string, params: readonly unknown[]): Promise<QueryResult[]> {
    const statements = tooComplexGuard(() => parseSql(text));
    const results: QueryResult[] = [];
    for (const [index, parsed] of statements.entries()) {
      try {
        const { stmt, params: stmtParams } =
          parsed.kind === 'replay' ? replayAsCreate(this.catalog, this.definitions, parsed, (view) => this.backfills.requireBuilt(view, 'replay')) : { stmt: parsed, params };
        // now() is the clock's time when the statement starts, as in PostgreSQL.
        const now = this.clockMicros();
        const before = this.scheduler.lsn;
        const background = stmt.kind === 'createView' ? createViewInBackground(this.backgroundContext, stmt, stmtParams, now) : null;
        try {
          results.push(
            background !== null
              ? await background
              : DDL_KINDS.has(stmt.kind)
                ? this.runDdl(stmt, { kind: 'statement', lsn: before, micros: now, sql: stmt.text, index: 0, params: stmtParams })
                : this.runStatement(stmt, stmtParams, now),
          );
        } catch (err) {
          throw parsed.kind === 'replay' ? replayError(err, parsed) : err;
        }
      } catch (err) {
        if (err instanceof EngineError && statements.length > 1) {
          err.statementIndex = index;
          err.completedResults = results;
        }
        throw err;
      }
    }
    return results;
  }

  /** Re-applies one logged operation during recovery; it must find the engine at the LSN it was logged at. */
  private replay(record: WalRecord): void {
    if (record.lsn !== this.scheduler.lsn) {
      throw new Error(`the log's ${record.kind} record follows LSN ${record.lsn}, but replay reached LSN ${this.scheduler.lsn}`);
    }
    switch (record.kind) {
      case 'statement': {
        const stmt = parseSql(record.sql)[record.index];
        assert(stmt !== undefined, `logged statement ${record.index} is missing from its text`);
        this.runDdl(stmt, record);
        return;
      }
      case 'delta': {
        const store = this.tables.get(record.table);
        assert(store !== undefined, `logged rows for table ${record.table}, which does not exist at that point`);
        this.statementMicros = record.micros;
        try {
          this.commit(record.table, store, record.batch);
        } finally {
          this.statementMicros = null;
        }
        return;
      }
      case 'tick':
        this.advanceClock(record.micros);
        return;
      case 'sinkDone':
        this.sinkManager.skipDone(record.sink, record.done);
        return;
    }
  }

  /** A DDL statement, logged as `record` (when logging) and kept in the definitions a checkpoint saves. */
  private runDdl(stmt: Statement, record: StatementRecord): QueryResult {
    const indexesBefore = Definitions.indexNames(this.catalog);
    const result = this.journal.logged(() => this.runStatement(stmt, record.params, record.micros), () => record);
    this.definitions.afterStatement(stmt, record, this.catalog, indexesBefore);
    return result;
  }

  /** One statement at statement time `now` (µs); in a view definition now() stays symbolic (a temporal filter moves with the clock). */
  private runStatement(stmt: Statement, params: readonly unknown[], now: number): QueryResult {
    this.statementMicros = now;
    const definesView = stmt.kind === 'createView' || (stmt.kind === 'explain' && stmt.target.kind === 'createView');
    try {
      return tooComplexGuard(() => withStatementTime(definesView ? null : now, () => this.executeStatement(stmt, params)));
    } finally {
      this.statementMicros = null;
    }
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
          const out = this.oneShot(plan);
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
      case 'replay':
        throw new Error('REPLAY runs as the CREATE it translates to (engine/replay-view.ts)');
      case 'query': {
        const plan = bindQuery(stmt.query, { catalog: this.catalog, params, forView: false });
        const out = this.oneShot(plan);
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
    // The time this commit runs at is logged with it, so replay runs it at the same time.
    const micros = this.statementMicros ?? this.clockMicros();
    const outer = this.statementMicros;
    const before = this.scheduler.lsn;
    this.statementMicros = micros;
    try {
      return this.journal.logged(
        () => this.commitTable(table, store, delta),
        () => ({ kind: 'delta', lsn: before, micros, table, batch: delta }),
      );
    } finally {
      this.statementMicros = outer;
    }
  }

  private commitTable(table: string, store: TableStore, delta: ZBatch): ZBatch {
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
    if (entry?.kind === 'table' && entry.eventTime?.retention !== undefined) {
      // A view being built from the table drops what retention removes (engine/backfill.ts).
      const builds = this.backfills.readersOf(table);
      const time = this.scheduler.time;
      const removed = builds.length === 0 ? undefined : (rows: ZBatch): void => builds.forEach((b) => b.forget(table, rows, time));
      this.retention.expire(entry, store, this.eventTime.watermark(table)!, this.keepExpired(table, store), removed);
    }
    return changes[0]![1];
  }

  /** Applies deltas to several tables and propagates them as one commit; undoes all of it on failure. */
  private commitChanges(changes: readonly [string, ZBatch][], onFailure: () => void = () => {}): void {
    const applied: [TableStore, ZBatch][] = [];
    let produced: Map<string, ZBatch>;
    try {
      for (const [name, delta] of changes) {
        const store = this.tables.get(name)!;
        store.apply(delta, this.scheduler.lsn + 1);
        applied.push([store, delta]);
      }
      produced = this.scheduler.propagate(new Map(changes), this.statementMicros ?? this.clockMicros());
    } catch (err) {
      for (let i = applied.length - 1; i >= 0; i--) applied[i]![0].apply(negateBatch(applied[i]![1]));
      onFailure();
      throw err;
    }
    this.tiering?.noteCommit(this.scheduler.lsn, this.scheduler.time);
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

  /** A one-shot query over the current rows (cold segments and views' parts streamed, segments pruned: engine/one-shot.ts). */
  private oneShot(plan: QueryPlan): QueryOutput {
    const snapshot = (r: string): ZBatch => this.snapshot(r);
    const viewParts = (r: string): Iterable<ZBatch> | null => {
      if (this.tables.has(r) || r === PROGRESS_TABLE) return null;
      this.backfills.requireBuilt(r, 'read');
      return this.scheduler.node(r)?.sink.chunks() ?? null;
    };
    return this.tiering === null ? runOneShot(plan, snapshot, viewParts) : runOverTables(plan, this.tables, snapshot, viewParts);
  }

  private snapshot(relation: string): ZBatch {
    if (relation === PROGRESS_TABLE) return progressBatch(this.backfills.all());
    const table = this.tables.get(relation);
    if (table !== undefined) return table.rowsSnapshot(undefined, this.rebuildAsOf ?? undefined);
    this.backfills.requireBuilt(relation, 'read');
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
    return { catalog: this.catalog, sinks: this.sinkManager, snapshot: (r) => this.snapshot(r), lsn: this.scheduler.lsn, restoring: this.restoring };
  }
}

/** Rows a delta adds (its positive weights). */
function positiveRows(delta: ZBatch): number {
  let n = 0;
  for (let i = 0; i < delta.length; i++) if (delta.weights[i]! > 0) n += delta.weights[i]!;
  return n;
}
