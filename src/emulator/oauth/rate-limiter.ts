// A sliding one-minute window per key (here: per access token). §1.4: Genesys limits a
// client-credentials token to 300 requests per minute and answers 429 with Retry-After.
//
// Each key's hits are a queue in arrival order: a hit drops the expired ones from its front, so it
// costs O(1) amortised. Filtering the whole window on every hit cost O(hits in the last minute): with
// a raised limit (the benchmark's 600,000 a minute) that was up to two thirds of the emulator's CPU.

export type RateVerdict = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

const WINDOW_MS = 60_000;

interface Window {
  /** Arrival times; those before `head` have left the window. */
  times: number[];
  head: number;
}

export class RateLimiter {
  readonly #limit: number;
  readonly #now: () => number;
  readonly #windows = new Map<string, Window>();

  constructor(requestsPerMinute: number, now: () => number = Date.now) {
    this.#limit = requestsPerMinute;
    this.#now = now;
  }

  /** Counts one request for `key` unless the window is full. */
  hit(key: string): RateVerdict {
    const now = this.#now();
    let window = this.#windows.get(key);
    if (!window) {
      window = { times: [], head: 0 };
      this.#windows.set(key, window);
    }
    const { times } = window;
    for (let t = times[window.head]; t !== undefined && t <= now - WINDOW_MS; t = times[window.head])
      window.head += 1;
    if (window.head > 1024 && window.head * 2 > times.length) {
      times.splice(0, window.head);
      window.head = 0;
    }
    if (times.length - window.head >= this.#limit) {
      const oldest = times[window.head] ?? now;
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000)) };
    }
    times.push(now);
    return { ok: true };
  }

  forget(key: string): void {
    this.#windows.delete(key);
  }
}
