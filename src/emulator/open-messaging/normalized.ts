// The "normalized message" shapes of Open Messaging (OM doc §3–§4): the answers of the inbound
// endpoints (`OpenMessageNormalizedMessage`, `OpenEventNormalizedMessage`,
// `OpenReceiptNormalizedMessage`) and the channel block they share with the outbound webhook.
import type { Attachment } from '../model.ts';
import type { InboundEvent, InboundMessage, InboundReceipt } from './inbound-schemas.ts';

type From = InboundMessage['channel']['from'];

/** Optional fields are omitted, never null. */
function recipient(from: From): Record<string, string> {
  const out: Record<string, string> = { id: from.id, idType: from.idType };
  for (const field of ['nickname', 'firstName', 'lastName', 'image', 'email'] as const) {
    const value = from[field];
    if (value !== undefined && value !== null) out[field] = value;
  }
  return out;
}

/** The channel of a message the customer sent (an inbound answer). */
function inboundChannel(
  integrationId: string,
  from: From,
  time: string,
  extra: { messageId?: string | undefined; metadata?: unknown } = {},
): Record<string, unknown> {
  return {
    id: integrationId,
    platform: 'Open',
    type: 'Private',
    ...(extra.messageId !== undefined ? { messageId: extra.messageId } : {}),
    to: { id: integrationId },
    from: recipient(from),
    time,
    ...(extra.metadata !== undefined ? { metadata: extra.metadata } : {}),
  };
}

/**
 * §4.1: the channel of a message Genesys sends: `from` is the integration (no agent identity), `to` is
 * the customer's `from.id` with idType Opaque (as in the 2026 capture), `messageId` equals `id`.
 */
export function outboundChannel(
  integration: { id: string; name: string },
  customerAddress: string,
  messageId: string,
  time: string,
): Record<string, unknown> {
  return {
    id: integration.id,
    platform: 'Open',
    type: 'Private',
    to: { id: customerAddress, idType: 'Opaque' },
    from: { nickname: integration.name, id: integration.id, idType: 'Opaque' },
    metadata: { subType: 'None' },
    time,
    messageId,
  };
}

/** §3.1 / §4.1: attachments as `content[]` entries; `text` of an attachment is never sent outbound. */
export function attachmentContent(attachments: readonly Attachment[]): Record<string, unknown>[] {
  return attachments.map((a) => ({
    contentType: 'Attachment',
    attachment: {
      id: a.id,
      mediaType: a.mediaType,
      url: a.url,
      mime: a.mime,
      ...(a.filename !== undefined ? { filename: a.filename } : {}),
      ...(a.contentSizeBytes !== undefined ? { contentSizeBytes: a.contentSizeBytes } : {}),
      ...(a.sha256 !== undefined ? { sha256: a.sha256 } : {}),
    },
  }));
}

/** §3.1 answer. `conversationId` only when asked for with prefetchConversationId (§10.2 [U]). */
export function inboundMessageAnswer(
  integrationId: string,
  messageId: string,
  body: InboundMessage,
  attachments: readonly Attachment[],
  conversationId: string | undefined,
): Record<string, unknown> {
  return {
    id: messageId,
    channel: inboundChannel(integrationId, body.channel.from, body.channel.time, {
      messageId: body.channel.messageId,
      metadata: body.channel.metadata,
    }),
    type: 'Text',
    ...(body.text !== undefined && body.text !== '' ? { text: body.text } : {}),
    ...(attachments.length > 0 ? { content: attachmentContent(attachments) } : {}),
    ...(body.metadata !== undefined ? { metadata: body.metadata } : {}),
    ...(conversationId !== undefined ? { conversationId } : {}),
  };
}

/** §3.2 answer. */
export function inboundEventAnswer(
  integrationId: string,
  eventId: string,
  body: InboundEvent,
): Record<string, unknown> {
  return {
    id: eventId,
    channel: inboundChannel(integrationId, body.channel.from, body.channel.time),
    type: 'Event',
    events: body.events.map((e) => ({
      eventType: e.eventType,
      ...(e.typing !== undefined ? { typing: e.typing } : {}),
    })),
  };
}

/** §3.3 answer: the receipt as Genesys recorded it, `direction: "Outbound"` (it concerns an outbound message). */
export function inboundReceiptAnswer(integrationId: string, body: InboundReceipt): Record<string, unknown> {
  return {
    id: body.id,
    channel: {
      id: integrationId,
      platform: 'Open',
      type: 'Private',
      to: {
        id: body.channel.to.id,
        ...(body.channel.to.idType !== undefined ? { idType: body.channel.to.idType } : {}),
      },
      from: { id: integrationId, idType: 'Opaque' },
      time: body.channel.time,
    },
    type: 'Receipt',
    status: body.status,
    ...(body.reasons !== undefined ? { reasons: body.reasons } : {}),
    ...(body.isFinalReceipt !== undefined ? { isFinalReceipt: body.isFinalReceipt } : {}),
    direction: 'Outbound',
  };
}
