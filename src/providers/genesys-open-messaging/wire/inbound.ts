// Inbound: what the gateway posts to `/api/v2/conversations/messages/{integrationId}/inbound/open/…`
// (protocol §3.1–§3.3) and what Genesys answers. Request schemas are applied to our own bodies before
// sending, so a contract break is refused client-side (OpenMessagingRequestError) instead of
// reaching Genesys as a 400. Response schemas require nothing we do not use.
import { z } from 'zod';
import { Id, list, optional, StringMapSchema } from './common.ts';

/** §3.1: `channel.from.idType`. Genesys accepts it case-insensitively; we send this spelling. */
export const ID_TYPES = ['Email', 'Phone', 'Opaque'] as const;
export type IdType = (typeof ID_TYPES)[number];

/** §3.1: attachment `mediaType`. */
export const MEDIA_TYPES = ['Image', 'Video', 'Audio', 'File', 'Link'] as const;

/** §3.3: the only statuses the receipt endpoint accepts (the contract enum is wider). */
export const INBOUND_RECEIPT_STATUSES = ['Delivered', 'Failed'] as const;
export type InboundReceiptStatus = (typeof INBOUND_RECEIPT_STATUSES)[number];

/** §3.3: reason codes of a Failed receipt. */
export const RECEIPT_REASON_CODES = [
  'MessageExpired',
  'RateLimited',
  'MessageNotAllowed',
  'GeneralError',
  'UnsupportedMessage',
  'UnknownMessage',
  'InvalidMessageStructure',
  'InvalidDestination',
  'ServerError',
  'MediaTypeNotAllowed',
  'InvalidMediaContentLength',
  'RecipientOptedOut',
  'DataFiltered',
] as const;
export type ReceiptReasonCode = (typeof RECEIPT_REASON_CODES)[number];

/** §3.1: `yyyy-MM-ddTHH:mm:ss[.mmm]Z` — what `Date.toISOString()` writes. */
const WireTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/, 'an ISO-8601 UTC time');

const HttpUrl = z.url({ protocol: /^https?$/ });

/** §3.1 `channel.from`: the customer. `id` is the conversation key (§3.5). */
export const FromRecipientSchema = z.object({
  id: Id,
  idType: z.enum(ID_TYPES),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  nickname: z.string().optional(),
  image: HttpUrl.optional(),
  email: z.string().optional(),
});

/** §3.1 `content[].attachment`: by URL; Genesys fetches it (≤ 25 MB, §2 operator notes). */
export const InboundAttachmentSchema = z.object({
  mediaType: z.enum(MEDIA_TYPES),
  url: HttpUrl,
  mime: z.string().min(1),
  id: z.string().min(1).optional(),
  text: z.string().optional(),
  sha256: z.string().optional(),
  filename: z.string().optional(),
});
export type InboundAttachment = z.output<typeof InboundAttachmentSchema>;

export const InboundMessageRequestSchema = z
  .object({
    channel: z.object({
      from: FromRecipientSchema,
      time: WireTime,
      messageId: z.string().min(1).optional(),
      // §6: custom attributes ride here (string map); the SDK types `metadata` as `{subType}` only.
      metadata: z.object({ customAttributes: StringMapSchema.optional() }).optional(),
    }),
    text: z.string().min(1).optional(),
    // §3.1: peers send `contentType: "Attachment"` (the inbound model has no such field; harmless).
    content: z
      .array(z.object({ contentType: z.literal('Attachment'), attachment: InboundAttachmentSchema }))
      .optional(),
    // §6: root metadata is a flat string map; a nested object there is a 400 bad.request.
    metadata: StringMapSchema.optional(),
  })
  .refine((m) => m.text !== undefined || (m.content?.length ?? 0) > 0, {
    // §3.1 (observed server validation, W5): one of text or content is required.
    error: 'a message needs text or at least one attachment',
    path: ['text'],
  });

/** §3.2: the event endpoint takes `Typing` only; peers send just `{eventType}` [O S2, S7]. */
export const InboundEventRequestSchema = z.object({
  channel: z.object({ from: FromRecipientSchema, time: WireTime }),
  events: z.array(z.object({ eventType: z.literal('Typing') })).min(1),
});

/** §3.3: the delivery status of an agent's message (its Genesys id from the webhook). */
export const InboundReceiptRequestSchema = z.object({
  id: Id,
  channel: z.object({
    to: z.object({ id: Id, idType: z.enum(ID_TYPES).optional() }),
    time: WireTime,
  }),
  status: z.enum(INBOUND_RECEIPT_STATUSES),
  reasons: z
    .array(z.object({ code: z.enum(RECEIPT_REASON_CODES).optional(), message: z.string().min(1) }))
    .optional(),
  isFinalReceipt: z.boolean().optional(),
});

/** The echo channel of every inbound answer; nothing in it is relied on. */
const EchoChannelSchema = z.object({
  id: optional(z.string()),
  messageId: optional(z.string()),
  time: optional(z.string()),
});

/**
 * §3.1 `OpenMessageNormalizedMessage`. `conversationId` comes with `prefetchConversationId=true`;
 * whether it comes without is [U]. `id` is Genesys' message id.
 */
export const InboundMessageResponseSchema = z.object({
  id: optional(Id),
  conversationId: optional(Id),
  channel: optional(EchoChannelSchema),
});

/** §3.2 `OpenEventNormalizedMessage`. */
export const InboundEventResponseSchema = z.object({
  id: optional(Id),
  channel: optional(EchoChannelSchema),
  events: list(z.object({ eventType: z.string() })),
});

/** §3.3 `OpenReceiptNormalizedMessage`. */
export const InboundReceiptResponseSchema = z.object({
  id: optional(Id),
  status: optional(z.string()),
  channel: optional(EchoChannelSchema),
});
