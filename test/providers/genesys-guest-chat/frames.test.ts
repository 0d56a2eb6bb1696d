import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFrame } from '../../../src/providers/genesys-guest-chat/index.ts';

const CID = 'aa06a6fc-0000-4000-8000-000000000001';
const GUEST = 'guest-member-1';
const AGENT = 'agent-member-1';
const ctx = { guestMemberId: GUEST, conversationId: CID };

const messageFrame = (sender: string, extra: Record<string, unknown> = {}) => ({
  topicName: `v2.conversations.chats.${CID}.messages`,
  version: '2',
  eventBody: {
    id: 'msg-1',
    conversation: { id: CID },
    sender: { id: sender },
    body: 'Hi, how are you?',
    bodyType: 'standard',
    timestamp: '2019-06-18T16:59:22.277Z',
    ...extra,
  },
  metadata: { CorrelationId: 'corr-1', type: 'message' },
});

test('message frame (§9.2 capture) becomes a message event; own is false for the agent', () => {
  const r = parseFrame(JSON.stringify(messageFrame(AGENT)), ctx);
  assert.deepEqual(r, {
    ok: true,
    event: {
      kind: 'message',
      id: 'msg-1',
      conversationId: CID,
      senderId: AGENT,
      body: 'Hi, how are you?',
      bodyType: 'standard',
      timestamp: '2019-06-18T16:59:22.277Z',
      correlationId: 'corr-1',
      own: false,
    },
  });
});

test('the guest’s own echoed message is flagged own', () => {
  const r = parseFrame(JSON.stringify(messageFrame(GUEST)), ctx);
  assert.ok(r.ok && r.event.kind === 'message' && r.event.own);
});

test('member-join/member-leave system messages with an empty body are messages (§9.2)', () => {
  for (const bodyType of ['member-join', 'member-leave', 'notice', 'media-request']) {
    const r = parseFrame(JSON.stringify(messageFrame(AGENT, { body: '', bodyType })), ctx);
    assert.ok(r.ok && r.event.kind === 'message' && r.event.bodyType === bodyType, bodyType);
  }
});

test('typing-indicator frame (§9.3) becomes a typing event', () => {
  const frame = {
    topicName: `v2.conversations.chats.${CID}.messages`,
    version: '2',
    eventBody: {
      id: 'typ-1',
      conversation: { id: CID },
      sender: { id: GUEST },
      timestamp: '2020-08-05T13:10:35.673Z',
    },
    metadata: { CorrelationId: 'corr-2', type: 'typing-indicator' },
  };
  assert.deepEqual(parseFrame(JSON.stringify(frame), ctx), {
    ok: true,
    event: {
      kind: 'typing',
      id: 'typ-1',
      conversationId: CID,
      senderId: GUEST,
      timestamp: '2020-08-05T13:10:35.673Z',
      correlationId: 'corr-2',
      own: true,
    },
  });
});

test('member-change frame (§9.4 capture) becomes a member-change event', () => {
  const frame = {
    topicName: `v2.conversations.chats.${CID}.members`,
    version: '2',
    eventBody: {
      conversation: { id: CID },
      member: { id: AGENT, state: 'CONNECTED' },
      timestamp: '2019-06-18T16:59:09.689Z',
    },
    metadata: { CorrelationId: 'corr-3', type: 'member-change' },
  };
  assert.deepEqual(parseFrame(JSON.stringify(frame), ctx), {
    ok: true,
    event: {
      kind: 'member-change',
      conversationId: CID,
      memberId: AGENT,
      state: 'CONNECTED',
      timestamp: '2019-06-18T16:59:09.689Z',
      correlationId: 'corr-3',
      own: false,
    },
  });
});

test('heartbeat frame (§9.5, no metadata) becomes a heartbeat event', () => {
  const r = parseFrame(
    JSON.stringify({ topicName: 'channel.metadata', eventBody: { message: 'WebSocket Heartbeat' } }),
    ctx,
  );
  assert.deepEqual(r, { ok: true, event: { kind: 'heartbeat' } });
});

test("a heartbeat in the server's exact spelling is known without parsing; any other spelling too, parsed", () => {
  const exact = '{"topicName":"channel.metadata","eventBody":{"message":"WebSocket Heartbeat"}}';
  // The shared result of the fast path: no JSON parse, no schema, no allocation.
  assert.equal(parseFrame(exact, ctx), parseFrame(exact, ctx));
  assert.deepEqual(parseFrame(exact, ctx), { ok: true, event: { kind: 'heartbeat' } });
  for (const other of [
    '{ "topicName": "channel.metadata", "eventBody": { "message": "WebSocket Heartbeat" } }',
    '{"eventBody":{"message":"WebSocket Heartbeat"},"topicName":"channel.metadata","extra":1}',
  ]) {
    assert.deepEqual(parseFrame(other, ctx), { ok: true, event: { kind: 'heartbeat' } }, other);
  }
  assert.deepEqual(parseFrame(exact.replace('Heartbeat', 'Heartbeats'), ctx), {
    ok: false,
    reason: 'unknown-kind',
  });
});

test('unknown, garbled and mismatching frames are reported, never thrown', () => {
  const cases: [string, string][] = [
    ['{not json', 'invalid-json'],
    ['', 'invalid-json'],
    ['42', 'unknown-kind'],
    ['null', 'unknown-kind'],
    ['[]', 'unknown-kind'],
    [JSON.stringify({ topicName: 'channel.metadata', eventBody: { message: 'pong' } }), 'unknown-kind'],
    [JSON.stringify({ topicName: 'v2.system.socket_closing', eventBody: {} }), 'unknown-kind'],
    [JSON.stringify({ ...messageFrame(AGENT), metadata: { type: 'something-new' } }), 'unknown-kind'],
    [JSON.stringify({ topicName: 'channel.metadata', eventBody: {} }), 'schema-mismatch'],
    [JSON.stringify(messageFrame(AGENT, { bodyType: 'typing' })), 'schema-mismatch'],
    [JSON.stringify(messageFrame(AGENT, { id: undefined })), 'schema-mismatch'],
    [JSON.stringify({ ...messageFrame(AGENT), topicName: 'v2.users.x.presence' }), 'schema-mismatch'],
    [JSON.stringify(messageFrame(AGENT, { conversation: { id: 'another' } })), 'foreign-conversation'],
  ];
  for (const [text, reason] of cases) {
    assert.deepEqual(parseFrame(text, ctx), { ok: false, reason }, text);
  }
});

test('member-change with an unknown state is a schema mismatch, not a crash', () => {
  const frame = {
    topicName: `v2.conversations.chats.${CID}.members`,
    eventBody: { conversation: { id: CID }, member: { id: AGENT, state: 'HOLD' }, timestamp: 't' },
    metadata: { type: 'member-change' },
  };
  assert.deepEqual(parseFrame(JSON.stringify(frame), ctx), { ok: false, reason: 'schema-mismatch' });
});

test('envelope leniency: missing version and CorrelationId, extra fields, no conversation filter', () => {
  const f = messageFrame(AGENT, { selfUri: '/x', extra: { nested: true } }) as Record<string, unknown>;
  delete f.version;
  f.metadata = { type: 'message' };
  f.unexpected = 1;
  const r = parseFrame(JSON.stringify(f), { guestMemberId: GUEST });
  assert.ok(r.ok && r.event.kind === 'message');
  assert.equal(r.event.correlationId, undefined);
});
