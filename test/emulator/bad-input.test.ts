// Bad input never yields a 500 or a crash: every case gets its documented 4xx body and the emulator
// keeps serving. Guest API → ErrorBody (§6.14) with contextId = inin-correlation-id; agent API →
// {error:{code,message,details?}}.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import {
  agentApi,
  attachedChat,
  createBody,
  createChat,
  GUEST,
  http,
  startTestEmulator,
  type HttpResult,
} from './helpers.ts';
import { assertErrorBody } from './platform-helpers.ts';

let emulator: RunningEmulator;
before(async () => {
  emulator = await startTestEmulator();
});
after(() => emulator.close());

function assertAgentError(result: HttpResult, status: number, code: string): void {
  assert.equal(result.status, status, result.text);
  const body = result.body as { error: { code: string; message: string } };
  assert.equal(body.error.code, code, result.text);
  assert.equal(typeof body.error.message, 'string');
}

test('create: malformed JSON, non-object bodies, wrong content type, oversized bodies', async () => {
  assertErrorBody(await http(emulator, 'POST', GUEST, { raw: '{"organizationId":' }), 400, 'bad.request');
  assertErrorBody(await http(emulator, 'POST', GUEST, { raw: '[1,2]' }), 400, 'chat.error.bad.request');
  assertErrorBody(await http(emulator, 'POST', GUEST, { raw: '"text"' }), 400, 'chat.error.bad.request');
  assertErrorBody(await http(emulator, 'POST', GUEST, { raw: '' }), 400, 'chat.error.bad.request');
  assertErrorBody(
    await http(emulator, 'POST', GUEST, {
      raw: 'a=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    }),
    415,
    'unsupported.media.type',
  );
  assertErrorBody(
    await http(emulator, 'POST', GUEST, { raw: JSON.stringify({ pad: 'x'.repeat(300_000) }) }),
    413,
    'request.entity.too.large',
  );
});

test('create: missing and mistyped fields map to the §5.1 codes', async () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ deploymentId: undefined }, 'chat.error.pattern.createconversationrequest.deploymentid'],
    [{ deploymentId: 42 }, 'chat.error.pattern.createconversationrequest.deploymentid'],
    [{ routingTarget: undefined }, 'chat.error.notnull.createconversationrequest.routingtarget'],
    [
      { routingTarget: { targetType: 'USER', targetAddress: 'Support' } },
      'chat.error.createconversationrequest.routingtarget',
    ],
    [{ routingTarget: { targetType: 'QUEUE' } }, 'chat.error.createconversationrequest.routingtarget'],
    [{ memberInfo: undefined }, 'chat.error.notnull.createconversationrequest.memberinfo.displayname'],
    [
      { memberInfo: { displayName: '  ' } },
      'chat.error.notnull.createconversationrequest.memberinfo.displayname',
    ],
    [{ organizationId: undefined }, 'constraint.validation'],
    [
      { routingTarget: { targetType: 'QUEUE', targetAddress: 'Support', priority: 'high' } },
      'constraint.validation',
    ],
    [
      { routingTarget: { targetType: 'QUEUE', targetAddress: 'Support', skills: 'billing' } },
      'constraint.validation',
    ],
    [{ memberInfo: { displayName: 'Jo', customFields: { n: 1 } } }, 'constraint.validation'],
    [{ journeyContext: {} }, 'chat.error.notnull.createconversationrequest.journeycontext.customer'],
    [
      { journeyContext: { customer: { id: 'c' } } },
      'chat.error.notnull.createconversationrequest.journeycontext.customer.customeridtype',
    ],
    [
      { journeyContext: { customer: { id: 'c', idType: 'cookie' }, customerSession: { type: 'web' } } },
      'chat.error.notnull.createconversationrequest.journeycontext.customersession.sessionid',
    ],
    [{ routingTarget: { targetType: 'QUEUE', targetAddress: 'Nope' } }, 'chat.error.invalid.queue'],
  ];
  for (const [overrides, code] of cases) {
    const body = JSON.parse(JSON.stringify(createBody(overrides))) as unknown;
    assertErrorBody(await http(emulator, 'POST', GUEST, { body }), 400, code);
  }
});

test('create: unknown properties and nulls for optional fields are ignored (§4)', async () => {
  const result = await http(emulator, 'POST', GUEST, {
    body: createBody({
      surprise: true,
      memberInfo: { displayName: 'Jo', role: 'CUSTOMER', profileImageUrl: 'x', email: null },
      routingTarget: { targetType: 'queue', targetAddress: 'Support', language: null, skills: null },
    }),
  });
  assert.equal(result.status, 200, result.text);
});

test('auth: missing, garbled, [REDACTED], tampered and other-conversation JWTs', async () => {
  const chat = await createChat(emulator);
  const other = await createChat(emulator);
  const path = `${GUEST}/${chat.id}/members`;
  assertErrorBody(await http(emulator, 'GET', path), 401, 'authentication.required');
  assertErrorBody(
    await http(emulator, 'GET', path, { headers: { authorization: '[REDACTED]' } }),
    401,
    'bad.credentials',
  );
  assertErrorBody(
    await http(emulator, 'GET', path, { headers: { authorization: 'Basic dXNlcjpwYXNz' } }),
    401,
    'bad.credentials',
  );
  assertErrorBody(
    await http(emulator, 'GET', path, { headers: { authorization: 'Bearer' } }),
    401,
    'bad.credentials',
  );
  const [h, p] = chat.jwt.split('.');
  assertErrorBody(await http(emulator, 'GET', path, { jwt: `${h!}.${p!}.AAAA` }), 401, 'bad.credentials');
  assertErrorBody(await http(emulator, 'GET', path, { jwt: other.jwt }), 403, 'not.authorized');
  // §3.1: the scheme word is case-insensitive.
  const lower = await http(emulator, 'GET', path, { headers: { authorization: `bearer ${chat.jwt}` } });
  assert.equal(lower.status, 200);
});

test('bad ids: unknown or malformed conversation ids, other members, undecodable URLs', async () => {
  const { chat, stream } = await attachedChat(emulator);
  assertErrorBody(
    await http(emulator, 'GET', `${GUEST}/not-a-uuid/members`, { jwt: chat.jwt }),
    403,
    'not.authorized',
  );
  assertErrorBody(
    await http(emulator, 'GET', `${GUEST}/${chat.id}/members/x`, { jwt: chat.jwt }),
    404,
    'chat.error.not.found',
  );
  assertErrorBody(
    await http(emulator, 'GET', `${GUEST}/${chat.id}/messages/x`, { jwt: chat.jwt }),
    404,
    'chat.error.not.found',
  );
  assertErrorBody(
    await http(emulator, 'POST', `${GUEST}/${chat.id}/members/x/messages`, {
      jwt: chat.jwt,
      body: { body: 'hi' },
    }),
    404,
    'chat.error.not.found',
  );
  assertErrorBody(
    await http(emulator, 'DELETE', `${GUEST}/${chat.id}/members/x`, { jwt: chat.jwt }),
    404,
    'chat.error.not.found',
  );
  // §10: a guest acts only as itself — the ACD member exists but is not the caller.
  const members = await http(emulator, 'GET', `${GUEST}/${chat.id}/members`, { jwt: chat.jwt });
  const acd = (members.body as { entities: { id: string; role: string }[] }).entities.find(
    (m) => m.role === 'ACD',
  )!;
  assertErrorBody(
    await http(emulator, 'POST', `${GUEST}/${chat.id}/members/${acd.id}/typing`, { jwt: chat.jwt }),
    403,
    'not.authorized',
  );
  assertErrorBody(
    await http(emulator, 'DELETE', `${GUEST}/${chat.id}/members/${acd.id}`, { jwt: chat.jwt }),
    403,
    'not.authorized',
  );
  assertErrorBody(
    await http(emulator, 'GET', `${GUEST}/%E0%A4%A/members`, { jwt: chat.jwt }),
    400,
    'bad.request',
  );
  assertErrorBody(
    await http(emulator, 'PUT', `${GUEST}/${chat.id}/members`, { jwt: chat.jwt, body: {} }),
    404,
    'not.found',
  );
  assertErrorBody(await http(emulator, 'GET', '/api/v2/nothing-here'), 404, 'not.found');
  await stream.close();
});

test('send: missing, null, mistyped and over-long bodies; system body types are not the guest’s', async () => {
  const { chat, stream } = await attachedChat(emulator);
  const path = `${GUEST}/${chat.id}/members/${chat.member.id}/messages`;
  const send = (body: unknown) => http(emulator, 'POST', path, { jwt: chat.jwt, body });
  assertErrorBody(await send({}), 400, 'chat.error.notnull.createconversationmessagerequest.body');
  assertErrorBody(
    await send({ body: null }),
    400,
    'chat.error.notnull.createconversationmessagerequest.body',
  );
  assertErrorBody(
    await http(emulator, 'POST', path, { jwt: chat.jwt }),
    400,
    'chat.error.notnull.createconversationmessagerequest.body',
  );
  assertErrorBody(await send({ body: 42 }), 400, 'constraint.validation');
  assertErrorBody(await send({ body: 'x', bodyType: 'member-join' }), 400, 'constraint.validation');
  assertErrorBody(await send({ body: 'x', bodyType: 'standard | notice' }), 400, 'constraint.validation');
  assertErrorBody(await send([]), 400, 'chat.error.bad.request');
  const tooLong = await send({ body: '€'.repeat(4001) });
  assertErrorBody(tooLong, 400, 'constraint.validation');
  assert.deepEqual((tooLong.body as { details: unknown }).details, [
    { fieldName: 'body', errorCode: 'size' },
  ]);
  assertErrorBody(await http(emulator, 'POST', path, { jwt: chat.jwt, raw: '{"body":' }), 400, 'bad.request');
  // Nothing invalid reached the history.
  const history = await http(emulator, 'GET', `${GUEST}/${chat.id}/messages`, { jwt: chat.jwt });
  assert.deepEqual(
    (history.body as { entities: { bodyType: string }[] }).entities.map((m) => m.bodyType),
    ['member-join'],
  );
  await stream.close();
});

test('queries: out-of-range or non-numeric values are 400 invalid.query.param.value; empty values mean absent', async () => {
  const { chat, stream } = await attachedChat(emulator);
  const messages = `${GUEST}/${chat.id}/messages`;
  const members = `${GUEST}/${chat.id}/members`;
  for (const query of [
    'maxResults=101',
    'maxResults=abc',
    'maxResults=0',
    'maxResults=-1',
    'maxResults=1&maxResults=2',
    'sortOrder=sideways',
    'after=unknown-id',
    'before=unknown-id',
  ]) {
    assertErrorBody(
      await http(emulator, 'GET', `${messages}?${query}`, { jwt: chat.jwt }),
      400,
      'invalid.query.param.value',
    );
  }
  for (const query of [
    'pageSize=0',
    'pageSize=101',
    'pageSize=x',
    'pageNumber=0',
    'excludeDisconnectedMembers=maybe',
  ]) {
    assertErrorBody(
      await http(emulator, 'GET', `${members}?${query}`, { jwt: chat.jwt }),
      400,
      'invalid.query.param.value',
    );
  }
  const empty = await http(emulator, 'GET', `${messages}?after=&before=&sortOrder=&maxResults=`, {
    jwt: chat.jwt,
  });
  assert.equal(empty.status, 200);
  const emptyMembers = await http(
    emulator,
    'GET',
    `${members}?pageSize=&pageNumber=&excludeDisconnectedMembers=`,
    { jwt: chat.jwt },
  );
  assert.equal(emptyMembers.status, 200);
  assert.equal((emptyMembers.body as { pageSize: number }).pageSize, 25);
  await stream.close();
});

test('agent API: unknown conversation, malformed JSON, invalid bodies, wrong state, unknown routes', async () => {
  const waiting = await createChat(emulator);
  assertAgentError(await agentApi(emulator, 'GET', '/conversations/nope'), 404, 'conversation_not_found');
  assertAgentError(
    await agentApi(emulator, 'POST', '/conversations/nope/agent/join', {}),
    404,
    'conversation_not_found',
  );
  assertAgentError(
    await http(emulator, 'POST', `/emulator/v1/conversations/${waiting.id}/agent/join`, {
      raw: '{"displayName"',
    }),
    400,
    'malformed_json',
  );
  assertAgentError(
    await http(emulator, 'POST', `/emulator/v1/conversations/${waiting.id}/agent/join`, {
      raw: 'x',
      headers: { 'content-type': 'text/plain' },
    }),
    415,
    'unsupported_media_type',
  );
  assertAgentError(
    await agentApi(emulator, 'POST', `/conversations/${waiting.id}/agent/join`, { displayName: '' }),
    400,
    'validation_failed',
  );
  assertAgentError(
    await agentApi(emulator, 'POST', `/conversations/${waiting.id}/agent/join`, { name: 'x' }),
    400,
    'validation_failed',
  );
  assertAgentError(
    await agentApi(emulator, 'POST', `/conversations/${waiting.id}/agent/join`, [1]),
    400,
    'validation_failed',
  );
  // Genesys routes only after the stream is attached (§1).
  assertAgentError(
    await agentApi(emulator, 'POST', `/conversations/${waiting.id}/agent/join`, {}),
    409,
    'not_routed_yet',
  );

  const { chat, stream } = await attachedChat(emulator);
  assertAgentError(
    await agentApi(emulator, 'POST', `/conversations/${chat.id}/agent/messages`, { body: 'hi' }),
    409,
    'no_connected_agent',
  );
  assertAgentError(
    await agentApi(emulator, 'POST', `/conversations/${chat.id}/agent/typing`),
    409,
    'no_connected_agent',
  );
  assertAgentError(
    await agentApi(emulator, 'POST', `/conversations/${chat.id}/agent/leave`),
    409,
    'no_connected_agent',
  );
  assertAgentError(
    await agentApi(emulator, 'POST', `/conversations/${chat.id}/transfer`, {}),
    409,
    'no_connected_agent',
  );
  assert.equal((await agentApi(emulator, 'POST', `/conversations/${chat.id}/agent/join`, {})).status, 200);
  assertAgentError(
    await agentApi(emulator, 'POST', `/conversations/${chat.id}/agent/join`, {}),
    409,
    'agent_already_assigned',
  );
  assertAgentError(
    await agentApi(emulator, 'POST', `/conversations/${chat.id}/agent/messages`, {}),
    400,
    'validation_failed',
  );
  assertAgentError(
    await agentApi(emulator, 'POST', `/conversations/${chat.id}/agent/messages`, { body: 'x'.repeat(4001) }),
    400,
    'validation_failed',
  );
  assertAgentError(
    await agentApi(emulator, 'POST', `/conversations/${chat.id}/agent/typing`, { x: 1 }),
    400,
    'validation_failed',
  );
  assert.equal((await agentApi(emulator, 'POST', `/conversations/${chat.id}/agent/leave`)).status, 200);
  assertAgentError(
    await agentApi(emulator, 'POST', `/conversations/${chat.id}/agent/leave`),
    409,
    'conversation_ended',
  );
  assertAgentError(
    await agentApi(emulator, 'POST', `/conversations/${chat.id}/agent/join`, {}),
    409,
    'conversation_ended',
  );

  assertAgentError(
    await agentApi(emulator, 'POST', '/faults', { kind: 'explode' }),
    400,
    'validation_failed',
  );
  assertAgentError(
    await agentApi(emulator, 'POST', '/faults', { kind: 'http-error', status: 418 }),
    400,
    'validation_failed',
  );
  assertAgentError(
    await agentApi(emulator, 'POST', '/faults', { kind: 'delay', delayMs: -5 }),
    400,
    'validation_failed',
  );
  assertAgentError(await agentApi(emulator, 'GET', '/conversations?state=weird'), 400, 'validation_failed');
  assertAgentError(await agentApi(emulator, 'GET', '/avatars/..%2Fsecret.svg'), 404, 'avatar_not_found');
  assertAgentError(await agentApi(emulator, 'GET', '/nothing'), 404, 'route_not_found');
  await stream.close();
});

test('garbage on the wire (broken HTTP, junk WebSocket frames) does not take the emulator down', async () => {
  await new Promise<void>((resolve) => {
    const socket = connect(emulator.port, '127.0.0.1', () => socket.end('NOT HTTP AT ALL\r\n\r\n'));
    socket.on('close', () => resolve());
    socket.on('error', () => resolve());
    socket.resume();
  });
  const { chat, stream } = await attachedChat(emulator);
  stream.socket.send('not json');
  stream.socket.send(Buffer.from([0, 1, 2]));
  stream.send({ message: 'something else' });
  const sent = await http(emulator, 'POST', `${GUEST}/${chat.id}/members/${chat.member.id}/messages`, {
    jwt: chat.jwt,
    body: { body: 'still fine' },
  });
  assert.equal(sent.status, 200);
  await stream.waitFor((f) => f.eventBody.body === 'still fine');
  const health = await agentApi(emulator, 'GET', '/healthz');
  assert.equal(health.status, 200);
  assert.equal((health.body as { status: string }).status, 'ok');
  await stream.close();
});
