import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import {
  NotificationsCapacityError,
  NotificationsClient,
  OpenMessagingConfigError,
  type NotificationsRest,
  NotificationsSubscriptionError,
  OpenMessagingClient,
  type NotificationsClientOptions,
} from '../../../src/providers/genesys-open-messaging/index.ts';
import { VirtualTime } from '../../../src/time/virtual-time.ts';
import { waitFor } from '../../support/wait-for.ts';
import { CLIENT_ID, CLIENT_SECRET, FakeGenesys } from './fake-genesys.ts';
import { watchRecorder } from './watch-recorder.ts';
import { SYSTEM_TIME } from '../../support/system-time.ts';

const signal = () => new AbortController().signal;
const HEARTBEAT = { topicName: 'channel.metadata', eventBody: { message: 'WebSocket Heartbeat' } };
const SUBS = /^\/api\/v2\/notifications\/channels\/[^/]+\/subscriptions$/;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(notifications: NotificationsClientOptions extends infer O ? Partial<O> : never = {}) {
  const time = new VirtualTime();
  const fake = await FakeGenesys.start();
  cleanups.push(() => fake.close());
  const client = new OpenMessagingClient({
    target: { baseUrl: fake.url },
    credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    integrationId: 'integ-1',
    scheduler: time,
    clock: time,
    random: () => 0.5,
    // Plenty of budget: these tests are about channels, not the rate limit.
    requestsPerMinute: 100_000,
    burst: 10_000,
    notifications,
  });
  cleanups.push(() => client.close());
  return { time, fake, client, hub: client.notifications };
}

/** A client already watching conversation `c1` on one channel. */
async function watchingC1(notifications: Parameters<typeof setup>[0] = {}) {
  const env = await setup(notifications);
  const r = watchRecorder();
  await env.hub.watchConversation('c1', r.handlers, signal());
  const ch = [...env.fake.channels.values()][0]!;
  return { ...env, r, ch };
}

const detail = (conversationId: string, kind: string, body: Record<string, unknown> = {}) => ({
  topicName: `v2.detail.events.conversation.${conversationId}.${kind}`,
  version: '2',
  eventBody: { eventTime: 1_780_000_000_000, conversationId, participantId: 'pa', userId: 'u1', ...body },
});
const topic = (conversationId: string, kind: string) =>
  `v2.detail.events.conversation.${conversationId}.${kind}`;
const topicsOf = (conversationId: string) =>
  ['user.start', 'user.end', 'customer.end', 'acw'].map((kind) => topic(conversationId, kind));

describe('NotificationsClient (§4.6)', () => {
  test('lazy: no channel before the first watch; then one channel, one socket, the four topics, typed events', async () => {
    const { fake, hub } = await setup();
    assert.equal(fake.channels.size, 0);
    const r = watchRecorder();
    await hub.watchConversation('c1', r.handlers, signal());
    assert.equal(fake.channels.size, 1);
    const ch = [...fake.channels.values()][0]!;
    assert.equal(ch.sockets.size, 1, 'connected before subscribing');
    assert.deepEqual([...ch.topics].sort(), [
      topic('c1', 'acw'),
      topic('c1', 'customer.end'),
      topic('c1', 'user.end'),
      topic('c1', 'user.start'),
    ]);
    assert.equal(fake.calls('POST', SUBS)[0]!.query.get('ignoreErrors'), 'true');

    fake.push(HEARTBEAT, { channelId: ch.id });
    fake.push({ topicName: 'v2.users.u1.presence', eventBody: {} }, { channelId: ch.id });
    fake.push('not json', { channelId: ch.id });
    fake.push(detail('c1', 'user.start'), { topic: topic('c1', 'user.start') });
    fake.push(detail('c1', 'user.end', { disconnectType: 'CLIENT' }), { topic: topic('c1', 'user.end') });
    await waitFor(() => r.events.length === 2, { what: 'two events' });
    assert.deepEqual(
      r.events.map((e) => e.kind),
      ['user.start', 'user.end'],
    );
    const end = r.events[1]!;
    assert.ok(end.kind === 'user.end');
    assert.equal(end.disconnectType, 'CLIENT');
    const stats = hub.stats;
    assert.equal(stats.heartbeats, 1);
    assert.equal(stats.ignoredFrames['unknown-topic'], 1);
    assert.equal(stats.ignoredFrames['invalid-json'], 1);
    assert.equal(stats.channels, 1);
    assert.equal(stats.topics, 4);
    assert.equal(stats.watches, 1);
  });

  test('multiplexing within limits: topics per channel and channels (one kept spare) are configurable', async () => {
    const { fake, hub } = await setup({ maxTopicsPerChannel: 8, maxChannels: 3 });
    const watches = [];
    for (const c of ['c1', 'c2', 'c3', 'c4'])
      watches.push(await hub.watchConversation(c, watchRecorder().handlers, signal()));
    assert.equal(fake.channels.size, 2, 'two conversations per channel, two channels');
    for (const ch of fake.channels.values()) assert.equal(ch.topics.size, 8);
    await assert.rejects(
      hub.watchConversation('c5', watchRecorder().handlers, signal()),
      NotificationsCapacityError,
    );
    assert.equal(fake.channels.size, 2, 'the spare channel is not used for topics');
    assert.equal(hub.stats.topics, 16);
    await watches[1]!.close();
    assert.equal(hub.stats.topics, 12);
    const five = await hub.watchConversation('c5', watchRecorder().handlers, signal());
    assert.equal(fake.channels.size, 2, 'the freed room is reused');
    await five.close();
    await five.close(); // idempotent
  });

  test('two watches of one conversation share the subscription; the last close unsubscribes', async () => {
    const { fake, hub } = await setup();
    const a = watchRecorder();
    const b = watchRecorder();
    const wa = await hub.watchConversation('c1', a.handlers, signal());
    const wb = await hub.watchConversation('c1', b.handlers, signal(), ['user.end']);
    assert.equal(fake.calls('POST', SUBS).length, 1);
    fake.push(detail('c1', 'user.start'), { topic: topic('c1', 'user.start') });
    fake.push(detail('c1', 'user.end'), { topic: topic('c1', 'user.end') });
    await waitFor(() => a.events.length === 2 && b.events.length === 1);
    assert.equal(b.events[0]!.kind, 'user.end', 'only the kinds asked for');
    await wa.close();
    const ch = [...fake.channels.values()][0]!;
    assert.deepEqual([...ch.topics], [topic('c1', 'user.end')], 'PUT with what is still watched');
    await wb.close();
    assert.equal(ch.topics.size, 0);
    assert.equal(fake.calls('DELETE', SUBS).length, 1);
  });

  test('a socket drop: interrupted, reconnect after the backoff, every topic PUT again, resubscribed', async () => {
    const { time, fake, hub } = await setup();
    const r1 = watchRecorder();
    const r2 = watchRecorder();
    await hub.watchConversation('c1', r1.handlers, signal());
    await hub.watchConversation('c2', r2.handlers, signal());
    const ch = [...fake.channels.values()][0]!;
    fake.dropSockets();
    await waitFor(() => r1.states.length === 1 && r2.states.length === 1, { what: 'interrupted' });
    assert.equal(r1.states[0]!.state, 'interrupted');
    // Backoff: 500 ms initial, full jitter at 0.5 → 250 ms of virtual time.
    await time.advance(249);
    assert.equal(ch.sockets.size, 0);
    await time.advance(1);
    await waitFor(() => r1.states.length === 2, { what: 'resubscribed' });
    assert.deepEqual(r1.states[1], { state: 'resubscribed', reason: 'socket-closed' });
    assert.deepEqual(r2.states[1], { state: 'resubscribed', reason: 'socket-closed' });
    const put = fake.calls('PUT', SUBS).at(-1)!;
    assert.deepEqual(
      JSON.parse(put.body)
        .map((t: { id: string }) => t.id)
        .sort(),
      [...ch.topics].sort(),
    );
    assert.equal(ch.topics.size, 8);
    assert.equal(fake.channels.size, 1, 'same channel');
    fake.push(detail('c2', 'customer.end'), { topic: topic('c2', 'customer.end') });
    await waitFor(() => r2.events.length === 1);
    assert.equal(hub.stats.interruptions, 1);
    assert.equal(hub.stats.resubscriptions, 1);
  });

  test('a channel that is gone (handshake refused): a new channel, topics moved there', async () => {
    const { time, fake, r } = await watchingC1();
    const old = [...fake.channels.keys()][0]!;
    fake.dropSockets();
    fake.channels.delete(old); // Genesys forgot it (expired, evicted)
    await time.advanceUntil(() => fake.channels.size === 1 && fake.openSockets() === 1, 10_000, 250);
    await waitFor(() => r.states.some((s) => s.state === 'resubscribed'), { what: 'resubscribed' });
    assert.deepEqual(r.states.at(-1), { state: 'resubscribed', reason: 'channel-gone' });
    const fresh = [...fake.channels.values()][0]!;
    assert.notEqual(fresh.id, old);
    assert.equal(fresh.topics.size, 4);
  });

  test('a channel gone at a subscription (404: evicted by a 21st channel, expired): a new channel, every topic there', async () => {
    // §4.6: a 21st channel of the OAuth client evicts the oldest — e.g. other instances, or restarts
    // (a killed process never deletes its channels). A watch added before the socket shows it must
    // not fail for good: the chat would end provider_error over a channel the gateway can replace.
    const { fake, hub, r } = await watchingC1();
    const old = [...fake.channels.keys()][0]!;
    fake.channels.delete(old); // its socket has not dropped yet
    const r2 = watchRecorder();
    await hub.watchConversation('c2', r2.handlers, signal());
    assert.equal(fake.channels.size, 1);
    const fresh = [...fake.channels.values()][0]!;
    assert.notEqual(fresh.id, old);
    assert.deepEqual([...fresh.topics].sort(), [...topicsOf('c1'), ...topicsOf('c2')].sort());
    await waitFor(() => r.states.some((s) => s.state === 'resubscribed'), { what: 'c1 resubscribed' });
    assert.deepEqual(r.states.at(-1), { state: 'resubscribed', reason: 'channel-gone' });
    fake.push(detail('c2', 'customer.end'), { topic: topic('c2', 'customer.end') });
    await waitFor(() => r2.events.length === 1, { what: 'an event on the new channel' });
  });

  test('heartbeat watchdog on virtual time: heartbeats keep it alive, 75 s of silence reconnects', async () => {
    const { time, fake, hub, r, ch } = await watchingC1();
    for (let i = 1; i <= 4; i++) {
      await time.advance(30_000);
      fake.push(HEARTBEAT, { channelId: ch.id });
      await waitFor(() => hub.stats.heartbeats === i, { what: `heartbeat ${i}` });
    }
    assert.equal(r.states.length, 0, 'two minutes with heartbeats: no drop');
    await time.advance(74_999);
    assert.equal(r.states.length, 0);
    await time.advance(1);
    assert.deepEqual(r.states[0], { state: 'interrupted', reason: 'heartbeat-timeout' });
    await time.advance(250);
    await waitFor(() => r.states.length === 2, { what: 'resubscribed' });
    assert.deepEqual(r.states[1], { state: 'resubscribed', reason: 'heartbeat-timeout' });
    await waitFor(() => ch.sockets.size === 1);
  });

  test('v2.system.socket_closing: a new socket first, then the old one closed; topics PUT again', async () => {
    const { fake, r, ch } = await watchingC1();
    const [first] = [...ch.sockets];
    fake.push(
      { topicName: 'v2.system.socket_closing', eventBody: { message: 'closing' } },
      { channelId: ch.id },
    );
    await waitFor(() => r.states.length === 1, { what: 'resubscribed' });
    // The new socket was open (and the topics PUT) before the old one was closed: no interruption.
    assert.deepEqual(r.states, [{ state: 'resubscribed', reason: 'socket-closing' }]);
    assert.equal(fake.calls('PUT', SUBS).length, 1);
    await waitFor(() => !ch.sockets.has(first!) && ch.sockets.size === 1, { what: 'the old socket closed' });
    fake.push(detail('c1', 'acw', { wrapupCode: 'done' }), { topic: topic('c1', 'acw') });
    await waitFor(() => r.events.length === 1);
  });

  test('renewal before the 24 h expiry: new channel, topics moved, old dropped; overlap events once', async () => {
    // The fake sends no heartbeats; a day of silence would trip the watchdog.
    const { time, fake, hub } = await setup({ watchdogFactor: 0 });
    fake.channelExpires = () => new Date(time.nowMs + 86_400_000).toISOString();
    const r = watchRecorder();
    await hub.watchConversation('c1', r.handlers, signal());
    const old = [...fake.channels.values()][0]!;
    // Renewal 10 min before expiry.
    await time.advance(86_400_000 - 600_000 - 1);
    assert.equal(fake.channels.size, 1);
    await time.advance(1);
    await waitFor(() => hub.stats.renewals === 1, { what: 'renewal' });
    assert.equal(fake.channels.size, 2);
    const fresh = [...fake.channels.values()][1]!;
    assert.equal(fresh.topics.size, 4);
    assert.equal(old.topics.size, 0, 'old subscriptions deleted');
    await waitFor(() => old.sockets.size === 0 && fresh.sockets.size === 1, { what: 'old socket closed' });
    assert.deepEqual(r.states, [], 'make-before-break: nothing to reconcile');
    // The same event on both channels (as during the overlap) is delivered once.
    const same = detail('c1', 'user.end', { disconnectType: 'CLIENT' });
    old.topics.add(topic('c1', 'user.end'));
    fake.push(same, { channelId: fresh.id });
    fake.push(same, { channelId: fresh.id });
    await waitFor(() => hub.stats.duplicatesDropped === 1, { what: 'duplicate dropped' });
    assert.equal(r.events.length, 1);
    // The next renewal is planned for the new channel.
    await time.advance(86_400_000 - 600_000);
    await waitFor(() => hub.stats.renewals === 2, { what: 'second renewal' });
  });

  test('an `expires` already due by our clock (skew) is not trusted: 24 h are assumed, no renewal storm', async () => {
    const { time, fake, hub } = await setup({ watchdogFactor: 0 });
    fake.channelExpires = () => new Date(time.nowMs + 60_000).toISOString(); // within the 10-min margin
    await hub.watchConversation('c1', watchRecorder().handlers, signal());
    await time.advance(60_000);
    assert.equal(fake.channels.size, 1);
    assert.equal(hub.stats.renewals, 0);
    await time.advance(86_400_000 - 600_000 - 60_000);
    await waitFor(() => hub.stats.renewals === 1, { what: 'the renewal at 23 h 50 min' });
  });

  test('a topic Genesys rejects: NotificationsSubscriptionError naming the permission; nothing stays subscribed', async () => {
    const { fake, hub } = await setup();
    fake.route('POST', SUBS, (req) => ({
      body: {
        entities: JSON.parse(req.body).map((t: { id: string }) =>
          t.id.endsWith('user.end')
            ? {
                id: t.id,
                state: 'Rejected',
                rejectionReason: 'Permission denied',
                missingPermissions: ['analytics:conversationDetail:view'],
              }
            : { id: t.id, state: 'Permitted' },
        ),
      },
    }));
    const err = await hub
      .watchConversation('c1', watchRecorder().handlers, signal())
      .catch((e: unknown) => e);
    assert.ok(err instanceof NotificationsSubscriptionError, String(err));
    assert.deepEqual(
      err.rejected.map((r) => r.missingPermissions),
      [['analytics:conversationDetail:view']],
    );
    assert.equal(hub.stats.topics, 0);
    assert.equal(hub.stats.watches, 0);
  });

  test('limits that cannot work are configuration errors', () => {
    const rest = {} as NotificationsRest;
    for (const bad of [
      { maxTopicsPerChannel: 3 }, // a conversation's four topics must fit one channel
      { maxChannels: 1 }, // no spare for renewals
      { channelLifetimeMs: 600_000 }, // renewal would be due at once
      { connectTimeoutMs: 0 },
    ]) {
      assert.throws(
        () => new NotificationsClient({ rest, ...SYSTEM_TIME, ...bad }),
        OpenMessagingConfigError,
        JSON.stringify(bad),
      );
    }
  });

  test('close(): sockets closed, no timer left', async () => {
    const { time, fake, client, hub } = await setup();
    await hub.watchConversation('c1', watchRecorder().handlers, signal());
    await client.close();
    await waitFor(() => fake.openSockets() === 0, { what: 'sockets closed' });
    assert.equal(time.pending, 0);
    await assert.rejects(hub.watchConversation('c2', watchRecorder().handlers, signal()));
  });
});
