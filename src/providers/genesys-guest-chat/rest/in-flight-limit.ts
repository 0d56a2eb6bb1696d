// At most `max` REST exchanges with Genesys in flight per client; the others wait their turn, first
// come first served. Without it every call made while all pooled connections are busy opens one
// more (fetch's pool has no bound): a burst of 1,000 handover starts — the API answers the bot
// before the chat is created — left ~1,100 idle keep-alive sockets next to the 1,000 event streams,
// twice the open files a live handover needs (issue 12). A slot is held until the response body is
// read, when the connection is free again. A waiting call that is aborted leaves the line.

/** REST exchanges in flight at once per client unless configured (enough to saturate an origin). */
export const DEFAULT_MAX_IN_FLIGHT = 32;

export class InFlightLimit {
  readonly #max: number;
  #active = 0;
  /** Wake-ups in arrival order; a Set keeps the removal of an aborted waiter O(1). */
  readonly #waiting = new Set<() => void>();

  constructor(max: number) {
    if (!(max >= 1)) throw new RangeError('max in-flight calls must be at least 1');
    this.#max = max;
  }

  /** Runs `task` once a slot is free; rejects with the signal's reason if it aborts while waiting. */
  async run<T>(signal: AbortSignal, task: () => Promise<T>): Promise<T> {
    if (this.#active < this.#max) this.#active += 1;
    else await this.#turn(signal);
    try {
      return await task();
    } finally {
      this.#release();
    }
  }

  #release(): void {
    const next = this.#waiting.values().next();
    if (next.done) {
      this.#active -= 1;
      return;
    }
    this.#waiting.delete(next.value);
    next.value(); // the slot passes on: `active` stays
  }

  #turn(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason as Error);
        return;
      }
      const onAbort = (): void => {
        this.#waiting.delete(go);
        reject(signal.reason as Error);
      };
      const go = (): void => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.add(go);
    });
  }
}
