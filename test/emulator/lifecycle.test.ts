// The happy path end to end over raw HTTP + WebSocket: create, not active before the stream attaches,
// first frames, echo, agent join / message / leave (§1, §9.6).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import {
  agentApi,
  attachedChat,
  createChat,
  GUEST,
  http,
  kind,
  startTestEmulator,
  StreamClient,
  UUID,
} from './helpers.ts';

let emulator: RunningEmulator;
before(async () => {
  emulator = await startTestEmulator();
});
after(() => emulator.close());

test('create returns id, jwt, eventStreamUri with the jwt embedded, and the guest member id', async () => {
  const chat = await createChat(emulator);
  assert.match(chat.id, UUID);
  assert.match(chat.member.id, UUID);
  assert.deepEqual(Object.keys(chat).sort(), ['eventStreamUri', 'id', 'jwt', 'member']);
  assert.deepEqual(Object.keys(chat.member), ['id']);
  assert.equal(chat.eventStreamUri, `${emulator.url.replace('http', 'ws')}/v1/token/${chat.jwt}`);
  const payload = JSON.parse(Buffer.from(chat.jwt.split('.')[1]!, 'base64url').toString()) as Record<
    string,
    unknown
  >;
  assert.equal(payload.iss, 'urn:purecloud:webchat');
  assert.equal(payload.org, 'org-1');
  assert.deepEqual(payload.data, { conv: chat.id, did: 'dep-1', sub: chat.member.id });
  assert.equal(typeof payload.iat, 'number');
  assert.equal(payload.exp, (payload.iat as number) + 78_761);
});

test('sending before the stream is attached is 400 chat.error.conversation.state with the §5.6 body', async () => {
  const chat = await createChat(emulator);
  const result = await http(emulator, 'POST', `${GUEST}/${chat.id}/members/${chat.member.id}/messages`, {
    jwt: chat.jwt,
    body: { body: 'too early' },
  });
  assert.equal(result.status, 400);
  assert.deepEqual(result.body, {
    message: 'Conversation State',
    code: 'chat.error.conversation.state',
    status: 400,
    messageWithParams: 'Conversation State',
    messageParams: { message: 'The conversation is not active' },
    contextId: result.headers.get('inin-correlation-id'),
    details: [],
    errors: [],
  });
  const typing = await http(emulator, 'POST', `${GUEST}/${chat.id}/members/${chat.member.id}/typing`, {
    jwt: chat.jwt,
  });
  assert.equal(typing.status, 400);
});

test('attach emits customer CONNECTED, member-join, ACD CONNECTED; sends are echoed; agent joins, writes and ends', async () => {
  const chat = await createChat(emulator);
  const stream = await StreamClient.open(chat.eventStreamUri);
  const first = await stream.conversationFrames(3);
  const customer = chat.member.id;
  assert.equal(kind(first[0]!), `${customer}:CONNECTED`);
  assert.equal(kind(first[1]!), `${customer}:member-join`);
  const acdId = (first[2]!.eventBody.member as { id: string }).id;
  assert.equal(kind(first[2]!), `${acdId}:CONNECTED`);

  const sent = await http(emulator, 'POST', `${GUEST}/${chat.id}/members/${customer}/messages`, {
    jwt: chat.jwt,
    body: { body: 'hello' },
  });
  assert.equal(sent.status, 200);
  const echo = await stream.waitFor((f) => f.metadata?.type === 'message' && f.eventBody.body === 'hello');
  assert.equal(echo.eventBody.id, (sent.body as { id: string }).id);

  const joined = await agentApi(emulator, 'POST', `/conversations/${chat.id}/agent/join`, {});
  assert.equal(joined.status, 200, joined.text);
  const agentId = (joined.body as { agent: { id: string } }).agent.id;
  const from = stream.frames.length;
  await agentApi(emulator, 'POST', `/conversations/${chat.id}/agent/messages`, { body: 'How can I help?' });
  await stream.waitFor((f) => f.eventBody.body === 'How can I help?', { from });
  const left = await agentApi(emulator, 'POST', `/conversations/${chat.id}/agent/leave`);
  assert.equal(left.status, 200, left.text);
  await stream.waitFor((f) => kind(f) === `${customer}:DISCONNECTED`);

  const sequence = stream.frames.filter((f) => f.topicName !== 'channel.metadata').map(kind);
  assert.deepEqual(sequence.slice(3), [
    `${customer}:standard`,
    `${agentId}:ALERTING`,
    `${agentId}:CONNECTED`,
    `${agentId}:member-join`,
    `${acdId}:DISCONNECTED`,
    `${agentId}:standard`,
    `${agentId}:DISCONNECTED`,
    `${agentId}:member-leave`,
    `${customer}:DISCONNECTED`,
  ]);

  const after = await http(emulator, 'POST', `${GUEST}/${chat.id}/members/${customer}/messages`, {
    jwt: chat.jwt,
    body: { body: 'still there?' },
  });
  assert.equal(after.status, 400);
  assert.equal((after.body as { code: string }).code, 'chat.error.conversation.state');
  await stream.close();
});

test('the agent API lists conversations with routing, customer custom fields and member details', async () => {
  const { chat, stream } = await attachedChat(emulator, {
    routingTarget: {
      targetType: 'QUEUE',
      targetAddress: 'Billing',
      skills: ['billing'],
      language: 'German',
      priority: 5,
    },
  });
  await agentApi(emulator, 'POST', `/conversations/${chat.id}/agent/join`, {
    displayName: 'Freya Lindqvist',
  });
  const list = await agentApi(emulator, 'GET', '/conversations');
  const entry = (list.body as { entities: Record<string, unknown>[] }).entities.find((c) => c.id === chat.id);
  assert.ok(entry);
  assert.equal(entry.queue, 'Billing');
  assert.deepEqual(entry.routing, { skills: ['billing'], language: 'German', priority: 5 });
  assert.equal(entry.state, 'connected');
  assert.deepEqual((entry.customer as { customFields: unknown }).customFields, { customerId: 'c-42' });
  const members = entry.members as {
    role: string;
    state: string;
    displayName?: string;
    avatarImageUrl?: string;
  }[];
  const agent = members.find((m) => m.role === 'AGENT');
  assert.ok(agent);
  assert.equal(agent.displayName, 'Freya Lindqvist');
  assert.equal(agent.state, 'CONNECTED');
  assert.equal(agent.avatarImageUrl, `${emulator.url}/emulator/v1/avatars/freya-lindqvist.svg`);
  const avatar = await fetch(agent.avatarImageUrl);
  assert.equal(avatar.status, 200);
  assert.equal(avatar.headers.get('content-type'), 'image/svg+xml');
  assert.match(await avatar.text(), /^<svg[^>]*>.*FL<\/text><\/svg>$/);

  const detail = await agentApi(emulator, 'GET', `/conversations/${chat.id}`);
  const messages = (detail.body as { messages: { bodyType: string; senderRole: string }[] }).messages;
  assert.deepEqual(
    messages.map((m) => `${m.senderRole}:${m.bodyType}`),
    ['CUSTOMER:member-join', 'AGENT:member-join'],
  );
  await stream.close();
});
