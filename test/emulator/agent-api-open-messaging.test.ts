// The agent API and console handle Open Messaging chats exactly like guest chats: one list with a
// `kind`, the same join / offer / accept / reject / message / typing / transfer / leave, the same
// routing data and custom attributes; the console page carries the Open Messaging controls.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { agentApi, attachedChat, conversationView } from './helpers.ts';
import { inboundMessage, sendInbound, startOpenMessaging } from './platform-helpers.ts';

let emulator: RunningEmulator;
let token: string;
let integrationId: string;
before(async () => {
  ({ emulator, token, integrationId } = await startOpenMessaging());
});
after(() => emulator.close());

test('one list with both kinds; ?kind= filters', async () => {
  const { chat, stream } = await attachedChat(emulator);
  const om = await sendInbound(
    emulator,
    token,
    integrationId,
    inboundMessage('agent-api-1', 'hi', { attributes: { plan: 'gold' } }),
  );
  try {
    const all = (await agentApi(emulator, 'GET', '/conversations')).body as { entities: any[] };
    const kinds = new Map(all.entities.map((c) => [c.id, c.kind]));
    assert.equal(kinds.get(chat.id), 'guest-chat');
    assert.equal(kinds.get(om.conversationId), 'open-messaging');
    const guestOnly = (await agentApi(emulator, 'GET', '/conversations?kind=guest-chat')).body as {
      entities: any[];
    };
    assert.ok(guestOnly.entities.every((c) => c.kind === 'guest-chat'));
    const omOnly = (await agentApi(emulator, 'GET', '/conversations?kind=open-messaging&state=queued'))
      .body as { entities: any[] };
    const listed = omOnly.entities.find((c) => c.id === om.conversationId);
    assert.equal(listed.integrationId, integrationId);
    assert.equal(listed.deploymentId, undefined);
    assert.deepEqual(listed.customer.customFields, { plan: 'gold' });
    assert.deepEqual(listed.routing, { skills: [], priority: 0 });
    const bad = await agentApi(emulator, 'GET', '/conversations?kind=sms');
    assert.equal(bad.status, 400);
    assert.equal((bad.body as any).error.code, 'validation_failed');
  } finally {
    await stream.close();
  }
});

test('offer, reject (back to the queue), accept, message, typing, transfer, leave on an OM chat', async () => {
  const om = await sendInbound(emulator, token, integrationId, inboundMessage('agent-api-2', 'hi'));
  const id = om.conversationId as string;
  const offered = await agentApi(emulator, 'POST', `/conversations/${id}/agent/offer`, {
    displayName: 'Alice Moreau',
  });
  assert.equal((offered.body as any).conversation.state, 'alerting');
  const rejected = await agentApi(emulator, 'POST', `/conversations/${id}/agent/reject`, {});
  assert.equal((rejected.body as any).conversation.state, 'queued');
  const queues = (await agentApi(emulator, 'GET', '/queues')).body as { entities: any[] };
  assert.ok(queues.entities.find((q) => q.name === 'Support').waiting.some((w: any) => w.id === id));
  await agentApi(emulator, 'POST', `/conversations/${id}/agent/offer`, { displayName: 'Bruno Schmidt' });
  const accepted = await agentApi(emulator, 'POST', `/conversations/${id}/agent/accept`, {});
  assert.equal((accepted.body as any).agent.state, 'CONNECTED');
  assert.equal(
    (await agentApi(emulator, 'POST', `/conversations/${id}/agent/messages`, { body: 'Hello' })).status,
    200,
  );
  assert.equal((await agentApi(emulator, 'POST', `/conversations/${id}/agent/typing`)).status, 200);
  const transferred = await agentApi(emulator, 'POST', `/conversations/${id}/transfer`, {
    displayName: 'Chen Wei',
  });
  assert.equal((transferred.body as any).to.displayName, 'Chen Wei');
  assert.equal((await agentApi(emulator, 'POST', `/conversations/${id}/agent/leave`)).status, 200);
  const view = await conversationView(emulator, id);
  assert.equal(view.state, 'ended');
  assert.equal(view.endReason, 'agent-left');
  assert.deepEqual(
    view.members.filter((m) => m.role === 'AGENT').map((m: any) => `${m.displayName}:${m.disconnectCause}`),
    ['Alice Moreau:reject', 'Bruno Schmidt:transfer', 'Chen Wei:self'],
  );
});

test('accept or reject without an alerting agent is 409 agent_not_alerting; bad bodies are 400', async () => {
  const om = await sendInbound(emulator, token, integrationId, inboundMessage('agent-api-3', 'hi'));
  for (const action of ['accept', 'reject']) {
    const result = await agentApi(
      emulator,
      'POST',
      `/conversations/${om.conversationId}/agent/${action}`,
      {},
    );
    assert.equal(result.status, 409, result.text);
    assert.equal((result.body as any).error.code, 'agent_not_alerting');
    const bad = await agentApi(emulator, 'POST', `/conversations/${om.conversationId}/agent/${action}`, {
      agentId: 7,
    });
    assert.equal(bad.status, 400);
    assert.equal((bad.body as any).error.code, 'validation_failed');
  }
});

test('a guest chat can be declined too (offer + reject requeues it)', async () => {
  const { chat, stream } = await attachedChat(emulator);
  try {
    await agentApi(emulator, 'POST', `/conversations/${chat.id}/agent/offer`, {});
    const rejected = await agentApi(emulator, 'POST', `/conversations/${chat.id}/agent/reject`, {});
    assert.equal((rejected.body as any).conversation.state, 'queued');
    const frames = await stream.waitFor(
      (f) => f.metadata?.type === 'member-change' && (f.eventBody.member as any).state === 'DISCONNECTED',
    );
    assert.ok(frames);
  } finally {
    await stream.close();
  }
});

test('the console page has the Open Messaging controls', async () => {
  const html = await (await fetch(`${emulator.url}/console/`)).text();
  for (const id of ['attach-file', 'chat-kind']) assert.ok(html.includes(`id="${id}"`), id);
  const render = await (await fetch(`${emulator.url}/console/render.js`)).text();
  assert.ok(render.includes('Decline chat with'));
});
