// At most `max` tasks at once; the others wait their turn, first come first served. A waiting task
// whose signal aborts leaves the line. Two users, each for a burst of a thousand at once:
// - the guest-chat REST client (src/providers/genesys-guest-chat/rest/): every call made while all
//   pooled connections are busy would open one more (fetch's pool has no bound) — a burst of 1,000
//   handover starts left ~1,100 idle keep-alive sockets next to the 1,000 event streams (issue 12);
//   a slot is held until the response body is read, when the connection is free again.
// - the engine's catch-ups (provider-session.ts): after a restart every session reads its provider
//   at once; taken in turns, each catch-up's units follow each other while its handover's state is
//   still in the units' cache, instead of 10,000 interleaved catch-ups evicting one another's.

export class InFlightLimit {
  readonly #max: number;
  #active = 0;
  /** Wake-ups in arrival order; a Set keeps the removal of an aborted waiter O(1). */
  readonly #waiting = new Set<() => void>();

  constructor(max: number) {
    if (!(max >= 1)) throw new RangeError('max tasks in flight must be at least 1');
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
