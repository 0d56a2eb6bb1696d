// The real HTTP application over a CoreRig (virtual time, in-memory store, scripted provider), for
// route tests with `app.inject` — the wiring start-gateway.ts does, minus the network and processes.
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { buildApi, type ServerLimits } from '../../src/api/app.ts';
import { ApiKeyAuthenticator, type ConfiguredApiKey } from '../../src/api/auth.ts';
import type { KeyLimits } from '../../src/api/limits/key-limits.ts';
import { DEFAULT_KEY_LIMITS } from '../../src/config/schema.ts';
import { DeadLetterService } from '../../src/core/services/dead-letter-service.ts';
import { EventFeed } from '../../src/core/services/event-feed.ts';
import { GatewayMetrics } from '../../src/observability/metrics.ts';
import { ENDPOINT, type CoreRig } from './core-rig.ts';

export const RIG_API_KEY = 'ghk_d53vcbOY_pOtjzJx4sxf8t-Y0GIMsz5AA7Av2xDz_lM';

export interface RigApiOptions {
  readonly limits?: Partial<KeyLimits>;
  readonly endpointOpenHandovers?: number;
  readonly presenceIntervalMs?: number;
  readonly server?: ServerLimits;
  /** The API keys; default: one key (`RIG_API_KEY`) for every endpoint. */
  readonly keys?: readonly ConfiguredApiKey[];
  /** The app's logger; default: silent. */
  readonly logger?: Logger;
}

export function rigApi(rig: CoreRig, options: RigApiOptions = {}): Promise<FastifyInstance> {
  return buildApi({
    service: rig.service,
    feed: new EventFeed({
      events: rig.store.events,
      notifier: rig.notifier,
      isFinished: () => Promise.resolve(false),
    }),
    deadLetters: new DeadLetterService({
      events: rig.store.events,
      handovers: rig.store.handovers,
      clock: rig.time,
    }),
    auth: new ApiKeyAuthenticator(
      options.keys ?? [
        {
          name: 'bot',
          key: RIG_API_KEY,
          endpoints: ['*'],
          limits: { ...DEFAULT_KEY_LIMITS, ...options.limits },
        },
      ],
    ),
    endpointOpenHandovers: () => options.endpointOpenHandovers ?? 1000,
    ...(options.presenceIntervalMs === undefined ? {} : { presenceIntervalMs: options.presenceIntervalMs }),
    ...(options.server === undefined ? {} : { server: options.server }),
    metrics: new GatewayMetrics(() => rig.store.handovers.countByState()),
    logger: options.logger ?? pino({ level: 'silent' }),
    shutdownSignal: new AbortController().signal,
    readiness: () => ({ ready: true, problems: [] }),
    providerWebhooks: {
      webhookOf: (id) => (id === ENDPOINT ? rig.provider.webhook : undefined),
      scheduler: rig.time,
      accept: (endpointId, handoverId, events) => rig.engine.acceptPushed(endpointId, handoverId, events),
      owe: (endpointId, handoverId, ids) => rig.engine.owePushed(endpointId, handoverId, ids),
    },
    version: 'test',
  });
}
