// Restores provider order of events that arrive out of it. Open Messaging pushes agent messages to
// the gateway's webhook at least once and in no guaranteed order (protocol §4.5), and its
// participant changes come on a separate socket (§4.6): an event is held here for a short window
// after it arrived and released in provider-time order (`at`) with whatever else came meanwhile —
// together, in one batch, so the session can place a burst's messages with one provider read.
// Disorder wider than the window is not repaired here: a pushed message that names the one before
// it (`follows`) and finds it missing makes the session catch up instead (provider-session.ts).
import type { Clock } from '../ports/clock.ts';
import type { Scheduler, TimerHandle } from '../ports/scheduler.ts';

interface Penned<T> {
  readonly item: T;
  readonly arrivedAt: number;
  /** Arrival order: the tie-break (events of one call keep their order). */
  readonly n: number;
  readonly resolve: (settled: Promise<void>) => void;
}

export class ReorderPen<T extends { readonly event: { readonly at: string } }> {
  readonly #windowMs: number;
  readonly #scheduler: Scheduler;
  readonly #clock: Clock;
  readonly #release: (items: readonly T[]) => readonly Promise<void>[];
  #penned: Penned<T>[] = [];
  #timer: TimerHandle | undefined;
  #n = 0;

  /**
   * `release` takes the events released together, in the order to commit them, and gives a promise
   * per event that settles with its commit.
   */
  constructor(
    windowMs: number,
    time: { readonly scheduler: Scheduler; readonly clock: Clock },
    release: (items: readonly T[]) => readonly Promise<void>[],
  ) {
    this.#windowMs = windowMs;
    this.#scheduler = time.scheduler;
    this.#clock = time.clock;
    this.#release = release;
  }

  /** Settles when the event is committed (or rejects when it could not be), after the window. */
  admit(item: T): Promise<void> {
    return new Promise<Promise<void>>((resolve) => {
      this.#penned.push({ item, arrivedAt: this.#now(), n: this.#n++, resolve });
      this.#arm();
    }).then((settled) => settled);
  }

  /** Releases everything now (a shutdown): the caller decides what the releases do. */
  flush(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#releaseWhere(() => true);
  }

  #now(): number {
    return this.#clock.now().getTime();
  }

  #arm(): void {
    if (this.#timer || this.#penned.length === 0) return;
    const oldest = Math.min(...this.#penned.map((p) => p.arrivedAt));
    this.#timer = this.#scheduler.after(Math.max(0, oldest + this.#windowMs - this.#now()), () => {
      this.#timer = undefined;
      const now = this.#now();
      this.#releaseWhere((p) => p.arrivedAt + this.#windowMs <= now);
      this.#arm();
    });
  }

  /**
   * Releases the due events, and with them every held event that happened no later than the newest
   * due one (it is here already and belongs before it), oldest first.
   */
  #releaseWhere(due: (p: Penned<T>) => boolean): void {
    const dueOnes = this.#penned.filter(due);
    if (dueOnes.length === 0) return;
    const horizon = Math.max(...dueOnes.map((p) => timeOf(p)));
    const out = this.#penned.filter((p) => due(p) || timeOf(p) <= horizon);
    this.#penned = this.#penned.filter((p) => !out.includes(p));
    out.sort((a, b) => timeOf(a) - timeOf(b) || a.n - b.n);
    const settled = this.#release(out.map((p) => p.item));
    out.forEach((p, i) => p.resolve(settled[i] ?? Promise.reject(new Error('released without a commit'))));
  }
}

/** Provider time in ms; an unreadable time sorts as its arrival (it cannot be placed better). */
function timeOf(p: Penned<{ readonly event: { readonly at: string } }>): number {
  const t = Date.parse(p.item.event.at);
  return Number.isNaN(t) ? p.arrivedAt : t;
}
