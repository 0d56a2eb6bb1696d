// The real-time adapters of the Clock and Scheduler ports. Timers are unref'd: a pending retry or
// sweep never keeps a process alive that has nothing else to do (a stopped gateway exits).
import type { Clock } from '../core/ports/clock.ts';
import type { Random, Scheduler, TimerHandle } from '../core/ports/scheduler.ts';

export const systemScheduler: Scheduler = {
  after<A>(ms: number, fn: (arg: A) => void, arg?: A): TimerHandle {
    const timer = setTimeout(fn as (arg: A | undefined) => void, Math.max(0, ms), arg);
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
  every(ms: number, fn: () => void): TimerHandle {
    const timer = setInterval(fn, Math.max(1, ms));
    timer.unref();
    return { cancel: () => clearInterval(timer) };
  },
};

export const systemClock: Clock = { now: () => new Date() };

export const systemRandom: Random = Math.random;
