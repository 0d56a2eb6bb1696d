// The emulator's per-token limit (OM §1.4): a sliding minute per key, on an injected clock — exact
// at its edges, and still exact after its queue of hits has been compacted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateLimiter } from '../../src/emulator/oauth/rate-limiter.ts';

test('a full minute refuses with the seconds until its oldest hit leaves; then one more goes', () => {
  let now = 1_000_000;
  const limiter = new RateLimiter(3, () => now);
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(limiter.hit('t'), { ok: true });
    now += 10_000;
  }
  // Hits at 0 s, 10 s, 20 s; now 30 s: the oldest leaves at 60 s.
  assert.deepEqual(limiter.hit('t'), { ok: false, retryAfterSeconds: 30 });
  assert.deepEqual(limiter.hit('other'), { ok: true }, 'another key has its own minute');
  now = 1_000_000 + 59_999;
  assert.equal(limiter.hit('t').ok, false, 'the oldest is still in the window');
  now = 1_000_000 + 60_000;
  assert.deepEqual(limiter.hit('t'), { ok: true }, 'the oldest left at exactly one minute');
  assert.equal(limiter.hit('t').ok, false);
  limiter.forget('t');
  assert.deepEqual(limiter.hit('t'), { ok: true }, 'a forgotten key starts again');
});

test('over many minutes (the queue compacted on the way) the count stays exact', () => {
  let now = 0;
  const limiter = new RateLimiter(2_000, () => now);
  // 50 hits a second for 5 minutes: 3,000 a minute offered, 2,000 let through in any minute.
  const passed: number[] = [];
  for (let ms = 0; ms < 300_000; ms += 20) {
    now = ms;
    if (limiter.hit('t').ok) passed.push(ms);
  }
  for (let i = 2_000; i < passed.length; i++)
    assert.ok(
      passed[i]! - passed[i - 2_000]! >= 60_000,
      `more than 2,000 in the minute before ${passed[i]} ms`,
    );
  // Each minute after the first passes exactly what left it: 2,000 in the first, then as hits expire.
  assert.equal(passed.filter((t) => t < 60_000).length, 2_000);
  assert.ok(passed.length >= 2_000 * 5 - 50, `${passed.length} let through in five minutes`);
});
