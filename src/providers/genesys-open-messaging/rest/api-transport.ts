// Every Platform API call of the client goes through here: a token from the shared cache, a slot
// from the shared rate-limit bucket, then one HTTP exchange. Two answers are handled for the caller
// because the request provably was not carried out:
// - 401: the token was revoked or expired early (§1.4) → drop it, fetch a new one, try once more;
//   a second 401 (the new token was revoked too while the call waited, e.g. behind the rate limit)
//   drops that token as well and surfaces as retryable: the caller's next attempt fetches another.
//   Credentials Genesys refuses for good fail at the token endpoint (OpenMessagingAuthError);
// - 429: over the per-token limit (§1.4) → the whole bucket pauses for Retry-After (or a backoff
//   when absent), then the call is sent again, at most `rateLimitRetries` times.
// Anything else (5xx, timeouts) is thrown: an inbound message that timed out may have been
// accepted (§3.5), so the caller decides about retries (`classifyOpenMessagingError`).
import type { z } from 'zod';
import type { Random } from '../../../core/ports/scheduler.ts';
import { retryDelay, type BackoffPolicy } from '../../../core/retry/backoff.ts';
import { OpenMessagingApiError } from '../errors.ts';
import type { TokenCache } from '../oauth/token-cache.ts';
import { httpRequest, type HttpCall, type HttpResult, type HttpSettings } from './http-request.ts';
import type { TokenBucket } from './token-bucket.ts';

export interface ApiTransportOptions {
  readonly http: HttpSettings;
  /** `https://api.{env}` or the emulator's origin. */
  readonly apiBaseUrl: string;
  readonly tokens: TokenCache;
  readonly bucket: TokenBucket;
  readonly random: Random;
  /** How often one call is sent again after a 429. Default 3. */
  readonly rateLimitRetries?: number;
  /** Delay after a 429 without Retry-After; also caps a Retry-After (`maxRetryAfterMs`). Default 1 s … 60 s. */
  readonly rateLimitBackoff?: BackoffPolicy;
}

export type ApiCall<S extends z.ZodType | undefined> = Omit<HttpCall<S>, 'url' | 'authorization'> & {
  /** Root-relative, already encoded, e.g. `/api/v2/users/abc`. */
  readonly path: string;
};

export const API_TRANSPORT_DEFAULTS = {
  rateLimitRetries: 3,
  rateLimitBackoff: { initialDelayMs: 1_000, maxDelayMs: 60_000 },
} as const;

export class ApiTransport {
  readonly #opts: ApiTransportOptions;
  readonly #rateLimitRetries: number;
  readonly #policy: BackoffPolicy;
  #rateLimited = 0;

  constructor(options: ApiTransportOptions) {
    this.#opts = options;
    this.#rateLimitRetries = options.rateLimitRetries ?? API_TRANSPORT_DEFAULTS.rateLimitRetries;
    this.#policy = options.rateLimitBackoff ?? API_TRANSPORT_DEFAULTS.rateLimitBackoff;
  }

  /** 429 answers Genesys gave so far (each one paused the bucket), for metrics. */
  get rateLimitedAnswers(): number {
    return this.#rateLimited;
  }

  async call<S extends z.ZodType | undefined>(call: ApiCall<S>): Promise<HttpResult<S>> {
    const { tokens, bucket } = this.#opts;
    let renewedToken = false;
    let rateLimited = 0;
    for (;;) {
      await bucket.take(call.signal, call.operation);
      const token = await tokens.get(call.signal);
      try {
        return await httpRequest(this.#opts.http, {
          ...call,
          url: this.#opts.apiBaseUrl + call.path,
          authorization: `Bearer ${token}`,
          secrets: [token, ...(call.secrets ?? [])],
        });
      } catch (err) {
        if (!(err instanceof OpenMessagingApiError)) throw err;
        if (err.status === 401) {
          tokens.invalidate(token);
          if (!renewedToken) {
            renewedToken = true;
            continue;
          }
        }
        if (err.status === 429) this.#rateLimited++;
        if (err.status === 429 && rateLimited < this.#rateLimitRetries) {
          rateLimited++;
          bucket.pauseFor(retryDelay(rateLimited, this.#policy, this.#opts.random, err.retryAfterMs));
          continue;
        }
        throw err;
      }
    }
  }
}
