// The auto-agent: accepts each chat after acceptDelayMs (ALERTING → CONNECTED + greeting), answers every
// customer message (typing, then a reply), and understands "/transfer" and "/leave".
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { attachedChat, conversationView, GUEST, http, kind, startTestEmulator } from './helpers.ts';

let emulator: RunningEmulator;
before(async () => {
  emulator = await startTestEmulator({ autoAgent: { acceptDelayMs: 20, replyDelayMs: 10 } });
});
after(() => emulator.close());

const isAgentMessage =
  (customerId: string) => (f: { metadata?: { type: string }; eventBody: Record<string, unknown> }) =>
    f.metadata?.type === 'message' &&
    f.eventBody.bodyType === 'standard' &&
    (f.eventBody.sender as { id: string }).id !== customerId;

test('accepts the chat, greets, replies to each message, transfers and leaves on command', async () => {
  const { chat, stream } = await attachedChat(emulator);
  const greeting = await stream.waitFor(isAgentMessage(chat.member.id));
  assert.match(String(greeting.eventBody.body), /^Hi Jo Guest, this is .+\. How can I help\?$/);
  const agentId = (greeting.eventBody.sender as { id: string }).id;
  const sequence = stream.frames.filter((f) => f.topicName !== 'channel.metadata').map(kind);
  const acdId = (stream.frames[2]!.eventBody.member as { id: string }).id;
  assert.deepEqual(sequence.slice(3, 8), [
    `${agentId}:ALERTING`,
    `${agentId}:CONNECTED`,
    `${agentId}:member-join`,
    `${acdId}:DISCONNECTED`,
    `${agentId}:standard`,
  ]);

  const send = (body: string) =>
    http(emulator, 'POST', `${GUEST}/${chat.id}/members/${chat.member.id}/messages`, {
      jwt: chat.jwt,
      body: { body },
    });
  let from = stream.frames.length;
  await send('Where is my parcel?');
  const reply = await stream.waitFor((f) => f.eventBody.body === 'You said: "Where is my parcel?"', { from });
  assert.equal((reply.eventBody.sender as { id: string }).id, agentId);
  const typingIndex = stream.frames.findIndex(
    (f, i) =>
      i >= from &&
      f.metadata?.type === 'typing-indicator' &&
      (f.eventBody.sender as { id: string }).id === agentId,
  );
  assert.ok(
    typingIndex >= 0 && typingIndex < stream.frames.indexOf(reply),
    'the agent types before replying',
  );

  from = stream.frames.length;
  await send('/transfer');
  const joinedAgain = await stream.waitFor((f) => f.eventBody.bodyType === 'member-join', { from });
  const newAgent = (joinedAgain.eventBody.sender as { id: string }).id;
  assert.notEqual(newAgent, agentId);
  assert.equal((await conversationView(emulator, chat.id)).state, 'connected');

  from = stream.frames.length;
  await send('/leave');
  await stream.waitFor((f) => kind(f) === `${chat.member.id}:DISCONNECTED`, { from });
  const view = await conversationView(emulator, chat.id);
  assert.equal(view.endReason, 'agent-left');
  await stream.close();
});

test('serves many chats at once', async () => {
  const chats = await Promise.all(Array.from({ length: 20 }, () => attachedChat(emulator)));
  await Promise.all(chats.map(({ chat, stream }) => stream.waitFor(isAgentMessage(chat.member.id))));
  for (const { stream } of chats) await stream.close();
});
