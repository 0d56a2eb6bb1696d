// The bot-facing handover routes under /v1 (design §5).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { GatewayError } from '../../core/errors.ts';
import type { HandoverService } from '../../core/services/handover-service.ts';
import type { ApiPrincipal } from '../auth.ts';
import { dropUndefined } from '../drop-undefined.ts';
import type { OpenHandoverQuota } from '../limits/open-handovers.ts';
import type { PresenceBudget } from '../limits/presence-budget.ts';
import { presentHandover, presentTranscript } from '../presenters.ts';
import { errorResponses, WITH_BODY } from '../openapi/error-responses.ts';
import { TAGS } from '../openapi/document.ts';
import {
  handoverIdParams,
  handoverListResponse,
  idempotencyHeaders,
  handoverResponse,
  listQuery,
  sendMessageBody,
  sendMessageResponse,
  startHandoverBody,
  transcriptResponse,
  typingResponse,
  presenceBody,
  presenceResponse,
} from '../schemas.ts';

export interface HandoverRoutesDeps {
  readonly service: HandoverService;
  readonly openHandovers: OpenHandoverQuota;
  readonly endpointOpenHandovers: (endpointId: string) => number;
  readonly presence: PresenceBudget;
}

const security = [{ apiKey: [] }];
const tags = [TAGS.handovers];

export const handoverRoutes =
  (deps: HandoverRoutesDeps): FastifyPluginAsyncZod =>
  (app) => {
    const { service } = deps;

    const authorised = (principal: ApiPrincipal, id: string) => authorisedHandover(service, principal, id);

    app.post(
      '/handovers',
      {
        schema: {
          operationId: 'startHandover',
          tags,
          summary: 'Start a handover (idempotent per endpoint, userId and sessionId)',
          description:
            'Returns 201 with a new handover, or 200 with the unended handover of the same customer session.',
          security,
          body: startHandoverBody,
          response: {
            200: handoverResponse,
            201: handoverResponse,
            ...errorResponses(...WITH_BODY, 404, 503),
          },
        },
      },
      async (req, reply) => {
        const { endpoint, customer, settings, transcript } = req.body;
        if (!req.principal.mayUse(endpoint)) throw new GatewayError('FORBIDDEN');
        const { phone, ...rest } = customer;
        const slot = await deps.openHandovers.take(
          { name: req.principal.name, max: req.principal.limits.openHandovers },
          { id: endpoint, max: deps.endpointOpenHandovers(endpoint) },
        );
        let result: Awaited<ReturnType<HandoverService['start']>>;
        try {
          result = await service.start({
            endpointId: endpoint,
            startedBy: req.principal.name,
            customer: dropUndefined({ ...rest, phoneNumber: phone }),
            ...(settings ? { settings: dropUndefined(settings) } : {}),
            ...(transcript ? { transcript: transcript.map((l) => dropUndefined(l)) } : {}),
          });
        } catch (err) {
          slot.release();
          throw err;
        }
        slot.settle(result.handover.id, result.created);
        return reply.code(result.created ? 201 : 200).send(presentHandover(result.handover));
      },
    );

    app.get(
      '/handovers',
      {
        schema: {
          operationId: 'listHandovers',
          tags,
          summary: 'List handovers, newest first',
          security,
          querystring: listQuery,
          response: { 200: handoverListResponse, ...errorResponses(400) },
        },
      },
      async (req) => {
        const { endpoint, state, limit, cursor } = req.query;
        const principal = req.principal;
        if (endpoint && !principal.mayUse(endpoint)) throw new GatewayError('FORBIDDEN');
        const endpointIds = endpoint
          ? [endpoint]
          : principal.endpoints === '*'
            ? undefined
            : principal.endpoints;
        const page = await service.list({
          limit,
          ...(endpointIds ? { endpointIds } : {}),
          ...(state ? { state } : {}),
          ...(cursor ? { cursor } : {}),
        });
        return {
          items: page.items.map(presentHandover),
          ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
        };
      },
    );

    app.get(
      '/handovers/:id',
      {
        schema: {
          operationId: 'getHandover',
          tags,
          summary: 'Get one handover',
          security,
          params: handoverIdParams,
          response: { 200: handoverResponse, ...errorResponses(400, 404) },
        },
      },
      async (req) => presentHandover(await authorised(req.principal, req.params.id)),
    );

    app.get(
      '/handovers/:id/transcript',
      {
        schema: {
          operationId: 'getTranscript',
          tags,
          summary: 'The transcript: bot conversation, customer and agent messages, with roles and timestamps',
          security,
          params: handoverIdParams,
          response: { 200: transcriptResponse, ...errorResponses(400, 404) },
        },
      },
      async (req) => {
        await authorised(req.principal, req.params.id);
        return presentTranscript(await service.transcript(req.params.id));
      },
    );

    app.post(
      '/handovers/:id/messages',
      {
        schema: {
          operationId: 'sendMessage',
          tags,
          summary: "Send the customer's message to the agent",
          description:
            'Persisted before the 202; texts over the provider limit are split on word boundaries into ordered parts.',
          security,
          params: handoverIdParams,
          headers: idempotencyHeaders,
          body: sendMessageBody,
          response: { 202: sendMessageResponse, ...errorResponses(...WITH_BODY, 404, 409, 422, 503) },
        },
      },
      async (req, reply) => {
        await authorised(req.principal, req.params.id);
        const { text = '', attachments } = req.body;
        const max = req.principal.limits.maxMessageLength;
        if (text.length > max)
          throw new GatewayError('VALIDATION_FAILED', {
            details: [{ path: 'body.text', message: `at most ${max} characters (this API key's limit)` }],
          });
        const parts = await service.sendMessage(
          req.params.id,
          { text, ...(attachments ? { attachments: attachments.map(dropUndefined) } : {}) },
          req.headers['idempotency-key'],
        );
        return reply.code(202).send({
          parts: parts.map((p) => ({ id: p.id, order: p.outbound?.order ?? 0, length: p.text.length })),
        });
      },
    );

    app.post(
      '/handovers/:id/typing',
      {
        schema: {
          operationId: 'sendTyping',
          tags,
          summary: 'The customer is typing (forwarded at most once every 3 s)',
          security,
          params: handoverIdParams,
          response: { 202: typingResponse, ...errorResponses(...WITH_BODY, 404, 409, 503) },
        },
      },
      async (req, reply) => {
        await authorised(req.principal, req.params.id);
        return reply.code(202).send(await service.typing(req.params.id));
      },
    );

    app.post(
      '/handovers/:id/presence',
      {
        schema: {
          operationId: 'setPresence',
          tags,
          summary: "The customer's presence: away (tab closed, navigated off) or back",
          description:
            'The agent sees a notice, like "The customer left the conversation." Presence "back" counts as customer activity for the inactivity grace. Throttled per handover like typing: a burst of 5, then one every 3 s; past that 429 RATE_LIMITED with Retry-After.',
          security,
          params: handoverIdParams,
          body: presenceBody,
          response: { 202: presenceResponse, ...errorResponses(...WITH_BODY, 404, 409, 503) },
        },
      },
      async (req, reply) => {
        await authorised(req.principal, req.params.id);
        const waitS = deps.presence.take(req.params.id);
        if (waitS !== undefined) {
          void reply.header('retry-after', String(waitS));
          throw new GatewayError('RATE_LIMITED', {
            message: 'Presence notices of this handover are throttled (a burst of 5, then one every 3 s).',
          });
        }
        try {
          return await reply.code(202).send(await service.presence(req.params.id, req.body.status));
        } catch (err) {
          deps.presence.refund(req.params.id);
          throw err;
        }
      },
    );

    app.post(
      '/handovers/:id/end',
      {
        schema: {
          operationId: 'endHandover',
          tags,
          summary:
            'The customer leaves: the chat is left at the contact center and the handover ends (customer_ended)',
          description:
            "The customer's pending messages are sent first, the chat is left at the contact center and a last read collects what the agent wrote. 200 with the ended handover when that finished in time; else 202 with the handover still closing (`closing` set) — handover.ended follows as an event.",
          security,
          params: handoverIdParams,
          response: {
            200: handoverResponse,
            202: handoverResponse,
            ...errorResponses(...WITH_BODY, 404, 503),
          },
        },
      },
      async (req, reply) => {
        await authorised(req.principal, req.params.id);
        const { handover, completed } = await service.end(req.params.id);
        return reply.code(completed ? 200 : 202).send(presentHandover(handover));
      },
    );

    return Promise.resolve();
  };

/** Loads a handover and checks that the caller's key may act on its endpoint (403 otherwise). */
export async function authorisedHandover(service: HandoverService, principal: ApiPrincipal, id: string) {
  const handover = await service.get(id);
  if (!principal.mayUse(handover.endpointId)) throw new GatewayError('FORBIDDEN');
  return handover;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: ApiPrincipal;
  }
}
