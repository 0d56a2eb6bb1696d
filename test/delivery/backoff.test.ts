import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  backoffCeilingMs,
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  parseRetryAfterMs,
} from '../../src/delivery/webhook/backoff.ts';
import { planAfterFailure, type FailureFacts } from '../../src/delivery/webhook/retry-plan.ts';

const policy = { initialDelayMs: 1_000, maxDelayMs: 60_000, maxAgeMs: 3_600_000 };

test('the backoff ceiling doubles from initialDelayMs and stops at maxDelayMs', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 8, 100, 10_000].map((n) => backoffCeilingMs(n, policy)),
    [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000],
  );
});

test('full jitter: the delay spans [0, ceiling) and never exceeds it', () => {
  for (const failures of [1, 3, 9, 60]) {
    const ceiling = backoffCeilingMs(failures, policy);
    assert.equal(
      backoffDelayMs(failures, policy, () => 0),
      0,
    );
    assert.equal(
      backoffDelayMs(failures, policy, () => 0.5),
      Math.floor(ceiling / 2),
    );
    assert.ok(backoffDelayMs(failures, policy, () => 0.999_999) < ceiling);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelayMs(failures, policy);
      assert.ok(d >= 0 && d < ceiling, `${d} within [0, ${ceiling})`);
    }
  }
});

test('defaults: 1 s initial, 10 min cap, 24 h age', () => {
  assert.deepEqual(DEFAULT_RETRY_POLICY, {
    initialDelayMs: 1_000,
    maxDelayMs: 600_000,
    maxAgeMs: 86_400_000,
  });
});

test('Retry-After parses delta-seconds and HTTP dates; garbage is ignored', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  assert.equal(parseRetryAfterMs('120', now), 120_000);
  assert.equal(parseRetryAfterMs(' 0 ', now), 0);
  assert.equal(parseRetryAfterMs('Tue, 01 Jan 2030 00:00:30 GMT', now), 30_000);
  assert.equal(parseRetryAfterMs('Mon, 31 Dec 2029 23:00:00 GMT', now), 0);
  assert.equal(parseRetryAfterMs('soon', now), undefined);
  assert.equal(parseRetryAfterMs(null, now), undefined);
});

const facts = (over: Partial<FailureFacts>): FailureFacts => ({
  failures: 1,
  firstAttemptAt: new Date('2030-01-01T00:00:00Z'),
  now: new Date('2030-01-01T00:00:00Z'),
  permanent: false,
  retryAfter: undefined,
  policy,
  random: () => 0.5,
  ...over,
});

test('a failure within maxAge is retried after the jittered delay', () => {
  const plan = planAfterFailure(facts({ failures: 3 }));
  assert.deepEqual(plan, { kind: 'retry', nextAttemptAt: new Date('2030-01-01T00:00:02Z') });
});

test('Retry-After lengthens the delay but is capped at maxDelayMs', () => {
  assert.deepEqual(planAfterFailure(facts({ retryAfter: '30' })), {
    kind: 'retry',
    nextAttemptAt: new Date('2030-01-01T00:00:30Z'),
  });
  assert.deepEqual(planAfterFailure(facts({ retryAfter: '86400' })), {
    kind: 'retry',
    nextAttemptAt: new Date('2030-01-01T00:01:00Z'),
  });
});

test('the last retry is clamped to the age deadline; at or past it the event is dead', () => {
  const first = new Date('2030-01-01T00:00:00Z');
  const nearEnd = new Date(first.getTime() + policy.maxAgeMs - 1_000);
  const plan = planAfterFailure(facts({ failures: 20, firstAttemptAt: first, now: nearEnd }));
  assert.deepEqual(plan, { kind: 'retry', nextAttemptAt: new Date(first.getTime() + policy.maxAgeMs) });
  const atDeadline = new Date(first.getTime() + policy.maxAgeMs);
  assert.equal(
    planAfterFailure(facts({ failures: 21, firstAttemptAt: first, now: atDeadline })).kind,
    'dead',
  );
});

test('410 Gone dead-letters at once', () => {
  const plan = planAfterFailure(facts({ permanent: true }));
  assert.equal(plan.kind, 'dead');
});
