// `freshet serve`: one Engine behind the HTTP server until SIGINT/SIGTERM.
// Prints the address it really listens on (port 0 picks a free one), which
// tests and scripts read from stdout. A timer advances the engine's clock
// (engine.tick) every tickMs, so views with temporal filters change on time.
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Engine } from '../engine.js';
import { buildServer } from './build-server.js';
import type { FsyncPolicy } from '../storage/wal-writer.js';

export interface ServeOptions {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly bodyLimit?: number;
  /** How often the engine clock ticks (temporal filters move), in ms. Default 1000. */
  readonly tickMs?: number;
  /** The engine clock (ms since the epoch); injectable for tests. Default Date.now. */
  readonly clock?: () => number;
  /** How often a checkpoint is taken (when something was logged since the last), in ms. Default 60 s. */
  readonly checkpointMs?: number;
  /** WAL fsync policy (storage/wal-writer.ts). Default 'always'. */
  readonly fsync?: FsyncPolicy;
  readonly batchDelayMs?: number;
  /** Bytes of table rows kept in memory before old rows move to Parquet segments (see OpenOptions.hotMemory). Default: no limit. */
  readonly hotMemory?: number;
  /** Rows older than this (ms since their insert) move to the cold tier at checkpoints. */
  readonly hotAgeMs?: number;
  /** Bytes of operator state kept in memory before join state moves to scratch files (see EngineOptions.stateMemory). Default: no limit. */
  readonly stateMemory?: number;
}

export const DEFAULT_TICK_MS = 1000;
export const DEFAULT_CHECKPOINT_MS = 60_000;

export interface RunningServer {
  /** The base URL clients use, e.g. http://127.0.0.1:8787. */
  readonly url: string;
  /** Stops accepting requests, waits for in-flight ones, closes the engine. */
  close(): Promise<void>;
}

export async function serve(options: ServeOptions): Promise<RunningServer> {
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const engine = await Engine.open({
    dataDir,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.fsync === undefined ? {} : { fsync: options.fsync }),
    ...(options.batchDelayMs === undefined ? {} : { batchDelayMs: options.batchDelayMs }),
    ...(options.hotMemory === undefined ? {} : { hotMemory: options.hotMemory }),
    ...(options.hotAgeMs === undefined ? {} : { hotAgeMs: options.hotAgeMs }),
    ...(options.stateMemory === undefined ? {} : { stateMemory: options.stateMemory }),
  });
  const recovery = engine.recovery!;
  const fromCheckpoint = recovery.checkpointLsn === null ? '' : ` after the checkpoint at LSN ${recovery.checkpointLsn}`;
  process.stdout.write(`freshet recovered ${recovery.records} log records to LSN ${recovery.lsn} in ${recovery.ms.toFixed(0)} ms${fromCheckpoint}\n`);
  for (const line of recovery.damage) process.stdout.write(`freshet: write-ahead log damage: ${line}\n`);
  const { restored, rebuilt } = recovery.views;
  if (restored.length > 0) process.stdout.write(`freshet restored ${restored.length} view${restored.length === 1 ? '' : 's'} from the checkpoint: ${restored.join(', ')}\n`);
  for (const r of rebuilt) process.stdout.write(`freshet rebuilt view ${r.name} from its tables: ${r.reason}\n`);
  const app = buildServer(engine, {
    logger: true,
    ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
  });
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await app.close();
    await engine.close();
    throw error;
  }
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  process.stdout.write(`freshet listening on ${url} (data: ${dataDir})\n`);

  // A tick with no row to move returns at once; ticks never overlap (each runs synchronously).
  let lastTickError = '';
  const ticker = setInterval(() => {
    engine.tick().then(
      () => { lastTickError = ''; },
      (error: unknown) => {
        // A view that fails at every tick would otherwise flood the log.
        const message = error instanceof Error ? error.message : String(error);
        if (message !== lastTickError) process.stderr.write(`freshet: clock tick failed (views keep their last state): ${message}\n`);
        lastTickError = message;
      },
    );
  }, options.tickMs ?? DEFAULT_TICK_MS);
  ticker.unref();

  // Checkpoints bound what the next start replays; one also runs at shutdown (engine.close).
  let lastCheckpointError = '';
  const checkpointer = setInterval(() => {
    engine.checkpoint().then(
      () => { lastCheckpointError = ''; },
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        if (message !== lastCheckpointError) process.stderr.write(`freshet: checkpoint failed (the log still holds everything): ${message}\n`);
        lastCheckpointError = message;
      },
    );
  }, options.checkpointMs ?? DEFAULT_CHECKPOINT_MS);
  checkpointer.unref();

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      clearInterval(ticker);
      clearInterval(checkpointer);
      await app.close();
      await engine.close();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    })();
    return closing;
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing !== undefined) {
      // A second signal while draining: the user wants out now.
      process.stderr.write(`freshet: ${signal} again, exiting without waiting\n`);
      process.exit(1);
    }
    process.stdout.write(`freshet: ${signal} received, shutting down\n`);
    close().then(
      () => { process.exitCode = 0; },
      (error: unknown) => {
        process.stderr.write(`freshet: error while shutting down: ${String(error)}\n`);
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { url, close };
}
