// The bot-facing HTTP application: /v1 (API-key auth), /docs (OpenAPI), /healthz, /readyz, /metrics.
// /docs and /metrics need an API key here, or move to the admin port (admin-app.ts, `server.adminPort`):
// the metrics name endpoints and counts, and neither is for whoever reaches the API port.
import { randomUUID } from 'node:crypto';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginCallback,
  type FastifyServerOptions,
} from 'fastify';
import {
  createJsonSchemaTransform,
  createJsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { AvailabilityService } from '../core/availability/availability-service.ts';
import type { DeadLetterService } from '../core/services/dead-letter-service.ts';
import type { EventFeed } from '../core/services/event-feed.ts';
import type { HandoverEvent } from '../core/model/events.ts';
import type { HandoverService } from '../core/services/handover-service.ts';
import type { GatewayMetrics } from '../observability/metrics.ts';
import type { ApiKeyAuthenticator } from './auth.ts';
import { docsAndMetrics } from './admin-app.ts';
import { installErrorHandling } from './error-handler.ts';
import { availabilityRoutes } from './routes/availability.ts';
import { OpenHandoverQuota } from './limits/open-handovers.ts';
import { PresenceBudget } from './limits/presence-budget.ts';
import { StreamSlots } from './limits/stream-slots.ts';
import { GatewayError } from '../core/errors.ts';
import { isTerminal } from '../core/model/handover.ts';
import { zodToJsonConfig } from './openapi/components.ts';
import { openApiBase } from './openapi/document.ts';
import { finishDocument } from './openapi/finish-document.ts';
import { deadLetterRoutes } from './routes/dead-letters.ts';
import { endpointRoutes, type EndpointRoutesDeps } from './routes/endpoints.ts';
import { eventRoutes } from './routes/events.ts';
import { handoverRoutes } from './routes/handovers.ts';
import { providerWebhookRoutes, type ProviderWebhookDeps } from './routes/provider-webhooks.ts';

export interface Readiness {
  readonly ready: boolean;
  /** Why not, for people: e.g. an endpoint whose OAuth client Genesys refuses. No secrets. */
  readonly problems: readonly string[];
}

export interface ApiDeps {
  readonly service: HandoverService;
  readonly feed: EventFeed;
  readonly deadLetters: DeadLetterService;
  readonly auth: ApiKeyAuthenticator;
  readonly metrics: GatewayMetrics;
  readonly logger: FastifyBaseLogger;
  readonly shutdownSignal: AbortSignal;
  /**
   * Whether the gateway is ready to take work (store migrated, handovers resumed, not shutting down,
   * every endpoint's provider settings checked), and what is wrong when it is not.
   */
  readonly readiness: () => Readiness;
  /** The contact centers' routes into the gateway (Open Messaging webhooks). */
  readonly providerWebhooks: Omit<ProviderWebhookDeps, 'shutdownSignal'>;
  readonly version: string;
  /** Business hours and agent availability per endpoint (issue 17). */
  readonly availability?: AvailabilityService;
  /** Unended handovers an endpoint may have at once (all keys together). */
  readonly endpointOpenHandovers: (endpointId: string) => number;
  /** Handovers open before this process started, counted against their endpoint's limit. */
  readonly openAtStart?: () => Promise<
    readonly { readonly id: string; readonly endpointId: string; readonly startedBy?: string }[]
  >;
  /** Presence notices per handover: after a burst of 5, one per this many ms (default 3,000). */
  readonly presenceIntervalMs?: number;
  /** `POST /v1/endpoints/{id}/webhook-test`; without it every endpoint answers 404 there. */
  readonly testWebhook?: EndpointRoutesDeps['testWebhook'];
  readonly sseKeepAliveMs?: number;
  /** Timeouts and the connection cap of the HTTP server (Fastify's defaults switch Node's off). */
  readonly server?: ServerLimits;
  /** Each event an SSE stream wrote (delivery receipts to the contact center). */
  readonly onSseWritten?: (event: HandoverEvent) => void;
  /** Tracing on: the plugin that opens a server span per request (continuing the caller's `traceparent`). */
  readonly tracingPlugin?: FastifyPluginCallback;
  /** /docs and /metrics are served by the admin app (`server.adminPort`), not here. */
  readonly adminElsewhere?: boolean;
}

export interface ServerLimits {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxConnections: number;
}

/** Node checks the header and request deadlines this often (its default, 30 s, lets a slow client stay 30 s longer). */
const DEADLINE_CHECK_MS = 1_000;

/** 1 MiB: a bot transcript of 1,000 lines fits; anything larger is a 413 BODY_TOO_LARGE. */
const BODY_LIMIT = 1024 * 1024;

/** Printable ASCII without spaces, at most 128 characters: safe in a header and a log line. */
function usableRequestId(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && /^[\x21-\x7e]{1,128}$/.test(value) ? value : undefined;
}

/** What a request log line says about a request: method and path, never the query string. */
function requestWithoutQuery(req: { method?: string; url?: string }): { method?: string; url?: string } {
  return {
    ...(req.method === undefined ? {} : { method: req.method }),
    ...(req.url === undefined ? {} : { url: req.url.split('?')[0] ?? '' }),
  };
}

/**
 * Zod validates and serialises every route. Given as the compilers' factories too, Fastify never
 * loads its default Ajv and fast-json-stringify compilers (~60 ms of start-up, issue 12). Fastify
 * types the factories for Ajv's signature, hence the cast; they return the compilers set below.
 */
const zodCompilers = {
  buildValidator: () => validatorCompiler,
  buildSerializer: () => serializerCompiler,
} as unknown as NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;

export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const limits = deps.server;
  // Request logs name the path only: query strings may carry customer data (a list filter, a
  // cursor). Set once on the API's own logger, whose per-request children inherit it — not in a
  // child-logger factory, which ran (with fastify's check of what it made) on every request.
  const logger = deps.logger.child({}, { serializers: { req: requestWithoutQuery } });
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: BODY_LIMIT,
    ...(limits
      ? {
          requestTimeout: limits.requestTimeoutMs,
          keepAliveTimeout: limits.keepAliveTimeoutMs,
          http: { headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: DEADLINE_CHECK_MS },
        }
      : {}),
    // Ids in routes are UUIDs; bigger params are garbage.
    routerOptions: { maxParamLength: 200 },
    // A caller's X-Request-Id (a proxy's, the bot's) names the request in every log line of it
    // (`reqId`) and comes back in the answer; without a usable one the gateway makes one.
    requestIdHeader: false,
    genReqId: (req) => usableRequestId(req.headers['x-request-id']) ?? randomUUID(),
    schemaController: { compilersFactory: zodCompilers },
  }).withTypeProvider<ZodTypeProvider>();
  if (limits) app.server.maxConnections = limits.maxConnections;
  // First, so that every hook and handler after it runs inside the request's span.
  if (deps.tracingPlugin) await app.register(deps.tracingPlugin);
  app.addHook('onRequest', (req, reply, done) => {
    void reply.header('x-request-id', req.id);
    done();
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  // Latency by route pattern (never the raw path: ids would explode the series).
  app.addHook('onResponse', (req, reply, done) => {
    deps.metrics.observeHttp(
      req.method,
      req.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });

  // JSON only: a text/plain body is a 415 UNSUPPORTED_MEDIA_TYPE, not a string that fails the schema.
  app.removeContentTypeParser('text/plain');
  // Bots often POST /end or /typing with a JSON content type and no body: treat that as no body.
  // Fastify's own JSON parser does the parsing, so its prototype-poisoning guard (`__proto__` and
  // `constructor.prototype` keys are refused with a 400) stays on.
  const fastifyJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    void fastifyJson(req, text, done);
  });

  // OpenAPI 3.1 at /docs/json: the base (info, tags, webhooks) in src/api/openapi/document.ts, the
  // operations from the routes' zod schemas, named schemas as components, then examples.
  await app.register(fastifySwagger, {
    openapi: openApiBase(deps.version),
    transform: createJsonSchemaTransform({ zodToJsonConfig }),
    transformObject: (doc) => finishDocument(createJsonSchemaTransformObject({ zodToJsonConfig })(doc)),
  });
  if (!deps.adminElsewhere)
    await app.register(async (admin) => {
      // Any valid API key opens them (before the body, like /v1); 401 without one.
      admin.addHook('onRequest', (req, _reply, done) => {
        try {
          deps.auth.authenticate(req.headers.authorization);
          done();
        } catch (err) {
          done(err as Error);
        }
      });
      await admin.register(docsAndMetrics(deps.metrics));
    });

  // Someone opening the gateway's address in a browser finds the way (and no favicon 404).
  app.get('/', { schema: { hide: true } }, () => ({
    name: 'genesys-handover gateway',
    ...(deps.adminElsewhere ? {} : { docs: '/docs' }),
    api: '/v1/handovers',
    health: '/healthz',
    readiness: '/readyz',
    ...(deps.adminElsewhere ? {} : { metrics: '/metrics' }),
  }));
  app.get('/favicon.ico', { schema: { hide: true } }, (_req, reply) => reply.code(204).send());
  app.get('/healthz', { schema: { hide: true } }, () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, (_req, reply) => {
    const { ready, problems } = deps.readiness();
    return ready
      ? reply.send({ status: 'ready' })
      : reply.code(503).send({ status: 'not_ready', ...(problems.length ? { problems } : {}) });
  });

  const openHandovers = new OpenHandoverQuota(async (id) => {
    try {
      return !isTerminal((await deps.service.get(id)).state);
    } catch (err) {
      if (err instanceof GatewayError && err.code === 'HANDOVER_NOT_FOUND') return false;
      throw err;
    }
  });
  for (const h of (await deps.openAtStart?.()) ?? []) openHandovers.adopt(h.id, h.endpointId, h.startedBy);
  const presence = new PresenceBudget(
    deps.presenceIntervalMs === undefined ? {} : { intervalMs: deps.presenceIntervalMs },
  );

  await app.register(
    async (v1) => {
      v1.addHook('onRequest', (req, _reply, done) => {
        try {
          req.principal = deps.auth.authenticate(req.headers.authorization);
          done();
        } catch (err) {
          done(err as Error);
        }
      });
      // Per API key, after authentication and before the body is read: a flood costs no parsing.
      await v1.register(fastifyRateLimit, {
        hook: 'preParsing',
        timeWindow: 1000,
        max: (req) => req.principal.limits.requestsPerSecond,
        keyGenerator: (req) => req.principal.id,
        errorResponseBuilder: () => new GatewayError('RATE_LIMITED'),
      });
      await v1.register(
        handoverRoutes({
          service: deps.service,
          openHandovers,
          endpointOpenHandovers: deps.endpointOpenHandovers,
          presence,
        }),
      );
      await v1.register(deadLetterRoutes({ deadLetters: deps.deadLetters }));
      if (deps.availability) await v1.register(availabilityRoutes({ availability: deps.availability }));
      await v1.register(
        endpointRoutes({ testWebhook: deps.testWebhook ?? (() => Promise.resolve(undefined)) }),
      );
      await v1.register(
        eventRoutes({
          service: deps.service,
          feed: deps.feed,
          streams: new StreamSlots(),
          shutdownSignal: deps.shutdownSignal,
          ...(deps.sseKeepAliveMs === undefined ? {} : { keepAliveMs: deps.sseKeepAliveMs }),
          ...(deps.onSseWritten === undefined ? {} : { onWritten: deps.onSseWritten }),
          connections: deps.metrics.sseConnections,
        }),
      );
    },
    { prefix: '/v1' },
  );
  await app.register(
    providerWebhookRoutes({ ...deps.providerWebhooks, shutdownSignal: deps.shutdownSignal }),
  );
  return app;
}
