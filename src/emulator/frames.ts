// Server→client event-stream frames, exactly as §9 describes them: one JSON object per text frame,
// envelope {topicName, version:"2", eventBody, metadata:{CorrelationId, type}} (§9.1; note the
// capitalised `CorrelationId`), heartbeat/pong frames on `channel.metadata` without metadata (§9.5).
import { randomUUID } from 'node:crypto';
import type { BodyType, MemberState } from './model.ts';

interface IdRef {
  readonly id: string;
}

export interface MessageFrame {
  readonly topicName: string;
  readonly version: '2';
  readonly eventBody: {
    readonly id: string;
    readonly conversation: IdRef;
    readonly sender: IdRef;
    readonly body: string;
    readonly bodyType: BodyType;
    readonly timestamp: string;
  };
  readonly metadata: { readonly CorrelationId: string; readonly type: 'message' };
}

export interface TypingFrame {
  readonly topicName: string;
  readonly version: '2';
  readonly eventBody: {
    readonly id: string;
    readonly conversation: IdRef;
    readonly sender: IdRef;
    readonly timestamp: string;
  };
  readonly metadata: { readonly CorrelationId: string; readonly type: 'typing-indicator' };
}

export interface MemberChangeFrame {
  readonly topicName: string;
  readonly version: '2';
  readonly eventBody: {
    readonly conversation: IdRef;
    readonly member: { readonly id: string; readonly state: MemberState };
    readonly timestamp: string;
  };
  readonly metadata: { readonly CorrelationId: string; readonly type: 'member-change' };
}

export interface MetadataFrame {
  readonly topicName: 'channel.metadata';
  readonly eventBody: { readonly message: string };
}

export type ConversationFrame = MessageFrame | TypingFrame | MemberChangeFrame;
export type Frame = ConversationFrame | MetadataFrame;

const messagesTopic = (conversationId: string): string => `v2.conversations.chats.${conversationId}.messages`;
const membersTopic = (conversationId: string): string => `v2.conversations.chats.${conversationId}.members`;

/** §9.2 — also used for member-join / member-leave system messages (same shape, other bodyType). */
export function messageFrame(
  conversationId: string,
  message: { id: string; senderId: string; body: string; bodyType: BodyType; timestamp: string },
): MessageFrame {
  return {
    topicName: messagesTopic(conversationId),
    version: '2',
    eventBody: {
      id: message.id,
      conversation: { id: conversationId },
      sender: { id: message.senderId },
      body: message.body,
      bodyType: message.bodyType,
      timestamp: message.timestamp,
    },
    metadata: { CorrelationId: randomUUID(), type: 'message' },
  };
}

/** §9.3 — no body/bodyType; the event id lets clients guard against re-delivery (§6.10). */
export function typingFrame(
  conversationId: string,
  typing: { id: string; senderId: string; timestamp: string },
): TypingFrame {
  return {
    topicName: messagesTopic(conversationId),
    version: '2',
    eventBody: {
      id: typing.id,
      conversation: { id: conversationId },
      sender: { id: typing.senderId },
      timestamp: typing.timestamp,
    },
    metadata: { CorrelationId: randomUUID(), type: 'typing-indicator' },
  };
}

/** §9.4 — no event id and no role: clients resolve the member with GET member. */
export function memberChangeFrame(
  conversationId: string,
  member: { id: string; state: MemberState },
  timestamp: string,
): MemberChangeFrame {
  return {
    topicName: membersTopic(conversationId),
    version: '2',
    eventBody: {
      conversation: { id: conversationId },
      member: { id: member.id, state: member.state },
      timestamp,
    },
    metadata: { CorrelationId: randomUUID(), type: 'member-change' },
  };
}

/** §9.5 heartbeat. */
export const heartbeatFrame = (): MetadataFrame => ({
  topicName: 'channel.metadata',
  eventBody: { message: 'WebSocket Heartbeat' },
});

/** §9.5 answer to a client's `{"message":"ping"}` (notification-service behaviour, harmless here). */
export const pongFrame = (): MetadataFrame => ({
  topicName: 'channel.metadata',
  eventBody: { message: 'pong' },
});
