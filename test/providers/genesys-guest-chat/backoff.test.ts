import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  backoffCeiling,
  DEFAULT_BACKOFF,
  fullJitterDelay,
} from '../../../src/providers/genesys-guest-chat/index.ts';

test('the ceiling grows exponentially from initialDelayMs and is capped at maxDelayMs', () => {
  const o = { initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2 };
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 50].map((a) => backoffCeiling(a, o)),
    [100, 200, 400, 800, 1000, 1000, 1000],
  );
  assert.equal(backoffCeiling(1), DEFAULT_BACKOFF.initialDelayMs);
  assert.equal(backoffCeiling(1000), DEFAULT_BACKOFF.maxDelayMs);
  assert.equal(backoffCeiling(0, o), 100, 'attempt < 1 is treated as the first');
});

test('full jitter spans [0, ceiling] exactly at the extremes of the random source', () => {
  const o = { initialDelayMs: 100, maxDelayMs: 1000 };
  assert.equal(
    fullJitterDelay(3, o, () => 0),
    0,
  );
  assert.equal(
    fullJitterDelay(3, o, () => 0.999999),
    400,
  );
  assert.equal(
    fullJitterDelay(3, o, () => 0.5),
    200,
  );
  assert.equal(
    fullJitterDelay(3, o, () => 7),
    400,
    'a misbehaving random source is clamped',
  );
  assert.equal(
    fullJitterDelay(3, o, () => -1),
    0,
  );
});

test('with Math.random every delay stays within bounds and the delays actually vary', () => {
  const o = { initialDelayMs: 50, maxDelayMs: 800 };
  for (let attempt = 1; attempt <= 10; attempt++) {
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const d = fullJitterDelay(attempt, o);
      assert.ok(d >= 0 && d <= backoffCeiling(attempt, o), `attempt ${attempt}: ${d}`);
      assert.ok(Number.isInteger(d));
      seen.add(d);
    }
    assert.ok(seen.size > 5, `attempt ${attempt} jittered`);
  }
});
