// Idle endings on virtual time: the inactivity grace (customer_abandoned, with a notice for the
// agent) and the session duration (expired), surviving a restart without resetting the clocks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoreRig } from '../../support/core-rig.ts';

test('a silent customer is taken out after the grace, with a notice the agent sees first', async () => {
  const rig = await CoreRig.start({ policy: { inactivityGraceMs: 60_000 } });
  const { id, conv } = await rig.activeHandover();
  await rig.advance(30_000);
  await rig.service.sendMessage(id, 'still here'); // resets the grace
  await rig.advance(50_000);
  assert.equal((await rig.handover(id)).state, 'active');
  await rig.until(async () => (await rig.handover(id)).state === 'ended', 'abandoned', 30_000);
  assert.equal((await rig.handover(id)).endReason, 'customer_abandoned');
  assert.deepEqual(conv.notices(), ['Inactive 1 min.']);
  assert.equal(conv.ended, true);
});

test('a handover idle for the session duration expires; the clock survives a restart', async () => {
  const rig = await CoreRig.start({ policy: { sessionDurationMs: 600_000 } });
  const { id } = await rig.activeHandover();
  await rig.advance(400_000);
  await rig.restart();
  await rig.advance(150_000);
  assert.equal((await rig.handover(id)).state, 'active');
  await rig.until(async () => (await rig.handover(id)).state === 'ended', 'expired', 60_000);
  assert.equal((await rig.handover(id)).endReason, 'expired');
});

test('the grace only runs while an agent is connected: a customer waiting in the queue is not inactive', async () => {
  const rig = await CoreRig.start({ policy: { inactivityGraceMs: 60_000 } });
  const { id } = await rig.startHandover();
  await rig.advance(300_000);
  assert.equal((await rig.handover(id)).state, 'queued');
});
