// The request budget of a Genesys environment holds across all handovers and both Genesys paths: the
// emulator times every guest-chat and Platform API request it receives, and its busiest one-second
// window stays within the budget (burst + rate) while many handovers start at once. Without the
// budget the same burst goes well past it — the test can tell the two apart.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HandoverEvent } from '../../src/core/model/events.ts';
import { OM_ENDPOINT, startHarness, type Harness } from '../support/gateway-harness.ts';

const RATE = 8;
const BURST = 4;
const GUEST_CHAT = 10;
const OPEN_MESSAGING = 4;

async function burstOfStarts(h: Harness, tag: string): Promise<{ total: number; maxPerSecond: number }> {
  await h.emu('DELETE', '/emulator/v1/request-rate');
  const endpoints = [
    ...Array<string>(GUEST_CHAT).fill('support'),
    ...Array<string>(OPEN_MESSAGING).fill(OM_ENDPOINT),
  ];
  const started = await Promise.all(
    endpoints.map((endpoint, i) =>
      h.api('POST', '/v1/handovers', { endpoint, customer: { userId: `${tag}-${i}`, sessionId: 's' } }),
    ),
  );
  assert.deepEqual(
    started.map((s) => s.status),
    endpoints.map(() => 201),
  );
  for (const s of started)
    await h.webhookEvents(s.body.id as string, (es: HandoverEvent[]) =>
      es.some((e) => e.type === 'handover.queued'),
    );
  return (await h.emu('GET', '/emulator/v1/request-rate')).body as { total: number; maxPerSecond: number };
}

test('one budget per Genesys environment, shared by guest chat and Open Messaging handovers', async () => {
  const h = await startHarness({
    config: { genesys: { requestsPerSecond: RATE, burst: BURST } },
  });
  try {
    const rate = await burstOfStarts(h, 'budget');
    console.log(`with a budget of ${RATE}/s, burst ${BURST}: ${JSON.stringify(rate)}`);
    assert.ok(rate.total > 2 * (RATE + BURST), `enough requests to need the budget: ${rate.total}`);
    // A token bucket lets through at most burst + rate requests in any one-second window.
    assert.ok(rate.maxPerSecond <= RATE + BURST, `busiest second: ${rate.maxPerSecond}`);
  } finally {
    await h.close();
  }
});

test('without a budget (`requestsPerSecond: null`) the same burst goes past it', async () => {
  const h = await startHarness({
    config: { genesys: { requestsPerSecond: null } },
  });
  try {
    const rate = await burstOfStarts(h, 'free');
    console.log(`without a budget: ${JSON.stringify(rate)}`);
    assert.ok(rate.maxPerSecond > RATE + BURST, `busiest second: ${rate.maxPerSecond}`);
  } finally {
    await h.close();
  }
});
