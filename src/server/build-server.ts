// Builds the HTTP server over an engine without listening, so tests can use
// inject() and serve() can listen. Routes are encapsulated plugins; errors and
// unknown routes all go through error-handler.ts.
import { fastify } from 'fastify';
import type { FastifyInstance } from 'fastify';
import { registerErrorHandling } from './error-handler.js';
import { healthRoute } from './health-route.js';
import type { ServerEngine } from './server-engine.js';
import { sqlRoute } from './sql-route.js';
import { statusRoute } from './status-route.js';
import { progressRoute } from './progress-route.js';

export interface ServerOptions {
  /** Largest accepted request body in bytes; larger bodies get 413. Default 10 MiB. */
  readonly bodyLimit?: number;
  /** true: log warnings and internal errors (with stacks) as JSON lines on stderr. */
  readonly logger?: boolean;
}

export const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;

/** `engine` is an Engine (tests may pass a stub with the same sqlAll/close).
 *  The caller owns it: closing the server does not close the engine. */
export function buildServer(engine: ServerEngine, options: ServerOptions = {}): FastifyInstance {
  const app = fastify({
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    logger: options.logger === true ? { level: 'warn', stream: process.stderr } : false,
  });
  registerErrorHandling(app);
  void app.register(sqlRoute(engine));
  void app.register(healthRoute);
  void app.register(statusRoute(engine));
  void app.register(progressRoute(engine));
  return app;
}
