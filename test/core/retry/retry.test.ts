import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffCeiling, fullJitterDelay, retryDelay } from '../../../src/core/retry/backoff.ts';
import { parseRetryAfter } from '../../../src/core/retry/retry-after.ts';
import { retry } from '../../../src/core/retry/retry.ts';
import { VirtualTime } from '../../../src/time/virtual-time.ts';

const policy = { initialDelayMs: 100, maxDelayMs: 1_000 };

describe('backoff', () => {
  it('grows exponentially up to the cap', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((n) => backoffCeiling(n, policy)),
      [100, 200, 400, 800, 1_000, 1_000],
    );
    assert.equal(backoffCeiling(10_000, policy), 1_000);
  });

  it('full jitter is uniform in [0, ceiling]', () => {
    assert.equal(
      fullJitterDelay(3, policy, () => 0),
      0,
    );
    assert.equal(
      fullJitterDelay(3, policy, () => 0.5),
      200,
    );
    assert.equal(
      fullJitterDelay(3, policy, () => 0.999999),
      400,
    );
  });

  it('Retry-After wins over a shorter backoff, capped at maxRetryAfterMs (default maxDelayMs)', () => {
    assert.equal(
      retryDelay(1, policy, () => 0.5, 700),
      700,
    );
    assert.equal(
      retryDelay(1, policy, () => 0.5, 60_000),
      1_000,
    );
    assert.equal(
      retryDelay(1, { ...policy, maxRetryAfterMs: 30_000 }, () => 0.5, 60_000),
      30_000,
    );
    assert.equal(
      retryDelay(4, policy, () => 1, 10),
      800,
    );
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2030-01-01T00:00:00Z');
  it('reads delta-seconds, fractions included, one way', () => {
    assert.equal(parseRetryAfter('3', now), 3_000);
    assert.equal(parseRetryAfter(' 1.5 ', now), 1_500);
    assert.equal(parseRetryAfter('0', now), 0);
    assert.equal(parseRetryAfter('0.0001', now), 1);
  });
  it('reads an HTTP date; one in the past is 0', () => {
    assert.equal(parseRetryAfter('Tue, 01 Jan 2030 00:00:10 GMT', now), 10_000);
    assert.equal(parseRetryAfter('Mon, 31 Dec 2029 00:00:00 GMT', now), 0);
  });
  it('ignores negatives, junk and absence', () => {
    for (const v of ['-1', '-0.5', '12abc', 'soon', '', undefined, null, '1e3'])
      assert.equal(parseRetryAfter(v, now), undefined, String(v));
  });
});

describe('retry', () => {
  const transient = new Error('transient');
  const permanent = new Error('permanent');
  const classify = (err: unknown) => (err === transient ? {} : undefined);

  it('retries a retryable failure after the backoff, on the scheduler', async () => {
    const time = new VirtualTime();
    let calls = 0;
    const done = retry(
      () => {
        calls += 1;
        return calls < 3 ? Promise.reject(transient) : Promise.resolve('ok');
      },
      {
        policy,
        maxAttempts: 5,
        classify,
        scheduler: time,
        random: () => 1,
        signal: new AbortController().signal,
      },
    );
    await time.advance(99);
    assert.equal(calls, 1);
    await time.advance(1); // first retry after 100 ms
    assert.equal(calls, 2);
    await time.advance(200); // second after 200 ms
    assert.equal(await done, 'ok');
    assert.equal(calls, 3);
  });

  it('maxElapsed is counted from the first failure: a slow first attempt still gets its retries', async () => {
    const time = new VirtualTime();
    const t0 = time.nowMs;
    const starts: number[] = [];
    const done = retry(
      async () => {
        starts.push(time.nowMs - t0);
        // The first call waits 5 s (say, behind a rate limit), longer than the whole window.
        if (starts.length === 1) await new Promise((resolve) => time.after(5_000, () => resolve(undefined)));
        throw transient;
      },
      {
        policy,
        maxAttempts: Infinity,
        classify,
        scheduler: time,
        random: () => 1,
        signal: new AbortController().signal,
        maxElapsed: { ms: 1_000, clock: time },
      },
    );
    const rejected = assert.rejects(done, (e) => e === transient);
    await time.advance(10_000);
    await rejected;
    // Failed at 5,000; retried 100, 200, 400 ms later, then once more at the deadline (6,000).
    assert.deepEqual(starts, [0, 5_100, 5_300, 5_700, 6_000]);
  });

  it('throws a permanent failure at once and stops after maxAttempts', async () => {
    const time = new VirtualTime();
    const signal = new AbortController().signal;
    await assert.rejects(
      retry(() => Promise.reject(permanent), {
        policy,
        maxAttempts: 5,
        classify,
        scheduler: time,
        random: () => 0,
        signal,
      }),
      (e) => e === permanent,
    );
    let calls = 0;
    const p = retry(
      () => {
        calls += 1;
        return Promise.reject(transient);
      },
      { policy, maxAttempts: 3, classify, scheduler: time, random: () => 0, signal },
    );
    const rejected = assert.rejects(p, (e) => e === transient);
    await time.advance(10);
    await rejected;
    assert.equal(calls, 3);
  });

  it('honours the Retry-After of the verdict and stops waiting when aborted', async () => {
    const time = new VirtualTime();
    const stop = new AbortController();
    let calls = 0;
    const p = retry(
      () => {
        calls += 1;
        return Promise.reject(transient);
      },
      {
        policy,
        maxAttempts: 10,
        classify: () => ({ retryAfterMs: 900 }),
        scheduler: time,
        random: () => 0,
        signal: stop.signal,
      },
    );
    const rejected = assert.rejects(p, /aborted/);
    await time.advance(899);
    assert.equal(calls, 1);
    await time.advance(1);
    assert.equal(calls, 2);
    stop.abort(new Error('aborted'));
    await rejected;
    assert.equal(time.pending, 0);
  });
});
