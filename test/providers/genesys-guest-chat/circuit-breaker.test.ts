import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CircuitBreaker,
  CircuitOpenError,
} from '../../../src/providers/genesys-guest-chat/adapter/circuit-breaker.ts';

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('circuit breaker', () => {
  test('opens after consecutive failures, pauses calls, lets one trial through after the cooldown', () => {
    const c = clock();
    const changes: boolean[] = [];
    const b = new CircuitBreaker({
      failureThreshold: 3,
      cooldownMs: 1000,
      now: c.now,
      onStateChange: (o) => changes.push(o),
    });
    for (let i = 0; i < 2; i++) {
      b.admit();
      b.failure();
    }
    assert.equal(b.state, 'closed');
    b.admit();
    b.failure();
    assert.equal(b.state, 'open');
    assert.throws(() => b.admit(), CircuitOpenError);
    c.advance(1000);
    assert.equal(b.state, 'half-open');
    b.admit();
    assert.throws(() => b.admit(), CircuitOpenError, 'one trial at a time');
    b.failure();
    assert.equal(b.state, 'open', 'a failed trial re-opens');
    c.advance(1000);
    b.admit();
    b.success();
    assert.equal(b.state, 'closed');
    assert.deepEqual(changes, [true, false]);
  });

  test('a success resets the count; 429 and 4xx are not outages', async () => {
    const b = new CircuitBreaker({ failureThreshold: 2 });
    const statuses = [503, 200, 503, 429, 404, 503];
    const init = {
      method: 'GET',
      headers: {},
      signal: new AbortController().signal,
      redirect: 'manual',
    } as const;
    const fetch = b.wrap(() => Promise.resolve(new Response(null, { status: statuses.shift() ?? 200 })));
    for (let i = 0; i < 6; i++) await fetch('http://127.0.0.1:1/x', init);
    assert.equal(b.state, 'closed');
    const failing = b.wrap(() => Promise.reject(new Error('ECONNREFUSED')));
    await assert.rejects(failing('http://127.0.0.1:1/x', init));
    await assert.rejects(failing('http://127.0.0.1:1/x', init));
    assert.equal(b.state, 'open');
    await assert.rejects(failing('http://127.0.0.1:1/x', init), CircuitOpenError);
  });
});
