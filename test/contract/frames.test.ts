// Contract: the exact envelope of every event-stream frame kind (§9.1–§9.5), read with a raw `ws`
// client. Known ids are replaced by names, other UUIDs by <uuid>, timestamps by <timestamp>, and the
// result is compared with deepEqual — any extra, missing or misspelt field fails.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import {
  agentApi,
  createChat,
  GUEST,
  http,
  startTestEmulator,
  StreamClient,
  type JsonFrame,
} from '../emulator/helpers.ts';

const UUID_G = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function shape(value: unknown, names: Record<string, string>): unknown {
  if (typeof value === 'string') {
    if (ISO.test(value)) return '<timestamp>';
    return value.replace(UUID_G, (id) => names[id] ?? '<uuid>');
  }
  if (Array.isArray(value)) return value.map((v) => shape(v, names));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v, names)]));
  }
  return value;
}

let emulator: RunningEmulator;
before(async () => {
  emulator = await startTestEmulator({ heartbeatIntervalMs: 50 });
});
after(() => emulator.close());

test('every frame kind has the exact §9 envelope', async () => {
  const chat = await createChat(emulator);
  const stream = await StreamClient.open(chat.eventStreamUri);
  const names: Record<string, string> = { [chat.id]: '<conversation>', [chat.member.id]: '<customer>' };
  const first = await stream.conversationFrames(3);
  const acdId = (first[2]!.eventBody.member as { id: string }).id;
  names[acdId] = '<acd>';

  const memberChange = (member: string, state: string) => ({
    topicName: 'v2.conversations.chats.<conversation>.members',
    version: '2',
    eventBody: {
      conversation: { id: '<conversation>' },
      member: { id: member, state },
      timestamp: '<timestamp>',
    },
    metadata: { CorrelationId: '<uuid>', type: 'member-change' },
  });
  const message = (sender: string, body: string, bodyType: string) => ({
    topicName: 'v2.conversations.chats.<conversation>.messages',
    version: '2',
    eventBody: {
      id: '<uuid>',
      conversation: { id: '<conversation>' },
      sender: { id: sender },
      body,
      bodyType,
      timestamp: '<timestamp>',
    },
    metadata: { CorrelationId: '<uuid>', type: 'message' },
  });
  const typing = (sender: string) => ({
    topicName: 'v2.conversations.chats.<conversation>.messages',
    version: '2',
    eventBody: {
      id: '<uuid>',
      conversation: { id: '<conversation>' },
      sender: { id: sender },
      timestamp: '<timestamp>',
    },
    metadata: { CorrelationId: '<uuid>', type: 'typing-indicator' },
  });

  assert.deepEqual(shape(first, names), [
    memberChange('<customer>', 'CONNECTED'),
    message('<customer>', '', 'member-join'),
    memberChange('<acd>', 'CONNECTED'),
  ]);

  // Own message and own typing are echoed (§9.2, §9.3).
  let from = stream.frames.length;
  await http(emulator, 'POST', `${GUEST}/${chat.id}/members/${chat.member.id}/messages`, {
    jwt: chat.jwt,
    body: { body: 'Hi there', bodyType: 'notice' },
  });
  await http(emulator, 'POST', `${GUEST}/${chat.id}/members/${chat.member.id}/typing`, { jwt: chat.jwt });
  assert.deepEqual(shape(await stream.conversationFrames(2, from), names), [
    message('<customer>', 'Hi there', 'notice'),
    typing('<customer>'),
  ]);

  // Agent side: ALERTING, CONNECTED, member-join, ACD DISCONNECTED, a message, typing.
  from = stream.frames.length;
  const joined = await agentApi(emulator, 'POST', `/conversations/${chat.id}/agent/join`, {
    displayName: 'Chen Wei',
  });
  names[(joined.body as { agent: { id: string } }).agent.id] = '<agent>';
  await agentApi(emulator, 'POST', `/conversations/${chat.id}/agent/typing`);
  await agentApi(emulator, 'POST', `/conversations/${chat.id}/agent/messages`, { body: 'Hello, Chen here' });
  assert.deepEqual(shape(await stream.conversationFrames(6, from), names), [
    memberChange('<agent>', 'ALERTING'),
    memberChange('<agent>', 'CONNECTED'),
    message('<agent>', '', 'member-join'),
    memberChange('<acd>', 'DISCONNECTED'),
    typing('<agent>'),
    message('<agent>', 'Hello, Chen here', 'standard'),
  ]);

  // Heartbeat (no metadata, no version) and the pong answer to a client ping (§9.5).
  const heartbeat = await stream.waitFor(
    (f) => f.topicName === 'channel.metadata' && f.eventBody.message === 'WebSocket Heartbeat',
  );
  assert.deepEqual(heartbeat, {
    topicName: 'channel.metadata',
    eventBody: { message: 'WebSocket Heartbeat' },
  });
  from = stream.frames.length;
  stream.send({ message: 'ping' });
  const pong = await stream.waitFor((f: JsonFrame) => f.eventBody.message === 'pong', { from });
  assert.deepEqual(pong, { topicName: 'channel.metadata', eventBody: { message: 'pong' } });

  // Every CorrelationId is unique.
  const ids = stream.frames.flatMap((f) => (f.metadata ? [f.metadata.CorrelationId] : []));
  assert.equal(new Set(ids).size, ids.length);
  await stream.close();
});

test('the 2022 path layout /chat/jwt/<jwt> is served too, and a bad token is refused with 401 before the upgrade', async () => {
  const chat = await createChat(emulator);
  const stream = await StreamClient.open(`${emulator.url.replace('http', 'ws')}/chat/jwt/${chat.jwt}`);
  const [first] = await stream.conversationFrames(1);
  assert.deepEqual(first?.eventBody.member, { id: chat.member.id, state: 'CONNECTED' });
  await stream.close();

  const refused = await StreamClient.open(`${emulator.url.replace('http', 'ws')}/v1/token/${chat.jwt}x`).then(
    () => 'opened',
    (error: unknown) => String(error),
  );
  assert.match(refused, /Unexpected server response: 401/);
});
