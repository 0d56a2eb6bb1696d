// Raw frame text → typed event. Never throws: garbled and unknown frames are reported as ignored
// (protocol §9.6b: "clients should ignore unknown topicName/metadata.type values").
import {
  CHANNEL_METADATA_TOPIC,
  ChannelMetadataFrameSchema,
  FrameHeadSchema,
  HEARTBEAT_MESSAGE,
  MemberChangeFrameSchema,
  MessageFrameSchema,
  TypingFrameSchema,
} from '../wire/frames.ts';
import type { FrameParseResult, GuestChatEvent } from './events.ts';
import { parseProviderJson } from '../../../core/text/safe-text.ts';

export interface FrameContext {
  /** The guest member id the stream belongs to; drives the `own` flag. */
  readonly guestMemberId: string;
  /** When set, conversation events for any other conversation are ignored. */
  readonly conversationId?: string | undefined;
}

/**
 * §9.5: the heartbeat exactly as the server sends it. Every live chat gets one every 30 s — at
 * 15,000 idle chats, 500 a second and nearly all an idle gateway does — so that text is recognised
 * as it is, without JSON and schema parsing; any other spelling still goes the long way below.
 */
const HEARTBEAT_FRAME = JSON.stringify({
  topicName: CHANNEL_METADATA_TOPIC,
  eventBody: { message: HEARTBEAT_MESSAGE },
});
const HEARTBEAT: FrameParseResult = Object.freeze({ ok: true, event: Object.freeze({ kind: 'heartbeat' }) });

export function parseFrame(text: string, ctx: FrameContext): FrameParseResult {
  if (text === HEARTBEAT_FRAME) return HEARTBEAT;
  let json: unknown;
  try {
    json = parseProviderJson(text);
  } catch {
    return { ok: false, reason: 'invalid-json' };
  }
  const head = FrameHeadSchema.safeParse(json);
  if (!head.success) return { ok: false, reason: 'unknown-kind' };

  if (head.data.topicName === CHANNEL_METADATA_TOPIC) {
    const frame = ChannelMetadataFrameSchema.safeParse(json);
    if (!frame.success) return { ok: false, reason: 'schema-mismatch' };
    // Anything else on channel.metadata (e.g. "pong", §9.5) is not an event of ours.
    if (frame.data.eventBody.message !== HEARTBEAT_MESSAGE) return { ok: false, reason: 'unknown-kind' };
    return HEARTBEAT;
  }

  let event: GuestChatEvent;
  switch (head.data.metadata?.type) {
    case 'message': {
      const f = MessageFrameSchema.safeParse(json);
      if (!f.success) return { ok: false, reason: 'schema-mismatch' };
      const b = f.data.eventBody;
      event = {
        kind: 'message',
        id: b.id,
        conversationId: b.conversation.id,
        senderId: b.sender.id,
        body: b.body,
        bodyType: b.bodyType,
        timestamp: b.timestamp,
        correlationId: f.data.metadata.CorrelationId,
        own: b.sender.id === ctx.guestMemberId,
      };
      break;
    }
    case 'typing-indicator': {
      const f = TypingFrameSchema.safeParse(json);
      if (!f.success) return { ok: false, reason: 'schema-mismatch' };
      const b = f.data.eventBody;
      event = {
        kind: 'typing',
        id: b.id,
        conversationId: b.conversation.id,
        senderId: b.sender.id,
        timestamp: b.timestamp,
        correlationId: f.data.metadata.CorrelationId,
        own: b.sender.id === ctx.guestMemberId,
      };
      break;
    }
    case 'member-change': {
      const f = MemberChangeFrameSchema.safeParse(json);
      if (!f.success) return { ok: false, reason: 'schema-mismatch' };
      const b = f.data.eventBody;
      event = {
        kind: 'member-change',
        conversationId: b.conversation.id,
        memberId: b.member.id,
        state: b.member.state,
        timestamp: b.timestamp,
        correlationId: f.data.metadata.CorrelationId,
        own: b.member.id === ctx.guestMemberId,
      };
      break;
    }
    default:
      return { ok: false, reason: 'unknown-kind' };
  }
  if (ctx.conversationId !== undefined && event.conversationId !== ctx.conversationId) {
    return { ok: false, reason: 'foreign-conversation' };
  }
  return { ok: true, event };
}
