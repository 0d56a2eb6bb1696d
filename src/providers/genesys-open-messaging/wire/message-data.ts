// `POST /api/v2/conversations/messages/{conversationId}/messages/bulk` → `TextMessageListing
// {entities: MessageData[]}` (SDK 262 `postConversationsMessageMessagesBulk`): the texts behind the
// message ids a conversation read lists per participant (§5: `participants[].messages[]` carries ids,
// times and media, never the text). Only what the gateway reads is required (`id`); `direction` is
// `inbound|outbound` here (lower case, SDK MessageData) but `Inbound|Outbound` inside
// `normalizedMessage` (§4.1) — both are compared case-insensitively by the reader.
import { z } from 'zod';
import { Id, list, optional, MAX_INBOUND_TEXT, capped } from './common.ts';

/** SDK `ConversationContentAttachment` (§3.1 / §4.1 shape). */
export const ContentAttachmentSchema = z.object({
  id: optional(z.string()),
  mediaType: z.string().min(1),
  url: optional(z.string()),
  mime: optional(z.string()),
  filename: optional(capped(255)),
  contentSizeBytes: optional(z.number()),
});

/** SDK `ConversationNormalizedMessage`: the message as the channel sees it. */
export const NormalizedMessageSchema = z.object({
  id: optional(z.string()),
  /** `Text`, `Structured`, `Receipt`, `Event`. */
  type: z.string().min(1),
  text: optional(capped(MAX_INBOUND_TEXT)),
  content: list(z.object({ contentType: z.string().min(1), attachment: optional(ContentAttachmentSchema) })),
  /** `Human` (an agent) | `Bot` (a flow's Send Response, §6); absent on the customer's messages. */
  originatingEntity: optional(z.string()),
  direction: optional(z.string()),
});

/** SDK `MessageData`. */
export const MessageDataSchema = z.object({
  id: Id,
  /** When it was sent or received (ISO); required by the SDK, tolerated absent. */
  timestamp: optional(z.string()),
  /** `inbound` (the customer's) | `outbound` (agent, flow). */
  direction: optional(z.string()),
  /** `queued`, `sent`, `failed`, `received`, `delivery-success`, `delivery-failed`, `read`. */
  status: optional(z.string()),
  /** Deprecated in favour of `normalizedMessage.text`; read when that is absent. */
  textBody: optional(capped(MAX_INBOUND_TEXT)),
  normalizedMessage: optional(NormalizedMessageSchema),
  /** The agent who wrote it (SDK `User`). */
  createdBy: optional(z.object({ id: optional(z.string()) })),
  conversationId: optional(z.string()),
});
export type MessageData = z.output<typeof MessageDataSchema>;

export const TextMessageListingSchema = z.object({ entities: list(MessageDataSchema) });

/** The SDK's documented maximum of message ids per bulk request. */
export const MAX_BULK_MESSAGE_IDS = 1000;
