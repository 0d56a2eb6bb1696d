// A request budget per HTTP origin: a token bucket — a burst of `burst` requests, then
// `requestsPerSecond` — shared by every caller of the origin. Callers wait their turn first come,
// first served; a waiting call whose signal fires leaves the line. The gateway gives one to each
// Genesys environment (src/composition/genesys-budgets.ts).
import type { Clock } from '../core/ports/clock.ts';
import type { Scheduler, TimerHandle } from '../core/ports/scheduler.ts';

export interface RequestBudgetSettings {
  /** Requests per second, sustained. */
  readonly requestsPerSecond: number;
  /** Requests that may go at once after a quiet spell (at least 1). */
  readonly burst: number;
}

interface Waiter {
  readonly go: () => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/** The token bucket of one environment. */
export class RequestBudget {
  readonly #perMs: number;
  readonly #burst: number;
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;
  #tokens: number;
  #updatedAt: number;
  readonly #waiting = new Set<Waiter>();
  #timer: TimerHandle | undefined;

  constructor(
    settings: RequestBudgetSettings,
    time: { readonly clock: Clock; readonly scheduler: Scheduler },
  ) {
    if (!(settings.requestsPerSecond > 0)) throw new RangeError('requestsPerSecond must be above 0');
    if (!(settings.burst >= 1)) throw new RangeError('burst must be at least 1');
    this.#perMs = settings.requestsPerSecond / 1000;
    this.#burst = settings.burst;
    this.#clock = time.clock;
    this.#scheduler = time.scheduler;
    this.#tokens = settings.burst;
    this.#updatedAt = this.#now();
  }

  /** Calls waiting for their turn. */
  get waiting(): number {
    return this.#waiting.size;
  }

  /** Resolves when a request may go; rejects with the signal's reason if it fires first. */
  take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    if (this.#waiting.size === 0 && this.#tryTake()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        signal,
        go: () => {
          signal?.removeEventListener('abort', waiter.onAbort);
          resolve();
        },
        onAbort: () => {
          this.#waiting.delete(waiter);
          reject(signal?.reason as Error);
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.#waiting.add(waiter);
      this.#schedule();
    });
  }

  #now(): number {
    return this.#clock.now().getTime();
  }

  #tryTake(): boolean {
    const now = this.#now();
    if (now > this.#updatedAt) {
      this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#updatedAt) * this.#perMs);
      this.#updatedAt = now;
    }
    // Float refills may land a hair under a whole token.
    if (this.#tokens < 1 - 1e-9) return false;
    this.#tokens = Math.max(0, this.#tokens - 1);
    return true;
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#waiting.size === 0) return;
    const delay = Math.max(1, Math.ceil((1 - this.#tokens) / this.#perMs));
    this.#timer = this.#scheduler.after(delay, () => {
      this.#timer = undefined;
      for (const w of this.#waiting) {
        if (!this.#tryTake()) break;
        this.#waiting.delete(w);
        w.go();
      }
      this.#schedule();
    });
  }
}

/** The budgets of every origin, each created on first use. */
export class EnvironmentBudgets {
  readonly #settings: RequestBudgetSettings;
  readonly #time: { readonly clock: Clock; readonly scheduler: Scheduler };
  readonly #budgets = new Map<string, RequestBudget>();

  constructor(
    settings: RequestBudgetSettings,
    time: { readonly clock: Clock; readonly scheduler: Scheduler },
  ) {
    this.#settings = settings;
    this.#time = time;
  }

  /** The budget of `origin` (created on first use). */
  of(origin: string): RequestBudget {
    let b = this.#budgets.get(origin);
    if (!b) {
      b = new RequestBudget(this.#settings, this.#time);
      this.#budgets.set(origin, b);
    }
    return b;
  }

  /**
   * A fetch (or any function of its shape: the guest-chat client's undici request) that waits for the
   * budget of the URL's origin before each request.
   */
  wrap<I extends { readonly signal?: AbortSignal | null }, R>(
    inner: (input: string, init: I) => Promise<R>,
  ): (input: string, init: I) => Promise<R> {
    return async (input, init) => {
      await this.of(new URL(input).origin).take(init.signal ?? undefined);
      return inner(input, init);
    };
  }
}
