// When the client tries a call again: network errors, timeouts, 429 and 5xx — never a 4xx (that is
// an answer) and never after the caller aborted. Every /v1 call is safe to repeat: starts are
// idempotent per customer session, messages carry an Idempotency-Key that is the same on each try,
// and the rest are reads or idempotent commands. Delays use the project's one backoff rule.
import { retryDelay, type BackoffPolicy } from '../core/retry/backoff.ts';
import { GatewayApiError } from './errors.ts';

export interface RetryOptions {
  /** Tries in all, the first included. Default 3; 1 turns retries off. */
  readonly attempts?: number;
  /** Cap of the first delay, ms. Default 250. */
  readonly initialDelayMs?: number;
  /** Cap of any delay (also of a `Retry-After` the gateway asks for), ms. Default 5 000. */
  readonly maxDelayMs?: number;
}

export async function withRetries<T>(
  options: RetryOptions,
  signal: AbortSignal | undefined,
  call: () => Promise<T>,
): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 3);
  const policy: BackoffPolicy = {
    initialDelayMs: options.initialDelayMs ?? 250,
    maxDelayMs: options.maxDelayMs ?? 5_000,
  };
  for (let failures = 1; ; failures++) {
    try {
      return await call();
    } catch (err) {
      if (failures >= attempts || signal?.aborted === true || !isRetryable(err)) throw err;
      const asked = err instanceof GatewayApiError ? err.retryAfterMs : undefined;
      await sleep(retryDelay(failures, policy, Math.random, asked), signal);
    }
  }
}

function isRetryable(err: unknown): boolean {
  if (err instanceof GatewayApiError) return err.retryable;
  // fetch rejects with a TypeError on network failure and a TimeoutError from AbortSignal.timeout.
  return err instanceof TypeError || (err instanceof Error && err.name === 'TimeoutError');
}

export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
