// Attaching a handover's live stream (a new chat, or every chat after a restart): a transient failure
// is retried like a start, so a Genesys that is busy for a moment (every chat re-attaching at once,
// a 429, a dropped socket) ends no chat; a refusal ends it `provider_error` at once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoreRig } from '../../support/core-rig.ts';

test('a transient attach failure is retried: the chat goes on and the agent reaches the bot', async () => {
  const rig = await CoreRig.start();
  rig.provider.failNext('attach', { kind: 'retryable' }, 3);
  const h = await rig.startHandover('u-attach-later');
  h.conv.agentJoins('Alice');
  await rig.until(async () => (await rig.handover(h.id)).state === 'active', 'active', 60_000);
  h.conv.agentWrites('hello after the retries');
  await rig.until(
    async () => (await rig.agentTexts(h.id)).includes('hello after the retries'),
    'the agent message at the bot',
  );
  assert.equal((await rig.handover(h.id)).state, 'active');
});

test('after a restart, an attach slower than the start timeout that then fails is still retried', async () => {
  // Chaos (Open Messaging): after a restart every chat re-attaches at once behind the rate limit; one
  // subscription waited past the start timeout, then got a 504 — and the handover ended
  // provider_error without a single retry. The timeout is for Genesys failing, counted from then.
  const rig = await CoreRig.start({ limits: { startTimeoutMs: 20_000 } });
  const { id, conv } = await rig.activeHandover();
  rig.crash();
  rig.provider.latency('attach', 30_000);
  rig.provider.failNext('attach', { kind: 'retryable', status: 504 });
  await rig.restart();
  await rig.advance(30_000); // the slow first attempt fails
  rig.provider.latency('attach', 0);
  conv.agentWrites('still here');
  await rig.until(async () => (await rig.agentTexts(id)).includes('still here'), 'the chat goes on');
  assert.equal((await rig.handover(id)).state, 'active');
});

test('a refused attach ends the handover provider_error without retrying', async () => {
  const rig = await CoreRig.start();
  rig.provider.failNext('attach', { kind: 'permanent' }, 1);
  const { handover } = await rig.service.start({
    endpointId: 'ep',
    customer: { userId: 'u-attach-refused', sessionId: 's', displayName: 'Refused' },
  });
  await rig.until(async () => (await rig.handover(handover.id)).state === 'ended', 'ended', 60_000);
  const ended = (await rig.events(handover.id)).find((e) => e.type === 'handover.ended');
  assert.ok(ended?.type === 'handover.ended');
  assert.equal(ended.data.reason, 'provider_error');
  // The operator sees it too: the reason and the provider's code, nothing the customer wrote.
  const line = rig.logger.lines.find((l) => l.msg === 'handover ended by a failure');
  assert.ok(line, 'logged');
  assert.deepEqual(line.obj, { handoverId: handover.id, reason: 'provider_error', code: 'scripted.refused' });
  assert.equal(line.level, 'warn');
});

test('a shutdown during a slow attach cuts the attach at once; the handover waits for the next start', async () => {
  const rig = await CoreRig.start();
  rig.provider.latency('attach', 60_000);
  const { handover } = await rig.service.start({
    endpointId: 'ep',
    customer: { userId: 'u-attach-cut', sessionId: 's', displayName: 'Cut' },
  });
  await rig.until(() => rig.provider.calls.get('attach') === 1, 'the attach under way');
  const before = rig.time.nowMs;
  await rig.shutdown(8_000);
  // The attach's signal follows the engine's stop: the stop does not wait out its bound for it.
  assert.ok(rig.time.nowMs - before < 1_000, `the stop took ${rig.time.nowMs - before} ms`);
  assert.equal((await rig.handover(handover.id)).state, 'requested', 'not ended: the next start attaches');
});

test('after a restart the chats catch up 64 at a time, and every one is read', async () => {
  // 10,000 interleaved catch-ups evicted each other's state from the units' cache between their
  // units (issue 12): they take turns, each reading its participants and history back to back.
  const rig = await CoreRig.start();
  const chats = [];
  for (let i = 0; i < 70; i++) chats.push(await rig.activeHandover(`u-turns-${i}`));
  rig.crash();
  for (const [i, { conv }] of chats.entries()) conv.agentWrites(`written while down ${i}`);
  rig.provider.latency('participants', 5_000);
  const before = rig.provider.calls.get('participants') ?? 0;
  await rig.restart();
  await rig.advance(1_000);
  assert.equal(
    (rig.provider.calls.get('participants') ?? 0) - before,
    64,
    'the first 64 read, the others wait',
  );
  await rig.advance(5_000);
  assert.equal((rig.provider.calls.get('participants') ?? 0) - before, 70, 'the rest read as slots free');
  for (const [i, { id }] of chats.entries())
    await rig.until(
      async () => (await rig.agentTexts(id)).includes(`written while down ${i}`),
      `chat ${i}'s message at the bot`,
    );
});
