// The client-credentials token request (protocol §1.2), exactly as the official SDK sends it:
// `POST {login}/oauth/token`, `Authorization: Basic base64(clientId:clientSecret)`, form body
// `grant_type=client_credentials`, no scope. Refusals of the credentials (§1.4 `invalid_client`)
// become the permanent OpenMessagingAuthError; 429/5xx stay retryable API errors.
import { OpenMessagingAuthError } from '../errors.ts';
import {
  httpRequest,
  parseJson,
  platformApiError,
  type ErrorAnswer,
  type HttpSettings,
} from '../rest/http-request.ts';
import { OAuthErrorBodySchema } from '../wire/error-body.ts';
import { TokenResponseSchema } from '../wire/token.ts';

export interface ClientCredentials {
  /** OAuth client id (not secret, but not logged either). */
  readonly clientId: string;
  /** OAuth client secret: never logged, never in an error. */
  readonly clientSecret: string;
}

export interface FetchedToken {
  readonly accessToken: string;
  /** Lifetime from `expires_in` (§1.3), ms. */
  readonly expiresInMs: number;
}

export async function requestClientCredentialsToken(
  http: HttpSettings,
  loginBaseUrl: string,
  credentials: ClientCredentials,
  signal: AbortSignal,
): Promise<FetchedToken> {
  const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64');
  const res = await httpRequest(http, {
    operation: 'requestToken',
    method: 'POST',
    url: `${loginBaseUrl}/oauth/token`,
    body: { form: 'grant_type=client_credentials' },
    authorization: `Basic ${basic}`,
    schema: TokenResponseSchema,
    signal,
    secrets: [credentials.clientSecret, basic],
    onErrorAnswer: tokenError,
  });
  return { accessToken: res.access_token, expiresInMs: res.expires_in * 1000 };
}

// §1.4: wrong id/secret (or wrong region) → 401 invalid_client. Any 400/401/403 of the login service
// is about the credentials or the grant: the same request can never succeed.
function tokenError(answer: ErrorAnswer): Error {
  if (answer.status === 400 || answer.status === 401 || answer.status === 403) {
    const body = parseJson(answer.text, OAuthErrorBodySchema);
    return new OpenMessagingAuthError({
      status: answer.status,
      oauthError: body?.error,
      correlationId: answer.correlationId,
    });
  }
  return platformApiError(answer);
}
