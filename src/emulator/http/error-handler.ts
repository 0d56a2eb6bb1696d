// Every error leaves as a documented body, never as fastify's default format and never as a bare 500:
// guest API → §6.14 ErrorBody with contextId = inin-correlation-id (§4); agent API → {error:{code,…}}.
import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EmulatorApiError, GuestApiError, guestErrors } from '../errors.ts';
import { OAuthError } from '../oauth/oauth-error.ts';
import { isAgentApi, isGuestApi } from './paths.ts';

export const CORRELATION_HEADER = 'inin-correlation-id';

export function correlationIdOf(reply: FastifyReply): string {
  const value = reply.getHeader(CORRELATION_HEADER);
  return typeof value === 'string' ? value : randomUUID();
}

export function installErrorHandling(app: FastifyInstance, bodyLimitBytes: number): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(CORRELATION_HEADER, randomUUID());
    if (isGuestApi(request.url)) {
      // §4: headers seen on Genesys responses.
      reply.header('cache-control', 'no-cache, no-store, must-revalidate');
      reply.header('pragma', 'no-cache');
      reply.header('expires', '0');
    }
    done();
  });

  app.setNotFoundHandler((request, reply) => {
    sendError(
      request,
      reply,
      isAgentApi(request.url)
        ? new EmulatorApiError(404, 'route_not_found', 'No such route.')
        : guestErrors.notFound(),
    );
  });

  app.setErrorHandler((error, request, reply) => {
    sendError(request, reply, toKnownError(error, isAgentApi(request.url), bodyLimitBytes));
  });
}

/**
 * Fastify answers a few failures (an undecodable URL, …) before any hook runs; its `frameworkErrors`
 * option routes them here so they leave as documented bodies too.
 */
export function frameworkErrorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  if (reply.getHeader(CORRELATION_HEADER) === undefined) reply.header(CORRELATION_HEADER, randomUUID());
  const agentApi = isAgentApi(request.url);
  sendError(
    request,
    reply,
    agentApi
      ? new EmulatorApiError(400, 'bad_request', 'The request URL is not valid.')
      : new GuestApiError(
          400,
          'bad.request',
          'The request could not be understood by the server due to malformed syntax.',
        ),
  );
}

function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: GuestApiError | EmulatorApiError | OAuthError,
): void {
  if (
    error.status >= 500 &&
    !(error instanceof GuestApiError && error.headers['retry-after'] !== undefined)
  ) {
    request.log.error({ err: error }, 'emulator request failed');
  }
  if (error instanceof EmulatorApiError || error instanceof OAuthError) {
    void reply.code(error.status).type('application/json').send(error.toBody());
    return;
  }
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  void reply
    .code(error.status)
    .type('application/json')
    .send(error.toBody(correlationIdOf(reply)));
}

/** Maps framework errors (bad content length, body too large, bad URL…) onto the documented bodies. */
function toKnownError(
  error: unknown,
  agentApi: boolean,
  bodyLimitBytes: number,
): GuestApiError | EmulatorApiError | OAuthError {
  if (error instanceof GuestApiError || error instanceof EmulatorApiError || error instanceof OAuthError)
    return error;
  const fastifyError = error as Partial<FastifyError>;
  const status = typeof fastifyError.statusCode === 'number' ? fastifyError.statusCode : 500;
  if (status === 413) {
    return agentApi
      ? new EmulatorApiError(
          413,
          'payload_too_large',
          `The request body is larger than ${bodyLimitBytes} bytes.`,
        )
      : // §11.1: 413 request.entity.too.large "Maximum bytes: %s".
        new GuestApiError(413, 'request.entity.too.large', `Maximum bytes: ${bodyLimitBytes}`);
  }
  if (status === 415) {
    return agentApi
      ? new EmulatorApiError(415, 'unsupported_media_type', 'Send the body as application/json.')
      : new GuestApiError(415, 'unsupported.media.type', 'Unsupported Media Type');
  }
  if (status >= 400 && status < 500) {
    return agentApi
      ? new EmulatorApiError(status, 'bad_request', fastifyError.message ?? 'Bad request.')
      : new GuestApiError(status, 'bad.request', fastifyError.message ?? 'Bad request.');
  }
  return agentApi
    ? new EmulatorApiError(500, 'internal', 'An internal error occurred.')
    : new GuestApiError(
        500,
        'internal.server.error',
        'The server encountered an unexpected condition which prevented it from fulfilling the request.',
      );
}
