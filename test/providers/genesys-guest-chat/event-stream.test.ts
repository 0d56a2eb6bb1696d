import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, test } from 'node:test';
import {
  GenesysAbortedError,
  GenesysStreamError,
  GuestChatEventStream,
  type GuestChatEvent,
  type GuestChatEventStreamOptions,
  type StreamStateChange,
} from '../../../src/providers/genesys-guest-chat/index.ts';
import { waitFor } from '../../support/wait-for.ts';
import { sleep } from '../../support/sleep.ts';
import { startWsServer, type TestWsServer } from './ws-server.ts';

const JWT = 'eyJ.stream-secret.sig';
const CID = 'conv-ws';
const GUEST = 'guest-ws';
const AGENT = 'agent-ws';

const frames = {
  heartbeat: JSON.stringify({ topicName: 'channel.metadata', eventBody: { message: 'WebSocket Heartbeat' } }),
  message: (id: string, sender: string) =>
    JSON.stringify({
      topicName: `v2.conversations.chats.${CID}.messages`,
      version: '2',
      eventBody: {
        id,
        conversation: { id: CID },
        sender: { id: sender },
        body: `b-${id}`,
        bodyType: 'standard',
        timestamp: '2020-01-01T00:00:00.000Z',
      },
      metadata: { CorrelationId: 'c', type: 'message' },
    }),
  member: (memberId: string, state: string) =>
    JSON.stringify({
      topicName: `v2.conversations.chats.${CID}.members`,
      version: '2',
      eventBody: {
        conversation: { id: CID },
        member: { id: memberId, state },
        timestamp: '2020-01-01T00:00:00.000Z',
      },
      metadata: { CorrelationId: 'c', type: 'member-change' },
    }),
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function server(onConnection?: Parameters<typeof startWsServer>[0]): Promise<TestWsServer> {
  const s = await startWsServer(onConnection);
  cleanups.push(() => s.close());
  return s;
}

function stream(uri: string, extra: Partial<GuestChatEventStreamOptions> = {}) {
  const events: GuestChatEvent[] = [];
  const states: StreamStateChange[] = [];
  const s = new GuestChatEventStream({
    eventStreamUri: uri,
    guestMemberId: GUEST,
    conversationId: CID,
    onEvent: (e) => events.push(e),
    onState: (c) => states.push(c),
    backoff: { initialDelayMs: 20, maxDelayMs: 100 },
    ...extra,
  });
  cleanups.push(() => s.close());
  return { s, events, states };
}

const signal = () => new AbortController().signal;

describe('GuestChatEventStream', () => {
  test('opens eventStreamUri verbatim with no headers and emits typed events with own flags', async () => {
    const srv = await server((ws) => {
      ws.send(frames.member(GUEST, 'CONNECTED'));
      ws.send(frames.member(GUEST, 'CONNECTED')); // duplicates are passed through (§7.2)
      ws.send('{garbled');
      ws.send(frames.heartbeat);
      ws.send(frames.message('m1', AGENT));
      ws.send(frames.message('m2', GUEST));
      ws.send(
        JSON.stringify({ topicName: 'v2.something.else', eventBody: {}, metadata: { type: 'new-kind' } }),
      );
      ws.send(Buffer.from([1, 2, 3]), { binary: true });
    });
    const { s, events, states } = stream(`${srv.url}/v1/token/${JWT}`);
    await s.open(signal());
    assert.equal(s.state, 'open');
    await waitFor(() => events.length >= 5, { timeoutMs: 2000, what: '5 events' });
    const req = srv.connections[0]!.request;
    assert.equal(req.url, `/v1/token/${JWT}`);
    assert.equal(req.headers.authorization, undefined);
    assert.equal(req.headers['sec-websocket-protocol'], undefined);
    assert.deepEqual(
      events.map((e) => (e.kind === 'heartbeat' ? 'heartbeat' : `${e.kind}:${e.own}`)),
      ['member-change:true', 'member-change:true', 'heartbeat', 'message:false', 'message:true'],
    );
    await waitFor(() => s.stats.framesReceived === 8, { timeoutMs: 2000, what: '8 frames' });
    assert.deepEqual(s.stats.ignoredFrames, {
      'invalid-json': 2,
      'unknown-kind': 1,
      'schema-mismatch': 0,
      'foreign-conversation': 0,
    });
    assert.equal(s.stats.eventsEmitted, 5);
    assert.deepEqual(
      states.map((c) => c.state),
      ['connecting', 'open'],
    );
    assert.equal(states[1]!.reopened, false);

    const closeCode = new Promise<number>((resolve) =>
      srv.connections[0]!.socket.once('close', (code) => resolve(code)),
    );
    await s.close();
    assert.equal(await closeCode, 1000);
    assert.equal(s.state, 'closed');
    assert.deepEqual(states.at(-1), {
      state: 'closed',
      attempt: 0,
      reopened: false,
      reason: 'closed-by-owner',
    });
    await s.close(); // idempotent
  });

  test('options may be a class instance: onEvent and onState are called on it, and the URI is opened verbatim', async () => {
    const srv = await server((ws) => ws.send(frames.message('m1', AGENT)));
    class Owner implements GuestChatEventStreamOptions {
      readonly events: string[] = [];
      readonly states: string[] = [];
      constructor(readonly uri: string) {}
      get eventStreamUri(): string {
        return this.uri;
      }
      get guestMemberId(): string {
        return GUEST;
      }
      onEvent(e: GuestChatEvent): void {
        this.events.push(e.kind);
      }
      onState(c: StreamStateChange): void {
        this.states.push(c.state);
      }
    }
    const owner = new Owner(`${srv.url}/v1/token/${JWT}`);
    const s = new GuestChatEventStream(owner);
    cleanups.push(() => s.close());
    await s.open(signal());
    await waitFor(() => owner.events.length >= 1, { timeoutMs: 2000, what: 'the message' });
    assert.deepEqual(owner.events, ['message']);
    assert.deepEqual(owner.states, ['connecting', 'open']);
    assert.equal(srv.connections[0]!.request.url, `/v1/token/${JWT}`);
  });

  test('a listener that throws does not break the stream', async () => {
    const srv = await server((ws) => {
      ws.send(frames.message('m1', AGENT));
      ws.send(frames.message('m2', AGENT));
    });
    const seen: string[] = [];
    const { s } = stream(srv.url, {
      onEvent: (e) => {
        if (e.kind === 'message') seen.push(e.id);
        throw new Error('listener bug');
      },
    });
    await s.open(signal());
    await waitFor(() => seen.length === 2, { timeoutMs: 2000, what: 'both messages' });
    assert.equal(s.state, 'open');
  });

  test('a server-side drop is followed by a reconnect announced as reopened', async () => {
    const srv = await server();
    const { s, states } = stream(srv.url);
    await s.open(signal());
    srv.connections[0]!.socket.terminate();
    await waitFor(() => srv.connections.length === 2 && s.state === 'open', {
      timeoutMs: 3000,
      what: 'reconnect',
    });
    const seq = states.map((c) => c.state);
    assert.deepEqual(seq, ['connecting', 'open', 'reconnecting', 'connecting', 'open']);
    const reconnecting = states[2]!;
    assert.equal(reconnecting.reason, 'socket-closed');
    assert.equal(reconnecting.attempt, 1);
    assert.ok(reconnecting.delayMs !== undefined && reconnecting.delayMs >= 0 && reconnecting.delayMs <= 20);
    assert.deepEqual(states.at(-1), { state: 'open', attempt: 1, reopened: true });
    assert.equal(s.stats.reconnects, 1);
  });

  test('heartbeat watchdog: a silent socket is terminated and replaced', async () => {
    const srv = await server(); // never sends anything
    const { s, states } = stream(srv.url, { heartbeatIntervalMs: 40, watchdogFactor: 2 });
    await s.open(signal());
    await waitFor(() => srv.connections.length >= 2 && s.state === 'open', {
      timeoutMs: 3000,
      what: 'watchdog reconnect',
    });
    const drop = states.find((c) => c.state === 'reconnecting');
    assert.equal(drop?.reason, 'heartbeat-timeout');
    assert.equal(states.filter((c) => c.state === 'open').at(-1)!.reopened, true);
  });

  test('heartbeats keep a socket alive past the watchdog period', async () => {
    const timers: NodeJS.Timeout[] = [];
    const srv = await server((ws) => {
      timers.push(setInterval(() => ws.send(frames.heartbeat), 20));
    });
    cleanups.push(() => {
      timers.forEach((t) => clearInterval(t));
      return Promise.resolve();
    });
    const { s, events } = stream(srv.url, { heartbeatIntervalMs: 40, watchdogFactor: 2.5 });
    await s.open(signal());
    await waitFor(() => events.filter((e) => e.kind === 'heartbeat').length >= 15, {
      timeoutMs: 5000,
      what: '15 heartbeats',
    });
    assert.equal(srv.connections.length, 1);
    assert.equal(s.stats.reconnects, 0);
  });

  test('down longer than the disconnect grace → terminal lost (grace-exceeded)', async () => {
    const srv = await server();
    const { s, states } = stream(srv.url, {
      disconnectGraceMs: 300,
      backoff: { initialDelayMs: 20, maxDelayMs: 40 },
    });
    await s.open(signal());
    await srv.close(); // connections refused from now on
    await waitFor(() => s.state === 'lost', { timeoutMs: 3000, what: 'lost' });
    assert.equal(states.at(-1)!.reason, 'grace-exceeded');
    const attempts = states.filter((c) => c.state === 'reconnecting');
    assert.ok(attempts.length >= 2, `retried ${attempts.length} times`);
    for (const a of attempts) assert.ok(a.delayMs! <= 40);
    const n = states.length;
    await sleep(100);
    assert.equal(states.length, n, 'nothing happens after lost');
  });

  test('a server that accepts and closes at once cannot cause an endless reconnect loop', async () => {
    const srv = await server((ws) => {
      ws.send(frames.heartbeat);
      ws.close(1000);
    });
    const { s, states } = stream(srv.url, {
      disconnectGraceMs: 400,
      stableAfterMs: 200,
      backoff: { initialDelayMs: 10, maxDelayMs: 1000 },
    });
    await s.open(signal());
    await waitFor(() => s.state === 'lost', { timeoutMs: 3000, what: 'lost' });
    assert.equal(states.at(-1)!.reason, 'grace-exceeded');
    const attempts = states.filter((c) => c.state === 'reconnecting').map((c) => c.attempt);
    assert.deepEqual(
      attempts,
      attempts.map((_, i) => i + 1),
      'the backoff is not reset by short-lived sockets',
    );
    assert.ok(srv.connections.length < 15, `${srv.connections.length} connections`);
  });

  test('a socket that stays open past stableAfterMs resets the backoff and the grace clock', async () => {
    const srv = await server();
    const { s, states } = stream(srv.url, { disconnectGraceMs: 2000, stableAfterMs: 50 });
    await s.open(signal());
    for (let i = 1; i <= 3; i++) {
      await sleep(120); // longer than stableAfterMs
      srv.connections.at(-1)!.socket.terminate();
      await waitFor(() => srv.connections.length === i + 1 && s.state === 'open', {
        timeoutMs: 3000,
        what: `reconnect ${i}`,
      });
    }
    assert.deepEqual(
      states.filter((c) => c.state === 'reconnecting').map((c) => c.attempt),
      [1, 1, 1],
    );
  });

  test('a refused handshake (4xx) is terminal: open() rejects without retrying', async () => {
    const srv = await server();
    srv.rejectWith = 401;
    const { s, states } = stream(`${srv.url}/v1/token/${JWT}`);
    await assert.rejects(s.open(signal()), (err) => {
      assert.ok(err instanceof GenesysStreamError);
      assert.equal(err.reason, 'rejected');
      assert.equal(err.status, 401);
      assert.ok(!err.message.includes(JWT));
      return true;
    });
    assert.equal(s.state, 'lost');
    assert.deepEqual(
      states.map((c) => c.state),
      ['connecting', 'lost'],
    );
  });

  test('a 503 handshake is retried until the server accepts', async () => {
    const srv = await server();
    srv.rejectWith = 503;
    const { s, states } = stream(srv.url);
    const opened = s.open(signal());
    await waitFor(() => states.filter((c) => c.state === 'reconnecting').length >= 2, {
      timeoutMs: 3000,
      what: 'two retries',
    });
    srv.rejectWith = undefined;
    await opened;
    assert.equal(s.state, 'open');
  });

  test('first connect refused until the grace runs out → open() rejects with grace-exceeded', async () => {
    const srv = await server();
    await srv.close();
    const { s } = stream(srv.url, { disconnectGraceMs: 200 });
    await assert.rejects(
      s.open(signal()),
      (err) => err instanceof GenesysStreamError && err.reason === 'grace-exceeded',
    );
  });

  test('aborting the open signal closes the stream; aborting later closes it too', async () => {
    const refused = await server();
    refused.rejectWith = 503;
    const ac = new AbortController();
    const a = stream(refused.url);
    const p = a.s.open(ac.signal);
    await waitFor(() => a.states.some((c) => c.state === 'reconnecting'), {
      timeoutMs: 2000,
      what: 'a retry',
    });
    ac.abort();
    await assert.rejects(p, GenesysAbortedError);
    assert.equal(a.s.state, 'closed');
    assert.equal(a.states.at(-1)!.reason, 'aborted');

    const srv = await server();
    const ac2 = new AbortController();
    const b = stream(srv.url);
    await b.s.open(ac2.signal);
    ac2.abort();
    await waitFor(() => b.s.state === 'closed', { timeoutMs: 2000, what: 'closed' });
    assert.equal(b.states.at(-1)!.reason, 'aborted');
    const pre = new AbortController();
    pre.abort();
    await assert.rejects(stream(srv.url).s.open(pre.signal), GenesysAbortedError);
  });

  test('untilOpen: the signal governs the opening only; once open the stream lets go of it', async () => {
    const srv = await server();
    const ac = new AbortController();
    const { s, states } = stream(srv.url);
    await s.open(ac.signal, { untilOpen: true });
    await waitFor(() => getEventListeners(ac.signal, 'abort').length === 0, {
      timeoutMs: 2000,
      what: 'the abort listener removed',
    });
    ac.abort();
    await sleep(50);
    assert.equal(s.state, 'open');
    await s.close();
    assert.equal(s.state, 'closed');
    assert.equal(states.at(-1)!.reason, 'closed-by-owner');

    // Before the first open, aborting still stops it.
    const refused = await server();
    refused.rejectWith = 503;
    const early = new AbortController();
    const r = stream(refused.url);
    const p = r.s.open(early.signal, { untilOpen: true });
    await waitFor(() => r.states.some((c) => c.state === 'reconnecting'), {
      timeoutMs: 2000,
      what: 'a retry',
    });
    early.abort();
    await assert.rejects(p, GenesysAbortedError);
    assert.equal(r.s.state, 'closed');
  });

  test('after the guest is DISCONNECTED a server close ends the stream instead of reconnecting', async () => {
    const srv = await server((ws) => {
      ws.send(frames.member(GUEST, 'DISCONNECTED'));
      setTimeout(() => ws.close(1000), 20);
    });
    const { s, states } = stream(srv.url);
    await s.open(signal());
    await waitFor(() => s.state === 'closed', { timeoutMs: 2000, what: 'closed' });
    assert.equal(states.at(-1)!.reason, 'guest-disconnected');
    assert.equal(srv.connections.length, 1);
  });

  test('an unusable URI is terminal and the error does not echo it', async () => {
    const { s } = stream(`not a uri ${JWT}`);
    await assert.rejects(s.open(signal()), (err) => {
      assert.ok(err instanceof GenesysStreamError && err.reason === 'invalid-uri');
      assert.ok(!err.message.includes(JWT));
      return true;
    });
  });

  test('a handshake that never completes times out and is retried (connect-timeout)', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((sock) => sockets.push(sock)); // accepts TCP, never answers the upgrade
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          sockets.forEach((x) => x.destroy());
          silent.close(() => resolve());
        }),
    );
    const { port } = silent.address() as AddressInfo;
    const { s, states } = stream(`ws://127.0.0.1:${port}/v1/token/${JWT}`, {
      connectTimeoutMs: 100,
      disconnectGraceMs: 450,
    });
    await assert.rejects(
      s.open(signal()),
      (err) => err instanceof GenesysStreamError && err.reason === 'grace-exceeded',
    );
    const reasons = states.filter((c) => c.state === 'reconnecting').map((c) => c.reason);
    assert.ok(reasons.length >= 2 && reasons.every((r) => r === 'connect-timeout'), JSON.stringify(reasons));
  });

  test('open() may be called once', async () => {
    const srv = await server();
    const { s } = stream(srv.url);
    await s.open(signal());
    await assert.rejects(s.open(signal()), /once/);
  });

  test('close() during a reconnect delay leaves no timer behind', async () => {
    const srv = await server();
    const { s } = stream(srv.url, {
      backoff: { initialDelayMs: 60_000, maxDelayMs: 60_000 },
      random: () => 0.99,
    });
    await s.open(signal());
    srv.connections[0]!.socket.terminate();
    await waitFor(() => s.state === 'reconnecting', { timeoutMs: 2000, what: 'reconnecting' });
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    await s.close();
    const afterClose = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    assert.ok(afterClose < before, `timeouts ${before} → ${afterClose}`);
    assert.equal(srv.connections.length, 1, 'no reconnect after close');
  });
});
