// A change the store refuses before it writes anything — a provider message the handover holds
// already, a stale version, an outcome for an unknown event — fails alone and leaves its batch
// whole: the other writes of the turn commit in the one transaction they shared. Before, any such
// refusal failed the batch and every write of it ran again alone, a commit each; an Open Messaging
// call sent again did that to 0.7 writes in every agent message's batch (issue 12, bench/README.md
// round seventeen). Run by each SQL adapter with the store's batch observer (onBatch).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Handover } from '../../src/core/model/handover.ts';
import {
  DuplicateProviderMessageError,
  VersionConflictError,
  type Store,
} from '../../src/core/ports/store/index.ts';
import { at, makeEvent, makeHandover, makeLine, nextVersion } from './fixtures.ts';

type OnBatch = (size: number, committed: boolean) => void;

export function refusedWritesSuite(name: string, open: (onBatch: OnBatch) => Promise<Store>): void {
  void describe(`${name}: refused writes leave their batch whole`, () => {
    async function world(count: number): Promise<{
      store: Store;
      hs: Handover[];
      batches: { size: number; committed: boolean }[];
    }> {
      const batches: { size: number; committed: boolean }[] = [];
      const store = await open((size, committed) => batches.push({ size, committed }));
      const hs = Array.from({ length: count }, () => makeHandover());
      await Promise.all(hs.map((h) => store.handovers.create({ handover: h, webhook: true })));
      batches.length = 0;
      return { store, hs, batches };
    }

    test('a duplicate provider message and a stale version fail alone; the rest commits as one batch', async () => {
      const { store, hs, batches } = await world(4);
      try {
        const [a, b, c, d] = hs as [Handover, Handover, Handover, Handover];
        const a2 = nextVersion(a, { lastSeq: 1 });
        await store.handovers.commit({
          handover: a2,
          expectedVersion: 1,
          webhook: true,
          events: [makeEvent(a, 1)],
          transcript: [makeLine(a, { providerMessageId: 'gen-1' })],
        });
        batches.length = 0;
        const results = await Promise.allSettled([
          store.handovers.commit({
            handover: nextVersion(b, { state: 'queued', lastSeq: 1 }),
            expectedVersion: 1,
            webhook: true,
            events: [makeEvent(b, 1)],
            transcript: [makeLine(b, { providerMessageId: 'gen-1' })],
          }),
          // a's message again (a webhook call sent twice), on the current version.
          store.handovers.commit({
            handover: nextVersion(a2, { lastSeq: 2 }),
            expectedVersion: 2,
            webhook: true,
            events: [makeEvent(a2, 2)],
            transcript: [makeLine(a, { providerMessageId: 'gen-1', text: 'again' })],
          }),
          // c: a stale version.
          store.handovers.commit({
            handover: nextVersion(nextVersion(c)),
            expectedVersion: 2,
            webhook: true,
          }),
          store.handovers.commit({
            handover: nextVersion(d, { state: 'queued', lastSeq: 1 }),
            expectedVersion: 1,
            webhook: true,
            events: [makeEvent(d, 1)],
          }),
        ]);
        assert.equal(results[0].status, 'fulfilled');
        assert.ok(results[1].status === 'rejected');
        assert.ok(results[1].reason instanceof DuplicateProviderMessageError, String(results[1].reason));
        assert.equal(results[1].reason.providerMessageId, 'gen-1');
        assert.ok(results[2].status === 'rejected');
        assert.ok(results[2].reason instanceof VersionConflictError, String(results[2].reason));
        assert.equal(results[3].status, 'fulfilled');
        assert.deepEqual(batches, [{ size: 4, committed: true }]);

        // The refused ones wrote nothing; the others everything.
        assert.equal((await store.handovers.get(a.id))?.handover.version, 2);
        assert.deepEqual(
          (await store.transcript.all(a.id)).map((l) => l.text),
          ['Hello'],
        );
        assert.equal((await store.events.after(a.id, 0, 10)).length, 1);
        assert.equal((await store.handovers.get(c.id))?.handover.version, 1);
        assert.equal((await store.handovers.get(b.id))?.handover.state, 'queued');
        assert.equal((await store.transcript.all(b.id)).length, 1);
        assert.equal((await store.handovers.get(d.id))?.handover.state, 'queued');
        assert.equal((await store.events.dueDeliveries(at(1000), 100)).length, 3);
      } finally {
        await store.close();
      }
    });

    test('an outcome for an unknown event fails alone', async () => {
      const { store, hs, batches } = await world(2);
      try {
        const [a, b] = hs as [Handover, Handover];
        const event = makeEvent(a, 1);
        await store.handovers.commit({
          handover: nextVersion(a, { lastSeq: 1 }),
          expectedVersion: 1,
          webhook: true,
          events: [event],
        });
        batches.length = 0;
        const results = await Promise.allSettled([
          store.events.recordDelivery(makeEvent(b, 9).id, { kind: 'delivered', at: at(5) }),
          store.events.recordDelivery(event.id, { kind: 'delivered', at: at(5) }),
        ]);
        assert.equal(results[0].status, 'rejected');
        assert.equal(results[1].status, 'fulfilled');
        assert.deepEqual(batches, [{ size: 2, committed: true }]);
        assert.equal((await store.events.dueDeliveries(at(1000), 100)).length, 0);
      } finally {
        await store.close();
      }
    });

    test('a change that fails half-way (a constraint) still splits its batch, and fails alone', async () => {
      const { store, hs, batches } = await world(2);
      try {
        const [a, b] = hs as [Handover, Handover];
        const taken = makeEvent(a, 1);
        await store.handovers.commit({
          handover: nextVersion(a, { lastSeq: 1 }),
          expectedVersion: 1,
          webhook: true,
          events: [taken],
        });
        batches.length = 0;
        const results = await Promise.allSettled([
          store.handovers.commit({
            handover: nextVersion(b, { lastSeq: 1 }),
            expectedVersion: 1,
            webhook: true,
            events: [{ ...makeEvent(b, 1), id: taken.id }],
          }),
          store.handovers.commit({
            handover: nextVersion(nextVersion(a, { lastSeq: 1 }), { lastSeq: 2 }),
            expectedVersion: 2,
            webhook: true,
            events: [makeEvent(a, 2)],
          }),
        ]);
        assert.equal(results[0].status, 'rejected');
        assert.equal(results[1].status, 'fulfilled');
        assert.deepEqual(batches, [{ size: 2, committed: false }]);
        assert.equal((await store.handovers.get(b.id))?.handover.version, 1);
        assert.equal((await store.handovers.get(a.id))?.handover.version, 3);
      } finally {
        await store.close();
      }
    });
  });
}
