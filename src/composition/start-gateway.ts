// The composition root: the only place that picks adapters and wires them (design §2). Everything
// else receives its collaborators as constructor arguments.
import { hostname } from 'node:os';
import type { Logger as PinoLogger } from 'pino';
import { buildApi } from '../api/app.ts';
import { buildAdminApi } from '../api/admin-app.ts';
import { ApiKeyAuthenticator } from '../api/auth.ts';
import { keyLimitsOf, type EndpointConfig, type GatewayConfig } from '../config/schema.ts';
import { HandoverEngine, type EngineLimits, type UnendedList } from '../core/engine/handover-engine.ts';
import { LeaseKeeper } from '../core/engine/lease-keeper.ts';
import { isTerminal } from '../core/model/handover.ts';
import type { EndpointPolicy } from '../core/model/endpoint-policy.ts';
import type { Clock } from '../core/ports/clock.ts';
import type { EventNotifier } from '../core/ports/notifier.ts';
import type { Random, Scheduler } from '../core/ports/scheduler.ts';
import type { Store } from '../core/ports/store/index.ts';
import { DeadLetterService } from '../core/services/dead-letter-service.ts';
import { EventFeed } from '../core/services/event-feed.ts';
import { HandoverService } from '../core/services/handover-service.ts';
import { ReceiptService } from '../core/services/receipt-service.ts';
import { RetentionService } from '../core/services/retention-service.ts';
import { WebhookDispatcher, type WebhookRetryPolicy } from '../delivery/webhook/dispatcher.ts';
import { sendTestWebhook } from '../delivery/webhook/test-delivery.ts';
import { GatewayMetrics } from '../observability/metrics.ts';
import { startTracing } from '../observability/tracing.ts';
import { systemClock, systemRandom, systemScheduler } from '../time/system-time.ts';
import { timeOrderedIds } from '../time/time-ordered-ids.ts';
import { clusterParts, listenToNotes, ownerSide } from './cluster.ts';
import type { PushedRelay } from '../core/engine/pushed-relay.ts';
import { createLogger } from './logger.ts';
import { openStore } from './open-store.ts';
import { packageVersion } from './package-version.ts';
import { ProviderChecks } from './provider-checks.ts';
import { buildProviders, type ProviderTuning } from './providers.ts';
import { buildAvailability } from './availability.ts';
import { ShutdownSteps } from '../core/concurrency/shutdown-steps.ts';
import { genesysBudgets } from './genesys-budgets.ts';
import { WaitEstimator } from '../core/availability/wait-estimator.ts';

/** Knobs tests and the demo turn; production uses the defaults and the configuration. */
export interface GatewayTuning extends ProviderTuning {
  /** Wraps the store the engine writes through (tests: src/store/faults/store-faults.ts). */
  readonly wrapStore?: (store: Store) => Store;
  /** The engine's limits and retry policies (defaults: DEFAULT_ENGINE_LIMITS and the configuration). */
  readonly engine?: Partial<EngineLimits>;
  readonly webhookPollMs?: number;
  readonly webhookRetry?: Partial<WebhookRetryPolicy>;
  readonly sseKeepAliveMs?: number;
  /** Presence notices per handover: after a burst of 5, one per this many ms (default 3,000). */
  readonly presenceIntervalMs?: number;
  readonly clock?: Clock;
  readonly scheduler?: Scheduler;
  readonly random?: Random;
  /** With `tracing.enabled`: spans go to this OpenTelemetry SpanExporter instead of OTLP (tests). */
  readonly spanExporter?: unknown;
}

export interface RunningGateway {
  readonly url: string;
  readonly engine: HandoverEngine;
  readonly store: Store;
  readonly metrics: GatewayMetrics;
  /** `server.adminPort` set: where /docs and /metrics are (no key), e.g. `http://127.0.0.1:9464`. */
  readonly adminUrl?: string;
  /** Several instances: the lease keeper (which handovers this instance owns). */
  readonly leases?: LeaseKeeper;
  /** Graceful stop, bounded by `server.shutdownTimeoutSeconds`: no new work, streams closed, store closed. */
  close(): Promise<void>;
  /** While `close()` runs: the parts of the stop not yet done (what an overrunning stop waits for). */
  stopping(): string[];
}

export async function startGateway(
  config: GatewayConfig,
  opts: { logger?: PinoLogger; tuning?: GatewayTuning } = {},
): Promise<RunningGateway> {
  const tuning = opts.tuning ?? {};
  const logger = opts.logger ?? createLogger(config.server.logLevel);
  const clock = tuning.clock ?? systemClock;
  const scheduler = tuning.scheduler ?? systemScheduler;
  const random = tuning.random ?? systemRandom;
  // Before the store: it reports its group commits here. The handover gauge reads the store at a scrape.
  const metrics = new GatewayMetrics(() => store.handovers.countByState());
  const store = await openStore(config, { role: 'gateway', onBatch: metrics.observeStoreBatches() });
  const instanceId = config.server.instanceId ?? hostname();
  const cluster = await clusterParts(config, store, { instanceId, scheduler });

  const tracing = await startTracing(config.tracing, {
    version: packageVersion(),
    ...(tuning.spanExporter === undefined ? {} : { exporter: tuning.spanExporter }),
  });
  const policies = new Map(config.endpoints.map((e) => [e.id, toPolicy(e)]));
  const webhooks = new Map(config.endpoints.map((e) => [e.id, e.webhook]));
  const genesys = genesysBudgets(config.genesys, { clock, scheduler });
  const providers = await buildProviders(config, {
    metrics,
    logger,
    tuning,
    time: { clock, scheduler, random },
    genesys,
  });
  function* providerStats(): Iterable<{ endpoint: string; stats: Readonly<Record<string, number>> }> {
    for (const [endpoint, provider] of providers)
      if (provider.stats) yield { endpoint, stats: provider.stats() };
  }
  metrics.observeProviders(providerStats);
  metrics.observeGenesysStreams(providerStats);
  metrics.observeOutbox(
    () => store.events.outboxStats(),
    () => clock.now().getTime(),
  );
  const budgetMs = config.server.shutdownTimeoutSeconds * 1000;

  const dispatcher = new WebhookDispatcher({
    events: store.events,
    clock,
    scheduler,
    random,
    logger: logger.child({ component: 'webhooks' }),
    timeoutMs: config.webhooks.timeoutSeconds * 1000,
    concurrency: config.webhooks.concurrency,
    stopTimeoutMs: Math.min(config.webhooks.timeoutSeconds * 1000, budgetMs * 0.3),
    retry: {
      maxAgeMs: config.webhooks.maxAgeSeconds * 1000,
      maxDelayMs: config.webhooks.maxRetryDelaySeconds * 1000,
      ...tuning.webhookRetry,
    },
    ...(tuning.webhookPollMs === undefined ? {} : { pollIntervalMs: tuning.webhookPollMs }),
    tracer: tracing.tracer,
    resolveTarget: (endpointId) => {
      const hook = webhooks.get(endpointId);
      return hook ? { url: hook.url, secrets: hook.secrets } : undefined;
    },
    onOutcome: (outcome, event) => {
      metrics.webhookDeliveries.inc({ outcome });
      if (outcome !== 'retry')
        metrics.observeEventSettled(
          event.type,
          outcome,
          (clock.now().getTime() - Date.parse(event.occurredAt)) / 1000,
        );
      if (outcome !== 'retry') void receipts.settled(event, outcome === 'delivered' ? 'delivered' : 'failed');
    },
  });

  // After each commit with events: SSE followers wake (on every instance), and so does the webhook
  // dispatcher.
  const bus = cluster.notifier;
  const notifier: EventNotifier = {
    publish: (handoverId) => {
      bus.publish(handoverId);
      dispatcher.kick(handoverId);
    },
    subscribe: (handoverId, listener) => bus.subscribe(handoverId, listener),
  };

  // Several instances: the keeper decides which handovers are live here; the engine attaches them.
  const late: { engine?: HandoverEngine; pushed?: PushedRelay | undefined } = {};
  const leases = cluster.leases
    ? new LeaseKeeper({
        leases: cluster.leases.store,
        leaseMs: cluster.leases.leaseMs,
        clock,
        scheduler,
        logger: logger.child({ component: 'leases' }),
        adopt: (id) => {
          late.engine?.activate(id);
          late.pushed?.wake(id); // what other instances took in for it meanwhile (Open Messaging)
        },
        drop: (id) => late.engine?.relinquish(id) ?? Promise.resolve(),
        refresh: (ids) => late.engine?.refresh(ids),
        observer: metrics.observeLeases(),
      })
    : undefined;
  const engineStore = tuning.wrapStore ? tuning.wrapStore(store) : store;
  const engine = new HandoverEngine({
    ...(leases ? { ownership: leases } : {}),
    ...(cluster.notes ? { ownerNotes: cluster.notes } : {}),
    store: engineStore,
    endpoint: (id) => policies.get(id),
    provider: (id) => providers.get(id),
    notifier,
    clock,
    ids: timeOrderedIds,
    scheduler,
    random,
    logger: logger.child({ component: 'handovers' }),
    observer: metrics.engineObserver(),
    tracer: tracing.tracer,
    parking: { store: engineStore.parked, onParked: (e) => metrics.parkedEvents.inc({ type: e.eventType }) },
    limits: {
      flushOnEndMs: config.handovers.flushOnEndSeconds * 1000,
      startTimeoutMs: config.handovers.startTimeoutSeconds * 1000,
      ...tuning.engine,
    },
  });
  late.engine = engine;
  const pushed = ownerSide(cluster, leases, engine, { scheduler, logger });
  late.pushed = pushed;
  const shutdown = new AbortController();
  const receipts = new ReceiptService({
    units: engine.units,
    provider: (id) => providers.get(id),
    scheduler,
    random,
    logger: logger.child({ component: 'receipts' }),
    policy: { initialDelayMs: 500, maxDelayMs: 5_000, maxRetryAfterMs: 10_000 },
    signal: shutdown.signal,
    ...(leases && cluster.notes ? { cluster: { ownership: leases, notes: cluster.notes } } : {}),
  });
  const stopNotes = leases ? listenToNotes(cluster, leases, engine, receipts) : undefined;
  const checks = new ProviderChecks({ providers, scheduler, logger: logger.child({ component: 'checks' }) });
  const availability = await buildAvailability(config, { clock, scheduler, random }, genesys);
  const service = new HandoverService({
    admission: (endpointId, settings) => availability.service.admit(endpointId, settings),
    store,
    engine,
    endpoint: (id) => policies.get(id),
    provider: (id) => providers.get(id),
    clock,
    ids: timeOrderedIds,
    scheduler,
    endWaitMs: config.handovers.endWaitSeconds * 1000,
    traceParent: () => tracing.tracer.current(),
  });
  const waitEstimates = new WaitEstimator({
    scheduler,
    clock,
    handovers: store.handovers,
    units: engine.units,
    availability: availability.service,
    endpoints: availability.waitEndpoints,
    logger: logger.child({ component: 'wait-estimates' }),
    ...(leases ? { mayRun: () => leases.runsSingleton('wait-estimates') } : {}),
  });
  const feed = new EventFeed({
    events: store.events,
    notifier,
    isFinished: async (id) => isTerminal((await service.get(id)).state),
  });
  const deadLetters = new DeadLetterService({
    events: store.events,
    handovers: store.handovers,
    clock,
    onReplay: () => dispatcher.kick(),
  });

  let ready = false;
  // Every unended handover, read once at start-up: the API's quota adopts them, then the engine
  // resumes them (a restart with many live handovers parsed each record twice before — issue 12).
  let unended: UnendedList | undefined;
  const api = await buildApi({
    service,
    feed,
    deadLetters,
    auth: new ApiKeyAuthenticator(config.apiKeys.map((k) => ({ ...k, limits: keyLimitsOf(config, k) }))),
    server: {
      headersTimeoutMs: config.server.headersTimeoutSeconds * 1000,
      requestTimeoutMs: config.server.requestTimeoutSeconds * 1000,
      keepAliveTimeoutMs: config.server.keepAliveTimeoutSeconds * 1000,
      maxConnections: config.server.maxConnections,
    },
    endpointOpenHandovers: (id) =>
      config.endpoints.find((e) => e.id === id)?.maxOpenHandovers ?? Number.POSITIVE_INFINITY,
    openAtStart: async () => (unended ??= await engine.listUnended()).records.map((r) => r.handover),
    metrics,
    ...(tracing.fastifyPlugin ? { tracingPlugin: tracing.fastifyPlugin } : {}),
    logger: logger.child({ component: 'api' }),
    shutdownSignal: shutdown.signal,
    readiness: () => {
      const problems = [...cluster.problems(), ...checks.problems()];
      return { ready: ready && problems.length === 0, problems };
    },
    providerWebhooks: {
      webhookOf: (id) => providers.get(id)?.webhook,
      scheduler,
      accept: (endpointId, handoverId, events) =>
        pushed
          ? pushed.accept(endpointId, handoverId, events)
          : engine.acceptPushed(endpointId, handoverId, events),
      owe: (endpointId, handoverId, ids) => engine.owePushed(endpointId, handoverId, ids),
    },
    onSseWritten: (event) => void receipts.settled(event, 'delivered'),
    testWebhook: async (endpointId) => {
      if (!policies.has(endpointId)) return undefined;
      const hook = webhooks.get(endpointId);
      return sendTestWebhook({
        endpointId,
        target: hook ? { url: hook.url, secrets: hook.secrets } : undefined,
        clock,
        timeoutMs: config.webhooks.timeoutSeconds * 1000,
        signal: shutdown.signal,
      });
    },
    version: packageVersion(),
    availability: availability.service,
    ...(tuning.sseKeepAliveMs === undefined ? {} : { sseKeepAliveMs: tuning.sseKeepAliveMs }),
    ...(tuning.presenceIntervalMs === undefined ? {} : { presenceIntervalMs: tuning.presenceIntervalMs }),
    adminElsewhere: config.server.adminPort !== undefined,
  });
  const address = await api.listen({ host: config.server.host, port: config.server.port });
  const adminPort = config.server.adminPort;
  const admin =
    adminPort === undefined
      ? undefined
      : await buildAdminApi({ api, metrics, logger: logger.child({ component: 'admin' }) });
  const adminAddress = await admin?.listen({ host: config.server.adminHost, port: adminPort ?? 0 });
  dispatcher.start();
  const days = config.retention.endedHandoverDays;
  const retention =
    days === null
      ? undefined
      : new RetentionService({
          retention: store.retention,
          clock,
          logger,
          days,
          ...(leases ? { mayRun: () => leases.runsSingleton('retention-purge') } : {}),
        });
  retention?.start(scheduler, config.retention.purgeIntervalMinutes * 60_000);
  void checks.start();
  cluster.start();
  // One instance resumes every unended handover; several take their fair share through the keeper.
  const resumed = await engine.resume({ all: leases === undefined, ...(unended ? { unended } : {}) });
  unended = undefined;
  await leases?.start();
  pushed?.start();
  ready = true;
  waitEstimates.start();
  logger.info({ resumed, endpoints: config.endpoints.length }, 'gateway ready');

  let closing: Promise<void> | undefined;
  const steps = new ShutdownSteps();
  return {
    url: address.replace('[::1]', 'localhost'),
    ...(adminAddress === undefined ? {} : { adminUrl: adminAddress.replace('[::1]', 'localhost') }),
    engine,
    store,
    metrics,
    ...(leases ? { leases } : {}),
    stopping: () => steps.pending(),
    close: () =>
      (closing ??= (async () => {
        ready = false;
        // SSE streams end; new requests get 503 SHUTTING_DOWN while sends in flight finish.
        shutdown.abort();
        checks.stop();
        waitEstimates.stop();
        availability.close();
        cluster.stop();
        pushed?.stop();
        stopNotes?.();
        // Several instances: the handovers are let go, then their leases handed back at once, so
        // the other instances take them within a second or two (a rolling restart moves every chat).
        const stopEngine = (): Promise<void> => engine.shutdown(budgetMs * 0.6);
        await Promise.all([
          steps.run('engine', () =>
            leases ? leases.stop(stopEngine).catch(() => stopEngine()) : stopEngine(),
          ),
          steps.run('webhook dispatcher', () => dispatcher.stop()),
          steps.run('retention', () => retention?.stop()),
        ]);
        await Promise.all(
          [...providers].map(([endpointId, p]) =>
            steps.run(`provider of endpoint ${endpointId}`, () => p.close?.()).catch(() => undefined),
          ),
        );
        await steps.run('api server', () => closeServer(api.server, () => api.close()));
        if (admin) await steps.run('admin server', () => closeServer(admin.server, () => admin.close()));
        await steps.run('store', () => store.close());
        await steps.run('tracing', () => tracing.close());
      })()),
  };
}

/** What requests still in flight when the API closes get to be answered, ms (real time: it is the network). */
const API_DRAIN_MS = 1_000;

/**
 * Closes an HTTP server (the API's, the admin port's). Node's close waits for every connection to
 * end — including one a client opened and never sent a request on, which `closeIdleConnections`
 * leaves alone (an HTTP client's pool may keep such a socket: Node's fetch does after a call it
 * aborted itself, and Genesys is a client of the Open Messaging webhook route). So: requests in
 * flight get API_DRAIN_MS to be answered (by now everything answers at once: the engine has
 * stopped), then every connection goes.
 */
async function closeServer(
  server: { closeAllConnections(): void },
  close: () => Promise<void>,
): Promise<void> {
  const closed = close();
  const timer = setTimeout(() => server.closeAllConnections(), API_DRAIN_MS);
  try {
    await closed;
  } finally {
    clearTimeout(timer);
  }
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
