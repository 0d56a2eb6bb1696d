import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HandoverEvent } from '../../../src/core/model/events.ts';
import { EventFeed } from '../../../src/core/services/event-feed.ts';
import { InProcessNotifier } from '../../../src/delivery/in-process-notifier.ts';
import { makeEvent } from '../../support/fixtures.ts';

test('Last-Event-ID resolves by event id, by numeric seq, and unknown or foreign ids restart at 0', async () => {
  const e5 = makeEvent({ seq: 5, handoverId: 'h-1' });
  const end = makeEvent({ seq: 6, handoverId: 'h-1', type: 'handover.ended' });
  const foreign = makeEvent({ seq: 9, handoverId: 'h-2' });
  const byId = new Map<string, HandoverEvent>([e5, end, foreign].map((e) => [e.id, e]));
  const feed = new EventFeed({
    events: { get: (id) => Promise.resolve(byId.get(id)), after: () => Promise.resolve([]) },
    notifier: new InProcessNotifier(),
    isFinished: () => Promise.resolve(false),
  });
  assert.deepEqual(await feed.resumePoint('h-1', e5.id), { afterSeq: 5, hadTerminal: false });
  assert.deepEqual(await feed.resumePoint('h-1', end.id), { afterSeq: 6, hadTerminal: true });
  assert.deepEqual(await feed.resumePoint('h-1', '4'), { afterSeq: 4, hadTerminal: false });
  assert.deepEqual(await feed.resumePoint('h-1', 'nope'), { afterSeq: 0, hadTerminal: false });
  assert.deepEqual(await feed.resumePoint('h-1', foreign.id), { afterSeq: 0, hadTerminal: false });
  assert.deepEqual(await feed.resumePoint('h-1', undefined), { afterSeq: 0, hadTerminal: false });
  assert.deepEqual(await feed.resumePoint('h-1', ''), { afterSeq: 0, hadTerminal: false });
});
