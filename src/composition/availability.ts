// Builds the availability service (issue 17): per endpoint, the Genesys Platform API reader (Open
// Messaging endpoints: their own OAuth client; guest-chat endpoints: `availability.platform`), the
// endpoint's own hours, the cache time and the handover policy.
import type { EndpointConfig, GatewayConfig } from '../config/schema.ts';
import { AvailabilityService, type EndpointAvailability } from '../core/availability/availability-service.ts';
import { scheduleGroupFromHours } from '../core/schedule/own-hours.ts';
import type { GenesysAvailabilityReader } from '../providers/genesys-open-messaging/platform/availability-reader.ts';
import type { PlatformClient } from '../providers/genesys-open-messaging/platform/platform-client.ts';
import type { OpenMessagingTarget } from '../providers/genesys-open-messaging/regions.ts';
import { RRuleRecurrence } from '../time/rrule-recurrence.ts';
import type { Time } from './open-messaging-provider.ts';
import { pooledRequest } from '../http/pooled-request.ts';
import type { Budgeted } from './genesys-budgets.ts';

interface PlatformAccess {
  readonly target: OpenMessagingTarget;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly requestsPerMinute: number;
}

function platformAccess(e: EndpointConfig): PlatformAccess | undefined {
  const p = e.availability?.platform;
  if (p) {
    return {
      target: p.region !== undefined ? { environment: p.region } : { baseUrl: p.baseUrl ?? '' },
      clientId: p.clientId,
      clientSecret: p.clientSecret,
      requestsPerMinute: p.requestsPerMinute,
    };
  }
  if (e.provider !== 'genesys-open-messaging') return undefined;
  const g = e.genesys;
  return {
    target:
      g.region !== undefined
        ? { environment: g.region }
        : g.baseUrl !== undefined
          ? { baseUrl: g.baseUrl }
          : { apiBaseUrl: g.apiBaseUrl ?? '', loginBaseUrl: g.loginBaseUrl ?? '' },
    clientId: g.clientId,
    clientSecret: g.clientSecret,
    // Its own token, so its own per-token budget (§1.4); a small share keeps reads from crowding out.
    requestsPerMinute: g.requestsPerMinute,
  };
}

export async function buildAvailability(
  config: GatewayConfig,
  time: Time,
  /** The Genesys environment's request budget, around each client's exchange (genesys-budgets.ts). */
  budgeted?: Budgeted,
): Promise<{
  readonly service: AvailabilityService;
  /** Endpoints with a wait source and handover.wait_estimate events on: how often, ms. */
  readonly waitEndpoints: readonly { id: string; intervalMs: number }[];
  close(): void;
}> {
  const clients: PlatformClient[] = [];
  // The Platform API client is loaded only when an endpoint reads Genesys (issue 12: start-up time).
  const platform = config.endpoints.some((e) => platformAccess(e) !== undefined)
    ? await platformModules()
    : undefined;
  const endpoints = new Map<string, EndpointAvailability>();
  const waitEndpoints: { id: string; intervalMs: number }[] = [];
  for (const e of config.endpoints) {
    const a = e.availability;
    const access = platformAccess(e);
    let source: GenesysAvailabilityReader | undefined;
    if (access && platform) {
      const client = new platform.PlatformClient({
        target: access.target,
        credentials: { clientId: access.clientId, clientSecret: access.clientSecret },
        requestsPerMinute: access.requestsPerMinute,
        ...(budgeted ? { fetch: budgeted(pooledRequest()) } : {}),
        ...time,
      });
      clients.push(client);
      source = new platform.GenesysAvailabilityReader({
        api: client.api,
        queueName: e.queue,
        mediaType: e.provider === 'genesys-open-messaging' ? 'message' : 'chat',
        scheduleGroup: a?.scheduleGroup,
        emergencyGroup: a?.emergencyGroup,
        ...time,
      });
    }
    const intervalSeconds = a?.waitEstimateIntervalSeconds ?? 30;
    if (source && intervalSeconds > 0) waitEndpoints.push({ id: e.id, intervalMs: intervalSeconds * 1000 });
    endpoints.set(e.id, {
      source,
      genesysHours: a?.scheduleGroup !== undefined,
      ownHours: a?.hours ? scheduleGroupFromHours(e.id, a.hours) : undefined,
      cacheMs: (a?.cacheSeconds ?? 5) * 1000,
      whenClosed: a?.whenClosed ?? 'queue',
      whenNoAgent: a?.whenNoAgent ?? 'queue',
    });
  }
  const service = new AvailabilityService({
    endpoint: (id) => endpoints.get(id),
    known: (id) => endpoints.has(id),
    clock: time.clock,
    recurrence: new RRuleRecurrence(),
  });
  return {
    service,
    waitEndpoints,
    close: () => {
      service.close();
      for (const c of clients) c.close();
    },
  };
}

async function platformModules(): Promise<{
  PlatformClient: typeof PlatformClient;
  GenesysAvailabilityReader: typeof GenesysAvailabilityReader;
}> {
  const [client, reader] = await Promise.all([
    import('../providers/genesys-open-messaging/platform/platform-client.ts'),
    import('../providers/genesys-open-messaging/platform/availability-reader.ts'),
  ]);
  return {
    PlatformClient: client.PlatformClient,
    GenesysAvailabilityReader: reader.GenesysAvailabilityReader,
  };
}
