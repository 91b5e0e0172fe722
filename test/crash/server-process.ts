// `freshet serve` as a child process for the crash test: start it on a data
// directory and wait for its recovery and listening lines, SIGKILL it, stop it.
// Its stdout is drained all the time (a full pipe would stall the server);
// the last few KB of each stream are kept for failure reports.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const DEFAULT_BIN = join(import.meta.dirname, '../../bin/freshet.js');

const LISTENING = /^freshet listening on (http:\/\/127\.0\.0\.1:\d+) \(data: .+\)$/m;
const RECOVERED = /^freshet recovered (\d+) log records to LSN (\d+) in (\d+) ms(?: after the checkpoint at LSN \d+)?$/m;
const DAMAGE = /^freshet: write-ahead log damage: (.*)$/gm;
const RESTORED = /^freshet restored (\d+) views? from the checkpoint: /m;
const REBUILT = /^freshet rebuilt view (\S+) from its tables: (.*)$/gm;
const KEEP_CHARS = 8192;

export interface ServerStart {
  readonly bin: string;
  readonly dataDir: string;
  readonly fsync: 'always' | 'batch';
  readonly timeoutMs: number;
  /** --hot-memory, when the round should move rows to the cold tier. */
  readonly hotMemory?: string;
}

export interface Recovery {
  readonly records: number;
  readonly lsn: number;
  readonly ms: number;
  readonly damage: readonly string[];
  /** Views loaded from the checkpoint's saved state. */
  readonly viewsRestored: number;
  /** Views rebuilt from their tables instead, each with the server's reason. */
  readonly viewsRebuilt: readonly string[];
}

export class ServerProcess {
  private stdout = '';
  private stderr = '';
  private exitInfo: string | null = null;
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess, readonly startedAt: number) {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout = (this.stdout + chunk).slice(-KEEP_CHARS);
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-KEEP_CHARS);
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = signal === null ? `exit code ${code}` : `signal ${signal}`;
        resolve();
      });
    });
  }

  static spawn(opts: ServerStart): ServerProcess {
    // Frequent checkpoints, so kills also land while one is written and restarts recover from them.
    const args = [opts.bin, 'serve', '--host', '127.0.0.1', '--port', '0', '--data', opts.dataDir, '--fsync', opts.fsync, '--checkpoint-ms', '150'];
    if (opts.hotMemory !== undefined) args.push('--hot-memory', opts.hotMemory);
    return new ServerProcess(spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] }), performance.now());
  }

  /** Resolves with the URL and what recovery reported once the server listens; rejects when it exits first or times out (output() tells why). */
  async ready(timeoutMs: number): Promise<{ url: string; recovery: Recovery; startupMs: number }> {
    const deadline = this.startedAt + timeoutMs;
    for (;;) {
      const url = LISTENING.exec(this.stdout)?.[1];
      const rec = RECOVERED.exec(this.stdout);
      if (url !== undefined && rec !== null) {
        const damage = [...this.stdout.matchAll(DAMAGE)].map((m) => m[1]!);
        return {
          url,
          recovery: {
            records: Number(rec[1]),
            lsn: Number(rec[2]),
            ms: Number(rec[3]),
            damage,
            viewsRestored: Number(RESTORED.exec(this.stdout)?.[1] ?? 0),
            viewsRebuilt: [...this.stdout.matchAll(REBUILT)].map((m) => `${m[1]!}: ${m[2]!}`),
          },
          startupMs: performance.now() - this.startedAt,
        };
      }
      if (this.exitInfo !== null) throw new Error(`the server exited before listening (${this.exitInfo})`);
      if (performance.now() > deadline) throw new Error(`the server did not listen within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  get running(): boolean {
    return this.exitInfo === null;
  }

  /** SIGKILL, and wait until the process is gone. */
  async kill(): Promise<void> {
    if (this.exitInfo === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM (a clean shutdown); returns how it ended, SIGKILL after `graceMs`. */
  async stop(graceMs: number): Promise<string> {
    if (this.exitInfo === null) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    return this.exitInfo!;
  }

  /** The tails of stdout and stderr, for a failure report. */
  output(): string {
    return `\n--- stdout (tail) ---\n${this.stdout}\n--- stderr (tail) ---\n${this.stderr}`;
  }
}
