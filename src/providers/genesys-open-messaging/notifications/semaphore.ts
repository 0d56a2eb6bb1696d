// Counts the notification channels that exist at Genesys for this client. Genesys allows 20 per
// OAuth client and silently evicts the oldest when a 21st is created (§4.6) — which would be one of
// our own live channels. Every channel the client creates holds a permit until it is dropped, so
// a renewal (new channel first, old one after) waits while another renewal uses the spare permit.
import { OpenMessagingAbortedError } from '../errors.ts';

export class Semaphore {
  #free: number;
  readonly #waiters: {
    grant: () => void;
    reject: (e: Error) => void;
    signal: AbortSignal;
    onAbort: () => void;
  }[] = [];

  constructor(permits: number) {
    this.#free = permits;
  }

  get free(): number {
    return this.#free;
  }

  /** Resolves with a one-shot release function. */
  acquire(signal: AbortSignal, operation: string): Promise<() => void> {
    if (signal.aborted) return Promise.reject(new OpenMessagingAbortedError(operation));
    const release = this.#releaser();
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve(release);
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => resolve(release),
        reject,
        signal,
        onAbort: () => {
          const i = this.#waiters.indexOf(waiter);
          if (i >= 0) this.#waiters.splice(i, 1);
          reject(new OpenMessagingAbortedError(operation));
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      if (next === undefined) {
        this.#free++;
        return;
      }
      next.signal.removeEventListener('abort', next.onAbort);
      next.grant();
    };
  }
}
