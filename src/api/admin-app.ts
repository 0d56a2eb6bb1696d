// /docs (the OpenAPI document and its viewer) and /metrics (Prometheus). On the API port they need an
// API key (app.ts); with `server.adminPort` they move to an admin server of their own, on
// `server.adminHost` (loopback by default), without a key — where Prometheus and people on the
// operator's network reach them and bots and the internet do not (docs/security.md).
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
} from 'fastify';
import type { GatewayMetrics } from '../observability/metrics.ts';
import { installErrorHandling } from './error-handler.ts';

/** GET /docs (viewer), /docs/json and /docs/yaml, GET /metrics. The OpenAPI plugin must be registered above. */
export const docsAndMetrics =
  (metrics: GatewayMetrics): FastifyPluginAsync =>
  async (app) => {
    await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
    app.get('/metrics', { schema: { hide: true } }, async (_req, reply) =>
      reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    );
  };

export interface AdminDeps {
  /** The API application, ready: its OpenAPI document is served as it is. */
  readonly api: FastifyInstance;
  readonly metrics: GatewayMetrics;
  readonly logger: FastifyBaseLogger;
}

export async function buildAdminApi(deps: AdminDeps): Promise<FastifyInstance> {
  // Scrapes every few seconds would flood the log: requests here are not logged (errors are).
  const app = Fastify({
    loggerInstance: deps.logger,
    logController: new LogController({ disableRequestLogging: true }),
  });
  installErrorHandling(app);
  await app.register(fastifySwagger, {
    mode: 'static',
    specification: { document: deps.api.swagger() as never },
  });
  await app.register(docsAndMetrics(deps.metrics));
  app.get('/', () => ({ name: 'genesys-handover admin', docs: '/docs', metrics: '/metrics' }));
  return app;
}
