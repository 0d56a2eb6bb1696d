// What to do after a failed attempt: retry at a time, or dead-letter. Pure, so the policy is
// unit-tested without HTTP or a store.
import { backoffDelayMs, parseRetryAfterMs, type RetryPolicy } from './backoff.ts';

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
  readonly policy: RetryPolicy;
  readonly random: () => number;
}

export function planAfterFailure(f: FailureFacts): RetryPlan {
  if (f.permanent) return { kind: 'dead', why: 'receiver answered 410 Gone' };
  const deadline = f.firstAttemptAt.getTime() + f.policy.maxAgeMs;
  if (f.now.getTime() >= deadline)
    return { kind: 'dead', why: `retries exhausted after ${f.policy.maxAgeMs} ms` };
  let delay = backoffDelayMs(f.failures, f.policy, f.random);
  const asked = parseRetryAfterMs(f.retryAfter, f.now);
  // Honour the receiver's Retry-After, but never beyond maxDelayMs: a hostile or buggy header must not park an event for days.
  if (asked !== undefined) delay = Math.max(delay, Math.min(asked, f.policy.maxDelayMs));
  // One last attempt exactly at the deadline rather than none: the age limit bounds retries, it does not skip them.
  const next = Math.min(f.now.getTime() + delay, deadline);
  return { kind: 'retry', nextAttemptAt: new Date(next) };
}
