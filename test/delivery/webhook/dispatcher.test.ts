// The webhook dispatcher against the real SQLite outbox and real HTTP receivers on 127.0.0.1.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { toWireEvent, type HandoverEvent } from '../../../src/core/model/events.ts';
import type { Clock } from '../../../src/core/ports/clock.ts';
import { systemClock } from '../../../src/time/system-time.ts';
import type { EventLog } from '../../../src/core/ports/store/index.ts';
import { generateWebhookSecret } from '../../../src/delivery/webhook/secret.ts';
import {
  WebhookDispatcher,
  type DeliveryOutcomeKind,
  type WebhookDispatcherOptions,
  type WebhookTarget,
} from '../../../src/delivery/webhook/dispatcher.ts';
import { RecordingLogger } from '../../support/recording-logger.ts';
import { EventWriter, openMemoryStore } from '../../support/event-writer.ts';
import { waitFor } from '../../support/wait-for.ts';
import { OK, WebhookReceiver, type Answer, type Responder } from '../../support/webhook-receiver.ts';
import type { SqliteStore } from '../../../src/store/sqlite/sqlite-store.ts';
import { systemRandom, systemScheduler } from '../../../src/time/system-time.ts';
import { VirtualTime } from '../../../src/time/virtual-time.ts';
import { sleep } from '../../support/sleep.ts';

const secret = generateWebhookSecret();
const FAR_FUTURE = '2999-01-01T00:00:00.000Z';
const OK_200: Answer = { kind: 'ok', status: 200 };
/** Virtual time starting now, so the signatures' timestamps pass standardwebhooks' tolerance check. */
const clockFromNow = (): VirtualTime => new VirtualTime(new Date());

interface Harness {
  store: SqliteStore;
  writer: EventWriter;
  logger: RecordingLogger;
  outcomes: { outcome: DeliveryOutcomeKind; event: HandoverEvent }[];
  dispatcher: WebhookDispatcher;
}

let open: { store: SqliteStore; dispatchers: WebhookDispatcher[]; receivers: WebhookReceiver[] } | undefined;
beforeEach(() => {
  open = { store: undefined as unknown as SqliteStore, dispatchers: [], receivers: [] };
});

afterEach(async () => {
  if (!open) return;
  for (const d of open.dispatchers) await d.stop();
  for (const r of open.receivers) await r.close();
  await open.store.close();
  open = undefined;
});

async function receiver(respond?: Responder): Promise<WebhookReceiver> {
  const r = await WebhookReceiver.start(respond === undefined ? {} : { respond });
  open?.receivers.push(r);
  return r;
}

/** A receiver that holds every answer (then 200) until `release()`. */
async function heldReceiver(): Promise<{ rx: WebhookReceiver; release: () => void }> {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const rx = await receiver(async () => {
    await held;
    return OK_200;
  });
  return { rx, release };
}

async function harness(
  targets: Record<string, WebhookTarget | undefined>,
  options: Partial<Omit<WebhookDispatcherOptions, 'events'>> & {
    clock?: Clock;
    wrapStore?: (store: SqliteStore) => Pick<EventLog, 'dueDeliveries' | 'recordDelivery'>;
  } = {},
): Promise<Harness> {
  const store = await openMemoryStore();
  if (open) open.store = store;
  const clock = options.clock ?? systemClock;
  const logger = new RecordingLogger();
  const outcomes: Harness['outcomes'] = [];
  const dispatcher = new WebhookDispatcher({
    clock,
    scheduler: systemScheduler,
    random: systemRandom,
    logger,
    pollIntervalMs: 20,
    retry: { initialDelayMs: 10, maxDelayMs: 50, maxAgeMs: 60_000 },
    onOutcome: (outcome, event) => outcomes.push({ outcome, event }),
    ...withoutKey(options, 'wrapStore'),
    events: options.wrapStore?.(store) ?? store.events,
    resolveTarget: (endpointId) => targets[endpointId],
  });
  open?.dispatchers.push(dispatcher);
  return { store, writer: new EventWriter(store, clock), logger, outcomes, dispatcher };
}

const delivered = (h: Harness): HandoverEvent[] =>
  h.outcomes.filter((o) => o.outcome === 'delivered').map((o) => o.event);

function verify(
  req: { body: string; headers: Record<string, string | string[] | undefined> },
  key = secret,
): unknown {
  return new Webhook(key).verify(req.body, req.headers as Record<string, string>);
}

function assertNothingSecretLogged(h: Harness): void {
  const text = h.logger.text();
  assert.ok(!text.includes(secret.slice(6)), 'secret in logs');
  assert.ok(!text.includes('secret-free text'), 'event body in logs');
  assert.ok(!text.includes('127.0.0.1'), 'url in logs');
}

test('events are delivered in order per handover, signed verifiably, one attempt per handover at a time', async () => {
  const rx = await receiver(async () => {
    await sleep(2); // hold briefly so overlapping attempts would be seen
    return OK_200;
  });
  const h = await harness({ 'ep-1': { url: rx.url, secrets: [secret] } });
  const written = [
    ...(await h.writer.append('h-a', { count: 4 })),
    ...(await h.writer.append('h-b', { count: 4 })),
  ];
  written.push(...(await h.writer.append('h-a', { count: 2 })));
  h.dispatcher.start();
  h.dispatcher.kick();
  await waitFor(() => delivered(h).length === 10, { timeoutMs: 5_000, what: '10 deliveries' });

  for (const id of ['h-a', 'h-b']) {
    const reqs = rx.attemptsOf(id);
    assert.deepEqual(
      reqs.map((r) => r.seq),
      id === 'h-a' ? [1, 2, 3, 4, 5, 6] : [1, 2, 3, 4],
    );
    for (const req of reqs) {
      const event = written.find((e) => e.handoverId === id && e.seq === req.seq);
      assert.deepEqual(verify(req), event && toWireEvent(event));
      assert.equal(req.headers['webhook-id'], event?.id);
      assert.equal(req.headers['content-type'], 'application/json');
    }
  }
  assert.equal(rx.maxConcurrentPerHandover, 1);
  assert.deepEqual(await h.store.events.dueDeliveries(FAR_FUTURE, 100), []);
  assertNothingSecretLogged(h);
});

test('a receiver answering 500 is retried with the same webhook-id until it recovers, order kept', async () => {
  const rx = await receiver((_req, index) => (index < 3 ? { kind: 'status', status: 500 } : OK));
  const h = await harness({ 'ep-1': { url: rx.url, secrets: [secret] } });
  const events = await h.writer.append('h-a', { count: 3 });
  h.dispatcher.start();
  await waitFor(() => delivered(h).length === 3, { timeoutMs: 5_000, what: '3 deliveries' });

  assert.deepEqual(
    rx.attempts.map((r) => r.seq),
    [1, 1, 1, 1, 2, 3],
  );
  assert.deepEqual(
    rx.attempts.slice(0, 4).map((r) => r.headers['webhook-id']),
    Array(4).fill(events[0]?.id),
  );
  for (const req of rx.attempts) assert.ok(verify(req));
  assert.deepEqual(
    h.outcomes.map((o) => o.outcome),
    ['retry', 'retry', 'retry', 'delivered', 'delivered', 'delivered'],
  );
  assert.deepEqual(
    delivered(h).map((e) => e.seq),
    [1, 2, 3],
  );
  assertNothingSecretLogged(h);
});

test('a hanging receiver for handover A does not delay handover B', async () => {
  const { rx: slow, release } = await heldReceiver();
  const fast = await receiver();
  const h = await harness(
    { 'ep-slow': { url: slow.url, secrets: [secret] }, 'ep-fast': { url: fast.url, secrets: [secret] } },
    { concurrency: 2 },
  );
  await h.writer.append('h-a', { endpointId: 'ep-slow', count: 3 });
  await h.writer.append('h-b', { endpointId: 'ep-fast', count: 5 });
  h.dispatcher.start();
  await waitFor(() => delivered(h).filter((e) => e.handoverId === 'h-b').length === 5, {
    timeoutMs: 5_000,
    what: 'B delivered',
  });
  assert.equal(slow.attempts.length, 1);
  assert.equal(slow.attempts[0]?.outcome, 'pending', 'A is still being held while B completed');
  assert.deepEqual(
    fast.attempts.map((r) => r.seq),
    [1, 2, 3, 4, 5],
  );

  release();
  await waitFor(() => delivered(h).filter((e) => e.handoverId === 'h-a').length === 3, {
    timeoutMs: 5_000,
    what: 'A delivered',
  });
  assert.deepEqual(
    slow.attempts.map((r) => r.seq),
    [1, 2, 3],
  );
});

test('after maxAgeMs of failures an event is dead-lettered; a replay delivers it with the same id', async () => {
  const clock = clockFromNow();
  let healthy = false;
  const rx = await receiver(() => (healthy ? OK_200 : { kind: 'status', status: 500 }));
  const h = await harness(
    { 'ep-1': { url: rx.url, secrets: [secret] } },
    { clock, retry: { initialDelayMs: 1_000, maxDelayMs: 2_000, maxAgeMs: 5_000 }, random: () => 0.999 },
  );
  const [event] = await h.writer.append('h-a');
  h.dispatcher.start();
  await waitFor(() => h.outcomes.length === 1, { timeoutMs: 5_000, what: 'first failure' });
  assert.equal(h.outcomes[0]?.outcome, 'retry');
  // The fake clock has not moved: the retry is not due, so nothing else happens however often we poll.
  h.dispatcher.kick();
  const [pending] = await h.store.events.dueDeliveries(FAR_FUTURE, 10);
  assert.equal(pending?.attempts, 1);
  assert.equal(pending.nextAttemptAt, new Date(clock.now().getTime() + 999).toISOString());

  await clock.advance(5_000); // the age limit since the first attempt has now passed
  h.dispatcher.kick();
  await waitFor(() => h.outcomes.some((o) => o.outcome === 'dead'), {
    timeoutMs: 5_000,
    what: 'dead-letter',
  });
  assert.equal(rx.attempts.length, 2);
  const dead = (await h.store.events.deadLetters({ limit: 10 })).items;
  assert.equal(dead.length, 1);
  const [letter] = dead;
  assert.ok(letter);
  assert.deepEqual(letter.event, event);
  assert.equal(letter.attempts, 2);
  assert.match(letter.lastError, /HTTP 500/);

  healthy = true;
  assert.equal(await h.store.events.replayDeadLetters({ handoverId: 'h-a' }, clock.now().toISOString()), 1);
  h.dispatcher.kick();
  await waitFor(() => delivered(h).length === 1, { timeoutMs: 5_000, what: 'replayed delivery' });
  assert.equal(rx.attempts[2]?.headers['webhook-id'], event?.id);
  assert.ok(verify(rx.attempts[2]!));
  assert.deepEqual((await h.store.events.deadLetters({ limit: 10 })).items, []);
  assertNothingSecretLogged(h);
});

test('410 Gone dead-letters at once; Retry-After of a 503 sets the next attempt (capped)', async () => {
  const clock = clockFromNow();
  const rx = await receiver((req) =>
    req.handoverId === 'h-gone'
      ? { kind: 'status', status: 410 }
      : { kind: 'status', status: 503, headers: { 'retry-after': '30' } },
  );
  const h = await harness(
    { 'ep-1': { url: rx.url, secrets: [secret] } },
    { clock, retry: { initialDelayMs: 100, maxDelayMs: 20_000, maxAgeMs: 60_000 }, random: () => 0 },
  );
  await h.writer.append('h-gone');
  await h.writer.append('h-busy');
  h.dispatcher.start();
  await waitFor(() => h.outcomes.length === 2, { timeoutMs: 5_000, what: 'two outcomes' });
  const byHandover = Object.fromEntries(h.outcomes.map((o) => [o.event.handoverId, o.outcome]));
  assert.deepEqual(byHandover, { 'h-gone': 'dead', 'h-busy': 'retry' });
  const [busy] = await h.store.events.dueDeliveries(FAR_FUTURE, 10);
  assert.equal(busy?.nextAttemptAt, new Date(clock.now().getTime() + 20_000).toISOString()); // 30 s asked, 20 s cap
  assert.match((await h.store.events.deadLetters({ limit: 10 })).items[0]?.lastError ?? '', /410/);
});

test('timeouts, refused connections and a missing target are retried failures with secret-free reasons', async () => {
  const hang = await receiver(() => new Promise(() => undefined));
  const closed = await WebhookReceiver.start();
  const refusedUrl = closed.url;
  await closed.close();
  const h = await harness(
    {
      'ep-hang': { url: hang.url + '?token=abc', secrets: [secret] },
      'ep-refused': { url: refusedUrl, secrets: [secret] },
      'ep-bad-secret': { url: hang.url, secrets: ['whsec_short'] },
    },
    // maxAgeMs 0: the first failure is final, so its reason is readable from the dead letters.
    { timeoutMs: 100, retry: { maxAgeMs: 0 } },
  );
  await h.writer.append('h-hang', { endpointId: 'ep-hang' });
  await h.writer.append('h-refused', { endpointId: 'ep-refused' });
  await h.writer.append('h-none', { endpointId: 'ep-unknown' });
  await h.writer.append('h-bad', { endpointId: 'ep-bad-secret' });
  h.dispatcher.start();
  await waitFor(async () => (await h.store.events.deadLetters({ limit: 10 })).items.length === 4, {
    timeoutMs: 5_000,
    what: '4 dead letters',
  });
  const reasons = Object.fromEntries(
    (await h.store.events.deadLetters({ limit: 10 })).items.map((d) => [d.event.handoverId, d.lastError]),
  );
  assert.match(reasons['h-hang'] ?? '', /timed out after 100 ms/);
  assert.match(reasons['h-refused'] ?? '', /network error: ECONNREFUSED/);
  assert.match(reasons['h-none'] ?? '', /no webhook url and secret configured/);
  assert.match(reasons['h-bad'] ?? '', /webhook secret is invalid/);
  const all = JSON.stringify(reasons) + h.logger.text();
  assert.ok(!all.includes('token=abc') && !all.includes('whsec_short'));
  assert.equal(hang.attempts.length, 1); // the bad-secret endpoint was never called
});

/** Records what each poll asked the store (`among`: undefined is a walk) and what it got. */
function spyPolls(): {
  polls: { among: string[] | undefined; got: string[] }[];
  wrapStore: (store: SqliteStore) => Pick<EventLog, 'dueDeliveries' | 'recordDelivery'>;
} {
  const polls: { among: string[] | undefined; got: string[] }[] = [];
  return {
    polls,
    wrapStore: (store) => ({
      dueDeliveries: async (now, limit, exclude, among) => {
        const due = await store.events.dueDeliveries(now, limit, exclude, among);
        polls.push({
          among: among && [...among],
          got: due.map((d) => `${d.event.handoverId}#${d.event.seq}`),
        });
        return due;
      },
      recordDelivery: (id, outcome) => store.events.recordDelivery(id, outcome),
    }),
  };
}

test('a kick naming a handover asks for that handover only; a kick naming none walks the outbox', async () => {
  const rx = await receiver();
  const spy = spyPolls();
  // No timer walks during the test: every poll comes from a kick or a settled attempt.
  const h = await harness({ 'ep-1': { url: rx.url, secrets: [secret] } }, { pollIntervalMs: 60_000, ...spy });
  h.dispatcher.start();
  await waitFor(() => spy.polls.length >= 1, { timeoutMs: 5_000, what: 'the first poll' });
  assert.equal(spy.polls[0]!.among, undefined, 'the first poll walks (deliveries owed before a restart)');

  await h.writer.append('h-a', { count: 2 });
  h.dispatcher.kick('h-a');
  await waitFor(() => delivered(h).length === 2, { timeoutMs: 5_000, what: "h-a's two events" });
  const named = spy.polls.slice(1);
  assert.ok(named.length >= 2);
  assert.ok(named.every((p) => p.among !== undefined && p.among.every((id) => id === 'h-a')));

  // h-b's event is owed, but nobody names it: a kick for h-a does not find it …
  await h.writer.append('h-b', { count: 1 });
  const before = spy.polls.length;
  h.dispatcher.kick('h-a');
  await waitFor(() => spy.polls.length > before, { timeoutMs: 5_000, what: 'the named poll' });
  assert.deepEqual(spy.polls.at(-1), { among: ['h-a'], got: [] });
  // … a kick naming none walks and does.
  h.dispatcher.kick();
  await waitFor(() => delivered(h).length === 3, { timeoutMs: 5_000, what: "h-b's event" });
  assert.ok(spy.polls.some((p) => p.among === undefined && p.got.includes('h-b#1')));
});

test('a walk that fills every free slot walks again, so no due handover waits for the timer', async () => {
  const rx = await receiver();
  const spy = spyPolls();
  const h = await harness(
    { 'ep-1': { url: rx.url, secrets: [secret] } },
    { pollIntervalMs: 60_000, concurrency: 2, ...spy },
  );
  for (const id of ['h-1', 'h-2', 'h-3', 'h-4', 'h-5']) await h.writer.append(id, { count: 1 });
  h.dispatcher.start();
  await waitFor(() => delivered(h).length === 5, { timeoutMs: 5_000, what: 'all five, two at a time' });
  assert.ok(spy.polls.every((p) => p.got.length <= 2));
});

test('named kicks never starve a retry: the outbox is walked at least every pollIntervalMs', async () => {
  let first = true;
  const rx = await receiver(() => {
    if (!first) return Promise.resolve(OK_200);
    first = false;
    return Promise.resolve({ kind: 'status', status: 503 });
  });
  const spy = spyPolls();
  const h = await harness(
    { 'ep-1': { url: rx.url, secrets: [secret] } },
    {
      pollIntervalMs: 40,
      // The retry falls due ~200 ms after the failure, not at once: the kick naming h-a when its
      // attempt settles must find nothing, so only a walk can (a jittered 0–10 ms delay let that
      // named poll take the retry itself now and then: a flake under load).
      retry: { initialDelayMs: 200, maxDelayMs: 200, maxAgeMs: 60_000 },
      random: () => 0.999,
      ...spy,
    },
  );
  await h.writer.append('h-a', { count: 1 });
  h.dispatcher.start();
  // Another handover keeps kicking, so the loop never sleeps until its timer.
  const deadline = Date.now() + 5_000;
  while (delivered(h).length === 0 && Date.now() < deadline) {
    h.dispatcher.kick('h-busy');
    await sleep(2);
  }
  assert.equal(delivered(h).length, 1, "h-a's retry was delivered");
  assert.equal(rx.attemptsOf('h-a').length, 2);
  assert.ok(spy.polls.filter((p) => p.among === undefined).length >= 2);
});

test('a failing store never stops the loop', async () => {
  const rx = await receiver();
  let failuresLeft = 3;
  const h = await harness(
    { 'ep-1': { url: rx.url, secrets: [secret] } },
    {
      wrapStore: (store) => ({
        dueDeliveries: (now, limit, exclude) =>
          failuresLeft-- > 0
            ? Promise.reject(new Error('disk on fire'))
            : store.events.dueDeliveries(now, limit, exclude),
        recordDelivery: (id, outcome) => store.events.recordDelivery(id, outcome),
      }),
    },
  );
  await h.writer.append('h-a', { count: 2 });
  h.dispatcher.start();
  await waitFor(() => delivered(h).length === 2, {
    timeoutMs: 5_000,
    what: 'deliveries after store recovered',
  });
  assert.equal(h.logger.lines.filter((l) => l.level === 'error').length, 3);
});

test('stop() waits for an in-flight attempt and its recording', async () => {
  const { rx, release } = await heldReceiver();
  const h = await harness({ 'ep-1': { url: rx.url, secrets: [secret] } });
  await h.writer.append('h-a');
  h.dispatcher.start();
  await waitFor(() => rx.attempts.length === 1, { timeoutMs: 5_000, what: 'request in flight' });
  let stopped = 0;
  // Two callers (a signal handler and a teardown, say) both wait for the same drain.
  const stopping = [h.dispatcher.stop(), h.dispatcher.stop()].map((p) => p.then(() => (stopped += 1)));
  await new Promise((r) => setImmediate(r));
  assert.equal(stopped, 0);
  assert.equal(h.dispatcher.inFlight, 1);
  release();
  await Promise.all(stopping);
  assert.equal(stopped, 2);
  assert.equal(delivered(h).length, 1);
  assert.deepEqual(await h.store.events.dueDeliveries(FAR_FUTURE, 10), []);
});

test('stop() is bounded: a hanging attempt is aborted and left due, unrecorded', async () => {
  const rx = await receiver(() => new Promise(() => undefined));
  const h = await harness(
    { 'ep-1': { url: rx.url, secrets: [secret] } },
    { stopTimeoutMs: 50, timeoutMs: 60_000 },
  );
  await h.writer.append('h-a');
  h.dispatcher.start();
  await waitFor(() => rx.attempts.length === 1, { timeoutMs: 5_000, what: 'request in flight' });
  await h.dispatcher.stop();
  assert.equal(h.dispatcher.inFlight, 0);
  assert.deepEqual(h.outcomes, []);
  const [pending] = await h.store.events.dueDeliveries(FAR_FUTURE, 10);
  assert.equal(pending?.attempts, 0);
});

function withoutKey<T extends object, K extends keyof T>(o: T, key: K): Omit<T, K> {
  const { [key]: _omitted, ...rest } = o;
  return rest;
}
