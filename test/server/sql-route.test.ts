// POST /v1/sql with a stub engine: the reply shapes for one and several
// statements, parameter pass-through, and validation of the request body.
import { afterEach, describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/server/build-server.js';
import { CREATED, ONE_ROW, StubEngine } from './stub-engine.js';

let app: FastifyInstance | undefined;
afterEach(async () => { await app?.close(); app = undefined; });

function serverWith(engine: StubEngine): FastifyInstance {
  app = buildServer(engine, { logger: false });
  return app;
}

function postSql(server: FastifyInstance, payload: unknown) {
  return server.inject({ method: 'POST', url: '/v1/sql', payload: payload as object });
}

describe('POST /v1/sql results', () => {
  test('one statement replies with the QueryResult itself', async () => {
    const engine = new StubEngine(() => [ONE_ROW]);
    const reply = await postSql(serverWith(engine), { query: 'SELECT 7 AS id, \'seven\' AS name' });
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(reply.json()).toEqual({
      command: 'SELECT',
      rowCount: 1,
      fields: [
        { name: 'id', dataTypeID: 23, type: 'int4' },
        { name: 'name', dataTypeID: 25, type: 'text' },
      ],
      rows: [[7, 'seven']],
    });
    expect(engine.calls).toEqual([{ text: 'SELECT 7 AS id, \'seven\' AS name', params: undefined }]);
  });

  test('several statements reply {results} in statement order', async () => {
    const engine = new StubEngine(() => [CREATED, ONE_ROW]);
    const reply = await postSql(serverWith(engine), { query: 'CREATE TABLE t (id int); SELECT 1' });
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toEqual({
      results: [
        { command: 'CREATE TABLE', rowCount: null, fields: [], rows: [] },
        { command: 'SELECT', rowCount: 1, fields: ONE_ROW.fields, rows: [[7, 'seven']] },
      ],
    });
  });

  test('no statements (empty text) reply an empty results list', async () => {
    const reply = await postSql(serverWith(new StubEngine(() => [])), { query: '' });
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toEqual({ results: [] });
  });

  test('params reach the engine unchanged, JSON types intact', async () => {
    const engine = new StubEngine(() => [ONE_ROW]);
    const params = [1, 'two', null, true, 2.5];
    const reply = await postSql(serverWith(engine), { query: 'SELECT $1, $2, $3, $4, $5', params });
    expect(reply.statusCode).toBe(200);
    expect(engine.calls).toEqual([{ text: 'SELECT $1, $2, $3, $4, $5', params: [1, 'two', null, true, 2.5] }]);
  });

  test('a content type with a charset parameter is accepted', async () => {
    const engine = new StubEngine(() => [ONE_ROW]);
    const reply = await serverWith(engine).inject({
      method: 'POST', url: '/v1/sql',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      payload: '{"query": "SELECT 1"}',
    });
    expect(reply.statusCode).toBe(200);
    expect(engine.calls.map((call) => call.text)).toEqual(['SELECT 1']);
  });
});

describe('POST /v1/sql request validation (400, 08P01, engine not called)', () => {
  const cases: ReadonlyArray<readonly [string, string, RegExp]> = [
    ['missing query', '{"params": []}', /^field "query" is missing; expected a JSON object like/],
    ['non-string query', '{"query": 42}', /^field "query" must be a string, got number;/],
    ['null query', '{"query": null}', /^field "query" must be a string, got null;/],
    ['non-array params', '{"query": "SELECT $1", "params": {"1": 5}}', /^field "params" must be an array of parameter values \(\$1, \$2, \.\.\.\), got object$/],
    ['string params', '{"query": "SELECT $1", "params": "5"}', /^field "params" must be an array .*got string$/],
    ['body is an array', '["SELECT 1"]', /^request body must be a JSON object, got an array;/],
    ['body is a string', '"SELECT 1"', /^request body must be a JSON object, got string;/],
    ['unknown field', '{"query": "SELECT 1", "sql": "x"}', /^unknown field "sql" in request body; allowed fields are "query" and "params"$/],
  ];
  test.each(cases)('%s', async (_name, payload, message) => {
    const engine = new StubEngine(() => [ONE_ROW]);
    const reply = await serverWith(engine).inject({
      method: 'POST', url: '/v1/sql', headers: { 'content-type': 'application/json' }, payload,
    });
    expect(reply.statusCode).toBe(400);
    const body = reply.json() as { error: { code: string; message: string; position: unknown } };
    expect(body.error.code).toBe('08P01');
    expect(body.error.position).toBeNull();
    expect(body.error.message).toMatch(message);
    expect(engine.calls).toEqual([]);
  });

  test('no body at all', async () => {
    const engine = new StubEngine(() => [ONE_ROW]);
    const reply = await serverWith(engine).inject({ method: 'POST', url: '/v1/sql' });
    expect(reply.statusCode).toBe(400);
    expect(reply.json()).toEqual({ error: {
      code: '08P01', position: null,
      message: 'request body is missing; expected a JSON object like {"query": "SELECT $1::int", "params": [1]}',
    } });
  });
});
