// Bounded retries of provider calls: exponential backoff with full jitter, honouring the provider's
// Retry-After (Genesys 429s carry one, protocol §11.3). Only errors the provider marked retryable
// are retried; a permanent error (400/401/403/404) is thrown at once.
import { ProviderError } from '../ports/provider.ts';

export interface RetryOptions {
  /** Attempts in total, including the first. */
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly signal: AbortSignal;
  readonly random?: () => number;
  readonly onRetry?: (err: ProviderError, attempt: number, delayMs: number) => void;
}

export const DEFAULT_RETRY = { maxAttempts: 6, initialDelayMs: 250, maxDelayMs: 15_000 } as const;

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const random = opts.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (
        !(err instanceof ProviderError) ||
        !err.retryable ||
        attempt >= opts.maxAttempts ||
        opts.signal.aborted
      )
        throw err;
      const backoff = Math.min(opts.maxDelayMs, opts.initialDelayMs * 2 ** (attempt - 1)) * random();
      const delay = Math.min(opts.maxDelayMs * 4, Math.max(backoff, err.details.retryAfterMs ?? 0));
      opts.onRetry?.(err, attempt, delay);
      await sleep(delay, opts.signal);
    }
  }
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
