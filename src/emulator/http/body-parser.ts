// Request-body parsing for every route. Replaces fastify's JSON parser because (§4, §13.4):
// - the official SDK sends `Content-Type: application/json` with an empty body (typing POST, GET,
//   DELETE) and fastify's parser rejects that;
// - every parse failure must become an ErrorBody, not fastify's own error format.
// The JSON itself is still parsed by fastify's parser (secure-json-parse): a `__proto__` or
// `constructor.prototype` key is refused like malformed JSON, never merged into an object.
// The OAuth token endpoint is the exception: it takes a form body (§1.2) and answers OAuth errors.
import type { FastifyInstance } from 'fastify';
import { EmulatorApiError, GuestApiError } from '../errors.ts';
import { oauthErrors } from '../oauth/oauth-error.ts';
import { isAgentApi, isOAuthTokenPath } from './paths.ts';

const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

export function installBodyParser(app: FastifyInstance): void {
  const fastifyJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, raw, done) => {
    const text = typeof raw === 'string' ? raw : raw.toString('utf8');
    const agentApi = isAgentApi(request.url);
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    const contentType = request.headers['content-type'];
    if (isOAuthTokenPath(request.url)) {
      // §1.2: the SDK sends `grant_type=client_credentials` as a form (its content type may be absent).
      if (contentType !== undefined && !FORM_TYPE.test(contentType)) {
        done(
          oauthErrors.invalidRequest('Send the token request as application/x-www-form-urlencoded.'),
          undefined,
        );
        return;
      }
      done(null, Object.fromEntries(new URLSearchParams(text)));
      return;
    }
    // A body without a content type is read as JSON (curl users forget the header); any other type is refused.
    if (contentType !== undefined && !JSON_TYPE.test(contentType)) {
      done(
        agentApi
          ? new EmulatorApiError(415, 'unsupported_media_type', 'Send the body as application/json.')
          : new GuestApiError(
              415,
              'unsupported.media.type',
              `Unsupported Media Type: ${contentType.split(';')[0] ?? ''}`,
            ),
        undefined,
      );
      return;
    }
    void fastifyJson(request, text, (err: Error | null, body?: unknown) => {
      if (!err) {
        done(null, body);
        return;
      }
      done(
        agentApi
          ? new EmulatorApiError(400, 'malformed_json', 'The request body is not valid JSON.')
          : new GuestApiError(
              400,
              'bad.request',
              'The request could not be understood by the server due to malformed syntax.',
            ),
        undefined,
      );
    });
  });
}
