// Retry timing: exponential backoff with "full jitter" (delay uniform in [0, min(max, initial·2^(n-1))]),
// which spreads retries of many handovers after a receiver outage instead of hammering it in waves.

export interface RetryPolicy {
  /** Cap of the first retry's delay, in ms. Default 1 000. */
  readonly initialDelayMs: number;
  /** Upper bound of any single delay (also caps Retry-After), in ms. Default 600 000 (10 min). */
  readonly maxDelayMs: number;
  /** After this long since the first attempt, a failing event is dead-lettered, in ms. Default 86 400 000 (24 h). */
  readonly maxAgeMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 10 * 60_000,
  maxAgeMs: 24 * 60 * 60_000,
};

/** Upper bound of the jittered delay after `failures` failed attempts (1 = after the first failure). */
export function backoffCeilingMs(
  failures: number,
  policy: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'>,
): number {
  const exponent = Math.max(0, Math.min(failures - 1, 52)); // 2^52 already dwarfs any sane maxDelayMs
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** exponent);
}

/** The delay before the next attempt; `random` returns [0, 1) like Math.random (injectable for tests). */
export function backoffDelayMs(
  failures: number,
  policy: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'>,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * backoffCeilingMs(failures, policy));
}

/**
 * A `Retry-After` header (delta-seconds or an HTTP date, RFC 9110 §10.2.3) as ms from `now`;
 * undefined when absent or unparseable. Never negative.
 */
export function parseRetryAfterMs(header: string | null | undefined, now: Date): number | undefined {
  if (header === null || header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}
