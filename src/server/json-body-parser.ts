// Request bodies: JSON only. Replaces fastify's parsers so that any other media
// type is a 415, and malformed JSON is a 400 whose message says what JSON.parse
// found and where (fastify's default hides that).
import type { FastifyInstance } from 'fastify';
import { EngineError, SqlState } from '../common/errors.js';

export function registerJsonBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(new EngineError(SqlState.invalidRequest,
        'request body is empty; expected a JSON object like {"query": "SELECT 1"}'), undefined);
      return;
    }
    try {
      // Plain JSON.parse is safe here: the body is only read field by field,
      // never merged into other objects, so a "__proto__" key is inert.
      done(null, JSON.parse(text) as unknown);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      done(new EngineError(SqlState.invalidRequest, `request body is not valid JSON: ${detail}`), undefined);
    }
  });
}
