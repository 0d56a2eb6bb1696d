// purgeEnded: ended and failed handovers older than the cut-off go, with their transcript, events and
// outbox rows (dead letters included); unended and newer ones stay untouched; batches are bounded.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Handover } from '../../../src/core/model/handover.ts';
import type { Store } from '../../../src/core/ports/store/index.ts';
import { at, makeEvent, makeHandover, makeLine, makeProviderRef, nextVersion } from '../fixtures.ts';
import { useStore } from './use-store.ts';

export function retentionContract(makeStore: () => Promise<Store>): void {
  void describe('retention purge', () => {
    const store = useStore(makeStore);

    /** A handover with a line, two events in the outbox (one dead-lettered), then `finalState` at `endedAt`. */
    async function seed(finalState: Handover['state'], endedAt?: string): Promise<Handover> {
      const h = makeHandover();
      const events = [makeEvent(h, 1), makeEvent(h, 2)];
      await store().handovers.create({
        handover: { ...h, lastSeq: 2 },
        webhook: true,
        provider: { ref: makeProviderRef() },
        events,
        transcript: [makeLine(h, { providerMessageId: `pm-${h.id}` })],
      });
      await store().events.recordDelivery(events[0]!.id, { kind: 'dead', at: at(2), error: 'HTTP 500' });
      const final = nextVersion(
        { ...h, lastSeq: 2 },
        {
          state: finalState,
          updatedAt: endedAt ?? at(3),
          ...(endedAt === undefined ? {} : { endedAt }),
        },
      );
      await store().handovers.commit({ handover: final, expectedVersion: 1, webhook: false });
      return final;
    }

    async function gone(h: Handover): Promise<boolean> {
      const s = store();
      const [record, lines, events, one] = await Promise.all([
        s.handovers.get(h.id),
        s.transcript.all(h.id),
        s.events.after(h.id, 0, 10),
        s.transcript.hasProviderMessage(h.id, `pm-${h.id}`),
      ]);
      if (record === undefined && lines.length === 0 && events.length === 0 && !one) return true;
      assert.ok(record && lines.length === 1 && events.length === 2 && one, 'partly purged');
      return false;
    }

    test('ended and failed handovers before the cut-off go with everything they hold; others stay', async () => {
      const oldEnded = await seed('ended', at(10));
      const oldFailed = await seed('failed', at(11));
      const newEnded = await seed('ended', at(100));
      const active = await seed('active');
      assert.equal(await store().retention.purgeEnded(at(50), 100), 2);
      assert.equal(await gone(oldEnded), true);
      assert.equal(await gone(oldFailed), true);
      assert.equal(await gone(newEnded), false);
      assert.equal(await gone(active), false);
      const dead = (await store().events.deadLetters({ limit: 100 })).items;
      assert.deepEqual(
        new Set(dead.map((d) => d.event.handoverId)),
        new Set([newEnded.id, active.id]),
        'dead letters of purged handovers went too',
      );
      assert.equal(await store().retention.purgeEnded(at(50), 100), 0, 'a second run finds nothing');
      assert.deepEqual(
        (await store().handovers.list({ limit: 10 })).items.map((h) => h.id).sort(),
        [newEnded.id, active.id].sort(),
      );
    });

    test('in batches of at most `limit`, oldest first', async () => {
      const hs = [await seed('ended', at(3)), await seed('ended', at(1)), await seed('ended', at(2))];
      assert.equal(await store().retention.purgeEnded(at(10), 2), 2);
      assert.equal(await gone(hs[1]!), true);
      assert.equal(await gone(hs[2]!), true);
      assert.equal(await gone(hs[0]!), false);
      assert.equal(await store().retention.purgeEnded(at(10), 2), 1);
      assert.equal(await gone(hs[0]!), true);
    });

    test('a bad cut-off or limit is refused before anything runs', async () => {
      await assert.rejects(store().retention.purgeEnded('yesterday', 10));
      await assert.rejects(store().retention.purgeEnded(at(1), 0));
    });
  });
}
