// Parked provider events: kept once per (handover, event key) whatever they hold, listed newest
// first, purged with their handover.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ParkedEvent, Store } from '../../../src/core/ports/store/index.ts';
import { at, makeHandover, nextVersion } from '../fixtures.ts';
import { UNSAFE_STRINGS } from '../../support/nasty-strings.ts';
import { useStore } from './use-store.ts';

export function parkedEventsContract(makeStore: () => Promise<Store>): void {
  void describe('parked provider events', () => {
    const store = useStore(makeStore);

    const parked = (handoverId: string, eventKey: string, parkedAt: string): ParkedEvent => ({
      handoverId,
      eventKey,
      eventType: 'message',
      errorCode: 'PostgresStoreError:22021',
      // What the engine writes: JSON text, so a NUL or a lone surrogate is escaped, never raw.
      payload: JSON.stringify({ type: 'message', text: `${UNSAFE_STRINGS.nul} ${UNSAFE_STRINGS.loneHigh}` }),
      parkedAt,
    });

    test('parks once per event, lists the newest first, and keeps the payload exactly', async () => {
      const h = makeHandover();
      await store().handovers.create({ handover: h, webhook: false });
      const first = parked(h.id, 'pm-1', at(1));
      await store().parked.park(first);
      await store().parked.park({ ...first, parkedAt: at(5), errorCode: 'other' }); // parked again: no change
      await store().parked.park(parked(h.id, 'pm-2', at(2)));
      const list = await store().parked.list(10);
      assert.deepEqual(
        list.map((p) => [p.eventKey, p.parkedAt, p.errorCode]),
        [
          ['pm-2', at(2), 'PostgresStoreError:22021'],
          ['pm-1', at(1), 'PostgresStoreError:22021'],
        ],
      );
      assert.deepEqual(list[1], first);
      assert.deepEqual(JSON.parse(list[1].payload), JSON.parse(first.payload));
      assert.equal((await store().parked.list(1)).length, 1);
    });

    test('purged with their handover', async () => {
      const h = makeHandover();
      await store().handovers.create({ handover: h, webhook: false });
      await store().parked.park(parked(h.id, 'pm-1', at(1)));
      const ended = nextVersion(h, { state: 'ended', endedAt: at(3), updatedAt: at(3) });
      await store().handovers.commit({ handover: ended, expectedVersion: 1, webhook: false });
      assert.equal(await store().retention.purgeEnded(at(50), 10), 1);
      assert.deepEqual(await store().parked.list(10), []);
    });
  });
}
