// Platform API reads for an endpoint that has no Open Messaging client — a guest-chat endpoint with
// an OAuth client configured for availability (issue 17): its own token cache (§1.3) and per-token
// rate-limit bucket (§1.4) under the same transport as the Open Messaging client.
import type { Clock } from '../../../core/ports/clock.ts';
import type { Random, Scheduler } from '../../../core/ports/scheduler.ts';
import { TokenCache } from '../oauth/token-cache.ts';
import { requestClientCredentialsToken, type ClientCredentials } from '../oauth/token-request.ts';
import { resolveHosts, type OpenMessagingTarget } from '../regions.ts';
import { ApiTransport } from '../rest/api-transport.ts';
import { pooledRequest } from '../../../http/pooled-request.ts';
import type { FetchLike, HttpSettings } from '../rest/http-request.ts';
import { TokenBucket } from '../rest/token-bucket.ts';
import { PlatformReadsApi } from './platform-reads-api.ts';

export interface PlatformClientOptions {
  readonly target: OpenMessagingTarget;
  readonly credentials: ClientCredentials;
  readonly requestsPerMinute?: number;
  readonly fetch?: FetchLike;
  readonly timeoutMs?: number;
  readonly scheduler: Scheduler;
  readonly clock: Clock;
  readonly random: Random;
}

export class PlatformClient {
  readonly api: PlatformReadsApi;
  readonly #tokens: TokenCache;
  readonly #bucket: TokenBucket;

  constructor(options: PlatformClientOptions) {
    const hosts = resolveHosts(options.target);
    const { scheduler, clock, random } = options;
    const http: HttpSettings = {
      fetch: options.fetch ?? pooledRequest(),
      timeoutMs: options.timeoutMs ?? 16_000,
      scheduler,
      clock,
      userAgent: undefined,
    };
    this.#tokens = new TokenCache({
      fetchToken: (signal) =>
        requestClientCredentialsToken(http, hosts.loginBaseUrl, options.credentials, signal),
      clock,
      scheduler,
      random,
    });
    this.#bucket = new TokenBucket({
      scheduler,
      clock,
      ...(options.requestsPerMinute === undefined ? {} : { requestsPerMinute: options.requestsPerMinute }),
    });
    this.api = new PlatformReadsApi(
      new ApiTransport({
        http,
        apiBaseUrl: hosts.apiBaseUrl,
        tokens: this.#tokens,
        bucket: this.#bucket,
        random,
      }),
    );
  }

  close(): void {
    this.#tokens.close();
    this.#bucket.close();
  }
}
