// Frames on a notification channel's WebSocket (protocol §4.6): `{topicName, version, eventBody,
// metadata}`. Heartbeats arrive on `channel.metadata` (guest-chat protocol §9.5 — the same
// notification service), `v2.system.socket_closing` announces a server-side close. Conversation
// detail event bodies (`UserEndEvent`, `CustomerEndEvent`, `AfterCallWorkEvent`, …, §4.6 [V P2]):
// `eventTime` is epoch milliseconds; we require the ids we route on.
import { z } from 'zod';
import { Id, optional } from './common.ts';

export const CHANNEL_METADATA_TOPIC = 'channel.metadata';
export const SOCKET_CLOSING_TOPIC = 'v2.system.socket_closing';
/** guest-chat protocol §9.5: the heartbeat's `eventBody.message`. */
export const HEARTBEAT_MESSAGE = 'WebSocket Heartbeat';

/** Just enough of any frame to pick the schema to apply. */
export const FrameHeadSchema = z.object({ topicName: z.string().min(1) });

export const ChannelMetadataFrameSchema = z.object({
  topicName: z.literal(CHANNEL_METADATA_TOPIC),
  eventBody: optional(z.object({ message: optional(z.string()) })),
});

// §4.6 `disconnectType` is a string: the known values (UNKNOWN, CLIENT, PEER, TRANSFER, …) are read by
// notifications/user-end.ts; unknown values are kept as strings.

/** §4.6: epoch ms. An ISO string is tolerated; anything that is not a real instant is refused. */
const EventTimeSchema = z
  .union([z.number(), z.string().transform((s) => Date.parse(s))])
  .refine((ms) => Number.isInteger(ms) && ms >= 0 && ms <= 8.64e15, 'a time (epoch ms)');

/** Fields shared by the conversation detail events we read. */
export const DetailEventBodySchema = z.object({
  eventTime: EventTimeSchema,
  conversationId: Id,
  participantId: optional(z.string()),
  sessionId: optional(z.string()),
  userId: optional(z.string()),
  queueId: optional(z.string()),
  mediaType: optional(z.string()),
  messageType: optional(z.string()),
  direction: optional(z.string()),
  disconnectType: optional(z.string()),
  interactingDurationMs: optional(z.number()),
  wrapupCode: optional(z.string()),
  wrapupNotes: optional(z.string()),
  wrapupDurationMs: optional(z.number()),
});

export const DetailEventFrameSchema = z.object({
  topicName: z.string().min(1),
  version: optional(z.string()),
  eventBody: DetailEventBodySchema,
});
