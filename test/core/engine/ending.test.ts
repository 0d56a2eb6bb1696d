// How a handover ends, on virtual time (issue 8, defects 2, 3 and 5): everything accepted before the
// end reaches its side or is reported; the customer leaves the provider chat for real.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HandoverEvent } from '../../../src/core/model/events.ts';
import { CoreRig } from '../../support/core-rig.ts';

const ended = (events: HandoverEvent[]) => events.find((e) => e.type === 'handover.ended');

test('/end sends the pending messages first, leaves the chat, reads the last agent words, then ends', async () => {
  const rig = await CoreRig.start();
  const { id, conv } = await rig.activeHandover();
  rig.provider.failNext('send', { kind: 'retryable', status: 503 }, 3);
  await rig.service.sendMessage(id, 'M1'); // 202 at once, while Genesys is failing
  conv.dropStream();
  conv.agentWrites('your ticket is 4711'); // during the gap: only a catch-up can see it
  const ending = rig.service.end(id);
  await rig.until(async () => (await rig.handover(id)).state === 'ended', 'ended');
  const { handover, completed } = await ending;
  assert.equal(completed, true);
  assert.equal(handover.endReason, 'customer_ended');
  assert.deepEqual(conv.customerTexts(), ['M1'], 'M1 reached the agent before the end');
  assert.equal(conv.ended, true, 'the customer left the provider chat');
  assert.deepEqual(await rig.agentTexts(id), ['your ticket is 4711']);
  const events = await rig.events(id);
  assert.equal(events.at(-1)?.type, 'handover.ended');
  assert.equal(ended(events)?.type === 'handover.ended' && ended(events)?.data.undelivered, undefined);
  assert.ok(
    !events.some((e) => e.type === 'handover.agent_left'),
    'our own leave is not reported as the agent leaving',
  );
});

test('/end while the provider is down: the leave and the last read wait it out; the bot gets 202 then the end', async () => {
  const rig = await CoreRig.start({ endWaitMs: 2_000, limits: { flushOnEndMs: 1_000 } });
  const { id, conv } = await rig.activeHandover();
  rig.provider.failNext('send', { kind: 'retryable' }, 1_000);
  rig.provider.failNext('end', { kind: 'retryable' }, 1_000);
  await rig.service.sendMessage(id, 'never sent');
  const ending = rig.service.end(id);
  await rig.advance(3_000);
  const answer = await ending;
  assert.equal(answer.completed, false, 'the end is still running: 202');
  assert.equal(answer.handover.closing?.reason, 'customer_ended');
  await assert.rejects(rig.service.sendMessage(id, 'too late'), { code: 'HANDOVER_ENDING' });
  assert.equal(conv.ended, false);
  rig.provider.clearFailures();
  await rig.until(async () => (await rig.handover(id)).state === 'ended', 'ended after the outage');
  assert.equal(conv.ended, true);
  const end = ended(await rig.events(id));
  assert.ok(end?.type === 'handover.ended');
  assert.equal(end.data.reason, 'customer_ended');
  assert.deepEqual(
    end.data.undelivered?.map((u) => u.text),
    ['never sent'],
  );
  const line = (await rig.transcript(id)).find((l) => l.text === 'never sent');
  assert.equal(line?.outbound?.status, 'undelivered');
});

test('a closing interrupted by a crash is finished by the next life', async () => {
  const rig = await CoreRig.start({ limits: { flushOnEndMs: 1_000 } });
  const { id, conv } = await rig.activeHandover();
  rig.provider.failNext('end', { kind: 'retryable' }, 1_000);
  void rig.service.end(id);
  await rig.advance(2_000);
  assert.equal((await rig.handover(id)).closing?.reason, 'customer_ended');
  rig.crash();
  rig.provider.clearFailures();
  await rig.restart();
  await rig.until(async () => (await rig.handover(id)).state === 'ended', 'ended by the next life');
  assert.equal((await rig.handover(id)).endReason, 'customer_ended');
  assert.equal(conv.ended, true);
});

test('when the agent ends first, messages that can no longer reach the agent are reported undelivered', async () => {
  const rig = await CoreRig.start();
  const { id, conv } = await rig.activeHandover();
  rig.provider.failNext('send', { kind: 'retryable' }, 1_000);
  const [m1] = await rig.service.sendMessage(id, 'M1', 'key-1');
  await rig.service.sendMessage(id, 'M2');
  await rig.advance(1_000);
  conv.agentEnds();
  await rig.until(async () => (await rig.handover(id)).state === 'ended', 'ended');
  const end = ended(await rig.events(id));
  assert.ok(end?.type === 'handover.ended');
  assert.equal(end.data.reason, 'agent_ended');
  assert.deepEqual(end.data.undelivered, [
    { id: m1?.id, order: 1, clientMessageId: 'key-1', text: 'M1' },
    { id: end.data.undelivered?.[1]?.id, order: 2, text: 'M2' },
  ]);
  assert.deepEqual(
    (await rig.transcript(id)).filter((l) => l.outbound).map((l) => l.outbound?.status),
    ['undelivered', 'undelivered'],
  );
  assert.deepEqual(conv.customerTexts(), []);
});

test('a message the agent did get just before ending is confirmed by its echo, not reported', async () => {
  const rig = await CoreRig.start();
  const { id, conv } = await rig.activeHandover();
  rig.provider.latency('send', 5_000); // the provider has it; our confirmation is slow
  await rig.service.sendMessage(id, 'M1');
  await rig.advance(100);
  // The provider's answer is still on its way when the agent ends: simulate Genesys having taken
  // the message (its echo comes first on the stream), then the end.
  rig.provider.latency('send', 0);
  conv.customerSends('M1', 'text');
  conv.agentEnds();
  await rig.until(async () => (await rig.handover(id)).state === 'ended', 'ended');
  const end = ended(await rig.events(id));
  assert.ok(end?.type === 'handover.ended');
  assert.equal(end.data.undelivered, undefined);
  assert.equal(
    (await rig.transcript(id)).find((l) => l.text === 'M1' && l.outbound)?.outbound?.status,
    'sent',
  );
});

test('the stream lost past its grace ends the handover after a last read', async () => {
  const rig = await CoreRig.start();
  const { id, conv } = await rig.activeHandover();
  conv.dropStream();
  conv.agentWrites('last words');
  conv.loseStream();
  await rig.until(async () => (await rig.handover(id)).state === 'ended', 'ended');
  assert.deepEqual(await rig.agentTexts(id), ['last words']);
  assert.equal((await rig.handover(id)).endReason, 'provider_error');
});

test('a send refused because the agent ended waits for the slow last read: agent_ended, the last words delivered', async () => {
  // Chaos seed 4 (Open Messaging): the agent leaves while this conversation's reads are held up (a
  // slow Platform API, the rate limit's queue); the next customer send is refused "conversation
  // over". The read after the refusal used to be cut at lastReadMs (10 s): the handover ended
  // provider_error and the agent's unread last words were lost.
  const rig = await CoreRig.start();
  const { id, conv } = await rig.activeHandover();
  conv.dropStream(); // the end and the last words come by a read only
  conv.agentWrites('last words');
  conv.agentEnds();
  rig.provider.latency('history', 25_000); // well past lastReadMs
  await rig.service.sendMessage(id, 'too late');
  await rig.until(async () => (await rig.handover(id)).state === 'ended', 'ended');
  assert.deepEqual(await rig.agentTexts(id), ['last words']);
  const end = ended(await rig.events(id));
  assert.ok(end?.type === 'handover.ended');
  assert.equal(end.data.reason, 'agent_ended');
  assert.deepEqual(
    end.data.undelivered?.map((u) => u.text),
    ['too late'],
  );
});

test('a send refused for another reason still ends the handover provider_error', async () => {
  const rig = await CoreRig.start();
  const { id, conv } = await rig.activeHandover();
  rig.provider.failNext('send', { kind: 'permanent', code: 'bad.request', status: 400 });
  await rig.service.sendMessage(id, 'refused');
  await rig.until(async () => (await rig.handover(id)).state === 'ended', 'ended');
  const handover = await rig.handover(id);
  assert.equal(handover.endReason, 'provider_error');
  // Nothing relays the chat any more: the gateway leaves it, so the agent is not left waiting.
  await rig.until(() => conv.ended, 'the provider chat left');
  const end = ended(await rig.events(id));
  assert.ok(end?.type === 'handover.ended');
  assert.deepEqual(
    end.data.undelivered?.map((u) => u.text),
    ['refused'],
  );
});
