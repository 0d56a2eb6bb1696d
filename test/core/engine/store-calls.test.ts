// One path per message (issue 9): the unit of work loads a handover once and live handovers are kept
// in memory, so the hot paths do not read the handover row again and again. Counted on a store that
// records every call, through the real API route for the customer side.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Store } from '../../../src/core/ports/store/index.ts';
import { CoreRig } from '../../support/core-rig.ts';
import { RIG_API_KEY, rigApi } from '../../support/rig-api.ts';

/** Wraps a store so every call is counted by `part.method`. */
function counting(store: Store, counts: Map<string, number>): Store {
  const wrap = <T extends object>(name: string, part: T): T =>
    new Proxy(part, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const key = `${name}.${String(prop)}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  return {
    handovers: wrap('handovers', store.handovers),
    transcript: wrap('transcript', store.transcript),
    events: wrap('events', store.events),
    retention: wrap('retention', store.retention),
    parked: wrap('parked', store.parked),
    migrate: () => store.migrate(),
    close: () => store.close(),
  };
}

/** A rig whose store counts every call, an active handover and the API; counting starts now. */
async function countedChat() {
  const counts = new Map<string, number>();
  const rig = await CoreRig.start({ wrapStore: (s) => counting(s, counts) });
  const { id, conv } = await rig.activeHandover();
  const app = await rigApi(rig);
  await rig.advance(5_000);
  counts.clear();
  return { counts, rig, id, conv, app };
}

/** The bot's POST …/messages with one text, through the real route. */
function postMessage(app: Awaited<ReturnType<typeof rigApi>>, id: string, text: string) {
  return app.inject({
    method: 'POST',
    url: `/v1/handovers/${id}/messages`,
    headers: { authorization: `Bearer ${RIG_API_KEY}`, 'content-type': 'application/json' },
    payload: { text },
  });
}

test('a customer message, POST …/messages to the provider send and its sent commit, reads the handover at most twice', async () => {
  const { counts, rig, id, conv, app } = await countedChat();
  const res = await postMessage(app, id, 'counted');
  assert.equal(res.statusCode, 202);
  await rig.until(async () => (await rig.transcript(id)).some((l) => l.outbound?.status === 'sent'), 'sent');
  assert.deepEqual(conv.customerTexts(), ['counted']);
  const reads = counts.get('handovers.get') ?? 0;
  assert.ok(
    reads <= 2,
    `the handover was read ${reads} times: ${JSON.stringify(Object.fromEntries(counts))}`,
  );
  // The message together with its send's start (so a restart waits out a send in flight: issue 12
  // folds the two), then its confirmation.
  assert.equal(counts.get('handovers.commit'), 2, JSON.stringify(Object.fromEntries(counts)));
  await app.close();
});

test('an agent message, from the event stream to the outbox, reads the handover at most once', async () => {
  const counts = new Map<string, number>();
  const rig = await CoreRig.start({ wrapStore: (s) => counting(s, counts) });
  const { id, conv } = await rig.activeHandover();
  await rig.advance(5_000);
  counts.clear();
  conv.agentWrites('counted too');
  await rig.until(async () => (await rig.agentTexts(id)).length === 1, 'delivered to the outbox');
  const reads = counts.get('handovers.get') ?? 0;
  assert.ok(
    reads <= 1,
    `the handover was read ${reads} times: ${JSON.stringify(Object.fromEntries(counts))}`,
  );
  assert.equal(counts.get('handovers.commit'), 1);
});

test('messages queued behind each other: two commits each, and no wait between the sends (issue 12)', async () => {
  const { counts, rig, id, conv, app } = await countedChat();
  const started = rig.time.now().getTime();
  const historyReads = rig.provider.calls.get('history') ?? 0;
  // Each send takes a moment, so the later messages queue behind the first.
  rig.provider.latency('send', 100);
  const texts = ['one', 'two', 'three'];
  const answers = await Promise.all(texts.map((text) => postMessage(app, id, text)));
  assert.deepEqual(
    answers.map((r) => r.statusCode),
    [202, 202, 202],
  );
  await rig.until(
    async () => (await rig.transcript(id)).filter((l) => l.outbound?.status === 'sent').length === 3,
    'all sent',
  );
  assert.deepEqual(conv.customerTexts(), texts);
  // Each message: its own commit and its confirmation, which also marks the next line's attempt.
  // Here the echo of each message comes before the send's answer (as with Genesys): the echo's
  // commit confirms it and marks the next line, and the answer then changes nothing. Three per
  // message (append, echo, confirmation + next attempt) was the count before.
  const commits = counts.get('handovers.commit') ?? 0;
  assert.equal(commits, 6, `${commits} commits: ${JSON.stringify(Object.fromEntries(counts))}`);
  // A premarked send is this life's: it is sent at once, never waited out as a previous life's.
  assert.equal(rig.provider.calls.get('history'), historyReads, 'a send was looked for as uncertain');
  assert.ok(rig.time.now().getTime() - started < 2_000, 'the sends waited');
  await app.close();
});

test('a live handover read from the store again shares its provider handle instead of holding a copy (issue 12)', async () => {
  const rig = await CoreRig.start();
  const { id } = await rig.activeHandover();
  const units = rig.engine.units;
  const first = (await units.read(id))?.record.provider?.ref;
  assert.ok(first);
  units.refresh(id); // as if it had left the cache: the next read loads it from the store
  const again = (await units.read(id))?.record.provider?.ref;
  assert.equal(again, first, 'the reloaded state holds the first-seen handle object');
  assert.equal((await units.read(id))?.record.provider?.ref, first);
});

test('a restart given a list read before a change reads the changed records again, and brings no ended one back (issue 12)', async () => {
  const counts = new Map<string, number>();
  const rig = await CoreRig.start({ wrapStore: (s) => counting(s, counts) });
  const kept = await rig.activeHandover('u-kept');
  const gone = await rig.activeHandover('u-gone');
  const attachesBefore = rig.provider.calls.get('attach') ?? 0;
  counts.clear();

  const resumed = await rig.restart(async (engine) => {
    const list = await engine.listUnended();
    assert.deepEqual(list.records.map((r) => r.handover.id).sort(), [kept.id, gone.id].sort());
    // An end asked for after the list was read (the API listens before the resume): the list is
    // stale, so the bring-up must read the records, see the end and not attach that chat.
    await engine.units.run(gone.id, (d) =>
      d.apply({ kind: 'end_requested', reason: 'customer_ended', at: d.now }),
    );
    return list;
  });
  assert.equal(resumed, 2);
  kept.conv.agentWrites('after the restart');
  await rig.until(
    async () => (await rig.agentTexts(kept.id)).includes('after the restart'),
    'the chat goes on',
  );
  await rig.until(async () => (await rig.handover(gone.id)).state === 'ended', 'the other one ends');
  assert.equal(counts.get('handovers.listUnended'), 1, JSON.stringify(Object.fromEntries(counts)));
  assert.equal(rig.provider.calls.get('attach'), attachesBefore + 1, 'only the unended handover re-attached');
});

test('a restart given the list read at start-up reads no record again; a new handover is not read back either (issue 12)', async () => {
  const counts = new Map<string, number>();
  const rig = await CoreRig.start({ wrapStore: (s) => counting(s, counts) });
  const a = await rig.activeHandover('u-a');
  const b = await rig.activeHandover('u-b');
  counts.clear();
  assert.equal(await rig.restart((engine) => engine.listUnended()), 2);
  a.conv.agentWrites('to a');
  b.conv.agentWrites('to b');
  await rig.until(async () => (await rig.agentTexts(a.id)).includes('to a'), 'a goes on');
  await rig.until(async () => (await rig.agentTexts(b.id)).includes('to b'), 'b goes on');
  assert.equal(counts.get('handovers.get'), undefined, JSON.stringify(Object.fromEntries(counts)));

  counts.clear();
  const c = await rig.startHandover('u-c');
  c.conv.agentJoins('Alice');
  await rig.until(async () => (await rig.handover(c.id)).state === 'active', 'c active');
  const reads = ['handovers.get', 'transcript.pendingOutbound', 'transcript.maxOutboundOrder'];
  for (const read of reads)
    assert.equal(counts.get(read), undefined, `${read}: ${JSON.stringify(Object.fromEntries(counts))}`);
});

test('a live message is not looked up in the transcript: the store’s unique index finds a duplicate (issue 12)', async () => {
  const { counts, rig, id, conv, app } = await countedChat();
  const agentMessage = conv.agentWrites('new at the provider');
  await rig.until(async () => (await rig.agentTexts(id)).length === 1, 'delivered to the outbox');
  const res = await postMessage(app, id, 'and its echo');
  assert.equal(res.statusCode, 202);
  await rig.until(async () => (await rig.transcript(id)).some((l) => l.outbound?.status === 'sent'), 'sent');
  assert.equal(
    counts.get('transcript.hasProviderMessage'),
    undefined,
    JSON.stringify(Object.fromEntries(counts)),
  );

  // The same frame again: refused by the store, committed again with the look-up, and skipped.
  const cursor = (await rig.store.handovers.get(id))?.provider?.cursor;
  conv.redeliver(agentMessage);
  await rig.advance(1_000);
  assert.equal(counts.get('transcript.hasProviderMessage'), 1);
  assert.deepEqual(await rig.agentTexts(id), ['new at the provider']);
  assert.equal((await rig.transcript(id)).filter((l) => l.text === 'new at the provider').length, 1);
  assert.equal((await rig.store.handovers.get(id))?.provider?.cursor, cursor, 'the cursor moved back');

  // An echo that matches no pending line (here: its line confirmed, nothing queued) — usually its
  // send's answer came first — is looked up: a read, not a commit.
  const echo = conv.messages.find((m) => m.own);
  assert.ok(echo);
  const commits = counts.get('handovers.commit');
  conv.redeliver(echo);
  await rig.advance(1_000);
  assert.equal(counts.get('transcript.hasProviderMessage'), 2);
  assert.equal(counts.get('handovers.commit'), commits, 'the echo was committed');
  assert.equal((await rig.transcript(id)).filter((l) => l.text === 'and its echo').length, 1);
  assert.deepEqual(
    rig.logger.lines.filter((r) => r.level === 'warn' || r.level === 'error'),
    [],
    'a duplicate is not a failure',
  );
  await app.close();
});

test('a late echo of a line its answer confirmed does not confirm the next line with the same text', async () => {
  const rig = await CoreRig.start();
  const { id, conv } = await rig.activeHandover();
  await rig.advance(5_000);
  await rig.service.sendMessage(id, 'same');
  await rig.until(() => conv.customerTexts().length === 1, 'the first sent');
  await rig.until(
    async () => (await rig.transcript(id)).some((l) => l.outbound?.status === 'sent'),
    'confirmed',
  );
  const firstEcho = conv.messages.find((m) => m.own);
  assert.ok(firstEcho);
  // The next line with the same text is in flight when the first one's echo comes again.
  rig.provider.latency('send', 500);
  await rig.service.sendMessage(id, 'same');
  await rig.advance(100);
  conv.redeliver(firstEcho);
  await rig.advance(2_000);
  const sent = (await rig.transcript(id)).filter((l) => l.outbound);
  assert.deepEqual(
    sent.map((l) => [l.outbound?.status, l.providerMessageId]),
    conv.messages.filter((m) => m.own).map((m) => ['sent', m.providerMessageId]),
  );
  assert.equal(new Set(sent.map((l) => l.providerMessageId)).size, 2);
});
