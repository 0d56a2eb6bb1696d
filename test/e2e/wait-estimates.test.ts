// handover.wait_estimate events end to end (issue 17): while handovers wait in the emulator's queue,
// each one hears its estimate and its place in the queue (OM doc §7.6 b), again when they change; an
// agent taking the first moves the second up. Open Messaging, and guest chat with an OAuth client.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { HandoverEvent } from '../../src/core/model/events.ts';
import { OM_ENDPOINT, startHarness, type Harness } from '../support/gateway-harness.ts';

type WaitEvent = Extract<HandoverEvent, { type: 'handover.wait_estimate' }>;
const waits = (events: HandoverEvent[]): WaitEvent[] =>
  events.filter((e): e is WaitEvent => e.type === 'handover.wait_estimate');
const atPosition = (n: number) => (events: HandoverEvent[]) =>
  waits(events).some((e) => e.data.position === n);

describe('wait estimates end to end', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      emulator: { offQueueAgents: ['Alice Moreau', 'Bruno Schmidt', 'Chen Wei'], averageHandleSeconds: 60 },
      omEndpointExtra: { availability: { waitEstimateIntervalSeconds: 1 } },
    });
  });
  after(async () => {
    await h.close();
  });

  async function start(name: string): Promise<string> {
    const res = await h.api('POST', '/v1/handovers', {
      endpoint: OM_ENDPOINT,
      customer: { userId: `u-${name}`, sessionId: 's-1', displayName: name },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  }

  test('queued handovers hear their estimate and position; an agent taking the first moves the second up', async () => {
    const first = await start('Ada');
    const firstEvents = await h.webhookEvents(first, atPosition(1), 'first at position 1');
    const estimate = waits(firstEvents).find((e) => e.data.position === 1)!;
    assert.equal(typeof estimate.data.estimatedWaitSeconds, 'number');
    // Events of a handover stay in order: queued before any estimate.
    assert.ok(firstEvents.findIndex((e) => e.type === 'handover.queued') < firstEvents.indexOf(estimate));

    const second = await start('Bob');
    await h.webhookEvents(second, atPosition(2), 'second at position 2');

    // Bruno comes on queue and takes Ada: Bob is next.
    assert.equal(
      (await h.emu('PUT', '/emulator/v1/agents/bruno-schmidt/presence', { presence: 'On Queue' })).status,
      200,
    );
    const conversation = await h.conversationFor('Ada');
    const joined = await h.emu('POST', `/emulator/v1/conversations/${conversation.id}/agent/join`, {
      displayName: 'Bruno Schmidt',
    });
    assert.equal(joined.status, 200, JSON.stringify(joined.body));
    await h.webhookEvents(
      first,
      (events) => events.some((e) => e.type === 'handover.agent_joined'),
      'Ada joined',
    );
    await h.webhookEvents(second, atPosition(1), 'second moves to position 1');
    const afterJoin = h.receiver.events(first);
    const joinedSeq = afterJoin.find((e) => e.type === 'handover.agent_joined')!.seq;
    // Whatever was polled before the join, no estimate is committed after it (the state machine drops them).
    assert.ok(waits(afterJoin).every((e) => e.seq < joinedSeq));
  });
});

describe('wait estimates end to end on guest chat (an OAuth client for the Platform API)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      emulator: { offQueueAgents: ['Alice Moreau', 'Bruno Schmidt', 'Chen Wei'], averageHandleSeconds: 60 },
      endpointExtra: (emulatorUrl) => ({
        availability: {
          platform: { baseUrl: emulatorUrl, clientId: 'emulator-client', clientSecret: 'emulator-secret' },
          waitEstimateIntervalSeconds: 1,
        },
      }),
    });
  });
  after(async () => {
    await h.close();
  });

  test('a queued guest-chat handover hears its estimate and position', async () => {
    const res = await h.api('POST', '/v1/handovers', {
      endpoint: 'support',
      customer: { userId: 'u-gc', sessionId: 's-1', displayName: 'Gina' },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const id = res.body.id as string;
    const events = await h.webhookEvents(id, atPosition(1), 'the guest-chat handover at position 1');
    const estimate = waits(events).find((e) => e.data.position === 1)!;
    assert.equal(typeof estimate.data.estimatedWaitSeconds, 'number');
    assert.ok(events.findIndex((e) => e.type === 'handover.queued') < events.indexOf(estimate));
  });
});
