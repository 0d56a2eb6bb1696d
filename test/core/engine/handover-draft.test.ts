// A draft changes its own copy of the send queue, never the base it was made from (the cached live
// state other units still read), and builds nothing when it changed nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HandoverDraft, type LiveState } from '../../../src/core/engine/handover-draft.ts';
import type { TranscriptEntry } from '../../../src/core/model/transcript.ts';
import { makeHandover } from '../../support/fixtures.ts';

const NOW = '2026-12-01T10:00:00.000Z';

function line(id: string, order: number): TranscriptEntry {
  return {
    id,
    handoverId: 'h1',
    role: 'customer',
    text: `text ${id}`,
    at: NOW,
    outbound: { status: 'pending', order, kind: 'message' },
  };
}

function base(): LiveState {
  return {
    record: { handover: makeHandover('h1', 'ep', 0, 3) },
    pending: Object.freeze([line('a', 1), line('b', 2)]),
    lastOrder: 2,
  };
}

function draftOf(state: LiveState): HandoverDraft {
  let n = 0;
  return new HandoverDraft(state, { now: NOW, ids: { next: () => `id-${++n}` } });
}

test('a draft that changes nothing builds nothing, and holds the base queue as it is', () => {
  const state = base();
  const draft = draftOf(state);
  assert.equal(draft.pending, state.pending);
  assert.deepEqual(draft.appendOutbound([], 'message'), []);
  assert.equal(draft.markSent('unknown', 'p-1'), false);
  assert.equal(draft.confirmed('a'), false);
  assert.equal(draft.build(true), undefined);
});

test('sending, marking and appending change the draft queue; the base queue stays as it was', () => {
  const state = base();
  const draft = draftOf(state);
  assert.equal(draft.markSent('a', 'p-1'), true);
  assert.equal(draft.confirmed('a'), true);
  draft.markAttempt('b');
  const [added] = draft.appendOutbound(['c'], 'message');
  // The base (frozen here: a change in place would throw) is untouched.
  assert.deepEqual(
    state.pending.map((l) => [l.id, l.outbound?.attemptedAt]),
    [
      ['a', undefined],
      ['b', undefined],
    ],
  );
  assert.deepEqual(
    draft.pending.map((l) => [l.id, l.outbound?.attemptedAt]),
    [
      ['b', NOW],
      [added!.id, undefined],
    ],
  );
  const built = draft.build(true);
  assert.ok(built);
  assert.deepEqual(built.change.sent, [{ entryId: 'a', providerMessageId: 'p-1' }]);
  assert.deepEqual(built.change.attempted, [{ entryId: 'b', at: NOW }]);
  assert.deepEqual(
    built.change.transcript?.map((l) => l.text),
    ['c'],
  );
  assert.equal(built.next.pending, draft.pending);
  assert.equal(built.next.lastOrder, 3);
  assert.equal(built.appendedOutbound, 1);
});
