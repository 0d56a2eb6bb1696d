// Counts the notification channels that exist at Genesys for this client. Genesys allows 20 per
// OAuth client and silently evicts the oldest when a 21st is created (§4.6) — which would be one of
// our own live channels. Every channel the client creates holds a permit until it is dropped, so
// a renewal (new channel first, old one after) waits while another renewal uses the spare permit.
import { WaitQueue } from '../support/wait-queue.ts';

export class Semaphore {
  #free: number;
  readonly #queue = new WaitQueue();

  constructor(permits: number) {
    this.#free = permits;
  }

  get free(): number {
    return this.#free;
  }

  /** Resolves with a one-shot release function; a released permit goes to the oldest waiter. */
  async acquire(signal: AbortSignal, operation: string): Promise<() => void> {
    if (this.#free > 0 && this.#queue.size === 0) this.#free--;
    else await this.#queue.wait(signal, operation);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (!this.#queue.wakeNext()) this.#free++;
    };
  }
}
