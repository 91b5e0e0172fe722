// Background backfill: a new materialized view (or the new version of one
// being replaced) over large inputs is hydrated in chunks of 65,536 rows or
// more (growing while a chunk takes under 100 ms) —
// cold segments first, one read at a time, then the rows in memory — yielding to the event loop between
// chunks, so ingest and queries go on meanwhile and memory holds one chunk of
// input at a time (plus the view's own state). The inputs are frozen at the
// start (the rows in memory copied, cold segments pinned); commits that reach
// the inputs meanwhile are buffered (a scheduler tap) and applied in order
// after the last chunk, so the view ends exactly as if it had been created
// at once and then maintained. Progress (rows done of total, rate, ETA) is
// what `freshet_progress`, GET /v1/progress and the CLI's bar show.
//
// Only views whose result does not depend on when rows arrive take this
// path: no temporal filter, no state cleanup driven by watermarks, no EMIT ON
// WINDOW CLOSE, no recursion. The others (and every view during recovery)
// are built in one step, as before.

import { EngineError, SqlState } from '../common/errors.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { gatherBatch, negateBatch } from '../columnar/z-batch.js';
import type { Circuit } from '../dataflow/circuit.js';
import { circuitState } from '../dataflow/circuit.js';
import type { MaterializedRows } from '../dataflow/materialized-rows.js';
import type { CommitTap, Scheduler } from '../dataflow/scheduler.js';
import type { FrozenCold } from '../storage/cold-tier.js';
import type { TableStore } from '../storage/table-store.js';
import { SINGLE_ROW } from './one-shot.js';

/** Rows of input below which a view is built in one step (the wait is short anyway). */
export const BACKGROUND_MIN_ROWS = 200_000;
/** Rows per chunk at first: between chunks other requests run, so this bounds how long one waits. */
const CHUNK_ROWS = 65_536;
/**
 * Chunks grow while one takes less than this (doubling at most, up to
 * MAX_CHUNK_ROWS): each chunk also costs work in proportion to the groups
 * it touches (an aggregate emits each group's change once per chunk), so
 * when chunks are quick, fewer larger ones build the view sooner, at the
 * price of requests waiting up to about this long between two.
 */
const CHUNK_TARGET_MS = 100;
const MAX_CHUNK_ROWS = 1_048_576;
/**
 * Rows per chunk once the view's state is partly in scratch files
 * (--state-memory): every chunk reads back the parts it touches, so fewer,
 * larger chunks read them fewer times (commits meanwhile wait longer).
 */
const SPILLING_CHUNK_ROWS = 524_288;

/** One running backfill, as `freshet_progress` shows it. */
export interface BackfillProgress {
  readonly view: string;
  /** 'snapshot' while the inputs' existing rows flow through; 'catching up' while the commits buffered meanwhile do. */
  readonly phase: 'snapshot' | 'catching up';
  readonly rowsDone: number;
  readonly rowsTotal: number;
  /** Wall-clock ms when it started. */
  readonly startedMs: number;
  /** Rows per second so far; null before the first chunk. */
  readonly rowsPerSecond: number | null;
  /** Seconds left at that rate; null while unknown. */
  readonly etaSeconds: number | null;
  /** Commits buffered while the snapshot flows. */
  readonly bufferedCommits: number;
}

/** One input of the view: its frozen rows, read chunk by chunk. */
interface Source {
  readonly relation: string;
  readonly rows: number;
  readonly cold: FrozenCold | null;
  readonly hot: ZBatch;
}

/** The running backfills of one engine, by view name. */
export class Backfills {
  private readonly running = new Map<string, Backfill>();

  /** The progress of view `name`'s backfill, or null when none runs. */
  progressOf(name: string): BackfillProgress | null {
    return this.running.get(name)?.progress() ?? null;
  }

  all(): BackfillProgress[] {
    return [...this.running.values()].map((b) => b.progress());
  }

  /** The running builds that read `relation`. */
  readersOf(relation: string): Backfill[] {
    return [...this.running.values()].filter((b) => b.relations.includes(relation));
  }

  /** Asks every running backfill to stop at its next chunk (engine shutdown); each fails with 57P01. */
  abortAll(): void {
    for (const b of this.running.values()) b.aborted = true;
  }

  /**
   * Fails with 55000 when view `name` is being built (it cannot be read,
   * explained or dropped yet). A view whose new version is being built is
   * its old version meanwhile: only another replacement is refused.
   */
  requireBuilt(name: string, action: string): void {
    const b = this.running.get(name);
    if (b === undefined || (b.replacing && action !== 'replace')) return;
    const p = b.progress();
    const percent = p.rowsTotal === 0 ? 100 : Math.floor((100 * p.rowsDone) / p.rowsTotal);
    throw new EngineError(
      SqlState.objectNotInPrerequisiteState,
      `cannot ${action} materialized view "${name}": it is still being built (${p.phase}, ${p.rowsDone} of ${p.rowsTotal} rows, ${percent}%); see freshet_progress`,
    );
  }

  /** Registers `b` for the time `run` takes. */
  async track<T>(b: Backfill, run: () => Promise<T>): Promise<T> {
    this.running.set(b.view, b);
    try {
      return await run();
    } finally {
      this.running.delete(b.view);
    }
  }
}

/** A view's backfill: its circuit and sink, its frozen inputs, and what it buffered. */
export class Backfill {
  aborted = false;
  /** Set when a chunk failed: the view must be built in one step over the inputs as they are then. */
  chunkError: EngineError | null = null;
  private phase: BackfillProgress['phase'] = 'snapshot';
  private rowsDone = 0;
  private readonly startedMs = Date.now();
  /** Rows in the next chunk while the state is in memory (see CHUNK_TARGET_MS). */
  private chunkSize = CHUNK_ROWS;
  private firstChunkMs: number | null = null;
  /** Commits since the freeze that reached the view's inputs, in commit order. */
  private readonly buffered: { readonly changes: ReadonlyMap<string, ZBatch>; readonly time: number }[] = [];
  private readonly tap: CommitTap;
  private readonly sources: Source[];
  readonly rowsTotal: number;
  /** The relations the view reads. */
  readonly relations: readonly string[];

  constructor(
    readonly view: string,
    /** True when this builds the new version of an existing view (which stays readable meanwhile). */
    readonly replacing: boolean,
    private readonly circuit: Circuit,
    private readonly sink: MaterializedRows,
    private readonly scheduler: Scheduler,
    /** The view's inputs: tables' stores, or views' materialized rows. */
    input: (relation: string) => { readonly store: TableStore } | { readonly rows: ZBatch },
  ) {
    const relations = circuit.relations();
    this.relations = relations;
    const sources: Source[] = [];
    try {
      for (const relation of relations) {
        const got = input(relation);
        if ('rows' in got) sources.push({ relation, rows: got.rows.length, cold: null, hot: got.rows });
        else {
          const { hot, cold } = got.store.freeze();
          sources.push({ relation, rows: hot.length + (cold?.rows ?? 0), cold, hot });
        }
      }
    } catch (err) {
      // An input that cannot be read (a view still being built): let go of what was frozen.
      for (const source of sources) source.cold?.release();
      throw err;
    }
    this.sources = sources;
    this.rowsTotal = this.sources.reduce((n, s) => n + s.rows, 0);
    const read = new Set(relations);
    this.tap = (changes, time) => {
      const mine = new Map<string, ZBatch>();
      for (const [r, d] of changes) if (read.has(r) && d.length > 0) mine.set(r, d);
      if (mine.size > 0) this.buffered.push({ changes: mine, time });
    };
    scheduler.taps.add(this.tap);
  }

  /**
   * Rows retention removed from `relation` at clock time `time`: the view,
   * built over them, drops them after the snapshot, as one created after the
   * removal would never have seen them (and as log replay builds it).
   */
  forget(relation: string, rows: ZBatch, time: number): void {
    if (rows.length > 0) this.buffered.push({ changes: new Map([[relation, negateBatch(rows)]]), time });
  }

  progress(): BackfillProgress {
    const elapsed = this.firstChunkMs === null ? 0 : (Date.now() - this.startedMs) / 1000;
    const rate = elapsed > 0 ? this.rowsDone / elapsed : null;
    return {
      view: this.view,
      phase: this.phase,
      rowsDone: this.rowsDone,
      rowsTotal: this.rowsTotal,
      startedMs: this.startedMs,
      rowsPerSecond: rate,
      etaSeconds: rate === null || rate === 0 ? null : (this.rowsTotal - this.rowsDone) / rate,
      bufferedCommits: this.buffered.length,
    };
  }

  /**
   * Streams the frozen inputs through the circuit at clock time `time`,
   * yielding between chunks; then applies the buffered commits. Resolves
   * with the view built and current: the caller installs it in the same
   * turn of the event loop, before any other commit. Always releases what it
   * holds (tap, pinned segments), also on failure.
   */
  async run(time: number): Promise<void> {
    try {
      // A FROM-less branch (a UNION with SELECT 1) sees its single row once.
      this.sink.apply(this.circuit.step((r) => (r === null ? SINGLE_ROW : undefined), undefined, undefined, time));
      const step = (relation: string, chunk: ZBatch): void => {
        this.sink.apply(this.circuit.step((r) => (r === relation ? chunk : undefined), undefined, undefined, time));
        this.rowsDone += chunk.length;
        this.firstChunkMs ??= Date.now();
      };
      try {
        await this.stream(step);
      } catch (err) {
        // A chunk can give a state the whole input never has (count(*) - 10 = 0 partway): the caller
        // builds the view in one step instead. Shutdown is not such an error.
        if (!(err instanceof EngineError) || err.code === SqlState.adminShutdown) throw err;
        this.chunkError = err;
        return;
      }
      await this.pause();
      // The rest runs without yielding: when it ends the view is current, and the caller installs it at once.
      this.phase = 'catching up';
      for (const { changes, time: t } of this.buffered) {
        this.sink.apply(this.circuit.step((r) => (r === null ? undefined : changes.get(r)), undefined, undefined, t));
      }
      this.buffered.length = 0;
    } finally {
      this.scheduler.taps.delete(this.tap);
      for (const s of this.sources) s.cold?.release();
    }
  }

  /** Feeds every frozen input through `step` a chunk at a time (see chunkRows), yielding between chunks. */
  private async stream(step: (relation: string, chunk: ZBatch) => void): Promise<void> {
    const chunks = async (relation: string, rows: ZBatch): Promise<void> => {
      for (let from = 0; from < rows.length; ) {
        await this.pause();
        const end = Math.min(rows.length, from + this.chunkRows());
        const t0 = performance.now();
        step(relation, from === 0 && end === rows.length ? rows : slice(rows, from, end));
        this.adapt(end - from, performance.now() - t0);
        from = end;
      }
    };
    for (const source of this.sources) {
      for (let i = 0; i < (source.cold?.segments ?? 0); i++) {
        await this.pause();
        await chunks(source.relation, source.cold!.read(i));
      }
      await chunks(source.relation, source.hot);
    }
  }

  /** The adaptive chunk size, or SPILLING_CHUNK_ROWS once some of the view's state is in scratch files. */
  private chunkRows(): number {
    return circuitState(this.circuit).some((s) => (s.memory?.coldParts ?? 0) > 0) ? Math.max(SPILLING_CHUNK_ROWS, this.chunkSize) : this.chunkSize;
  }

  /** After a full chunk of `rows` took `ms`: the next one aims at CHUNK_TARGET_MS, between CHUNK_ROWS and MAX_CHUNK_ROWS, at most doubling. */
  private adapt(rows: number, ms: number): void {
    if (rows < this.chunkSize) return;
    const aimed = ms <= 0 ? 2 * rows : Math.floor((rows * CHUNK_TARGET_MS) / ms);
    this.chunkSize = Math.max(CHUNK_ROWS, Math.min(MAX_CHUNK_ROWS, 2 * this.chunkSize, aimed));
  }

  /** Lets other requests run; fails the backfill when the engine is closing. */
  private async pause(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.aborted) throw new EngineError(SqlState.adminShutdown, `building materialized view "${this.view}" was interrupted: the engine is shutting down`);
  }
}

function slice(batch: ZBatch, from: number, end: number): ZBatch {
  const rows = new Int32Array(end - from);
  for (let i = 0; i < rows.length; i++) rows[i] = from + i;
  return gatherBatch(batch, rows);
}
