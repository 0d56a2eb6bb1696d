// The typed inbound endpoints (OM doc §3.1–§3.3) under
// /api/v2/conversations/messages/{integrationId}/inbound/open/{message|event|receipt}. Registered in
// the platform scope (bearer token required). Answers are 200 with the normalized message [U §10.2].
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from '../context.ts';
import {
  inboundEventSchema,
  parseInboundMessage,
  parseInboundReceipt,
} from '../open-messaging/inbound-schemas.ts';
import { parsePlatformBody } from '../platform/body.ts';
import { boolParam, parseQuery } from './query-params.ts';

type Params = { Params: { integrationId: string } };

export const INBOUND_PATH = '/api/v2/conversations/messages/:integrationId/inbound/open';

const messageQuerySchema = z.object({ prefetchConversationId: boolParam });

export function registerInboundRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post<Params>(`${INBOUND_PATH}/message`, (request) => {
    const query = parseQuery(messageQuerySchema, request.query);
    const integration = ctx.inbound.requireReady(request.params.integrationId);
    const body = parseInboundMessage(request.body, ctx.options.maxInboundTextLength);
    return ctx.inbound.message(integration, body, query.prefetchConversationId ?? false);
  });

  app.post<Params>(`${INBOUND_PATH}/event`, (request) => {
    const integration = ctx.inbound.requireReady(request.params.integrationId);
    return ctx.inbound.event(integration, parsePlatformBody(inboundEventSchema, request.body));
  });

  app.post<Params>(`${INBOUND_PATH}/receipt`, (request) => {
    const integration = ctx.inbound.requireReady(request.params.integrationId);
    return ctx.inbound.receipt(integration, parseInboundReceipt(request.body));
  });
}
