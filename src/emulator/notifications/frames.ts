// Frames on a notification WebSocket (OM doc §4.6): events `{topicName, version:"2", eventBody,
// metadata:{CorrelationId}}` (same envelope as the guest stream), `channel.metadata` heartbeats and
// pongs (shared with the guest stream, frames.ts), and `v2.system.socket_closing` before the server
// closes the socket (SDK `SystemMessageSystemMessage`: channelId, systemTopicType, reason, message…).
import { randomUUID } from 'node:crypto';

export interface EventFrame {
  readonly topicName: string;
  readonly version: '2';
  readonly eventBody: unknown;
  readonly metadata: { readonly CorrelationId: string };
}

export interface SocketClosingFrame {
  readonly topicName: 'v2.system.socket_closing';
  readonly version: '2';
  readonly eventBody: {
    readonly channelId: string;
    readonly correlationId: string;
    readonly message: string;
  };
}

export type NotificationFrame = EventFrame | SocketClosingFrame;

export const SOCKET_CLOSING_TOPIC = 'v2.system.socket_closing';

export function eventFrame(topicName: string, eventBody: unknown): EventFrame {
  return { topicName, version: '2', eventBody, metadata: { CorrelationId: randomUUID() } };
}

export function socketClosingFrame(channelId: string): SocketClosingFrame {
  return {
    topicName: SOCKET_CLOSING_TOPIC,
    version: '2',
    eventBody: { channelId, correlationId: randomUUID(), message: 'The socket will be closed' },
  };
}
