// events (SSE resume) and getEvent, with every event type's payload round-tripped.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PendingEvent } from '../../../src/core/model/events.ts';
import type { Store } from '../../../src/core/ports/store/index.ts';
import { makeEvent, makeHandover, nextVersion } from '../fixtures.ts';
import { useStore } from './use-store.ts';

const agent = { id: 'agent-1', displayName: 'Grace', avatarUrl: 'https://example.test/g.png' };

/** One payload per event type, optional fields both present and absent. */
const everyKind: PendingEvent[] = [
  { type: 'handover.queued', data: { queue: 'Support' } },
  { type: 'handover.agent_joined', data: { agent } },
  { type: 'handover.agent_message', data: { messageId: 'm1', text: 'Hi! 👋', agent: { id: 'agent-1' } } },
  { type: 'handover.agent_typing', data: { agent, expiresInMs: 4000 } },
  { type: 'handover.agent_left', data: { agent } },
  { type: 'handover.transferred', data: { from: agent, to: { id: 'agent-2' } } },
  { type: 'handover.transferred', data: { to: { id: 'agent-3' } } },
  { type: 'handover.system_message', data: { messageId: 'm2', text: 'Transferred', source: 'notice' } },
  { type: 'handover.ended', data: { reason: 'agent_ended', message: 'bye' } },
  { type: 'handover.ended', data: { reason: 'no_agent_timeout' } },
  { type: 'handover.failed', data: { error: { code: 'chat.deployment.disabled', message: 'disabled' } } },
];

export function eventsContract(makeStore: () => Promise<Store>): void {
  void describe('events / getEvent', () => {
    const store = useStore(makeStore);

    test('every event type round-trips through events() and getEvent()', async () => {
      const h = makeHandover();
      const events = everyKind.map((pending, i) => makeEvent(h, i + 1, { pending }));
      await store().handovers.create({ handover: { ...h, lastSeq: events.length }, webhook: false, events });
      assert.deepEqual(await store().events.after(h.id, 0, 100), events);
      for (const e of events) assert.deepEqual(await store().events.get(e.id), e);
    });

    test('after a seq, in order, limited; other handovers never mix in', async () => {
      const h = makeHandover();
      const other = makeHandover();
      await store().handovers.create({
        handover: h,
        webhook: false,
        events: [makeEvent(h, 1), makeEvent(h, 2)],
      });
      await store().handovers.create({ handover: other, webhook: false, events: [makeEvent(other, 1)] });
      const later = [makeEvent(h, 5), makeEvent(h, 3), makeEvent(h, 4)];
      await store().handovers.commit({
        handover: nextVersion(h),
        expectedVersion: 1,
        webhook: false,
        events: later,
      });
      assert.deepEqual(
        (await store().events.after(h.id, 0, 100)).map((e) => e.seq),
        [1, 2, 3, 4, 5],
      );
      assert.deepEqual(
        (await store().events.after(h.id, 2, 2)).map((e) => e.seq),
        [3, 4],
      );
      assert.deepEqual(await store().events.after(h.id, 5, 10), []);
      assert.deepEqual(
        (await store().events.after(other.id, 0, 10)).map((e) => e.handoverId),
        [other.id],
      );
      await assert.rejects(store().events.after(h.id, 0, 0));
    });

    test('unknown ids: undefined and empty', async () => {
      assert.equal(await store().events.get('nope'), undefined);
      assert.deepEqual(await store().events.after('nope', 0, 10), []);
    });
  });
}
