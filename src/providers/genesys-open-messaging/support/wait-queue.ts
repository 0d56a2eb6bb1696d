// First-come-first-served waiting that an AbortSignal can cut short: the rate-limit bucket and the
// channel permits both park callers here until their resource frees up.
//
// The waiters are a Set (insertion-ordered): waking the oldest and removing an aborted one are both
// O(1), where an array's shift() and indexOf() walk every waiter — O(n) per call with thousands of
// handovers queued behind the rate limit (issue 12). A waiter follows its caller's signal through a
// child of it (stop-fanout.ts), not a listener on it: callers share signals, and Node's EventTarget
// walks a signal's listeners on every add and remove (and warns past 10).
import { childController, releaseChild } from '../../../core/concurrency/stop-fanout.ts';
import { OpenMessagingAbortedError } from '../errors.ts';

class Waiter {
  constructor(
    readonly queue: Set<Waiter>,
    readonly resolve: () => void,
    readonly reject: (err: Error) => void,
    readonly signal: AbortSignal,
    readonly child: AbortController,
    readonly operation: string,
  ) {}

  /** Leaves the line without an answer from the signal (woken, or rejected by the owner). */
  release(): void {
    this.child.signal.removeEventListener('abort', this);
    releaseChild(this.signal, this.child);
  }

  /** The signal fired while waiting: leave the line. */
  handleEvent(): void {
    this.queue.delete(this);
    this.reject(new OpenMessagingAbortedError(this.operation));
  }
}

export class WaitQueue {
  readonly #waiters = new Set<Waiter>();

  get size(): number {
    return this.#waiters.size;
  }

  /** Resolves when `wakeNext()` reaches this caller; rejects with OpenMessagingAbortedError on abort. */
  wait(signal: AbortSignal, operation: string): Promise<void> {
    if (signal.aborted) return Promise.reject(new OpenMessagingAbortedError(operation));
    return new Promise<void>((resolve, reject) => {
      const child = childController(signal);
      const waiter = new Waiter(this.#waiters, resolve, reject, signal, child, operation);
      child.signal.addEventListener('abort', waiter, { once: true });
      this.#waiters.add(waiter);
    });
  }

  /** Lets the oldest waiter go; false when nobody waits. */
  wakeNext(): boolean {
    const next = this.#waiters.values().next();
    if (next.done) return false;
    const w = next.value;
    this.#waiters.delete(w);
    w.release();
    w.resolve();
    return true;
  }

  /** Rejects every waiter (the owner is closing). */
  rejectAll(operation: string): void {
    const all = [...this.#waiters];
    this.#waiters.clear();
    for (const w of all) {
      w.release();
      w.reject(new OpenMessagingAbortedError(operation));
    }
  }
}
