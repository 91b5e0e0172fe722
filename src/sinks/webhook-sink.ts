// One webhook sink's delivery worker. Commits are queued as they happen and
// POSTed strictly in LSN order, one request in flight at a time; consecutive
// commits share a request while their changes fit in max_batch_rows (one
// commit is never split, so a receiver sees each commit whole). A non-2xx
// answer, a network error or a timeout is retried with exponential backoff;
// after the retry budget the batch goes to freshet_dead_letters, one row per
// LSN, and delivery moves on. Delivery is at-least-once: a request that
// reached the receiver but whose answer was lost (timeout, dropped connection,
// or a non-2xx sent after processing) is sent again, so receivers should
// deduplicate on (sink, lsn).

import type { SqlType } from '../common/sql-type.js';
import type { ZBatch } from '../columnar/z-batch.js';
import type { DeadLetter } from './dead-letter-table.js';
import { MAX_BACKOFF_MS } from './sink-options.js';
import type { WebhookOptions } from './sink-options.js';
import { encodeCommit, payloadOf } from './sink-payload.js';
import type { EncodedCommit } from './sink-payload.js';

export interface WebhookSinkHooks {
  /** Records letters in freshet_dead_letters; must not throw. */
  deadLetter(letters: readonly DeadLetter[]): void;
  /** Milliseconds since the epoch, for failed_at. */
  now(): number;
  /** Commits up to `lsn` are done (delivered or dead-lettered): the engine logs it, so recovery does not send them again. */
  done(lsn: number): void;
}

export interface WebhookSavedState {
  readonly deliveredLsn: number | null;
  readonly deadLetters: number;
  readonly queue: readonly EncodedCommit[];
}

export type WebhookStatus = 'idle' | 'sending' | 'retrying' | 'stopped';

export interface WebhookSinkState {
  /** The last LSN the receiver acknowledged (2xx); null before the first. */
  readonly deliveredLsn: number | null;
  /** Changes waiting, including the batch in flight. */
  readonly queuedChanges: number;
  /** LSNs moved to freshet_dead_letters so far. */
  readonly deadLetters: number;
  readonly status: WebhookStatus;
  /** Why the last attempt failed; null after a success. */
  readonly lastError: string | null;
}

interface FlushWaiter {
  readonly lsn: number;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

export class WebhookSink {
  private readonly queue: EncodedCommit[] = [];
  private deliveredLsn: number | null = null;
  private deadLetters = 0;
  private lastError: string | null = null;
  private status: WebhookStatus = 'idle';
  private stopped = false;
  /** While recovery replays the log, commits queue up but none is sent. */
  private held = false;
  private worker: Promise<void> | null = null;
  private waiters: FlushWaiter[] = [];
  /** Ends a backoff wait early (stop). */
  private wake: (() => void) | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly name: string,
    readonly url: string,
    private readonly columns: readonly { name: string; type: SqlType }[],
    readonly options: WebhookOptions,
    private readonly hooks: WebhookSinkHooks,
  ) {}

  /** Queues one commit's (consolidated) changes; an empty batch is no change and is not sent. */
  enqueue(lsn: number, batch: ZBatch): void {
    if (batch.length === 0) return;
    this.queue.push(encodeCommit(lsn, batch, this.columns));
    this.kick();
  }

  /** Stops sending (queued commits wait) until `release`. */
  hold(): void {
    this.held = true;
  }

  release(): void {
    this.held = false;
    this.kick();
  }

  /** What a checkpoint keeps: progress, counters and the commits not yet done. */
  exportState(): WebhookSavedState {
    return { deliveredLsn: this.deliveredLsn, deadLetters: this.deadLetters, queue: [...this.queue] };
  }

  importState(saved: WebhookSavedState): void {
    this.deliveredLsn = saved.deliveredLsn;
    this.deadLetters = saved.deadLetters;
    this.queue.splice(0, this.queue.length, ...saved.queue);
    this.kick();
  }

  /** Forgets queued commits up to `lsn`: the log says they were done before a restart. */
  skipThrough(lsn: number): void {
    let n = 0;
    while (n < this.queue.length && this.queue[n]!.lsn <= lsn) n++;
    this.queue.splice(0, n);
    this.deliveredLsn = Math.max(this.deliveredLsn ?? lsn, lsn);
  }

  /** Resolves once every commit queued before the call is delivered or dead-lettered. */
  flush(): Promise<void> {
    const last = this.queue[this.queue.length - 1];
    if (last === undefined) return Promise.resolve();
    if (this.stopped) return Promise.reject(this.stoppedError());
    return new Promise((resolve, reject) => this.waiters.push({ lsn: last.lsn, resolve, reject }));
  }

  /**
   * Stops delivery: a backoff wait ends at once, a request in flight is
   * awaited (bounded by timeout_ms). What is still queued stays in memory
   * (durability is the storage issue's work); pending flushes are rejected.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.wake?.();
    await this.worker;
    this.status = 'stopped';
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(this.stoppedError());
  }

  state(): WebhookSinkState {
    let queuedChanges = 0;
    for (const c of this.queue) queuedChanges += c.changes.length;
    return { deliveredLsn: this.deliveredLsn, queuedChanges, deadLetters: this.deadLetters, status: this.status, lastError: this.lastError };
  }

  private stoppedError(): Error {
    return new Error(`sink "${this.name}" was stopped with ${this.state().queuedChanges} changes not delivered`);
  }

  private kick(): void {
    if (this.worker !== null || this.stopped || this.held || this.queue.length === 0) return;
    this.worker = this.run().finally(() => {
      this.worker = null;
      this.kick();
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped && this.queue.length > 0) {
      const count = this.batchLength();
      const commits = this.queue.slice(0, count);
      const outcome = await this.deliver(commits);
      if (outcome === 'stopped') return;
      this.queue.splice(0, count);
      const done = commits[commits.length - 1]!.lsn;
      this.hooks.done(done);
      this.waiters = this.waiters.filter((w) => {
        if (w.lsn > done) return true;
        w.resolve();
        return false;
      });
    }
    if (!this.stopped) this.status = 'idle';
  }

  /** How many queued commits the next request carries: at least one, then while the rows fit. */
  private batchLength(): number {
    let rows = this.queue[0]!.changes.length;
    let count = 1;
    while (count < this.queue.length) {
      const next = this.queue[count]!.changes.length;
      if (rows + next > this.options.maxBatchRows) break;
      rows += next;
      count++;
    }
    return count;
  }

  private async deliver(commits: readonly EncodedCommit[]): Promise<'delivered' | 'deadLettered' | 'stopped'> {
    const body = payloadOf(this.name, commits);
    let attempt = 0;
    for (;;) {
      attempt++;
      this.status = attempt === 1 ? 'sending' : 'retrying';
      const error = await this.post(body);
      if (error === null) {
        this.deliveredLsn = commits[commits.length - 1]!.lsn;
        this.lastError = null;
        return 'delivered';
      }
      this.lastError = error;
      if (this.stopped) return 'stopped';
      if (attempt > this.options.retries) break;
      await this.sleep(Math.min(this.options.backoffMs * 2 ** (attempt - 1), MAX_BACKOFF_MS));
      if (this.stopped) return 'stopped';
    }
    const failedAt = this.hooks.now();
    const error = `${this.lastError} (after ${attempt} attempts)`;
    this.hooks.deadLetter(
      commits.map((c) => ({ sink: this.name, lsn: c.lsn, payload: payloadOf(this.name, [c]), error, attempts: attempt, failedAt })),
    );
    this.deadLetters += commits.length;
    return 'deadLettered';
  }

  /** One POST; null on a 2xx answer, else why it failed. */
  private async post(body: string): Promise<string | null> {
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      // Read the answer to the end so the connection can be reused.
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return null;
      return `HTTP ${response.status}${response.statusText === '' ? '' : ` ${response.statusText}`}`;
    } catch (err) {
      return describeFailure(err, this.options.timeoutMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.timer = null;
        this.wake = null;
        resolve();
      };
      this.wake = done;
      this.timer = setTimeout(done, ms);
    });
  }
}

/** fetch's errors, made readable: "fetch failed" alone does not say that the port was closed. */
function describeFailure(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  if (!(err instanceof Error)) return String(err);
  const cause = (err as Error & { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: unknown }).code;
    return `${err.message}: ${typeof code === 'string' ? `${code} ` : ''}${cause.message}`.trim();
  }
  return err.message;
}
