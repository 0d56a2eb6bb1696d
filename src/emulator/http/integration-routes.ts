// Integrations CRUD (§2) under /api/v2/conversations/messaging/integrations/open. Registered in the
// platform scope (bearer token required).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from '../context.ts';
import {
  createIntegrationSchema,
  toCreateFields,
  toUpdateFields,
  updateIntegrationSchema,
} from '../open-messaging/integration-schemas.ts';
import { INTEGRATIONS_PATH, openIntegrationView } from '../open-messaging/integration-view.ts';
import type { Integration } from '../open-messaging/integration.ts';
import { platformErrors } from '../platform/errors.ts';
import { nameBasedId } from '../platform/ids.ts';
import { parsePlatformBody } from '../platform/body.ts';
import { pageOf } from '../platform/listing.ts';
import { callerOf } from './platform-auth.ts';
import { intParam, parseQuery, stringParam } from './query-params.ts';

type IdParams = { Params: { integrationId: string } };

/** The emulator's page-size cap for integration listings [U: Genesys' is undocumented]. */
const listQuerySchema = z.object({
  pageSize: intParam(1, 500),
  pageNumber: intParam(1, 1_000_000),
  expand: stringParam,
  supportedContentId: stringParam,
  messagingSettingId: stringParam,
});

export function registerIntegrationRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const load = (id: string): Integration => {
    const integration = ctx.integrations.get(id);
    if (!integration) throw platformErrors.notFound('Integration', id);
    return integration;
  };
  /** With client credentials the acting "user" is the OAuth client. */
  const actor = (clientId: string): string => nameBasedId('oauth-client', clientId);

  app.post(INTEGRATIONS_PATH, (request) => {
    const body = parsePlatformBody(createIntegrationSchema, request.body);
    const fields = toCreateFields(body, ctx.options.requireHttpsWebhooks);
    return openIntegrationView(ctx.integrations.create(fields, actor(callerOf(ctx, request).clientId)));
  });

  app.get(INTEGRATIONS_PATH, (request) => {
    const query = parseQuery(listQuerySchema, request.query);
    const all = ctx.integrations
      .list()
      .filter(
        (i) => query.supportedContentId === undefined || i.supportedContentId === query.supportedContentId,
      )
      .filter(
        (i) => query.messagingSettingId === undefined || i.messagingSettingId === query.messagingSettingId,
      );
    const page = pageOf(all, {
      pageSize: query.pageSize ?? 25,
      pageNumber: query.pageNumber ?? 1,
      basePath: INTEGRATIONS_PATH,
    });
    return { ...page, entities: page.entities.map(openIntegrationView) };
  });

  app.get<IdParams>(`${INTEGRATIONS_PATH}/:integrationId`, (request) =>
    openIntegrationView(load(request.params.integrationId)),
  );

  app.patch<IdParams>(`${INTEGRATIONS_PATH}/:integrationId`, (request) => {
    load(request.params.integrationId);
    const body = parsePlatformBody(updateIntegrationSchema, request.body);
    const changes = toUpdateFields(body, ctx.options.requireHttpsWebhooks);
    const updated = ctx.integrations.update(
      request.params.integrationId,
      changes,
      actor(callerOf(ctx, request).clientId),
    );
    return openIntegrationView(updated ?? load(request.params.integrationId));
  });

  app.delete<IdParams>(`${INTEGRATIONS_PATH}/:integrationId`, (request, reply) => {
    load(request.params.integrationId);
    ctx.integrations.delete(request.params.integrationId);
    return reply.code(204).send();
  });
}
