import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventBus } from '../../src/delivery/sse/event-bus.ts';
import { formatSseComment, formatSseEvent, formatSseRetry } from '../../src/delivery/sse/format.ts';
import { resolveResumePoint } from '../../src/delivery/sse/resume.ts';
import type { HandoverEvent } from '../../src/core/model/events.ts';
import { makeEvent } from './support/fixtures.ts';

test('an event is framed as id, event and one data line of JSON, ended by a blank line', () => {
  const event = makeEvent({ seq: 2, text: 'two\nlines' });
  const frame = formatSseEvent(event);
  assert.equal(frame, `id: ${event.id}\nevent: handover.agent_message\ndata: ${JSON.stringify(event)}\n\n`);
  assert.equal(frame.split('\n').length, 5); // the newline inside the text stays escaped
  assert.equal(formatSseComment('keep\nalive'), ': keep alive\n\n');
  assert.equal(formatSseRetry(2500.7), 'retry: 2500\n\n');
});

test('the bus wakes subscribers of one handover only, and unsubscribe removes exactly one', () => {
  const bus = new EventBus();
  const calls: string[] = [];
  const listener = (): void => void calls.push('a');
  const offA1 = bus.subscribe('h-a', listener);
  const offA2 = bus.subscribe('h-a', listener);
  const offB = bus.subscribe('h-b', () => calls.push('b'));
  bus.publish('h-a');
  assert.deepEqual(calls, ['a', 'a']);
  offA1();
  offA1(); // idempotent
  bus.publish('h-a');
  assert.deepEqual(calls, ['a', 'a', 'a']);
  assert.equal(bus.listenerCount('h-a'), 1);
  offA2();
  offB();
  assert.equal(bus.listenerCount(), 0);
  bus.publish('h-a');
  assert.equal(calls.length, 3);
});

test('a throwing subscriber does not stop the others or the publisher', () => {
  const bus = new EventBus();
  let woke = false;
  bus.subscribe('h', () => {
    throw new Error('bug');
  });
  bus.subscribe('h', () => (woke = true));
  assert.doesNotThrow(() => bus.publish('h'));
  assert.ok(woke);
});

test('Last-Event-ID resolves by event id, by numeric seq, and unknown or foreign ids restart at 0', async () => {
  const e5 = makeEvent({ seq: 5, handoverId: 'h-1' });
  const end = makeEvent({ seq: 6, handoverId: 'h-1', type: 'handover.ended' });
  const foreign = makeEvent({ seq: 9, handoverId: 'h-2' });
  const byId = new Map<string, HandoverEvent>([e5, end, foreign].map((e) => [e.id, e]));
  const store = { getEvent: (id: string) => Promise.resolve(byId.get(id)) };
  assert.deepEqual(await resolveResumePoint(store, 'h-1', e5.id), { afterSeq: 5, hadTerminal: false });
  assert.deepEqual(await resolveResumePoint(store, 'h-1', end.id), { afterSeq: 6, hadTerminal: true });
  assert.deepEqual(await resolveResumePoint(store, 'h-1', '4'), { afterSeq: 4, hadTerminal: false });
  assert.deepEqual(await resolveResumePoint(store, 'h-1', 'nope'), { afterSeq: 0, hadTerminal: false });
  assert.deepEqual(await resolveResumePoint(store, 'h-1', foreign.id), { afterSeq: 0, hadTerminal: false });
  assert.deepEqual(await resolveResumePoint(store, 'h-1', undefined), { afterSeq: 0, hadTerminal: false });
  assert.deepEqual(await resolveResumePoint(store, 'h-1', ''), { afterSeq: 0, hadTerminal: false });
});
