// The real thing: `node bin/freshet.js serve --port 0` as a child process,
// reached over TCP with fetch. Needs the compiled dist (npm test builds first).
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const BIN = join(import.meta.dirname, '../../bin/freshet.js');
const LISTENING = /^freshet listening on (http:\/\/127\.0\.0\.1:(\d+)) \(data: (.+)\)$/m;

let child: ChildProcessWithoutNullStreams;
let baseUrl = '';
let stdout = '';
let stderr = '';
let tempDir = '';

beforeAll(async () => {
  tempDir = realpathSync(mkdtempSync(join(tmpdir(), 'freshet-serve-')));
  child = spawn(process.execPath, [BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--data', join(tempDir, 'data')]);
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  child.stdout.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      // Ready once the listening line is out (it follows the recovery line).
      if (LISTENING.test(stdout)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`server exited early (${code}): ${stderr}`)));
  });
  baseUrl = LISTENING.exec(stdout)?.[1] ?? '';
});

afterAll(async () => {
  if (child.exitCode === null) {
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  rmSync(tempDir, { recursive: true, force: true });
});

async function sql(query: string, params?: unknown[]): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${baseUrl}/v1/sql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params === undefined ? { query } : { query, params }),
  });
  return { status: response.status, body: await response.json() };
}

describe('freshet serve', () => {
  test('prints what it recovered, the real port and the data dir it created', () => {
    const match = LISTENING.exec(stdout);
    expect(Number(match?.[2])).toBeGreaterThan(0);
    expect(match?.[3]).toBe(join(tempDir, 'data'));
    expect(existsSync(join(tempDir, 'data'))).toBe(true);
    expect(stdout).toMatch(/^freshet recovered 0 log records to LSN 0 in \d+ ms$/m);
    expect(existsSync(join(tempDir, 'data', 'wal'))).toBe(true);
  });

  test('a second server on the same data directory is refused, naming the process that holds it', async () => {
    const second = spawn(process.execPath, [BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--data', join(tempDir, 'data')]);
    let err = '';
    second.stderr.setEncoding('utf8').on('data', (chunk: string) => { err += chunk; });
    const code = await new Promise<number | null>((resolve) => second.once('exit', resolve));
    expect(code).not.toBe(0);
    expect(err).toContain(`is in use by process ${child.pid}`);
  });

  test('GET /healthz over real TCP', async () => {
    const response = await fetch(`${baseUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  test('CREATE, INSERT and SELECT round trip over HTTP', async () => {
    const created = await sql('CREATE TABLE readings (sensor text, celsius int)');
    expect(created).toEqual({ status: 200, body: { command: 'CREATE TABLE', rowCount: null, fields: [], rows: [] } });
    const inserted = await sql("INSERT INTO readings VALUES ('a', 20), ('b', 25), ('a', 22)");
    expect(inserted).toEqual({ status: 200, body: { command: 'INSERT', rowCount: 3, fields: [], rows: [] } });
    // a: 20 + 22 = 42, b: 25
    const selected = await sql('SELECT sensor, sum(celsius) AS total FROM readings WHERE celsius > $1 GROUP BY sensor ORDER BY sensor', [0]);
    expect(selected.status).toBe(200);
    expect(selected.body).toMatchObject({
      command: 'SELECT',
      rowCount: 2,
      fields: [{ name: 'sensor', dataTypeID: 25, type: 'text' }, { name: 'total' }],
      rows: [['a', 42], ['b', 25]],
    });
  });

  test('GET /v1/status: LSN, durability, recovery, rows per table, state per view operator', async () => {
    await sql('CREATE MATERIALIZED VIEW per_sensor AS SELECT sensor, count(*) AS n FROM readings GROUP BY sensor');
    const response = await fetch(`${baseUrl}/v1/status`);
    expect(response.status).toBe(200);
    const status = (await response.json()) as Record<string, unknown>;
    expect(status).toMatchObject({ durable: true, healthy: true, dataDir: join(tempDir, 'data'), recovery: { checkpointLsn: null, records: 0, lsn: 0, damage: [] } });
    expect(status['lsn']).toBeGreaterThan(0);
    expect(status['logBytesSinceCheckpoint']).toBeGreaterThan(0);
    expect(status['tables']).toContainEqual(expect.objectContaining({ name: 'readings', rows: 3, hot: expect.objectContaining({ rows: 3 }), cold: null }));
    expect(status['backfills']).toEqual([]);
    // Two sensors: the view's aggregate holds two groups.
    const operators = status['operators'] as { view: string; operator: string; entries: number }[];
    expect(operators.filter((o) => o.view === 'per_sensor').map((o) => o.entries)).toContain(2);
  });

  test('SIGTERM shuts it down with exit code 0', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
