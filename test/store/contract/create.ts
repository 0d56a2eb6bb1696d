// createHandover and getHandover: atomic creation, one unended handover per (endpoint, user, session).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Store } from '../../../src/core/ports/store/index.ts';
import {
  at,
  makeEvent,
  makeHandover,
  makeLine,
  makeOutbound,
  makeProviderRef,
  nextVersion,
} from '../fixtures.ts';
import { useStore } from './use-store.ts';

export function createContract(makeStore: () => Promise<Store>): void {
  void describe('createHandover / getHandover', () => {
    const store = useStore(makeStore);

    test('migrate is idempotent on a migrated store', async () => {
      await store().migrate();
      await store().migrate();
      assert.equal((await store().handovers.listUnended()).length, 0);
    });

    test('stores the handover, its events and transcript; round-trips every optional field', async () => {
      const h = makeHandover({
        startedBy: 'bot-key ✓',
        customer: {
          userId: 'u1',
          sessionId: 's1',
          displayName: 'Ada Lovelace',
          firstName: 'Ada',
          lastName: 'Lovelace',
          email: 'ada@example.test',
          phoneNumber: '+441234',
        },
        settings: {
          queue: 'Billing',
          language: 'en-GB',
          skills: ['billing', 'vip'],
          priority: 5,
          customAttributes: { plan: 'gold', note: 'ünïcödé ✓' },
        },
      });
      const ref = makeProviderRef();
      const event = makeEvent(h, 1);
      const line = makeLine(h, { role: 'bot', text: 'Hi, how can I help?', senderName: 'Bot' });
      const result = await store().handovers.create({
        handover: { ...h, lastSeq: 1 },
        provider: { ref },
        events: [event],
        webhook: true,
        transcript: [line],
      });
      assert.equal(result.created, true);
      assert.deepEqual(result.record, { handover: { ...h, lastSeq: 1 }, provider: { ref } });
      assert.deepEqual(await store().handovers.get(h.id), {
        handover: { ...h, lastSeq: 1 },
        provider: { ref },
      });
      assert.deepEqual(await store().events.get(event.id), event);
      assert.deepEqual(await store().transcript.all(h.id), [line]);
    });

    test('round-trips agent, failure, end reason, pending agent, closing and endedAt', async () => {
      const h = makeHandover({
        state: 'active',
        agent: { id: 'a1', displayName: 'Grace', avatarUrl: 'https://x/a.png' },
      });
      await store().handovers.create({ handover: h, webhook: false });
      const ended = nextVersion(h, {
        state: 'ended',
        endReason: 'agent_ended',
        failure: { code: 'chat.x', message: 'gone' },
        pendingAgentId: 'a2',
        agentEverJoined: true,
        closing: { reason: 'customer_ended', message: 'bye', requestedAt: at(4) },
        endedAt: at(5),
        updatedAt: at(5),
        lastSeq: 3,
      });
      await store().handovers.commit({ handover: ended, expectedVersion: h.version, webhook: false });
      assert.deepEqual(await store().handovers.get(h.id), { handover: ended });
    });

    test('a handover without a provider link comes back without the key', async () => {
      const h = makeHandover();
      const { record } = await store().handovers.create({ handover: h, webhook: false });
      assert.deepEqual(record, { handover: h });
      assert.equal('provider' in record, false);
    });

    test('unknown id: undefined', async () => {
      assert.equal(await store().handovers.get('nope'), undefined);
    });

    test('a second start for the same (endpoint, user, session) returns the unended one and writes nothing', async () => {
      const first = makeHandover();
      const ref = makeProviderRef();
      await store().handovers.create({
        handover: first,
        provider: { ref },
        webhook: true,
        events: [makeEvent(first, 1)],
      });
      const second = makeHandover({ customer: first.customer });
      const secondEvent = makeEvent(second, 1);
      const result = await store().handovers.create({
        handover: second,
        webhook: true,
        events: [secondEvent],
        transcript: [makeLine(second)],
      });
      assert.equal(result.created, false);
      assert.deepEqual(result.record, { handover: first, provider: { ref } });
      assert.equal(await store().handovers.get(second.id), undefined);
      assert.equal(await store().events.get(secondEvent.id), undefined);
      assert.deepEqual(await store().transcript.all(second.id), []);
      assert.equal((await store().events.dueDeliveries(at(100), 10)).length, 1);
    });

    test('other endpoint, user or session: a new handover', async () => {
      const first = makeHandover();
      await store().handovers.create({ handover: first, webhook: false });
      const variants = [
        makeHandover({ endpointId: 'ep-other', customer: first.customer }),
        makeHandover({ customer: { ...first.customer, userId: 'someone-else' } }),
        makeHandover({ customer: { ...first.customer, sessionId: 'another-session' } }),
      ];
      for (const h of variants)
        assert.equal((await store().handovers.create({ handover: h, webhook: false })).created, true);
    });

    for (const terminal of ['ended', 'failed'] as const) {
      test(`once the first is ${terminal}, the same customer can start again`, async () => {
        const first = makeHandover();
        await store().handovers.create({ handover: first, webhook: false });
        await store().handovers.commit({
          handover: nextVersion(first, { state: terminal }),
          expectedVersion: 1,
          webhook: false,
        });
        const again = makeHandover({ customer: first.customer });
        const result = await store().handovers.create({ handover: again, webhook: false });
        assert.equal(result.created, true);
        assert.equal(result.record.handover.id, again.id);
      });
    }

    test('concurrent starts for one customer: exactly one is created, all see it', async () => {
      const customer = makeHandover().customer;
      const attempts = Array.from({ length: 12 }, () => makeHandover({ customer }));
      const results = await Promise.all(
        attempts.map((h) =>
          store().handovers.create({ handover: h, webhook: true, events: [makeEvent(h, 1)] }),
        ),
      );
      const created = results.filter((r) => r.created);
      assert.equal(created.length, 1);
      const winner = created[0]!.record.handover.id;
      for (const r of results) assert.equal(r.record.handover.id, winner);
      assert.equal((await store().handovers.listUnended()).length, 1);
      const due = await store().events.dueDeliveries(at(100), 100);
      assert.deepEqual(
        due.map((d) => d.event.handoverId),
        [winner],
      );
    });

    test('a create whose outbound lines clash writes nothing at all', async () => {
      const h = makeHandover();
      await assert.rejects(
        store().handovers.create({
          handover: h,
          webhook: true,
          transcript: [makeOutbound(h, 1), makeOutbound(h, 1)],
        }),
      );
      assert.equal(await store().handovers.get(h.id), undefined);
      assert.deepEqual(await store().transcript.all(h.id), []);
    });

    test('events or lines of another handover are refused', async () => {
      const h = makeHandover();
      const other = makeHandover();
      await assert.rejects(
        store().handovers.create({ handover: h, webhook: false, events: [makeEvent(other, 1)] }),
      );
      await assert.rejects(
        store().handovers.create({ handover: h, webhook: false, transcript: [makeLine(other)] }),
      );
      assert.equal(await store().handovers.get(h.id), undefined);
    });
  });
}
