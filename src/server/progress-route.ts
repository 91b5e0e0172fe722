// GET /v1/progress: the views being built in the background (what the
// freshet_progress table shows), as JSON: `{ "backfills": [{ view, phase,
// rowsDone, rowsTotal, rowsPerSecond, etaSeconds, startedMs, bufferedCommits }] }`.
// The CLI polls it to draw a progress bar while a CREATE runs.
import type { FastifyInstance } from 'fastify';
import type { ServerEngine } from './server-engine.js';

export function progressRoute(engine: ServerEngine) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.get('/v1/progress', async () => ({ backfills: engine.progress() }));
  };
}
