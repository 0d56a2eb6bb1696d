// Every provider edge applies the one rule (src/core/text/safe-text.ts): an agent's text with NUL or
// a lone surrogate arrives with U+FFFD in its place — accepted, never a schema failure.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFrame } from '../../src/providers/genesys-guest-chat/index.ts';
import { parseWebhookBody } from '../../src/providers/genesys-open-messaging/webhook/parse-webhook.ts';
import { UNSAFE_STRINGS, replaced } from '../support/nasty-strings.ts';

const CID = 'aa06a6fc-0000-4000-8000-000000000001';

test('guest chat frames: message bodies and ids are made safe', () => {
  for (const bad of Object.values(UNSAFE_STRINGS)) {
    const frame = {
      topicName: `v2.conversations.chats.${CID}.messages`,
      eventBody: {
        id: `msg-${bad}`,
        conversation: { id: CID },
        sender: { id: 'agent-1' },
        body: bad,
        bodyType: 'standard',
        timestamp: '2019-06-18T16:59:22.277Z',
      },
      metadata: { type: 'message' },
    };
    const r = parseFrame(JSON.stringify(frame), { guestMemberId: 'guest-1', conversationId: CID });
    assert.ok(r.ok && r.event.kind === 'message', JSON.stringify(r));
    assert.equal(r.event.body, replaced(bad));
    assert.equal(r.event.id, `msg-${replaced(bad)}`);
  }
});

test('Open Messaging webhooks: texts are made safe', () => {
  const integration = '6685901b-0000-4000-8000-000000000001';
  for (const bad of Object.values(UNSAFE_STRINGS)) {
    const r = parseWebhookBody(
      JSON.stringify({
        id: 'm-1',
        channel: {
          id: integration,
          platform: 'Open',
          type: 'Private',
          to: { id: 'cust-1', idType: 'Opaque' },
          from: { nickname: 'x', id: integration, idType: 'Opaque' },
          time: '2026-03-25T13:20:05.493Z',
          messageId: 'm-1',
        },
        type: 'Text',
        text: bad,
        originatingEntity: 'Human',
        direction: 'Outbound',
        conversationId: '1734d888-0000-4000-8000-000000000002',
      }),
    );
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.event.kind, 'message');
    assert.equal((r.event as { text?: string }).text, replaced(bad));
  }
});
