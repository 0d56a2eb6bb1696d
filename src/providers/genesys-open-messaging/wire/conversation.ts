// `GET /api/v2/conversations/messages/{conversationId}` → `MessageConversation` (protocol §5, §4.6):
// the truth about who is in the conversation. Participants need `id` and `purpose` (how we find the
// customer to disconnect, §5, and the agent to name, §4.6); the rest is optional.
import { z } from 'zod';
import { EntityRefSchema, Id, list, optional, StringMapSchema } from './common.ts';

/** SDK `MessageMedia`: a file on a message; `mediaType` is a MIME type here. */
export const MessageMediaSchema = z.object({
  id: optional(z.string()),
  url: optional(z.string()),
  mediaType: optional(z.string()),
  contentLengthBytes: optional(z.number()),
  name: optional(z.string()),
});

/**
 * SDK `MessageDetails`: one message the participant sent — id, time, status and files, never the text
 * (the bulk call reads texts, wire/message-data.ts).
 */
export const MessageDetailsSchema = z.object({
  messageId: optional(z.string()),
  messageTime: optional(z.string()),
  messageStatus: optional(z.string()),
  media: list(MessageMediaSchema),
});
export type MessageDetails = z.output<typeof MessageDetailsSchema>;

/** `alerting`, `connected`, `disconnected`, `terminated`, … Unknown values are kept as strings. */
export const ParticipantSchema = z.object({
  id: Id,
  purpose: z.string().min(1),
  state: optional(z.string()),
  name: optional(z.string()),
  direction: optional(z.string()),
  disconnectType: optional(z.string()),
  startTime: optional(z.string()),
  connectedTime: optional(z.string()),
  endTime: optional(z.string()),
  startAcwTime: optional(z.string()),
  endAcwTime: optional(z.string()),
  wrapupRequired: optional(z.boolean()),
  user: optional(EntityRefSchema),
  queue: optional(EntityRefSchema),
  // §6: custom attributes of the first inbound message end up here on the customer participant.
  attributes: optional(StringMapSchema).transform((v) => v ?? {}),
  messages: list(MessageDetailsSchema),
});
export type Participant = z.output<typeof ParticipantSchema>;

export const MessageConversationSchema = z.object({
  id: Id,
  participants: list(ParticipantSchema),
});
export type MessageConversation = z.output<typeof MessageConversationSchema>;

/** `PATCH …/participants/{id}/attributes` answer (`ParticipantAttributes`, §6). */
export const ParticipantAttributesSchema = z.object({
  attributes: optional(StringMapSchema).transform((v) => v ?? {}),
});
export type ParticipantAttributes = z.output<typeof ParticipantAttributesSchema>;
