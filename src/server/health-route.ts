// GET /healthz: liveness only; 200 `{"status":"ok"}` while the process serves.
import type { FastifyInstance } from 'fastify';

export async function healthRoute(app: FastifyInstance): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));
}
