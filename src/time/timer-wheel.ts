// A Scheduler for coarse, long timers held per live handover — a stream's heartbeat watchdog, the
// "socket stayed up" mark — at thousands at once: every timer lands in the bucket of the tick it is
// due in, and ONE interval of the underlying Scheduler walks the due buckets. Adding and cancelling
// are O(1) Map/Set operations, a timer costs one small entry instead of a runtime timer and its
// closure chain, and an idle gateway wakes once per tick however many handovers it holds (issue 12).
//
// A timer never fires early: it fires on the first tick at or after its due time, so up to `tickMs`
// late. Use it where that lateness does not matter (watchdogs of tens of seconds); retry delays and
// request timeouts stay on the precise Scheduler. The interval runs only while timers are pending.
import type { Scheduler, TimerHandle } from '../core/ports/scheduler.ts';

/** A pending timer, and its own handle: one small object per timer, no closure. */
class Entry implements TimerHandle {
  /** Index of the bucket it is in; undefined once fired or cancelled. */
  tick: number | undefined = undefined;

  constructor(
    readonly wheel: TimerWheel,
    public fn: (arg: unknown) => void,
    /** What `fn` is called with. */
    readonly arg: unknown,
  ) {}

  cancel(): void {
    this.wheel.remove(this);
  }
}

export class TimerWheel implements Scheduler {
  readonly #base: Scheduler;
  readonly #now: () => number;
  readonly #tickMs: number;
  readonly #buckets = new Map<number, Set<Entry>>();
  #pending = 0;
  /** The last tick whose bucket was walked. */
  #walked: number;
  #interval: TimerHandle | undefined;

  constructor(base: Scheduler, now: () => number, tickMs = 1_000) {
    if (!(tickMs >= 1)) throw new RangeError('tickMs must be at least 1');
    this.#base = base;
    this.#now = now;
    this.#tickMs = tickMs;
    this.#walked = Math.floor(now() / tickMs);
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.#pending;
  }

  after<A>(ms: number, fn: (arg: A) => void, arg?: A): TimerHandle {
    const entry = new Entry(this, fn as (arg: unknown) => void, arg);
    this.#add(entry, this.#now() + Math.max(0, ms));
    return entry;
  }

  every(ms: number, fn: () => void): TimerHandle {
    const period = Math.max(1, ms);
    let due = this.#now() + period;
    const entry = new Entry(this, fn, undefined);
    entry.fn = () => {
      due = Math.max(due + period, this.#now());
      this.#add(entry, due);
      fn();
    };
    this.#add(entry, due);
    return entry;
  }

  #add(entry: Entry, dueAt: number): void {
    // The first tick that starts at or after the due time: never early.
    const tick = Math.max(Math.ceil(dueAt / this.#tickMs), this.#walked + 1);
    let bucket = this.#buckets.get(tick);
    if (!bucket) {
      bucket = new Set();
      this.#buckets.set(tick, bucket);
    }
    bucket.add(entry);
    entry.tick = tick;
    this.#pending++;
    this.#interval ??= this.#base.every(this.#tickMs, () => this.#turn());
  }

  /** Cancels a pending timer (its handle's `cancel`); a no-op once fired or cancelled. */
  remove(entry: Entry): void {
    if (entry.tick === undefined) return;
    const bucket = this.#buckets.get(entry.tick);
    bucket?.delete(entry);
    if (bucket?.size === 0) this.#buckets.delete(entry.tick);
    entry.tick = undefined;
    this.#pending--;
    this.#settle();
  }

  #turn(): void {
    const now = Math.floor(this.#now() / this.#tickMs);
    // Normally one tick has passed; after a long stall (a suspended machine) walking every skipped
    // tick would be slow, so only the buckets that exist are visited, in order.
    const ticks =
      now - this.#walked <= this.#buckets.size
        ? Array.from({ length: now - this.#walked }, (_, i) => this.#walked + 1 + i)
        : [...this.#buckets.keys()].filter((t) => t <= now).sort((a, b) => a - b);
    this.#walked = Math.max(this.#walked, now);
    let failure: { err: unknown } | undefined;
    for (const tick of ticks) {
      const bucket = this.#buckets.get(tick);
      if (!bucket) continue;
      this.#buckets.delete(tick);
      for (const entry of bucket) {
        entry.tick = undefined;
        this.#pending--;
        try {
          entry.fn(entry.arg);
        } catch (err) {
          failure ??= { err }; // the others due still run; the first error is thrown after them
        }
      }
    }
    this.#settle();
    if (failure) throw failure.err;
  }

  /** With nothing pending the interval stops: an idle process is not woken for nothing. */
  #settle(): void {
    if (this.#pending > 0 || !this.#interval) return;
    this.#interval.cancel();
    this.#interval = undefined;
  }
}
