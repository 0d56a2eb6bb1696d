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

export function openMessagingProvider(
  e: OpenMessagingEndpointConfig,
  deps: { readonly logger: PinoLogger; readonly time: Time; readonly tuning?: OpenMessagingTuning },
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
    ...deps.time,
    logger,
    ...(deps.tuning?.notificationHeartbeatMs === undefined
      ? {}
      : { notifications: { heartbeatIntervalMs: deps.tuning.notificationHeartbeatMs } }),
  });
  return new OpenMessagingProvider({
    client,
    webhookSecret: g.webhookSecret,
    attributeNames: g.attributeNames,
    firstMessage: g.firstMessage,
    ...deps.time,
    logger,
    ...(deps.tuning?.reorderWindowMs === undefined ? {} : { reorderWindowMs: deps.tuning.reorderWindowMs }),
  });
}
