// The events a bot receives (webhook body and SSE `data:`), as zod schemas: the one description of
// the wire shape. The OpenAPI `webhooks` section and the typed client (src/client/) are generated
// from / validate with these; test/client/contract-types.test.ts proves they describe exactly the
// core's `HandoverEvent` (src/core/model/events.ts), so the two cannot drift apart.
// Unknown fields are stripped, not rejected: a newer gateway may add fields without breaking clients.
import { z } from 'zod';
import { MediaTypes } from '../core/model/attachment.ts';
import type { EventType } from '../core/model/events.ts';
import { EndReasons } from '../core/model/handover.ts';

export const agentSchema = z
  .object({
    id: z.string(),
    displayName: z.string().exactOptional(),
    avatarUrl: z.string().exactOptional(),
  })
  .meta({ id: 'Agent', description: 'The agent as the contact center shows them.' });

export const attachmentSchema = z
  .object({
    url: z
      .string()
      .describe('Where the file can be fetched (http or https); the gateway never downloads it.'),
    // A media type a newer gateway adds reads as a plain file in an older client.
    mediaType: z.enum(MediaTypes).catch('file'),
    mime: z.string().exactOptional(),
    filename: z.string().exactOptional(),
    sizeBytes: z.number().exactOptional(),
  })
  .meta({ id: 'Attachment', description: 'A file, by URL (Open Messaging endpoints).' });

export const failureSchema = z
  .object({ code: z.string(), message: z.string() })
  .meta({ id: 'Failure', description: "The provider's error code (e.g. a Genesys code) or a gateway code." });

export const undeliveredSchema = z
  .object({
    id: z.string().describe('The part id the 202 of POST /v1/handovers/{id}/messages returned.'),
    order: z.number(),
    clientMessageId: z.string().exactOptional().describe('The Idempotency-Key of the request, when sent.'),
    text: z.string(),
  })
  .meta({
    id: 'UndeliveredMessage',
    description: 'A customer message accepted (202) that never reached the agent: the handover ended first.',
  });

const attachments = z.array(attachmentSchema);
const undelivered = z.array(undeliveredSchema);

/** `data` of each event type (docs/webhooks.md, "The event"). */
export const eventDataSchemas = {
  'handover.queued': z.object({ queue: z.string() }),
  'handover.agent_joined': z.object({ agent: agentSchema }),
  'handover.agent_message': z.object({
    messageId: z.string(),
    text: z.string().describe('May be empty when the agent sent only attachments.'),
    agent: agentSchema,
    attachments: attachments.exactOptional(),
  }),
  'handover.agent_typing': z.object({
    agent: agentSchema,
    expiresInMs: z.number().describe('Show a typing hint until then or the next message.'),
  }),
  'handover.agent_left': z.object({ agent: agentSchema }),
  'handover.transferred': z.object({ from: agentSchema.exactOptional(), to: agentSchema }),
  'handover.system_message': z.object({
    messageId: z.string(),
    text: z.string(),
    source: z.enum(['system', 'notice']),
    attachments: attachments.exactOptional(),
  }),
  'handover.wait_estimate': z.object({
    estimatedWaitSeconds: z
      .number()
      .exactOptional()
      .describe("Genesys' estimate of the wait, in seconds (absent when Genesys has none)."),
    position: z
      .number()
      .int()
      .exactOptional()
      .describe('Place in the queue (1 = next), when it can be derived (docs/availability.md).'),
  }),
  'handover.ended': z.object({
    reason: z.enum(EndReasons),
    message: z.string().exactOptional(),
    error: failureSchema.exactOptional(),
    undelivered: undelivered.exactOptional(),
  }),
  'handover.failed': z.object({ error: failureSchema, undelivered: undelivered.exactOptional() }),
} as const satisfies Record<EventType, z.ZodType>;

const DESCRIPTIONS: Record<EventType, string> = {
  'handover.queued': 'The chat is waiting for an agent.',
  'handover.agent_joined': 'An agent accepted the chat.',
  'handover.agent_message': 'The agent wrote to the customer.',
  'handover.agent_typing': 'The agent is typing.',
  'handover.agent_left': 'An agent left the chat (during a transfer, or before it ended).',
  'handover.transferred': 'The chat moved to another agent; not an end.',
  'handover.system_message': 'A notice or workflow text from the contact center.',
  'handover.wait_estimate':
    'While queued: the estimated wait and the queue position, when they change and at an interval.',
  'handover.ended': 'Terminal: the handover ended; the bot takes over again.',
  'handover.failed': 'Terminal: the handover could not be started or continued.',
};

/** The envelope's fields shared by every event type. */
const envelope = {
  id: z.string().describe('Stable event id: the webhook-id header and the SSE id; drop duplicates by it.'),
  handoverId: z.string(),
  endpointId: z.string(),
  userId: z.string(),
  sessionId: z.string(),
  seq: z.number().int().describe('1, 2, 3 … per handover without gaps: order and resume position.'),
  occurredAt: z.string().describe('ISO 8601 UTC time the gateway recorded the event.'),
  timestamp: z
    .string()
    .describe('The same instant as occurredAt, under the name the Standard Webhooks payload structure uses.'),
};

function eventSchema<T extends EventType>(type: T) {
  return z
    .object({ ...envelope, type: z.literal(type), data: eventDataSchemas[type] })
    .meta({ id: eventSchemaId(type), description: DESCRIPTIONS[type] });
}

/** `handover.agent_message` → `HandoverAgentMessageEvent` (the OpenAPI component name). */
export function eventSchemaId(type: EventType): string {
  const words = type.split(/[._]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1));
  return `${words.join('')}Event`;
}

export const eventSchemas = {
  'handover.queued': eventSchema('handover.queued'),
  'handover.agent_joined': eventSchema('handover.agent_joined'),
  'handover.agent_message': eventSchema('handover.agent_message'),
  'handover.agent_typing': eventSchema('handover.agent_typing'),
  'handover.agent_left': eventSchema('handover.agent_left'),
  'handover.transferred': eventSchema('handover.transferred'),
  'handover.system_message': eventSchema('handover.system_message'),
  'handover.wait_estimate': eventSchema('handover.wait_estimate'),
  'handover.ended': eventSchema('handover.ended'),
  'handover.failed': eventSchema('handover.failed'),
} as const satisfies Record<EventType, z.ZodType>;

/** Every event as webhooks and SSE carry it: a union discriminated by `type`. */
export const handoverEventSchema = z
  .discriminatedUnion('type', [
    eventSchemas['handover.queued'],
    eventSchemas['handover.agent_joined'],
    eventSchemas['handover.agent_message'],
    eventSchemas['handover.agent_typing'],
    eventSchemas['handover.agent_left'],
    eventSchemas['handover.transferred'],
    eventSchemas['handover.system_message'],
    eventSchemas['handover.wait_estimate'],
    eventSchemas['handover.ended'],
    eventSchemas['handover.failed'],
  ])
  .meta({ id: 'HandoverEvent', description: 'Any event; `type` tells which.' });

export type WireEvent = z.output<typeof handoverEventSchema>;

/**
 * The test delivery an operator triggers with `POST /v1/endpoints/{id}/webhook-test`: signed and sent
 * like every event, but about no handover, so it has no handover fields and no `seq`.
 */
export const webhookTestEventSchema = z
  .object({
    id: z.string(),
    type: z.literal('webhook.test'),
    endpointId: z.string(),
    timestamp: z.string(),
    data: z.object({ message: z.string() }),
  })
  .meta({
    id: 'WebhookTestEvent',
    description: 'Sent only when an operator asks (POST /v1/endpoints/{id}/webhook-test); answer 2xx.',
  });
export type WebhookTestEvent = z.output<typeof webhookTestEventSchema>;
