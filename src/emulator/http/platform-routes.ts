// The platform API scope: every route registered here requires a bearer token (§1.4) and counts
// against the token's rate limit. Route modules of the Open Messaging side plug in here.
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { EMULATOR_ORGANIZATION } from '../platform/organization.ts';
import { registerAnalyticsRoutes } from './analytics-routes.ts';
import { registerArchitectRoutes } from './architect-routes.ts';
import { registerInboundRoutes } from './inbound-routes.ts';
import { registerIntegrationRoutes } from './integration-routes.ts';
import { registerMessageConversationRoutes } from './message-conversation-routes.ts';
import { registerMessageDataRoutes } from './message-data-routes.ts';
import { registerNotificationRoutes } from './notification-routes.ts';
import { authenticatePlatform, callerOf } from './platform-auth.ts';
import { registerRoutingRoutes } from './routing-routes.ts';
import { registerUserRoutes } from './user-routes.ts';

export async function registerPlatformRoutes(app: FastifyInstance, ctx: EmulatorContext): Promise<void> {
  await app.register((scope, _opts, done) => {
    scope.addHook('onRequest', (request, _reply, next) => {
      authenticatePlatform(ctx, request);
      ctx.platformRequests.record(request.method, request.routeOptions.url ?? request.url);
      next();
    });

    // What the SDK itself calls to check a token (ApiClient → GET /api/v2/tokens/me).
    scope.get('/api/v2/tokens/me', (request) => {
      const caller = callerOf(ctx, request);
      const organization = { id: EMULATOR_ORGANIZATION.id, name: EMULATOR_ORGANIZATION.name };
      return {
        organization,
        homeOrganization: organization,
        authorizedScope: [],
        OAuthClient: { id: caller.clientId, name: caller.clientId, organization },
      };
    });
    registerIntegrationRoutes(scope, ctx);
    registerInboundRoutes(scope, ctx);
    registerMessageConversationRoutes(scope, ctx);
    registerMessageDataRoutes(scope, ctx);
    registerUserRoutes(scope, ctx);
    registerNotificationRoutes(scope, ctx);
    registerRoutingRoutes(scope, ctx);
    registerAnalyticsRoutes(scope, ctx);
    registerArchitectRoutes(scope, ctx);
    done();
  });
}
