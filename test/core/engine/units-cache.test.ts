// The units' cache of live handover states: the 1,000 most recently changed are kept, and a handover
// being brought up is held outside that count (issue 12: in a burst of creations each chat's state
// was pushed out while its Genesys create waited, and its next units read it again).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProviderRef } from '../../../src/core/ports/provider.ts';
import { HandoverUnits } from '../../../src/core/engine/handover-units.ts';
import { MemoryStore } from '../../../src/store/memory/memory-store.ts';
import { VirtualTime } from '../../../src/time/virtual-time.ts';
import { makeHandover } from '../../support/fixtures.ts';

/** More than the cache holds: committing to this many others pushes out whatever is not held. */
const OTHERS = 1_001;

const ref = (id: string): ProviderRef => ({ kind: 'scripted', data: { conversationId: `c-${id}` } });

/** Units over `store`, on virtual time, with webhooks off and nothing reacting to commits. */
function unitsOn(store: MemoryStore): HandoverUnits {
  let n = 0;
  return new HandoverUnits({
    store,
    clock: new VirtualTime(),
    ids: { next: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` },
    webhookOf: () => false,
    onCommitted: () => undefined,
  });
}

async function rig() {
  const store = new MemoryStore();
  let reads = new Map<string, number>();
  const get = store.handovers.get.bind(store.handovers);
  store.handovers.get = (id: string) => {
    reads.set(id, (reads.get(id) ?? 0) + 1);
    return get(id);
  };
  const units = unitsOn(store);
  const create = async (id: string): Promise<void> => {
    await store.handovers.create({ handover: makeHandover(id, 'ep', 0, 1), webhook: false });
    units.track(id);
  };
  const others = Array.from({ length: OTHERS }, (_, i) => `other-${i}`);
  for (const id of others) await create(id);
  /** One commit to each of the others: the most recently changed 1,000 are theirs afterwards. */
  let round = 0;
  const churn = async (): Promise<void> => {
    round += 1;
    for (const id of others)
      await units.run(id, (d) => {
        if (round === 1) d.linkProvider(ref(id));
        else d.moveCursor(`m-${round}`);
      });
  };
  return {
    units,
    create,
    churn,
    reads: (id: string) => reads.get(id) ?? 0,
    clearReads: () => (reads = new Map()),
  };
}

test('a held handover keeps its state while a thousand others change; released, it is an ordinary cache entry again', async () => {
  const { units, create, churn, reads, clearReads } = await rig();
  await create('held');
  await create('not-held');
  units.hold('held');
  await units.read('held');
  await units.read('not-held');
  clearReads();

  await churn();
  await units.run('held', (d) => d.linkProvider(ref('held')));
  await units.run('not-held', (d) => d.linkProvider(ref('not-held')));
  assert.equal(reads('held'), 0, 'the held handover was read again');
  assert.equal(reads('not-held'), 1, 'a handover not held was kept past the cache’s size');

  // Released: it joins the cache as its most recent entry, and leaves it like any other.
  units.release('held');
  assert.equal((await units.read('held'))?.record.provider?.ref.data.conversationId, 'c-held');
  assert.equal(reads('held'), 0);
  await churn();
  await units.read('held');
  assert.equal(reads('held'), 1, 'a released handover stayed held');
});

test('holds count: the state is held until as many releases as holds; a refresh still drops it', async () => {
  const { units, create, churn, reads, clearReads } = await rig();
  await create('twice');
  units.hold('twice');
  units.hold('twice');
  await units.read('twice');
  units.release('twice');
  clearReads();
  await churn();
  await units.read('twice');
  assert.equal(reads('twice'), 0, 'one release of two let it go');

  // Another instance changed it: the held state is stale and goes, the next read loads it.
  units.refresh('twice');
  await units.read('twice');
  assert.equal(reads('twice'), 1);
  units.release('twice');
  units.release('twice'); // more releases than holds: nothing to undo
  await churn();
  await units.read('twice');
  assert.equal(reads('twice'), 2);
});

test('a read from the store that a commit overtakes does not put the older state back in the cache', async () => {
  const store = new MemoryStore();
  await store.handovers.create({ handover: makeHandover('h', 'ep', 0, 1), webhook: false });
  // The next read of the handover returns what was stored when it started, but only once the gate
  // opens: a query answered after a commit that came later.
  let gate: Promise<void> | undefined;
  const get = store.handovers.get.bind(store.handovers);
  store.handovers.get = async (id: string) => {
    const record = await get(id);
    const held = gate;
    gate = undefined;
    if (held) await held;
    return record;
  };
  const units = unitsOn(store);
  units.track('h');
  const [line] = await units.run('h', (d) => d.appendOutbound(['hello'], 'message'));
  assert.ok(line);

  // Another instance changed it (or the state left the cache): the next read goes to the store…
  units.refresh('h');
  let letGo!: () => void;
  gate = new Promise<void>((r) => (letGo = r));
  const slowRead = units.read('h');
  // …and while that read is on its way, a commit confirms the line.
  await units.run('h', (d) => assert.ok(d.markSent(line.id, 'p-1')));
  letGo();

  assert.deepEqual((await slowRead)?.pending, [], 'the overtaken read answers the newer state');
  assert.deepEqual((await units.read('h'))?.pending, [], 'the cache keeps the newer state');
  assert.equal((await units.read('h'))?.record.handover.version, 3);
});
