// Keeps one OAuth token's calls under Genesys' per-token rate limit (protocol §1.4:
// `client.credentials.token.rate.per.minute` = 300 requests/minute by default) and parks every
// caller after a 429 for as long as Genesys asked. One bucket is shared by all calls of a client.
//
// The guarantee is "at most `requestsPerMinute` in ANY 60 s window": a bucket of capacity B
// refilled at (L − B) per minute lets through at most B + (L − B) = L in a window. Waiters are
// served first come, first served; timers run on the injected Scheduler.
import type { Clock } from '../../../core/ports/clock.ts';
import type { Scheduler, TimerHandle } from '../../../core/ports/scheduler.ts';
import { OpenMessagingAbortedError, OpenMessagingConfigError } from '../errors.ts';
import { WaitQueue } from '../support/wait-queue.ts';

export interface TokenBucketOptions {
  /** Requests allowed in any 60 s window. Default 300 (§1.4). */
  readonly requestsPerMinute?: number;
  /** Requests that may go at once after a quiet spell. Default `max(1, floor(requestsPerMinute / 15))` (20). Must be below `requestsPerMinute`. */
  readonly burst?: number;
  readonly scheduler: Scheduler;
  readonly clock: Clock;
}

export const DEFAULT_REQUESTS_PER_MINUTE = 300;

const MINUTE_MS = 60_000;
// Float refills may land a hair under a whole token.
const EPSILON = 1e-9;

export class TokenBucket {
  readonly requestsPerMinute: number;
  readonly burst: number;
  readonly #perMs: number;
  readonly #scheduler: Scheduler;
  readonly #clock: Clock;
  #tokens: number;
  #updatedAt: number;
  #pausedUntil = 0;
  #timer: TimerHandle | undefined;
  #pauses = 0;
  #taken = 0;
  readonly #queue = new WaitQueue();

  constructor(options: TokenBucketOptions) {
    this.requestsPerMinute = options.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE;
    this.burst = options.burst ?? Math.max(1, Math.floor(this.requestsPerMinute / 15));
    if (!Number.isInteger(this.requestsPerMinute) || this.requestsPerMinute < 2) {
      throw new OpenMessagingConfigError('requestsPerMinute must be an integer >= 2');
    }
    if (!Number.isInteger(this.burst) || this.burst < 1 || this.burst >= this.requestsPerMinute) {
      throw new OpenMessagingConfigError('burst must be an integer in 1..requestsPerMinute-1');
    }
    this.#perMs = (this.requestsPerMinute - this.burst) / MINUTE_MS;
    this.#scheduler = options.scheduler;
    this.#clock = options.clock;
    this.#tokens = this.burst;
    this.#updatedAt = this.#now();
  }

  /** Callers waiting for a token. */
  get waiting(): number {
    return this.#queue.size;
  }

  /** Pauses that held calls back (a 429 made everyone wait), for metrics. */
  get pauses(): number {
    return this.#pauses;
  }

  /** Calls let through so far: what the per-token limit was spent on, for metrics. */
  get taken(): number {
    return this.#taken;
  }

  /** Resolves when this call may go; rejects with OpenMessagingAbortedError when `signal` fires first. */
  take(signal: AbortSignal, operation: string): Promise<void> {
    if (signal.aborted) return Promise.reject(new OpenMessagingAbortedError(operation));
    if (this.#queue.size === 0 && this.#tryTake()) return Promise.resolve();
    const waiting = this.#queue.wait(signal, operation);
    this.#schedule();
    return waiting;
  }

  /**
   * Nobody goes for `ms` (Genesys answered 429 with Retry-After, §1.4). When it has passed, one call
   * goes at once and the rest follow at the sustained rate: after a 429 the window's budget is
   * evidently spent, so no burst. A longer pause already in force is kept.
   */
  pauseFor(ms: number): void {
    const until = this.#now() + Math.max(0, ms);
    if (until <= this.#pausedUntil) return;
    this.#pauses++;
    this.#pausedUntil = until;
    this.#tokens = 1;
    this.#updatedAt = until;
    this.#timer?.cancel();
    this.#timer = undefined;
    if (this.#queue.size > 0) this.#schedule();
  }

  /** Rejects every waiter (the client is closing). */
  close(operation = 'close'): void {
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#queue.rejectAll(operation);
  }

  #now(): number {
    return this.#clock.now().getTime();
  }

  #refill(now: number): void {
    if (now <= this.#updatedAt) return;
    this.#tokens = Math.min(this.burst, this.#tokens + (now - this.#updatedAt) * this.#perMs);
    this.#updatedAt = now;
  }

  #tryTake(): boolean {
    const now = this.#now();
    if (now < this.#pausedUntil) return false;
    this.#refill(now);
    if (this.#tokens < 1 - EPSILON) return false;
    this.#tokens = Math.max(0, this.#tokens - 1);
    this.#taken++;
    return true;
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    const now = this.#now();
    const from = Math.max(now, this.#pausedUntil);
    this.#refill(from);
    const missing = Math.max(0, 1 - this.#tokens);
    const delay = from - now + Math.ceil(missing / this.#perMs);
    this.#timer = this.#scheduler.after(delay, () => {
      this.#timer = undefined;
      this.#drain();
    });
  }

  #drain(): void {
    while (this.#queue.size > 0 && this.#tryTake()) this.#queue.wakeNext();
    if (this.#queue.size > 0) this.#schedule();
  }
}
