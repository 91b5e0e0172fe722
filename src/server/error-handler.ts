// The one place where failures become HTTP replies: it maps EngineError codes
// and fastify's own request errors to statuses and the `{error: {...}}` body.
// User errors are 4xx with the message as written; anything else is a bug:
// 500 / XX000, its stack logged, never sent.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EngineError, SqlState } from '../common/errors.js';

/** The JSON error body: PostgreSQL-style fields, position 1-based or null. */
export interface ErrorBody {
  readonly code: string;
  readonly message: string;
  readonly position: number | null;
  readonly line?: number;
  readonly column?: number;
  /** 0-based index of the failing statement in a multi-statement request;
   *  the statements before it are committed. */
  readonly statementIndex?: number;
}

export interface ErrorReply {
  readonly status: number;
  readonly body: { readonly error: ErrorBody };
}

const HTTP_BAD_REQUEST = 400;
const HTTP_NOT_FOUND = 404;
const HTTP_PAYLOAD_TOO_LARGE = 413;
const HTTP_UNSUPPORTED_MEDIA_TYPE = 415;
const HTTP_INTERNAL_ERROR = 500;
const HTTP_SERVICE_UNAVAILABLE = 503;
const HTTP_INSUFFICIENT_STORAGE = 507;

/** Media types a request body may have; named in the 415 message. */
export const ACCEPTED_CONTENT_TYPES = ['application/json'] as const;

/** Maps any thrown value to the reply it deserves. Pure, so it is unit-testable. */
export function errorReply(error: unknown, request?: FastifyRequest): ErrorReply {
  if (error instanceof EngineError) {
    // Every EngineError is the user's (SQL, parameters, protocol) except an
    // explicit internal error, which is ours, and storage faults (disk full:
    // 507, I/O error: 503), where the request was fine but not made durable.
    const status = error.code === SqlState.internalError ? HTTP_INTERNAL_ERROR
      : error.code === SqlState.diskFull ? HTTP_INSUFFICIENT_STORAGE
      : error.code === SqlState.ioError ? HTTP_SERVICE_UNAVAILABLE
      : HTTP_BAD_REQUEST;
    return { status, body: { error: engineErrorBody(error) } };
  }
  if (isFastifyError(error)) {
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return plain(HTTP_PAYLOAD_TOO_LARGE, SqlState.programLimitExceeded,
          `request body is larger than the server's limit of ${bodyLimitOf(request)} bytes`);
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': {
        const given = request?.headers['content-type'];
        const what = given === undefined || given === '' ? 'a request body without a content type' : `content type '${given}'`;
        return plain(HTTP_UNSUPPORTED_MEDIA_TYPE, SqlState.invalidRequest,
          `unsupported ${what}; accepted: ${ACCEPTED_CONTENT_TYPES.join(', ')}`);
      }
      default:
        // Other request-level rejections by fastify (bad Content-Length, ...)
        // keep their 4xx status; a 5xx from fastify is a bug like any other.
        if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
          return plain(error.statusCode, SqlState.invalidRequest, error.message);
        }
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return plain(HTTP_INTERNAL_ERROR, SqlState.internalError, `internal error: ${message}`);
}

/** The reply for a route that does not exist. */
export function notFoundReply(method: string, url: string): ErrorReply {
  return plain(HTTP_NOT_FOUND, SqlState.invalidRequest,
    `no route ${method} ${url}; available: POST /v1/sql, GET /v1/status, GET /healthz`);
}

/** Installs the error and not-found handlers on the root instance, so every
 *  route plugin shares them. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = errorReply(error, request);
    if (status >= HTTP_INTERNAL_ERROR) request.log.error({ err: error }, 'internal error while serving request');
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = notFoundReply(request.method, request.url);
    return reply.code(status).send(body);
  });
}

function engineErrorBody(error: EngineError): ErrorBody {
  const index = (error as { statementIndex?: unknown }).statementIndex;
  const base = error.position === undefined
    ? { code: error.code, message: error.message, position: null }
    : { code: error.code, message: error.message, position: error.position.offset,
        line: error.position.line, column: error.position.column };
  return typeof index === 'number' ? { ...base, statementIndex: index } : base;
}

function plain(status: number, code: string, message: string): ErrorReply {
  return { status, body: { error: { code, message, position: null } } };
}

function isFastifyError(error: unknown): error is FastifyError {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('FST_');
}

function bodyLimitOf(request: FastifyRequest | undefined): string {
  const limit = request?.routeOptions.bodyLimit;
  return limit === undefined ? 'the configured' : String(limit);
}
