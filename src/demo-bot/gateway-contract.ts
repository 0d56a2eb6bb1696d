// What the demo bot reads from the gateway, validated with zod at the edge. Written from the public
// docs (docs/webhooks.md, the OpenAPI at /docs), not imported from the gateway's own code: a bot
// sits outside the gateway, and a second reading of the contract catches what the first got wrong.
// Unknown fields are ignored, so newer gateway versions that add fields keep working.
import { z } from 'zod';

export const agentSchema = z.object({
  id: z.string(),
  displayName: z.string().optional(),
  avatarUrl: z.string().optional(),
});
export type GatewayAgent = z.infer<typeof agentSchema>;

/**
 * A file an agent sent, by URL (Open Messaging endpoints; guest chat has none). The gateway never
 * downloads it. The URL is not checked here — the page view keeps only http(s) ones (attachments.ts) —
 * so one odd attachment does not cost the customer the whole message. A media type this bot does not
 * know yet (a newer gateway) is shown as a plain file.
 */
export const attachmentSchema = z.object({
  url: z.string(),
  mediaType: z.enum(['image', 'video', 'audio', 'file', 'link']).catch('file'),
  mime: z.string().optional(),
  filename: z.string().optional(),
  sizeBytes: z.number().int().nonnegative().optional(),
});
export type GatewayAttachment = z.infer<typeof attachmentSchema>;

export const endReasonSchema = z.enum([
  'agent_ended',
  'customer_ended',
  'customer_abandoned',
  'no_agent_timeout',
  'expired',
  'provider_error',
]);
export type EndReason = z.infer<typeof endReasonSchema>;

const base = {
  id: z.string().min(1),
  handoverId: z.string(),
  seq: z.number().int().positive(),
  occurredAt: z.string(),
};

/** One event as webhooks and SSE carry it (docs/webhooks.md, "Event types"). */
export const handoverEventSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('handover.queued'), data: z.object({ queue: z.string() }) }),
  z.object({ ...base, type: z.literal('handover.agent_joined'), data: z.object({ agent: agentSchema }) }),
  z.object({
    ...base,
    type: z.literal('handover.agent_message'),
    /** `text` is empty when the agent sent only attachments. */
    data: z.object({
      messageId: z.string(),
      text: z.string(),
      agent: agentSchema,
      attachments: z.array(attachmentSchema).optional(),
    }),
  }),
  z.object({
    ...base,
    type: z.literal('handover.agent_typing'),
    data: z.object({ agent: agentSchema, expiresInMs: z.number().int().positive() }),
  }),
  z.object({ ...base, type: z.literal('handover.agent_left'), data: z.object({ agent: agentSchema }) }),
  z.object({
    ...base,
    type: z.literal('handover.transferred'),
    data: z.object({ from: agentSchema.optional(), to: agentSchema }),
  }),
  z.object({
    ...base,
    type: z.literal('handover.system_message'),
    data: z.object({ messageId: z.string(), text: z.string(), source: z.enum(['system', 'notice']) }),
  }),
  z.object({
    ...base,
    type: z.literal('handover.wait_estimate'),
    data: z.object({
      estimatedWaitSeconds: z.number().nonnegative().optional(),
      position: z.number().int().positive().optional(),
    }),
  }),
  z.object({
    ...base,
    type: z.literal('handover.ended'),
    data: z.object({
      reason: endReasonSchema,
      message: z.string().optional(),
      /** Customer messages that never reached the agent (the handover ended first). */
      undelivered: z.array(z.object({ id: z.string(), text: z.string() })).optional(),
    }),
  }),
  z.object({
    ...base,
    type: z.literal('handover.failed'),
    data: z.object({ error: z.object({ code: z.string(), message: z.string() }) }),
  }),
]);
export type GatewayEvent = z.infer<typeof handoverEventSchema>;

export const TERMINAL_EVENT_TYPES: ReadonlySet<GatewayEvent['type']> = new Set([
  'handover.ended',
  'handover.failed',
]);

/** The part of a handover resource (`POST /v1/handovers`, `GET /v1/handovers/{id}`) the bot uses. */
export const handoverSchema = z.object({
  id: z.string().min(1),
  state: z.enum(['requested', 'queued', 'active', 'transferring', 'ended', 'failed']),
});
export type GatewayHandover = z.infer<typeof handoverSchema>;

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    /** ENDPOINT_CLOSED: when the endpoint opens next (null: unknown). */
    nextOpening: z.string().nullable().optional(),
  }),
});

/** Body of `POST /v1/handovers` (the fields this bot sends). */
export interface StartHandoverRequest {
  readonly endpoint: string;
  readonly customer: { readonly userId: string; readonly sessionId: string; readonly displayName: string };
  readonly settings: {
    readonly language?: string;
    readonly skills: readonly string[];
    readonly priority?: number;
    readonly customAttributes: Readonly<Record<string, string>>;
  };
  readonly transcript: readonly {
    readonly role: 'customer' | 'bot';
    readonly text: string;
    readonly at: string;
  }[];
}
