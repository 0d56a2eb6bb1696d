// The bot-facing HTTP application: /v1 (API-key auth), /docs (OpenAPI), /healthz, /readyz, /metrics.
import { randomUUID } from 'node:crypto';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  createJsonSchemaTransform,
  createJsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { DeadLetterService } from '../core/services/dead-letter-service.ts';
import type { EventFeed } from '../core/services/event-feed.ts';
import type { HandoverEvent } from '../core/model/events.ts';
import type { HandoverService } from '../core/services/handover-service.ts';
import type { GatewayMetrics } from '../observability/metrics.ts';
import type { ApiKeyAuthenticator } from './auth.ts';
import { installErrorHandling } from './error-handler.ts';
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
  /** `POST /v1/endpoints/{id}/webhook-test`; without it every endpoint answers 404 there. */
  readonly testWebhook?: EndpointRoutesDeps['testWebhook'];
  readonly sseKeepAliveMs?: number;
  /** Each event an SSE stream wrote (delivery receipts to the contact center). */
  readonly onSseWritten?: (event: HandoverEvent) => void;
}

/** 1 MiB: a bot transcript of 1,000 lines fits; anything larger is a 413 BODY_TOO_LARGE. */
const BODY_LIMIT = 1024 * 1024;

/** Printable ASCII without spaces, at most 128 characters: safe in a header and a log line. */
function usableRequestId(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && /^[\x21-\x7e]{1,128}$/.test(value) ? value : undefined;
}

export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: BODY_LIMIT,
    // Ids in routes are UUIDs; bigger params are garbage.
    routerOptions: { maxParamLength: 200 },
    // A caller's X-Request-Id (a proxy's, the bot's) names the request in every log line of it
    // (`reqId`) and comes back in the answer; without a usable one the gateway makes one.
    requestIdHeader: false,
    genReqId: (req) => usableRequestId(req.headers['x-request-id']) ?? randomUUID(),
  }).withTypeProvider<ZodTypeProvider>();
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
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch {
      done(
        Object.assign(new Error('invalid JSON'), { code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 }),
        undefined,
      );
    }
  });

  // OpenAPI 3.1 at /docs/json: the base (info, tags, webhooks) in src/api/openapi/document.ts, the
  // operations from the routes' zod schemas, named schemas as components, then examples.
  await app.register(fastifySwagger, {
    openapi: openApiBase(deps.version),
    transform: createJsonSchemaTransform({ zodToJsonConfig }),
    transformObject: (doc) => finishDocument(createJsonSchemaTransformObject({ zodToJsonConfig })(doc)),
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  // Someone opening the gateway's address in a browser finds the way (and no favicon 404).
  app.get('/', { schema: { hide: true } }, () => ({
    name: 'genesys-handover gateway',
    docs: '/docs',
    api: '/v1/handovers',
    health: '/healthz',
    readiness: '/readyz',
    metrics: '/metrics',
  }));
  app.get('/favicon.ico', { schema: { hide: true } }, (_req, reply) => reply.code(204).send());
  app.get('/healthz', { schema: { hide: true } }, () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, (_req, reply) => {
    const { ready, problems } = deps.readiness();
    return ready
      ? reply.send({ status: 'ready' })
      : reply.code(503).send({ status: 'not_ready', ...(problems.length ? { problems } : {}) });
  });
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) =>
    reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()),
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
      await v1.register(handoverRoutes({ service: deps.service }));
      await v1.register(deadLetterRoutes({ deadLetters: deps.deadLetters }));
      await v1.register(
        endpointRoutes({ testWebhook: deps.testWebhook ?? (() => Promise.resolve(undefined)) }),
      );
      await v1.register(
        eventRoutes({
          service: deps.service,
          feed: deps.feed,
          shutdownSignal: deps.shutdownSignal,
          ...(deps.sseKeepAliveMs === undefined ? {} : { keepAliveMs: deps.sseKeepAliveMs }),
          ...(deps.onSseWritten === undefined ? {} : { onWritten: deps.onSseWritten }),
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
