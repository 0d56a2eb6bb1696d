import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { test } from 'node:test';
import { childController, releaseChild } from '../../../src/core/concurrency/stop-fanout.ts';

test('children abort with the parent, with its reason; one listener on the parent for all', () => {
  const parent = new AbortController();
  const children = Array.from({ length: 1_000 }, () => childController(parent.signal));
  assert.equal(getEventListeners(parent.signal, 'abort').length, 1);
  const reason = new Error('stopping');
  parent.abort(reason);
  for (const c of children) {
    assert.equal(c.signal.aborted, true);
    assert.equal(c.signal.reason, reason);
  }
});

test('a released child no longer follows the parent; others still do', () => {
  const parent = new AbortController();
  const kept = childController(parent.signal);
  const released = childController(parent.signal);
  releaseChild(parent.signal, released);
  parent.abort();
  assert.equal(kept.signal.aborted, true);
  assert.equal(released.signal.aborted, false);
});

test('a child of an aborted parent starts aborted; aborting a child leaves the parent alone', () => {
  const stopped = new AbortController();
  stopped.abort(new Error('gone'));
  const late = childController(stopped.signal);
  assert.equal(late.signal.aborted, true);
  assert.equal((late.signal.reason as Error).message, 'gone');

  const parent = new AbortController();
  const child = childController(parent.signal);
  child.abort();
  assert.equal(parent.signal.aborted, false);
  assert.equal(childController(parent.signal).signal.aborted, false);
});

test('releasing the last child takes the listener off the parent; a later child adds it again', () => {
  const parent = new AbortController();
  const a = childController(parent.signal);
  const b = childController(parent.signal);
  releaseChild(parent.signal, a);
  assert.equal(getEventListeners(parent.signal, 'abort').length, 1);
  releaseChild(parent.signal, b);
  releaseChild(parent.signal, b); // twice: no effect
  assert.equal(getEventListeners(parent.signal, 'abort').length, 0);
  const c = childController(parent.signal);
  assert.equal(getEventListeners(parent.signal, 'abort').length, 1);
  parent.abort();
  assert.equal(c.signal.aborted, true);
  assert.equal(a.signal.aborted, false);
});
