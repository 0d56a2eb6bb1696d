// Pushed events with several instances (issue 14, pushed-relay.ts) on virtual time: the owner of a
// handover commits a webhook call's events through its session; any other instance stores them in
// the inbox (the call is answered then), and the owner drains the inbox in arrival order — once per
// provider message, again after a failure, never while it does not own the handover. The inbox is
// the in-memory one (the PostgreSQL one has the same rules: test/scale-out/leases-postgres.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PushedRelay } from '../../../src/core/engine/pushed-relay.ts';
import type { ProviderEvent } from '../../../src/core/ports/provider.ts';
import { MemoryInbox } from '../../../src/store/memory/memory-inbox.ts';
import { CoreRig, ENDPOINT } from '../../support/core-rig.ts';
import { RecordingLogger } from '../../support/recording-logger.ts';

const WINDOW_MS = 100;

async function setUp() {
  const rig = await CoreRig.start({ push: { reorderWindowMs: WINDOW_MS } });
  const { id, conv } = await rig.activeHandover();
  const inbox = new MemoryInbox();
  inbox.live.set(id, ENDPOINT);
  const own = { owns: true };
  /** Outcomes to give instead of the session's, one per call (then the session's own). */
  const scripted: ('not-ready' | Error)[] = [];
  const logger = new RecordingLogger();
  const relay = new PushedRelay({
    inbox,
    owns: () => own.owns,
    acceptPushed: (endpointId, hid, events) => {
      const next = scripted.shift();
      if (next instanceof Error) return Promise.reject(next);
      if (next) return Promise.resolve(next);
      return rig.engine.acceptPushed(endpointId, hid, events);
    },
    scheduler: rig.time,
    logger,
    retryMs: 250,
    pollMs: 5_000,
  });
  /** The agent writes; the provider's webhook call carrying it (not delivered yet). */
  const agentCall = (text: string): ProviderEvent[] => {
    conv.agentWrites(text);
    return conv.pushed.splice(0);
  };
  /** A webhook call reaching this instance; resolves with the route's outcome. */
  const deliver = async (events: ProviderEvent[]): Promise<string> => {
    const outcome = relay.accept(ENDPOINT, id, events);
    await rig.advance(WINDOW_MS + 10);
    return outcome;
  };
  return { rig, id, inbox, own, scripted, relay, logger, agentCall, deliver };
}

test('the owner commits a call itself; a non-owner keeps it in the inbox; the owner drains it in order', async () => {
  const { rig, id, inbox, own, relay, agentCall, deliver } = await setUp();
  relay.start();
  assert.equal(await deliver(agentCall('one')), 'committed');
  assert.deepEqual(await rig.agentTexts(id), ['one']);
  assert.equal(inbox.size, 0, 'the owner does not need the inbox');

  own.owns = false; // another instance owns the handover: this one only keeps the calls
  const two = agentCall('two');
  const three = agentCall('three');
  assert.equal(await deliver(two), 'committed', 'answered once it is in the inbox');
  assert.equal(await deliver(three), 'committed');
  assert.equal(await deliver(two), 'committed', 'a redelivery');
  assert.equal(inbox.size, 2, 'one entry per provider message');
  await rig.advance(10_000); // wake-ups and polls: nothing is drained while not owned here
  assert.deepEqual(await rig.agentTexts(id), ['one']);
  assert.equal(inbox.size, 2);

  own.owns = true; // it owns the handover now (a takeover): the keeper's adopt wakes the relay
  relay.wake(id);
  await rig.until(() => inbox.size === 0, 'the inbox drained');
  await rig.advance(WINDOW_MS + 10);
  assert.deepEqual(await rig.agentTexts(id), ['one', 'two', 'three']);
  relay.stop();
});

test('an entry the session cannot take yet, or whose commit fails, stays and is tried again', async () => {
  const { rig, id, inbox, own, scripted, relay, logger, agentCall, deliver } = await setUp();
  relay.start();
  own.owns = false;
  assert.equal(await deliver(agentCall('late')), 'committed');
  own.owns = true;
  scripted.push('not-ready', new Error('database unavailable'));
  relay.wake(id);
  await rig.advance(WINDOW_MS + 10);
  assert.equal(inbox.size, 1, 'kept: the session was not up yet');
  await rig.advance(260);
  assert.equal(inbox.size, 1, 'kept: the commit failed');
  assert.match(logger.text(), /pushed events from the inbox not committed yet/);
  await rig.until(() => inbox.size === 0, 'committed on the third try');
  await rig.advance(WINDOW_MS + 10);
  assert.deepEqual(await rig.agentTexts(id), ['late']);
  relay.stop();
});

test('the owner puts a call in the inbox when its session cannot take it; the safety poll finds entries nobody announced', async () => {
  const { rig, id, inbox, scripted, relay, agentCall, deliver } = await setUp();
  scripted.push('not-ready'); // e.g. just taken over: the session is still attaching
  assert.equal(await deliver(agentCall('early')), 'committed');
  assert.equal(inbox.size, 1);
  // The relay was not listening (a lost NOTIFY): the poll finds the entry.
  relay.start();
  await rig.until(() => inbox.size === 0, 'drained by the poll', 6_000);
  await rig.advance(WINDOW_MS + 10);
  assert.deepEqual(await rig.agentTexts(id), ['early']);

  // A call for a handover that is over (or unknown) is answered `ignored` and kept nowhere.
  inbox.live.delete(id);
  scripted.push('not-ready');
  assert.equal(await deliver(agentCall('after the end')), 'ignored');
  assert.equal(inbox.size, 0);
  relay.stop();
});
