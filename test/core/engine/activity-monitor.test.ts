import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ActivityMonitor } from '../../../src/core/engine/activity-monitor.ts';

const limits = { sessionDurationMs: 10_000, inactivityGraceMs: 3_000 };

describe('activity monitor', () => {
  test('a customer waiting in the queue is never abandoned; the grace starts when an agent connects', () => {
    const m = new ActivityMonitor();
    m.track('h', limits, 0, 0);
    assert.deepEqual(m.due(5_000), []);
    m.agentConnected('h', true, 5_000);
    assert.deepEqual(m.due(7_999), []);
    assert.deepEqual(m.due(8_000), [{ handoverId: 'h', reason: 'customer_abandoned' }]);
    assert.deepEqual(m.due(20_000), [], 'reported once');
  });

  test('customer activity resets the grace; a transfer pauses it', () => {
    const m = new ActivityMonitor();
    m.track('h', limits, 0, 0);
    m.agentConnected('h', true, 0);
    m.customer('h', 2_000);
    m.message('h', 2_000);
    assert.deepEqual(m.due(4_999), []);
    m.agentConnected('h', false, 4_000);
    assert.deepEqual(m.due(6_000), []);
    m.agentConnected('h', true, 6_000);
    assert.deepEqual(m.due(8_999), []);
    assert.equal(m.due(9_000)[0]?.reason, 'customer_abandoned');
  });

  test('no message either way for the session duration expires the handover', () => {
    const m = new ActivityMonitor();
    m.track('h', { sessionDurationMs: 10_000 }, 0, 0);
    m.message('h', 4_000);
    assert.deepEqual(m.due(13_999), []);
    assert.deepEqual(m.due(14_000), [{ handoverId: 'h', reason: 'expired' }]);
  });

  test('untracked or forgotten handovers are ignored', () => {
    const m = new ActivityMonitor();
    m.message('x', 1);
    m.customer('x', 1);
    m.agentConnected('x', true, 1);
    m.track('h', limits, 0, 0);
    m.forget('h');
    assert.deepEqual(m.due(1e9), []);
  });

  test('a check visits only the handovers due: thousands of quiet ones are not looked at', () => {
    const m = new ActivityMonitor(1_000);
    for (let i = 0; i < 5_000; i++) m.track(`q${i}`, { sessionDurationMs: 3_600_000 }, 0, 0);
    m.track('h', limits, 0, 0);
    m.agentConnected('h', true, 0);
    assert.deepEqual(m.due(1_000), []);
    assert.deepEqual(m.due(3_000), [{ handoverId: 'h', reason: 'customer_abandoned' }]);
    assert.equal(m.due(3_599_999).length, 0);
    assert.equal(m.due(3_600_000).length, 5_000, 'the quiet ones expire together at their deadline');
  });

  test('activity after a handover was filed moves its check later, without a report in between', () => {
    const m = new ActivityMonitor(1_000);
    m.track('h', { sessionDurationMs: 10_000 }, 0, 0);
    for (let t = 1_000; t <= 30_000; t += 1_000) {
      m.message('h', t - 500);
      assert.deepEqual(m.due(t), [], `still active at ${t}`);
    }
    assert.deepEqual(m.due(39_499), []);
    assert.deepEqual(m.due(40_000), [{ handoverId: 'h', reason: 'expired' }]);
  });

  test('tracking again keeps the agent clock and replaces the times', () => {
    const m = new ActivityMonitor(1_000);
    m.track('h', limits, 0, 0);
    m.agentConnected('h', true, 0);
    m.track('h', limits, 2_000, 2_000);
    assert.deepEqual(m.due(4_999), []);
    assert.deepEqual(m.due(5_000), [{ handoverId: 'h', reason: 'customer_abandoned' }]);
  });

  test('epoch times, some before the first one seen, give the answers small times give', () => {
    // The watches keep times relative to the first time given (small numbers stay in their fields).
    const t0 = Date.parse('2026-12-01T10:00:00Z');
    const m = new ActivityMonitor(1_000);
    m.track('late', limits, t0 + 5_000, t0 + 5_000);
    m.track('early', limits, t0, t0);
    m.agentConnected('early', true, t0);
    assert.deepEqual(m.due(t0 + 2_999), []);
    assert.deepEqual(m.due(t0 + 3_000), [{ handoverId: 'early', reason: 'customer_abandoned' }]);
    m.message('late', t0 + 6_000);
    assert.deepEqual(m.due(t0 + 15_999), []);
    assert.deepEqual(m.due(t0 + 16_000), [{ handoverId: 'late', reason: 'expired' }]);
  });
});
