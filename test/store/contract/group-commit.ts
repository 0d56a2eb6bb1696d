// Group commit, as the port promises it: writes submitted in the same event-loop turn (any handover)
// may share a transaction, yet each keeps its own verdict and the submission order holds.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Handover } from '../../../src/core/model/handover.ts';
import { VersionConflictError } from '../../../src/core/ports/store/index.ts';
import type { Store } from '../../../src/core/ports/store/index.ts';
import { at, makeEvent, makeHandover, makeLine, nextVersion } from '../fixtures.ts';
import { useStore } from './use-store.ts';

export function groupCommitContract(makeStore: () => Promise<Store>): void {
  void describe('group commit', () => {
    const store = useStore(makeStore);

    async function created(count: number): Promise<Handover[]> {
      const hs = Array.from({ length: count }, () => makeHandover());
      await Promise.all(hs.map((h) => store().handovers.create({ handover: h, webhook: true })));
      return hs;
    }

    test('commits of many handovers in one turn are all stored', async () => {
      const hs = await created(20);
      const next = hs.map((h) => nextVersion(h, { state: 'queued', lastSeq: 1 }));
      // Submitted without awaiting in between: they share the turn (and, in SQL, a transaction).
      await Promise.all(
        next.map((h) =>
          store().handovers.commit({
            handover: h,
            expectedVersion: 1,
            webhook: true,
            events: [makeEvent(h, 1)],
            transcript: [makeLine(h)],
          }),
        ),
      );
      for (const h of next) {
        assert.deepEqual((await store().handovers.get(h.id))?.handover, h);
        assert.equal((await store().events.after(h.id, 0, 10)).length, 1);
        assert.equal((await store().transcript.all(h.id)).length, 1);
      }
      assert.equal((await store().events.dueDeliveries(at(1000), 100)).length, hs.length);
    });

    test('a conflicting or failing change fails alone; the others of its turn are stored', async () => {
      const [a, b, c, d] = (await created(4)) as [Handover, Handover, Handover, Handover];
      const taken = makeEvent(a, 1);
      await store().handovers.commit({
        handover: nextVersion(a, { lastSeq: 1 }),
        expectedVersion: 1,
        webhook: true,
        events: [taken],
      });
      const results = await Promise.allSettled([
        // b: fine.
        store().handovers.commit({
          handover: nextVersion(b, { state: 'queued', lastSeq: 1 }),
          expectedVersion: 1,
          webhook: true,
          events: [makeEvent(b, 1)],
        }),
        // a: stale version.
        store().handovers.commit({ handover: nextVersion(a), expectedVersion: 1, webhook: true }),
        // c: its event reuses an id already stored (a constraint violation half-way through the change).
        store().handovers.commit({
          handover: nextVersion(c, { state: 'queued', lastSeq: 1 }),
          expectedVersion: 1,
          webhook: true,
          events: [{ ...makeEvent(c, 1), id: taken.id }],
          transcript: [makeLine(c)],
        }),
        // d: fine, after the failures in submission order.
        store().handovers.commit({
          handover: nextVersion(d, { state: 'queued', lastSeq: 1 }),
          expectedVersion: 1,
          webhook: true,
          events: [makeEvent(d, 1)],
        }),
      ]);
      assert.equal(results[0].status, 'fulfilled');
      assert.ok(results[1].status === 'rejected');
      assert.ok(results[1].reason instanceof VersionConflictError);
      assert.equal(results[2].status, 'rejected');
      assert.equal(results[3].status, 'fulfilled');

      assert.equal((await store().handovers.get(b.id))?.handover.state, 'queued');
      assert.equal((await store().handovers.get(d.id))?.handover.state, 'queued');
      assert.equal((await store().handovers.get(a.id))?.handover.version, 2);
      // c's change left nothing: not its state, not its line, not an event.
      assert.equal((await store().handovers.get(c.id))?.handover.version, 1);
      assert.deepEqual(await store().transcript.all(c.id), []);
      assert.deepEqual(await store().events.after(c.id, 0, 10), []);
    });

    test('changes of one handover submitted in one turn apply in submission order', async () => {
      const [h] = (await created(1)) as [Handover];
      const v2 = nextVersion(h, { state: 'queued', lastSeq: 1 });
      const v3 = nextVersion(v2, { state: 'active', lastSeq: 2 });
      await Promise.all([
        store().handovers.commit({
          handover: v2,
          expectedVersion: 1,
          webhook: true,
          events: [makeEvent(v2, 1)],
        }),
        store().handovers.commit({
          handover: v3,
          expectedVersion: 2,
          webhook: true,
          events: [makeEvent(v3, 2)],
        }),
      ]);
      assert.deepEqual((await store().handovers.get(h.id))?.handover, v3);
      assert.deepEqual(
        (await store().events.after(h.id, 0, 10)).map((e) => e.seq),
        [1, 2],
      );
    });

    test('delivery outcomes of one turn: each applies, an unknown event fails alone', async () => {
      const hs = await created(3);
      const events = hs.map((h) => makeEvent(h, 1));
      await Promise.all(
        hs.map((h, i) =>
          store().handovers.commit({
            handover: nextVersion(h, { lastSeq: 1 }),
            expectedVersion: 1,
            webhook: true,
            events: [events[i]!],
          }),
        ),
      );
      const [e0, e1, e2] = events as [(typeof events)[0], (typeof events)[0], (typeof events)[0]];
      const results = await Promise.allSettled([
        store().events.recordDelivery(e0.id, { kind: 'delivered', at: at(2) }),
        store().events.recordDelivery('no-such-event', { kind: 'delivered', at: at(2) }),
        store().events.recordDelivery(e1.id, {
          kind: 'retry',
          at: at(2),
          nextAttemptAt: at(50),
          error: 'HTTP 503',
        }),
        store().events.recordDelivery(e2.id, { kind: 'dead', at: at(2), error: 'HTTP 410' }),
      ]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
      );
      assert.deepEqual(await store().events.dueDeliveries(at(10), 10), []);
      assert.deepEqual(
        (await store().events.dueDeliveries(at(50), 10)).map((d) => [d.event.id, d.attempts]),
        [[e1.id, 1]],
      );
      assert.deepEqual(
        (await store().events.deadLetters({ limit: 10 })).items.map((d) => d.event.id),
        [e2.id],
      );
      // The delivered event left the outbox but not the event log (SSE replays from there).
      assert.deepEqual(await store().events.get(e0.id), e0);
    });
  });
}
