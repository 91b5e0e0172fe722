// The server's clock tick: serve() on 127.0.0.1 port 0 with a short --tick-ms.
// With an injected clock, moving the clock (no request at all) makes a row
// age out of a view and a silent sensor appear, seen over HTTP; with the real
// clock, a row inserted with now() leaves a 200 ms horizon on its own.

import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXIT_USAGE, main } from '../../src/cli.js';
import type { RunningServer } from '../../src/server/serve.js';
import { serve } from '../../src/server/serve.js';

let dir: string;
let server: RunningServer | undefined;
beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'freshet-tick-')));
  // serve() announces itself on stdout; keep the test output clean.
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

async function sql(query: string): Promise<unknown[][]> {
  const reply = await fetch(`${server!.url}/v1/sql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  const body = (await reply.json()) as { rows?: unknown[][]; error?: unknown };
  if (reply.status !== 200) throw new Error(`${query}: ${JSON.stringify(body)}`);
  return body.rows!;
}

/** Polls `query` until its rows equal `expected` (generous timeout: the machine is shared). */
async function eventually(query: string, expected: unknown[][], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let rows: unknown[][] = [];
  while (Date.now() < deadline) {
    rows = await sql(query);
    if (JSON.stringify(rows) === JSON.stringify(expected)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(rows).toEqual(expected);
}

describe('freshet serve ticks the engine clock', () => {
  it('moves temporal views when the injected clock moves, without any request changing data', async () => {
    let clockMs = Date.UTC(2024, 4, 1, 12, 0, 0);
    server = await serve({ host: '127.0.0.1', port: 0, dataDir: join(dir, 'data'), tickMs: 10, clock: () => clockMs });
    await sql('CREATE TABLE ev (id integer, ts timestamptz); CREATE TABLE seen (sensor integer, last_seen timestamptz)');
    await sql("CREATE MATERIALIZED VIEW recent AS SELECT id FROM ev WHERE ts > now() - INTERVAL '5 minutes'");
    await sql("CREATE MATERIALIZED VIEW silent AS SELECT sensor FROM seen WHERE last_seen < now() - INTERVAL '1 minute'");
    await sql("INSERT INTO ev VALUES (1, '2024-05-01 11:58:00+00'), (2, '2024-05-01 12:00:00+00')");
    await sql("INSERT INTO seen VALUES (7, '2024-05-01 12:00:00+00')");
    expect(await sql('SELECT id FROM recent ORDER BY id')).toEqual([[1], [2]]);
    expect(await sql('SELECT sensor FROM silent')).toEqual([]);
    clockMs += 3 * 60_000 + 1; // 12:03:00.001: event 1 is older than 5 minutes, sensor 7 silent for 3
    await eventually('SELECT id FROM recent ORDER BY id', [[2]]);
    await eventually('SELECT sensor FROM silent', [[7]]);
    clockMs += 2 * 60_000; // 12:05:00.001
    await eventually('SELECT id FROM recent ORDER BY id', []);
  });

  it('retracts a row on the real clock once it leaves a 200 ms horizon', async () => {
    server = await serve({ host: '127.0.0.1', port: 0, dataDir: join(dir, 'data'), tickMs: 20 });
    await sql('CREATE TABLE ev (id integer, ts timestamptz)');
    await sql("CREATE MATERIALIZED VIEW recent AS SELECT id FROM ev WHERE ts > now() - INTERVAL '200 milliseconds'");
    await sql("INSERT INTO ev VALUES (1, now()), (2, now() + INTERVAL '1 hour')");
    const inserted = Date.now();
    expect((await sql('SELECT id FROM recent ORDER BY id')).length).toBeGreaterThan(0);
    await eventually('SELECT id FROM recent ORDER BY id', [[2]]);
    expect(Date.now() - inserted).toBeGreaterThanOrEqual(150);
  });

  it('stops ticking on close', async () => {
    let reads = 0;
    const clock = (): number => {
      reads++;
      return Date.now();
    };
    server = await serve({ host: '127.0.0.1', port: 0, dataDir: join(dir, 'data'), tickMs: 5, clock });
    await new Promise((r) => setTimeout(r, 60));
    expect(reads).toBeGreaterThan(0);
    await server.close();
    server = undefined;
    const after = reads;
    await new Promise((r) => setTimeout(r, 60));
    expect(reads).toBe(after);
  });

  it('freshet serve refuses a --tick-ms that is not a positive integer', async () => {
    for (const bad of ['0', 'soon', '1.5', '2147483648']) {
      let err = '';
      const code = await main(['serve', '--port', '0', '--tick-ms', bad], { out: () => {}, err: (t) => { err += t; }, readStdin: async () => undefined });
      expect(code).toBe(EXIT_USAGE);
      expect(err).toMatch(/--tick-ms must be an integer from 1 to 2147483647/);
    }
  });
});
