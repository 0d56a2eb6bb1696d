// §9.6 event sequences driven through the agent API: transfer (step 6) and the agent ending the chat (step 7).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { agentApi, attachedChat, conversationView, GUEST, http, kind, startTestEmulator } from './helpers.ts';

let emulator: RunningEmulator;
before(async () => {
  emulator = await startTestEmulator();
});
after(() => emulator.close());

test('transfer: new agent ALERTING, old agent DISCONNECTED + member-leave, new agent CONNECTED + member-join; the customer stays', async () => {
  const { chat, stream } = await attachedChat(emulator);
  const joined = await agentApi(emulator, 'POST', `/conversations/${chat.id}/agent/join`, {
    displayName: 'Alice Moreau',
  });
  const alice = (joined.body as { agent: { id: string } }).agent.id;
  const from = stream.frames.length;
  const transferred = await agentApi(emulator, 'POST', `/conversations/${chat.id}/transfer`, {});
  assert.equal(transferred.status, 200, transferred.text);
  const to = (transferred.body as { to: { id: string; displayName: string } }).to;
  assert.notEqual(to.displayName, 'Alice Moreau'); // routing picks another agent of the queue
  const frames = await stream.conversationFrames(5, from);
  assert.deepEqual(frames.map(kind), [
    `${to.id}:ALERTING`,
    `${alice}:DISCONNECTED`,
    `${alice}:member-leave`,
    `${to.id}:CONNECTED`,
    `${to.id}:member-join`,
  ]);
  // Clients tell a transfer from an end by the customer still being CONNECTED (§9.6 step 6).
  const me = await http(emulator, 'GET', `${GUEST}/${chat.id}/members/${chat.member.id}`, { jwt: chat.jwt });
  assert.equal((me.body as { state: string }).state, 'CONNECTED');
  const newAgent = await http(emulator, 'GET', `${GUEST}/${chat.id}/members/${to.id}`, { jwt: chat.jwt });
  assert.deepEqual(
    {
      role: (newAgent.body as { role: string }).role,
      displayName: (newAgent.body as { displayName: string }).displayName,
    },
    { role: 'AGENT', displayName: to.displayName },
  );
  // Transfer to a named agent, then to the same one again is refused.
  const named = await agentApi(emulator, 'POST', `/conversations/${chat.id}/transfer`, {
    displayName: 'Sam Ad-Hoc',
  });
  assert.equal((named.body as { to: { displayName: string } }).to.displayName, 'Sam Ad-Hoc');
  const same = await agentApi(emulator, 'POST', `/conversations/${chat.id}/transfer`, {
    displayName: 'sam ad-hoc',
  });
  assert.equal(same.status, 409);
  assert.equal((same.body as { error: { code: string } }).error.code, 'same_agent');
  // Messages still flow after the transfer.
  await http(emulator, 'POST', `${GUEST}/${chat.id}/members/${chat.member.id}/messages`, {
    jwt: chat.jwt,
    body: { body: 'still here' },
  });
  await agentApi(emulator, 'POST', `/conversations/${chat.id}/agent/messages`, { body: 'Sam here' });
  await stream.waitFor((f) => f.eventBody.body === 'Sam here');
  await stream.close();
});

test('agent leaves: agent DISCONNECTED + member-leave, then the customer DISCONNECTED; history and states agree', async () => {
  const { chat, stream } = await attachedChat(emulator);
  const joined = await agentApi(emulator, 'POST', `/conversations/${chat.id}/agent/join`, {});
  const agent = (joined.body as { agent: { id: string } }).agent.id;
  const from = stream.frames.length;
  await agentApi(emulator, 'POST', `/conversations/${chat.id}/agent/leave`);
  const frames = await stream.conversationFrames(3, from);
  assert.deepEqual(frames.map(kind), [
    `${agent}:DISCONNECTED`,
    `${agent}:member-leave`,
    `${chat.member.id}:DISCONNECTED`,
  ]);
  const view = await conversationView(emulator, chat.id);
  assert.equal(view.state, 'ended');
  assert.equal(view.endReason, 'agent-left');
  const me = await http(emulator, 'GET', `${GUEST}/${chat.id}/members/${chat.member.id}`, { jwt: chat.jwt });
  assert.equal((me.body as { state: string }).state, 'DISCONNECTED');
  await stream.close();
});
