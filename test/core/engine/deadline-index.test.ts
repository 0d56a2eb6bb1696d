import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DeadlineIndex, type Filed } from '../../../src/core/engine/deadline-index.ts';

const item = (name: string): Filed & { name: string } => ({ name, slot: undefined });

describe('deadline index', () => {
  test('items come out at the first slot at or after their due time, never early, in slot order', () => {
    const index = new DeadlineIndex<ReturnType<typeof item>>(100);
    const a = item('a');
    const b = item('b');
    const c = item('c');
    index.file(b, 250);
    index.file(a, 100);
    index.file(c, 301);
    assert.equal(index.size, 3);
    assert.deepEqual(index.takeDue(99), []);
    assert.deepEqual(
      index.takeDue(299).map((i) => i.name),
      ['a'],
    );
    assert.deepEqual(
      index.takeDue(300).map((i) => i.name),
      ['b'],
    );
    assert.deepEqual(
      index.takeDue(10_000).map((i) => i.name),
      ['c'],
    );
    assert.equal(index.size, 0);
    assert.equal(c.slot, undefined);
  });

  test('moving and removing; an item filed in the past comes out at the next take', () => {
    const index = new DeadlineIndex<ReturnType<typeof item>>(10);
    const a = item('a');
    const b = item('b');
    index.file(a, 50);
    index.file(b, 50);
    index.file(a, 500);
    index.remove(b);
    index.remove(b);
    assert.equal(index.size, 1);
    assert.deepEqual(index.takeDue(100), []);
    index.file(b, 0);
    assert.deepEqual(
      index.takeDue(100).map((i) => i.name),
      [],
      'the slot of time 100 was taken already: b waits for the next',
    );
    assert.deepEqual(
      index.takeDue(110).map((i) => i.name),
      ['b'],
    );
    assert.deepEqual(
      index.takeDue(499).map((i) => i.name),
      [],
    );
    assert.deepEqual(
      index.takeDue(500).map((i) => i.name),
      ['a'],
    );
  });

  test('a long pause between takes visits the filed slots only', () => {
    const index = new DeadlineIndex<ReturnType<typeof item>>(1);
    index.takeDue(0);
    const a = item('a');
    index.file(a, 5);
    assert.deepEqual(
      index.takeDue(1e12).map((i) => i.name),
      ['a'],
    );
  });
});
