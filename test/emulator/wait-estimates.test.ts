// The emulator's estimated-wait model (OM doc §7.1): free capacity first, then rounds of the average
// handle time over the on-queue agents; with nobody on queue, the longest wait or no estimate.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Conversation } from '../../src/emulator/model.ts';
import { estimateWait } from '../../src/emulator/platform/wait-estimates.ts';
import { Router } from '../../src/emulator/routing.ts';

const queues = [
  {
    name: 'Q',
    agents: [
      { name: 'A', capacity: 1 },
      { name: 'B', capacity: 1 },
    ],
  },
];
const options = { averageHandleSeconds: 100, withoutAgents: 'longest-waiting' as const };
const waitingSince = (iso: string) => ({ queuedSince: iso, createdAt: iso }) as unknown as Conversation;

describe('estimateWait', () => {
  test('free capacity means no wait; beyond it, rounds of the handle time', () => {
    const router = new Router(queues, 1);
    assert.deepEqual(estimateWait(router, 'Q', [], 0, options, 0), { seconds: 0 });
    assert.deepEqual(estimateWait(router, 'Q', [], 1, options, 0), { seconds: 0 });
    router.reserve('a');
    router.reserve('b');
    assert.deepEqual(estimateWait(router, 'Q', [], 0, options, 0), { seconds: 100 });
    assert.deepEqual(estimateWait(router, 'Q', [], 1, options, 0), { seconds: 100 });
    assert.deepEqual(estimateWait(router, 'Q', [], 2, options, 0), { seconds: 200 });
  });
  test('off-queue agents do not count; with nobody on queue: the longest wait, or no estimate', () => {
    const router = new Router(queues, 1);
    router.setPresence('a', 'Away', '2026-01-01T00:00:00Z');
    router.reserve('b');
    assert.deepEqual(estimateWait(router, 'Q', [], 0, options, 0), { seconds: 100 });
    router.setPresence('b', 'Offline', '2026-01-01T00:00:00Z');
    const waiting = [waitingSince('2026-01-01T00:00:00Z'), waitingSince('2026-01-01T00:01:00Z')];
    const now = Date.parse('2026-01-01T00:05:00Z');
    assert.deepEqual(estimateWait(router, 'Q', waiting, 2, options, now), { seconds: 300 });
    assert.deepEqual(estimateWait(router, 'Q', waiting, 2, { ...options, withoutAgents: 'error' }, now), {
      unavailable: true,
    });
  });
});
