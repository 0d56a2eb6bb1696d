import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  assessUserEnd,
  conversationDetailTopic,
  isTransferDisconnect,
  parseConversationDetailTopic,
  parseNotificationFrame,
  type MessageConversation,
  type UserEndEvent,
} from '../../../src/providers/genesys-open-messaging/index.ts';

const CID = '1734d888-aaaa-4bbb-8ccc-000000000001';
const T0 = Date.parse('2026-05-01T10:00:00.000Z');

const frame = (kind: string, body: Record<string, unknown>, conversationId = CID) =>
  JSON.stringify({
    topicName: `v2.detail.events.conversation.${conversationId}.${kind}`,
    version: '2',
    eventBody: { eventTime: T0, conversationId, mediaType: 'MESSAGE', messageType: 'OPEN', ...body },
    metadata: { CorrelationId: 'x' },
  });

describe('notification frames (§4.6)', () => {
  test('topics round-trip; dots are refused in ids', () => {
    const topic = conversationDetailTopic(CID, 'user.end');
    assert.equal(topic, `v2.detail.events.conversation.${CID}.user.end`);
    assert.deepEqual(parseConversationDetailTopic(topic), { conversationId: CID, kind: 'user.end' });
    assert.equal(parseConversationDetailTopic(`v2.detail.events.conversation.${CID}.attributes`), undefined);
    assert.throws(() => conversationDetailTopic('a.b', 'acw'), RangeError);
  });

  test('heartbeat, other channel.metadata, socket_closing', () => {
    assert.deepEqual(
      parseNotificationFrame(
        '{"topicName":"channel.metadata","eventBody":{"message":"WebSocket Heartbeat"}}',
      ),
      { type: 'heartbeat' },
    );
    assert.equal(
      parseNotificationFrame('{"topicName":"channel.metadata","eventBody":{"message":"pong"}}').type,
      'ignored',
    );
    assert.deepEqual(
      parseNotificationFrame('{"topicName":"v2.system.socket_closing","eventBody":{"message":"bye"}}'),
      { type: 'socket-closing' },
    );
  });

  test('user.start, user.end with disconnectType, customer.end, acw (notes left out)', () => {
    assert.deepEqual(
      parseNotificationFrame(frame('user.start', { participantId: 'pa', userId: 'u1', queueId: 'q1' })),
      {
        type: 'event',
        event: {
          kind: 'user.start',
          topic: `v2.detail.events.conversation.${CID}.user.start`,
          conversationId: CID,
          participantId: 'pa',
          userId: 'u1',
          queueId: 'q1',
          at: '2026-05-01T10:00:00.000Z',
          eventTimeMs: T0,
        },
      },
    );
    const end = parseNotificationFrame(
      frame('user.end', { participantId: 'pa', disconnectType: 'CLIENT', interactingDurationMs: 5 }),
    );
    assert.ok(end.type === 'event' && end.event.kind === 'user.end');
    assert.equal(end.event.disconnectType, 'CLIENT');
    assert.equal(end.event.interactingDurationMs, 5);
    const cust = parseNotificationFrame(
      frame('customer.end', { participantId: 'pc', disconnectType: 'PEER' }),
    );
    assert.ok(cust.type === 'event' && cust.event.kind === 'customer.end');
    const acw = parseNotificationFrame(
      frame('acw', { wrapupCode: 'w1', wrapupNotes: 'customer was rude', wrapupDurationMs: 9 }),
    );
    assert.ok(acw.type === 'event' && acw.event.kind === 'acw');
    assert.equal(acw.event.wrapupCode, 'w1');
    assert.ok(!JSON.stringify(acw).includes('rude'));
  });

  test('garbage and unknown topics are ignored with a reason, never thrown', () => {
    const reasons = [
      '{',
      '[]',
      '{"topicName":"v2.users.u1.presence","eventBody":{}}',
      frame('user.end', { eventTime: 'not a time' }),
      frame('user.end', { conversationId: 'someone-else' }),
      JSON.stringify({ topicName: `v2.detail.events.conversation.${CID}.user.end`, eventBody: null }),
    ].map((text) => {
      const f = parseNotificationFrame(text);
      assert.ok(f.type === 'ignored', text);
      return f.reason;
    });
    assert.deepEqual(reasons, [
      'invalid-json',
      'unknown-topic',
      'unknown-topic',
      'schema-mismatch',
      'schema-mismatch',
      'schema-mismatch',
    ]);
  });
});

describe('the user.end pitfall (§4.6, W9): assessUserEnd', () => {
  const userEnd = (over: Partial<UserEndEvent> = {}): UserEndEvent => ({
    kind: 'user.end',
    topic: `v2.detail.events.conversation.${CID}.user.end`,
    conversationId: CID,
    participantId: 'p-a1',
    userId: 'u1',
    queueId: 'q1',
    at: '2026-05-01T10:00:00.000Z',
    eventTimeMs: T0,
    disconnectType: 'CLIENT',
    interactingDurationMs: undefined,
    ...over,
  });
  const conv = (...participants: Record<string, unknown>[]): MessageConversation =>
    ({
      id: CID,
      participants: [
        { id: 'p-c', purpose: 'customer', state: 'connected', attributes: {} },
        ...participants,
      ].map((p) => ({
        attributes: {},
        ...p,
      })),
    }) as MessageConversation;
  const agent = (id: string, state: string, connected: boolean, extra: Record<string, unknown> = {}) => ({
    id,
    purpose: 'agent',
    state,
    user: { id: id === 'p-a1' ? 'u1' : 'u2' },
    ...(connected ? { connectedTime: '2026-05-01T09:59:00Z' } : {}),
    ...extra,
  });

  test('agent connected then left, nobody else: agent-ended', () => {
    assert.equal(assessUserEnd(userEnd(), conv(agent('p-a1', 'disconnected', true))).outcome, 'agent-ended');
  });
  test('the agent rejected (never connected) — even with disconnectType CLIENT: rejected, not ended', () => {
    assert.equal(assessUserEnd(userEnd(), conv(agent('p-a1', 'disconnected', false))).outcome, 'rejected');
    assert.equal(
      assessUserEnd(
        userEnd(),
        conv(agent('p-a1', 'disconnected', false), { id: 'p-acd', purpose: 'acd', state: 'connected' }),
      ).outcome,
      'rejected',
    );
  });
  test('transferred: another agent alerting, or a transfer disconnect type', () => {
    assert.equal(
      assessUserEnd(userEnd(), conv(agent('p-a1', 'disconnected', true), agent('p-a2', 'alerting', false)))
        .outcome,
      'transferred',
    );
    assert.equal(
      assessUserEnd(userEnd({ disconnectType: 'TRANSFER' }), conv(agent('p-a1', 'disconnected', true)))
        .outcome,
      'transferred',
    );
    for (const t of ['TRANSFER', 'CONSULT_TRANSFER', 'DND_TRANSFER', 'transfer.noanswer', 'transfer']) {
      assert.equal(isTransferDisconnect(t), true, t);
    }
    assert.equal(isTransferDisconnect('CLIENT'), false);
    assert.equal(
      assessUserEnd(
        userEnd({ disconnectType: undefined }),
        conv(agent('p-a1', 'disconnected', true, { disconnectType: 'transfer.consult' })),
      ).outcome,
      'transferred',
      'the participant spelling counts too',
    );
  });
  test('customer gone: the agent left first → agent-ended; the agent was let go (PEER) → conversation-ended', () => {
    const gone = (a: ReturnType<typeof agent>) => {
      const c = conv(a);
      c.participants[0] = { ...c.participants[0]!, state: 'disconnected' };
      return c;
    };
    // §3.5: an agent leaving ends the messaging conversation for the customer too.
    assert.equal(assessUserEnd(userEnd(), gone(agent('p-a1', 'disconnected', true))).outcome, 'agent-ended');
    assert.equal(
      assessUserEnd(userEnd({ disconnectType: 'PEER' }), gone(agent('p-a1', 'disconnected', true))).outcome,
      'conversation-ended',
    );
    assert.equal(
      assessUserEnd(userEnd(), gone(agent('p-a1', 'disconnected', false))).outcome,
      'conversation-ended',
    );
  });

  test('read lags: still-active; unknown participant', () => {
    assert.equal(assessUserEnd(userEnd(), conv(agent('p-a1', 'connected', true))).outcome, 'still-active');
    assert.equal(
      assessUserEnd(userEnd({ participantId: 'nope', userId: 'nobody' }), conv()).outcome,
      'unknown-participant',
    );
    // Found by user id when the participant id is missing.
    assert.equal(
      assessUserEnd(userEnd({ participantId: undefined }), conv(agent('p-a1', 'disconnected', true))).outcome,
      'agent-ended',
    );
  });
});
