// Open Messaging client errors → the core's neutral ProviderError (like guest chat's map-errors.ts):
// Genesys' own code when it gave one, the HTTP status, retryability, Retry-After, and `notProcessed`
// whenever the outcome is certain because nothing was carried out — a 429 or a 401 (refused before
// any work, §1.4), a request refused client-side, a connection never made, a token that could not be
// had (the API call itself never left).
import { ProviderError } from '../../../core/ports/provider.ts';
import { failedToConnect } from '../../../http/exchange-failure.ts';
import {
  OpenMessagingAbortedError,
  OpenMessagingApiError,
  OpenMessagingAuthError,
  OpenMessagingError,
  OpenMessagingNetworkError,
  OpenMessagingRequestError,
  OpenMessagingTimeoutError,
} from '../errors.ts';

/** Operations of the token cache: when they fail, the API call they were for was never sent. */
const TOKEN_OPERATIONS: ReadonlySet<string> = new Set(['requestToken', 'getToken']);

export function toProviderError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof OpenMessagingAuthError) {
    // §1.4 invalid_client (or a wrong region): no retry can help until the configuration changes.
    return new ProviderError(err.message, {
      code: err.oauthError ?? err.code,
      status: err.status,
      retryable: false,
      notProcessed: true,
      cause: err,
    });
  }
  if (err instanceof OpenMessagingApiError) {
    return new ProviderError(err.message, {
      code: err.genesysCode ?? `http.${err.status}`,
      status: err.status,
      retryable: err.isRetryable,
      ...(err.retryAfterMs === undefined ? {} : { retryAfterMs: err.retryAfterMs }),
      // A 401 is refused before any work as well: the token is checked first (§1.4).
      ...(err.status === 429 || err.status === 401 || TOKEN_OPERATIONS.has(err.operation)
        ? { notProcessed: true }
        : {}),
      cause: err,
    });
  }
  if (err instanceof OpenMessagingRequestError) {
    return new ProviderError(err.message, {
      code: err.code,
      retryable: false,
      notProcessed: true,
      cause: err,
    });
  }
  if (err instanceof OpenMessagingNetworkError || err instanceof OpenMessagingTimeoutError) {
    const neverSent =
      TOKEN_OPERATIONS.has(err.operation) ||
      (err instanceof OpenMessagingNetworkError && failedToConnect(err.cause));
    return new ProviderError(err.message, {
      code: err.code,
      retryable: true,
      ...(neverSent ? { notProcessed: true } : {}),
      cause: err,
    });
  }
  if (err instanceof OpenMessagingAbortedError) {
    // The caller gave up (shutdown, a closed session): not a verdict on the request — retryable.
    return new ProviderError(err.message, { code: err.code, retryable: true, cause: err });
  }
  if (err instanceof OpenMessagingError) {
    return new ProviderError(err.message, { code: err.code, retryable: err.isRetryable, cause: err });
  }
  return new ProviderError('unexpected failure in the Open Messaging adapter', {
    code: 'OM_UNEXPECTED',
    retryable: false,
    cause: err,
  });
}
