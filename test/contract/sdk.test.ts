// Contract: Genesys' official SDK (purecloud-guest-chat-client 13.2.0) drives every guest operation
// of the emulator, including the error paths, exactly as a production client would (§13).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { agentApi, startTestEmulator, StreamClient, UUID } from '../emulator/helpers.ts';
import {
  applyRedactedHeaderWorkaround,
  defaultHeaders,
  rejection,
  sdkFor,
  type ExtendedResponse,
  type Sdk,
  type WebChatApi,
} from './sdk-client.ts';

let emulator: RunningEmulator;
let api: WebChatApi;
let client: Sdk['ApiClient'];
const streams: StreamClient[] = [];

before(async () => {
  emulator = await startTestEmulator({
    deployments: { 'dep-disabled': { disabled: true }, 'dep-auth': { requireAuth: true } },
  });
  ({ api, client } = sdkFor(emulator.url));
});
after(async () => {
  for (const s of streams) await s.close();
  await emulator.close();
});

const request = (overrides: Partial<Record<string, unknown>> = {}) =>
  ({
    organizationId: 'org-1',
    deploymentId: 'dep-1',
    routingTarget: { targetType: 'QUEUE', targetAddress: 'Support' },
    memberInfo: { displayName: 'Jo Guest', customFields: { customerId: 'c-42' } },
    ...overrides,
  }) as Parameters<WebChatApi['postWebchatGuestConversations']>[0];

/** Create through the SDK, install the JWT, apply the §13.4 workaround; optionally attach the stream. */
async function newChat(options: { attach?: boolean } = {}) {
  client.setReturnExtendedResponses(false);
  const created = await api.postWebchatGuestConversations(request());
  client.setJwt(created.jwt!);
  applyRedactedHeaderWorkaround(client);
  let stream: StreamClient | undefined;
  if (options.attach !== false) {
    stream = await StreamClient.open(created.eventStreamUri!);
    streams.push(stream);
    await stream.conversationFrames(3);
  }
  return { id: created.id!, memberId: created.member!.id!, jwt: created.jwt!, stream };
}

test('create, members, member, send, typing, history, one message and leave through the SDK', async () => {
  const chat = await newChat();
  assert.match(chat.id, UUID);

  const members = await api.getWebchatGuestConversationMembers(chat.id);
  assert.equal(members.pageSize, 25);
  assert.equal(members.pageNumber, 1);
  assert.equal(members.total, 2);
  assert.deepEqual(
    members.entities?.map((m) => `${m.role}:${m.state}`),
    ['CUSTOMER:CONNECTED', 'ACD:CONNECTED'],
  );

  const me = await api.getWebchatGuestConversationMember(chat.id, chat.memberId);
  assert.equal(me.displayName, 'Jo Guest');
  assert.equal(me.role, 'CUSTOMER');
  assert.deepEqual(me.customFields, { customerId: 'c-42' });

  const sent = await api.postWebchatGuestConversationMemberMessages(chat.id, chat.memberId, {
    body: 'Hello',
    bodyType: 'standard',
  });
  assert.equal(sent.body, 'Hello');
  assert.equal(sent.bodyType, 'standard');
  assert.deepEqual(sent.sender, { id: chat.memberId });
  assert.deepEqual(sent.conversation, { id: chat.id, selfUri: `/api/v2/conversations/${chat.id}` });
  assert.equal(sent.selfUri, `/api/v2/webchat/guest/conversations/${chat.id}/messages/${sent.id!}`);

  // §13.4 item 3: the body-less typing POST still carries Content-Type: application/json.
  const typing = await api.postWebchatGuestConversationMemberTyping(chat.id, chat.memberId);
  assert.match(typing.id, UUID);
  assert.deepEqual(typing.sender, { id: chat.memberId });

  // §13.4 item 2: unset options go out as empty values (after=&before=&…) and mean "absent".
  const history = await api.getWebchatGuestConversationMessages(chat.id);
  assert.deepEqual(
    history.entities?.map((m) => m.bodyType),
    ['member-join', 'standard'],
  );
  assert.equal(history.next, undefined);
  const newest = await api.getWebchatGuestConversationMessages(chat.id, {
    sortOrder: 'descending',
    maxResults: 1,
  });
  assert.equal(newest.entities?.[0]?.id, sent.id);
  assert.equal(
    newest.next,
    `/api/v2/webchat/guest/conversations/${chat.id}/messages?before=${sent.id!}&sortOrder=descending&maxResults=1`,
  );

  const one = await api.getWebchatGuestConversationMessage(chat.id, sent.id!);
  assert.equal(one.body, 'Hello');

  const from = chat.stream!.frames.length;
  const left = await api.deleteWebchatGuestConversationMember(chat.id, chat.memberId);
  assert.equal(left, undefined); // 204 → undefined (§5.8)
  await chat.stream!.waitFor(
    (f) => f.metadata?.type === 'message' && f.eventBody.bodyType === 'member-leave',
    { from },
  );
  const afterLeave = await api.getWebchatGuestConversationMember(chat.id, chat.memberId);
  assert.equal(afterLeave.state, 'DISCONNECTED');
  assert.ok(afterLeave.leaveDate);
});

test('sending before the event stream is attached is rejected with chat.error.conversation.state', async () => {
  const chat = await newChat({ attach: false });
  const error = await rejection(
    api.postWebchatGuestConversationMemberMessages(chat.id, chat.memberId, { body: 'too early' }),
  );
  assert.equal(error.status, 400);
  assert.equal(error.code, 'chat.error.conversation.state');
  assert.deepEqual(error.messageParams, { message: 'The conversation is not active' });
});

test('unknown member and unknown message are 404 chat.error.not.found', async () => {
  const chat = await newChat();
  const member = await rejection(
    api.getWebchatGuestConversationMember(chat.id, '00000000-0000-4000-8000-000000000000'),
  );
  assert.equal(member.status, 404);
  assert.equal(member.code, 'chat.error.not.found');
  assert.equal(member.message, 'The web chat conversation member was not found.');
  const message = await rejection(api.getWebchatGuestConversationMessage(chat.id, 'no-such-message'));
  assert.equal(message.status, 404);
  assert.equal(message.code, 'chat.error.not.found');
  assert.equal(message.message, 'The web chat conversation message was not found.');
});

test('a body of 4,000 characters is accepted, 4,001 is 400 constraint.validation', async () => {
  const chat = await newChat();
  const ok = await api.postWebchatGuestConversationMemberMessages(chat.id, chat.memberId, {
    body: 'x'.repeat(4000),
  });
  assert.equal(ok.body.length, 4000);
  const error = await rejection(
    api.postWebchatGuestConversationMemberMessages(chat.id, chat.memberId, { body: 'x'.repeat(4001) }),
  );
  assert.equal(error.status, 400);
  assert.equal(error.code, 'constraint.validation');
});

test('create errors: invalid queue, disabled deployment, deployment requiring auth', async () => {
  const queue = await rejection(
    api.postWebchatGuestConversations(
      request({ routingTarget: { targetType: 'QUEUE', targetAddress: 'No Such Queue' } }),
    ),
  );
  assert.equal(queue.status, 400);
  assert.equal(queue.code, 'chat.error.invalid.queue');
  const disabled = await rejection(
    api.postWebchatGuestConversations(request({ deploymentId: 'dep-disabled' })),
  );
  assert.equal(disabled.code, 'chat.deployment.disabled');
  const auth = await rejection(api.postWebchatGuestConversations(request({ deploymentId: 'dep-auth' })));
  assert.equal(auth.code, 'chat.deployment.require.auth');
  const badAuth = await rejection(
    api.postWebchatGuestConversations(request({ deploymentId: 'dep-auth', memberAuthToken: 'not a jwt' })),
  );
  assert.equal(badAuth.code, 'chat.deployment.bad.auth');
  const authed = await api.postWebchatGuestConversations(
    request({ deploymentId: 'dep-auth', memberAuthToken: 'eyJh.eyJz.c2ln' }),
  );
  client.setJwt(authed.jwt!);
  applyRedactedHeaderWorkaround(client);
  const member = await api.getWebchatGuestConversationMember(authed.id!, authed.member!.id!);
  assert.equal(member.authenticatedGuest, true);
});

test('lower-case targetType "queue" is accepted (§4)', async () => {
  const created = await api.postWebchatGuestConversations(
    request({ routingTarget: { targetType: 'queue', targetAddress: 'Sales' } }),
  );
  assert.match(created.id!, UUID);
});

test('a wrong JWT is 401 and a JWT of another conversation is 403 not.authorized', async () => {
  const first = await newChat({ attach: false });
  const second = await newChat({ attach: false });
  client.setJwt('not-a-jwt');
  const wrong = await rejection(api.getWebchatGuestConversationMembers(first.id));
  assert.equal(wrong.status, 401);
  assert.equal(wrong.code, 'bad.credentials');
  client.setJwt(second.jwt);
  const other = await rejection(api.getWebchatGuestConversationMembers(first.id));
  assert.equal(other.status, 403);
  assert.equal(other.code, 'not.authorized');
});

test('without the §13.4 workaround the SDK sends Authorization: [REDACTED] and gets 401', async () => {
  const created = await api.postWebchatGuestConversations(request());
  client.setJwt(created.jwt!);
  assert.equal(defaultHeaders(client).Authorization, '[REDACTED]');
  const error = await rejection(api.getWebchatGuestConversationMembers(created.id!));
  assert.equal(error.status, 401);
  applyRedactedHeaderWorkaround(client);
  const members = await api.getWebchatGuestConversationMembers(created.id!);
  assert.equal(members.total, 1);
});

test('a 429 fault is visible with its Retry-After header through extended responses', async () => {
  const chat = await newChat();
  const fault = await agentApi(emulator, 'POST', '/faults', {
    kind: 'http-error',
    status: 429,
    count: 1,
    retryAfterSeconds: 7,
  });
  assert.equal(fault.status, 201, fault.text);
  client.setReturnExtendedResponses(true);
  try {
    const error = (await rejection(
      api.getWebchatGuestConversationMembers(chat.id),
    )) as unknown as ExtendedResponse;
    assert.equal(error.status, 429);
    assert.equal(error.headers['retry-after'], '7');
    const body = error.body as Record<string, unknown>;
    assert.equal(body.code, 'too.many.requests.retry.after');
    assert.equal(body.message, 'Rate limit exceeded the maximum. Retry the request in [7] seconds');
    assert.equal(body.contextId, error.headers['inin-correlation-id']);
    // One use only: the next call goes through.
    const next = (await api.getWebchatGuestConversationMembers(chat.id)) as unknown as ExtendedResponse;
    assert.equal(next.status, 200);
  } finally {
    client.setReturnExtendedResponses(false);
  }
});

test('members paging with pageSize, pageNumber and excludeDisconnectedMembers', async () => {
  const chat = await newChat();
  await agentApi(emulator, 'POST', `/conversations/${chat.id}/agent/join`, { displayName: 'Alice Moreau' });
  // Members now: customer CONNECTED, ACD DISCONNECTED, agent CONNECTED.
  const page2 = await api.getWebchatGuestConversationMembers(chat.id, { pageSize: 2, pageNumber: 2 });
  assert.equal(page2.total, 3);
  assert.equal(page2.pageCount, 2);
  assert.deepEqual(
    page2.entities?.map((m) => m.role),
    ['AGENT'],
  );
  assert.equal(
    page2.previousUri,
    `/api/v2/webchat/guest/conversations/${chat.id}/members?pageSize=2&pageNumber=1`,
  );
  assert.equal(page2.nextUri, undefined);
  const connected = await api.getWebchatGuestConversationMembers(chat.id, {
    excludeDisconnectedMembers: true,
  });
  assert.deepEqual(
    connected.entities?.map((m) => m.role),
    ['CUSTOMER', 'AGENT'],
  );
  const agent = connected.entities[1];
  assert.ok(agent);
  assert.equal(agent.displayName, 'Alice Moreau');
  assert.equal(agent.avatarImageUrl, `${emulator.url}/emulator/v1/avatars/alice-moreau.svg`);
});

test('media requests: list, get, patch to ACCEPTED, and 404 for an unknown one', async () => {
  const chat = await newChat();
  const created = await agentApi(emulator, 'POST', `/conversations/${chat.id}/media-requests`, {
    types: ['COBROWSE'],
  });
  assert.equal(created.status, 201, created.text);
  const id = (created.body as { mediaRequest: { id: string } }).mediaRequest.id;
  const list = await api.getWebchatGuestConversationMediarequests(chat.id);
  assert.deepEqual(
    list.entities?.map((r) => `${r.id!}:${r.state}`),
    [`${id}:PENDING`],
  );
  const one = await api.getWebchatGuestConversationMediarequest(chat.id, id);
  assert.deepEqual(one.types, ['COBROWSE']);
  const patched = await api.patchWebchatGuestConversationMediarequest(chat.id, id, {
    types: ['COBROWSE'],
    state: 'ACCEPTED',
  });
  assert.equal(patched.state, 'ACCEPTED');
  const missing = await rejection(api.getWebchatGuestConversationMediarequest(chat.id, 'nope'));
  assert.equal(missing.status, 404);
  assert.equal(missing.code, 'chat.error.not.found');
});
