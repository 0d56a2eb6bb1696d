// Bad input to every platform route of the Open Messaging side: a clear ErrorBody (§1.4) with
// contextId = inin-correlation-id, nothing changed, never a 500 — and the emulator keeps serving.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { agentApi, http, startTestEmulator } from './helpers.ts';
import {
  accessToken,
  assertErrorBody,
  createIntegration,
  inboundMessage,
  inboundPath,
  INTEGRATIONS,
  integrationBody,
  platform,
  sendInbound,
} from './platform-helpers.ts';

let emulator: RunningEmulator;
let token: string;
before(async () => {
  emulator = await startTestEmulator({ integrationProvisioningMs: 0 });
  token = await accessToken(emulator);
});
after(() => emulator.close());

async function integrationCount(): Promise<number> {
  return ((await platform(emulator, token, 'GET', INTEGRATIONS)).body as { total: number }).total;
}

test('integrations: malformed JSON, non-object bodies, missing and mistyped fields', async () => {
  const before = await integrationCount();
  const raw = async (text: string): Promise<void> => {
    const result = await http(emulator, 'POST', INTEGRATIONS, {
      raw: text,
      headers: { authorization: `Bearer ${token}` },
    });
    assertErrorBody(result, 400, 'bad.request');
  };
  await raw('{"name":');
  await raw('[1,2]');
  await raw('"text"');
  await raw('');
  const cases: [Record<string, unknown>, string][] = [
    [{ name: undefined }, 'name'],
    [{ name: '   ' }, 'name'],
    [{ name: 42 }, 'name'],
    [{ outboundNotificationWebhookUrl: undefined }, 'outboundNotificationWebhookUrl'],
    [{ outboundNotificationWebhookUrl: 'not a url' }, 'outboundNotificationWebhookUrl'],
    [{ outboundNotificationWebhookUrl: 'ftp://example.com/x' }, 'outboundNotificationWebhookUrl'],
    [
      { outboundNotificationWebhookSignatureSecretToken: undefined },
      'outboundNotificationWebhookSignatureSecretToken',
    ],
    [
      { outboundNotificationWebhookSignatureSecretToken: 'short' },
      'outboundNotificationWebhookSignatureSecretToken',
    ],
    [{ webhookHeaders: { 'X-Key': 1 } }, 'webhookHeaders.X-Key'],
    [{ webhookHeaders: { 'bad header': 'v' } }, 'webhookHeaders.bad header'],
    [{ webhookHeaders: { 'X-Hub-Signature-256': 'forged' } }, 'webhookHeaders.X-Hub-Signature-256'],
    [{ supportedContent: { name: 'x' } }, 'supportedContent.id'],
  ];
  for (const [overrides, field] of cases) {
    const body = JSON.parse(JSON.stringify(integrationBody(overrides))) as unknown;
    const error = assertErrorBody(
      await platform(emulator, token, 'POST', INTEGRATIONS, body),
      400,
      'bad.request',
    );
    assert.deepEqual(error.details, [{ fieldName: field }], JSON.stringify(error));
  }
  const form = await http(emulator, 'POST', INTEGRATIONS, {
    raw: 'name=x',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
  });
  assertErrorBody(form, 415, 'unsupported.media.type');
  assert.equal(await integrationCount(), before);
});

test('integrations: unknown ids are 404; PATCH without a name is refused and changes nothing', async () => {
  assertErrorBody(await platform(emulator, token, 'GET', `${INTEGRATIONS}/nope`), 404, 'not.found');
  assertErrorBody(
    await platform(emulator, token, 'PATCH', `${INTEGRATIONS}/nope`, { name: 'x' }),
    404,
    'not.found',
  );
  assertErrorBody(await platform(emulator, token, 'DELETE', `${INTEGRATIONS}/nope`), 404, 'not.found');
  const { id } = await createIntegration(emulator, token);
  const patched = await platform(emulator, token, 'PATCH', `${INTEGRATIONS}/${id}`, {
    outboundNotificationWebhookUrl: 'http://127.0.0.1:9/changed',
  });
  assertErrorBody(patched, 400, 'bad.request');
  const got = await platform(emulator, token, 'GET', `${INTEGRATIONS}/${id}`);
  assert.equal(
    (got.body as { outboundNotificationWebhookUrl: string }).outboundNotificationWebhookUrl,
    'http://127.0.0.1:9/webhook',
  );
});

test('integrations: bad query values are 400 invalid.query.param.value', async () => {
  for (const query of ['pageSize=0', 'pageSize=501', 'pageNumber=abc']) {
    assertErrorBody(
      await platform(emulator, token, 'GET', `${INTEGRATIONS}?${query}`),
      400,
      'invalid.query.param.value',
    );
  }
});

async function conversationCount(): Promise<number> {
  return ((await agentApi(emulator, 'GET', '/healthz')).body as { conversations: number }).conversations;
}

/** Deep copy of `base` with `path` set to `value` (`undefined` deletes it). */
function withField(base: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(base)) as Record<string, any>;
  const keys = path.split('.');
  const last = keys.pop()!;
  let target = copy;
  for (const key of keys) target = target[key];
  // JSON drops undefined properties: setting undefined removes the field from the sent body.
  target[last] = value;
  return copy;
}

test('inbound message: every broken field is a 400 naming it, and no conversation appears (§3.1)', async () => {
  const { id } = await createIntegration(emulator, token);
  const path = inboundPath(id, 'message');
  const base = inboundMessage('bad-input-customer', 'hello', { attributes: { a: 'b' } });
  const before = await conversationCount();
  const cases: [string, unknown, string][] = [
    ['channel', undefined, 'channel'],
    ['channel.from', undefined, 'channel.from'],
    ['channel.from.id', '', 'channel.from.id'],
    ['channel.from.idType', undefined, 'channel.from.idType'],
    ['channel.from.idType', 'Fax', 'channel.from.idType'],
    ['channel.time', undefined, 'channel.time'],
    ['channel.time', '2026-11-23 10:15', 'channel.time'],
    ['channel.time', '2026-13-45T99:00:00Z', 'channel.time'],
    ['channel.messageId', 7, 'channel.messageId'],
    ['channel.metadata', { customAttributes: { n: 1 } }, 'channel.metadata.customAttributes.n'],
    ['text', undefined, 'text'],
    ['text', 'x'.repeat(4001), 'text'],
    ['content', [{ attachment: { mediaType: 'Image', mime: 'image/png' } }], 'content.0.attachment.url'],
    [
      'content',
      [{ attachment: { mediaType: 'Picture', url: 'https://x.example/a', mime: 'image/png' } }],
      'content.0.attachment.mediaType',
    ],
    [
      'content',
      [{ attachment: { mediaType: 'Image', url: 'not a url', mime: 'image/png' } }],
      'content.0.attachment.url',
    ],
  ];
  for (const [field, value, fieldName] of cases) {
    const result = await platform(emulator, token, 'POST', path, withField(base, field, value));
    const error = assertErrorBody(result, 400, 'bad.request');
    assert.deepEqual(error.details, [{ fieldName }], `${field}: ${result.text}`);
  }
  const neither = assertErrorBody(
    await platform(emulator, token, 'POST', path, withField(base, 'text', '')),
    400,
    'bad.request',
  );
  assert.match(String(neither.message), /should have required property 'content'/);
  // §6: a nested object in root metadata is "malformed syntax".
  const nested = assertErrorBody(
    await platform(emulator, token, 'POST', path, withField(base, 'metadata', { deep: { x: '1' } })),
    400,
    'bad.request',
  );
  assert.equal(nested.message, 'The request could not be understood by the server due to malformed syntax.');
  const raw = await http(emulator, 'POST', path, {
    raw: '{"channel":',
    headers: { authorization: `Bearer ${token}` },
  });
  assertErrorBody(raw, 400, 'bad.request');
  assertErrorBody(
    await platform(emulator, token, 'POST', `${path}?prefetchConversationId=maybe`, base),
    400,
    'invalid.query.param.value',
  );
  assertErrorBody(
    await platform(emulator, token, 'POST', inboundPath('no-such-integration', 'message'), base),
    404,
    'not.found',
  );
  assert.equal(await conversationCount(), before);
});

test('inbound to an integration that is still provisioning is refused (§2 createStatus)', async () => {
  const slow = await startTestEmulator({ integrationProvisioningMs: 60_000 });
  try {
    const t = await accessToken(slow);
    const created = await platform(slow, t, 'POST', INTEGRATIONS, integrationBody());
    const id = (created.body as { id: string }).id;
    const result = await platform(slow, t, 'POST', inboundPath(id, 'message'), inboundMessage('c', 'x'));
    assert.match(String(assertErrorBody(result, 400, 'bad.request').message), /not ready/);
  } finally {
    await slow.close();
  }
});

test('inbound event and receipt: broken bodies are 400 naming the field (§3.2, §3.3)', async () => {
  const { id } = await createIntegration(emulator, token);
  const chat = await sendInbound(emulator, token, id, inboundMessage('bad-receipts', 'x'));
  const event = {
    channel: { from: { id: 'bad-receipts', idType: 'Opaque' }, time: new Date().toISOString() },
    events: [{ eventType: 'Typing' }],
  };
  const eventCases: [string, unknown, string][] = [
    ['events', undefined, 'events'],
    ['events', [], 'events'],
    ['events', [{ eventType: 'Presence' }], 'events.0.eventType'],
    ['events', [{ eventType: 'Typing', typing: { type: 'Off' } }], 'events.0.typing.type'],
    ['channel.from', undefined, 'channel.from'],
    ['channel.time', 'yesterday', 'channel.time'],
  ];
  for (const [field, value, fieldName] of eventCases) {
    const result = await platform(
      emulator,
      token,
      'POST',
      inboundPath(id, 'event'),
      withField(event, field, value),
    );
    assert.deepEqual(assertErrorBody(result, 400, 'bad.request').details, [{ fieldName }], result.text);
  }
  const receipt = {
    id: chat.id as string,
    channel: { to: { id: 'bad-receipts' }, time: new Date().toISOString() },
    status: 'Delivered',
  };
  const receiptCases: [string, unknown, string][] = [
    ['id', undefined, 'id'],
    ['status', 'Read', 'status'],
    ['status', 'Sent', 'status'],
    ['channel.to', undefined, 'channel.to'],
    ['channel.to.id', '', 'channel.to.id'],
    ['reasons', [{ message: 'x' }], 'reasons'],
    ['isFinalReceipt', 'yes', 'isFinalReceipt'],
  ];
  for (const [field, value, fieldName] of receiptCases) {
    const result = await platform(
      emulator,
      token,
      'POST',
      inboundPath(id, 'receipt'),
      withField(receipt, field, value),
    );
    assert.deepEqual(assertErrorBody(result, 400, 'bad.request').details, [{ fieldName }], result.text);
  }
  const badCode = await platform(emulator, token, 'POST', inboundPath(id, 'receipt'), {
    ...receipt,
    status: 'Failed',
    reasons: [{ code: 'Oops', message: 'x' }],
  });
  assert.deepEqual(assertErrorBody(badCode, 400, 'bad.request').details, [{ fieldName: 'reasons.0.code' }]);
  // A receipt for the customer's own message (not an agent/bot message) names no outbound message.
  assertErrorBody(
    await platform(emulator, token, 'POST', inboundPath(id, 'receipt'), receipt),
    404,
    'not.found',
  );
});

test('unknown platform routes are 404 not.found', async () => {
  assertErrorBody(await platform(emulator, token, 'GET', '/api/v2/nothing/here'), 404, 'not.found');
});
