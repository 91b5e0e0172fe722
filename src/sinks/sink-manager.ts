// The running sinks and what each commit owes them. After every commit the
// engine hands over the deltas of the relations it changed; webhook sinks
// queue theirs for their delivery worker, table sinks' changes become further
// commits — applied right away, in order, before the engine call that caused
// them returns (a queue, not recursion, so a chain t1 -> v -> t2 -> w -> t3
// runs breadth-first and the stack stays flat; cycles are refused at CREATE).
// A change a target table refuses is dead-lettered, never dropped silently.

import { EngineError } from '../common/errors.js';
import type { SqlType } from '../common/sql-type.js';
import type { ZBatch } from '../columnar/z-batch.js';
import { consolidateBatch } from '../columnar/consolidate.js';
import type { DeadLetter } from './dead-letter-table.js';
import type { WebhookOptions } from './sink-options.js';
import { encodeCommit, payloadOf } from './sink-payload.js';
import { WebhookSink } from './webhook-sink.js';
import type { WebhookSavedState, WebhookSinkState } from './webhook-sink.js';

export interface SinkManagerHooks {
  /** Commits `changes` (consolidated) of sink `sink` to `table`; returns retractions skipped. Throws EngineError when the table refuses them. */
  applyToTable(sink: string, table: string, changes: ZBatch): number;
  /** Commits rows to freshet_dead_letters; throws when that commit fails. */
  recordDeadLetters(letters: readonly DeadLetter[]): void;
  /** Milliseconds since the epoch. */
  now(): number;
  /** Webhook sink `sink` is done with every commit up to `lsn` (for the log). */
  webhookDone(sink: string, lsn: number): void;
}

type Columns = readonly { name: string; type: SqlType }[];

interface TableSink {
  readonly kind: 'table';
  readonly name: string;
  readonly source: string;
  readonly table: string;
  readonly columns: Columns;
  appliedLsn: number | null;
  deadLetters: number;
  skipped: number;
}

type RunningSink = TableSink | { readonly kind: 'webhook'; readonly name: string; readonly source: string; readonly worker: WebhookSink };

export type SavedSinkState =
  | ({ readonly kind: 'webhook' } & WebhookSavedState)
  | { readonly kind: 'table'; readonly appliedLsn: number | null; readonly deadLetters: number; readonly skipped: number };

export interface SinkState extends WebhookSinkState {
  /** Table sinks: retractions of rows the target no longer held. */
  readonly skippedRetractions: number;
}

/** What the library exposes as `engine.sinks`. */
export interface SinkControl {
  /** Resolves once everything sink `name` (every sink, without a name) had queued is delivered or dead-lettered. */
  flush(name?: string): Promise<void>;
  /** The sink's delivery state, as SHOW SINKS prints it. */
  state(name: string): SinkState;
}

export class SinkManager implements SinkControl {
  private readonly sinks = new Map<string, RunningSink>();
  private readonly pending: { sink: TableSink; lsn: number; changes: ZBatch }[] = [];
  private draining = false;
  /** Recovery: webhook workers queue but do not send (see hold). */
  private held = false;
  /** Dead letters whose own commit failed (a view over freshet_dead_letters threw): kept here, counted in SHOW SINKS. */
  readonly unrecorded: DeadLetter[] = [];

  constructor(private readonly hooks: SinkManagerHooks) {}

  addWebhook(name: string, source: string, url: string, columns: Columns, options: WebhookOptions): WebhookSink {
    const worker = new WebhookSink(name, url, columns, options, {
      deadLetter: (l) => this.deadLetter(l),
      now: this.hooks.now,
      done: (lsn) => this.hooks.webhookDone(name, lsn),
    });
    if (this.held) worker.hold();
    this.sinks.set(name, { kind: 'webhook', name, source, worker });
    return worker;
  }

  addTable(name: string, source: string, table: string, columns: Columns): void {
    this.sinks.set(name, { kind: 'table', name, source, table, columns, appliedLsn: null, deadLetters: 0, skipped: 0 });
  }

  /**
   * While the engine recovers, webhook sinks (those that exist and those the
   * log creates) queue the replayed commits without sending; `skipDone`
   * then drops what they had finished before the restart, and `release`
   * sends the rest — the commits whose delivery the restart interrupted.
   */
  hold(): void {
    this.held = true;
    for (const s of this.sinks.values()) if (s.kind === 'webhook') s.worker.hold();
  }

  release(): void {
    this.held = false;
    for (const s of this.sinks.values()) if (s.kind === 'webhook') s.worker.release();
  }

  /** Every sink's progress, counters and (webhooks) undelivered commits, for a checkpoint. */
  exportState(): Record<string, SavedSinkState> {
    const out: Record<string, SavedSinkState> = {};
    for (const s of this.sinks.values()) {
      out[s.name] = s.kind === 'webhook' ? { kind: 'webhook', ...s.worker.exportState() } : { kind: 'table', appliedLsn: s.appliedLsn, deadLetters: s.deadLetters, skipped: s.skipped };
    }
    return out;
  }

  /** Restores what exportState saved, into the sinks recovery recreated. */
  importState(saved: Readonly<Record<string, SavedSinkState>>): void {
    for (const [name, state] of Object.entries(saved)) {
      const sink = this.sinks.get(name);
      if (sink?.kind === 'webhook' && state.kind === 'webhook') sink.worker.importState(state);
      else if (sink?.kind === 'table' && state.kind === 'table') {
        sink.appliedLsn = state.appliedLsn;
        sink.deadLetters = state.deadLetters;
        sink.skipped = state.skipped;
      }
    }
  }

  skipDone(name: string, lsn: number): void {
    const sink = this.sinks.get(name);
    if (sink?.kind === 'webhook') sink.worker.skipThrough(lsn);
  }

  /** Stops and forgets a sink; a webhook's queued changes are discarded (DROP SINK). */
  remove(name: string): void {
    const sink = this.sinks.get(name);
    this.sinks.delete(name);
    if (sink?.kind === 'webhook') void sink.worker.stop();
  }

  /**
   * Hands one commit's deltas (relation -> delta, tables and views) to the
   * sinks reading them; table sinks' changes are committed before this returns.
   */
  afterCommit(lsn: number, deltas: ReadonlyMap<string, ZBatch>): void {
    for (const sink of this.sinks.values()) {
      const delta = deltas.get(sink.source);
      if (delta === undefined || delta.length === 0) continue;
      this.deliver(sink, lsn, delta);
    }
    this.drain();
  }

  /** Sends `changes` (e.g. the source's current rows, for a new sink) to one sink as changes of `lsn`. */
  deliverTo(name: string, lsn: number, changes: ZBatch): void {
    const sink = this.sinks.get(name);
    if (sink === undefined || changes.length === 0) return;
    this.deliver(sink, lsn, changes);
    this.drain();
  }

  flush(name?: string): Promise<void> {
    if (name === undefined) return Promise.all([...this.sinks.keys()].map((n) => this.flush(n))).then(() => undefined);
    const sink = this.sinks.get(name);
    if (sink === undefined) return Promise.reject(new Error(`sink "${name}" does not exist`));
    // Table sinks apply their changes inside the commit that caused them: nothing is ever pending.
    return sink.kind === 'webhook' ? sink.worker.flush() : Promise.resolve();
  }

  state(name: string): SinkState {
    const sink = this.sinks.get(name);
    if (sink === undefined) throw new Error(`sink "${name}" does not exist`);
    if (sink.kind === 'webhook') return { ...sink.worker.state(), skippedRetractions: 0 };
    return {
      deliveredLsn: sink.appliedLsn,
      queuedChanges: 0,
      deadLetters: sink.deadLetters,
      status: 'idle',
      lastError: null,
      skippedRetractions: sink.skipped,
    };
  }

  /** Stops every webhook worker (awaiting requests in flight); queued changes stay in memory. */
  async close(): Promise<void> {
    await Promise.all([...this.sinks.values()].map((s) => (s.kind === 'webhook' ? s.worker.stop() : undefined)));
  }

  private deliver(sink: RunningSink, lsn: number, delta: ZBatch): void {
    const changes = consolidateBatch(delta);
    if (changes.length === 0) return;
    if (sink.kind === 'webhook') sink.worker.enqueue(lsn, changes);
    else this.pending.push({ sink, lsn, changes });
  }

  /** Applies queued table-sink changes in order; the commits they make may queue more. */
  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let next = this.pending.shift(); next !== undefined; next = this.pending.shift()) {
        const { sink, lsn, changes } = next;
        if (this.sinks.get(sink.name) !== sink) continue; // dropped meanwhile
        try {
          sink.skipped += this.hooks.applyToTable(sink.name, sink.table, changes);
          sink.appliedLsn = lsn;
        } catch (err) {
          if (!(err instanceof EngineError)) throw err;
          sink.deadLetters++;
          const payload = payloadOf(sink.name, [encodeCommit(lsn, changes, sink.columns)]);
          this.deadLetter([{ sink: sink.name, lsn, payload, error: err.message, attempts: 1, failedAt: this.hooks.now() }]);
        }
      }
    } finally {
      this.draining = false;
      this.pending.length = 0;
    }
  }

  private deadLetter(letters: readonly DeadLetter[]): void {
    try {
      this.hooks.recordDeadLetters(letters);
    } catch {
      this.unrecorded.push(...letters);
    }
  }
}
