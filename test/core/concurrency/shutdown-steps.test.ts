// The parts of a graceful stop still running, by name (what an overrunning stop reports).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShutdownSteps } from '../../../src/core/concurrency/shutdown-steps.ts';

test('names each part while it runs, in start order; a part that failed is no longer pending', async () => {
  const steps = new ShutdownSteps();
  let finishEngine!: () => void;
  const engine = steps.run('engine', () => new Promise<void>((r) => (finishEngine = r)));
  const store = steps.run('store', () => Promise.reject(new Error('disk gone')));
  assert.deepEqual(steps.pending(), ['engine', 'store']);
  await assert.rejects(store, /disk gone/);
  assert.deepEqual(steps.pending(), ['engine']);
  finishEngine();
  await engine;
  assert.deepEqual(steps.pending(), []);
  assert.equal(await steps.run('sync part', () => 7), 7);
  assert.deepEqual(steps.pending(), []);
});
