// Webhook body → typed event (protocol §4.1–§4.3). Never throws. Dispatch is on `type`; typing is a
// `type:"Event"` with an `events[].eventType:"Typing"` — never "anything without text" (the
// Microsoft sample's rule, §4.2, takes attachment-only messages for typing).
import { WebhookMessageSchema, type WebhookMessage } from '../wire/webhook-message.ts';
import type { MessageOrigin, WebhookAttachment, WebhookEvent } from './events.ts';
import { parseProviderJson } from '../../../core/text/safe-text.ts';

export type WebhookParseResult =
  | { readonly ok: true; readonly event: WebhookEvent }
  | {
      readonly ok: false;
      readonly reason: 'invalid-json' | 'schema-mismatch';
      readonly issues: readonly string[];
    };

export function parseWebhookBody(text: string): WebhookParseResult {
  let json: unknown;
  try {
    json = parseProviderJson(text);
  } catch {
    return { ok: false, reason: 'invalid-json', issues: ['body is not JSON'] };
  }
  const parsed = WebhookMessageSchema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      reason: 'schema-mismatch',
      // Paths and zod's messages only: never the values (message texts, ids of customers).
      issues: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    };
  }
  return { ok: true, event: toEvent(parsed.data) };
}

function toEvent(m: WebhookMessage): WebhookEvent {
  const base = {
    id: m.id,
    conversationId: m.conversationId,
    customerId: m.channel.to.id,
    integrationId: m.channel.id,
    at: m.channel.time,
    dedupeKey: `${m.id}/${m.type}/${m.status ?? ''}`,
  };
  const unsupported = (detail: string): WebhookEvent => ({
    ...base,
    kind: 'unsupported',
    type: m.type,
    detail,
  });
  switch (m.type) {
    case 'Receipt':
      return {
        ...base,
        kind: 'receipt',
        status: m.status ?? 'unknown',
        reasons: m.reasons.map((r) => ({ code: r.code, message: r.message })),
        isFinalReceipt: m.isFinalReceipt,
        direction: m.direction,
      };
    case 'Event': {
      const typing = m.events.find((e) => e.eventType === 'Typing');
      if (typing === undefined)
        return unsupported(`event types: ${m.events.map((e) => e.eventType).join(',')}`);
      return {
        ...base,
        kind: 'typing',
        origin: origin(m),
        durationMs: typing.typing?.duration,
        direction: m.direction,
      };
    }
    case 'Text':
    case 'Structured': {
      // Only Genesys → customer messages are ours to deliver; anything else would be an echo.
      if (m.direction !== undefined && m.direction !== 'Outbound')
        return unsupported(`direction ${m.direction}`);
      const attachments: WebhookAttachment[] = [];
      const otherContent: string[] = [];
      for (const c of m.content) {
        if (c.contentType === 'Attachment' && c.attachment !== undefined) {
          const a = c.attachment;
          attachments.push({
            id: a.id,
            mediaType: a.mediaType,
            url: a.url,
            mime: a.mime,
            filename: a.filename,
            sizeBytes: a.contentSizeBytes,
          });
        } else {
          otherContent.push(c.contentType);
        }
      }
      const text = m.text === '' ? undefined : m.text;
      if (text === undefined && attachments.length === 0 && otherContent.length === 0) {
        return unsupported('a message without text or content');
      }
      return {
        ...base,
        kind: 'message',
        origin: origin(m),
        text,
        attachments,
        otherContent,
        structured: m.type === 'Structured',
      };
    }
  }
}

function origin(m: WebhookMessage): MessageOrigin {
  if (m.originatingEntity === 'Human') return 'human';
  if (m.originatingEntity === 'Bot') return 'bot';
  return 'unknown';
}
