// transcript, dedupe by provider message id, outbound lines and their confirmation.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DuplicateProviderMessageError, type Store } from '../../../src/core/ports/store/index.ts';
import { at, makeEvent, makeHandover, makeLine, makeOutbound, nextVersion } from '../fixtures.ts';
import { useStore } from './use-store.ts';

export function transcriptContract(makeStore: () => Promise<Store>): void {
  void describe('transcript', () => {
    const store = useStore(makeStore);

    test('chronological; lines with the same time keep the order they were written in', async () => {
      const h = makeHandover();
      const lines = [
        makeLine(h, { text: 'b1', at: at(2), id: 'z' }),
        makeLine(h, { text: 'b2', at: at(2), id: 'a' }),
        makeLine(h, { text: 'b3', at: at(2), id: 'm' }),
      ];
      await store().handovers.create({ handover: h, webhook: false, transcript: lines });
      const early = makeLine(h, { text: 'early (bot transcript replayed)', at: at(1) });
      const late = makeLine(h, { text: 'late', at: at(3) });
      await store().handovers.commit({
        handover: nextVersion(h),
        expectedVersion: 1,
        webhook: false,
        transcript: [late, early],
      });
      assert.deepEqual(
        (await store().transcript.all(h.id)).map((l) => l.text),
        ['early (bot transcript replayed)', 'b1', 'b2', 'b3', 'late'],
      );
    });

    test('a provider message is stored once: a change carrying it again fails whole, and stores nothing', async () => {
      const h = makeHandover();
      const original = makeLine(h, { providerMessageId: 'pm-1', text: 'first copy' });
      await store().handovers.create({ handover: h, webhook: false, transcript: [original] });
      const v2 = nextVersion(h);
      const replay = {
        handover: v2,
        expectedVersion: 1,
        webhook: true,
        events: [makeEvent(h, 2)],
        transcript: [
          makeLine(h, { providerMessageId: 'pm-2', text: 'new' }),
          makeLine(h, { providerMessageId: 'pm-1', text: 'replayed' }),
        ],
      };
      await assert.rejects(store().handovers.commit(replay), (err: unknown) => {
        assert.ok(err instanceof DuplicateProviderMessageError, String(err));
        assert.equal(err.handoverId, h.id);
        assert.equal(err.providerMessageId, 'pm-1');
        return true;
      });
      // Within one change too.
      await assert.rejects(
        store().handovers.commit({
          ...replay,
          transcript: [
            makeLine(h, { providerMessageId: 'pm-2', text: 'new' }),
            makeLine(h, { providerMessageId: 'pm-2', text: 'new again' }),
          ],
        }),
        DuplicateProviderMessageError,
      );
      // Nothing of either was written: not the version, the event, its outbox row or the new line.
      assert.equal((await store().handovers.get(h.id))?.handover.version, 1);
      assert.deepEqual(await store().events.after(h.id, 0, 10), []);
      assert.deepEqual(await store().events.dueDeliveries(at(9), 10), []);
      assert.deepEqual(
        (await store().transcript.all(h.id)).map((l) => l.text),
        ['first copy'],
      );
      assert.equal(await store().transcript.hasProviderMessage(h.id, 'pm-1'), true);
      assert.equal(await store().transcript.hasProviderMessage(h.id, 'pm-2'), false);
      // The same change without the duplicate goes through.
      await store().handovers.commit({
        ...replay,
        transcript: [makeLine(h, { providerMessageId: 'pm-2', text: 'new' })],
      });
      assert.deepEqual(
        (await store().transcript.all(h.id)).map((l) => l.text),
        ['first copy', 'new'],
      );
    });

    test('a send confirmed with a provider message id another line carries fails whole', async () => {
      const h = makeHandover();
      const inbound = makeLine(h, { providerMessageId: 'pm-agent' });
      const [a, b] = [makeOutbound(h, 1, { text: 'same' }), makeOutbound(h, 2, { text: 'same' })];
      await store().handovers.create({ handover: h, webhook: false, transcript: [inbound, a, b] });
      await store().handovers.commit({
        handover: nextVersion(h),
        expectedVersion: 1,
        webhook: false,
        sent: [{ entryId: a.id, providerMessageId: 'pm-a' }],
      });
      // An echo of `a` taken for `b` (same text, `a` confirmed by its answer first), or an agent's id.
      for (const providerMessageId of ['pm-a', 'pm-agent'])
        await assert.rejects(
          store().handovers.commit({
            handover: nextVersion(nextVersion(h)),
            expectedVersion: 2,
            webhook: false,
            sent: [{ entryId: b.id, providerMessageId }],
          }),
          DuplicateProviderMessageError,
        );
      assert.deepEqual(
        (await store().transcript.pendingOutbound(h.id)).map((l) => l.id),
        [b.id],
      );
      // A late confirmation of the settled line with its own id changes nothing and fails nothing.
      await store().handovers.commit({
        handover: nextVersion(nextVersion(h)),
        expectedVersion: 2,
        webhook: false,
        sent: [{ entryId: a.id, providerMessageId: 'pm-a' }],
      });
    });

    test('outbound lines are found by the Idempotency-Key of the request that created them', async () => {
      const h = makeHandover();
      const other = makeHandover();
      await store().handovers.create({ handover: h, webhook: false });
      await store().handovers.create({ handover: other, webhook: false });
      await store().handovers.commit({
        handover: nextVersion(h),
        expectedVersion: 1,
        webhook: false,
        transcript: [
          makeOutbound(h, 2, { clientMessageId: 'key-1', text: 'second part' }),
          makeOutbound(h, 1, { clientMessageId: 'key-1', text: 'first part' }),
          makeOutbound(h, 3, { clientMessageId: 'key-2' }),
        ],
      });
      const found = await store().transcript.outboundByClientMessageId(h.id, 'key-1');
      assert.deepEqual(
        found.map((l) => [l.text, l.clientMessageId]),
        [
          ['first part', 'key-1'],
          ['second part', 'key-1'],
        ],
      );
      assert.deepEqual(await store().transcript.outboundByClientMessageId(other.id, 'key-1'), []);
      assert.equal(await store().transcript.maxOutboundOrder(h.id), 3);
      assert.equal(await store().transcript.maxOutboundOrder(other.id), 0);
      assert.deepEqual(await store().transcript.outboundByClientMessageId(h.id, 'unknown'), []);
    });

    test('speakerTimes: the role and time of each customer and agent line of the handover, nothing else', async () => {
      const h = makeHandover();
      const other = makeHandover();
      await store().handovers.create({
        handover: h,
        webhook: false,
        transcript: [
          makeLine(h, { role: 'bot', at: at(1) }),
          makeLine(h, { role: 'customer', at: at(4) }),
          makeLine(h, { role: 'agent', at: at(2), text: 'never read' }),
          makeLine(h, { role: 'system', at: at(5) }),
        ],
      });
      await store().handovers.create({
        handover: other,
        webhook: false,
        transcript: [makeLine(other, { role: 'customer', at: at(6) })],
      });
      await store().handovers.commit({
        handover: nextVersion(h),
        expectedVersion: 1,
        webhook: false,
        transcript: [makeOutbound(h, 1, { at: at(3) })],
      });
      const byTime = (a: { at: string }, b: { at: string }): number => a.at.localeCompare(b.at);
      assert.deepEqual((await store().transcript.speakerTimes(h.id)).sort(byTime), [
        { role: 'agent', at: at(2) },
        { role: 'customer', at: at(3) },
        { role: 'customer', at: at(4) },
      ]);
      assert.deepEqual(await store().transcript.speakerTimes(makeHandover().id), []);
    });

    test('lines without a provider message id are never merged; ids are per handover', async () => {
      const h = makeHandover();
      const other = makeHandover();
      await store().handovers.create({
        handover: h,
        webhook: false,
        transcript: [makeLine(h, { text: 'same' }), makeLine(h, { text: 'same' })],
      });
      await store().handovers.create({
        handover: other,
        webhook: false,
        transcript: [makeLine(other, { providerMessageId: 'pm-1' })],
      });
      assert.equal((await store().transcript.all(h.id)).length, 2);
      assert.equal(await store().transcript.hasProviderMessage(h.id, 'pm-1'), false);
      assert.equal(await store().transcript.hasProviderMessage(other.id, 'pm-1'), true);
    });

    test('pendingOutbound in send order; a confirmed line leaves it, marked sent with its id', async () => {
      const h = makeHandover();
      const parts = [
        makeOutbound(h, 3, { at: at(1) }),
        makeOutbound(h, 1, { at: at(3) }),
        makeOutbound(h, 2, { at: at(2) }),
      ];
      const inbound = makeLine(h, { providerMessageId: 'pm-agent' });
      await store().handovers.create({ handover: h, webhook: false, transcript: [...parts, inbound] });
      assert.deepEqual(
        (await store().transcript.pendingOutbound(h.id)).map((l) => l.outbound?.order),
        [1, 2, 3],
      );
      const first = parts[1]!;
      await store().handovers.commit({
        handover: nextVersion(h),
        expectedVersion: 1,
        webhook: false,
        sent: [{ entryId: first.id, providerMessageId: 'pm-sent-1' }],
      });
      assert.deepEqual(
        (await store().transcript.pendingOutbound(h.id)).map((l) => l.outbound?.order),
        [2, 3],
      );
      const stored = (await store().transcript.all(h.id)).find((l) => l.id === first.id);
      assert.deepEqual(stored, {
        ...first,
        providerMessageId: 'pm-sent-1',
        outbound: { status: 'sent', order: 1, kind: 'message' },
      });
      // The provider echoes our own message back: recognised as already stored.
      assert.equal(await store().transcript.hasProviderMessage(h.id, 'pm-sent-1'), true);
    });

    test('a line is settled once: a later sent or undelivered mark leaves it as it is', async () => {
      const h = makeHandover();
      const [a, b] = [makeOutbound(h, 1), makeOutbound(h, 2)];
      await store().handovers.create({ handover: h, webhook: false, transcript: [a, b] });
      await store().handovers.commit({
        handover: nextVersion(h),
        expectedVersion: 1,
        webhook: false,
        sent: [{ entryId: a.id, providerMessageId: 'pm-a' }],
        undelivered: [b.id],
      });
      // A late confirmation of the undelivered line and a second one of the sent line change nothing.
      await store().handovers.commit({
        handover: nextVersion(nextVersion(h)),
        expectedVersion: 2,
        webhook: false,
        sent: [
          { entryId: a.id, providerMessageId: 'pm-other' },
          { entryId: b.id, providerMessageId: 'pm-late' },
        ],
        undelivered: [a.id],
      });
      const lines = await store().transcript.all(h.id);
      assert.deepEqual(
        lines.map((l) => [l.id, l.outbound?.status, l.providerMessageId]),
        [
          [a.id, 'sent', 'pm-a'],
          [b.id, 'undelivered', undefined],
        ],
      );
      assert.deepEqual(await store().transcript.pendingOutbound(h.id), []);
      assert.equal(await store().transcript.hasProviderMessage(h.id, 'pm-late'), false);
    });

    test('an inbound (non-outbound) line cannot be confirmed as sent', async () => {
      const h = makeHandover();
      const inbound = makeLine(h);
      await store().handovers.create({ handover: h, webhook: false, transcript: [inbound] });
      await assert.rejects(
        store().handovers.commit({
          handover: nextVersion(h),
          expectedVersion: 1,
          webhook: false,
          sent: [{ entryId: inbound.id, providerMessageId: 'x' }],
        }),
      );
      assert.equal((await store().handovers.get(h.id))?.handover.version, 1);
    });

    test('unknown handover: empty transcript, nothing pending', async () => {
      assert.deepEqual(await store().transcript.all('nope'), []);
      assert.deepEqual(await store().transcript.pendingOutbound('nope'), []);
      assert.equal(await store().transcript.hasProviderMessage('nope', 'pm'), false);
    });
  });
}
