import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { transition } from '../../../src/core/lifecycle/state-machine.ts';
import type { LifecycleInput } from '../../../src/core/lifecycle/inputs.ts';
import type { Handover } from '../../../src/core/model/handover.ts';
import type { Participant, ParticipantState } from '../../../src/core/ports/provider.ts';

const base: Handover = {
  id: 'h1',
  endpointId: 'e1',
  customer: { userId: 'u1', sessionId: 's1', displayName: 'Ann' },
  settings: { queue: 'Support', skills: [], customAttributes: {} },
  state: 'requested',
  agentEverJoined: false,
  lastSeq: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  version: 1,
};
const at = '2026-01-01T00:00:01.000Z';
const agentA: Participant = { id: 'a', role: 'agent', displayName: 'Alice', avatarUrl: 'http://x/a.svg' };
const agentB: Participant = { id: 'b', role: 'agent', displayName: 'Bob' };
const customer: Participant = { id: 'c', role: 'customer' };
const member = (participant: Participant, state: ParticipantState): LifecycleInput => ({
  kind: 'provider_event',
  event: { type: 'participant', participant, state, at },
});

function run(h: Handover, inputs: LifecycleInput[]): { handover: Handover; types: string[] } {
  const types: string[] = [];
  for (const input of inputs) {
    const t = transition(h, input);
    h = t.handover;
    types.push(...t.events.map((e) => e.type));
  }
  return { handover: h, types };
}

describe('handover state machine', () => {
  test('attach queues, agent connect activates with name and avatar', () => {
    const { handover, types } = run(base, [
      { kind: 'attached' },
      member(agentA, 'alerting'),
      member(agentA, 'connected'),
    ]);
    assert.equal(handover.state, 'active');
    assert.deepEqual(handover.agent, { id: 'a', displayName: 'Alice', avatarUrl: 'http://x/a.svg' });
    assert.deepEqual(types, ['handover.queued', 'handover.agent_joined']);
  });

  test('duplicate member-change events are idempotent', () => {
    const { types } = run(base, [
      { kind: 'attached' },
      { kind: 'attached' },
      member(agentA, 'connected'),
      member(agentA, 'connected'),
      member(agentA, 'connected'),
    ]);
    assert.deepEqual(types, ['handover.queued', 'handover.agent_joined']);
  });

  test('transfer (alerting first) never ends the handover', () => {
    const { handover, types } = run(base, [
      { kind: 'attached' },
      member(agentA, 'connected'),
      member(agentB, 'alerting'),
      member(agentA, 'disconnected'),
      member(agentB, 'connected'),
    ]);
    assert.equal(handover.state, 'active');
    assert.equal(handover.agent?.id, 'b');
    assert.deepEqual(types, [
      'handover.queued',
      'handover.agent_joined',
      'handover.transferred',
      'handover.agent_left',
      'handover.agent_joined',
    ]);
  });

  test('transfer where the new agent connects without a prior alerting is still a transfer', () => {
    const { handover, types } = run(base, [
      { kind: 'attached' },
      member(agentA, 'connected'),
      member(agentA, 'disconnected'),
      member(agentB, 'connected'),
    ]);
    assert.equal(handover.state, 'active');
    assert.deepEqual(types, [
      'handover.queued',
      'handover.agent_joined',
      'handover.agent_left',
      'handover.transferred',
      'handover.agent_joined',
    ]);
  });

  test('agent leaves and the customer is disconnected: ended with agent_ended', () => {
    const t = run(base, [
      { kind: 'attached' },
      member(agentA, 'connected'),
      member(agentA, 'disconnected'),
      member(customer, 'disconnected'),
    ]);
    assert.equal(t.handover.state, 'ended');
    assert.equal(t.handover.endReason, 'agent_ended');
    assert.deepEqual(t.types.slice(-2), ['handover.agent_left', 'handover.ended']);
  });

  test('customer disconnected before any agent: provider_error', () => {
    const t = run(base, [{ kind: 'attached' }, member(customer, 'disconnected')]);
    assert.equal(t.handover.endReason, 'provider_error');
  });

  test('terminal states absorb every input', () => {
    const ended = run(base, [{ kind: 'attached' }, { kind: 'terminate', reason: 'customer_ended' }]).handover;
    assert.equal(ended.endReason, 'customer_ended');
    const again = transition(ended, member(agentA, 'connected'));
    assert.equal(again.handover, ended);
    assert.equal(again.events.length, 0);
  });

  test('a provider failure that ends the handover carries the provider code to the bot', () => {
    const active = run(base, [{ kind: 'attached' }, member(agentA, 'connected')]).handover;
    const failure = { code: 'credentials.expired', message: 'token expired' };
    const t = transition(active, { kind: 'terminate', reason: 'provider_error', message: 'lost', failure });
    assert.equal(t.handover.state, 'ended');
    assert.deepEqual(t.handover.failure, failure);
    assert.deepEqual(t.events, [
      { type: 'handover.ended', data: { reason: 'provider_error', message: 'lost', error: failure } },
    ]);
    assert.equal(t.handover.agent, undefined);
  });

  test('start failure fails the handover with the provider code', () => {
    const t = transition(base, {
      kind: 'start_failed',
      failure: { code: 'chat.error.invalid.queue', message: 'bad queue' },
    });
    assert.equal(t.handover.state, 'failed');
    assert.deepEqual(t.events, [
      {
        type: 'handover.failed',
        data: { error: { code: 'chat.error.invalid.queue', message: 'bad queue' } },
      },
    ]);
  });

  test('agent messages are delivered, own echoes are not, system messages are flagged', () => {
    const active = run(base, [{ kind: 'attached' }, member(agentA, 'connected')]).handover;
    const msg = (
      participant: Participant,
      own: boolean,
      kind: 'text' | 'notice' = 'text',
    ): LifecycleInput => ({
      kind: 'provider_event',
      event: {
        type: 'message',
        providerMessageId: `m-${participant.id}`,
        participant,
        text: 'hi',
        kind,
        own,
        at,
      },
    });
    const fromAgent = transition(active, msg(agentA, false));
    assert.equal(fromAgent.events[0]?.type, 'handover.agent_message');
    assert.equal(fromAgent.transcript[0]?.role, 'agent');
    const echo = transition(active, msg(customer, true));
    assert.equal(echo.events.length, 0);
    assert.deepEqual(echo.ownEcho, { providerMessageId: 'm-c', text: 'hi' });
    const workflow = transition(active, msg({ id: 'w', role: 'system' }, false));
    assert.equal(workflow.events[0]?.type, 'handover.system_message');
  });

  test('an asked-for end closes first: the customer leaving and agents leaving are ours, not an end', () => {
    const active = run(base, [{ kind: 'attached' }, member(agentA, 'connected')]).handover;
    const closing = transition(active, { kind: 'end_requested', reason: 'customer_ended', at });
    assert.deepEqual(closing.handover.closing, { reason: 'customer_ended', requestedAt: at });
    assert.equal(closing.handover.state, 'active');
    assert.deepEqual(closing.events, []);
    // A second request changes nothing (the first reason stands).
    assert.equal(
      transition(closing.handover, { kind: 'end_requested', reason: 'expired', at }).handover,
      closing.handover,
    );
    for (const input of [member(customer, 'disconnected'), member(agentA, 'disconnected')])
      assert.equal(transition(closing.handover, input).handover, closing.handover);
    const ended = transition(closing.handover, { kind: 'terminate', reason: 'customer_ended' });
    assert.equal(ended.handover.state, 'ended');
    assert.deepEqual(ended.events, [{ type: 'handover.ended', data: { reason: 'customer_ended' } }]);
  });

  test('agent typing carries an expiry hint; own typing is dropped', () => {
    const active = run(base, [{ kind: 'attached' }, member(agentA, 'connected')]).handover;
    const t = transition(active, {
      kind: 'provider_event',
      event: { type: 'typing', participant: agentA, own: false, at },
    });
    assert.deepEqual(t.events, [
      {
        type: 'handover.agent_typing',
        data: { agent: { id: 'a', displayName: 'Alice', avatarUrl: 'http://x/a.svg' }, expiresInMs: 4000 },
      },
    ]);
    const own = transition(active, {
      kind: 'provider_event',
      event: { type: 'typing', participant: customer, own: true, at },
    });
    assert.equal(own.events.length, 0);
  });
});
