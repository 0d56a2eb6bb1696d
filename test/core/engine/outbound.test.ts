// The customer → agent direction on virtual time: the 202 depends only on the local commit; sends go
// out in order, once, through failures, restarts and unknown outcomes (issue 8, defects 6 and 8).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoreRig } from '../../support/core-rig.ts';

test('a message is accepted at once while the handover catches up slowly or the provider fails', async () => {
  const rig = await CoreRig.start();
  const { id, conv } = await rig.activeHandover();
  rig.provider.latency('history', 30_000);
  rig.provider.failNext('send', { kind: 'retryable', status: 429, retryAfterMs: 3_000 }, 5);
  conv.dropStream();
  conv.restoreStream(); // a catch-up starts and takes 30 s
  const at = rig.time.nowMs;
  const parts = await rig.service.sendMessage(id, 'hello');
  assert.equal(rig.time.nowMs, at, 'no virtual time passed before the 202');
  assert.equal(parts[0]?.outbound?.status, 'pending');
  await rig.until(() => conv.customerTexts().length === 1, 'sent after the 429s');
  assert.deepEqual(conv.customerTexts(), ['hello']);
});

test('sends go out strictly in order across retries; Retry-After is honoured', async () => {
  const rig = await CoreRig.start();
  const { id, conv } = await rig.activeHandover();
  rig.provider.failNext('send', { kind: 'retryable', retryAfterMs: 4_000 }, 2);
  for (const text of ['one', 'two', 'three']) await rig.service.sendMessage(id, text);
  await rig.advance(3_000);
  assert.deepEqual(conv.customerTexts(), [], 'the first send waits out its Retry-After');
  await rig.until(() => conv.customerTexts().length === 3, 'all three');
  assert.deepEqual(conv.customerTexts(), ['one', 'two', 'three']);
});

test('a send whose answer was lost in a crash is found in the history, not sent twice', async () => {
  const rig = await CoreRig.start();
  const { id, conv } = await rig.activeHandover();
  // Genesys is slow: the request goes on without us and the message lands 8 s after the call.
  rig.provider.latency('send', 8_000);
  await rig.service.sendMessage(id, 'only once');
  await rig.advance(100);
  rig.crash();
  rig.provider.latency('send', 0);
  await rig.restart();
  await rig.until(
    async () => (await rig.transcript(id)).find((l) => l.outbound)?.outbound?.status === 'sent',
    'confirmed',
  );
  await rig.advance(20_000);
  assert.deepEqual(conv.customerTexts(), ['only once']);
});

test('a line the store has confirmed is not sent again when the state the sender read is behind', async () => {
  const rig = await CoreRig.start();
  const { id, conv } = await rig.activeHandover();
  await rig.service.sendMessage(id, 'once');
  const sent = async () => (await rig.transcript(id)).find((l) => l.text === 'once');
  await rig.until(async () => (await sent())?.outbound?.status === 'sent', 'confirmed');
  const line = (await sent())!;
  rig.crash();
  // The next life's first read of the send queue answers the line as it was before its
  // confirmation — pending, its attempt marked: a state behind the store, as a stale cache once was.
  const { providerMessageId: _confirmed, ...unconfirmed } = line;
  const read = rig.store.transcript.pendingOutbound.bind(rig.store.transcript);
  let behind = true;
  rig.store.transcript.pendingOutbound = async (handoverId: string) => {
    if (!behind || handoverId !== id) return read(handoverId);
    behind = false;
    return [{ ...unconfirmed, outbound: { ...line.outbound!, status: 'pending', attemptedAt: line.at } }];
  };
  await rig.restart();
  await rig.advance(30_000);
  assert.deepEqual(conv.customerTexts(), ['once'], 'sent once');
  assert.ok(!behind, 'the next life read the state that was behind');
  assert.ok(
    rig.logger.lines.some((l) => l.msg === 'the handover read was behind the store; reading it again'),
    rig.logger.text(),
  );
});

test('a send in flight at a crash that never landed is sent by the next life once the settle time passed', async () => {
  const rig = await CoreRig.start();
  const { id, conv } = await rig.activeHandover();
  rig.provider.latency('send', 5_000);
  rig.provider.failNext('send', { kind: 'no-answer' }); // the request is lost on its way
  await rig.service.sendMessage(id, 'after the crash');
  await rig.advance(100);
  rig.crash();
  rig.provider.latency('send', 0);
  await rig.restart();
  await rig.until(() => conv.customerTexts().length === 1, 'sent by the next life');
  await rig.advance(10_000);
  assert.deepEqual(conv.customerTexts(), ['after the crash']);
});

test('a send that got no answer and lands late is looked for again before it is sent again', async () => {
  const rig = await CoreRig.start();
  const { id, conv } = await rig.activeHandover();
  // No answer; the provider stores the message 6 s later (within its sendSettleMs of 10 s).
  rig.provider.failNext('send', { kind: 'no-answer', storedAfterMs: 6_000 });
  await rig.service.sendMessage(id, 'late but once');
  await rig.service.sendMessage(id, 'second');
  await rig.until(() => conv.customerTexts().length === 2, 'both at the agent');
  await rig.advance(20_000);
  assert.deepEqual(conv.customerTexts(), ['late but once', 'second']);
});

test('a send that got no answer and never lands is sent again once the settle time has passed', async () => {
  const rig = await CoreRig.start();
  const { id, conv } = await rig.activeHandover();
  rig.provider.failNext('send', { kind: 'no-answer' });
  const at = rig.time.nowMs;
  await rig.service.sendMessage(id, 'lost once');
  await rig.until(() => conv.customerTexts().length === 1, 'sent again');
  assert.ok(rig.time.nowMs - at >= 10_000, 'not before the provider could still store the first try');
  await rig.advance(5_000);
  assert.deepEqual(conv.customerTexts(), ['lost once']);
});

test('a send confirmed by its echo while the call then fails: the next line goes out at once, not looked for', async () => {
  const rig = await CoreRig.start();
  const { id, conv } = await rig.activeHandover();
  await rig.service.sendMessage(id, 'first');
  await rig.until(() => conv.customerTexts().length === 1, 'first sent');
  // The next call hangs, Genesys stores the message and echoes it on the stream meanwhile (its
  // commit confirms the line and marks the next one's attempt), then the call gets no answer.
  rig.provider.latency('send', 1_000);
  rig.provider.failNext('send', { kind: 'no-answer' });
  await rig.service.sendMessage(id, 'echoed');
  await rig.service.sendMessage(id, 'next');
  await rig.advance(500);
  conv.customerSends('echoed', 'text');
  await rig.until(
    async () => (await rig.transcript(id)).find((l) => l.text === 'echoed')?.outbound?.status === 'sent',
    'confirmed by its echo',
  );
  rig.provider.latency('send', 0);
  const history = rig.provider.calls.get('history') ?? 0;
  const at = rig.time.nowMs;
  await rig.until(() => conv.customerTexts().length === 3, 'next sent');
  assert.deepEqual(conv.customerTexts(), ['first', 'echoed', 'next']);
  // Nothing was uncertain: no look in the history, no settle time waited out (5 s here).
  assert.equal(rig.provider.calls.get('history') ?? 0, history);
  assert.ok(rig.time.nowMs - at < 2_000, `the next line waited ${rig.time.nowMs - at} ms`);
});

test('an Idempotency-Key makes a retried request return the first parts instead of new ones', async () => {
  const rig = await CoreRig.start();
  const { id, conv } = await rig.activeHandover();
  const first = await rig.service.sendMessage(id, 'pay', 'k-1');
  const again = await rig.service.sendMessage(id, 'pay', 'k-1');
  assert.deepEqual(
    again.map((p) => p.id),
    first.map((p) => p.id),
  );
  await rig.until(() => conv.customerTexts().length === 1, 'sent');
  await rig.advance(1_000);
  assert.deepEqual(conv.customerTexts(), ['pay']);
});

test('the bot transcript goes first, then the messages accepted while the chat was being created', async () => {
  const rig = await CoreRig.start();
  rig.provider.latency('start', 5_000);
  const { handover } = await rig.service.start({
    endpointId: 'ep',
    customer: { userId: 'u-early', sessionId: 's', displayName: 'Early' },
    transcript: [{ role: 'customer', text: 'my router blinks' }],
  });
  await rig.service.sendMessage(handover.id, 'still there?');
  await rig.until(() => rig.provider.conversations().length === 1, 'created');
  const conv = rig.provider.conversationOf('u-early');
  await rig.until(() => conv.customerTexts().length === 2, 'both sent');
  assert.match(conv.customerTexts()[0] ?? '', /my router blinks/);
  assert.equal(conv.customerTexts()[1], 'still there?');
});

test('a start waits through retryable failures (an open circuit) within its limit, then fails clearly', async () => {
  const rig = await CoreRig.start({ limits: { startTimeoutMs: 20_000 } });
  rig.provider.failNext('start', { kind: 'retryable', retryAfterMs: 10_000 }, 1);
  const ok = await rig.startHandover('u-waits');
  assert.equal((await rig.handover(ok.id)).state, 'queued');
  assert.ok(rig.time.nowMs >= Date.parse('2030-01-01T09:00:10.000Z'), 'it waited for the trial');

  rig.provider.failNext('start', { kind: 'retryable' }, 10_000);
  const { handover } = await rig.service.start({
    endpointId: 'ep',
    customer: { userId: 'u-fails', sessionId: 's', displayName: 'F' },
  });
  await rig.until(async () => (await rig.handover(handover.id)).state === 'failed', 'failed', 60_000);
  const failed = (await rig.events(handover.id)).find((e) => e.type === 'handover.failed');
  assert.ok(failed?.type === 'handover.failed');
  assert.equal(failed.data.error.code, 'scripted.unavailable');
  rig.provider.clearFailures();
});
