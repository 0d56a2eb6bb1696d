// Presence notices, the inactivity grace (customer_abandoned) and the session duration (expired),
// end to end against the emulator.
import { FAST_ENGINE } from '../support/fast-engine.ts';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { HandoverEvent } from '../../src/core/model/events.ts';
import { startHarness, type Harness } from '../support/gateway-harness.ts';
import { waitFor } from '../support/wait-for.ts';

let h: Harness;
before(async () => {
  h = await startHarness({
    endpointExtra: { inactivityGraceSeconds: 2, sessionDurationSeconds: 3 },
    tuning: { engine: { ...FAST_ENGINE, sweepIntervalMs: 100 } },
  });
});
after(async () => {
  await h.close();
});

const hasType = (t: HandoverEvent['type']) => (events: HandoverEvent[]) => events.some((e) => e.type === t);
const messagesAt = async (conversationId: string): Promise<any[]> =>
  (await h.emu('GET', `/emulator/v1/conversations/${conversationId}`)).body.messages;

test('presence away/back reaches the agent as notices', async () => {
  const started = await h.api('POST', '/v1/handovers', {
    endpoint: 'support',
    customer: { userId: 'p1', sessionId: 's', displayName: 'Pia Presence' },
  });
  await h.webhookEvents(started.body.id, hasType('handover.queued'));
  const conv = await h.conversationFor('Pia Presence');
  const away = await h.api('POST', `/v1/handovers/${started.body.id}/presence`, { status: 'away' });
  assert.equal(away.status, 202);
  assert.deepEqual(away.body, { notified: true });
  await h.api('POST', `/v1/handovers/${started.body.id}/presence`, { status: 'back' });
  const notices = await waitFor(async () => {
    const n = (await messagesAt(conv.id)).filter((m) => m.bodyType === 'notice').map((m) => m.body);
    return n.length === 2 ? n : undefined;
  });
  assert.deepEqual(notices, ['The customer left the conversation.', 'The customer is back.']);
  const bad = await h.api('POST', `/v1/handovers/${started.body.id}/presence`, { status: 'gone' });
  assert.equal(bad.status, 400);
  await h.api('POST', `/v1/handovers/${started.body.id}/end`);
});

test('a silent customer is taken out of the chat after the grace, with a notice for the agent first', async () => {
  const started = await h.api('POST', '/v1/handovers', {
    endpoint: 'support',
    customer: { userId: 'i1', sessionId: 's', displayName: 'Ian Idle' },
  });
  const id: string = started.body.id;
  await h.webhookEvents(id, hasType('handover.queued'));
  const conv = await h.conversationFor('Ian Idle');
  await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/join`, {});
  // The agent keeps writing; only the customer's silence counts.
  await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/messages`, {
    body: 'Are you still there?',
  });
  const events = await h.webhookEvents(id, hasType('handover.ended'), 'abandoned');
  const ended = events.find((e) => e.type === 'handover.ended');
  assert.ok(ended?.type === 'handover.ended');
  assert.equal(ended.data.reason, 'customer_abandoned');
  const msgs = await messagesAt(conv.id);
  assert.ok(
    msgs.some((m) => m.bodyType === 'notice' && /inactive/.test(m.body)),
    'the agent saw a notice',
  );
  const c = (await h.emu('GET', `/emulator/v1/conversations/${conv.id}`)).body;
  assert.equal(c.customer.state, 'DISCONNECTED');
});

test('a handover with no message either way for the session duration expires', async () => {
  const started = await h.api('POST', '/v1/handovers', {
    endpoint: 'support',
    customer: { userId: 'e1', sessionId: 's', displayName: 'Eli Expires' },
  });
  const id: string = started.body.id;
  // Queued, no agent ever comes: not "inactive" (no agent), but idle past the session duration.
  const events = await h.webhookEvents(id, hasType('handover.ended'), 'expired');
  const ended = events.find((e) => e.type === 'handover.ended');
  assert.ok(ended?.type === 'handover.ended');
  assert.equal(ended.data.reason, 'expired');
  const conv = await h.conversationFor('Eli Expires');
  await waitFor(
    async () =>
      (await h.emu('GET', `/emulator/v1/conversations/${conv.id}`)).body.customer.state === 'DISCONNECTED',
    {
      what: 'guest left',
    },
  );
});
