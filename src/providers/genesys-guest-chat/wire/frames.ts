// Inbound WebSocket frames (protocol §9.1–§9.6b). Dispatch is on `metadata.type` (§9.1); heartbeats
// are recognised by `topicName: "channel.metadata"` (§9.5). The envelope is checked loosely
// (`version` and `metadata.CorrelationId` optional: nothing depends on them) and bodies strictly.
import { z } from 'zod';
import { Id, IdRef, MAX_INBOUND_BODY, capped, optional } from './optional.ts';
import { MessageBodyTypeSchema } from './message.ts';
import { MemberStateSchema } from './member.ts';

/** §9.5: the heartbeat frame's `eventBody.message`. */
export const HEARTBEAT_MESSAGE = 'WebSocket Heartbeat';
export const CHANNEL_METADATA_TOPIC = 'channel.metadata';

/** `v2.conversations.chats.<conversationId>.messages|members` (§9.1). */
const ChatTopicSchema = z.string().regex(/^v2\.conversations\.chats\.[^.]+\.(messages|members)$/);

function envelope<T extends string, B extends z.ZodType>(type: T, body: B) {
  return z.object({
    topicName: ChatTopicSchema,
    version: optional(z.string()),
    // §9.1: the spelling is `CorrelationId` (capital C and I).
    metadata: z.object({ type: z.literal(type), CorrelationId: optional(z.string()) }),
    eventBody: body,
  });
}

/** §9.2 (also carries `member-join`/`member-leave` system messages, with `body` possibly ""). */
export const MessageFrameSchema = envelope(
  'message',
  z.object({
    id: Id,
    conversation: IdRef,
    sender: IdRef,
    body: capped(MAX_INBOUND_BODY),
    bodyType: MessageBodyTypeSchema,
    timestamp: z.string(),
  }),
);

/** §9.3: no body/bodyType. */
export const TypingFrameSchema = envelope(
  'typing-indicator',
  z.object({ id: Id, conversation: IdRef, sender: IdRef, timestamp: z.string() }),
);

/** §9.4: no event id and no role. */
export const MemberChangeFrameSchema = envelope(
  'member-change',
  z.object({
    conversation: IdRef,
    member: z.object({ id: Id, state: MemberStateSchema }),
    timestamp: z.string(),
  }),
);

/** §9.5: heartbeat (and pong) frames carry no `metadata`. */
export const ChannelMetadataFrameSchema = z.object({
  topicName: z.literal(CHANNEL_METADATA_TOPIC),
  eventBody: z.object({ message: z.string() }),
});

/** Just enough of any frame to pick the schema to apply. */
export const FrameHeadSchema = z.object({
  topicName: optional(z.string()),
  metadata: optional(z.object({ type: optional(z.string()) })),
});
