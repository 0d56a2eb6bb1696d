// Builds the provider of each configured endpoint: a guest-chat client per endpoint, sharing one
// circuit breaker per Genesys environment (API base URL); an Open Messaging client per endpoint. Every
// REST call of every client waits for the request budget of its environment (`genesys`).
import type { Logger as PinoLogger } from 'pino';
import type {
  GatewayConfig,
  GuestChatEndpointConfig,
  OpenMessagingEndpointConfig,
} from '../config/schema.ts';
import type { HandoverProvider } from '../core/ports/provider.ts';
import type { GatewayMetrics } from '../observability/metrics.ts';
import { CircuitBreaker } from '../providers/genesys-guest-chat/adapter/circuit-breaker.ts';
import { GuestChatProvider } from '../providers/genesys-guest-chat/adapter/guest-chat-provider.ts';
import { resolveBaseUrl } from '../providers/genesys-guest-chat/regions.ts';
import { TimerWheel } from '../time/timer-wheel.ts';
import type { Budgeted } from './genesys-budgets.ts';
import type { OpenMessagingTuning, Time } from './open-messaging-provider.ts';

export interface ProviderTuning {
  readonly openMessaging?: OpenMessagingTuning;
  /** Guest-chat event stream: expected heartbeat and the server's disconnect grace, ms. */
  readonly streamHeartbeatMs?: number;
  readonly streamGraceMs?: number;
  readonly circuitBreaker?: { failureThreshold?: number; cooldownMs?: number };
}

export async function buildProviders(
  config: GatewayConfig,
  deps: {
    readonly metrics: GatewayMetrics;
    readonly logger: PinoLogger;
    readonly tuning: ProviderTuning;
    readonly time: Time;
    /** Every Genesys REST call: waits for its environment's request budget (genesys-budgets.ts). */
    readonly genesys: Budgeted;
  },
): Promise<Map<string, HandoverProvider>> {
  const { metrics, logger, tuning, time } = deps;
  const { genesys } = deps;
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
  // One wheel for the timers every live guest-chat stream holds (watchdog, stability): one interval
  // for all of them however many handovers are live (src/time/timer-wheel.ts). Its tick, a tenth of
  // the heartbeat period (1 s at Genesys' 30 s, §9.5), is how late a watchdog may fire.
  const heartbeatMs = tuning.streamHeartbeatMs ?? 30_000;
  const wheel = new TimerWheel(time.scheduler, () => time.clock.now().getTime(), tickFor(heartbeatMs));
  const baseUrlOf = (e: GuestChatEndpointConfig): string =>
    resolveBaseUrl(
      e.genesys.baseUrl
        ? { baseUrl: e.genesys.baseUrl }
        : { environment: e.genesys.environment ?? 'mypurecloud.com' },
    );
  const guestChat = (e: GuestChatEndpointConfig): HandoverProvider =>
    new GuestChatProvider({
      baseUrl: baseUrlOf(e),
      // Its own pooled undici request (not fetch: issue 12), under the environment's budget.
      around: (exchange) => genesys(exchange),
      breaker: breakerFor(baseUrlOf(e)),
      organizationId: e.genesys.organizationId,
      deploymentId: e.genesys.deploymentId,
      maxInFlight: e.genesys.maxRequestsInFlight,
      onCall: (operation, status, seconds) => metrics.observeProviderCall(operation, status, seconds),
      logger: logger.child({ component: 'guest-chat-stream', endpoint: e.id }),
      scheduler: time.scheduler,
      coarseScheduler: wheel,
      ...(tuning.streamHeartbeatMs === undefined ? {} : { heartbeatIntervalMs: tuning.streamHeartbeatMs }),
      ...(tuning.streamGraceMs === undefined ? {} : { disconnectGraceMs: tuning.streamGraceMs }),
    });
  const openMessaging = config.endpoints.filter(
    (e): e is OpenMessagingEndpointConfig => e.provider === 'genesys-open-messaging',
  );
  // Loaded only when an endpoint uses it: a guest-chat gateway starts without the Open Messaging
  // client, its OAuth and its schemas (issue 12: start-up time).
  const om = openMessaging.length > 0 ? await import('./open-messaging-provider.ts') : undefined;
  const budgets = om?.channelBudgets(openMessaging);
  const openMessagingOf = (e: OpenMessagingEndpointConfig): HandoverProvider => {
    if (!om) throw new Error('the Open Messaging module was not loaded for this endpoint');
    return om.openMessagingProvider(e, {
      logger,
      time,
      budgeted: genesys,
      maxChannels: budgets?.get(e.id) ?? 2,
      onCall: (operation, status, seconds) => metrics.observeProviderCall(operation, status, seconds),
      ...(tuning.openMessaging ? { tuning: tuning.openMessaging } : {}),
    });
  };
  return new Map<string, HandoverProvider>(
    config.endpoints.map((e) => [
      e.id,
      e.provider === 'genesys-guest-chat' ? guestChat(e) : openMessagingOf(e),
    ]),
  );
}

function tickFor(heartbeatMs: number): number {
  return Math.min(1_000, Math.max(10, Math.floor(heartbeatMs / 10)));
}
