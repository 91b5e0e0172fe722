// Every failure path of the HTTP server and the status/body it must produce:
// engine errors (400, with position and statementIndex), malformed JSON,
// wrong media type, oversized bodies, unknown routes and internal bugs.
import { afterEach, describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { EngineError, SqlState } from '../../src/common/errors.js';
import { buildServer } from '../../src/server/build-server.js';
import { ONE_ROW, StubEngine } from './stub-engine.js';

let app: FastifyInstance | undefined;
afterEach(async () => { await app?.close(); app = undefined; });

function serverThrowing(error: unknown, bodyLimit?: number): FastifyInstance {
  const engine = new StubEngine(() => { throw error; });
  app = buildServer(engine, bodyLimit === undefined ? { logger: false } : { logger: false, bodyLimit });
  return app;
}

function postJson(server: FastifyInstance, payload: string) {
  return server.inject({ method: 'POST', url: '/v1/sql', headers: { 'content-type': 'application/json' }, payload });
}

describe('engine errors', () => {
  test('an EngineError with a position is 400 with position, line and column', async () => {
    const error = new EngineError(SqlState.syntaxError, 'syntax error at or near "FROM"',
      { offset: 17, line: 2, column: 8 });
    const reply = await postJson(serverThrowing(error), '{"query": "SELECT\\n  1 +  FROM t"}');
    expect(reply.statusCode).toBe(400);
    expect(reply.json()).toEqual({ error: {
      code: '42601', message: 'syntax error at or near "FROM"', position: 17, line: 2, column: 8,
    } });
  });

  test('an EngineError without a position has position null and no line/column', async () => {
    const error = new EngineError(SqlState.divisionByZero, 'division by zero');
    const reply = await postJson(serverThrowing(error), '{"query": "SELECT 1/0"}');
    expect(reply.statusCode).toBe(400);
    expect(reply.json()).toEqual({ error: { code: '22012', message: 'division by zero', position: null } });
  });

  test('statementIndex is reported when statement k of several fails', async () => {
    const error = Object.assign(
      new EngineError(SqlState.undefinedTable, 'relation "nope" does not exist', { offset: 40, line: 1, column: 40 }),
      { statementIndex: 1 },
    );
    const reply = await postJson(serverThrowing(error), '{"query": "CREATE TABLE t (a int); SELECT * FROM nope"}');
    expect(reply.statusCode).toBe(400);
    expect(reply.json()).toEqual({ error: {
      code: '42P01', message: 'relation "nope" does not exist', position: 40, line: 1, column: 40, statementIndex: 1,
    } });
  });

  test('a class 08 protocol error from the engine is 400 as well', async () => {
    const error = new EngineError(SqlState.invalidRequest, 'bind message supplies 2 parameters, but statement requires 1');
    const reply = await postJson(serverThrowing(error), '{"query": "SELECT $1", "params": [1, 2]}');
    expect(reply.statusCode).toBe(400);
    expect(reply.json<{ error: { code: string } }>().error.code).toBe('08P01');
  });

  test('a non-EngineError is a 500 XX000 carrying the message but not the stack', async () => {
    const bug = new TypeError('cannot read properties of undefined (reading \'x\')');
    const reply = await postJson(serverThrowing(bug), '{"query": "SELECT 1"}');
    expect(reply.statusCode).toBe(500);
    expect(reply.json()).toEqual({ error: {
      code: 'XX000', message: 'internal error: cannot read properties of undefined (reading \'x\')', position: null,
    } });
    expect(reply.body).not.toContain('at ');
  });

  test('an EngineError with code XX000 is a 500 too', async () => {
    const reply = await postJson(serverThrowing(new EngineError(SqlState.internalError, 'plan invariant broken')), '{"query": "SELECT 1"}');
    expect(reply.statusCode).toBe(500);
    expect(reply.json()).toEqual({ error: { code: 'XX000', message: 'plan invariant broken', position: null } });
  });
});

describe('request errors', () => {
  test('malformed JSON is 400 with what JSON.parse found and where', async () => {
    const server = serverThrowing(new Error('engine must not be called'));
    const reply = await postJson(server, '{"query": "SELECT 1",}');
    expect(reply.statusCode).toBe(400);
    const body = reply.json<{ error: { code: string; message: string; position: null } }>();
    expect(body.error.code).toBe('08P01');
    expect(body.error.position).toBeNull();
    // The text after the colon is V8's; the offending '}' is at index 21.
    expect(body.error.message).toMatch(/^request body is not valid JSON: .*position 21/);
  });

  test('an empty JSON body is 400 with an example of the expected body', async () => {
    const reply = await postJson(serverThrowing(new Error('unused')), '   ');
    expect(reply.statusCode).toBe(400);
    expect(reply.json()).toEqual({ error: {
      code: '08P01', position: null, message: 'request body is empty; expected a JSON object like {"query": "SELECT 1"}',
    } });
  });

  test('a content type other than JSON is 415 and names the accepted type', async () => {
    const server = serverThrowing(new Error('unused'));
    const reply = await server.inject({
      method: 'POST', url: '/v1/sql', headers: { 'content-type': 'text/plain' }, payload: 'SELECT 1',
    });
    expect(reply.statusCode).toBe(415);
    expect(reply.json()).toEqual({ error: {
      code: '08P01', position: null, message: "unsupported content type 'text/plain'; accepted: application/json",
    } });
  });

  test('form-encoded bodies are 415 as well', async () => {
    const server = serverThrowing(new Error('unused'));
    const reply = await server.inject({
      method: 'POST', url: '/v1/sql',
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'query=SELECT+1',
    });
    expect(reply.statusCode).toBe(415);
  });

  test('a body over bodyLimit is 413 and names the limit', async () => {
    const engine = new StubEngine(() => [ONE_ROW]);
    app = buildServer(engine, { logger: false, bodyLimit: 64 });
    const small = await postJson(app, '{"query": "SELECT 1"}');
    expect(small.statusCode).toBe(200);
    const big = await postJson(app, JSON.stringify({ query: `SELECT '${'x'.repeat(100)}'` }));
    expect(big.statusCode).toBe(413);
    expect(big.json()).toEqual({ error: {
      code: '54000', position: null, message: "request body is larger than the server's limit of 64 bytes",
    } });
    expect(engine.calls).toHaveLength(1);
  });
});

describe('other routes', () => {
  test('GET /healthz is ok', async () => {
    app = buildServer(new StubEngine(() => []), { logger: false });
    const reply = await app.inject({ method: 'GET', url: '/healthz' });
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toEqual({ status: 'ok' });
  });

  test('an unknown route is a JSON 404 listing the routes', async () => {
    app = buildServer(new StubEngine(() => []), { logger: false });
    const reply = await app.inject({ method: 'GET', url: '/v1/nothing?x=1' });
    expect(reply.statusCode).toBe(404);
    expect(reply.json()).toEqual({ error: {
      code: '08P01', position: null, message: 'no route GET /v1/nothing?x=1; available: POST /v1/sql, GET /v1/status, GET /healthz',
    } });
  });

  test('the wrong method on a known path is a 404 too', async () => {
    app = buildServer(new StubEngine(() => []), { logger: false });
    const reply = await app.inject({ method: 'GET', url: '/v1/sql' });
    expect(reply.statusCode).toBe(404);
    expect(reply.json<{ error: { message: string } }>().error.message).toMatch(/^no route GET \/v1\/sql;/);
  });
});
