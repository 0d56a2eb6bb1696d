// Contract: Genesys' official platform SDK (purecloud-platform-client-v2 262.x) drives the emulator's
// Open Messaging side exactly as a production client would: OAuth (§1), integrations (§2), inbound
// messages, events and receipts (§3), conversations and participants (§5), users, notifications (§4.6).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { startTestEmulator } from '../emulator/helpers.ts';
import { NotificationClient } from '../emulator/notification-client.ts';
import { OmWebhookReceiver } from '../emulator/om-webhook-receiver.ts';
import { platformSdkFor, rejection } from './platform-sdk-client.ts';

const WEBHOOK_SECRET = 'sdk-secret-0123456789';
let emulator: RunningEmulator;
let sdk: ReturnType<typeof platformSdkFor>;
let receiver: OmWebhookReceiver;

before(async () => {
  receiver = await new OmWebhookReceiver(WEBHOOK_SECRET).start();
  emulator = await startTestEmulator({
    integrationProvisioningMs: 20,
    notificationHeartbeatIntervalMs: 50,
    acwDurationMs: 10,
  });
  sdk = platformSdkFor(emulator);
});
after(async () => {
  await emulator.close();
  await receiver.close();
});

test('loginClientCredentialsGrant gets a token from /login/oauth/token (§1.1–§1.3)', async () => {
  const auth = await sdk.client.loginClientCredentialsGrant('emulator-client', 'emulator-secret');
  assert.equal(typeof auth.accessToken, 'string');
  assert.ok(auth.accessToken.length > 40);
  // The SDK stores now + expires_in·1000 (86,399 s by default).
  assert.ok(auth.tokenExpiryTime > Date.now() + 86_000_000);
});

test('a wrong secret rejects the login with status 401 and the invalid_client body (§1.4)', async () => {
  const error = await rejection(sdk.client.loginClientCredentialsGrant('emulator-client', 'wrong-secret'));
  const response = error.response as { status: number; data: unknown };
  assert.equal(response.status, 401);
  assert.deepEqual(response.data, {
    error: 'invalid_client',
    description: 'authentication failed',
    error_description: 'authentication failed',
  });
  // Log in again so later tests run with a valid token.
  await sdk.client.loginClientCredentialsGrant('emulator-client', 'emulator-secret');
});

let integrationId = '';

test('postConversationsMessagingIntegrationsOpen creates an integration; GET reads it until Completed (§2)', async () => {
  const created = await sdk.conversations.postConversationsMessagingIntegrationsOpen({
    name: 'SDK gateway',
    outboundNotificationWebhookUrl: receiver.url,
    outboundNotificationWebhookSignatureSecretToken: WEBHOOK_SECRET,
    webhookHeaders: { 'X-Gateway': 'sdk' },
  });
  assert.equal(created.createStatus, 'Initiated');
  assert.equal(created.name, 'SDK gateway');
  integrationId = created.id;
  let status: string | undefined = created.createStatus;
  for (let i = 0; i < 500 && status !== 'Completed'; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    status = (await sdk.conversations.getConversationsMessagingIntegrationsOpenIntegrationId(integrationId))
      .createStatus;
  }
  assert.equal(status, 'Completed');
  const listed = await sdk.conversations.getConversationsMessagingIntegrationsOpen({ pageSize: 10 });
  assert.ok(listed.entities?.some((i) => i.id === integrationId));
  const patched = await sdk.conversations.patchConversationsMessagingIntegrationsOpenIntegrationId(
    integrationId,
    {
      name: 'SDK gateway (renamed)',
    },
  );
  assert.equal(patched.name, 'SDK gateway (renamed)');
});

test('a short secret is rejected with the parsed ErrorBody (§2)', async () => {
  const error = await rejection(
    sdk.conversations.postConversationsMessagingIntegrationsOpen({
      name: 'Too short',
      outboundNotificationWebhookUrl: 'http://127.0.0.1:9/webhook',
      outboundNotificationWebhookSignatureSecretToken: 'short',
    }),
  );
  assert.equal(error.status, 400);
  assert.equal(error.code, 'bad.request');
});

let conversationId = '';

test('postConversationsMessageInboundOpenMessage with prefetchConversationId and customAttributes (§3.1, §6)', async () => {
  // §1 / P1: SDK 262 types channel.metadata as {subType} only; custom attributes need a widened type.
  const body = {
    channel: {
      messageId: 'sdk-msg-1',
      from: { id: 'sdk-customer-1', idType: 'Opaque', nickname: 'Alex', firstName: 'Alex', lastName: 'Doe' },
      time: new Date().toISOString(),
      metadata: { customAttributes: { hg_queue: 'Sales', hg_language: 'Italian', hg_priority: '3' } },
    },
    text: 'Hello from the SDK',
  } as unknown as Parameters<typeof sdk.conversations.postConversationsMessageInboundOpenMessage>[1];
  const answer = await sdk.conversations.postConversationsMessageInboundOpenMessage(integrationId, body, {
    prefetchConversationId: true,
  });
  assert.equal(answer.type, 'Text');
  assert.equal(answer.text, 'Hello from the SDK');
  assert.equal(answer.channel.messageId, 'sdk-msg-1');
  assert.equal(typeof answer.conversationId, 'string');
  conversationId = answer.conversationId!;
});

test('postConversationsMessageInboundOpenEvent (typing, §3.2)', async () => {
  const answer = await sdk.conversations.postConversationsMessageInboundOpenEvent(integrationId, {
    channel: { from: { id: 'sdk-customer-1', idType: 'Opaque' }, time: new Date().toISOString() },
    events: [{ eventType: 'Typing' }],
  });
  assert.equal(answer.type, 'Event');
  assert.deepEqual(answer.events, [{ eventType: 'Typing' }]);
});

test('postConversationsMessageInboundOpenReceipt for an agent message (§3.3)', async () => {
  const agent = (path: string, payload: unknown) =>
    fetch(`${emulator.url}/emulator/v1/conversations/${conversationId}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, any> }));
  assert.equal((await agent('/agent/join', {})).status, 200);
  const sent = await agent('/agent/messages', { body: 'Hello, Dana here.' });
  const answer = await sdk.conversations.postConversationsMessageInboundOpenReceipt(integrationId, {
    id: sent.body.message.id as string,
    channel: { to: { id: 'sdk-customer-1' }, time: new Date().toISOString() },
    status: 'Delivered',
    isFinalReceipt: true,
  });
  assert.equal(answer.type, 'Receipt');
  assert.equal(answer.status, 'Delivered');
  assert.equal(answer.direction, 'Outbound');

  // The agent's message reached the webhook receiver: §4.1 envelope, §4.4 signature checked with node:crypto.
  const [call] = await receiver.waitFor((b) => b.id === sent.body.message.id);
  assert.ok(call?.signatureValid);
  assert.equal(call.headers['x-gateway'], 'sdk');
  assert.equal(call.body.text, 'Hello, Dana here.');
  assert.equal(call.body.conversationId, conversationId);
  assert.equal(call.body.originatingEntity, 'Human');
  assert.deepEqual(call.body.channel.to, { id: 'sdk-customer-1', idType: 'Opaque' });
  assert.deepEqual(call.body.channel.from, {
    nickname: 'SDK gateway (renamed)',
    id: integrationId,
    idType: 'Opaque',
  });
});

test('an inbound message without text or content is rejected with the §3.1 validation text', async () => {
  const error = await rejection(
    sdk.conversations.postConversationsMessageInboundOpenMessage(integrationId, {
      channel: { from: { id: 'sdk-customer-2', idType: 'Opaque' }, time: new Date().toISOString() },
    }),
  );
  assert.equal(error.status, 400);
  assert.match(String(error.message), /should have required property 'content'/);
});

test('getConversationsMessage, getUser and patchConversationsMessageParticipantAttributes (§5, §6, §4.6)', async () => {
  const conversation = await sdk.conversations.getConversationsMessage(conversationId);
  const participants = conversation.participants ?? [];
  const customer = participants.find((p) => p.purpose === 'customer');
  const agent = participants.find((p) => p.purpose === 'agent');
  assert.equal(customer?.state, 'connected');
  assert.deepEqual(customer.attributes, { hg_queue: 'Sales', hg_language: 'Italian', hg_priority: '3' });
  assert.equal(agent?.state, 'connected');
  assert.equal(agent.conversationRoutingData?.priority, 3);
  const user = await sdk.users.getUser(agent.user!.id!);
  assert.equal(user.name, 'Dana Rossi');
  assert.ok(user.images?.[0]?.imageUri);
  const attributes = await sdk.conversations.patchConversationsMessageParticipantAttributes(
    conversationId,
    customer.id!,
    {
      body: { attributes: { hg_note: 'vip' } },
    },
  );
  assert.equal(attributes.attributes?.hg_note, 'vip');
});

test('postConversationsMessageMessagesBulk and getConversationsMessageMessage read the texts behind the ids (§5)', async () => {
  const conversation = await sdk.conversations.getConversationsMessage(conversationId);
  const listed = (conversation.participants ?? []).flatMap((p) =>
    (p.messages ?? []).map((m) => ({ purpose: p.purpose, id: m.messageId! })),
  );
  const listing = await sdk.conversations.postConversationsMessageMessagesBulk(conversationId, {
    body: listed.map((m) => m.id),
  });
  const entities = listing.entities ?? [];
  assert.deepEqual(
    entities.map((m) => m.id),
    listed.map((m) => m.id),
  );
  const customer = entities.find((m) => m.direction === 'inbound');
  assert.equal(customer?.normalizedMessage?.text, 'Hello from the SDK');
  assert.equal(customer.status, 'received');
  const agent = entities.find((m) => m.normalizedMessage?.originatingEntity === 'Human');
  assert.equal(agent?.normalizedMessage?.text, 'Hello, Dana here.');
  assert.equal(agent.status, 'delivery-success');
  assert.equal(agent.direction, 'outbound');
  const one = await sdk.conversations.getConversationsMessageMessage(conversationId, agent.id!);
  assert.equal(one.normalizedMessage?.text, 'Hello, Dana here.');
  assert.equal(one.conversationId, conversationId);
});

test('patchConversationsMessageParticipant {state:"disconnected"} ends the conversation (§5)', async () => {
  const before = await sdk.conversations.getConversationsMessage(conversationId);
  const customer = before.participants?.find((p) => p.purpose === 'customer');
  const result = await sdk.conversations.patchConversationsMessageParticipant(conversationId, customer!.id!, {
    body: { state: 'disconnected' },
  });
  assert.equal(result, undefined);
  const after = await sdk.conversations.getConversationsMessage(conversationId);
  assert.ok(after.participants?.every((p) => p.state === 'disconnected'));
  assert.equal(after.participants?.find((p) => p.purpose === 'agent')?.disconnectType, 'peer');
});

test('notification channel and subscriptions through the SDK; every frame shape on a raw ws client (§4.6)', async () => {
  const channel = await sdk.notifications.postNotificationsChannels();
  assert.match(channel.id!, /^streaming-0-/);
  assert.ok(channel.connectUri?.startsWith('ws://'));
  assert.ok(channel.expires);
  const socket = await NotificationClient.open(channel.connectUri!);
  try {
    const body = {
      channel: { from: { id: 'sdk-customer-3', idType: 'Opaque' }, time: new Date().toISOString() },
      text: 'Notify me',
    } as Parameters<typeof sdk.conversations.postConversationsMessageInboundOpenMessage>[1];
    const answer = await sdk.conversations.postConversationsMessageInboundOpenMessage(integrationId, body, {
      prefetchConversationId: true,
    });
    const id = answer.conversationId!;
    const topic = (event: string) => `v2.detail.events.conversation.${id}.${event}`;
    const put = await sdk.notifications.putNotificationsChannelSubscriptions(channel.id!, [
      { id: topic('user.start') },
    ]);
    assert.deepEqual(put.entities, [{ id: topic('user.start'), state: 'Permitted' }]);
    const posted = await sdk.notifications.postNotificationsChannelSubscriptions(
      channel.id!,
      [
        { id: topic('user.end') },
        { id: topic('customer.end') },
        { id: topic('acw') },
        { id: 'v2.not.a.topic' },
      ],
      { ignoreErrors: true },
    );
    assert.deepEqual(
      posted.entities?.map((e) => `${e.id}:${e.state}`),
      [
        `${topic('user.start')}:Permitted`,
        `${topic('user.end')}:Permitted`,
        `${topic('customer.end')}:Permitted`,
        `${topic('acw')}:Permitted`,
        'v2.not.a.topic:Rejected',
      ],
    );
    const listed = await sdk.notifications.getNotificationsChannelSubscriptions(channel.id!);
    assert.equal(listed.entities?.length, 4);
    const channels = await sdk.notifications.getNotificationsChannels({ includechannels: 'oauthclient' });
    assert.ok(channels.entities?.some((c) => c.id === channel.id));

    const agent = (path: string) =>
      fetch(`${emulator.url}/emulator/v1/conversations/${id}${path}`, { method: 'POST' }).then(
        (r) => r.status,
      );
    assert.equal(await agent('/agent/join'), 200);
    assert.equal(await agent('/agent/leave'), 200);
    await socket.waitFor((f) => f.topicName === topic('acw'), 'acw');

    const [heartbeat] = await socket.waitFor((f) => f.topicName === 'channel.metadata', 'heartbeat');
    assert.deepEqual(heartbeat, {
      topicName: 'channel.metadata',
      eventBody: { message: 'WebSocket Heartbeat' },
    });
    for (const event of ['user.start', 'user.end', 'customer.end', 'acw']) {
      const frame = socket.frames.find((f) => f.topicName === topic(event));
      assert.ok(frame, event);
      assert.deepEqual(Object.keys(frame).sort(), ['eventBody', 'metadata', 'topicName', 'version']);
      assert.equal(frame.version, '2');
      assert.equal(typeof frame.metadata?.CorrelationId, 'string');
      assert.equal(frame.eventBody.conversationId, id);
      assert.equal(frame.eventBody.mediaType, 'MESSAGE');
      assert.equal(frame.eventBody.messageType, 'OPEN');
    }
    assert.equal(
      socket.frames.find((f) => f.topicName === topic('user.end'))?.eventBody.disconnectType,
      'CLIENT',
    );
    assert.equal(
      socket.frames.find((f) => f.topicName === topic('customer.end'))?.eventBody.disconnectType,
      'PEER',
    );

    assert.equal(await sdk.notifications.deleteNotificationsChannelSubscriptions(channel.id!), undefined);
    assert.deepEqual(
      (await sdk.notifications.getNotificationsChannelSubscriptions(channel.id!)).entities,
      [],
    );
  } finally {
    await socket.close();
  }
});
