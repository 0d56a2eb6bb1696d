// The order of messages held during a catch-up (core/engine/pushed-order.ts): a pushed message after
// the one it follows, from the store or from among the held; a stream message where it was held.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inPushedOrder, type HeldMessage } from '../../../src/core/engine/pushed-order.ts';

const AT = '2026-12-02T10:00:00.000Z';

function message(id: string, pushed = true, follows?: string): HeldMessage {
  return {
    pushed,
    event: {
      type: 'message',
      providerMessageId: id,
      participant: { id: 'agent', role: 'agent' },
      text: id,
      kind: 'text',
      own: false,
      at: AT,
      ...(follows === undefined ? {} : { follows }),
    },
  };
}

/** Deps over a store holding `stored` and a provider placing by `before`; counts the calls. */
function deps(stored: readonly string[], before: Record<string, string>) {
  const placed: string[][] = [];
  return {
    placed,
    place: (ids: readonly string[]) => {
      placed.push([...ids]);
      return Promise.resolve(
        new Map(ids.flatMap((id) => (before[id] === undefined ? [] : [[id, before[id]] as const]))),
      );
    },
    has: (id: string) => Promise.resolve(stored.includes(id)),
  };
}

const ids = (events: readonly { providerMessageId: string }[] | undefined) =>
  events?.map((e) => e.providerMessageId);

test('pushed messages held in the wrong order come out after the ones they follow, placed by one call', async () => {
  const d = deps(['m5'], { m6: 'm5', m7: 'm6', m8: 'm7' });
  const out = await inPushedOrder([message('m8'), message('m7'), message('m6')], d);
  assert.deepEqual(ids(out), ['m6', 'm7', 'm8']);
  assert.deepEqual(d.placed, [['m8', 'm7', 'm6']]);
});

test('a pushed message that follows one neither stored nor held means: read again', async () => {
  const d = deps(['m5'], { m6: 'm5', m7: 'm6' });
  assert.equal(await inPushedOrder([message('m7')], d), undefined);
});

test('a pushed message already stored is left out; what follows it goes on', async () => {
  const d = deps(['m5', 'm6'], { m7: 'm6' });
  const out = await inPushedOrder([message('m6'), message('m7')], d);
  assert.deepEqual(ids(out), ['m7']);
  assert.deepEqual(d.placed, [['m7']], 'the stored one is not placed');
});

test('a carried `follows` is used as is; nothing placed; unplaced ones keep their place', async () => {
  const d = deps(['m1'], {});
  const out = await inPushedOrder([message('m3', true, 'm2'), message('m2', true, 'm1')], d);
  assert.deepEqual(ids(out), ['m2', 'm3']);
  assert.deepEqual(d.placed, []);
  const unplaced = await inPushedOrder([message('x2'), message('x1')], deps([], {}));
  assert.deepEqual(ids(unplaced), ['x2', 'x1'], 'the provider could not place them: as held');
});

test('stream messages are in provider order already: kept as held, never placed; no provider, no placing', async () => {
  const d = deps([], {});
  const out = await inPushedOrder([message('s1', false), message('s2', false)], d);
  assert.deepEqual(ids(out), ['s1', 's2']);
  assert.deepEqual(d.placed, []);
  const noPlace = await inPushedOrder([message('p2'), message('p1')], { ...d, place: undefined });
  assert.deepEqual(ids(noPlace), ['p2', 'p1']);
});

test('a failing placing rejects (the caller holds the messages and reads again)', async () => {
  await assert.rejects(
    inPushedOrder([message('m1')], {
      place: () => Promise.reject(new Error('read failed')),
      has: () => Promise.resolve(false),
    }),
    /read failed/,
  );
});
