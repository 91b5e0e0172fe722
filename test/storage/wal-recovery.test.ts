// Recovery from a damaged log, and storage faults while logging. The
// expected state after recovery comes from this test's own model of the
// commits (a Map per key, aggregated by hand), and the log position of each
// commit from the file's size after it was acknowledged — neither from the
// engine's reading of the log.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fsync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine.js';
import { EngineError } from '../../src/common/errors.js';
import { buildServer } from '../../src/server/build-server.js';
import { segmentName } from '../../src/storage/wal.js';
import type { WalIo } from '../../src/storage/wal-writer.js';
import { SeededRandom } from '../seeded-random.js';

function seeded(seed: number): () => number {
  const random = new SeededRandom(seed);
  return () => random.next();
}

type Row = [id: number, g: string, v: number, tags: string];
const SCHEMA = [
  'CREATE TABLE k (id INT PRIMARY KEY, g TEXT, v DOUBLE, tags TEXT[])',
  'CREATE MATERIALIZED VIEW s AS SELECT g, COUNT(*) AS n, SUM(v) AS total FROM k GROUP BY g',
];

/** The aggregate view computed from the model, as sorted rows. */
function viewOf(model: Map<number, Row>): unknown[][] {
  const groups = new Map<string, { n: number; total: number }>();
  for (const [, g, v] of model.values()) {
    const acc = groups.get(g) ?? { n: 0, total: 0 };
    acc.n++;
    acc.total += v;
    groups.set(g, acc);
  }
  return [...groups].sort(([a], [b]) => (a < b ? -1 : 1)).map(([g, { n, total }]) => [g, n, total]);
}

function tableOf(model: Map<number, Row>): unknown[][] {
  return [...model.values()].sort((a, b) => a[0] - b[0]).map(([id, g, v, tags]) => [id, g, v, tags]);
}

async function readState(engine: Engine): Promise<{ table: readonly (readonly unknown[])[]; view: readonly (readonly unknown[])[] }> {
  const table = (await engine.sql("SELECT id, g, v, array_to_string(tags, ',') FROM k ORDER BY id")).rows;
  const view = (await engine.sql('SELECT g, n, total FROM s ORDER BY g')).rows;
  return { table, view };
}

describe('recovery from a torn or corrupt log', () => {
  const root = mkdtempSync(join(tmpdir(), 'freshet-wal-recovery-'));
  const source = join(root, 'source');
  /** models[i]: the state after the first i commits; sizes[i]: the log's size then. */
  const models: Map<number, Row>[] = [];
  const sizes: number[] = [];
  let log: Uint8Array;

  beforeAll(async () => {
    const next = seeded(1234);
    const engine = await Engine.open({ dataDir: source });
    const walFile = join(source, 'wal', segmentName(0));
    for (const stmt of SCHEMA) await engine.sql(stmt);
    const model = new Map<number, Row>();
    models.push(new Map(model));
    sizes.push(statSync(walFile).size);
    for (let c = 0; c < 40; c++) {
      const r = next();
      if (r < 0.6 || model.size === 0) {
        const rows: Row[] = [];
        for (let i = 0; i < 1 + Math.floor(next() * 4); i++) {
          const id = Math.floor(next() * 60);
          if (model.has(id) || rows.some((x) => x[0] === id)) continue;
          rows.push([id, `g${Math.floor(next() * 4)}`, Math.round(next() * 1000) / 8, `t${id},x`]);
        }
        if (rows.length === 0) continue;
        await engine.sql(`INSERT INTO k VALUES ${rows.map(([id, g, v]) => `(${id}, '${g}', ${v}, ARRAY['t${id}', 'x'])`).join(', ')}`);
        for (const row of rows) model.set(row[0], row);
      } else if (r < 0.8) {
        const id = [...model.keys()][Math.floor(next() * model.size)]!;
        const v = Math.round(next() * 1000) / 4;
        await engine.sql('UPDATE k SET v = $1, g = $2 WHERE id = $3', [v, 'g9', id]);
        const old = model.get(id)!;
        model.set(id, [id, 'g9', v, old[3]]);
      } else {
        const id = [...model.keys()][Math.floor(next() * model.size)]!;
        await engine.sql(`DELETE FROM k WHERE id = ${id}`);
        model.delete(id);
      }
      models.push(new Map(model));
      sizes.push(statSync(walFile).size);
    }
    // The whole log replays to the final state.
    expect(await readState(engine)).toEqual({ table: tableOf(model), view: viewOf(model) });
    await engine.close();
    // A copy as a plain Uint8Array: Buffer's slice() would share memory, and the cases flip bytes in their slices.
    log = new Uint8Array(readFileSync(walFile));
    expect(log.length).toBe(sizes[sizes.length - 1]);
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** Recovers `bytes` as a log and checks the state equals the model after the last commit wholly before `limit`. */
  async function recoverAndCheck(bytes: Uint8Array, limit: number, label: string): Promise<Engine> {
    const dir = join(root, 'case');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'wal'), { recursive: true });
    writeFileSync(join(dir, 'wal', segmentName(0)), bytes);
    const engine = await Engine.open({ dataDir: dir });
    let k = 0;
    while (k + 1 < sizes.length && sizes[k + 1]! <= limit) k++;
    const model = models[k]!;
    expect(await readState(engine), label).toEqual({ table: tableOf(model), view: viewOf(model) });
    return engine;
  }

  // Each case recovers a whole engine (a few ms); wal-frame.test.ts runs 2,000 more cases against
  // the scan alone. FRESHET_TORN_CASES=N runs another count.
  const cases = Number(process.env['FRESHET_TORN_CASES'] ?? 1000);

  test(`${cases} cuts and corruptions of the log each recover to the last valid commit`, async () => {
    const next = seeded(99);
    const start = sizes[0]!;
    for (let c = 0; c < cases; c++) {
      const truncate = c % 2 === 0;
      const at = start + Math.floor(next() * (log.length - start + (truncate ? 1 : 0)));
      let bytes: Uint8Array;
      if (truncate) bytes = log.subarray(0, at);
      else {
        bytes = log.slice();
        bytes[at] = bytes[at]! ^ (1 + Math.floor(next() * 255));
      }
      const label = `case ${c}: ${truncate ? 'cut at' : 'byte flipped at'} ${at} of ${log.length}`;
      const engine = await recoverAndCheck(bytes, at, label);
      const onBoundary = truncate && sizes.includes(at);
      expect(engine.recovery!.damage.length > 0, label).toBe(!onBoundary);
      await engine.close();
    }
  }, 120_000);

  test('after a cut the log continues cleanly: new commits follow the last valid one', async () => {
    const cut = Math.floor((sizes[10]! + sizes[11]!) / 2);
    const engine = await recoverAndCheck(log.subarray(0, cut), cut, 'cut inside commit 11');
    await engine.sql("INSERT INTO k VALUES (1000, 'new', 1, ARRAY['a'])");
    await engine.close();
    const reopened = await Engine.open({ dataDir: join(root, 'case') });
    const model = new Map(models[10]!);
    model.set(1000, [1000, 'new', 1, 'a']);
    expect(await readState(reopened)).toEqual({ table: tableOf(model), view: viewOf(model) });
    expect(reopened.recovery!.damage).toEqual([]);
    await reopened.close();
  });
});

describe('storage faults while logging', () => {
  const root = mkdtempSync(join(tmpdir(), 'freshet-wal-faults-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** Node's calls, with a switch that makes writes or fsyncs fail with `code`. */
  function faultyIo(): { io: WalIo; failWrites: (code: string | null) => void; failFsync: (code: string | null) => void } {
    let writeFault: string | null = null;
    let fsyncFault: string | null = null;
    const error = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: simulated`), { code });
    return {
      io: {
        writeSync: (fd, b, o, l) => {
          if (writeFault !== null) throw error(writeFault);
          return writeSync(fd, b, o, l);
        },
        fsync: (fd, cb) => (fsyncFault !== null ? setImmediate(() => cb(error(fsyncFault!))) : fsync(fd, cb)),
      },
      failWrites: (code) => (writeFault = code),
      failFsync: (code) => (fsyncFault = code),
    };
  }

  test('disk full on write: the change fails with 53100, later writes too, nothing acknowledged is lost', async () => {
    const dir = join(root, 'full');
    const fault = faultyIo();
    const engine = await Engine.open({ dataDir: dir, walIo: fault.io });
    await engine.sql('CREATE TABLE t (id INT PRIMARY KEY)');
    await engine.sql('INSERT INTO t VALUES (1), (2)');
    fault.failWrites('ENOSPC');
    const failed = await engine.sql('INSERT INTO t VALUES (3)').catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(EngineError);
    expect((failed as EngineError).code).toBe('53100');
    expect((failed as EngineError).message).toMatch(/not acknowledged/);
    fault.failWrites(null);
    // The log is broken until a restart: no later write is acknowledged either.
    const later = await engine.sql('INSERT INTO t VALUES (4)').catch((e: unknown) => e);
    expect((later as EngineError).code).toBe('53100');
    await engine.close();
    const reopened = await Engine.open({ dataDir: dir });
    expect((await reopened.sql('SELECT id FROM t ORDER BY id')).rows).toEqual([[1], [2]]);
    await reopened.close();
  });

  test('I/O error on fsync: 58030, and the acknowledged rows survive a restart', async () => {
    const dir = join(root, 'eio');
    const fault = faultyIo();
    const engine = await Engine.open({ dataDir: dir, walIo: fault.io, fsync: 'batch', batchDelayMs: 2 });
    await engine.sql('CREATE TABLE t (id INT)');
    await engine.sql('INSERT INTO t VALUES (1)');
    fault.failFsync('EIO');
    const failed = await engine.sql('INSERT INTO t VALUES (2)').catch((e: unknown) => e);
    expect((failed as EngineError).code).toBe('58030');
    await engine.close();
    const reopened = await Engine.open({ dataDir: dir });
    // Row 2 reached the file before its fsync failed, so it may come back; row 1 must.
    const ids = (await reopened.sql('SELECT id FROM t ORDER BY id')).rows.map((r) => r[0]);
    expect(ids[0]).toBe(1);
    expect(ids.length === 1 || (ids.length === 2 && ids[1] === 2)).toBe(true);
    await reopened.close();
  });

  test('over HTTP a full disk is 507 and an I/O error 503', async () => {
    for (const [code, status] of [['ENOSPC', 507], ['EIO', 503]] as const) {
      const fault = faultyIo();
      const engine = await Engine.open({ dataDir: join(root, `http-${code}`), walIo: fault.io });
      const app = buildServer(engine, { logger: false });
      const post = (query: string) => app.inject({ method: 'POST', url: '/v1/sql', headers: { 'content-type': 'application/json' }, payload: { query } });
      expect((await post('CREATE TABLE t (id INT)')).statusCode).toBe(200);
      fault.failWrites(code);
      const reply = await post('INSERT INTO t VALUES (1)');
      expect(reply.statusCode).toBe(status);
      expect(reply.json().error.code).toBe(code === 'ENOSPC' ? '53100' : '58030');
      await app.close();
      await engine.close();
    }
  });
});
