// The Open Messaging client: one per (OAuth client, integration). It owns what must be shared by
// every call — the token cache (§1.3), the per-token rate-limit bucket (§1.4) and the notification
// channels (§4.6) — and exposes the typed APIs. The webhook side (`WebhookVerifier`) needs none of
// this and stands alone. Every timer runs on the injected Scheduler/Clock/Random (defaults: system).
import type { Clock } from '../../core/ports/clock.ts';
import { silentLogger, type Logger } from '../../core/ports/logger.ts';
import type { Random, Scheduler } from '../../core/ports/scheduler.ts';
import type { BackoffPolicy } from '../../core/retry/backoff.ts';
import { OpenMessagingConfigError, OpenMessagingError } from './errors.ts';
import type { UserEndEvent } from './notifications/events.ts';
import { NotificationsClient, type NotificationsStats } from './notifications/notifications-client.ts';
import type { NotificationsClientOptions } from './notifications/options.ts';
import { assessUserEnd, type UserEndAssessment } from './notifications/user-end.ts';
import { TokenCache } from './oauth/token-cache.ts';
import { requestClientCredentialsToken, type ClientCredentials } from './oauth/token-request.ts';
import { resolveHosts, type OpenMessagingHosts, type OpenMessagingTarget } from './regions.ts';
import { ApiTransport } from './rest/api-transport.ts';
import type { CallOptions } from './rest/call-options.ts';
import { ConversationsApi } from './rest/conversations-api.ts';
import { pooledRequest } from '../../http/pooled-request.ts';
import type { FetchLike, HttpSettings } from './rest/http-request.ts';
import { InboundApi } from './rest/inbound-api.ts';
import { IntegrationsApi } from './rest/integrations-api.ts';
import { NotificationsApi } from './rest/notifications-api.ts';
import { TokenBucket } from './rest/token-bucket.ts';
import { UsersApi } from './rest/users-api.ts';

export interface OpenMessagingClientOptions {
  /** Region (§1.1) or the emulator's base URL. */
  readonly target: OpenMessagingTarget;
  /** OAuth client-credentials grant (§1.2). The secret is never logged nor put into an error. */
  readonly credentials: ClientCredentials;
  /** The Open Messaging integration id (§2). */
  readonly integrationId: string;
  /** Per-request timeout, ms. Default 16000 (the official SDK's). */
  readonly timeoutMs?: number;
  /** `User-Agent` header. Default: none (fetch's own). */
  readonly userAgent?: string;
  /** fetch implementation. Default: Node's global `fetch`. */
  readonly fetch?: FetchLike;
  /** API requests allowed in any 60 s window per token. Default 300 (§1.4). */
  readonly requestsPerMinute?: number;
  /** Requests that may go at once. Default `requestsPerMinute / 15` (20). */
  readonly burst?: number;
  /** How often one call is sent again after a 429. Default 3. */
  readonly rateLimitRetries?: number;
  /** Delay after a 429 without Retry-After and the cap of a Retry-After. Default 1 s … 60 s. */
  readonly rateLimitBackoff?: BackoffPolicy;
  /** Refresh the token this long before expiry, ms. Default 60000 (§1.3). */
  readonly refreshBeforeExpiryMs?: number;
  /** After `invalid_client`, fail fast for this long, ms. Default 30000. */
  readonly authFailureCooldownMs?: number;
  /** Notification channel settings (limits, heartbeat, renewal); see NotificationsClientOptions. */
  readonly notifications?: Omit<
    NotificationsClientOptions,
    'rest' | 'scheduler' | 'clock' | 'random' | 'logger'
  >;
  /** Time and chance, injected by the composition root (tests: VirtualTime). */
  readonly scheduler: Scheduler;
  readonly clock: Clock;
  readonly random: Random;
  /** Gets error names/codes, channel ids and counts; never tokens, secrets or message texts. */
  readonly logger?: Logger;
  /** Each Platform API exchange (token requests too): operation, HTTP status or `network`, seconds. */
  readonly onCall?: HttpSettings['onCall'];
}

export const DEFAULT_TIMEOUT_MS = 16_000;

export interface OpenMessagingClientStats {
  /** Token requests sent (the first one and every refresh, §1.3). */
  readonly tokenRequests: number;
  /** Calls waiting for the per-token rate limit right now (§1.4). */
  readonly rateLimitWaiting: number;
  /** Times a 429 paused every call of the client (§1.4). */
  readonly rateLimitPauses: number;
  /** API calls let through the per-token limit so far (token requests aside). */
  readonly apiCalls: number;
  /** 429 answers received (each was sent again or failed, §1.4). */
  readonly rateLimitedAnswers: number;
  readonly notifications: NotificationsStats;
}

export class OpenMessagingClient {
  readonly hosts: OpenMessagingHosts;
  readonly integrationId: string;
  /** §3: customer messages, typing, receipts. */
  readonly inbound: InboundApi;
  /** §5, §6: read the conversation, disconnect the customer, participant attributes. */
  readonly conversations: ConversationsApi;
  /** The agent's name and picture. */
  readonly users: UsersApi;
  /** §2: the integration objects. */
  readonly integrations: IntegrationsApi;
  /** §4.6: raw channel and subscription calls. */
  readonly notificationsApi: NotificationsApi;
  /** §4.6: conversation detail events multiplexed over few channels. */
  readonly notifications: NotificationsClient;
  readonly #tokens: TokenCache;
  readonly #bucket: TokenBucket;
  readonly #transport: ApiTransport;

  constructor(options: OpenMessagingClientOptions) {
    if (options.integrationId.trim() === '') throw new OpenMessagingConfigError('integrationId is required');
    if (options.credentials.clientId === '' || options.credentials.clientSecret === '') {
      throw new OpenMessagingConfigError('the OAuth client id and secret are required');
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(timeoutMs > 0)) throw new OpenMessagingConfigError('timeoutMs must be > 0');
    this.hosts = resolveHosts(options.target);
    this.integrationId = options.integrationId;
    const { scheduler, clock, random } = options;
    const logger = options.logger ?? silentLogger;
    const http: HttpSettings = {
      fetch: options.fetch ?? pooledRequest(),
      timeoutMs,
      scheduler,
      clock,
      userAgent: options.userAgent,
      ...(options.onCall ? { onCall: options.onCall } : {}),
    };
    this.#tokens = new TokenCache({
      fetchToken: (signal) =>
        requestClientCredentialsToken(http, this.hosts.loginBaseUrl, options.credentials, signal),
      clock,
      scheduler,
      random,
      ...(options.refreshBeforeExpiryMs === undefined
        ? {}
        : { refreshBeforeExpiryMs: options.refreshBeforeExpiryMs }),
      ...(options.authFailureCooldownMs === undefined
        ? {}
        : { authFailureCooldownMs: options.authFailureCooldownMs }),
      onRefreshError: (err) =>
        logger.warn(
          {
            err: err instanceof Error ? err.name : typeof err,
            code: err instanceof OpenMessagingError ? err.code : undefined,
          },
          'Open Messaging token refresh failed',
        ),
    });
    this.#bucket = new TokenBucket({
      scheduler,
      clock,
      ...(options.requestsPerMinute === undefined ? {} : { requestsPerMinute: options.requestsPerMinute }),
      ...(options.burst === undefined ? {} : { burst: options.burst }),
    });
    const transport = (this.#transport = new ApiTransport({
      http,
      apiBaseUrl: this.hosts.apiBaseUrl,
      tokens: this.#tokens,
      bucket: this.#bucket,
      random,
      ...(options.rateLimitRetries === undefined ? {} : { rateLimitRetries: options.rateLimitRetries }),
      ...(options.rateLimitBackoff === undefined ? {} : { rateLimitBackoff: options.rateLimitBackoff }),
    }));
    this.inbound = new InboundApi({ transport, integrationId: options.integrationId, clock });
    this.conversations = new ConversationsApi(transport);
    this.users = new UsersApi(transport);
    this.integrations = new IntegrationsApi(transport);
    this.notificationsApi = new NotificationsApi(transport);
    this.notifications = new NotificationsClient({
      ...options.notifications,
      rest: this.notificationsApi,
      scheduler,
      clock,
      random,
      logger,
    });
  }

  /** Token requests sent so far (metrics, tests). */
  get tokenRequests(): number {
    return this.#tokens.fetches;
  }

  /** Calls waiting for the rate limit right now. */
  get rateLimitWaiting(): number {
    return this.#bucket.waiting;
  }

  /** Counters of what all calls share, for metrics (no ids, no texts). */
  get stats(): OpenMessagingClientStats {
    return {
      tokenRequests: this.#tokens.fetches,
      rateLimitWaiting: this.#bucket.waiting,
      rateLimitPauses: this.#bucket.pauses,
      apiCalls: this.#bucket.taken,
      rateLimitedAnswers: this.#transport.rateLimitedAnswers,
      notifications: this.notifications.stats,
    };
  }

  /**
   * What a `user.end` meant (§4.6 pitfall: also fired on reject and transfer): reads the
   * conversation and classifies. Act on `agent-ended` / `conversation-ended` only.
   */
  async confirmUserEnd(event: UserEndEvent, options: CallOptions): Promise<UserEndAssessment> {
    const conversation = await this.conversations.getConversation(event.conversationId, options);
    return assessUserEnd(event, conversation);
  }

  /** Closes notification sockets, stops every timer, rejects calls waiting for a token or a slot. */
  async close(): Promise<void> {
    this.#tokens.close();
    this.#bucket.close();
    await this.notifications.close();
  }
}
