// The outbound webhook (OM doc §4): the exact envelope of §4.1/§4.2, the X-Hub-Signature-256 of §4.4
// verified independently by a real receiver, webhookHeaders, retries on timeout/429/5xx (§4.5) and the
// duplicate / delay / reorder faults.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { hubSignature } from '../../src/emulator/open-messaging/signature.ts';
import { waitFor } from '../support/wait-for.ts';
import { agentApi, UUID } from './helpers.ts';
import { OmWebhookReceiver, verifyHubSignature } from './om-webhook-receiver.ts';
import {
  createIntegration,
  inboundMessage,
  INTEGRATIONS,
  platform,
  sendInbound,
  startOpenMessaging,
} from './platform-helpers.ts';

const SECRET = 'webhook-secret-0123456789';
let emulator: RunningEmulator;
let receiver: OmWebhookReceiver;
let token: string;
let integrationId: string;

before(async () => {
  receiver = await new OmWebhookReceiver(SECRET).start();
  ({ emulator, token, integrationId } = await startOpenMessaging(
    {
      webhookTimeoutMs: 300,
      webhookRetryDelayMs: 10,
      typingDurationMs: 4000,
      architect: { responses: ['You are in the queue.'] },
    },
    {
      name: 'Test Bot Platform',
      outboundNotificationWebhookUrl: receiver.url,
      outboundNotificationWebhookSignatureSecretToken: SECRET,
      webhookHeaders: { 'X-Api-Key': 'key-123' },
    },
  ));
});
after(async () => {
  await emulator.close();
  await receiver.close();
});

/** A conversation of `fromId` with a connected agent. */
async function connectedChat(fromId: string): Promise<string> {
  const answer = await sendInbound(emulator, token, integrationId, inboundMessage(fromId, 'hello'));
  const joined = await agentApi(emulator, 'POST', `/conversations/${answer.conversationId}/agent/join`, {});
  assert.equal(joined.status, 200, joined.text);
  return answer.conversationId as string;
}

async function agentSays(conversationId: string, body: string): Promise<string> {
  const sent = await agentApi(emulator, 'POST', `/conversations/${conversationId}/agent/messages`, { body });
  assert.equal(sent.status, 200, sent.text);
  return (sent.body as { message: { id: string } }).message.id;
}

test('the §4.4 test vector', () => {
  const body = '{"id":"m1","type":"Text","text":"Hi"}';
  assert.equal(
    hubSignature('my-secret-token-1234', body),
    'sha256=HfeSV9RU7dAhH7Mowhdms7bYJBk29bTRgH9+wYHHPRA=',
  );
  assert.ok(
    verifyHubSignature(
      'my-secret-token-1234',
      Buffer.from(body),
      'sha256=HfeSV9RU7dAhH7Mowhdms7bYJBk29bTRgH9+wYHHPRA=',
    ),
  );
});

test('an agent message arrives as the §4.1 envelope, signed, with the integration headers', async () => {
  const conversationId = await connectedChat('wh-customer-1');
  const messageId = await agentSays(conversationId, 'Hello, this is Alice.');
  const [call] = await receiver.waitFor((b) => b.id === messageId);
  assert.ok(call);
  assert.ok(call.signatureValid, 'X-Hub-Signature-256 verifies on the raw body');
  assert.equal(call.headers['content-type'], 'application/json');
  assert.equal(call.headers['x-api-key'], 'key-123');
  const { channel, ...rest } = call.body;
  assert.deepEqual(rest, {
    id: messageId,
    type: 'Text',
    text: 'Hello, this is Alice.',
    originatingEntity: 'Human',
    direction: 'Outbound',
    conversationId,
  });
  assert.deepEqual(channel, {
    id: integrationId,
    platform: 'Open',
    type: 'Private',
    to: { id: 'wh-customer-1', idType: 'Opaque' },
    from: { nickname: 'Test Bot Platform', id: integrationId, idType: 'Opaque' },
    metadata: { subType: 'None' },
    time: channel.time,
    messageId,
  });
  assert.ok(!Number.isNaN(Date.parse(channel.time)));
});

test('Send Response texts of the flow arrive as originatingEntity Bot (§6)', async () => {
  const answer = await sendInbound(emulator, token, integrationId, inboundMessage('wh-bot', 'hi'));
  const [call] = await receiver.waitFor(
    (b) => b.conversationId === answer.conversationId && b.originatingEntity === 'Bot',
  );
  assert.equal(call!.body.text, 'You are in the queue.');
  assert.equal(call!.body.type, 'Text');
});

test('agent typing arrives as type Event with a Typing event and its duration (§4.2)', async () => {
  const conversationId = await connectedChat('wh-typing');
  assert.equal(
    (await agentApi(emulator, 'POST', `/conversations/${conversationId}/agent/typing`)).status,
    200,
  );
  const [call] = await receiver.waitFor((b) => b.type === 'Event' && b.channel.to.id === 'wh-typing');
  assert.ok(call?.signatureValid);
  assert.match(call.body.id, UUID);
  assert.deepEqual(call.body.events, [{ eventType: 'Typing', typing: { type: 'On', duration: 4000 } }]);
  assert.equal(call.body.direction, 'Outbound');
  assert.equal(call.body.text, undefined);
  assert.equal(call.body.channel.messageId, call.body.id);
});

test('joins, leaves and the end are not on the webhook (§4.6)', async () => {
  const conversationId = await connectedChat('wh-silent');
  await agentApi(emulator, 'POST', `/conversations/${conversationId}/agent/leave`);
  const messageId = await (async () => {
    const next = await connectedChat('wh-silent-2');
    return agentSays(next, 'marker');
  })();
  await receiver.waitFor((b) => b.id === messageId);
  assert.deepEqual(
    receiver.matching((b) => b.conversationId === conversationId && b.originatingEntity !== 'Bot'),
    [],
  );
});

test('timeouts, 429 and 5xx are retried until a 2xx; the delivery record shows each attempt (§4.5)', async () => {
  const conversationId = await connectedChat('wh-retry');
  receiver.plan.push(500, 429, 'hang', 503);
  const messageId = await agentSays(conversationId, 'retry me');
  const calls = await receiver.waitFor((b) => b.id === messageId, 5);
  assert.equal(new Set(calls.map((c) => c.raw)).size, 1, 'every attempt sends the same bytes');
  const record = await waitFor(async () => {
    const listed = await agentApi(emulator, 'GET', `/webhook-deliveries?conversationId=${conversationId}`);
    const found = (listed.body as { entities: any[] }).entities.find((r) => r.messageId === messageId);
    return found?.state === 'delivered' ? found : undefined;
  });
  assert.deepEqual(
    record.attempts.map((a: any) => a.status ?? a.error),
    [500, 429, 'timeout', 503, 200],
  );
  assert.equal(JSON.stringify(record).includes(SECRET), false);
  assert.equal(JSON.stringify(record).includes('retry me'), false);
});

test('another 4xx is final; after five retries a failing webhook is given up (§4.5)', async () => {
  const conversationId = await connectedChat('wh-final');
  receiver.plan.push(400);
  const refused = await agentSays(conversationId, 'refused');
  receiver.plan.push(500, 500, 500, 500, 500, 500);
  const exhausted = await agentSays(conversationId, 'exhausted');
  const deliveries = async () =>
    (await agentApi(emulator, 'GET', `/webhook-deliveries?conversationId=${conversationId}`)).body as {
      entities: any[];
    };
  const records = await waitFor(async () => {
    const { entities } = await deliveries();
    const a = entities.find((r) => r.messageId === refused);
    const b = entities.find((r) => r.messageId === exhausted);
    return a?.state === 'failed' && b?.state === 'failed' ? [a, b] : undefined;
  });
  assert.equal(records[0].attempts.length, 1);
  assert.equal(records[1].attempts.length, 6);
  assert.equal(receiver.matching((b) => b.id === exhausted).length, 6);
});

test('fault webhook-duplicate sends the same signed call twice', async () => {
  const conversationId = await connectedChat('wh-dup');
  const fault = await agentApi(emulator, 'POST', '/faults', { kind: 'webhook-duplicate', integrationId });
  assert.equal(fault.status, 201, fault.text);
  const messageId = await agentSays(conversationId, 'twice');
  const calls = await receiver.waitFor((b) => b.id === messageId, 2);
  assert.equal(calls[0]?.raw, calls[1]?.raw);
  assert.ok(calls.every((c) => c.signatureValid));
});

test('fault webhook-reorder delivers the next calls newest first', async () => {
  const conversationId = await connectedChat('wh-reorder');
  await agentApi(emulator, 'POST', '/faults', { kind: 'webhook-reorder', count: 3 });
  const ids = [
    await agentSays(conversationId, 'one'),
    await agentSays(conversationId, 'two'),
    await agentSays(conversationId, 'three'),
  ];
  await receiver.waitFor((b) => ids.includes(b.id), 3);
  assert.deepEqual(
    receiver.matching((b) => ids.includes(b.id)).map((c) => c.body.text),
    ['three', 'two', 'one'],
  );
});

test('fault webhook-delay holds one call back so a later one overtakes it', async () => {
  const conversationId = await connectedChat('wh-delay');
  await agentApi(emulator, 'POST', '/faults', { kind: 'webhook-delay', delayMs: 300, integrationId });
  const first = await agentSays(conversationId, 'slow');
  const second = await agentSays(conversationId, 'fast');
  await receiver.waitFor((b) => b.id === first || b.id === second, 2);
  assert.deepEqual(
    receiver.matching((b) => b.id === first || b.id === second).map((c) => c.body.text),
    ['fast', 'slow'],
  );
});

test('a deleted integration gets no more calls', async () => {
  const other = await new OmWebhookReceiver(SECRET).start();
  try {
    const { id } = await createIntegration(emulator, token, {
      outboundNotificationWebhookUrl: other.url,
      outboundNotificationWebhookSignatureSecretToken: SECRET,
    });
    const answer = await sendInbound(emulator, token, id, inboundMessage('wh-deleted', 'hi'));
    await agentApi(emulator, 'POST', `/conversations/${answer.conversationId}/agent/join`, {});
    await other.waitFor((b) => b.originatingEntity === 'Bot');
    assert.equal((await platform(emulator, token, 'DELETE', `${INTEGRATIONS}/${id}`)).status, 204);
    const before = other.calls.length;
    await agentSays(answer.conversationId, 'nobody hears this');
    const marker = await agentSays(await connectedChat('wh-marker'), 'marker');
    await receiver.waitFor((b) => b.id === marker);
    assert.equal(other.calls.length, before);
  } finally {
    await other.close();
  }
});
