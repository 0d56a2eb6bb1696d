// The conversations API of an Open Messaging conversation (OM doc §5, §6) and GET user (§4.6):
// participants with purpose, state, disconnectType, user, queue, conversationRoutingData and
// attributes; disconnecting the customer participant; participant attributes; users with images.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { agentApi, conversationView, createChat, UUID } from './helpers.ts';
import {
  assertErrorBody,
  inboundMessage,
  platform,
  sendInbound,
  startOpenMessaging,
} from './platform-helpers.ts';

let emulator: RunningEmulator;
let token: string;
let integrationId: string;
before(async () => {
  ({ emulator, token, integrationId } = await startOpenMessaging());
});
after(() => emulator.close());

const CONVERSATIONS = '/api/v2/conversations/messages';

async function getConversation(id: string): Promise<Record<string, any>> {
  const result = await platform(emulator, token, 'GET', `${CONVERSATIONS}/${id}`);
  assert.equal(result.status, 200, result.text);
  return result.body as Record<string, any>;
}

const byPurpose = (conversation: Record<string, any>, purpose: string): Record<string, any>[] =>
  conversation.participants.filter((p: any) => p.purpose === purpose);

/** The first participant with that purpose (the test fails if there is none). */
function first(conversation: Record<string, any>, purpose: string): Record<string, any> {
  const found = byPurpose(conversation, purpose)[0];
  assert.ok(found, `no ${purpose} participant`);
  return found;
}

async function routedChat(fromId: string, attributes: Record<string, string> = {}): Promise<string> {
  const answer = await sendInbound(
    emulator,
    token,
    integrationId,
    inboundMessage(fromId, 'hello', { attributes }),
  );
  return answer.conversationId as string;
}

test('GET conversation: participants with purpose, state, user, queue, routing data and attributes', async () => {
  const id = await routedChat('conv-1', {
    hg_queue: 'Sales',
    hg_language: 'Italian',
    hg_skills: 'sales',
    hg_priority: '7',
    plan: 'gold',
  });
  const joined = await agentApi(emulator, 'POST', `/conversations/${id}/agent/join`, {});
  assert.equal(joined.status, 200, joined.text);
  const conversation = await getConversation(id);
  assert.equal(conversation.id, id);
  assert.equal(conversation.selfUri, `${CONVERSATIONS}/${id}`);
  assert.deepEqual(
    conversation.participants.map((p: any) => `${p.purpose}:${p.state}:${p.disconnectType ?? '-'}`),
    [
      'customer:connected:-',
      'workflow:disconnected:transfer',
      'acd:disconnected:transfer',
      'agent:connected:-',
    ],
  );
  const customer = first(conversation, 'customer');
  assert.equal(customer.address, 'conv-1');
  assert.equal(customer.name, 'Alex');
  assert.deepEqual(customer.attributes, {
    hg_queue: 'Sales',
    hg_language: 'Italian',
    hg_skills: 'sales',
    hg_priority: '7',
    plan: 'gold',
  });
  assert.deepEqual(
    customer.messages.map((m: any) => m.messageStatus),
    ['received'],
  );
  const agent = first(conversation, 'agent');
  const queues = (await agentApi(emulator, 'GET', '/queues')).body as {
    entities: { id: string; name: string }[];
  };
  const salesId = queues.entities.find((q) => q.name === 'Sales')?.id;
  assert.match(agent.user.id, UUID);
  assert.equal(agent.user.name, 'Dana Rossi');
  assert.deepEqual(agent.queue, {
    id: salesId,
    name: 'Sales',
    selfUri: `/api/v2/routing/queues/${salesId}`,
  });
  assert.ok(agent.connectedTime);
  assert.equal(agent.wrapupRequired, true);
  const routing = agent.conversationRoutingData;
  assert.equal(routing.queue.id, salesId);
  assert.equal(routing.priority, 7);
  assert.match(routing.language.id, UUID);
  assert.equal(routing.skills.length, 1);
  assert.match(routing.skills[0].id, UUID);
  assert.deepEqual(first(conversation, 'acd').conversationRoutingData, routing);
});

test('GET user: the agent name and images (§4.6)', async () => {
  const id = await routedChat('conv-user');
  await agentApi(emulator, 'POST', `/conversations/${id}/agent/join`, { displayName: 'Bruno Schmidt' });
  const agent = first(await getConversation(id), 'agent');
  const user = await platform(emulator, token, 'GET', `/api/v2/users/${agent.user.id}?expand=presence`);
  assert.equal(user.status, 200, user.text);
  const body = user.body as Record<string, any>;
  assert.equal(body.name, 'Bruno Schmidt');
  assert.equal(body.state, 'active');
  assert.ok(body.images.length > 0);
  assert.ok(body.images.every((i: any) => i.imageUri.endsWith('/emulator/v1/avatars/bruno-schmidt.svg')));
  const image = await fetch(body.images[0].imageUri);
  assert.equal(image.headers.get('content-type'), 'image/svg+xml');
  assertErrorBody(await platform(emulator, token, 'GET', '/api/v2/users/no-such-user'), 404, 'not.found');
});

test('an ad-hoc agent is a user too', async () => {
  const id = await routedChat('conv-adhoc');
  await agentApi(emulator, 'POST', `/conversations/${id}/agent/join`, { displayName: 'Zoe Visitor' });
  const agent = first(await getConversation(id), 'agent');
  const user = await platform(emulator, token, 'GET', `/api/v2/users/${agent.user.id}`);
  assert.equal((user.body as { name: string }).name, 'Zoe Visitor');
});

test('PATCH the customer participant to disconnected ends the conversation (§5); again is a no-op', async () => {
  const id = await routedChat('conv-end');
  await agentApi(emulator, 'POST', `/conversations/${id}/agent/join`, {});
  const customer = first(await getConversation(id), 'customer');
  const patched = await platform(
    emulator,
    token,
    'PATCH',
    `${CONVERSATIONS}/${id}/participants/${customer.id}`,
    {
      state: 'disconnected',
    },
  );
  assert.equal(patched.status, 202, patched.text);
  assert.equal(patched.text, '');
  const after = await getConversation(id);
  assert.equal(first(after, 'customer').state, 'disconnected');
  assert.equal(first(after, 'customer').disconnectType, 'client');
  assert.equal(first(after, 'agent').disconnectType, 'peer');
  assert.equal((await conversationView(emulator, id)).state, 'ended');
  const again = await platform(
    emulator,
    token,
    'PATCH',
    `${CONVERSATIONS}/${id}/participants/${customer.id}`,
    {
      state: 'disconnected',
    },
  );
  assert.equal(again.status, 202);
});

test('the agent ends, transfers or rejects: disconnectType client, transfer and (by default) client', async () => {
  const ended = await routedChat('conv-agent-end');
  await agentApi(emulator, 'POST', `/conversations/${ended}/agent/join`, {});
  await agentApi(emulator, 'POST', `/conversations/${ended}/agent/leave`);
  let conversation = await getConversation(ended);
  assert.equal(first(conversation, 'agent').disconnectType, 'client');
  assert.equal(first(conversation, 'customer').disconnectType, 'peer');

  const transferred = await routedChat('conv-transfer');
  await agentApi(emulator, 'POST', `/conversations/${transferred}/agent/join`, {});
  await agentApi(emulator, 'POST', `/conversations/${transferred}/transfer`, {});
  conversation = await getConversation(transferred);
  assert.deepEqual(
    byPurpose(conversation, 'agent').map((a) => `${a.state}:${a.disconnectType ?? '-'}`),
    ['disconnected:transfer', 'connected:-'],
  );

  const rejected = await routedChat('conv-reject');
  const offered = await agentApi(emulator, 'POST', `/conversations/${rejected}/agent/offer`, {});
  assert.equal((offered.body as any).agent.state, 'ALERTING');
  assert.equal(first(await getConversation(rejected), 'agent').state, 'alerting');
  const declined = await agentApi(emulator, 'POST', `/conversations/${rejected}/agent/reject`, {});
  assert.equal(declined.status, 200, declined.text);
  assert.equal((declined.body as any).conversation.state, 'queued');
  conversation = await getConversation(rejected);
  const agent = first(conversation, 'agent');
  assert.equal(agent.disconnectType, 'client');
  assert.equal(agent.connectedTime, undefined, 'a rejecting agent was never connected');
  assert.equal(agent.wrapupRequired, false);
  assert.equal(first(conversation, 'acd').state, 'connected');
});

test('PATCH attributes merges into the participant data and answers all of it (§6)', async () => {
  const id = await routedChat('conv-attrs', { a: '1' });
  const customer = first(await getConversation(id), 'customer');
  const patched = await platform(
    emulator,
    token,
    'PATCH',
    `${CONVERSATIONS}/${id}/participants/${customer.id}/attributes`,
    {
      attributes: { b: '2', a: 'one' },
    },
  );
  assert.equal(patched.status, 200, patched.text);
  assert.deepEqual(patched.body, { attributes: { a: 'one', b: '2' } });
  assert.deepEqual(first(await getConversation(id), 'customer').attributes, { a: 'one', b: '2' });
  const view = (await conversationView(emulator, id)) as unknown as { customer: { customFields: unknown } };
  assert.deepEqual(view.customer.customFields, { a: 'one', b: '2' });
});

test('PATCH conversation state disconnected disconnects everybody', async () => {
  const id = await routedChat('conv-all');
  const patched = await platform(emulator, token, 'PATCH', `${CONVERSATIONS}/${id}`, {
    state: 'disconnected',
  });
  assert.equal(patched.status, 200, patched.text);
  assert.ok((patched.body as any).participants.every((p: any) => p.state === 'disconnected'));
});

test('errors: guest chats are no message conversations, unknown ids, unsupported states', async () => {
  const guest = await createChat(emulator);
  assertErrorBody(await platform(emulator, token, 'GET', `${CONVERSATIONS}/${guest.id}`), 404, 'not.found');
  assertErrorBody(await platform(emulator, token, 'GET', `${CONVERSATIONS}/nope`), 404, 'not.found');
  const id = await routedChat('conv-errors');
  const conversation = await getConversation(id);
  assertErrorBody(
    await platform(emulator, token, 'PATCH', `${CONVERSATIONS}/${id}/participants/nope`, {
      state: 'disconnected',
    }),
    404,
    'not.found',
  );
  const customer = first(conversation, 'customer');
  const acd = first(conversation, 'acd');
  const connected = await platform(
    emulator,
    token,
    'PATCH',
    `${CONVERSATIONS}/${id}/participants/${customer.id}`,
    {
      state: 'connected',
    },
  );
  assert.deepEqual(assertErrorBody(connected, 400, 'bad.request').details, [{ fieldName: 'state' }]);
  assertErrorBody(
    await platform(emulator, token, 'PATCH', `${CONVERSATIONS}/${id}/participants/${acd.id}`, {
      state: 'disconnected',
    }),
    400,
    'bad.request',
  );
  const badAttributes = await platform(
    emulator,
    token,
    'PATCH',
    `${CONVERSATIONS}/${id}/participants/${customer.id}/attributes`,
    {
      attributes: { n: 1 },
    },
  );
  assert.deepEqual(assertErrorBody(badAttributes, 400, 'bad.request').details, [
    { fieldName: 'attributes.n' },
  ]);
  assertErrorBody(
    await platform(emulator, token, 'PATCH', `${CONVERSATIONS}/${id}`, { state: 'connected' }),
    400,
    'bad.request',
  );
  assert.equal((await conversationView(emulator, id)).state, 'queued', 'nothing changed');
});
