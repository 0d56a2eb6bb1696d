// The request budget of a Genesys environment holds across all handovers and both Genesys paths: the
// emulator times every guest-chat and Platform API request it receives, and its busiest one-second
// window stays within the budget (burst + rate) while many handovers start at once, and the requests
// take as long as the rate says. Without the budget the same burst goes well past it — the test can
// tell the two apart. Arrival times are taken by the emulator, in the same busy process: a request
// may be seen a little late, so a window may hold a request or two more than was sent in it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HandoverEvent } from '../../src/core/model/events.ts';
import { OM_ENDPOINT, startHarness, type Harness } from '../support/gateway-harness.ts';

const RATE = 8;
const BURST = 4;
const GUEST_CHAT = 10;
const OPEN_MESSAGING = 4;
/** Requests a window may gain because the emulator saw them late (see above). */
const JITTER = 3;

interface Rate {
  readonly total: number;
  readonly maxPerSecond: number;
  readonly byRoute: Readonly<Record<string, number>>;
  readonly spanMs: number;
}

async function burstOfStarts(h: Harness, tag: string): Promise<Rate> {
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
  return (await h.emu('GET', '/emulator/v1/request-rate')).body as Rate;
}

test('one budget per Genesys environment, shared by guest chat and Open Messaging handovers', async () => {
  const h = await startHarness({
    config: { genesys: { requestsPerSecond: RATE, burst: BURST } },
  });
  try {
    const rate = await burstOfStarts(h, 'budget');
    console.log(`with a budget of ${RATE}/s, burst ${BURST}: ${JSON.stringify(rate)}`);
    assert.ok(rate.total > 2 * (RATE + BURST), `enough requests to need the budget: ${rate.total}`);
    // The count by route adds up, and names what the starts called (guest chat's create, OM's first message).
    assert.equal(
      Object.values(rate.byRoute).reduce((a, b) => a + b, 0),
      rate.total,
    );
    assert.ok(
      (rate.byRoute['POST /api/v2/webchat/guest/conversations'] ?? 0) >= GUEST_CHAT,
      JSON.stringify(rate.byRoute),
    );
    assert.ok(
      (rate.byRoute['POST /api/v2/conversations/messages/:integrationId/inbound/open/message'] ?? 0) >=
        OPEN_MESSAGING,
      JSON.stringify(rate.byRoute),
    );
    // A token bucket lets through at most burst + rate requests in any one-second window…
    assert.ok(rate.maxPerSecond <= RATE + BURST + JITTER, `busiest second: ${rate.maxPerSecond}`);
    // …and past the burst, one request per 1/rate seconds.
    const leastMs = ((rate.total - BURST - 1) / RATE) * 1000;
    assert.ok(rate.spanMs >= leastMs * 0.95, `${rate.total} requests in ${rate.spanMs} ms`);
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
    assert.ok(rate.maxPerSecond > 2 * (RATE + BURST + JITTER), `busiest second: ${rate.maxPerSecond}`);
  } finally {
    await h.close();
  }
});
