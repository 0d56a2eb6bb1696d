// Builds the provider of an Open Messaging endpoint: one client per endpoint (its OAuth client and
// integration: token cache, per-token rate limit, notification channels — protocol §1.3, §1.4, §4.6)
// under the provider adapter.
import type { Logger as PinoLogger } from 'pino';
import type { OpenMessagingEndpointConfig } from '../config/schema.ts';
import type { Clock } from '../core/ports/clock.ts';
import type { HandoverProvider } from '../core/ports/provider.ts';
import type { Random, Scheduler } from '../core/ports/scheduler.ts';
import { OpenMessagingProvider } from '../providers/genesys-open-messaging/adapter/open-messaging-provider.ts';
import { OpenMessagingClient } from '../providers/genesys-open-messaging/client.ts';
import { pooledRequest } from '../http/pooled-request.ts';
import type { Budgeted } from './genesys-budgets.ts';

/** Knobs tests and the demo turn (shorter windows); production uses the defaults. */
export interface OpenMessagingTuning {
  /** How long webhook and notification events are held to restore their order, ms. Default 1,000. */
  readonly reorderWindowMs?: number;
  /** The notification channel's heartbeat, ms (Genesys: 30,000). */
  readonly notificationHeartbeatMs?: number;
}

export interface Time {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly random: Random;
}

/** Genesys' notification channels per OAuth client (a 21st evicts the oldest, §4.6). */
const CHANNELS_PER_OAUTH_CLIENT = 20;

/**
 * The channel budget of each endpoint: endpoints on the same Genesys org and OAuth client share
 * Genesys' 20 channels, so each gets an equal share (at least 2: one in use, one spare for renewals —
 * so more than 10 endpoints on one OAuth client can exceed Genesys' limit: give them more clients).
 */
export function channelBudgets(endpoints: readonly OpenMessagingEndpointConfig[]): Map<string, number> {
  const owner = (e: OpenMessagingEndpointConfig): string =>
    JSON.stringify([e.genesys.region ?? e.genesys.baseUrl ?? e.genesys.loginBaseUrl, e.genesys.clientId]);
  const sharing = new Map<string, number>();
  for (const e of endpoints) sharing.set(owner(e), (sharing.get(owner(e)) ?? 0) + 1);
  return new Map(
    endpoints.map((e) => [
      e.id,
      Math.max(2, Math.floor(CHANNELS_PER_OAUTH_CLIENT / (sharing.get(owner(e)) ?? 1))),
    ]),
  );
}

export function openMessagingProvider(
  e: OpenMessagingEndpointConfig,
  deps: {
    readonly logger: PinoLogger;
    readonly time: Time;
    /** Wraps the client's REST exchange in the Genesys environment's request budget. */
    readonly budgeted: Budgeted;
    /** This endpoint's share of the OAuth client's notification channels (channelBudgets). */
    readonly maxChannels: number;
    readonly tuning?: OpenMessagingTuning;
    /** Each Platform API call, for the metrics. */
    readonly onCall?: (operation: string, status: string, seconds: number) => void;
  },
): HandoverProvider {
  const g = e.genesys;
  const logger = deps.logger.child({ component: 'open-messaging', endpoint: e.id });
  const target =
    g.region !== undefined
      ? { environment: g.region }
      : g.baseUrl !== undefined
        ? { baseUrl: g.baseUrl }
        : { apiBaseUrl: g.apiBaseUrl ?? '', loginBaseUrl: g.loginBaseUrl ?? '' };
  const client = new OpenMessagingClient({
    target,
    credentials: { clientId: g.clientId, clientSecret: g.clientSecret },
    integrationId: g.integrationId,
    requestsPerMinute: g.requestsPerMinute,
    // Its own pooled undici exchange, not Node's fetch (issue 12: ~15 % of the main thread).
    fetch: deps.budgeted(pooledRequest()),
    ...deps.time,
    logger,
    ...(deps.onCall ? { onCall: deps.onCall } : {}),
    notifications: {
      maxChannels: deps.maxChannels,
      ...(deps.tuning?.notificationHeartbeatMs === undefined
        ? {}
        : { heartbeatIntervalMs: deps.tuning.notificationHeartbeatMs }),
    },
  });
  return new OpenMessagingProvider({
    client,
    webhookSecret: g.webhookSecret,
    attributeNames: g.attributeNames,
    firstMessage: g.firstMessage,
    deliveryReceipts: g.deliveryReceipts,
    ...deps.time,
    logger,
    ...(deps.tuning?.reorderWindowMs === undefined ? {} : { reorderWindowMs: deps.tuning.reorderWindowMs }),
  });
}
