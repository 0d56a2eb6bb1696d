// The composition root: the only place that picks adapters and wires them (design §2). Everything
// else receives its collaborators as constructor arguments.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pino, type Logger as PinoLogger } from 'pino';
import { buildApi } from './api/app.ts';
import { ApiKeyAuthenticator } from './api/auth.ts';
import type { EndpointConfig, GatewayConfig } from './config/schema.ts';
import type { Clock } from './core/ports/clock.ts';
import { systemClock } from './time/system-time.ts';
import type { HandoverProvider } from './core/ports/provider.ts';
import type { HandoverStore } from './core/ports/store.ts';
import type { EndpointPolicy } from './core/service/endpoint-policy.ts';
import { HandoverService } from './core/service/handover-service.ts';
import { EventBus } from './delivery/sse/event-bus.ts';
import { WebhookDispatcher } from './delivery/webhook/dispatcher.ts';
import type { RetryPolicy } from './delivery/webhook/backoff.ts';
import { GatewayMetrics } from './observability/metrics.ts';
import { CircuitBreaker } from './providers/genesys-guest-chat/adapter/circuit-breaker.ts';
import { GuestChatProvider } from './providers/genesys-guest-chat/adapter/guest-chat-provider.ts';
import { resolveBaseUrl } from './providers/genesys-guest-chat/regions.ts';
import { openStore } from './store/open-store.ts';

/** Knobs tests and the demo turn; production uses the defaults. */
export interface GatewayTuning {
  /** Guest-chat event stream: expected heartbeat and the server's disconnect grace, ms. */
  readonly streamHeartbeatMs?: number;
  readonly streamGraceMs?: number;
  /** Provider call retries. */
  readonly providerRetry?: { maxAttempts: number; initialDelayMs: number; maxDelayMs: number };
  readonly webhookPollMs?: number;
  readonly webhookRetry?: Partial<RetryPolicy>;
  readonly sseKeepAliveMs?: number;
  readonly clock?: Clock;
  readonly circuitBreaker?: { failureThreshold?: number; cooldownMs?: number };
  /** How often inactivity and session limits are checked, ms. */
  readonly sweepIntervalMs?: number;
}

export interface RunningGateway {
  readonly url: string;
  readonly service: HandoverService;
  readonly store: HandoverStore;
  readonly metrics: GatewayMetrics;
  /** Graceful stop: no new work, in-flight sends finished, streams closed, store closed. */
  close(): Promise<void>;
}

/** Secrets that must never reach a log line, wherever they hide in a logged object. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  '*.jwt',
  '*.key',
  '*.secret',
  '*.secrets',
  '*.eventStreamUri',
  '*.providerRef',
  '*.memberAuthToken',
];

export function createLogger(level: string): PinoLogger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[REDACTED]' } });
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? '0.0.0';
}

export async function startGateway(
  config: GatewayConfig,
  opts: { logger?: PinoLogger; tuning?: GatewayTuning } = {},
): Promise<RunningGateway> {
  const tuning = opts.tuning ?? {};
  const logger = opts.logger ?? createLogger(config.server.logLevel);
  const clock = tuning.clock ?? systemClock;
  const store = await openStore(config.store);

  const metrics = new GatewayMetrics(() => store.countByState());
  const bus = new EventBus();
  const endpoints = new Map(config.endpoints.map((e) => [e.id, e]));
  const policies = new Map(config.endpoints.map((e) => [e.id, toPolicy(e)]));
  // One circuit breaker per Genesys environment, shared by the endpoints that use it.
  const breakers = new Map<string, CircuitBreaker>();
  const breakerFor = (baseUrl: string): CircuitBreaker => {
    let b = breakers.get(baseUrl);
    if (!b) {
      metrics.circuitOpen.set({ environment: baseUrl }, 0);
      b = new CircuitBreaker({
        ...tuning.circuitBreaker,
        onStateChange: (open) => {
          metrics.circuitOpen.set({ environment: baseUrl }, open ? 1 : 0);
          logger.warn(
            { environment: baseUrl, open },
            open ? 'Genesys environment failing: circuit open' : 'circuit closed',
          );
        },
      });
      breakers.set(baseUrl, b);
    }
    return b;
  };
  const baseUrlOf = (e: EndpointConfig): string =>
    resolveBaseUrl(
      e.genesys.baseUrl
        ? { baseUrl: e.genesys.baseUrl }
        : { environment: e.genesys.environment ?? 'mypurecloud.com' },
    );
  const providers = new Map<string, HandoverProvider>(
    config.endpoints.map((e) => [
      e.id,
      new GuestChatProvider({
        baseUrl: baseUrlOf(e),
        breaker: breakerFor(baseUrlOf(e)),
        organizationId: e.genesys.organizationId,
        deploymentId: e.genesys.deploymentId,
        onCall: (operation, status) => metrics.providerCalls.inc({ operation, status }),
        logger: logger.child({ component: 'guest-chat-stream', endpoint: e.id }),
        ...(tuning.streamHeartbeatMs === undefined ? {} : { heartbeatIntervalMs: tuning.streamHeartbeatMs }),
        ...(tuning.streamGraceMs === undefined ? {} : { disconnectGraceMs: tuning.streamGraceMs }),
      }),
    ]),
  );

  const dispatcher = new WebhookDispatcher({
    store,
    clock,
    logger: logger.child({ component: 'webhooks' }),
    timeoutMs: config.webhooks.timeoutSeconds * 1000,
    retry: {
      maxAgeMs: config.webhooks.maxAgeSeconds * 1000,
      maxDelayMs: config.webhooks.maxRetryDelaySeconds * 1000,
      ...tuning.webhookRetry,
    },
    ...(tuning.webhookPollMs === undefined ? {} : { pollIntervalMs: tuning.webhookPollMs }),
    resolveTarget: (endpointId) => {
      const hook = endpoints.get(endpointId)?.webhook;
      return hook ? { url: hook.url, secrets: hook.secrets } : undefined;
    },
    onOutcome: (outcome) => metrics.webhookDeliveries.inc({ outcome }),
  });

  const service = new HandoverService({
    store,
    clock,
    ids: { next: randomUUID },
    logger: logger.child({ component: 'handovers' }),
    endpoint: (id) => policies.get(id),
    provider: (id) => providers.get(id),
    onEvents: (handoverId) => {
      bus.publish(handoverId);
      dispatcher.kick();
    },
    ...(tuning.providerRetry ? { retry: tuning.providerRetry } : {}),
    ...(tuning.sweepIntervalMs === undefined ? {} : { sweepIntervalMs: tuning.sweepIntervalMs }),
  });

  const shutdown = new AbortController();
  let ready = false;
  const api = await buildApi({
    service,
    store,
    bus,
    auth: new ApiKeyAuthenticator(config.apiKeys),
    metrics,
    logger: logger.child({ component: 'api' }),
    shutdownSignal: shutdown.signal,
    ready: () => ready,
    version: packageVersion(),
    clock,
    onDeadLettersReplayed: () => dispatcher.kick(),
    ...(tuning.sseKeepAliveMs === undefined ? {} : { sseKeepAliveMs: tuning.sseKeepAliveMs }),
  });
  const address = await api.listen({ host: config.server.host, port: config.server.port });
  dispatcher.start();
  const resumed = await service.resume();
  ready = true;
  logger.info({ resumed, endpoints: config.endpoints.length }, 'gateway ready');

  let closing: Promise<void> | undefined;
  return {
    url: address.replace('[::1]', 'localhost'),
    service,
    store,
    metrics,
    close: () =>
      (closing ??= (async () => {
        ready = false;
        // SSE streams end; new requests get 503 SHUTTING_DOWN while sends in flight finish.
        shutdown.abort();
        await service.shutdown();
        await api.close();
        await dispatcher.stop();
        await store.close();
      })()),
  };
}

function toPolicy(e: EndpointConfig): EndpointPolicy {
  const { language, priority } = e.defaults;
  return {
    id: e.id,
    queue: e.queue,
    defaults: {
      skills: e.defaults.skills,
      customAttributes: e.defaults.customAttributes,
      ...(language === undefined ? {} : { language }),
      ...(priority === undefined ? {} : { priority }),
    },
    guestDisplayName: e.guestDisplayName,
    webhook: e.webhook !== undefined,
    sessionDurationMs: e.sessionDurationSeconds * 1000,
    notices: {
      customerAway: e.notices.customerAway,
      customerBack: e.notices.customerBack,
      inactivity: e.notices.inactivity,
    },
    ...(e.inactivityGraceSeconds === undefined ? {} : { inactivityGraceMs: e.inactivityGraceSeconds * 1000 }),
  };
}
