// The benchmark's arrival counter: `reached` lets a sender wait until enough messages are at the far
// side (the Open Messaging part's window), and `release` frees every waiter of a run that timed out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Arrivals } from '../../bench/arrivals.ts';

const settled = async (p: Promise<void>): Promise<boolean> => {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

test('reached resolves once that many distinct messages of the run arrived', async () => {
  const a = new Arrivals('run:');
  assert.equal(await settled(a.reached(0)), true);
  const two = a.reached(2);
  a.arrived('run:1');
  a.arrived('run:1');
  a.arrived('other:1');
  assert.equal(await settled(two), false);
  a.arrived('run:2');
  assert.equal(await settled(two), true);
  assert.equal(a.duplicates, 1);
});

test('release frees every waiter, and later ones at once', async () => {
  const a = new Arrivals('run:');
  const waiting = a.reached(5);
  assert.equal(await settled(waiting), false);
  a.release();
  assert.equal(await settled(waiting), true);
  assert.equal(await settled(a.reached(100)), true);
});
