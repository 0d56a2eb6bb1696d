// SSE over real HTTP: a node:http server calling writeEventStream over the core's EventFeed, a fetch
// client reading it, and the real SQLite store as the source of truth.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, test } from 'node:test';
import { systemClock } from '../../../src/time/system-time.ts';
import type { EventLog } from '../../../src/core/ports/store/index.ts';
import { toWireEvent } from '../../../src/core/model/events.ts';
import { EventFeed } from '../../../src/core/services/event-feed.ts';
import { InProcessNotifier } from '../../../src/delivery/in-process-notifier.ts';
import { writeEventStream, type StreamResult } from '../../../src/api/sse/write-event-stream.ts';
import type { SqliteStore } from '../../../src/store/sqlite/sqlite-store.ts';
import { SseClient } from '../../support/sse-client.ts';
import { EventWriter, openMemoryStore } from '../../support/event-writer.ts';
import { waitFor } from '../../support/wait-for.ts';

interface Harness {
  store: SqliteStore;
  bus: InProcessNotifier;
  writer: EventWriter;
  results: StreamResult[];
  url: (handoverId: string) => string;
  connect: (handoverId: string, lastEventId?: string) => SseClient;
}

let cleanup: (() => Promise<void>) | undefined;

afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

interface HarnessOptions {
  keepAliveMs?: number;
  finished?: Set<string>;
  batchSize?: number;
  /** Replaces the store the stream reads (the writer still uses the real one). */
  readStore?: (real: SqliteStore) => Pick<EventLog, 'after' | 'get'>;
}

async function harness(options: HarnessOptions = {}): Promise<Harness> {
  const store = await openMemoryStore();
  const bus = new InProcessNotifier();
  const feed = new EventFeed({
    events: options.readStore?.(store) ?? store.events,
    notifier: bus,
    isFinished: (handoverId) => Promise.resolve(options.finished?.has(handoverId) ?? false),
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
  });
  const results: StreamResult[] = [];
  const clients: SseClient[] = [];
  const server: Server = createServer((req, res) => {
    const handoverId = decodeURIComponent(req.url?.slice(1) ?? '');
    const ac = new AbortController();
    req.on('close', () => ac.abort());
    const header = req.headers['last-event-id'];
    void writeEventStream({
      feed,
      handoverId,
      lastEventId: Array.isArray(header) ? header[0] : header,
      res,
      signal: ac.signal,
      keepAliveMs: options.keepAliveMs ?? 60_000,
    }).then((r) => results.push(r));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanup = async () => {
    await Promise.all(clients.map((c) => c.close()));
    // A stream that broke off (rather than ended or was closed) fails the test.
    for (const c of clients) assert.equal(c.error, undefined, 'an SSE stream broke off');
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
  };
  const url = (id: string): string => `${base}/${encodeURIComponent(id)}`;
  return {
    store,
    bus,
    writer: new EventWriter(store, systemClock),
    results,
    url,
    connect: (id, lastEventId) => {
      const c = SseClient.connect(url(id), lastEventId === undefined ? {} : { lastEventId });
      clients.push(c);
      return c;
    },
  };
}

const seqs = (c: SseClient): number[] => c.events().map((e) => e.seq);

test('headers, retry hint and the backlog in order, framed with id and event type', async () => {
  const h = await harness();
  const written = await h.writer.append('h-1', { count: 3, webhook: false });
  await h.writer.append('h-other', { count: 2 });
  const c = h.connect('h-1');
  await waitFor(() => c.events().length === 3, { timeoutMs: 5_000, what: 'backlog' });
  assert.equal(c.status, 200);
  const headers = c.headers;
  assert.ok(headers);
  assert.equal(headers.get('content-type'), 'text/event-stream; charset=utf-8');
  assert.equal(headers.get('cache-control'), 'no-cache');
  assert.equal(headers.get('x-accel-buffering'), 'no');
  assert.equal(c.frames[0]?.retry, '3000');
  const frames = c.frames.filter((f) => f.data !== undefined);
  assert.deepEqual(
    frames.map((f) => [f.id, f.event]),
    written.map((e) => [e.id, e.type]),
  );
  assert.deepEqual(c.events(), written.map(toWireEvent));
});

test('live events arrive after a publish, in order, with no gaps or duplicates under concurrent commits', async () => {
  const h = await harness({ batchSize: 7 });
  await h.writer.append('h-1', { count: 2 });
  const c = h.connect('h-1');
  await waitFor(() => c.events().length === 2, { timeoutMs: 5_000, what: 'backlog' });
  // Commits and notifications race the stream's reads; the store by seq keeps it exact.
  for (let i = 0; i < 40; i++) {
    await h.writer.append('h-1', { count: 1 + (i % 3) });
    h.bus.publish('h-1');
    if (i % 5 === 0) h.bus.publish('h-1'); // a duplicate notification changes nothing
  }
  const total = 2 + Array.from({ length: 40 }, (_, i) => 1 + (i % 3)).reduce((a, b) => a + b, 0);
  await waitFor(() => c.events().length >= total, { timeoutMs: 5_000, what: 'live events' });
  assert.deepEqual(
    seqs(c),
    Array.from({ length: total }, (_, i) => i + 1),
  );
});

test('resume with Last-Event-ID (event id or seq) sends only later events; an unknown id restarts', async () => {
  const h = await harness();
  const events = await h.writer.append('h-1', { count: 5 });
  const byId = h.connect('h-1', events[2]?.id);
  const bySeq = h.connect('h-1', '4');
  const unknown = h.connect('h-1', 'no-such-event');
  await waitFor(() => seqs(byId).length === 2 && seqs(bySeq).length === 1 && seqs(unknown).length === 5, {
    timeoutMs: 5_000,
    what: 'backlogs',
  });
  await h.writer.append('h-1', { count: 1 });
  h.bus.publish('h-1');
  await waitFor(() => seqs(byId).length === 3 && seqs(bySeq).length === 2 && seqs(unknown).length === 6, {
    timeoutMs: 5_000,
    what: 'live',
  });
  assert.deepEqual(seqs(byId), [4, 5, 6]);
  assert.deepEqual(seqs(bySeq), [5, 6]);
  assert.deepEqual(seqs(unknown), [1, 2, 3, 4, 5, 6]);
});

test('a client disconnect ends the stream and releases its bus subscription and timers', async () => {
  const h = await harness({ keepAliveMs: 10 });
  await h.writer.append('h-1', { count: 1 });
  const c = h.connect('h-1');
  await waitFor(() => c.events().length === 1 && c.frames.some((f) => f.comment === 'keep-alive'), {
    timeoutMs: 5_000,
    what: 'event + keep-alive',
  });
  assert.equal(h.bus.listenerCount('h-1'), 1);
  await c.close();
  await waitFor(() => h.results.length === 1, { timeoutMs: 5_000, what: 'stream end' });
  assert.deepEqual(h.results[0], { reason: 'closed', sent: 1 });
  assert.equal(h.bus.listenerCount(), 0);
});

test('the stream closes after the terminal event; reconnecting after it gets 204', async () => {
  const finished = new Set<string>();
  const h = await harness({ finished });
  await h.writer.append('h-1', { count: 2 });
  const c = h.connect('h-1');
  await waitFor(() => c.events().length === 2, { timeoutMs: 5_000, what: 'backlog' });
  const [ended] = await h.writer.append('h-1', { terminal: true });
  finished.add('h-1');
  h.bus.publish('h-1');
  await c.finished();
  assert.deepEqual(seqs(c), [1, 2, 3]);
  assert.equal(c.events()[2]?.type, 'handover.ended');
  await waitFor(() => h.results.length === 1, { timeoutMs: 5_000, what: 'server side end' });
  assert.deepEqual(h.results[0], { reason: 'finished', sent: 3 });
  assert.equal(h.bus.listenerCount(), 0);

  for (const lastId of [ended?.id, '3']) {
    const again = h.connect('h-1', lastId);
    await again.finished();
    assert.equal(again.status, 204, `resume from ${lastId}`);
  }
  // A client that missed the end still gets it.
  const late = h.connect('h-1', '2');
  await late.finished();
  assert.equal(late.status, 200);
  assert.deepEqual(seqs(late), [3]);
});

test('a store failure before the first byte answers 500 INTERNAL; after it, the stream just ends', async () => {
  let failAfter = 0; // reads allowed before failing
  const h = await harness({
    readStore: (real) => ({
      get: (id) => real.events.get(id),
      after: (handoverId, afterSeq, limit) =>
        failAfter-- > 0
          ? real.events.after(handoverId, afterSeq, limit)
          : Promise.reject(new Error('db gone /secret/path')),
    }),
  });
  await h.writer.append('h-1', { count: 2 });
  const early = h.connect('h-1');
  await early.finished();
  assert.equal(early.status, 500);
  await waitFor(() => h.results.length === 1, { timeoutMs: 5_000, what: 'first stream end' });
  assert.deepEqual(h.results[0], { reason: 'error', sent: 0 });

  failAfter = 1;
  const late = h.connect('h-1');
  await waitFor(() => late.events().length === 2, { timeoutMs: 5_000, what: 'backlog' });
  await h.writer.append('h-1', { count: 1 });
  h.bus.publish('h-1');
  await late.finished();
  assert.equal(late.status, 200);
  assert.deepEqual(seqs(late), [1, 2]);
  await waitFor(() => h.results.length === 2, { timeoutMs: 5_000, what: 'second stream end' });
  assert.deepEqual(h.results[1], { reason: 'error', sent: 2 });
  assert.equal(h.bus.listenerCount(), 0);
});
