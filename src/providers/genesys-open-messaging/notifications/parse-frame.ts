// Raw WebSocket frame → what it means (protocol §4.6). Never throws: garbled frames, unknown topics
// and bodies that do not match are reported as ignored, with a reason to count.
import {
  CHANNEL_METADATA_TOPIC,
  ChannelMetadataFrameSchema,
  DetailEventFrameSchema,
  FrameHeadSchema,
  HEARTBEAT_MESSAGE,
  SOCKET_CLOSING_TOPIC,
} from '../wire/notification-frames.ts';
import type { ConversationDetailEvent } from './events.ts';
import { parseConversationDetailTopic } from './topics.ts';
import { parseProviderJson } from '../../../core/text/safe-text.ts';

export type IgnoredFrameReason = 'invalid-json' | 'unknown-topic' | 'schema-mismatch' | 'other-metadata';

export type NotificationFrame =
  /** `channel.metadata` "WebSocket Heartbeat": the channel is alive. */
  | { readonly type: 'heartbeat' }
  /** `v2.system.socket_closing`: the service will close this socket soon — reconnect now. */
  | { readonly type: 'socket-closing' }
  | { readonly type: 'event'; readonly event: ConversationDetailEvent }
  | { readonly type: 'ignored'; readonly reason: IgnoredFrameReason; readonly topic: string | undefined };

export function parseNotificationFrame(text: string): NotificationFrame {
  let json: unknown;
  try {
    json = parseProviderJson(text);
  } catch {
    return { type: 'ignored', reason: 'invalid-json', topic: undefined };
  }
  const head = FrameHeadSchema.safeParse(json);
  if (!head.success) return { type: 'ignored', reason: 'unknown-topic', topic: undefined };
  const topic = head.data.topicName;

  if (topic === CHANNEL_METADATA_TOPIC) {
    const frame = ChannelMetadataFrameSchema.safeParse(json);
    // "pong" and other channel.metadata frames still prove the socket alive, but are not heartbeats.
    if (frame.success && frame.data.eventBody?.message === HEARTBEAT_MESSAGE) return { type: 'heartbeat' };
    return { type: 'ignored', reason: 'other-metadata', topic };
  }
  if (topic === SOCKET_CLOSING_TOPIC) return { type: 'socket-closing' };

  const detail = parseConversationDetailTopic(topic);
  if (detail === undefined) return { type: 'ignored', reason: 'unknown-topic', topic };
  const frame = DetailEventFrameSchema.safeParse(json);
  if (!frame.success) return { type: 'ignored', reason: 'schema-mismatch', topic };
  const b = frame.data.eventBody;
  // The topic names the conversation; a body about another one is not trusted.
  if (b.conversationId !== detail.conversationId)
    return { type: 'ignored', reason: 'schema-mismatch', topic };

  const base = {
    topic,
    conversationId: b.conversationId,
    participantId: b.participantId,
    userId: b.userId,
    queueId: b.queueId,
    at: new Date(b.eventTime).toISOString(),
    eventTimeMs: b.eventTime,
  };
  let event: ConversationDetailEvent;
  switch (detail.kind) {
    case 'user.start':
      event = { ...base, kind: 'user.start' };
      break;
    case 'user.end':
      event = {
        ...base,
        kind: 'user.end',
        disconnectType: b.disconnectType,
        interactingDurationMs: b.interactingDurationMs,
      };
      break;
    case 'customer.end':
      event = { ...base, kind: 'customer.end', disconnectType: b.disconnectType };
      break;
    case 'acw':
      event = { ...base, kind: 'acw', wrapupCode: b.wrapupCode, wrapupDurationMs: b.wrapupDurationMs };
      break;
  }
  return { type: 'event', event };
}
