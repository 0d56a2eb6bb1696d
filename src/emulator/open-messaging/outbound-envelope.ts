// What Genesys posts to the integration's webhook (OM doc §4.1, §4.2): the "Outbound Open Normalized
// Message" envelope — root `conversationId`, `from` = the integration (never the agent), `to` = the
// customer's `from.id`, `originatingEntity` Human (agent) or Bot (flow), attachments as `content[]`
// without `text`.
import { randomUUID } from 'node:crypto';
import type { ChatMessage } from '../model.ts';
import { attachmentContent, outboundChannel } from './normalized.ts';

export interface EnvelopeTarget {
  readonly integration: { readonly id: string; readonly name: string };
  /** The customer's `channel.from.id`. */
  readonly customerAddress: string;
  readonly conversationId: string;
}

export type OriginatingEntity = 'Human' | 'Bot';

/** §4.1: a text and/or attachment message. `text` is absent for attachment-only messages. */
export function messageEnvelope(
  target: EnvelopeTarget,
  message: ChatMessage,
  originatingEntity: OriginatingEntity,
): Record<string, unknown> {
  const attachments = message.attachments ?? [];
  return {
    id: message.id,
    channel: outboundChannel(target.integration, target.customerAddress, message.id, message.timestamp),
    type: 'Text',
    ...(message.body !== '' ? { text: message.body } : {}),
    ...(attachments.length > 0 ? { content: attachmentContent(attachments) } : {}),
    originatingEntity,
    direction: 'Outbound',
    conversationId: target.conversationId,
  };
}

/**
 * §4.2: typing is `type:"Event"` with `typing:{type:"On", duration}` (ms; there is no "off"). The
 * captured typing call carries neither `conversationId` nor `originatingEntity`; the emulator follows it.
 */
export function typingEnvelope(
  target: EnvelopeTarget,
  time: string,
  durationMs: number,
): Record<string, unknown> {
  const id = randomUUID();
  return {
    id,
    channel: outboundChannel(target.integration, target.customerAddress, id, time),
    type: 'Event',
    events: [{ eventType: 'Typing', typing: { type: 'On', duration: durationMs } }],
    direction: 'Outbound',
  };
}
