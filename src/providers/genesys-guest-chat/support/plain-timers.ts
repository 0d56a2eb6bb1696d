// The Scheduler port over plain `setTimeout`: the default of the guest-chat client when it is used
// on its own (tests, the SDK referee, the benchmark's floor). Its timers keep the process alive, as a
// stream reconnecting or a request in flight should. The gateway passes its own schedulers (the
// composition's, and a TimerWheel for the timers every live stream holds).
import type { Scheduler, TimerHandle } from '../../../core/ports/scheduler.ts';

export const plainTimers: Scheduler = {
  after<A>(ms: number, fn: (arg: A) => void, arg?: A): TimerHandle {
    const timer = setTimeout(fn as (arg: A | undefined) => void, Math.max(0, ms), arg);
    return { cancel: () => clearTimeout(timer) };
  },
  every(ms: number, fn: () => void): TimerHandle {
    const timer = setInterval(fn, Math.max(1, ms));
    return { cancel: () => clearInterval(timer) };
  },
};
