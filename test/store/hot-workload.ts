// A workload that runs every hot path of the store (see sqlite-query-plans.test.ts): the statements
// it sends are the ones whose plans must not grow with history.
import { randomUUID } from 'node:crypto';
import type { Store } from '../../src/core/ports/store/index.ts';
import {
  at,
  makeEvent,
  makeHandover,
  makeLine,
  makeOutbound,
  makeProviderRef,
  nextVersion,
} from './fixtures.ts';

/** The tables whose whole reading the plans must never show. */
export const HOT_TABLES = ['handovers', 'events', 'outbox', 'transcript'];

/**
 * The partial indexes whose rows are work still to do — pending deliveries, dead letters waiting for
 * an operator (a replay or their handover's purge takes them out; the dead-letter alert watches how
 * many), lines not yet sent, unended handovers — and so do not grow with history: the only indexes a
 * hot statement may read whole (a claim's skip scan of the pending outbox, the first page of dead
 * letters, their count for /metrics). Being partial is not enough: the transcript's index of provider
 * message ids is partial and holds every agent message ever stored.
 */
export const LIVE_ONLY_INDEXES: ReadonlySet<string> = new Set([
  'outbox_due',
  'outbox_pending',
  'outbox_dead',
  'transcript_pending_outbound',
  'handovers_unended',
  'handovers_one_unended',
]);

/** Runs every hot path of the store a few times over, with some history in place. */
export async function hotWorkload(store: Store): Promise<void> {
  for (let round = 0; round < 3; round++) {
    const h = makeHandover();
    const outbound = [makeOutbound(h, 1, { clientMessageId: `k-${round}` }), makeOutbound(h, 2)];
    await store.handovers.create({
      handover: { ...h, lastSeq: 1 },
      webhook: true,
      events: [makeEvent(h, 1)],
      transcript: outbound,
      provider: { ref: makeProviderRef() },
    });
    const v2 = nextVersion({ ...h, lastSeq: 1 }, { state: 'queued', lastSeq: 3 });
    const events = [makeEvent(v2, 2), makeEvent(v2, 3)];
    await store.handovers.commit({
      handover: v2,
      expectedVersion: 1,
      webhook: true,
      events,
      transcript: [makeLine(h, { providerMessageId: `pm-${round}` })],
      attempted: [{ entryId: outbound[0]!.id, at: at(2) }],
      provider: { cursor: `c-${round}` },
    });
    await store.handovers.commit({
      handover: nextVersion(v2),
      expectedVersion: 2,
      webhook: true,
      sent: [{ entryId: outbound[0]!.id, providerMessageId: `sent-${round}` }],
      undelivered: [outbound[1]!.id],
    });
    const due = await store.events.dueDeliveries(at(100), 10, new Set([randomUUID()]));
    const [first, second, third] = due;
    if (first) await store.events.recordDelivery(first.event.id, { kind: 'delivered', at: at(101) });
    if (second)
      await store.events.recordDelivery(second.event.id, {
        kind: 'retry',
        at: at(101),
        nextAttemptAt: at(102),
        error: 'HTTP 503',
      });
    if (third) await store.events.recordDelivery(third.event.id, { kind: 'dead', at: at(101), error: 'x' });
    await store.events.dueDeliveries(at(200), 10);
    await store.events.dueDeliveries(at(200), 10, new Set([randomUUID()]), new Set([h.id, randomUUID()]));
    await store.events.after(h.id, 1, 100);
    await store.events.get(events[0]!.id);
    await store.handovers.get(h.id);
    await store.transcript.pendingOutbound(h.id);
    await store.transcript.maxOutboundOrder(h.id);
    await store.transcript.hasProviderMessage(h.id, `pm-${round}`);
    await store.transcript.outboundByClientMessageId(h.id, `k-${round}`);
    await store.transcript.all(h.id);
    await store.transcript.speakerTimes(h.id);
    await store.handovers.listUnended();
    await store.events.deadLetters({ limit: 10 });
    await store.events.outboxStats();
  }
}
