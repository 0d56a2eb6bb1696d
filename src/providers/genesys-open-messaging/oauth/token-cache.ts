// The access-token cache of one OAuth client (protocol §1.3): tokens are fetched once for all
// callers (single-flight: N concurrent callers → one token request), refreshed in the background
// before they expire (peers refresh 60 s ahead, §1.3), dropped when an API call answers 401 (the
// token was revoked, §1.4), and a refusal of the credentials is remembered for a short cool-down so
// a misconfigured gateway does not hammer the login service. Timers run on the injected Scheduler.
import { childController, releaseChild } from '../../../core/concurrency/stop-fanout.ts';
import type { Clock } from '../../../core/ports/clock.ts';
import type { Random, Scheduler, TimerHandle } from '../../../core/ports/scheduler.ts';
import { retryDelay, type BackoffPolicy } from '../../../core/retry/backoff.ts';
import {
  OpenMessagingAbortedError,
  OpenMessagingApiError,
  OpenMessagingAuthError,
  isRetryableOpenMessagingError,
} from '../errors.ts';
import type { FetchedToken } from './token-request.ts';

export interface TokenCacheOptions {
  /** Fetches a new token (normally `requestClientCredentialsToken`). */
  readonly fetchToken: (signal: AbortSignal) => Promise<FetchedToken>;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly random: Random;
  /**
   * Refresh this long before expiry, ms. Default 60000 (§1.3). Never earlier than half the
   * token's lifetime, so short-lived tokens (5 min minimum, §1.3) are not refreshed constantly.
   */
  readonly refreshBeforeExpiryMs?: number;
  /** After the credentials were refused, `get()` fails fast for this long, ms. Default 30000. */
  readonly authFailureCooldownMs?: number;
  /** Backoff of failed background refreshes. Default 1 s initial, 30 s max. */
  readonly refreshBackoff?: BackoffPolicy;
  /** A background refresh failed (the cached token stays in use while valid). No secrets in `err`. */
  readonly onRefreshError?: (err: unknown) => void;
}

export const TOKEN_CACHE_DEFAULTS = {
  refreshBeforeExpiryMs: 60_000,
  authFailureCooldownMs: 30_000,
  refreshBackoff: { initialDelayMs: 1_000, maxDelayMs: 30_000 },
} as const;

interface CachedToken {
  readonly value: string;
  /** The token is not handed out from here on (a small margin before `expires_in` runs out). */
  readonly usableUntil: number;
  readonly refreshAt: number;
}

export class TokenCache {
  readonly #opts: TokenCacheOptions;
  readonly #refreshBeforeMs: number;
  readonly #cooldownMs: number;
  readonly #closing = new AbortController();
  #current: CachedToken | undefined;
  #inflight: Promise<CachedToken> | undefined;
  #refreshTimer: TimerHandle | undefined;
  #refreshFailures = 0;
  #authFailure: { error: OpenMessagingAuthError; until: number } | undefined;
  #fetches = 0;

  constructor(options: TokenCacheOptions) {
    this.#opts = options;
    this.#refreshBeforeMs = options.refreshBeforeExpiryMs ?? TOKEN_CACHE_DEFAULTS.refreshBeforeExpiryMs;
    this.#cooldownMs = options.authFailureCooldownMs ?? TOKEN_CACHE_DEFAULTS.authFailureCooldownMs;
  }

  /** Token requests sent so far (for tests and metrics). */
  get fetches(): number {
    return this.#fetches;
  }

  /** A valid access token: the cached one, or one fetched for all concurrent callers at once. */
  async get(signal: AbortSignal): Promise<string> {
    if (this.#closing.signal.aborted || signal.aborted) throw new OpenMessagingAbortedError('getToken');
    const now = this.#now();
    const current = this.#current;
    if (current !== undefined && now < current.usableUntil) {
      // The background timer normally refreshes; this covers a timer that has not run yet.
      if (now >= current.refreshAt) this.#backgroundRefresh();
      return current.value;
    }
    if (this.#authFailure !== undefined && now < this.#authFailure.until) throw this.#authFailure.error;
    const token = await abortable(this.#fetch(), signal);
    return token.value;
  }

  /**
   * An API call answered 401 with `token` (revoked or expired early, §1.4): forget it, so the next
   * `get()` fetches a new one. A token that is no longer current is ignored, so that N calls
   * failing with the same old token cause one new token request, not N.
   */
  invalidate(token: string): void {
    if (this.#current?.value !== token) return;
    this.#current = undefined;
    this.#refreshTimer?.cancel();
    this.#refreshTimer = undefined;
  }

  /** Stops the refresh timer; pending and later `get()` calls fail with OpenMessagingAbortedError. */
  close(): void {
    this.#closing.abort();
    this.#refreshTimer?.cancel();
    this.#refreshTimer = undefined;
    this.#current = undefined;
  }

  #now(): number {
    return this.#opts.clock.now().getTime();
  }

  #fetch(): Promise<CachedToken> {
    if (this.#inflight !== undefined) return this.#inflight;
    const run = async (): Promise<CachedToken> => {
      this.#fetches++;
      try {
        const fetched = await this.#opts.fetchToken(this.#closing.signal);
        if (this.#closing.signal.aborted) throw new OpenMessagingAbortedError('getToken');
        const token = this.#store(fetched);
        this.#authFailure = undefined;
        return token;
      } catch (err) {
        if (err instanceof OpenMessagingAuthError) {
          this.#authFailure = { error: err, until: this.#now() + this.#cooldownMs };
        }
        throw err;
      } finally {
        this.#inflight = undefined;
      }
    };
    this.#inflight = run();
    return this.#inflight;
  }

  #store(fetched: FetchedToken): CachedToken {
    const now = this.#now();
    const lifetime = fetched.expiresInMs;
    const token: CachedToken = {
      value: fetched.accessToken,
      // Keep a margin so a token does not run out while a call is in flight.
      usableUntil: now + lifetime - Math.min(5_000, lifetime / 10),
      refreshAt: now + Math.max(lifetime / 2, lifetime - this.#refreshBeforeMs),
    };
    this.#current = token;
    this.#refreshFailures = 0;
    this.#scheduleRefresh(token.refreshAt - now);
    return token;
  }

  #scheduleRefresh(delayMs: number): void {
    this.#refreshTimer?.cancel();
    this.#refreshTimer = this.#opts.scheduler.after(delayMs, () => {
      this.#refreshTimer = undefined;
      this.#backgroundRefresh();
    });
  }

  #backgroundRefresh(): void {
    if (this.#inflight !== undefined || this.#closing.signal.aborted) return;
    this.#fetch().catch((err: unknown) => {
      if (this.#closing.signal.aborted) return;
      this.#opts.onRefreshError?.(err);
      const current = this.#current;
      // While the old token is valid, keep trying on a backoff; a refused credential is final.
      if (!isRetryableOpenMessagingError(err) || current === undefined) return;
      this.#refreshFailures++;
      const delay = retryDelay(
        this.#refreshFailures,
        this.#opts.refreshBackoff ?? TOKEN_CACHE_DEFAULTS.refreshBackoff,
        this.#opts.random,
        err instanceof OpenMessagingApiError ? err.retryAfterMs : undefined,
      );
      if (this.#now() + delay < current.usableUntil) this.#scheduleRefresh(delay);
    });
  }
}

/**
 * Waits for `promise` but gives up when `signal` fires (the shared fetch goes on for the others).
 * Through a child of the signal (stop-fanout.ts), not a listener on it: the callers waiting for one
 * refresh often share a signal, and a listener each on it was a MaxListenersExceededWarning past 10.
 */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const child = childController(signal);
    const gone = (): void => reject(new OpenMessagingAbortedError('getToken'));
    if (child.signal.aborted) gone();
    else child.signal.addEventListener('abort', gone, { once: true });
    promise.then(
      (v) => {
        releaseChild(signal, child);
        resolve(v);
      },
      (err: unknown) => {
        releaseChild(signal, child);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
