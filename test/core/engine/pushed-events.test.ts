// Events a provider pushes to the gateway (Open Messaging's webhook, protocol §4.5: at least once,
// in no guaranteed order): committed before the push is answered, in provider order within the
// reorder window, once however often they come — on virtual time, with the scripted provider in
// push mode.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProviderEvent } from '../../../src/core/ports/provider.ts';
import { NotCommittedError } from '../../../src/core/engine/provider-session.ts';
import { CoreRig, ENDPOINT } from '../../support/core-rig.ts';

const WINDOW_MS = 1_000;

async function pushRig(): Promise<CoreRig> {
  return CoreRig.start({ push: { reorderWindowMs: WINDOW_MS } });
}

/** Pushes and tracks when the push settles (as the webhook route would answer). */
function push(rig: CoreRig, id: string, events: readonly ProviderEvent[]) {
  const state: { outcome?: string; error?: unknown } = {};
  const done = rig.engine.acceptPushed(ENDPOINT, id, events).then(
    (o) => (state.outcome = o),
    (err: unknown) => (state.error = err),
  );
  return { state, done };
}

test('pushed messages that arrive out of order are committed in provider order, then answered', async () => {
  const rig = await pushRig();
  const { id, conv } = await rig.activeHandover();
  conv.agentWrites('one');
  await rig.advance(10);
  conv.agentWrites('two');
  const [one, two] = conv.pushed.splice(0);
  assert.ok(one && two);
  const late = push(rig, id, [two]);
  await rig.advance(300);
  const early = push(rig, id, [one]);
  await rig.advance(WINDOW_MS / 2);
  assert.equal(late.state.outcome, undefined, 'not answered before the window has passed');
  assert.deepEqual(await rig.agentTexts(id), [], 'nothing committed within the window');
  await rig.advance(WINDOW_MS);
  await Promise.all([late.done, early.done]);
  assert.equal(late.state.outcome, 'committed');
  assert.equal(early.state.outcome, 'committed');
  assert.deepEqual(await rig.agentTexts(id), ['one', 'two']);
});

test('a push delivered twice is committed once; both deliveries are answered "committed"', async () => {
  const rig = await pushRig();
  const { id, conv } = await rig.activeHandover();
  conv.agentWrites('only once');
  const [message] = conv.pushed.splice(0);
  assert.ok(message);
  const first = push(rig, id, [message]);
  await rig.advance(WINDOW_MS + 10);
  const again = push(rig, id, [message]);
  await rig.advance(WINDOW_MS + 10);
  await Promise.all([first.done, again.done]);
  assert.equal(first.state.outcome, 'committed');
  assert.equal(again.state.outcome, 'committed');
  assert.deepEqual(await rig.agentTexts(id), ['only once']);
});

test('pushes for an unknown, foreign or ended handover are ignored; before its session exists, not ready', async () => {
  const rig = await pushRig();
  const { id, conv } = await rig.activeHandover();
  conv.agentWrites('hi');
  const [message] = conv.pushed.splice(0);
  assert.ok(message);
  assert.equal(
    await rig.engine.acceptPushed(ENDPOINT, '00000000-0000-4000-8000-999999999999', [message]),
    'ignored',
  );
  assert.equal(await rig.engine.acceptPushed('other-endpoint', id, [message]), 'ignored');

  rig.provider.latency('start', 5_000);
  const { handover } = await rig.service.start({
    endpointId: ENDPOINT,
    customer: { userId: 'slow', sessionId: 's', displayName: 'Slow' },
  });
  await rig.advance(100);
  assert.equal(await rig.engine.acceptPushed(ENDPOINT, handover.id, [message]), 'not-ready');

  conv.agentEnds();
  await rig.until(async () => (await rig.handover(id)).state === 'ended', 'ended');
  assert.equal(await rig.engine.acceptPushed(ENDPOINT, id, [message]), 'ignored');
});

test('a push held during a catch-up is answered once the catch-up has committed it', async () => {
  const rig = await pushRig();
  const { id, conv } = await rig.activeHandover();
  rig.provider.failNext('history', { kind: 'retryable', status: 503 }, 20);
  conv.dropStream();
  conv.restoreStream(); // a catch-up starts and fails for a while
  conv.agentWrites('during the gap');
  const [message] = conv.pushed.splice(0);
  assert.ok(message);
  const held = push(rig, id, [message]);
  await rig.advance(5_000);
  assert.equal(held.state.outcome, undefined, 'not answered while the catch-up has not read it');
  assert.deepEqual(await rig.agentTexts(id), []);
  rig.provider.clearFailures('history');
  await rig.until(() => held.state.outcome !== undefined, 'answered');
  assert.equal(held.state.outcome, 'committed');
  assert.deepEqual(await rig.agentTexts(id), ['during the gap']);
});

test('a push still waiting when the gateway stops is refused (the provider delivers it again)', async () => {
  const rig = await pushRig();
  const { id, conv } = await rig.activeHandover();
  conv.agentWrites('too late');
  const [message] = conv.pushed.splice(0);
  assert.ok(message);
  const pending = push(rig, id, [message]);
  await rig.advance(10);
  await rig.shutdown(2_000);
  await pending.done;
  assert.ok(pending.state.error instanceof NotCommittedError, String(pending.state.error));
  assert.deepEqual(await rig.agentTexts(id), []);
  // After the restart the catch-up reads it from the history; the redelivery finds it there.
  await rig.restart();
  await rig.until(async () => (await rig.agentTexts(id)).length === 1, 'read after the restart');
  const again = push(rig, id, [message]);
  await rig.advance(WINDOW_MS + 10);
  await again.done;
  assert.equal(again.state.outcome, 'committed');
  assert.deepEqual(await rig.agentTexts(id), ['too late']);
});

test('pushed typing carries its duration as the expiry; an agent attachment reaches the bot', async () => {
  const rig = await pushRig();
  const { id, conv } = await rig.activeHandover();
  conv.agentTypes();
  const [typing] = conv.pushed.splice(0);
  assert.ok(typing?.type === 'typing');
  const file = { url: 'https://files.example/a.png', mediaType: 'image' as const, mime: 'image/png' };
  conv.agentWrites('', undefined, [file]);
  const [message] = conv.pushed.splice(0);
  assert.ok(message);
  const pushed = push(rig, id, [{ ...typing, durationMs: 7_000 }, message]);
  await rig.advance(WINDOW_MS + 10);
  await pushed.done;
  assert.equal(pushed.state.outcome, 'committed');
  const events = await rig.events(id);
  const typed = events.find((e) => e.type === 'handover.agent_typing');
  assert.equal(typed?.type === 'handover.agent_typing' ? typed.data.expiresInMs : undefined, 7_000);
  const said = events.find((e) => e.type === 'handover.agent_message');
  assert.deepEqual(said?.type === 'handover.agent_message' ? said.data.attachments : undefined, [file]);
  const line = (await rig.transcript(id)).find((l) => l.role === 'agent');
  assert.deepEqual(line?.attachments, [file]);
  assert.equal(line.text, '');
});

// What a pushed message follows is asked of the provider (`webhook.place`) when it leaves the reorder
// window, for all of a handover's messages released together: one provider read for a burst.
test('a burst of pushed messages is placed by one provider call, then committed in order', async () => {
  const rig = await pushRig();
  const { id, conv } = await rig.activeHandover();
  for (const text of ['one', 'two', 'three']) {
    conv.agentWrites(text);
    await rig.advance(10);
  }
  const [one, two, three] = conv.pushed.splice(0);
  assert.ok(one && two && three);
  const histories = rig.provider.calls.get('history') ?? 0;
  const pushes = [push(rig, id, [three]), push(rig, id, [one])];
  await rig.advance(100);
  pushes.push(push(rig, id, [two]));
  await rig.advance(WINDOW_MS + 10);
  await Promise.all(pushes.map((p) => p.done));
  assert.deepEqual(
    pushes.map((p) => p.state.outcome),
    ['committed', 'committed', 'committed'],
  );
  assert.deepEqual(await rig.agentTexts(id), ['one', 'two', 'three']);
  assert.equal(rig.provider.calls.get('place'), 1, 'one call for the three');
  assert.equal(rig.provider.calls.get('history') ?? 0, histories, 'no catch-up');
});

test('a pushed message whose predecessor (as the provider places it) never came waits for a catch-up that reads both', async () => {
  const rig = await pushRig();
  const { id, conv } = await rig.activeHandover();
  conv.agentWrites('lost call');
  await rig.advance(10);
  conv.agentWrites('after it');
  const [, after] = conv.pushed.splice(0);
  assert.ok(after);
  const histories = rig.provider.calls.get('history') ?? 0;
  const pushed = push(rig, id, [after]);
  await rig.advance(WINDOW_MS + 10);
  await rig.until(() => pushed.state.outcome !== undefined, 'answered');
  assert.equal(pushed.state.outcome, 'committed');
  assert.deepEqual(await rig.agentTexts(id), ['lost call', 'after it'], 'in the provider’s order');
  assert.ok((rig.provider.calls.get('history') ?? 0) > histories, 'a catch-up read the gap');
});

test('placing that fails for a passing reason commits through a catch-up', async () => {
  const rig = await pushRig();
  const { id, conv } = await rig.activeHandover();
  conv.agentWrites('placed later');
  const [message] = conv.pushed.splice(0);
  assert.ok(message);
  rig.provider.failNext('place', { kind: 'retryable', status: 503 });
  const histories = rig.provider.calls.get('history') ?? 0;
  const pushed = push(rig, id, [message]);
  await rig.advance(WINDOW_MS + 10);
  await rig.until(() => pushed.state.outcome !== undefined, 'answered');
  assert.equal(pushed.state.outcome, 'committed');
  assert.deepEqual(await rig.agentTexts(id), ['placed later']);
  assert.ok((rig.provider.calls.get('history') ?? 0) > histories, 'a catch-up read it');
});

test('a call sent again while its message is on the way joins it; one sent after the commit is answered at once', async () => {
  const rig = await pushRig();
  const { id, conv } = await rig.activeHandover();
  conv.agentWrites('sent twice');
  const [message] = conv.pushed.splice(0);
  assert.ok(message);
  const first = push(rig, id, [message]);
  await rig.advance(WINDOW_MS / 2);
  const again = push(rig, id, [message]); // the first answer was late: the provider tries again
  await rig.advance(WINDOW_MS / 2 + 10);
  await Promise.all([first.done, again.done]);
  assert.deepEqual([first.state.outcome, again.state.outcome], ['committed', 'committed']);
  assert.equal(rig.provider.calls.get('place'), 1, 'placed once: the second call joined the first');

  const late = push(rig, id, [message]);
  await late.done; // no window to wait out: it is known to be committed
  assert.equal(late.state.outcome, 'committed');
  assert.equal(rig.provider.calls.get('place'), 1);
  assert.deepEqual(await rig.agentTexts(id), ['sent twice']);
});

test('a pushed message held during a catch-up whose read lags it waits for the message it follows', async () => {
  const rig = await pushRig();
  const { id, conv } = await rig.activeHandover();
  conv.agentWrites('one');
  const [one] = conv.pushed.splice(0);
  assert.ok(one);
  const first = push(rig, id, [one]);
  await rig.advance(WINDOW_MS + 10);
  await first.done;
  conv.historyLags(); // reads from now on miss what follows
  conv.agentWrites('two');
  await rig.advance(10);
  conv.agentWrites('three');
  const [two, three] = conv.pushed.splice(0);
  assert.ok(two && three);
  conv.dropStream(); // pushes are held until a catch-up has read the gap
  const late = push(rig, id, [three]); // the call of 'two' is late
  await rig.advance(WINDOW_MS + 10);
  conv.restoreStream(); // the catch-up's read lists neither 'two' nor 'three'
  await rig.advance(5_000);
  assert.deepEqual(await rig.agentTexts(id), ['one'], 'not before the message it follows');
  assert.equal(late.state.outcome, undefined, 'not answered while not committed');
  conv.historyCatchesUp();
  const early = push(rig, id, [two]);
  await rig.until(
    () => late.state.outcome !== undefined && early.state.outcome !== undefined,
    'both answered',
  );
  assert.deepEqual([early.state.outcome, late.state.outcome], ['committed', 'committed']);
  assert.deepEqual(await rig.agentTexts(id), ['one', 'two', 'three']);
});

test('pushes held past the buffer’s bound are refused (delivered again), and the catch-up reads them all', async () => {
  const rig = await pushRig();
  const { id, conv } = await rig.activeHandover();
  const count = 1_001; // one past what a session holds while syncing
  for (let n = 1; n <= count; n++) conv.agentWrites(`m${n}`);
  const events = conv.pushed.splice(0);
  conv.dropStream();
  const pushes = events.map((e) => push(rig, id, [e]));
  await rig.advance(WINDOW_MS + 10);
  await rig.until(
    () => pushes.every((p) => p.state.error !== undefined || p.state.outcome !== undefined),
    'every push answered while the stream is down',
  );
  assert.ok(
    pushes.every((p) => p.state.error instanceof NotCommittedError),
    'refused, not answered as if the catch-up had read them',
  );
  conv.restoreStream();
  await rig.until(async () => (await rig.agentTexts(id)).length === count, 'read by the catch-up');
  assert.deepEqual(
    await rig.agentTexts(id),
    events.map((_, i) => `m${i + 1}`),
  );
});

const REDELIVERY_MS = 60_000;

test('a push that could not be read is looked for once the provider stopped delivering it: the catch-up commits it', async () => {
  const rig = await CoreRig.start({ push: { reorderWindowMs: WINDOW_MS, redeliveryMs: REDELIVERY_MS } });
  const { id, conv } = await rig.activeHandover();
  const last = conv.agentWrites('the last words'); // every delivery of its call fails; nothing follows it
  conv.pushed.splice(0);
  const histories = rig.provider.calls.get('history') ?? 0;
  await rig.engine.owePushed(ENDPOINT, id, [last.providerMessageId]); // the route, on `unread`
  await rig.engine.owePushed(ENDPOINT, id, [last.providerMessageId]); // a retry, refused too
  await rig.advance(REDELIVERY_MS - 100);
  assert.deepEqual(await rig.agentTexts(id), [], 'not while the provider may still deliver it');
  assert.equal(rig.provider.calls.get('history') ?? 0, histories);
  await rig.until(async () => (await rig.agentTexts(id)).length === 1, 'read by a catch-up');
  assert.deepEqual(await rig.agentTexts(id), ['the last words']);
  assert.equal(rig.provider.calls.get('history'), histories + 1, 'one catch-up for both refusals');
});

test('a refused push delivered later costs no catch-up; an owed id of another endpoint is not taken', async () => {
  const rig = await CoreRig.start({ push: { reorderWindowMs: WINDOW_MS, redeliveryMs: REDELIVERY_MS } });
  const { id, conv } = await rig.activeHandover();
  const message = conv.agentWrites('second time lucky');
  const [event] = conv.pushed.splice(0);
  assert.ok(event);
  const histories = rig.provider.calls.get('history') ?? 0;
  await rig.engine.owePushed(ENDPOINT, id, [message.providerMessageId]);
  const again = push(rig, id, [event]);
  await rig.advance(WINDOW_MS + 10);
  await again.done;
  assert.equal(again.state.outcome, 'committed');
  await rig.engine.owePushed('other-endpoint', id, ['never-committed']);
  await rig.advance(REDELIVERY_MS + 1_000);
  assert.equal(rig.provider.calls.get('history') ?? 0, histories, 'committed meanwhile: no read');
  assert.deepEqual(await rig.agentTexts(id), ['second time lucky']);
});
