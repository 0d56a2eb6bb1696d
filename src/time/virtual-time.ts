// Virtual time: a Clock and a Scheduler whose time moves only when told to. Shipped as a real module
// (not a test-only copy) so unit tests of the core, the demo's fast-forward and benchmarks all use
// the same one. `advance(ms)` fires every timer due within the window in time order, letting the
// promise chains each timer starts settle before the next one fires.
import type { Clock } from '../core/ports/clock.ts';
import type { Scheduler, TimerHandle } from '../core/ports/scheduler.ts';

interface Entry {
  readonly id: number;
  at: number;
  readonly fn: () => void;
  readonly intervalMs?: number;
}

/** Lets pending promise callbacks (and I/O callbacks already queued) run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class VirtualTime implements Clock, Scheduler {
  #nowMs: number;
  #nextId = 1;
  readonly #timers = new Map<number, Entry>();

  constructor(start: Date | string = '2030-01-01T00:00:00.000Z') {
    this.#nowMs = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.#nowMs);
  }

  get nowMs(): number {
    return this.#nowMs;
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.#timers.size;
  }

  after<A>(ms: number, fn: (arg: A) => void, arg?: A): TimerHandle {
    return this.#add({ id: this.#nextId++, at: this.#nowMs + Math.max(0, ms), fn: () => fn(arg as A) });
  }

  every(ms: number, fn: () => void): TimerHandle {
    const intervalMs = Math.max(1, ms);
    return this.#add({ id: this.#nextId++, at: this.#nowMs + intervalMs, fn, intervalMs });
  }

  /** Moves time forward by `ms`, firing each timer due on the way at its own time. */
  async advance(ms: number): Promise<void> {
    const until = this.#nowMs + Math.max(0, ms);
    await settle();
    for (;;) {
      const next = this.#earliest();
      if (!next || next.at > until) break;
      this.#nowMs = Math.max(this.#nowMs, next.at);
      if (next.intervalMs === undefined) this.#timers.delete(next.id);
      else next.at += next.intervalMs;
      next.fn();
      await settle();
    }
    this.#nowMs = until;
    await settle();
  }

  /**
   * Advances in steps of `stepMs` until `done()` holds or `maxMs` of virtual time have passed;
   * returns whether `done()` held. For "wait until the retries got through" without guessing a time.
   */
  async advanceUntil(done: () => boolean, maxMs: number, stepMs = 100): Promise<boolean> {
    const deadline = this.#nowMs + maxMs;
    await settle();
    while (!done()) {
      if (this.#nowMs >= deadline) return false;
      await this.advance(Math.min(stepMs, deadline - this.#nowMs));
    }
    return true;
  }

  #add(entry: Entry): TimerHandle {
    this.#timers.set(entry.id, entry);
    return { cancel: () => this.#timers.delete(entry.id) };
  }

  #earliest(): Entry | undefined {
    let best: Entry | undefined;
    for (const e of this.#timers.values())
      if (!best || e.at < best.at || (e.at === best.at && e.id < best.id)) best = e;
    return best;
  }
}
