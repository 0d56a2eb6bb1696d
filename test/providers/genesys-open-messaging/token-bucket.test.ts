import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  OpenMessagingAbortedError,
  OpenMessagingConfigError,
} from '../../../src/providers/genesys-open-messaging/errors.ts';
import { TokenBucket } from '../../../src/providers/genesys-open-messaging/rest/token-bucket.ts';
import { VirtualTime } from '../../../src/time/virtual-time.ts';

const signal = () => new AbortController().signal;

/** Starts `n` takes at once and records the virtual time each one was let through. */
function flood(bucket: TokenBucket, time: VirtualTime, n: number): number[] {
  const grantedAt: number[] = [];
  for (let i = 0; i < n; i++) {
    void bucket.take(signal(), 'test').then(() => grantedAt.push(time.nowMs));
  }
  return grantedAt;
}

/** The most grants inside any window of `windowMs` (sliding). */
function maxInWindow(times: number[], windowMs: number): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

describe('TokenBucket (§1.4: 300 requests/minute per token)', () => {
  test('defaults: a burst of 20, then never more than 300 in any 60 s window, first come first served', async () => {
    const time = new VirtualTime();
    const bucket = new TokenBucket({ scheduler: time, clock: time });
    assert.equal(bucket.requestsPerMinute, 300);
    assert.equal(bucket.burst, 20);
    const start = time.nowMs;
    const granted = flood(bucket, time, 900);
    await time.advance(0);
    assert.equal(granted.length, 20, 'the burst goes at once');
    const done = await time.advanceUntil(() => granted.length === 900, 5 * 60_000, 1_000);
    assert.ok(done, `only ${granted.length} of 900 granted`);
    assert.ok(maxInWindow(granted, 60_000) <= 300, `max in a window: ${maxInWindow(granted, 60_000)}`);
    // Sustained rate (300 − 20)/min: 880 after the burst take about 188 s.
    const took = granted.at(-1)! - start;
    assert.ok(took > 180_000 && took < 200_000, `took ${took} ms`);
    assert.deepEqual(
      granted,
      [...granted].sort((a, b) => a - b),
    );
    assert.equal(time.pending, 0);
  });

  test('configurable: 10 per minute with a burst of 2', async () => {
    const time = new VirtualTime();
    const bucket = new TokenBucket({ scheduler: time, clock: time, requestsPerMinute: 10, burst: 2 });
    const granted = flood(bucket, time, 30);
    await time.advanceUntil(() => granted.length === 30, 10 * 60_000, 500);
    assert.equal(granted.length, 30);
    assert.ok(maxInWindow(granted, 60_000) <= 10);
  });

  test('refills while idle, up to the burst only', async () => {
    const time = new VirtualTime();
    const bucket = new TokenBucket({ scheduler: time, clock: time, requestsPerMinute: 60, burst: 5 });
    const first = flood(bucket, time, 5);
    await time.advance(0);
    assert.equal(first.length, 5);
    await time.advance(10 * 60_000);
    const second = flood(bucket, time, 8);
    await time.advance(0);
    assert.equal(second.length, 5, 'capped at the burst after a long idle spell');
  });

  test('pauseFor (a 429 with Retry-After): nobody goes until it ends, then one at once, the rest at the sustained rate', async () => {
    const time = new VirtualTime();
    const bucket = new TokenBucket({ scheduler: time, clock: time });
    const start = time.nowMs;
    bucket.pauseFor(42_000);
    const granted = flood(bucket, time, 3);
    await time.advance(41_999);
    assert.equal(granted.length, 0);
    await time.advanceUntil(() => granted.length === 3, 10_000, 10);
    assert.equal(granted[0]! - start, 42_000, 'exactly when Retry-After has passed');
    // No burst after a 429: one token per 60000/280 ≈ 215 ms.
    assert.ok(granted[1]! - granted[0]! >= 214, `second after ${granted[1]! - granted[0]!} ms`);
    // A shorter pause does not shorten a longer one.
    bucket.pauseFor(50_000);
    bucket.pauseFor(1_000);
    const later = flood(bucket, time, 1);
    await time.advance(49_000);
    assert.equal(later.length, 0);
    await time.advanceUntil(() => later.length === 1, 5_000, 10);
    assert.equal(later.length, 1);
  });

  test('an aborted waiter leaves the queue; close() rejects the rest', async () => {
    const time = new VirtualTime();
    const bucket = new TokenBucket({ scheduler: time, clock: time, requestsPerMinute: 2, burst: 1 });
    await bucket.take(signal(), 'first');
    const ac = new AbortController();
    const aborted = bucket.take(ac.signal, 'second');
    const third = bucket.take(signal(), 'third');
    assert.equal(bucket.waiting, 2);
    ac.abort();
    await assert.rejects(aborted, OpenMessagingAbortedError);
    assert.equal(bucket.waiting, 1);
    bucket.close();
    await assert.rejects(third, OpenMessagingAbortedError);
    assert.equal(time.pending, 0);
    await assert.rejects(bucket.take(AbortSignal.abort(), 'x'), OpenMessagingAbortedError);
  });

  test('bad limits are configuration errors', () => {
    const time = new VirtualTime();
    for (const bad of [
      { requestsPerMinute: 1 },
      { requestsPerMinute: 300, burst: 300 },
      { burst: 0 },
      { requestsPerMinute: 2.5 },
    ]) {
      assert.throws(
        () => new TokenBucket({ scheduler: time, clock: time, ...bad }),
        OpenMessagingConfigError,
      );
    }
  });
});
