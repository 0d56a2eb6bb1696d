import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InProcessNotifier } from '../../src/delivery/in-process-notifier.ts';

test('the notifier wakes subscribers of one handover only, and unsubscribe removes exactly one', () => {
  const bus = new InProcessNotifier();
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
  const bus = new InProcessNotifier();
  let woke = false;
  bus.subscribe('h', () => {
    throw new Error('bug');
  });
  bus.subscribe('h', () => (woke = true));
  assert.doesNotThrow(() => bus.publish('h'));
  assert.ok(woke);
});
