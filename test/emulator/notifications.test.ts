// The Notifications API (OM doc §4.6): channels, subscriptions, the WebSocket with heartbeats and
// pongs, every detail-event frame of an Open Messaging conversation — including Genesys' pitfall that
// user.end also fires on a reject and on a transfer — the queue topic, the limits, expiry,
// v2.system.socket_closing and the socket faults.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { DETAIL_EVENTS } from '../../src/emulator/notifications/topics.ts';
import { agentApi, startTestEmulator, UUID } from './helpers.ts';
import { NotificationClient, type NotificationFrame } from './notification-client.ts';
import {
  accessToken,
  assertErrorBody,
  createIntegration,
  inboundMessage,
  platform,
  sendInbound,
  startOpenMessaging,
} from './platform-helpers.ts';

const CHANNELS = '/api/v2/notifications/channels';
let emulator: RunningEmulator;
let token: string;
let integrationId: string;
const clients: NotificationClient[] = [];

before(async () => {
  ({ emulator, token, integrationId } = await startOpenMessaging({
    notificationHeartbeatIntervalMs: 50,
    acwDurationMs: 20,
    oauthClients: [
      { clientId: 'emulator-client', clientSecret: 'emulator-secret' },
      { clientId: 'other-client', clientSecret: 'other-secret' },
    ],
  }));
});
after(async () => {
  for (const c of clients) await c.close();
  await emulator.close();
});

async function channel(
  t = token,
  on = emulator,
): Promise<{ id: string; connectUri: string; expires: string }> {
  const created = await platform(on, t, 'POST', CHANNELS);
  assert.equal(created.status, 200, created.text);
  return created.body as { id: string; connectUri: string; expires: string };
}

async function connect(connectUri: string): Promise<NotificationClient> {
  const client = await NotificationClient.open(connectUri);
  clients.push(client);
  return client;
}

async function subscribe(channelId: string, topics: string[], method = 'PUT', query = ''): Promise<any> {
  const result = await platform(
    emulator,
    token,
    method,
    `${CHANNELS}/${channelId}/subscriptions${query}`,
    topics.map((id) => ({ id })),
  );
  assert.equal(result.status, 200, result.text);
  return result.body;
}

const detail = (conversationId: string, event: string): string =>
  `v2.detail.events.conversation.${conversationId}.${event}`;
/** A routed OM conversation, and a socket subscribed to all of its detail topics. */
async function watchedConversation(fromId: string): Promise<{ id: string; client: NotificationClient }> {
  const answer = await sendInbound(emulator, token, integrationId, inboundMessage(fromId, 'hello'));
  const created = await channel();
  const client = await connect(created.connectUri);
  await subscribe(
    created.id,
    DETAIL_EVENTS.map((e) => detail(answer.conversationId, e)),
  );
  return { id: answer.conversationId as string, client };
}

function assertEventFrame(frame: NotificationFrame, topicName: string): void {
  assert.equal(frame.topicName, topicName);
  assert.equal(frame.version, '2');
  assert.match(frame.metadata?.CorrelationId ?? '', UUID);
}

test('POST channel answers {connectUri, id, expires}; the socket gets heartbeats and answers ping', async () => {
  const created = await channel();
  assert.match(created.id, /^streaming-0-[a-z2-7]{26}$/);
  assert.equal(created.connectUri, `${emulator.url.replace('http', 'ws')}/channels/${created.id}`);
  const expires = Date.parse(created.expires);
  assert.ok(expires > Date.now() + 86_000_000 && expires <= Date.now() + 86_400_000);
  const client = await connect(created.connectUri);
  const [heartbeat] = await client.waitFor((f) => f.topicName === 'channel.metadata', 'heartbeat');
  assert.deepEqual(heartbeat, {
    topicName: 'channel.metadata',
    eventBody: { message: 'WebSocket Heartbeat' },
  });
  client.socket.send(JSON.stringify({ message: 'ping' }));
  await client.waitFor((f) => f.eventBody.message === 'pong', 'pong');
  const listed = await platform(emulator, token, 'GET', `${CHANNELS}?includechannels=oauthclient`);
  assert.ok((listed.body as any).entities.some((c: any) => c.id === created.id));
  assert.equal((await platform(emulator, token, 'HEAD', `${CHANNELS}/${created.id}`)).status, 200);
});

test('subscriptions: PUT replaces, POST adds, GET lists, DELETE clears; unknown topics fail or are Rejected', async () => {
  const { id } = await channel();
  const a = detail('11111111-1111-4111-8111-111111111111', 'user.end');
  const b = detail('11111111-1111-4111-8111-111111111111', 'acw');
  const put = await subscribe(id, [a]);
  assert.deepEqual(put, { entities: [{ id: a, state: 'Permitted' }] });
  await subscribe(id, [b], 'POST');
  const listed = await platform(emulator, token, 'GET', `${CHANNELS}/${id}/subscriptions`);
  assert.deepEqual(listed.body, { entities: [{ id: a }, { id: b }] });
  const unknown = await platform(emulator, token, 'POST', `${CHANNELS}/${id}/subscriptions`, [
    { id: 'v2.users.x.presence' },
  ]);
  assertErrorBody(unknown, 400, 'bad.request');
  const partial = await subscribe(id, ['v2.users.x.presence', a], 'PUT', '?ignoreErrors=true');
  assert.deepEqual(partial.entities, [
    { id: a, state: 'Permitted' },
    { id: 'v2.users.x.presence', state: 'Rejected', rejectionReason: 'Topic not found or not supported' },
  ]);
  assert.equal((await platform(emulator, token, 'DELETE', `${CHANNELS}/${id}/subscriptions`)).status, 204);
  assert.deepEqual((await platform(emulator, token, 'GET', `${CHANNELS}/${id}/subscriptions`)).body, {
    entities: [],
  });
});

test('a channel belongs to its OAuth client; unknown channels are 404, also for the socket', async () => {
  const { id } = await channel();
  const other = await accessToken(emulator, { id: 'other-client', secret: 'other-secret' });
  assertErrorBody(
    await platform(emulator, other, 'GET', `${CHANNELS}/${id}/subscriptions`),
    404,
    'not.found',
  );
  assertErrorBody(
    await platform(emulator, token, 'GET', `${CHANNELS}/streaming-0-nope/subscriptions`),
    404,
    'not.found',
  );
  await assert.rejects(
    NotificationClient.open(`${emulator.url.replace('http', 'ws')}/channels/streaming-0-nope`),
    /404/,
  );
});

test('a whole conversation: every detail frame, in order, with the §4.6 bodies', async () => {
  const { id, client } = await watchedConversation('n-lifecycle');
  const offered = await agentApi(emulator, 'POST', `/conversations/${id}/agent/offer`, {});
  const agentId = (offered.body as any).agent.id as string;
  await agentApi(emulator, 'POST', `/conversations/${id}/agent/accept`, {});
  await agentApi(emulator, 'POST', `/conversations/${id}/agent/leave`);
  await client.waitFor((f) => f.topicName === detail(id, 'acw'), 'acw');
  assert.deepEqual(
    client.events().map((f) => f.topicName.slice(detail(id, '').length)),
    ['user.start', 'acd.end', 'user.end', 'customer.end', 'acw'],
  );
  const [userStart] = client.on(detail(id, 'user.start'));
  assertEventFrame(userStart!, detail(id, 'user.start'));
  const start = userStart!.eventBody;
  assert.equal(start.conversationId, id);
  assert.equal(start.participantId, agentId);
  assert.equal(start.mediaType, 'MESSAGE');
  assert.equal(start.messageType, 'OPEN');
  assert.equal(start.direction, 'INBOUND');
  assert.equal(start.addressFrom, 'n-lifecycle');
  assert.match(start.userId, UUID);
  assert.match(start.queueId, UUID);
  assert.equal(typeof start.eventTime, 'number');
  const end = client.on(detail(id, 'user.end'))[0]!.eventBody;
  assert.equal(end.disconnectType, 'CLIENT');
  assert.equal(end.userId, start.userId);
  assert.equal(typeof end.interactingDurationMs, 'number');
  assert.equal(client.on(detail(id, 'customer.end'))[0]?.eventBody.disconnectType, 'PEER');
  assert.equal(client.on(detail(id, 'acd.end'))[0]?.eventBody.disconnectType, 'TRANSFER');
  assert.equal(client.on(detail(id, 'acd.end'))[0]?.eventBody.acdOutcome, 'ANSWERED');
  const acw = client.on(detail(id, 'acw'))[0]!.eventBody;
  assert.equal(acw.userId, start.userId);
  assert.equal(typeof acw.wrapupDurationMs, 'number');
  assert.match(acw.wrapupCode, UUID);
  // The participant shows the after-call work too.
  const conversation = await platform(emulator, token, 'GET', `/api/v2/conversations/messages/${id}`);
  const agent = (conversation.body as any).participants.find((p: any) => p.purpose === 'agent');
  assert.ok(agent.startAcwTime && agent.endAcwTime);
});

test('pitfall: user.end fires on a reject (CLIENT, never interacting) and on a transfer (TRANSFER)', async () => {
  const { id, client } = await watchedConversation('n-pitfall');
  await agentApi(emulator, 'POST', `/conversations/${id}/agent/offer`, { displayName: 'Alice Moreau' });
  await agentApi(emulator, 'POST', `/conversations/${id}/agent/reject`, {});
  await agentApi(emulator, 'POST', `/conversations/${id}/agent/join`, { displayName: 'Bruno Schmidt' });
  await agentApi(emulator, 'POST', `/conversations/${id}/transfer`, { displayName: 'Chen Wei' });
  await client.waitFor((f) => f.topicName === detail(id, 'acw'), 'acw after the transfer');
  const ends = client.on(detail(id, 'user.end')).map((f) => f.eventBody);
  assert.deepEqual(
    ends.map((e) => e.disconnectType),
    ['CLIENT', 'TRANSFER'],
  );
  assert.equal(ends[0]?.interactingDurationMs, 0, 'the rejecting agent never interacted');
  assert.equal(client.on(detail(id, 'user.start')).length, 3);
  assert.equal(client.on(detail(id, 'customer.end')).length, 0, 'the conversation is still on');
  // Reading the conversation is what tells the truth: a connected agent is still there.
  const conversation = await platform(emulator, token, 'GET', `/api/v2/conversations/messages/${id}`);
  assert.deepEqual(
    (conversation.body as any).participants
      .filter((p: any) => p.purpose === 'agent')
      .map((p: any) => `${p.name}:${p.state}:${p.disconnectType ?? '-'}`),
    ['Alice Moreau:disconnected:client', 'Bruno Schmidt:disconnected:transfer', 'Chen Wei:connected:-'],
  );
});

test('the bot ends the conversation: customer.end CLIENT, user.end PEER (§5)', async () => {
  const { id, client } = await watchedConversation('n-bot-ends');
  await agentApi(emulator, 'POST', `/conversations/${id}/agent/join`, {});
  const conversation = await platform(emulator, token, 'GET', `/api/v2/conversations/messages/${id}`);
  const customer = (conversation.body as any).participants.find((p: any) => p.purpose === 'customer');
  await platform(
    emulator,
    token,
    'PATCH',
    `/api/v2/conversations/messages/${id}/participants/${customer.id}`,
    { state: 'disconnected' },
  );
  await client.waitFor((f) => f.topicName === detail(id, 'customer.end'), 'customer.end');
  await client.waitFor((f) => f.topicName === detail(id, 'user.end'), 'user.end');
  assert.equal(client.on(detail(id, 'customer.end'))[0]?.eventBody.disconnectType, 'CLIENT');
  assert.equal(client.on(detail(id, 'user.end'))[0]?.eventBody.disconnectType, 'PEER');
});

test('the queue topic carries the conversation with its participants after each change', async () => {
  const queues = (await agentApi(emulator, 'GET', '/queues')).body as {
    entities: { id: string; name: string }[];
  };
  const billing = queues.entities.find((q) => q.name === 'Billing')!;
  const created = await channel();
  const client = await connect(created.connectUri);
  const topic = `v2.routing.queues.${billing.id}.conversations.messages`;
  await subscribe(created.id, [topic]);
  const answer = await sendInbound(
    emulator,
    token,
    integrationId,
    inboundMessage('n-queue', 'hi', { attributes: { hg_queue: 'Billing' } }),
  );
  const frames = await client.waitFor(
    (f) => f.topicName === topic && f.eventBody.id === answer.conversationId,
    'queue event',
  );
  assertEventFrame(frames[0]!, topic);
  const last = frames.at(-1)!.eventBody;
  assert.ok(last.participants.some((p: any) => p.purpose === 'acd' && p.state === 'connected'));
  assert.ok(
    last.participants.some((p: any) => p.purpose === 'customer' && p.attributes.hg_queue === 'Billing'),
  );
});

test('options: rejectDisconnectType and userStartOn "connected"', async () => {
  const other = await startTestEmulator({
    integrationProvisioningMs: 0,
    rejectDisconnectType: 'transfer.noanswer',
    userStartOn: 'connected',
  });
  try {
    const t = await accessToken(other);
    const { id: integration } = await createIntegration(other, t);
    const answer = await sendInbound(other, t, integration, inboundMessage('n-options', 'x'));
    const created = await channel(t, other);
    const client = await connect(created.connectUri);
    const topics = DETAIL_EVENTS.map((e) => ({ id: detail(answer.conversationId, e) }));
    assert.equal(
      (await platform(other, t, 'PUT', `${CHANNELS}/${created.id}/subscriptions`, topics)).status,
      200,
    );
    await agentApi(other, 'POST', `/conversations/${answer.conversationId}/agent/offer`, {});
    await agentApi(other, 'POST', `/conversations/${answer.conversationId}/agent/reject`, {});
    await agentApi(other, 'POST', `/conversations/${answer.conversationId}/agent/join`, {});
    await client.waitFor((f) => f.topicName === detail(answer.conversationId, 'user.start'), 'user.start');
    const ends = client.on(detail(answer.conversationId, 'user.end'));
    assert.deepEqual(
      ends.map((f) => f.eventBody.disconnectType),
      ['NO_ANSWER_TRANSFER'],
    );
    // Only the agent who answered started a user session.
    assert.equal(client.on(detail(answer.conversationId, 'user.start')).length, 1);
  } finally {
    await other.close();
  }
});

test('limits: a third channel evicts the oldest (max 2 here); more topics than allowed are refused', async () => {
  const limited = await startTestEmulator({ maxChannelsPerClient: 2, maxTopicsPerChannel: 3 });
  try {
    const t = await accessToken(limited);
    const first = await channel(t, limited);
    const oldest = await connect(first.connectUri);
    await channel(t, limited);
    await channel(t, limited);
    await oldest.waitFor((f) => f.topicName === 'v2.system.socket_closing', 'socket_closing on eviction');
    assert.equal(await oldest.closed, 1000);
    assertErrorBody(
      await platform(limited, t, 'GET', `${CHANNELS}/${first.id}/subscriptions`),
      404,
      'not.found',
    );
    assert.equal(((await platform(limited, t, 'GET', CHANNELS)).body as any).entities.length, 2);

    const { id } = await channel(t, limited);
    const topics = (n: number) => Array.from({ length: n }, (_, i) => ({ id: detail(`c${i}`, 'user.end') }));
    assert.equal(
      (await platform(limited, t, 'PUT', `${CHANNELS}/${id}/subscriptions`, topics(3))).status,
      200,
    );
    const tooMany = await platform(limited, t, 'POST', `${CHANNELS}/${id}/subscriptions`, [
      { id: detail('c9', 'acw') },
    ]);
    assert.match(String(assertErrorBody(tooMany, 400, 'bad.request').message), /at most 3 topics/);
    assert.equal(
      ((await platform(limited, t, 'GET', `${CHANNELS}/${id}/subscriptions`)).body as any).entities.length,
      3,
    );
  } finally {
    await limited.close();
  }
});

test('faults: drop kills the socket (1006); socket-closing warns first; reconnecting keeps the subscriptions', async () => {
  const { id, client } = await watchedConversation('n-faults');
  const channelId = client.socket.url.split('/').at(-1)!;
  const dropped = await agentApi(emulator, 'POST', '/faults', {
    kind: 'drop-notification-sockets',
    channelId,
  });
  assert.deepEqual(dropped.body, { closed: 1 });
  assert.equal(await client.closed, 1006);

  const again = await connect(client.socket.url);
  const warned = await agentApi(emulator, 'POST', '/faults', {
    kind: 'drop-notification-sockets',
    channelId,
    mode: 'socket-closing',
  });
  assert.deepEqual(warned.body, { closed: 1 });
  const [closing] = await again.waitFor((f) => f.topicName === 'v2.system.socket_closing', 'socket_closing');
  assert.equal(closing?.eventBody.channelId, channelId);
  assert.equal(await again.closed, 1000);

  const third = await connect(client.socket.url);
  await agentApi(emulator, 'POST', `/conversations/${id}/agent/join`, {});
  await third.waitFor((f) => f.topicName === detail(id, 'user.start'), 'events after the reconnect');
});

test('a channel expires after channelLifetimeMs: socket_closing, close, then 404', async () => {
  const short = await startTestEmulator({ channelLifetimeMs: 150 });
  try {
    const t = await accessToken(short);
    const created = await channel(t, short);
    const client = await connect(created.connectUri);
    await client.waitFor((f) => f.topicName === 'v2.system.socket_closing', 'socket_closing on expiry');
    assert.equal(await client.closed, 1000);
    assertErrorBody(
      await platform(short, t, 'GET', `${CHANNELS}/${created.id}/subscriptions`),
      404,
      'not.found',
    );
  } finally {
    await short.close();
  }
});

test('bad subscription bodies and queries are 400 and change nothing', async () => {
  const { id } = await channel();
  const topic = detail('22222222-2222-4222-8222-222222222222', 'user.end');
  await subscribe(id, [topic]);
  for (const body of [{ id: topic }, [{ topic }], [{ id: '' }], 'text']) {
    const result = await platform(emulator, token, 'PUT', `${CHANNELS}/${id}/subscriptions`, body);
    assertErrorBody(result, 400, 'bad.request');
  }
  assertErrorBody(
    await platform(emulator, token, 'PUT', `${CHANNELS}/${id}/subscriptions?ignoreErrors=perhaps`, [
      { id: topic },
    ]),
    400,
    'invalid.query.param.value',
  );
  assertErrorBody(
    await platform(emulator, token, 'GET', `${CHANNELS}?includechannels=everything`),
    400,
    'invalid.query.param.value',
  );
  assert.deepEqual((await platform(emulator, token, 'GET', `${CHANNELS}/${id}/subscriptions`)).body, {
    entities: [{ id: topic }],
  });
});
