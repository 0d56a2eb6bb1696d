import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ActivityMonitor } from '../../../src/core/engine/activity-monitor.ts';

const limits = { sessionDurationMs: 10_000, inactivityGraceMs: 3_000 };

describe('activity monitor', () => {
  test('a customer waiting in the queue is never abandoned; the grace starts when an agent connects', () => {
    const m = new ActivityMonitor();
    m.track('h', 0, 0);
    assert.deepEqual(
      m.due(5_000, () => limits),
      [],
    );
    m.agentConnected('h', true, 5_000);
    assert.deepEqual(
      m.due(7_999, () => limits),
      [],
    );
    assert.deepEqual(
      m.due(8_000, () => limits),
      [{ handoverId: 'h', reason: 'customer_abandoned' }],
    );
    assert.deepEqual(
      m.due(20_000, () => limits),
      [],
      'reported once',
    );
  });

  test('customer activity resets the grace; a transfer pauses it', () => {
    const m = new ActivityMonitor();
    m.track('h', 0, 0);
    m.agentConnected('h', true, 0);
    m.customer('h', 2_000);
    m.message('h', 2_000);
    assert.deepEqual(
      m.due(4_999, () => limits),
      [],
    );
    m.agentConnected('h', false, 4_000);
    assert.deepEqual(
      m.due(6_000, () => limits),
      [],
    );
    m.agentConnected('h', true, 6_000);
    assert.deepEqual(
      m.due(8_999, () => limits),
      [],
    );
    assert.equal(m.due(9_000, () => limits)[0]?.reason, 'customer_abandoned');
  });

  test('no message either way for the session duration expires the handover', () => {
    const m = new ActivityMonitor();
    m.track('h', 0, 0);
    m.message('h', 4_000);
    assert.deepEqual(
      m.due(13_999, () => ({ sessionDurationMs: 10_000 })),
      [],
    );
    assert.deepEqual(
      m.due(14_000, () => ({ sessionDurationMs: 10_000 })),
      [{ handoverId: 'h', reason: 'expired' }],
    );
  });

  test('untracked or forgotten handovers are ignored', () => {
    const m = new ActivityMonitor();
    m.message('x', 1);
    m.customer('x', 1);
    m.agentConnected('x', true, 1);
    m.track('h', 0, 0);
    m.forget('h');
    assert.deepEqual(
      m.due(1e9, () => limits),
      [],
    );
  });
});
