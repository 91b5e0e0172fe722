// POST /v1/sql over the real Engine (in-process, inject): parameters, a
// multi-statement request whose last statement fails (earlier ones stay
// committed), and a syntax error's position. Expected values derived by hand.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Engine } from '../../src/engine.js';
import { buildServer } from '../../src/server/build-server.js';

let engine: Engine;
let app: FastifyInstance;
beforeEach(() => {
  engine = new Engine();
  app = buildServer(engine, { logger: false });
});
afterEach(async () => {
  await app.close();
  await engine.close();
});

async function sql(query: string, params?: unknown[]) {
  const reply = await app.inject({ method: 'POST', url: '/v1/sql', payload: params === undefined ? { query } : { query, params } });
  return { status: reply.statusCode, body: reply.json() as unknown };
}

describe('POST /v1/sql on the real engine', () => {
  test('a parameter is bound: $1 = 41 gives 42', async () => {
    expect(await sql('SELECT $1::int + 1 AS answer', [41])).toEqual({ status: 200, body: {
      command: 'SELECT', rowCount: 1, fields: [{ name: 'answer', dataTypeID: 23, type: 'int4' }], rows: [[42]],
    } });
  });

  test('statement 3 of 3 fails: 400 with statementIndex 2, statements 1-2 committed', async () => {
    const failed = await sql('CREATE TABLE t (a int); INSERT INTO t VALUES (1), (2); SELECT * FROM nope');
    expect(failed.status).toBe(400);
    expect(failed.body).toMatchObject({ error: { code: '42P01', statementIndex: 2 } });
    const after = await sql('SELECT a FROM t ORDER BY a');
    expect(after).toEqual({ status: 200, body: {
      command: 'SELECT', rowCount: 2, fields: [{ name: 'a', dataTypeID: 23, type: 'int4' }], rows: [[1], [2]],
    } });
  });

  test('several statements reply {results}', async () => {
    expect(await sql('CREATE TABLE u (a int); INSERT INTO u VALUES (5); SELECT a FROM u')).toEqual({ status: 200, body: {
      results: [
        { command: 'CREATE TABLE', rowCount: null, fields: [], rows: [] },
        { command: 'INSERT', rowCount: 1, fields: [], rows: [] },
        { command: 'SELECT', rowCount: 1, fields: [{ name: 'a', dataTypeID: 23, type: 'int4' }], rows: [[5]] },
      ],
    } });
  });

  test('a syntax error on line 2 reports the 1-based offset, line and column', async () => {
    // "SELECT 1;\n" is 10 characters, so SELEC starts at offset 11, line 2, column 1.
    const reply = await sql('SELECT 1;\nSELEC 2');
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ error: { code: '42601', position: 11, line: 2, column: 1 } });
  });
});
