// `GET /api/v2/conversations/messages/{conversationId}` → `MessageConversation` (protocol §5, §4.6):
// the truth about who is in the conversation. Participants need `id` and `purpose` (how we find the
// customer to disconnect, §5, and the agent to name, §4.6); the rest is optional.
import { z } from 'zod';
import { EntityRefSchema, Id, list, optional, StringMapSchema } from './common.ts';

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
