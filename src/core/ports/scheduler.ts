// Time that passes and chance, behind ports (design §8 "time as a port"): every wait of the core —
// retry delays, the idle sweep, a catch-up tried again later — goes through a Scheduler, and every
// jitter through a Random, so the core's unit tests run on virtual time in milliseconds.
// Adapters: `src/time/system-time.ts` (real timers) and `src/time/virtual-time.ts` (tests, demos).

export interface TimerHandle {
  /** Stops the timer; a no-op when it already fired (one-shot) or was cancelled. */
  cancel(): void;
}

export interface Scheduler {
  /**
   * Runs `fn` once after `ms`, with `arg` (as `setTimeout` does): a timer held by every live chat can
   * then share one function instead of a closure and its context each (issue 12, heap per handover).
   * Timers never keep the process alive on their own.
   */
  after<A = undefined>(ms: number, fn: (arg: A) => void, arg?: A): TimerHandle;
  /** Runs `fn` every `ms` until cancelled. */
  every(ms: number, fn: () => void): TimerHandle;
}

/** A source of uniform numbers in [0, 1), like `Math.random`. */
export type Random = () => number;

/** Resolves after `ms` on `scheduler`; rejects with the signal's reason when it aborts first. */
export function sleep(scheduler: Scheduler, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      timer.cancel();
      reject(signal?.reason as Error);
    };
    const timer = scheduler.after(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
