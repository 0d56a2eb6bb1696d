// Open Messaging's outbound webhook (protocol §4.5) delivers at least once and in no guaranteed
// order: Genesys duplicates, delays and reorders calls, waits 10 s for an answer and retries a
// timeout, a 429 or a 5xx up to 5 times, 5 s apart. The gateway answers 2xx only once a call is
// committed, de-duplicates by Genesys message id, restores provider order, and reads the
// conversation after a restart for what no call could deliver. Here the emulator plays Genesys (in
// the test process, with shorter timeouts and retries than Genesys' own) and the gateway is a child
// process; the bot's side is the webhook receiver (and an SSE stream), Genesys' side the emulator's
// conversation history.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SseClient } from '../support/sse-client.ts';
import { sleep } from '../support/sleep.ts';
import { waitFor } from '../support/wait-for.ts';
import { API_KEY, OM_ENDPOINT, Rig, range, seqs, type OpenHandover } from './support/rig.ts';

/** Waits until the bot got `n` agent messages with this prefix, then checks: each once, in order. */
async function agentMessagesOnce(rig: Rig, h: OpenHandover, prefix: string, n: number): Promise<void> {
  await waitFor(() => seqs(rig.agentTexts(h.id), prefix).length >= n, {
    what: `${n} agent messages "${prefix}…" at the bot`,
    timeoutMs: 30_000,
  }).catch((err: unknown) => {
    throw new Error(`${String(err)}; got ${JSON.stringify(rig.agentTexts(h.id))}\n${rig.gw.tail()}`);
  });
  await sleep(1_500); // a late duplicate would show up now
  assert.deepEqual(seqs(rig.agentTexts(h.id), prefix), range(n), `agent → bot of ${h.name}`);
  const events = rig.receiver.events(h.id);
  assert.deepEqual(
    events.map((e) => e.seq),
    range(events.length),
    'event seq gap-free',
  );
}

/** Waits until the agent got `n` customer messages with this prefix, then checks: each once, in order. */
async function customerMessagesOnce(rig: Rig, h: OpenHandover, prefix: string, n: number): Promise<void> {
  await waitFor(async () => seqs(await rig.customerTexts(h.convId), prefix).length >= n, {
    what: `${n} customer messages "${prefix}…" at Genesys`,
    timeoutMs: 30_000,
  }).catch(async (err: unknown) => {
    throw new Error(`${String(err)}; got ${JSON.stringify(await rig.customerTexts(h.convId))}`);
  });
  await sleep(300);
  assert.deepEqual(seqs(await rig.customerTexts(h.convId), prefix), range(n), `bot → agent of ${h.name}`);
}

describe('Open Messaging webhook faults: duplicated, reordered, delayed calls', () => {
  let rig: Rig;
  before(async () => {
    rig = await Rig.start({ openMessaging: true, emulator: { webhookRetryDelayMs: 500 } });
  });
  after(async () => {
    await rig.close();
  });

  test('bursts of agent messages through every webhook fault reach the bot once and in order', async () => {
    const h = await rig.start({ endpoint: OM_ENDPOINT });
    const sse = await SseClient.open(`${rig.gw.url}/v1/handovers/${h.id}/events`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    let a = 0;
    let c = 0;
    const burst = async (size: number) => {
      for (let k = 0; k < size; k++) await rig.agentSays(h, `wh a:${++a}`);
    };
    const customer = async () => {
      c += 1;
      await rig.customerSays(h, `wh c:${c}`, `wh-${h.id}-${c}`);
    };

    // Every call of a burst sent twice (the same bytes, as after an answer Genesys did not see).
    await rig.fault({ kind: 'webhook-duplicate', count: 3 });
    await burst(3);
    await customer();
    // Four calls held, then sent newest first — one after the other, each waiting for its answer.
    await rig.fault({ kind: 'webhook-reorder', count: 4, maxHoldMs: 3_000 });
    await burst(4);
    await customer();
    // The first call of a burst is late by 3 s (three times the gateway's reorder window, less than
    // one Genesys retry interval): the others overtake it.
    await rig.fault({ kind: 'webhook-delay', delayMs: 3_000, count: 1 });
    await burst(4);
    await customer();
    // All at once: a call delayed and sent twice, the next ones reordered.
    await rig.fault({ kind: 'webhook-delay', delayMs: 2_000, count: 1 });
    await rig.fault({ kind: 'webhook-duplicate', count: 2 });
    await rig.fault({ kind: 'webhook-reorder', count: 3, maxHoldMs: 2_500 });
    await burst(4);
    await customer();
    // And quietly afterwards.
    await burst(2);

    await agentMessagesOnce(rig, h, 'wh a:', a);
    await customerMessagesOnce(rig, h, 'wh c:', c);
    const deliveries = await rig.webhookDeliveries(h.convId);
    assert.ok(
      deliveries.some((d) => d.duplicate),
      'the emulator sent duplicates',
    );
    // The SSE stream carried the same events, in the same order.
    await waitFor(() => sse.handoverEvents().length >= rig.receiver.events(h.id).length, {
      what: 'SSE caught up with the webhook',
    });
    assert.deepEqual(
      sse.handoverEvents().map((e) => e.id),
      rig.receiver.events(h.id).map((e) => e.id),
    );
    await sse.close();
    assert.equal((await rig.handover(h.id)).state, 'active');
    assert.deepEqual(rig.receiver.rejected, []);
  });
});

describe('Open Messaging: the agent ends the chat right after a message whose webhook call is late', () => {
  let rig: Rig;
  before(async () => {
    rig = await Rig.start({ openMessaging: true, emulator: { webhookRetryDelayMs: 500 } });
  });
  after(async () => {
    await rig.close();
  });

  test('the last message reaches the bot before handover.ended', async () => {
    const h = await rig.start({ endpoint: OM_ENDPOINT });
    await rig.agentSays(h, 'bye a:1');
    await agentMessagesOnce(rig, h, 'bye a:', 1);
    // The agent's last words travel by webhook, late (OM §4.5); the end comes by notification
    // (§4.6) at once — the conversation already holds both, in order.
    await rig.fault({ kind: 'webhook-delay', delayMs: 4_000, count: 1 });
    await rig.agentSays(h, 'bye a:2');
    const left = await rig.emu('POST', `/emulator/v1/conversations/${h.convId}/agent/leave`);
    assert.equal(left.status, 200, JSON.stringify(left.body));

    await waitFor(() => rig.endedEvent(h.id), { what: 'handover.ended', timeoutMs: 20_000 });
    await sleep(5_000); // the late call arrives now, after the end
    assert.deepEqual(seqs(rig.agentTexts(h.id), 'bye a:'), [1, 2], 'the last message was delivered');
    const events = rig.receiver.events(h.id);
    assert.equal(events.at(-1)?.type, 'handover.ended', 'the end is the last event');
    assert.equal(rig.endedEvent(h.id).data.reason, 'agent_ended');
    assert.deepEqual(
      events.map((e) => e.seq),
      range(events.length),
    );
  });
});

describe('Open Messaging: a gateway that answers Genesys too late', () => {
  let rig: Rig;
  before(async () => {
    // Genesys waits 10 s and retries 5 s apart; the emulator here waits 1.5 s and retries after 0.5 s.
    rig = await Rig.start({
      openMessaging: true,
      emulator: { webhookTimeoutMs: 1_500, webhookRetryDelayMs: 500, webhookRetries: 5 },
    });
  });
  after(async () => {
    await rig.close();
  });

  test('calls time out while the gateway is frozen; Genesys retries; nothing is doubled or lost', async () => {
    const h = await rig.start({ endpoint: OM_ENDPOINT });
    await rig.agentSays(h, 'slow a:1');
    await rig.customerSays(h, 'slow c:1', `slow-${h.id}-1`);
    await agentMessagesOnce(rig, h, 'slow a:', 1);

    // The gateway stops answering (SIGSTOP: the kernel still accepts connections) for longer than
    // Genesys waits for an answer; the agent writes meanwhile.
    rig.gw.pause();
    try {
      for (let n = 2; n <= 5; n++) await rig.agentSays(h, `slow a:${n}`);
      await waitFor(
        async () =>
          (await rig.webhookDeliveries(h.convId)).some((d) => d.attempts.some((x) => x.error === 'timeout')),
        { what: 'a webhook call timed out at Genesys', timeoutMs: 15_000 },
      );
      await sleep(1_000); // a retry or two goes unanswered as well
    } finally {
      rig.gw.resume();
    }
    // The first calls (their answers went nowhere) and the retries both reach the gateway now.
    for (let n = 6; n <= 7; n++) await rig.agentSays(h, `slow a:${n}`);
    await rig.customerSays(h, 'slow c:2', `slow-${h.id}-2`);

    await agentMessagesOnce(rig, h, 'slow a:', 7);
    await customerMessagesOnce(rig, h, 'slow c:', 2);
    // Every call was answered 2xx in the end (a retry found its message committed already).
    await waitFor(async () => (await rig.webhookDeliveries(h.convId)).every((d) => d.state === 'delivered'), {
      what: 'every webhook call delivered',
      timeoutMs: 20_000,
    });
    const retried = (await rig.webhookDeliveries(h.convId)).filter((d) => d.attempts.length > 1);
    assert.ok(retried.length > 0, 'Genesys retried');
    assert.equal((await rig.handover(h.id)).state, 'active');
  });
});

describe('Open Messaging: a gateway down longer than all of Genesys’ retries', () => {
  let rig: Rig;
  before(async () => {
    // Genesys gives up after ≈ 85 s (5 retries 5 s apart); the emulator here after ≈ 1 s when the
    // gateway is down (a refused connection fails at once).
    rig = await Rig.start({
      openMessaging: true,
      emulator: { webhookTimeoutMs: 3_000, webhookRetryDelayMs: 300, webhookRetries: 2 },
    });
  });
  after(async () => {
    await rig.close();
  });

  /** Waits until Genesys gave up on `n` agent-message calls of the conversation. */
  const givenUp = (h: OpenHandover, n: number) =>
    waitFor(
      async () =>
        (await rig.webhookDeliveries(h.convId)).filter((d) => d.type === 'Text' && d.state === 'failed')
          .length >= n,
      { what: `Genesys gave up on ${n} webhook calls of ${h.name}`, timeoutMs: 20_000 },
    );

  for (const stop of ['kill -9', 'SIGTERM'] as const) {
    test(`${stop}: what the agents wrote meanwhile is read from the conversation after the restart, once, in order`, async () => {
      const hs = [await rig.start({ endpoint: OM_ENDPOINT }), await rig.start({ endpoint: OM_ENDPOINT })];
      const tag = stop === 'kill -9' ? 'down9' : 'downT';
      for (const [i, h] of hs.entries()) {
        await rig.agentSays(h, `${tag} h${i} a:1`);
        await rig.customerSays(h, `${tag} h${i} c:1`, `${tag}-${h.id}-1`);
        await agentMessagesOnce(rig, h, `${tag} h${i} a:`, 1);
      }

      if (stop === 'kill -9') await rig.gw.kill9();
      else {
        const exit = await rig.gw.sigterm();
        assert.equal(exit.code, 0, `SIGTERM exit ${JSON.stringify(exit)}\n${rig.gw.tail()}`);
      }
      for (const [i, h] of hs.entries())
        for (let n = 2; n <= 5; n++) await rig.agentSays(h, `${tag} h${i} a:${n}`);
      // The bot keeps trying meanwhile (same Idempotency-Key until a 202).
      const botRetries = hs.map((h, i) => rig.customerSays(h, `${tag} h${i} c:2`, `${tag}-${h.id}-2`));
      for (const h of hs) await givenUp(h, 4);

      await rig.gw.restart();
      await Promise.all(botRetries);
      for (const [i, h] of hs.entries()) {
        await agentMessagesOnce(rig, h, `${tag} h${i} a:`, 5);
        // Live again afterwards.
        await rig.agentSays(h, `${tag} h${i} a:6`);
        await rig.customerSays(h, `${tag} h${i} c:3`, `${tag}-${h.id}-3`);
      }
      for (const [i, h] of hs.entries()) {
        await agentMessagesOnce(rig, h, `${tag} h${i} a:`, 6);
        await customerMessagesOnce(rig, h, `${tag} h${i} c:`, 3);
        assert.equal((await rig.handover(h.id)).state, 'active');
      }
    });
  }
});
