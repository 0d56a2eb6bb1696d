// The one backoff rule of the project: exponential with "full jitter" — a delay uniform in
// [0, min(maxDelayMs, initialDelayMs × multiplier^(attempt−1))] — so many handovers failing at once
// (a Genesys outage, a receiver outage) do not retry in lockstep. Used by the provider calls, the
// event-stream reconnect, the catch-up, the outbound sender and the webhook schedule.
import type { Random } from '../ports/scheduler.ts';

export interface BackoffPolicy {
  /** Cap of the first delay, ms. */
  readonly initialDelayMs: number;
  /** Upper bound of any backoff delay, ms. */
  readonly maxDelayMs: number;
  /** Growth of the cap per attempt. Default 2. */
  readonly multiplier?: number;
  /**
   * Upper bound of a delay the other side asked for with `Retry-After`, ms. Default: `maxDelayMs`.
   * A hostile or buggy header must not park work for days.
   */
  readonly maxRetryAfterMs?: number;
}

/** The exponential cap after `failures` failed attempts (1 = after the first failure). */
export function backoffCeiling(failures: number, policy: BackoffPolicy): number {
  const exponent = Math.max(0, Math.min(Math.floor(failures) - 1, 64));
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * (policy.multiplier ?? 2) ** exponent);
}

/** Full jitter: uniform in [0, ceiling], whole milliseconds. */
export function fullJitterDelay(failures: number, policy: BackoffPolicy, random: Random): number {
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(r * backoffCeiling(failures, policy));
}

/**
 * The delay before the next attempt: the jittered backoff, but never earlier than a `Retry-After`
 * the other side gave (Genesys sends one on every 429, guest-chat protocol §11.3), itself capped at
 * `maxRetryAfterMs`.
 */
export function retryDelay(
  failures: number,
  policy: BackoffPolicy,
  random: Random,
  retryAfterMs?: number,
): number {
  const backoff = fullJitterDelay(failures, policy, random);
  if (retryAfterMs === undefined) return backoff;
  return Math.max(backoff, Math.min(retryAfterMs, policy.maxRetryAfterMs ?? policy.maxDelayMs));
}
