// One place that turns every failure into the catalogue's JSON error body with a stable code
// (src/core/errors.ts). Fastify's own errors (bad JSON, wrong content type, body too large) and
// zod validation errors map to catalogue codes too; anything unexpected is a 500 INTERNAL whose
// body says nothing about its cause (it may carry provider internals or secrets).
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { GatewayError, type ErrorDetail } from '../core/errors.ts';

const FASTIFY_CODES: Record<string, GatewayError['code']> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_RATE_LIMIT: 'RATE_LIMITED',
};

export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = (err as { validationContext?: string }).validationContext ?? 'body';
    const details: ErrorDetail[] = err.validation.map((v) => ({
      path: [where, ...v.instancePath.split('/').filter(Boolean)].join('.'),
      message: v.message ?? 'invalid',
    }));
    return new GatewayError('VALIDATION_FAILED', { details });
  }
  const fe = err as Partial<FastifyError>;
  if (fe.code && fe.code in FASTIFY_CODES)
    return new GatewayError(FASTIFY_CODES[fe.code] ?? 'VALIDATION_FAILED');
  // A JSON body that parses to a non-object (e.g. `"x"` or `5`) fails the schema: still a 400.
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new GatewayError('VALIDATION_FAILED', { message: 'The request is not valid.' });
  }
  return new GatewayError('INTERNAL', { cause: err });
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const ge = toGatewayError(err);
    // A 503 the catalogue has for it (shutting down, not committed yet, lease moved) asks the caller
    // to try again: expected in a deploy or under load, so a warning — an error per call would bury
    // the 500s, which are bugs.
    if (ge.status === 500) req.log.error({ code: ge.code, err: describe(err) }, 'request failed');
    else if (ge.status > 500) req.log.warn({ code: ge.code }, 'request not served; the caller may retry');
    // A client without a valid key, or one sending more than the body limit, gets no kept-alive
    // socket to try again on cheaply; a 413's unread body is not read either.
    if (ge.status === 401 || ge.status === 413) void reply.header('connection', 'close');
    return reply.code(ge.status).type('application/json').send(ge.toJSON());
  });
  app.setNotFoundHandler((_req, reply) => reply.code(404).send(new GatewayError('ROUTE_NOT_FOUND').toJSON()));
}

/** Name and message only: never the stack of a provider error with request data attached. */
function describe(err: unknown): { name: string; message: string } {
  return err instanceof Error
    ? { name: err.name, message: err.message }
    : { name: 'unknown', message: String(err) };
}
