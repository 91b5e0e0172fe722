// POST /v1/sql: runs `{query, params}` on the engine. One statement replies with
// its QueryResult; several reply `{results: [...]}` in statement order. The body
// is validated here; the SQL itself is the engine's business.
import type { FastifyInstance } from 'fastify';
import { EngineError, SqlState } from '../common/errors.js';
import type { QueryResult } from '../query-result.js';
import { registerJsonBodyParser } from './json-body-parser.js';
import type { ServerEngine } from './server-engine.js';

export interface SqlRequest {
  readonly query: string;
  readonly params: readonly unknown[] | undefined;
}

export type SqlResponse = QueryResult | { readonly results: readonly QueryResult[] };

const EXAMPLE = 'expected a JSON object like {"query": "SELECT $1::int", "params": [1]}';
const KNOWN_FIELDS = new Set(['query', 'params']);

export function sqlRoute(engine: ServerEngine) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    registerJsonBodyParser(app);
    app.post('/v1/sql', async (request): Promise<SqlResponse> => {
      const { query, params } = parseSqlRequest(request.body);
      const results = await engine.sqlAll(query, params);
      const only = results.length === 1 ? results[0] : undefined;
      return only ?? { results };
    });
  };
}

/** Checks the request body's shape; every problem is an 08P01 with the fix. */
export function parseSqlRequest(body: unknown): SqlRequest {
  if (body === undefined || body === null) {
    throw new EngineError(SqlState.invalidRequest, `request body is missing; ${EXAMPLE}`);
  }
  if (typeof body !== 'object' || Array.isArray(body)) {
    const got = Array.isArray(body) ? 'an array' : typeof body;
    throw new EngineError(SqlState.invalidRequest, `request body must be a JSON object, got ${got}; ${EXAMPLE}`);
  }
  const record = body as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!KNOWN_FIELDS.has(key)) {
      throw new EngineError(SqlState.invalidRequest,
        `unknown field "${key}" in request body; allowed fields are "query" and "params"`);
    }
  }
  const query = record['query'];
  if (typeof query !== 'string') {
    const problem = query === undefined ? 'is missing' : `must be a string, got ${describe(query)}`;
    throw new EngineError(SqlState.invalidRequest, `field "query" ${problem}; ${EXAMPLE}`);
  }
  const params = record['params'];
  if (params !== undefined && !Array.isArray(params)) {
    throw new EngineError(SqlState.invalidRequest,
      `field "params" must be an array of parameter values ($1, $2, ...), got ${describe(params)}`);
  }
  return { query, params };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
