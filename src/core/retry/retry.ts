// Bounded retries of an async call on the Scheduler port: the backoff of `backoff.ts`, honouring
// the other side's Retry-After. The caller says what is worth retrying (`classify`): a permanent
// error (a 400, 401, 404) is thrown at once.
import type { Clock } from '../ports/clock.ts';
import type { Random, Scheduler } from '../ports/scheduler.ts';
import { sleep } from '../ports/scheduler.ts';
import { retryDelay, type BackoffPolicy } from './backoff.ts';

/** How a failure should be retried; `undefined` from `classify` means "do not retry". */
export interface RetryVerdict {
  readonly retryAfterMs?: number;
}

export interface RetryOptions {
  readonly policy: BackoffPolicy;
  /** Attempts in total, including the first. `Infinity` retries until the signal aborts. */
  readonly maxAttempts: number;
  readonly classify: (err: unknown) => RetryVerdict | undefined;
  readonly scheduler: Scheduler;
  readonly random: Random;
  readonly signal: AbortSignal;
  readonly onRetry?: (err: unknown, failures: number, delayMs: number) => void;
  /**
   * Stop retrying once this much time has passed since the first failure (the last wait is cut to
   * end at the deadline, and one last attempt runs there). Needs `clock`. From the first failure, not
   * the first call: the window is for the other side failing, and a first attempt that was merely
   * slow to be sent — queued behind a rate limit after a restart, with every chat re-attaching —
   * must not use it up before any retry ran (a chaos run ended a live chat that way).
   */
  readonly maxElapsed?: { readonly ms: number; readonly clock: Clock };
}

export async function retry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  let deadline = Infinity;
  const now = (): number => opts.maxElapsed?.clock.now().getTime() ?? 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const verdict = opts.classify(err);
      if (opts.maxElapsed && attempt === 1) deadline = now() + opts.maxElapsed.ms;
      if (!verdict || attempt >= opts.maxAttempts || opts.signal.aborted || now() >= deadline) throw err;
      const delay = Math.min(
        retryDelay(attempt, opts.policy, opts.random, verdict.retryAfterMs),
        Math.max(0, deadline - now()),
      );
      opts.onRetry?.(err, attempt, delay);
      await sleep(opts.scheduler, delay, opts.signal);
    }
  }
}
