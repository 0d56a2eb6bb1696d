// Reconnect delays: exponential backoff with "full jitter" (a uniformly random delay between 0 and
// the exponential cap), so many gateway streams dropped at once do not reconnect in lockstep.

export interface BackoffOptions {
  /** Cap of the first delay, ms. Default 250. */
  readonly initialDelayMs?: number;
  /** Upper bound of any delay, ms. Default 10000. */
  readonly maxDelayMs?: number;
  /** Growth of the cap per attempt. Default 2. */
  readonly multiplier?: number;
}

export const DEFAULT_BACKOFF = { initialDelayMs: 250, maxDelayMs: 10_000, multiplier: 2 } as const;

/** The exponential cap for attempt `attempt` (1-based): min(max, initial × multiplier^(attempt-1)). */
export function backoffCeiling(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialDelayMs ?? DEFAULT_BACKOFF.initialDelayMs;
  const max = options.maxDelayMs ?? DEFAULT_BACKOFF.maxDelayMs;
  const multiplier = options.multiplier ?? DEFAULT_BACKOFF.multiplier;
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  return Math.min(max, initial * multiplier ** exponent);
}

/** Full jitter: uniform in [0, ceiling(attempt)], rounded to whole ms. `random` returns [0, 1). */
export function fullJitterDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(r * backoffCeiling(attempt, options));
}
