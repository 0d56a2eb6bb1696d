// A sliding one-minute window per key (here: per access token). §1.4: Genesys limits a
// client-credentials token to 300 requests per minute and answers 429 with Retry-After.

export type RateVerdict = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

const WINDOW_MS = 60_000;

export class RateLimiter {
  readonly #limit: number;
  readonly #now: () => number;
  readonly #hits = new Map<string, number[]>();

  constructor(requestsPerMinute: number, now: () => number = Date.now) {
    this.#limit = requestsPerMinute;
    this.#now = now;
  }

  /** Counts one request for `key` unless the window is full. */
  hit(key: string): RateVerdict {
    const now = this.#now();
    const hits = (this.#hits.get(key) ?? []).filter((t) => t > now - WINDOW_MS);
    if (hits.length >= this.#limit) {
      this.#hits.set(key, hits);
      const oldest = hits[0] ?? now;
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000)) };
    }
    hits.push(now);
    this.#hits.set(key, hits);
    return { ok: true };
  }

  forget(key: string): void {
    this.#hits.delete(key);
  }
}
