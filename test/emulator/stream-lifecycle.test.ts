// Socket loss, grace period and re-opening the same eventStreamUri (§9.7): the guest survives a short
// drop, missed events are not replayed (history has them), and a guest gone longer than the grace
// period is disconnected.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import {
  agentApi,
  attachedChat,
  conversationView,
  createChat,
  GUEST,
  http,
  kind,
  startTestEmulator,
  StreamClient,
} from './helpers.ts';
import { waitFor } from '../support/wait-for.ts';

let emulator: RunningEmulator;
before(async () => {
  emulator = await startTestEmulator({ disconnectGraceMs: 300 });
});
after(() => emulator.close());

test('re-opening the same eventStreamUri within the grace period keeps the chat, without replay', async () => {
  const { chat, stream } = await attachedChat(emulator);
  await agentApi(emulator, 'POST', `/conversations/${chat.id}/agent/join`, {});
  await stream.close();
  await waitFor(async () => (await conversationView(emulator, chat.id)).attachedStreams === 0, {
    timeoutMs: 5_000,
    what: 'no stream attached',
  });

  const missed = await agentApi(emulator, 'POST', `/conversations/${chat.id}/agent/messages`, {
    body: 'sent while you were away',
  });
  assert.equal(missed.status, 200);

  const again = await StreamClient.open(chat.eventStreamUri);
  const marker = await agentApi(emulator, 'POST', `/conversations/${chat.id}/agent/messages`, {
    body: 'after reconnect',
  });
  assert.equal(marker.status, 200);
  await again.waitFor((f) => f.eventBody.body === 'after reconnect');
  // Only the new message arrived: no replay of the missed one, no second join sequence.
  assert.deepEqual(
    again.frames.filter((f) => f.topicName !== 'channel.metadata').map((f) => f.eventBody.body),
    ['after reconnect'],
  );
  // The missed message is in the history (§9.7: recover with GET messages?after=<last seen id>).
  const history = await http(
    emulator,
    'GET',
    `${GUEST}/${chat.id}/messages?sortOrder=descending&maxResults=2`,
    { jwt: chat.jwt },
  );
  assert.deepEqual(
    (history.body as { entities: { body: string }[] }).entities.map((m) => m.body),
    ['after reconnect', 'sent while you were away'],
  );
  // Two sockets at once are fine too; both get events.
  const third = await StreamClient.open(chat.eventStreamUri);
  await http(emulator, 'POST', `${GUEST}/${chat.id}/members/${chat.member.id}/typing`, { jwt: chat.jwt });
  await again.waitFor((f) => f.metadata?.type === 'typing-indicator');
  await third.waitFor((f) => f.metadata?.type === 'typing-indicator');
  assert.equal((await conversationView(emulator, chat.id)).state, 'connected');
  await third.close();
  await again.close();
});

test('a guest without a stream for longer than the grace period is disconnected', async () => {
  const { chat, stream } = await attachedChat(emulator);
  await agentApi(emulator, 'POST', `/conversations/${chat.id}/agent/join`, {});
  await stream.close();
  const view = await waitFor(
    async () => {
      const v = await conversationView(emulator, chat.id);
      return v.state === 'ended' ? v : undefined;
    },
    { timeoutMs: 5_000, what: 'conversation ended' },
  );
  assert.equal(view.endReason, 'customer-abandoned');
  assert.ok(view.members.every((m) => m.state === 'DISCONNECTED'));
  assert.deepEqual(
    view.messages.map((m) => `${m.senderRole}:${m.bodyType}`),
    ['CUSTOMER:member-join', 'AGENT:member-join', 'CUSTOMER:member-leave'],
  );
  const late = await http(emulator, 'POST', `${GUEST}/${chat.id}/members/${chat.member.id}/messages`, {
    jwt: chat.jwt,
    body: { body: 'hello?' },
  });
  assert.equal((late.body as { code: string }).code, 'chat.error.conversation.state');
});

test('a chat whose stream is never attached is dropped after the grace period too', async () => {
  const chat = await createChat(emulator);
  const view = await waitFor(
    async () => {
      const v = await conversationView(emulator, chat.id);
      return v.state === 'ended' ? v : undefined;
    },
    { timeoutMs: 5_000, what: 'conversation ended' },
  );
  assert.equal(view.endReason, 'customer-abandoned');
});

test('DELETE own member: 204, customer DISCONNECTED + member-leave, the agent is disconnected too', async () => {
  const { chat, stream } = await attachedChat(emulator);
  const joined = await agentApi(emulator, 'POST', `/conversations/${chat.id}/agent/join`, {});
  const agentId = (joined.body as { agent: { id: string } }).agent.id;
  const from = stream.frames.length;
  const deleted = await http(emulator, 'DELETE', `${GUEST}/${chat.id}/members/${chat.member.id}`, {
    jwt: chat.jwt,
  });
  assert.equal(deleted.status, 204);
  assert.equal(deleted.text, '');
  const frames = await stream.conversationFrames(3, from);
  assert.deepEqual(frames.map(kind), [
    `${chat.member.id}:DISCONNECTED`,
    `${chat.member.id}:member-leave`,
    `${agentId}:DISCONNECTED`,
  ]);
  const again = await http(emulator, 'DELETE', `${GUEST}/${chat.id}/members/${chat.member.id}`, {
    jwt: chat.jwt,
  });
  assert.equal((again.body as { code: string }).code, 'chat.error.conversation.state');
  // The emulator closes the sockets of an ended chat after the grace period ([U] §9.7).
  assert.equal((await stream.closed()).code, 1000);
});

test('dropping streams (fault) kills the socket abnormally; the chat stays active and can be re-attached', async () => {
  const { chat, stream } = await attachedChat(emulator);
  const dropped = await agentApi(emulator, 'POST', '/faults', {
    kind: 'drop-streams',
    conversationId: chat.id,
  });
  assert.deepEqual(dropped.body, { dropped: 1 });
  assert.equal((await stream.closed()).code, 1006);
  const again = await StreamClient.open(chat.eventStreamUri);
  const sent = await http(emulator, 'POST', `${GUEST}/${chat.id}/members/${chat.member.id}/messages`, {
    jwt: chat.jwt,
    body: { body: 'back' },
  });
  assert.equal(sent.status, 200);
  await again.waitFor((f) => f.eventBody.body === 'back');
  await again.close();
});
