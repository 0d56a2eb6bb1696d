// First-come-first-served waiting that an AbortSignal can cut short: the rate-limit bucket and the
// channel permits both park callers here until their resource frees up.
import { OpenMessagingAbortedError } from '../errors.ts';

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
  readonly signal: AbortSignal;
  readonly onAbort: () => void;
}

export class WaitQueue {
  readonly #waiters: Waiter[] = [];

  get size(): number {
    return this.#waiters.length;
  }

  /** Resolves when `wakeNext()` reaches this caller; rejects with OpenMessagingAbortedError on abort. */
  wait(signal: AbortSignal, operation: string): Promise<void> {
    if (signal.aborted) return Promise.reject(new OpenMessagingAbortedError(operation));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
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

  /** Lets the oldest waiter go; false when nobody waits. */
  wakeNext(): boolean {
    const w = this.#waiters.shift();
    if (w === undefined) return false;
    w.signal.removeEventListener('abort', w.onAbort);
    w.resolve();
    return true;
  }

  /** Rejects every waiter (the owner is closing). */
  rejectAll(operation: string): void {
    for (const w of this.#waiters.splice(0)) {
      w.signal.removeEventListener('abort', w.onAbort);
      w.reject(new OpenMessagingAbortedError(operation));
    }
  }
}
