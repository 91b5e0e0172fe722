// GET /v1/status: where the engine stands — LSN, durability and health, what
// recovery did at start, rows per table and state per view operator — as JSON.
import type { FastifyInstance } from 'fastify';
import type { ServerEngine } from './server-engine.js';

export function statusRoute(engine: ServerEngine) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.get('/v1/status', async () => engine.status());
  };
}
