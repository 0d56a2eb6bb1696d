import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseWebhookBody } from '../../../src/providers/genesys-open-messaging/webhook/parse-webhook.ts';

const INTEGRATION = '6685901b-0000-4000-8000-000000000001';
const CONVERSATION = '1734d888-0000-4000-8000-000000000002';

function channel(extra: Record<string, unknown> = {}) {
  return {
    id: INTEGRATION,
    platform: 'Open',
    type: 'Private',
    to: { id: 'cust-1', idType: 'Opaque' },
    from: { nickname: 'Sinch Messaging', id: INTEGRATION, idType: 'Opaque' },
    metadata: { subType: 'None' },
    time: '2026-03-25T13:20:05.493Z',
    messageId: 'm-1',
    ...extra,
  };
}

const parse = (body: unknown) => parseWebhookBody(JSON.stringify(body));

function event(body: unknown) {
  const r = parse(body);
  assert.ok(r.ok, JSON.stringify(r));
  return r.event;
}

describe('webhook envelope (§4.1–§4.3)', () => {
  test('agent text: ids, customer, origin human, unknown extra fields tolerated', () => {
    const e = event({
      id: 'm-1',
      channel: channel(),
      type: 'Text',
      text: 'Hello World',
      content: [],
      originatingEntity: 'Human',
      direction: 'Outbound',
      conversationId: CONVERSATION,
      somethingNew: { nested: true },
      messageMetadata: {},
    });
    assert.deepEqual(e, {
      id: 'm-1',
      conversationId: CONVERSATION,
      customerId: 'cust-1',
      integrationId: INTEGRATION,
      at: '2026-03-25T13:20:05.493Z',
      dedupeKey: 'm-1/Text/',
      kind: 'message',
      origin: 'human',
      text: 'Hello World',
      attachments: [],
      otherContent: [],
      structured: false,
    });
  });

  test('the 2026 attachment capture: no text, one image attachment', () => {
    const e = event({
      id: '8085cbb3f778c34de0bd14c5318ec44c',
      channel: channel(),
      type: 'Text',
      content: [
        {
          contentType: 'Attachment',
          attachment: {
            id: '9ff268ef',
            mediaType: 'Image',
            url: 'https://api-downloads.mypurecloud.ie/api/v2/downloads/pce9ac7dc17eab202a3',
            mime: 'image/png',
            filename: 'Header_Genesys.png',
            contentSizeBytes: 2444,
          },
        },
      ],
      originatingEntity: 'Human',
      direction: 'Outbound',
      conversationId: CONVERSATION,
    });
    assert.ok(e.kind === 'message');
    assert.equal(e.text, undefined);
    assert.deepEqual(e.attachments, [
      {
        id: '9ff268ef',
        mediaType: 'Image',
        url: 'https://api-downloads.mypurecloud.ie/api/v2/downloads/pce9ac7dc17eab202a3',
        mime: 'image/png',
        filename: 'Header_Genesys.png',
        sizeBytes: 2444,
      },
    ]);
  });

  test('Bot Send Response: originatingEntity Bot', () => {
    const e = event({
      id: 'm-2',
      channel: channel(),
      type: 'Text',
      text: 'You are number 3 in the queue',
      originatingEntity: 'Bot',
      direction: 'Outbound',
    });
    assert.ok(e.kind === 'message');
    assert.equal(e.origin, 'bot');
    assert.equal(e.conversationId, undefined);
  });

  test('Structured: text plus content kinds we do not render', () => {
    const e = event({
      id: 'm-3',
      channel: channel(),
      type: 'Structured',
      text: 'Pick one',
      content: [{ contentType: 'QuickReply', quickReply: { text: 'Yes', payload: 'y' } }],
      originatingEntity: 'Human',
      direction: 'Outbound',
    });
    assert.ok(e.kind === 'message');
    assert.equal(e.structured, true);
    assert.deepEqual(e.otherContent, ['QuickReply']);
  });

  test('typing: an Event with Typing and its duration (§4.2); no originatingEntity needed', () => {
    const e = event({
      id: 'm-4',
      channel: channel({ to: { id: 'cust-1' } }),
      type: 'Event',
      events: [{ eventType: 'Typing', typing: { type: 'On', duration: 5000 } }],
      direction: 'Outbound',
    });
    assert.ok(e.kind === 'typing');
    assert.equal(e.durationMs, 5000);
    assert.equal(e.origin, 'unknown');
  });

  test('an Event without Typing is unsupported, not an error', () => {
    const e = event({ id: 'm-5', channel: channel(), type: 'Event', events: [{ eventType: 'Presence' }] });
    assert.equal(e.kind, 'unsupported');
  });

  test('receipts: status, reasons, final flag, inbound direction; dedupe key includes the status', () => {
    const delivered = event({
      id: 'm-1',
      channel: channel({ metadata: { customAttributes: { hg: '1' } } }),
      type: 'Receipt',
      status: 'Delivered',
      direction: 'Inbound',
      isFinalReceipt: true,
      metadata: { 'gum-correlationId': 'c', type: 'delivery' },
    });
    assert.ok(delivered.kind === 'receipt');
    assert.equal(delivered.status, 'Delivered');
    assert.equal(delivered.isFinalReceipt, true);
    const failed = event({
      id: 'm-1',
      channel: channel(),
      type: 'Receipt',
      status: 'Failed',
      reasons: [{ code: 'RateLimited', message: 'slow down' }],
    });
    assert.ok(failed.kind === 'receipt');
    assert.deepEqual(failed.reasons, [{ code: 'RateLimited', message: 'slow down' }]);
    assert.notEqual(failed.dedupeKey, delivered.dedupeKey);
  });

  test('an inbound Text (echo) is unsupported', () => {
    const e = event({ id: 'm-6', channel: channel(), type: 'Text', text: 'x', direction: 'Inbound' });
    assert.equal(e.kind, 'unsupported');
  });

  test('null optional fields are accepted (Java service)', () => {
    const e = event({
      id: 'm-7',
      channel: channel({ metadata: null, from: null }),
      type: 'Text',
      text: 'ok',
      content: null,
      conversationId: null,
      originatingEntity: 'Human',
    });
    assert.ok(e.kind === 'message');
  });

  test('garbage: not JSON, wrong shapes, missing what we rely on — reported with paths, never values', () => {
    const notJson = parseWebhookBody('{"id":');
    assert.deepEqual(notJson, { ok: false, reason: 'invalid-json', issues: ['body is not JSON'] });
    for (const body of [
      null,
      [],
      'text',
      {},
      { id: 'm', type: 'Text', text: 'secret words' }, // no channel
      { id: 'm', type: 'Text', channel: { time: 't' } }, // no channel.to.id
      { id: 'm', type: 'Text', channel: { to: { id: 'c' } } }, // no time
      { id: '', type: 'Text', channel: channel() }, // empty id
      { id: 'm', type: 'Carrier-Pigeon', channel: channel() }, // unknown type
    ]) {
      const r = parse(body);
      assert.ok(!r.ok, JSON.stringify(body));
      assert.equal(r.reason, 'schema-mismatch');
      assert.ok(!r.issues.join(' ').includes('secret words'));
    }
  });
});
