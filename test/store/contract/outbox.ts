// The webhook outbox: oldest undelivered event per handover, no head-of-line blocking across
// handovers, retries, dead letters and replay.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GatewayError } from '../../../src/core/errors.ts';
import type { Handover } from '../../../src/core/model/handover.ts';
import type { HandoverEvent } from '../../../src/core/model/events.ts';
import type { Store } from '../../../src/core/ports/store/index.ts';
import { at, makeEvent, makeHandover, makeOutbound } from '../fixtures.ts';
import { useStore } from './use-store.ts';

export function outboxContract(makeStore: () => Promise<Store>): void {
  void describe('webhook outbox', () => {
    const store = useStore(makeStore);

    /** A handover with `count` webhook events, seq 1…count, occurring at minutes 1…count. */
    async function withEvents(count: number): Promise<{ h: Handover; events: HandoverEvent[] }> {
      const h = makeHandover();
      const events = Array.from({ length: count }, (_, i) => makeEvent(h, i + 1));
      await store().handovers.create({ handover: { ...h, lastSeq: count }, webhook: true, events });
      return { h, events };
    }
    const dueIds = async (now: string): Promise<string[]> =>
      (await store().events.dueDeliveries(now, 100)).map((d) => d.event.id);

    test('only the oldest undelivered event of each handover, once it is due', async () => {
      const a = await withEvents(3);
      const b = await withEvents(2);
      assert.deepEqual(await dueIds(at(0)), []);
      const due = await store().events.dueDeliveries(at(1), 100);
      assert.deepEqual(
        due.map((d) => d.event).sort((x, y) => x.id.localeCompare(y.id)),
        [a.events[0], b.events[0]].sort((x, y) => x!.id.localeCompare(y!.id)),
      );
      for (const d of due) {
        assert.equal(d.attempts, 0);
        assert.equal(d.nextAttemptAt, at(1));
        assert.equal(d.firstAttemptAt, undefined);
      }
      await store().events.recordDelivery(a.events[0]!.id, { kind: 'delivered', at: at(2) });
      assert.deepEqual(new Set(await dueIds(at(5))), new Set([a.events[1]!.id, b.events[0]!.id]));
    });

    test('a retrying handover waits in order, and never blocks another', async () => {
      const slow = await withEvents(2);
      const fast = await withEvents(2);
      await store().events.recordDelivery(slow.events[0]!.id, {
        kind: 'retry',
        at: at(2),
        nextAttemptAt: at(30),
        error: 'HTTP 503',
      });
      // slow's second event must not overtake its first; fast flows.
      assert.deepEqual(await dueIds(at(10)), [fast.events[0]!.id]);
      await store().events.recordDelivery(fast.events[0]!.id, { kind: 'delivered', at: at(10) });
      assert.deepEqual(await dueIds(at(10)), [fast.events[1]!.id]);

      const retried = await store().events.dueDeliveries(at(30), 100);
      const slowHead = retried.find((d) => d.event.handoverId === slow.h.id);
      assert.deepEqual(slowHead, {
        event: slow.events[0],
        attempts: 1,
        nextAttemptAt: at(30),
        firstAttemptAt: at(2),
      });
      await store().events.recordDelivery(slow.events[0]!.id, {
        kind: 'retry',
        at: at(30),
        nextAttemptAt: at(40),
        error: 'again',
      });
      const again = (await store().events.dueDeliveries(at(40), 100)).find(
        (d) => d.event.handoverId === slow.h.id,
      );
      assert.ok(again, 'the retried event is due again');
      assert.equal(again.attempts, 2);
      assert.equal(again.firstAttemptAt, at(2));
    });

    test('handovers whose delivery is in flight are skipped, so every row returned can be sent', async () => {
      const a = await withEvents(2);
      const b = await withEvents(1);
      const c = await withEvents(1);
      const due = await store().events.dueDeliveries(at(10), 1, new Set([a.h.id, b.h.id]));
      assert.deepEqual(
        due.map((d) => d.event.id),
        [c.events[0]!.id],
      );
      assert.deepEqual(
        new Set(await dueIds(at(10))),
        new Set([a.events[0]!.id, b.events[0]!.id, c.events[0]!.id]),
      );
    });

    test('among: only the named handovers, each by its head, due, not excluded, earliest first', async () => {
      const a = await withEvents(3);
      const b = await withEvents(2);
      const c = await withEvents(1);
      const dead = await withEvents(2);
      const later = await withEvents(1);
      const ask = async (now: string, names: Handover[], exclude: Handover[] = [], limit = 100) =>
        (
          await store().events.dueDeliveries(
            now,
            limit,
            new Set(exclude.map((x) => x.id)),
            new Set(names.map((x) => x.id)),
          )
        ).map((d) => d.event.id);
      await store().events.recordDelivery(a.events[0]!.id, { kind: 'delivered', at: at(1) });
      await store().events.recordDelivery(dead.events[0]!.id, { kind: 'dead', at: at(1), error: 'x' });
      await store().events.recordDelivery(later.events[0]!.id, {
        kind: 'retry',
        at: at(1),
        nextAttemptAt: at(50),
        error: 'HTTP 503',
      });
      // a's head is now its second event; c is not named; a dead letter is no head; later is not due.
      const named = await ask(at(10), [a.h, b.h, dead.h, later.h]);
      assert.equal(named[0], b.events[0]!.id, 'due at minute 1, before the heads due at minute 2');
      assert.deepEqual(new Set(named), new Set([a.events[1]!.id, b.events[0]!.id, dead.events[1]!.id]));
      assert.equal(named.length, 3);
      assert.deepEqual(await ask(at(10), [a.h, b.h], [b.h]), [a.events[1]!.id]);
      assert.deepEqual(await ask(at(10), [a.h, b.h], [], 1), [b.events[0]!.id]);
      assert.deepEqual(await ask(at(1), [a.h, b.h]), [b.events[0]!.id], 'a head not yet due stays');
      assert.deepEqual(await ask(at(60), [later.h]), [later.events[0]!.id]);
      assert.deepEqual(await ask(at(10), []), []);
      assert.deepEqual(await ask(at(10), [makeHandover()]), []);
      // Not named, still there for a walk.
      assert.ok((await dueIds(at(10))).includes(c.events[0]!.id));
    });

    test('limit caps the batch; earliest due first', async () => {
      const hs = [await withEvents(1), await withEvents(1), await withEvents(1)];
      await store().events.recordDelivery(hs[0]!.events[0]!.id, {
        kind: 'retry',
        at: at(1),
        nextAttemptAt: at(9),
        error: 'x',
      });
      const batch = await store().events.dueDeliveries(at(20), 2);
      assert.equal(batch.length, 2);
      assert.ok(!batch.some((d) => d.event.id === hs[0]!.events[0]!.id), 'the later-due event came first');
      await assert.rejects(store().events.dueDeliveries(at(20), 0));
    });

    test('dead letter: listed with its error; later events of the handover flow again', async () => {
      const { h, events } = await withEvents(3);
      await store().events.recordDelivery(events[0]!.id, {
        kind: 'retry',
        at: at(1),
        nextAttemptAt: at(2),
        error: 'HTTP 500',
      });
      await store().events.recordDelivery(events[0]!.id, { kind: 'dead', at: at(3), error: 'HTTP 410 gone' });
      assert.deepEqual((await store().events.deadLetters({ limit: 10 })).items, [
        { event: events[0], attempts: 2, lastError: 'HTTP 410 gone', deadAt: at(3) },
      ]);
      assert.deepEqual(await dueIds(at(5)), [events[1]!.id]);
      await store().events.recordDelivery(events[1]!.id, { kind: 'delivered', at: at(5) });

      // Replayed: due now, attempts reset, and again the head of its handover.
      assert.equal(await store().events.replayDeadLetters({ handoverId: h.id }, at(6)), 1);
      assert.deepEqual((await store().events.deadLetters({ limit: 10 })).items, []);
      assert.deepEqual(await store().events.dueDeliveries(at(6), 10), [
        { event: events[0], attempts: 0, nextAttemptAt: at(6) },
      ]);
      await store().events.recordDelivery(events[0]!.id, { kind: 'delivered', at: at(7) });
      assert.deepEqual(await dueIds(at(7)), [events[2]!.id]);
    });

    test('replay by event id touches that event only; nothing to replay: 0', async () => {
      const a = await withEvents(1);
      const b = await withEvents(1);
      for (const { events } of [a, b]) {
        await store().events.recordDelivery(events[0]!.id, { kind: 'dead', at: at(2), error: 'boom' });
      }
      assert.equal(await store().events.replayDeadLetters({ eventId: 'unknown' }, at(3)), 0);
      assert.equal(await store().events.replayDeadLetters({ eventId: a.events[0]!.id }, at(3)), 1);
      assert.deepEqual(
        (await store().events.deadLetters({ limit: 10 })).items.map((d) => d.event.id),
        [b.events[0]!.id],
      );
      assert.deepEqual(await dueIds(at(3)), [a.events[0]!.id]);
      assert.equal(await store().events.replayDeadLetters({ eventId: a.events[0]!.id }, at(3)), 0);
      assert.equal(
        await store().events.replayDeadLetters({ handoverId: a.h.id, eventId: b.events[0]!.id }, at(3)),
        0,
      );
    });

    test('replay with an empty filter puts every dead letter back', async () => {
      const hs = [await withEvents(1), await withEvents(1)];
      for (const { events } of hs) {
        await store().events.recordDelivery(events[0]!.id, { kind: 'dead', at: at(2), error: 'boom' });
      }
      assert.equal(await store().events.replayDeadLetters({}, at(4)), 2);
      assert.deepEqual((await store().events.deadLetters({ limit: 10 })).items, []);
      assert.deepEqual(new Set(await dueIds(at(4))), new Set(hs.map(({ events }) => events[0]!.id)));
    });

    test('deadLetters: oldest death first, limited', async () => {
      const hs = [await withEvents(1), await withEvents(1), await withEvents(1)];
      const deaths = [at(9), at(3), at(6)];
      for (const [i, { events }] of hs.entries()) {
        await store().events.recordDelivery(events[0]!.id, { kind: 'dead', at: deaths[i]!, error: `e${i}` });
      }
      assert.deepEqual(
        (await store().events.deadLetters({ limit: 2 })).items.map((d) => d.lastError),
        ['e1', 'e2'],
      );
    });

    test('deadLetters: filtered by endpoint and paged by a keyset cursor in the store, ties included', async () => {
      // Another endpoint's 25 dead letters die first; one key's 3 must not hide behind them.
      const dieAll = async (endpointId: string, count: number, eventsEach: number, deadAt: string) => {
        for (let i = 0; i < count; i++) {
          const h = makeHandover({ endpointId });
          const events = Array.from({ length: eventsEach }, (_, j) => makeEvent(h, j + 1));
          await store().handovers.create({ handover: { ...h, lastSeq: eventsEach }, webhook: true, events });
          for (const e of events)
            await store().events.recordDelivery(e.id, { kind: 'dead', at: deadAt, error: endpointId });
        }
      };
      await dieAll('ep-other', 25, 1, at(1));
      await dieAll('ep-mine', 1, 2, at(2)); // two of one handover at the same instant: seq decides
      await dieAll('ep-mine', 1, 1, at(2)); // and another handover at that instant: its id decides
      await dieAll('ep-third', 2, 1, at(3));

      const first = await store().events.deadLetters({ limit: 2, endpoints: ['ep-mine'] });
      assert.deepEqual(
        first.items.map((d) => d.event.endpointId),
        ['ep-mine', 'ep-mine'],
      );
      assert.ok(first.nextCursor, 'more to come');
      const second = await store().events.deadLetters({
        limit: 2,
        endpoints: ['ep-mine'],
        cursor: first.nextCursor,
      });
      assert.equal(second.items.length, 1);
      assert.equal(second.nextCursor, undefined, 'the last page has no cursor');
      const mine = [...first.items, ...second.items];
      assert.equal(new Set(mine.map((d) => d.event.id)).size, 3);

      // Every page walked with a small limit is the one big list, in order, nothing twice.
      const whole = (await store().events.deadLetters({ limit: 100 })).items.map((d) => d.event.id);
      assert.equal(whole.length, 30);
      const walked: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 20; pages++) {
        const page = await store().events.deadLetters({ limit: 4, ...(cursor ? { cursor } : {}) });
        walked.push(...page.items.map((d) => d.event.id));
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      assert.deepEqual(walked, whole);
      const deaths = (await store().events.deadLetters({ limit: 100 })).items;
      for (let i = 1; i < deaths.length; i++) {
        const [a, b] = [deaths[i - 1]!, deaths[i]!];
        assert.ok(
          a.deadAt < b.deadAt ||
            (a.deadAt === b.deadAt &&
              (a.event.handoverId < b.event.handoverId ||
                (a.event.handoverId === b.event.handoverId && a.event.seq < b.event.seq))),
          'oldest death first, then handover id, then seq',
        );
      }

      const two = await store().events.deadLetters({ limit: 100, endpoints: ['ep-mine', 'ep-third'] });
      assert.deepEqual(
        two.items.map((d) => d.event.endpointId),
        ['ep-mine', 'ep-mine', 'ep-mine', 'ep-third', 'ep-third'],
      );
      assert.deepEqual((await store().events.deadLetters({ limit: 10, endpoints: [] })).items, []);
      assert.deepEqual((await store().events.deadLetters({ limit: 10, endpoints: ['ep-none'] })).items, []);
    });

    test('deadLetters: a cursor that is not one (garbage, NUL, a lone surrogate) is VALIDATION_FAILED', async () => {
      const forged = (value: unknown): string =>
        Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
      for (const cursor of [
        'not-a-cursor',
        forged(['2026-01-01T12:00:00.000Z', 'x']),
        forged(['2026-01-01T12:00:00.000Z', 'a\u0000b', 1]),
        forged(['\uD800', 'x', 1]),
        forged(['2026-01-01T12:00:00.000Z', 'x', -1]),
      ])
        await assert.rejects(store().events.deadLetters({ limit: 10, cursor }), (err: unknown) => {
          assert.ok(err instanceof GatewayError, String(err));
          assert.equal(err.code, 'VALIDATION_FAILED');
          return true;
        });
    });

    test('a settled delivery ignores late outcomes; an unknown event is refused', async () => {
      const { events } = await withEvents(2);
      await store().events.recordDelivery(events[0]!.id, { kind: 'delivered', at: at(2) });
      await store().events.recordDelivery(events[0]!.id, {
        kind: 'retry',
        at: at(3),
        nextAttemptAt: at(4),
        error: 'late',
      });
      await store().events.recordDelivery(events[0]!.id, { kind: 'dead', at: at(3), error: 'late' });
      assert.deepEqual((await store().events.deadLetters({ limit: 10 })).items, []);
      assert.deepEqual(await dueIds(at(10)), [events[1]!.id]);
      await assert.rejects(store().events.recordDelivery('no-such-event', { kind: 'delivered', at: at(2) }));
    });

    test("the trace context of a change travels with its deliveries, and a message's with its line", async () => {
      const traceParent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      const h = makeHandover();
      const line = makeOutbound(h, 1);
      await store().handovers.create({
        handover: { ...h, lastSeq: 1 },
        webhook: true,
        events: [makeEvent(h, 1)],
        transcript: [{ ...line, traceParent }],
        traceParent,
      });
      const untraced = await withEvents(1);
      const due = await store().events.dueDeliveries(at(5), 10);
      assert.equal(due.find((d) => d.event.handoverId === h.id)?.traceParent, traceParent);
      assert.equal(due.find((d) => d.event.handoverId === untraced.h.id)?.traceParent, undefined);
      assert.equal((await store().transcript.pendingOutbound(h.id))[0]?.traceParent, traceParent);
    });

    test('stats: pending deliveries, the oldest pending event, dead letters', async () => {
      assert.deepEqual(await store().events.outboxStats(), { pending: 0, dead: 0 });
      const a = await withEvents(3);
      const b = await withEvents(1);
      assert.deepEqual(await store().events.outboxStats(), { pending: 4, oldestPendingAt: at(1), dead: 0 });
      // a's first event delivered, b's dead: the oldest pending event is now a's second.
      await store().events.recordDelivery(a.events[0]!.id, { kind: 'delivered', at: at(5) });
      await store().events.recordDelivery(b.events[0]!.id, { kind: 'dead', at: at(5), error: 'HTTP 410' });
      await store().events.recordDelivery(a.events[1]!.id, {
        kind: 'retry',
        at: at(6),
        nextAttemptAt: at(60),
        error: 'HTTP 503',
      });
      assert.deepEqual(await store().events.outboxStats(), { pending: 2, oldestPendingAt: at(2), dead: 1 });
      await store().events.replayDeadLetters({ handoverId: b.h.id }, at(7));
      assert.deepEqual(await store().events.outboxStats(), { pending: 3, oldestPendingAt: at(1), dead: 0 });
    });

    test('timestamps in another ISO form compare by instant, not by text', async () => {
      const { events } = await withEvents(1);
      // 12:30+01:00 is 11:30Z: before the event's due time (12:01Z), though it sorts after it as text.
      assert.deepEqual(await store().events.dueDeliveries('2026-01-01T12:30:00+01:00', 10), []);
      assert.deepEqual(
        (await store().events.dueDeliveries('2026-01-01T13:01:00+01:00', 10)).map((d) => d.event.id),
        [events[0]!.id],
      );
      await assert.rejects(store().events.dueDeliveries('yesterday-ish', 10));
    });
  });
}
