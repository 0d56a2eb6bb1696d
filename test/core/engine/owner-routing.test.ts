// Hints to the provider with several instances (issue 14): a customer typing pulse and a delivery
// receipt are provider calls like a send, so only the owner makes them, and only while its lease
// surely holds (`mayAct`, the local fencing check). An instance that does not own the handover
// passes a note to the owner (ports/owner-notes.ts); an owner that may have lost its lease (it woke
// up from a stall) sends nothing. On virtual time with the core rig and the scripted provider.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Ownership } from '../../../src/core/engine/lease-keeper.ts';
import type { HandoverEvent } from '../../../src/core/model/events.ts';
import type { OwnerNote, OwnerNotes } from '../../../src/core/ports/owner-notes.ts';
import { ReceiptService } from '../../../src/core/services/receipt-service.ts';
import { CoreRig } from '../../support/core-rig.ts';
import { RecordingLogger } from '../../support/recording-logger.ts';

/** One instance's view of its leases, set by the test. */
function lease(): { state: { owns: boolean; act: boolean }; ownership: Ownership } {
  const state = { owns: true, act: true };
  return {
    state,
    ownership: {
      owns: () => state.owns,
      fenceOf: () => undefined,
      mayAct: () => state.owns && state.act,
      request: () => undefined,
      lost: () => undefined,
      ended: () => undefined,
    },
  };
}

function notesBox(): { told: OwnerNote[]; notes: OwnerNotes } {
  const told: OwnerNote[] = [];
  return {
    told,
    notes: {
      tell: (note) => {
        told.push(note);
        return Promise.resolve();
      },
      onNote: () => () => undefined,
    },
  };
}

test('typing: the owner sends it; a non-owner tells the owner; an owner past its lease sends nothing', async () => {
  const { state, ownership } = lease();
  const { told, notes } = notesBox();
  const rig = await CoreRig.start({ ownership, ownerNotes: notes });
  const { id } = await rig.activeHandover();
  const typings = () => rig.provider.calls.get('typing') ?? 0;

  assert.deepEqual(await rig.service.typing(id), { forwarded: true });
  assert.equal(typings(), 1, 'the owner sends');

  await rig.advance(3_000); // past the throttle
  state.act = false; // e.g. the process was frozen past a third of its lease
  assert.deepEqual(await rig.service.typing(id), { forwarded: false });
  assert.equal(typings(), 1, 'not sent once the lease may have passed');

  await rig.advance(3_000);
  state.owns = false; // another instance owns it now
  assert.deepEqual(await rig.service.typing(id), { forwarded: true });
  assert.equal(typings(), 1, 'a non-owner does not call the provider');
  assert.deepEqual(told, [{ kind: 'typing', handoverId: id }]);
});

test('receipts: the owner acknowledges; a non-owner passes it on; an owner past its lease sends nothing', async () => {
  const { state, ownership } = lease();
  const { told, notes } = notesBox();
  const rig = await CoreRig.start({ ownership, ownerNotes: notes });
  const { id, conv } = await rig.activeHandover();
  for (const text of ['one', 'two', 'three', 'four']) conv.agentWrites(text);
  await rig.until(async () => (await rig.agentTexts(id)).length === 4, 'four agent messages');
  const messages = (await rig.events(id)).filter(
    (e): e is Extract<HandoverEvent, { type: 'handover.agent_message' }> =>
      e.type === 'handover.agent_message',
  );
  const receipts = new ReceiptService({
    units: rig.engine.units,
    provider: () => rig.provider,
    scheduler: rig.time,
    random: () => 0.5,
    logger: new RecordingLogger(),
    policy: { initialDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 1_000 },
    signal: new AbortController().signal,
    cluster: { ownership, notes },
  });
  const acks = () => rig.provider.calls.get('acknowledge') ?? 0;
  const [one, two, three, four] = messages;
  assert.ok(one && two && three && four);

  await receipts.settled(one, 'delivered');
  assert.equal(acks(), 1, 'the owner acknowledges');

  state.act = false;
  await receipts.settled(two, 'delivered');
  assert.equal(acks(), 1, 'not once the lease may have passed');

  state.owns = false;
  await receipts.settled(three, 'failed');
  assert.equal(acks(), 1, 'a non-owner does not call the provider');
  assert.deepEqual(told, [
    {
      kind: 'receipt',
      handoverId: id,
      endpointId: three.endpointId,
      eventId: three.id,
      messageId: three.data.messageId,
      outcome: 'failed',
    },
  ]);

  // The owner gets such a note from another instance: it acknowledges (once, however often told).
  state.owns = true;
  state.act = true;
  const note = { kind: 'receipt' as const, handoverId: id, endpointId: four.endpointId, eventId: four.id };
  await receipts.fromNote({ ...note, messageId: four.data.messageId, outcome: 'delivered' });
  await receipts.fromNote({ ...note, messageId: four.data.messageId, outcome: 'delivered' });
  assert.equal(acks(), 2);
});
