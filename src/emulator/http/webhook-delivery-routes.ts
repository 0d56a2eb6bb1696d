// GET /emulator/v1/webhook-deliveries: what the emulator posted to Open Messaging webhooks (OM doc
// §4.5) — per call its attempts (status or timeout/network) and final state. No secrets, no texts.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from '../context.ts';
import { parseAgentBody } from './agent-schemas.ts';
import { AGENT_PREFIX } from './paths.ts';

const querySchema = z.strictObject({
  conversationId: z.string().min(1).optional(),
  integrationId: z.string().min(1).optional(),
});

export function registerWebhookDeliveryRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get(`${AGENT_PREFIX}/webhook-deliveries`, (request) => {
    const query = parseAgentBody(querySchema, request.query);
    const entities = ctx.webhooks.deliveries({
      ...(query.conversationId !== undefined ? { conversationId: query.conversationId } : {}),
      ...(query.integrationId !== undefined ? { integrationId: query.integrationId } : {}),
    });
    return { entities, total: entities.length };
  });
}
