// listHandovers (filters, keyset pagination), listUnended, countByState.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GatewayError } from '../../../src/core/errors.ts';
import type { Handover } from '../../../src/core/model/handover.ts';
import { HandoverStates } from '../../../src/core/model/handover.ts';
import type { Store, ListQuery } from '../../../src/core/ports/store/index.ts';
import { at, makeHandover, makeProviderRef, nextVersion } from '../fixtures.ts';
import { useStore } from './use-store.ts';

async function allPages(store: Store, query: Omit<ListQuery, 'cursor'>): Promise<Handover[][]> {
  const pages: Handover[][] = [];
  let cursor: string | undefined;
  do {
    const page = await store.handovers.list({ ...query, ...(cursor === undefined ? {} : { cursor }) });
    pages.push([...page.items]);
    cursor = page.nextCursor;
    assert.ok(pages.length < 100, 'pagination does not terminate');
  } while (cursor !== undefined);
  return pages;
}

export function listingContract(makeStore: () => Promise<Store>): void {
  void describe('listHandovers / listUnended / countByState', () => {
    const store = useStore(makeStore);

    /** Seven handovers; two share a createdAt so the id must break the tie. */
    async function seed(): Promise<Handover[]> {
      const made = [0, 1, 2, 3, 3, 4, 5].map((minute, i) =>
        makeHandover({ createdAt: at(minute), endpointId: i % 2 === 0 ? 'ep-a' : 'ep-b', id: `h-${i}` }),
      );
      for (const h of made) await store().handovers.create({ handover: h, webhook: false });
      return made;
    }
    const newestFirst = (hs: Handover[]): string[] =>
      [...hs]
        .sort((x, y) =>
          x.createdAt === y.createdAt ? (x.id < y.id ? 1 : -1) : x.createdAt < y.createdAt ? 1 : -1,
        )
        .map((h) => h.id);

    test('newest first, paged with an opaque cursor, every item exactly once', async () => {
      const made = await seed();
      const pages = await allPages(store(), { limit: 2 });
      assert.deepEqual(
        pages.map((p) => p.length),
        [2, 2, 2, 1],
      );
      assert.deepEqual(
        pages.flat().map((h) => h.id),
        newestFirst(made),
      );
      assert.deepEqual(pages.flat()[0], made[6]);
    });

    test('an exact last page carries no next cursor', async () => {
      await seed();
      const page = await store().handovers.list({ limit: 7 });
      assert.equal(page.items.length, 7);
      assert.equal(page.nextCursor, undefined);
      assert.deepEqual(await store().handovers.list({ limit: 10 }), { items: page.items });
    });

    test('filters by endpoints and by state, paging within the filter', async () => {
      const made = await seed();
      const onA = made.filter((h) => h.endpointId === 'ep-a');
      assert.deepEqual(
        (await allPages(store(), { limit: 3, endpointIds: ['ep-a'] })).flat().map((h) => h.id),
        newestFirst(onA),
      );
      assert.equal(
        (await store().handovers.list({ limit: 50, endpointIds: ['ep-a', 'ep-b'] })).items.length,
        7,
      );
      assert.deepEqual(await store().handovers.list({ limit: 50, endpointIds: [] }), { items: [] });
      assert.deepEqual(await store().handovers.list({ limit: 50, endpointIds: ['ep-none'] }), { items: [] });

      const target = made[2]!;
      await store().handovers.commit({
        handover: nextVersion(target, { state: 'active' }),
        expectedVersion: 1,
        webhook: false,
      });
      const active = await store().handovers.list({ limit: 50, state: 'active' });
      assert.deepEqual(
        active.items.map((h) => h.id),
        [target.id],
      );
      assert.deepEqual(
        (await store().handovers.list({ limit: 50, state: 'active', endpointIds: ['ep-b'] })).items,
        [],
      );
      assert.equal((await store().handovers.list({ limit: 50, state: 'requested' })).items.length, 6);
    });

    test('a forged cursor is a validation error; a bad limit is refused', async () => {
      await seed();
      for (const cursor of ['not-base64-json', Buffer.from('{"a":1}').toString('base64url')]) {
        await assert.rejects(store().handovers.list({ limit: 2, cursor }), (err: unknown) => {
          assert.ok(err instanceof GatewayError);
          assert.equal(err.code, 'VALIDATION_FAILED');
          return true;
        });
      }
      await assert.rejects(store().handovers.list({ limit: 0 }));
      await assert.rejects(store().handovers.list({ limit: 1.5 }));
    });

    test('listUnended: every requested/queued/active/transferring handover, with its provider ref', async () => {
      const ref = makeProviderRef();
      const states = ['requested', 'queued', 'active', 'transferring', 'ended', 'failed'] as const;
      const made = states.map((state, i) => makeHandover({ state, createdAt: at(i) }));
      for (const h of made)
        await store().handovers.create({ handover: h, webhook: false, provider: { ref } });
      const unended = await store().handovers.listUnended();
      assert.deepEqual(
        unended.map((r) => r.handover.state),
        ['requested', 'queued', 'active', 'transferring'],
      );
      for (const r of unended) assert.deepEqual(r.provider?.ref, ref);
    });

    test('countByState: every state, zero when none', async () => {
      assert.deepEqual(
        await store().handovers.countByState(),
        Object.fromEntries(HandoverStates.map((s) => [s, 0])),
      );
      const a = makeHandover();
      await store().handovers.create({ handover: a, webhook: false });
      await store().handovers.create({ handover: makeHandover(), webhook: false });
      await store().handovers.commit({
        handover: nextVersion(a, { state: 'ended' }),
        expectedVersion: 1,
        webhook: false,
      });
      assert.deepEqual(await store().handovers.countByState(), {
        requested: 1,
        queued: 0,
        active: 0,
        transferring: 0,
        ended: 1,
        failed: 0,
      });
    });
  });
}
