// The outbound webhook body, "Outbound Open Normalized Message" (protocol §4.1–§4.3). Strict on what
// the gateway relies on — `id`, `type`, `channel.to.id` (the customer's `from.id`, what we route on),
// `channel.time` — and tolerant of everything else: unknown fields are stripped, unknown content and
// event kinds are kept by name so the parser can report them instead of failing.
import { z } from 'zod';
import { Id, MAX_INBOUND_TEXT, MAX_NAME, capped, list, optional, StringMapSchema } from './common.ts';

export const WEBHOOK_MESSAGE_TYPES = ['Text', 'Structured', 'Receipt', 'Event'] as const;

/** §4.1 `content[].attachment` — no `text` on agent attachments; `url` points at api-downloads. */
export const WebhookAttachmentSchema = z.object({
  id: optional(z.string()),
  mediaType: z.string().min(1),
  url: optional(z.string()),
  mime: optional(z.string()),
  filename: optional(capped(255)),
  contentSizeBytes: optional(z.number()),
  text: optional(z.string()),
  sha256: optional(z.string()),
});

/** One content item; only `Attachment` is read, other kinds (QuickReply, Card, …) by name. */
export const WebhookContentSchema = z.object({
  contentType: z.string().min(1),
  attachment: optional(WebhookAttachmentSchema),
});

/** §4.2: `{eventType:"Typing", typing:{type:"On", duration:5000}}`; duration in ms, a TTL. */
export const WebhookEventSchema = z.object({
  eventType: z.string().min(1),
  typing: optional(z.object({ type: z.string(), duration: optional(z.number().nonnegative()) })),
});

export const WebhookChannelSchema = z.object({
  /** The integration id. */
  id: optional(z.string()),
  platform: optional(z.string()),
  type: optional(z.string()),
  messageId: optional(z.string()),
  /** The customer: `id` = our `channel.from.id` (§4.1 "route on this"). */
  to: z.object({ id: Id, idType: optional(z.string()) }),
  /** The integration, not the agent (§4.1, §4.6). */
  from: optional(z.object({ id: optional(z.string()), nickname: optional(capped(MAX_NAME)) })),
  time: z.string().min(1),
  metadata: optional(z.object({ customAttributes: optional(StringMapSchema) })),
});

export const WebhookMessageSchema = z.object({
  id: Id,
  channel: WebhookChannelSchema,
  type: z.enum(WEBHOOK_MESSAGE_TYPES),
  text: optional(capped(MAX_INBOUND_TEXT)),
  content: list(WebhookContentSchema),
  events: list(WebhookEventSchema),
  /** `Human` (agent) | `Bot` (Architect Send Response, in-queue flow, bots). */
  originatingEntity: optional(z.string()),
  /** `Outbound`; receipts may say `Inbound` (§4.1). */
  direction: optional(z.string()),
  conversationId: optional(Id),
  status: optional(z.string()),
  reasons: list(z.object({ code: optional(z.string()), message: optional(z.string()) })),
  isFinalReceipt: optional(z.boolean()),
});
export type WebhookMessage = z.output<typeof WebhookMessageSchema>;
