// Delivery receipts (Open Messaging §3.3): an agent message that reached the bot is acknowledged
// once, however often it was delivered; a dead-lettered one is reported failed; other events and
// providers without receipts are left alone; a failing receipt is retried a little, then given up.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger } from '../../../src/core/ports/logger.ts';
import { ReceiptService } from '../../../src/core/services/receipt-service.ts';
import { CoreRig, ENDPOINT } from '../../support/core-rig.ts';

function receiptsOf(rig: CoreRig, signal = new AbortController().signal): ReceiptService {
  return new ReceiptService({
    units: rig.engine.units,
    provider: (id) => (id === ENDPOINT ? rig.provider : undefined),
    scheduler: rig.time,
    random: () => 0.5,
    logger: silentLogger,
    policy: { initialDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 1_000 },
    signal,
  });
}

test('an agent message delivered (twice) is acknowledged once; a dead-lettered one as failed', async () => {
  const rig = await CoreRig.start();
  const { id, conv } = await rig.activeHandover();
  conv.agentWrites('first');
  conv.agentWrites('second');
  await rig.until(async () => (await rig.agentTexts(id)).length === 2, 'two messages');
  const events = await rig.events(id);
  const [first, second] = events.filter((e) => e.type === 'handover.agent_message');
  assert.ok(first && second);
  const receipts = receiptsOf(rig);
  for (const e of events) await receipts.settled(e, 'delivered');
  await receipts.settled(first, 'delivered'); // webhook and SSE both delivered it
  await receipts.settled(second, 'failed');
  assert.deepEqual(conv.receipts, [
    {
      providerMessageId: conv.messages.find((m) => m.text === 'first')?.providerMessageId,
      outcome: 'delivered',
    },
    {
      providerMessageId: conv.messages.find((m) => m.text === 'second')?.providerMessageId,
      outcome: 'delivered',
    },
  ]);
});

test('a failing receipt is retried, then given up without throwing', async () => {
  const rig = await CoreRig.start();
  const { id, conv } = await rig.activeHandover();
  conv.agentWrites('hello');
  await rig.until(async () => (await rig.agentTexts(id)).length === 1, 'message');
  const message = (await rig.events(id)).find((e) => e.type === 'handover.agent_message');
  assert.ok(message);
  rig.provider.failNext('acknowledge', { kind: 'retryable', status: 503 }, 2);
  const receipts = receiptsOf(rig);
  const sent = receipts.settled(message, 'delivered');
  await rig.advance(5_000);
  await sent;
  assert.equal(conv.receipts.length, 1, 'the third attempt went through');

  conv.agentWrites('never acknowledged');
  await rig.until(async () => (await rig.agentTexts(id)).length === 2, 'second');
  const other = (await rig.events(id)).filter((e) => e.type === 'handover.agent_message')[1];
  assert.ok(other);
  rig.provider.failNext('acknowledge', { kind: 'retryable', status: 503 }, 5);
  const givenUp = receiptsOf(rig).settled(other, 'delivered');
  await rig.advance(5_000);
  await givenUp; // resolves: a receipt is a courtesy
  assert.equal(conv.receipts.length, 1);
  assert.equal(rig.provider.calls.get('acknowledge'), 6);
});
