// Every string a handover carries — customer names and ids, custom attributes, skills, transcript
// texts, event payloads, provider ids and cursors, list filters — round-trips exactly through the
// store, for the whole nasty-strings corpus. Unsafe strings (NUL, lone surrogates) go through the
// edges' rule first (`toSafeText`): what is stored is what the bot later reads.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Store } from '../../../src/core/ports/store/index.ts';
import { toSafeText } from '../../../src/core/text/safe-text.ts';
import { SAFE_STRINGS, UNSAFE_STRINGS } from '../../support/nasty-strings.ts';
import { at, makeEvent, makeHandover, makeLine, makeProviderRef, nextVersion } from '../fixtures.ts';
import { useStore } from './use-store.ts';

const corpus: [string, string][] = [
  ...Object.entries(SAFE_STRINGS),
  ...Object.entries(UNSAFE_STRINGS).map(([name, s]): [string, string] => [
    `${name} (made safe)`,
    toSafeText(s),
  ]),
];

export function nastyStringsContract(makeStore: () => Promise<Store>): void {
  void describe('nasty strings', () => {
    const store = useStore(makeStore);

    for (const [name, s] of corpus) {
      test(`${name}: stored and read back exactly in every field`, async () => {
        const short = s.slice(0, 200);
        const h = makeHandover({
          endpointId: `ep-${short.slice(0, 40)}`,
          customer: {
            userId: `u-${short}`,
            sessionId: `s-${short}`,
            displayName: short,
            firstName: short,
            email: `${short}@example.test`,
            phoneNumber: short,
          },
          settings: {
            queue: short,
            language: short,
            skills: [short, 'plain'],
            customAttributes: { [short]: s, plain: s },
          },
        });
        const ref = makeProviderRef();
        const line = makeLine(h, { text: s, providerMessageId: `pm-${short}`, senderName: short });
        const event = makeEvent(h, 1, {
          pending: {
            type: 'handover.agent_message',
            data: { messageId: `pm-${short}`, text: s, agent: { id: short, displayName: short } },
          },
        });
        await store().handovers.create({
          handover: { ...h, lastSeq: 1 },
          webhook: true,
          provider: { ref: { ...ref, data: { ...ref.data, name: s } } },
          events: [event],
          transcript: [line],
        });
        const v2 = nextVersion({ ...h, lastSeq: 1 }, { state: 'queued', updatedAt: at(2) });
        await store().handovers.commit({
          handover: v2,
          expectedVersion: 1,
          webhook: false,
          provider: { cursor: `pm-${short}` },
        });

        const got = await store().handovers.get(h.id);
        assert.ok(got);
        assert.deepEqual(got.handover, v2);
        assert.deepEqual(got.provider, {
          ref: { ...ref, data: { ...ref.data, name: s } },
          cursor: `pm-${short}`,
        });
        assert.deepEqual(await store().transcript.all(h.id), [line]);
        assert.equal(await store().transcript.hasProviderMessage(h.id, `pm-${short}`), true);
        assert.deepEqual(await store().events.after(h.id, 0, 10), [event]);
        assert.deepEqual(await store().events.get(event.id), event);
        const due = await store().events.dueDeliveries(at(100), 10);
        assert.deepEqual(
          due.map((d) => d.event),
          [event],
        );
        const listed = await store().handovers.list({ limit: 10, endpointIds: [h.endpointId] });
        assert.deepEqual(
          listed.items.map((i) => i.id),
          [h.id],
        );
      });
    }
  });
}
