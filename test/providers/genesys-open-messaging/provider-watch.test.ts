// attach (§4.6): conversation detail notifications, each checked against a conversation read, become
// participant events — joins with the agent's name, the user.end pitfall (reject and transfer fire it
// too), lagging reads read again on the scheduler, socket trouble as reconnecting/resync. Virtual time.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { Connection } from '../../../src/core/ports/provider.ts';
import { OPEN_MESSAGING_KIND } from '../../../src/providers/genesys-open-messaging/index.ts';
import { waitFor } from '../../support/wait-for.ts';
import { coreRecorder, describeEvent, providerRig, type ProviderRig } from './provider-rig.ts';

const signal = () => new AbortController().signal;

let rig: ProviderRig;
let connection: Connection | undefined;
afterEach(async () => {
  await connection?.close();
  connection = undefined;
  await rig.close();
});

const refOf = (conversationId: string) => ({
  kind: OPEN_MESSAGING_KIND,
  data: { conversationId, customerId: `hg-${conversationId}` },
});

/** conv-1 attached; the recorder of what the core hears. */
async function attached() {
  rig = await providerRig();
  rig.genesys.conversation('conv-1');
  rig.genesys.user('user-a1', 'Alice Agent', 'https://img.example/alice.png');
  rig.genesys.user('user-a2', 'Bob Second');
  const r = coreRecorder();
  connection = await rig.provider.attach(refOf('conv-1'), r.handlers, signal());
  await waitFor(() => r.states.some((s) => s.state === 'open'), { what: 'open' });
  const seen = (n: number, what = `${n} events`) => waitFor(() => r.events.length >= n, { what });
  return { r, seen, described: () => r.events.map(describeEvent) };
}

describe('attach: joins (user.start)', () => {
  test('open once the watch is live; an answered agent is connected with its name and picture', async () => {
    const { r, seen } = await attached();
    assert.deepEqual(r.states, [{ state: 'open', reason: undefined }]);
    rig.genesys.addAgent('conv-1', {
      id: 'a1',
      state: 'connected',
      connectedTime: '2030-01-01T00:00:03.000Z',
    });
    rig.genesys.notify('conv-1', 'user.start', { participantId: 'a1', userId: 'user-a1' });
    await seen(1);
    assert.deepEqual(r.events[0], {
      type: 'participant',
      participant: {
        id: 'a1',
        role: 'agent',
        displayName: 'Alice Agent',
        avatarUrl: 'https://img.example/alice.png',
      },
      state: 'connected',
      at: '2030-01-01T00:00:03.000Z',
    });
  });

  test('an offered agent is alerting, read again on the scheduler until it answers', async () => {
    const { seen, described } = await attached();
    const agent = rig.genesys.addAgent('conv-1', { id: 'a1', state: 'alerting' });
    rig.genesys.notify('conv-1', 'user.start', { participantId: 'a1', userId: 'user-a1' });
    await seen(1);
    assert.deepEqual(described(), ['agent:a1:alerting']);
    const reads = rig.genesys.reads('conv-1').length;
    await rig.time.advance(1_000);
    await waitFor(() => rig.genesys.reads('conv-1').length === reads + 1, { what: 'a second read' });
    agent.state = 'connected';
    agent.connectedTime = '2030-01-01T00:00:04.000Z';
    await rig.time.advance(2_000);
    await seen(2);
    assert.deepEqual(described(), ['agent:a1:alerting', 'agent:a1:connected']);
    // Followed no more once answered.
    const after = rig.genesys.reads('conv-1').length;
    await rig.time.advance(30_000);
    assert.equal(rig.genesys.reads('conv-1').length, after);
  });

  test('the users API is asked once per agent, whatever the number of conversations', async () => {
    const { seen } = await attached();
    rig.genesys.conversation('conv-2');
    const r2 = coreRecorder();
    const second = await rig.provider.attach(refOf('conv-2'), r2.handlers, signal());
    rig.genesys.addAgent('conv-1', { id: 'a1', state: 'connected', userId: 'user-a1' });
    rig.genesys.addAgent('conv-2', { id: 'a1-bis', state: 'connected', userId: 'user-a1' });
    rig.genesys.notify('conv-1', 'user.start', { participantId: 'a1', userId: 'user-a1' });
    rig.genesys.notify('conv-2', 'user.start', { participantId: 'a1-bis', userId: 'user-a1' });
    await seen(1);
    await waitFor(() => r2.events.length === 1, { what: 'conv-2 join' });
    assert.equal(r2.events[0]?.type === 'participant' && r2.events[0].participant.displayName, 'Alice Agent');
    assert.equal(rig.genesys.fake.calls('GET', '/api/v2/users/user-a1').length, 1);
    await second.close();
  });
});

describe('attach: the user.end pitfall (§4.6 W9)', () => {
  test('the agent ended: the agent leaves, then the customer (Genesys ends it for the customer too)', async () => {
    const { r, seen, described } = await attached();
    const agent = rig.genesys.addAgent('conv-1', {
      id: 'a1',
      state: 'connected',
      connectedTime: '2030-01-01T00:00:03.000Z',
    });
    rig.genesys.notify('conv-1', 'user.start', { participantId: 'a1', userId: 'user-a1' });
    await seen(1);
    Object.assign(agent, {
      state: 'disconnected',
      disconnectType: 'client',
      endTime: '2030-01-01T00:01:00.000Z',
    });
    Object.assign(rig.genesys.participant('conv-1', 'cust-conv-1'), {
      state: 'disconnected',
      disconnectType: 'peer',
    });
    rig.genesys.notify('conv-1', 'user.end', {
      participantId: 'a1',
      userId: 'user-a1',
      disconnectType: 'CLIENT',
    });
    await seen(3);
    assert.deepEqual(described(), [
      'agent:a1:connected',
      'agent:a1:disconnected',
      'customer:cust-conv-1:disconnected',
    ]);
    // Each leave after a catch-up: the agent's last messages may still be on their way by webhook.
    assert.deepEqual(r.timeline.slice(r.timeline.indexOf('agent:a1:connected') + 1), [
      'state:resync',
      'agent:a1:disconnected',
      'state:resync',
      'customer:cust-conv-1:disconnected',
    ]);
    assert.equal(rig.provider.webhook.reorderWindowMs, 1000);
  });

  test('a transfer: the new agent connects, the old one leaves — the customer stays', async () => {
    const { seen, described } = await attached();
    const first = rig.genesys.addAgent('conv-1', {
      id: 'a1',
      state: 'connected',
      connectedTime: '2030-01-01T00:00:03.000Z',
    });
    rig.genesys.notify('conv-1', 'user.start', { participantId: 'a1', userId: 'user-a1' });
    await seen(1);
    rig.genesys.addAgent('conv-1', {
      id: 'a2',
      state: 'connected',
      userId: 'user-a2',
      connectedTime: '2030-01-01T00:02:00.000Z',
    });
    Object.assign(first, { state: 'disconnected', disconnectType: 'transfer' });
    rig.genesys.notify('conv-1', 'user.start', { participantId: 'a2', userId: 'user-a2' });
    rig.genesys.notify('conv-1', 'user.end', {
      participantId: 'a1',
      userId: 'user-a1',
      disconnectType: 'TRANSFER',
    });
    await seen(3);
    assert.deepEqual(described(), ['agent:a1:connected', 'agent:a2:connected', 'agent:a1:disconnected']);
  });

  test('a reject (CLIENT, never connected): alerting then disconnected — no customer leave', async () => {
    const { seen, described } = await attached();
    const agent = rig.genesys.addAgent('conv-1', { id: 'a1', state: 'alerting' });
    rig.genesys.notify('conv-1', 'user.start', { participantId: 'a1', userId: 'user-a1' });
    await seen(1);
    Object.assign(agent, { state: 'disconnected', disconnectType: 'client' });
    rig.genesys.notify('conv-1', 'user.end', {
      participantId: 'a1',
      userId: 'user-a1',
      disconnectType: 'CLIENT',
    });
    await seen(2);
    await rig.time.advance(10_000);
    assert.deepEqual(described(), ['agent:a1:alerting', 'agent:a1:disconnected']);
  });

  test('a read that lags the event (still active) is read again shortly', async () => {
    const { seen, described } = await attached();
    const agent = rig.genesys.addAgent('conv-1', {
      id: 'a1',
      state: 'connected',
      connectedTime: '2030-01-01T00:00:03.000Z',
    });
    rig.genesys.notify('conv-1', 'user.end', {
      participantId: 'a1',
      userId: 'user-a1',
      disconnectType: 'CLIENT',
    });
    await waitFor(() => rig.genesys.reads('conv-1').length === 1, { what: 'the first read' });
    assert.equal(described().length, 0);
    Object.assign(agent, { state: 'disconnected', disconnectType: 'client' });
    await rig.time.advance(500);
    await seen(1);
    assert.deepEqual(described(), ['agent:a1:disconnected']);
  });

  test('a user.end the reads never confirm: after a few tries the core is asked to catch up', async () => {
    const { r, described } = await attached();
    rig.genesys.addAgent('conv-1', {
      id: 'a1',
      state: 'connected',
      connectedTime: '2030-01-01T00:00:03.000Z',
    });
    rig.genesys.notify('conv-1', 'user.end', {
      participantId: 'a1',
      userId: 'user-a1',
      disconnectType: 'CLIENT',
    });
    await waitFor(() => rig.genesys.reads('conv-1').length === 1, { what: 'the first read' });
    assert.ok(
      await rig.time.advanceUntil(() => r.states.some((s) => s.state === 'resync'), 20_000),
      'resync asked',
    );
    assert.equal(rig.genesys.reads('conv-1').length, 5, 'the first read and four more');
    assert.deepEqual(described(), []);
  });

  test('the customer side ended (user.end PEER, customer.end): the customer leaves', async () => {
    const { seen, described } = await attached();
    const agent = rig.genesys.addAgent('conv-1', {
      id: 'a1',
      state: 'connected',
      connectedTime: '2030-01-01T00:00:03.000Z',
    });
    Object.assign(agent, { state: 'disconnected', disconnectType: 'peer' });
    Object.assign(rig.genesys.participant('conv-1', 'cust-conv-1'), {
      state: 'disconnected',
      disconnectType: 'client',
    });
    rig.genesys.notify('conv-1', 'user.end', {
      participantId: 'a1',
      userId: 'user-a1',
      disconnectType: 'PEER',
    });
    await seen(1);
    rig.genesys.notify('conv-1', 'customer.end', { participantId: 'cust-conv-1', disconnectType: 'CLIENT' });
    await seen(2);
    assert.deepEqual(described(), ['customer:cust-conv-1:disconnected', 'customer:cust-conv-1:disconnected']);
  });

  test('customer.end alone: the catch-up it asks for reads the conversation anew, never a kept read', async () => {
    // The end comes by notification (§4.6), the agent's last message by webhook — late, or given up
    // (§4.5). The core catches up before it commits the end; a read kept from before that message
    // (reads are reused for 2 s) would let the end overtake it for good.
    const { r } = await attached();
    rig.genesys.addAgent('conv-1', {
      id: 'a1',
      state: 'connected',
      connectedTime: '2030-01-01T00:00:03.000Z',
    });
    const ref = refOf('conv-1');
    await rig.provider.participants(ref, signal()); // a read the provider keeps
    rig.genesys.message('conv-1', 'a1', {
      id: 'last',
      time: '2030-01-01T00:00:04.000Z',
      text: 'my last words',
      originatingEntity: 'Human',
    });
    Object.assign(rig.genesys.participant('conv-1', 'a1'), {
      state: 'disconnected',
      disconnectType: 'client',
    });
    Object.assign(rig.genesys.participant('conv-1', 'cust-conv-1'), {
      state: 'disconnected',
      disconnectType: 'peer',
    });
    rig.genesys.notify('conv-1', 'customer.end', { participantId: 'cust-conv-1', disconnectType: 'PEER' });
    await waitFor(() => r.states.some((s) => s.state === 'resync'), { what: 'resync asked' });
    // What the core's catch-up asks next: the participants, then the history after its cursor.
    const members = await rig.provider.participants(ref, signal());
    assert.equal(members.find((m) => m.participant.role === 'customer')?.state, 'disconnected');
    const history: string[] = [];
    for await (const m of rig.provider.history(ref, undefined, signal())) history.push(m.text);
    assert.deepEqual(history, ['my last words']);
  });
});

describe('attach: the watch itself', () => {
  test('a dropped socket: reconnecting, then resync once the topics are subscribed again', async () => {
    const { r } = await attached();
    rig.genesys.fake.dropSockets();
    await waitFor(() => r.states.some((s) => s.state === 'reconnecting'), { what: 'reconnecting' });
    assert.ok(
      await rig.time.advanceUntil(() => r.states.some((s) => s.state === 'resync'), 10_000),
      'resync after the re-subscription',
    );
    assert.deepEqual(
      r.states.map((s) => s.state),
      ['open', 'reconnecting', 'resync'],
    );
  });

  test('a notification that cannot be checked (the read fails) asks the core to catch up', async () => {
    const { r, described } = await attached();
    rig.genesys.fake.route('GET', '/api/v2/conversations/messages/conv-1', () => ({
      status: 500,
      body: { code: 'internal.server.error', status: 500 },
    }));
    rig.genesys.notify('conv-1', 'user.start', { participantId: 'a1', userId: 'user-a1' });
    await waitFor(() => r.states.some((s) => s.state === 'resync'), { what: 'resync' });
    assert.deepEqual(described(), []);
  });

  test('close stops the follow-up reads and the events', async () => {
    const { r, seen } = await attached();
    rig.genesys.addAgent('conv-1', { id: 'a1', state: 'alerting' });
    rig.genesys.notify('conv-1', 'user.start', { participantId: 'a1', userId: 'user-a1' });
    await seen(1);
    await connection!.close();
    connection = undefined;
    const reads = rig.genesys.reads('conv-1').length;
    await rig.time.advance(130_000);
    assert.equal(rig.genesys.reads('conv-1').length, reads);
    assert.equal(rig.genesys.notify('conv-1', 'user.end', { participantId: 'a1' }), 0, 'unsubscribed');
    assert.equal(r.events.length, 1);
  });
});
