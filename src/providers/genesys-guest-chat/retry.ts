// When (and whether) to retry a failed guest-chat REST call. The client itself never retries (a
// send is not idempotent: a retried POST after a timeout may post twice); callers decide, and use
// this helper for the delay: Genesys' Retry-After when given (§11.3), else full-jitter backoff.
import { GenesysApiError, isRetryableGuestChatError } from './errors.ts';
import { fullJitterDelay, type BackoffOptions } from './stream/backoff.ts';

export interface RetryDelayOptions extends BackoffOptions {
  /** Random source in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
}

/**
 * Delay before retry number `attempt` (1-based) of a call that failed with `err`, in ms; or
 * `undefined` when `err` is not retryable. A `Retry-After` from Genesys wins over the backoff.
 */
export function retryDelayFor(
  err: unknown,
  attempt: number,
  options: RetryDelayOptions = {},
): number | undefined {
  if (!isRetryableGuestChatError(err)) return undefined;
  if (err instanceof GenesysApiError && err.retryAfterMs !== undefined) return err.retryAfterMs;
  return fullJitterDelay(attempt, options, options.random);
}
