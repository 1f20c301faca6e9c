import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { CdsError } from '../errors.js';

/** The JSON body of every error the service answers: a stable code, a sentence, and the details to fix it. */
interface ErrorBody {
  error: string;
  message: string;
  details?: string[];
}

/** Fastify's own refusals (invalid JSON, body too large, wrong content type) in the catalogue's words. */
const FRAMEWORK_CODES: Record<number, string> = {
  400: 'bad-request',
  404: 'not-found',
  408: 'request-timeout',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'too-many-requests',
};

/** A sentence for a framework refusal that came without one. */
function frameworkMessage(status: number, message: unknown): string {
  if (typeof message === 'string' && message.trim() !== '') return message;
  return `The request was refused (HTTP ${status})`;
}

/**
 * Maps the error catalogue (and Fastify's own 4xx, e.g. invalid JSON, body too large) to status + body once.
 * Anything else is a masked 500, logged by name and stack only (never the request body or token).
 */
export function cdsErrorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof CdsError) {
    const body: ErrorBody = { error: error.code, message: error.message, ...(error.details.length ? { details: error.details } : {}) };
    request.log.info({ status: error.status, code: error.code }, 'request refused');
    return reply.status(error.status).send(body);
  }
  const status = (error as FastifyError | undefined)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return reply.status(status).send({ error: FRAMEWORK_CODES[status] ?? 'bad-request', message: frameworkMessage(status, error.message) } satisfies ErrorBody);
  }
  request.log.error({ err: { type: (error as Error | undefined)?.name, stack: (error as Error | undefined)?.stack } }, 'unexpected error');
  return reply.status(500).send({ error: 'internal', message: 'Internal error; the service logged it without patient data' } satisfies ErrorBody);
}

/** Unknown routes (any method): 404 in the catalogue's words; the path is not echoed, it may carry an id. */
export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  return reply.status(404).send({
    error: 'not-found',
    message: `Nothing answers ${request.method} here; the CDS services are listed at GET /cds-services`,
  } satisfies ErrorBody);
}
