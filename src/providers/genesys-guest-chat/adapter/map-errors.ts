// Guest-chat client errors → the core's neutral ProviderError, keeping Genesys' own code (e.g.
// `chat.error.invalid.queue`), the HTTP status, retryability and Retry-After.
import { ProviderError } from '../../../core/ports/provider.ts';
import { failedToConnect } from '../../../http/exchange-failure.ts';
import { GenesysApiError, GenesysNetworkError, isGuestChatError } from '../errors.ts';
import { CircuitOpenError } from './circuit-breaker.ts';

export function toProviderError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof GenesysApiError) {
    return new ProviderError(err.genesysMessage ?? `Genesys answered ${err.status}`, {
      code: err.genesysCode ?? `http.${err.status}`,
      status: err.status,
      retryable: err.isRetryable,
      ...(err.retryAfterMs === undefined ? {} : { retryAfterMs: err.retryAfterMs }),
      // A 429 is refused before any work (protocol §11.3).
      ...(err.status === 429 ? { notProcessed: true } : {}),
      cause: err,
    });
  }
  if (err instanceof GenesysNetworkError && failedToConnect(err.cause)) {
    // The connection could not be made: the request never reached Genesys — its outcome is certain.
    return new ProviderError(err.message, {
      code: `guest-chat.${err.code}`,
      retryable: true,
      notProcessed: true,
      cause: err,
    });
  }
  if (isGuestChatError(err) && err.cause instanceof CircuitOpenError) {
    // The breaker refused the call before it left: wait for its trial (issue 8) — a start or a
    // send waits out the cooldown instead of failing as a network error.
    return new ProviderError(err.cause.message, {
      code: 'guest-chat.circuit_open',
      retryable: true,
      retryAfterMs: err.cause.retryInMs,
      notProcessed: true,
      cause: err,
    });
  }
  if (isGuestChatError(err)) {
    return new ProviderError(err.message, {
      code: `guest-chat.${err.code}`,
      retryable: err.isRetryable,
      cause: err,
    });
  }
  return new ProviderError('unexpected failure in the guest-chat client', {
    code: 'guest-chat.unexpected',
    retryable: false,
    cause: err,
  });
}

/** Leaving a chat that is already over is not a failure (protocol §5.8 errors). */
export function isAlreadyGone(err: unknown): boolean {
  return (
    err instanceof GenesysApiError &&
    err.status === 400 &&
    (err.genesysCode === 'chat.error.conversation.state' || err.genesysCode === 'chat.error.member.state')
  );
}
