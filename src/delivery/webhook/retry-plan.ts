// What to do after a failed webhook attempt: retry at a time, or dead-letter. Pure, so the policy is
// unit-tested without HTTP or a store. The delays are the project's one backoff rule
// (core/retry/backoff.ts) and its one Retry-After rule (core/retry/retry-after.ts).
import type { Random } from '../../core/ports/scheduler.ts';
import { retryDelay } from '../../core/retry/backoff.ts';
import { parseRetryAfter } from '../../core/retry/retry-after.ts';

export interface WebhookRetryPolicy {
  /** Cap of the first retry's delay, in ms. Default 1 000. */
  readonly initialDelayMs: number;
  /** Upper bound of any single delay (also caps Retry-After), in ms. Default 600 000 (10 min). */
  readonly maxDelayMs: number;
  /** After this long since the first attempt, a failing event is dead-lettered, in ms. Default 86 400 000 (24 h). */
  readonly maxAgeMs: number;
}

export const DEFAULT_WEBHOOK_RETRY: WebhookRetryPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 10 * 60_000,
  maxAgeMs: 24 * 60 * 60_000,
};

export type RetryPlan =
  { readonly kind: 'retry'; readonly nextAttemptAt: Date } | { readonly kind: 'dead'; readonly why: string };

export interface FailureFacts {
  /** Failed attempts so far, including this one (≥ 1). */
  readonly failures: number;
  readonly firstAttemptAt: Date;
  readonly now: Date;
  /** 410 Gone: the receiver removed the endpoint; retrying for 24 h would only add noise. */
  readonly permanent: boolean;
  readonly retryAfter: string | undefined;
  readonly policy: WebhookRetryPolicy;
  readonly random: Random;
}

export function planAfterFailure(f: FailureFacts): RetryPlan {
  if (f.permanent) return { kind: 'dead', why: 'receiver answered 410 Gone' };
  const deadline = f.firstAttemptAt.getTime() + f.policy.maxAgeMs;
  if (f.now.getTime() >= deadline)
    return { kind: 'dead', why: `retries exhausted after ${f.policy.maxAgeMs} ms` };
  // Honour the receiver's Retry-After, but never beyond maxDelayMs: a hostile or buggy header must not park an event for days.
  const delay = retryDelay(f.failures, f.policy, f.random, parseRetryAfter(f.retryAfter, f.now.getTime()));
  // One last attempt exactly at the deadline rather than none: the age limit bounds retries, it does not skip them.
  const next = Math.min(f.now.getTime() + delay, deadline);
  return { kind: 'retry', nextAttemptAt: new Date(next) };
}
