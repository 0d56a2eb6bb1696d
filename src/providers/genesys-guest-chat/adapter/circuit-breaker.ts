// A circuit breaker per Genesys environment (API base URL): after a run of consecutive failures
// (5xx answers or no answer at all) it fails calls at once for a cooldown instead of hammering an
// outage, then lets one trial call through (half-open): success closes it, failure re-opens it.
// 4xx answers are successes here (Genesys is up and answering); 429 is neither — the rate limit is
// honoured through Retry-After by the caller, it is not an outage.
import type { FetchLike } from '../rest/http-request.ts';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  readonly failureThreshold?: number;
  /** How long an open circuit refuses calls before a trial, ms. Default 10 000. */
  readonly cooldownMs?: number;
  readonly now?: () => number;
  /** Told whenever the circuit opens (true) or closes (false). */
  readonly onStateChange?: (open: boolean) => void;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

export class CircuitOpenError extends Error {
  constructor(readonly retryInMs: number) {
    super(
      `the Genesys environment is failing; calls are paused for ${Math.ceil(retryInMs / 1000)} s (circuit open)`,
    );
    this.name = 'CircuitOpenError';
  }
}

export class CircuitBreaker {
  readonly #threshold: number;
  readonly #cooldownMs: number;
  readonly #now: () => number;
  readonly #onStateChange: ((open: boolean) => void) | undefined;
  #failures = 0;
  #openedAt: number | undefined;
  #trialInFlight = false;

  constructor(options: CircuitBreakerOptions = {}) {
    this.#threshold = options.failureThreshold ?? 5;
    this.#cooldownMs = options.cooldownMs ?? 10_000;
    this.#now = options.now ?? Date.now;
    this.#onStateChange = options.onStateChange;
  }

  get state(): CircuitState {
    if (this.#openedAt === undefined) return 'closed';
    return this.#now() - this.#openedAt >= this.#cooldownMs ? 'half-open' : 'open';
  }

  /** Throws CircuitOpenError when calls are paused; otherwise the call may proceed. */
  admit(): void {
    const state = this.state;
    if (state === 'closed') return;
    if (state === 'half-open' && !this.#trialInFlight) {
      this.#trialInFlight = true;
      return;
    }
    const retryIn =
      this.#openedAt === undefined ? 0 : Math.max(0, this.#cooldownMs - (this.#now() - this.#openedAt));
    throw new CircuitOpenError(retryIn || this.#cooldownMs);
  }

  success(): void {
    const wasOpen = this.#openedAt !== undefined;
    this.#failures = 0;
    this.#openedAt = undefined;
    this.#trialInFlight = false;
    if (wasOpen) this.#onStateChange?.(false);
  }

  failure(): void {
    this.#failures += 1;
    const trialFailed = this.#trialInFlight;
    this.#trialInFlight = false;
    if (trialFailed || (this.#openedAt === undefined && this.#failures >= this.#threshold)) {
      const wasOpen = this.#openedAt !== undefined;
      this.#openedAt = this.#now();
      if (!wasOpen) this.#onStateChange?.(true);
    }
  }

  /** Neither success nor failure (429): releases a half-open trial without judging. */
  neutral(): void {
    this.#trialInFlight = false;
  }

  /** Wraps fetch so every Genesys REST call goes through this breaker. */
  wrap(inner: FetchLike): FetchLike {
    return async (input, init) => {
      this.admit();
      let res: Awaited<ReturnType<FetchLike>>;
      try {
        res = await inner(input, init);
      } catch (err) {
        // An abort by our own caller says nothing about Genesys.
        if (init.signal.aborted) this.neutral();
        else this.failure();
        throw err;
      }
      if (res.status >= 500) this.failure();
      else if (res.status === 429) this.neutral();
      else this.success();
      return res;
    };
  }
}
