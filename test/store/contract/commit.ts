// commit: optimistic concurrency, all-or-nothing, provider ref kept secret.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, test } from 'node:test';
import { VersionConflictError } from '../../../src/core/ports/store/index.ts';
import type { Store } from '../../../src/core/ports/store/index.ts';
import type { Handover } from '../../../src/core/model/handover.ts';
import {
  SECRET_JWT,
  at,
  makeEvent,
  makeHandover,
  makeLine,
  makeOutbound,
  makeProviderRef,
  nextVersion,
} from '../fixtures.ts';
import { useStore } from './use-store.ts';

/** Everything a failed commit must have left untouched. */
async function snapshot(store: Store, handoverId: string): Promise<unknown> {
  return {
    record: await store.handovers.get(handoverId),
    events: await store.events.after(handoverId, 0, 100),
    transcript: await store.transcript.all(handoverId),
    due: await store.events.dueDeliveries(at(10_000), 100),
  };
}

function assertNoSecret(err: unknown): void {
  assert.ok(!inspect(err, { depth: 10 }).includes(SECRET_JWT), 'the provider JWT leaked into an error');
  if (err instanceof Error) assert.ok(!err.message.includes(SECRET_JWT));
}

export function commitContract(makeStore: () => Promise<Store>): void {
  void describe('commit', () => {
    const store = useStore(makeStore);

    test('writes the new state, events, outbox rows and transcript together', async () => {
      const h = makeHandover();
      await store().handovers.create({ handover: h, webhook: true });
      const queued = nextVersion(h, { state: 'queued', lastSeq: 1, updatedAt: at(1) });
      const event = makeEvent(queued, 1);
      const line = makeLine(h, { providerMessageId: 'm1' });
      await store().handovers.commit({
        handover: queued,
        expectedVersion: 1,
        webhook: true,
        events: [event],
        transcript: [line],
      });
      assert.deepEqual((await store().handovers.get(h.id))?.handover, queued);
      assert.deepEqual(await store().events.after(h.id, 0, 10), [event]);
      assert.deepEqual(await store().transcript.all(h.id), [line]);
      assert.deepEqual(
        (await store().events.dueDeliveries(at(100), 10)).map((d) => d.event),
        [event],
      );
    });

    test('what is fixed at creation stays as created: endpoint, starter, customer, settings, created time', async () => {
      const h = makeHandover({ startedBy: 'bot-a' });
      await store().handovers.create({ handover: h, webhook: true });
      const queued = nextVersion(h, { state: 'queued', updatedAt: at(1) });
      await store().handovers.commit({
        handover: {
          ...queued,
          endpointId: 'ep-other',
          startedBy: 'bot-b',
          customer: { ...h.customer, userId: 'someone-else', displayName: 'Eve' },
          settings: { ...h.settings, queue: 'Elsewhere' },
          createdAt: at(5),
        },
        expectedVersion: 1,
        webhook: true,
      });
      assert.deepEqual((await store().handovers.get(h.id))?.handover, queued);
      // The unique key on the customer's unended handover still names the original customer.
      const again = await store().handovers.create({
        handover: makeHandover({ customer: h.customer }),
        webhook: true,
      });
      assert.equal(again.created, false);
    });

    test('webhook false: events are stored (SSE) but owe no delivery', async () => {
      const h = makeHandover();
      await store().handovers.create({ handover: h, webhook: false, events: [makeEvent(h, 1)] });
      const event = makeEvent(h, 2);
      await store().handovers.commit({
        handover: nextVersion(h),
        expectedVersion: 1,
        webhook: false,
        events: [event],
      });
      assert.equal((await store().events.after(h.id, 0, 10)).length, 2);
      assert.deepEqual(await store().events.dueDeliveries(at(100), 10), []);
    });

    test('a stale expected version throws VersionConflictError and writes nothing', async () => {
      const h = makeHandover();
      await store().handovers.create({ handover: h, webhook: true, provider: { ref: makeProviderRef() } });
      await store().handovers.commit({
        handover: nextVersion(h, { state: 'queued' }),
        expectedVersion: 1,
        webhook: false,
      });
      const before = await snapshot(store(), h.id);
      const stale = nextVersion(h, { state: 'failed', updatedAt: at(9) });
      const err: unknown = await store()
        .handovers.commit({
          handover: stale,
          expectedVersion: 1,
          webhook: true,
          provider: { ref: makeProviderRef('eyJ-another-secret') },
          events: [makeEvent(h, 1)],
          transcript: [makeLine(h, { providerMessageId: 'm-stale' }), makeOutbound(h, 1)],
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      assert.ok(err instanceof VersionConflictError, `expected VersionConflictError, got ${String(err)}`);
      assert.equal(err.handoverId, h.id);
      assertNoSecret(err);
      assert.deepEqual(await snapshot(store(), h.id), before);
      assert.equal(await store().transcript.hasProviderMessage(h.id, 'm-stale'), false);
    });

    test('two commits from the same version: one wins, the other conflicts', async () => {
      const h = makeHandover();
      await store().handovers.create({ handover: h, webhook: false });
      const results = await Promise.allSettled([
        store().handovers.commit({
          handover: nextVersion(h, { state: 'queued' }),
          expectedVersion: 1,
          webhook: false,
        }),
        store().handovers.commit({
          handover: nextVersion(h, { state: 'failed' }),
          expectedVersion: 1,
          webhook: false,
        }),
      ]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      const rejected = results.find((r) => r.status === 'rejected');
      assert.ok(rejected?.reason instanceof VersionConflictError);
      assert.equal((await store().handovers.get(h.id))?.handover.version, 2);
    });

    test('version must be expectedVersion + 1', async () => {
      const h = makeHandover();
      await store().handovers.create({ handover: h, webhook: false });
      await assert.rejects(
        store().handovers.commit({ handover: { ...h, version: 5 }, expectedVersion: 1, webhook: false }),
      );
      assert.equal((await store().handovers.get(h.id))?.handover.version, 1);
    });

    test('an unknown handover is refused', async () => {
      const h = makeHandover();
      await assert.rejects(
        store().handovers.commit({ handover: nextVersion(h), expectedVersion: 1, webhook: false }),
      );
      assert.equal(await store().handovers.get(h.id), undefined);
    });

    test('sets the provider ref when given and keeps it when not', async () => {
      const h = makeHandover();
      await store().handovers.create({ handover: h, webhook: false });
      const ref = makeProviderRef();
      const v2 = nextVersion(h, { state: 'queued' });
      await store().handovers.commit({ handover: v2, expectedVersion: 1, webhook: false, provider: { ref } });
      assert.deepEqual((await store().handovers.get(h.id))?.provider?.ref, ref);
      await store().handovers.commit({ handover: nextVersion(v2), expectedVersion: 2, webhook: false });
      assert.deepEqual(await store().handovers.get(h.id), { handover: nextVersion(v2), provider: { ref } });
    });

    test('moves the provider cursor when given and keeps it when not', async () => {
      const h = makeHandover();
      const ref = makeProviderRef();
      await store().handovers.create({ handover: h, webhook: false, provider: { ref } });
      const v2 = nextVersion(h);
      await store().handovers.commit({
        handover: v2,
        expectedVersion: 1,
        webhook: false,
        provider: { cursor: 'm-7' },
      });
      assert.deepEqual((await store().handovers.get(h.id))?.provider, { ref, cursor: 'm-7' });
      const v3 = nextVersion(v2);
      await store().handovers.commit({ handover: v3, expectedVersion: 2, webhook: false });
      assert.deepEqual((await store().handovers.get(h.id))?.provider, { ref, cursor: 'm-7' });
      assert.deepEqual(await store().handovers.listUnended(), [
        { handover: v3, provider: { ref, cursor: 'm-7' } },
      ]);
    });

    test('a duplicate event id or seq fails the whole commit', async () => {
      const h = makeHandover();
      const first = makeEvent(h, 1);
      await store().handovers.create({ handover: h, webhook: true, events: [first] });
      const before = await snapshot(store(), h.id);
      const duplicates = [
        [makeEvent(h, 2, { id: first.id })],
        [makeEvent(h, 1)],
        [makeEvent(h, 2), makeEvent(h, 2)],
      ];
      for (const events of duplicates) {
        const line = makeLine(h, { providerMessageId: `m-${events[0]!.id}` });
        const err: unknown = await store()
          .handovers.commit({
            handover: nextVersion(h),
            expectedVersion: 1,
            webhook: true,
            events,
            transcript: [line],
            provider: { ref: makeProviderRef() },
          })
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        assert.ok(err instanceof Error, 'the commit should have failed');
        assertNoSecret(err);
        assert.deepEqual(await snapshot(store(), h.id), before);
      }
    });

    test('confirming an unknown outbound line fails the whole commit', async () => {
      const h = makeHandover();
      await store().handovers.create({ handover: h, webhook: false, transcript: [makeOutbound(h, 1)] });
      const before = await snapshot(store(), h.id);
      await assert.rejects(
        store().handovers.commit({
          handover: nextVersion(h),
          expectedVersion: 1,
          webhook: false,
          events: [makeEvent(h, 1)],
          sent: [{ entryId: 'no-such-line', providerMessageId: 'pm-1' }],
        }),
      );
      assert.deepEqual(await snapshot(store(), h.id), before);
    });

    // SQLite writes a commit that keeps the indexed columns with a statement that leaves them out
    // (handover-queries.ts): the listings by state must follow every change all the same.
    test('listings by state follow commits that keep the state and commits that change it', async () => {
      const h = makeHandover();
      await store().handovers.create({ handover: h, webhook: false });
      const byState = async (state: Handover['state']): Promise<string[]> =>
        (await store().handovers.list({ state, limit: 100 })).items
          .map((x) => x.id)
          .filter((id) => id === h.id);
      const same = nextVersion(h, { lastSeq: 0, updatedAt: at(1) });
      await store().handovers.commit({ handover: same, expectedVersion: 1, webhook: false });
      assert.deepEqual(await byState('requested'), [h.id]);
      const queued = nextVersion(same, { state: 'queued', updatedAt: at(2) });
      await store().handovers.commit({ handover: queued, expectedVersion: 2, webhook: false });
      const stillQueued = nextVersion(queued, { updatedAt: at(3) });
      await store().handovers.commit({ handover: stillQueued, expectedVersion: 3, webhook: false });
      assert.deepEqual(await byState('requested'), []);
      assert.deepEqual(await byState('queued'), [h.id]);
      assert.deepEqual((await store().handovers.get(h.id))?.handover, stillQueued);
      // A stale commit that keeps the state is still refused.
      await assert.rejects(
        store().handovers.commit({ handover: nextVersion(queued), expectedVersion: 3, webhook: false }),
        VersionConflictError,
      );
      const ended = nextVersion(stillQueued, { state: 'ended', endReason: 'customer_ended', endedAt: at(4) });
      await store().handovers.commit({ handover: ended, expectedVersion: 4, webhook: false });
      assert.deepEqual(await byState('queued'), []);
      assert.deepEqual(await byState('ended'), [h.id]);
      assert.ok(!(await store().handovers.listUnended()).some((r) => r.handover.id === h.id));
      // Ended, its (endpoint, user, session) is free for a new handover.
      const again = makeHandover({ customer: h.customer });
      assert.equal((await store().handovers.create({ handover: again, webhook: false })).created, true);
    });
  });
}
