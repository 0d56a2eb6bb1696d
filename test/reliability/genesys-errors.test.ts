// Genesys errors (issue 4, fault 3), injected with the emulator's faults API against the gateway as a
// child process: 429 honours Retry-After; 5xx/504 are retried with backoff and the order per
// handover holds; transient errors on the calls that follow a reconnect (backfill, member lookup)
// lose nothing; a circuit breaker per Genesys environment opens on a run of 503s and closes after;
// permanent errors (a JWT rejected, an unknown queue) end or fail the handover with Genesys' code,
// and the bot is told.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { waitFor } from '../support/wait-for.ts';
import { sleep } from '../support/sleep.ts';
import { Rig, range, seqs, type OpenHandover } from './support/rig.ts';

async function customerSeqs(rig: Rig, h: OpenHandover, prefix: string, n: number): Promise<number[]> {
  await waitFor(async () => seqs(await rig.customerTexts(h.convId), prefix).length >= n, {
    what: `${n} customer messages ${prefix}`,
    timeoutMs: 30_000,
  }).catch(async (err: unknown) => {
    throw new Error(`${String(err)}: ${JSON.stringify(await rig.customerTexts(h.convId))}\n${rig.gw.tail()}`);
  });
  await sleep(300); // a late duplicate would show up now
  return seqs(await rig.customerTexts(h.convId), prefix);
}

describe('transient Genesys errors', () => {
  let rig: Rig;
  before(async () => {
    rig = await Rig.start({ viaProxy: true });
  });
  after(async () => {
    await rig.close();
  });

  test('429 with Retry-After: the send is not retried before it, and is delivered once', async () => {
    const h = await rig.start();
    await sleep(1_000); // the calls that follow an agent's join are over: the fault meets the send
    await rig.fault({
      kind: 'http-error',
      status: 429,
      count: 1,
      retryAfterSeconds: 2,
      conversationId: h.convId,
    });
    const t0 = Date.now(); // the 429 is answered after this instant
    await rig.customerSays(h, 'rl c:1', 'rl-1');
    await rig.customerSays(h, 'rl c:2', 'rl-2');
    assert.deepEqual(await customerSeqs(rig, h, 'rl c:', 2), [1, 2]);
    const first = ((await rig.conversation(h.convId)).messages as any[]).find((m) => m.body === 'rl c:1');
    const waited = Date.parse(first.timestamp) - t0;
    assert.ok(waited >= 2000, `retried ${waited} ms after the 429, before its Retry-After of 2 s`);
    assert.deepEqual((await rig.emu('GET', '/emulator/v1/faults')).body.pending, []);
  });

  test('503, 504 and 500 are retried; order per handover holds; agent messages are not held up meanwhile', async () => {
    const h = await rig.start();
    for (const status of [503, 504, 503, 500, 504])
      await rig.fault({
        kind: 'http-error',
        status,
        count: 1,
        retryAfterSeconds: 1,
        conversationId: h.convId,
      });
    for (let i = 1; i <= 5; i++) await rig.customerSays(h, `5xx c:${i}`, `5xx-${h.id}-${i}`);
    // The customer's sends are being retried; the agent's messages still flow to the bot.
    await rig.agentSays(h, '5xx a:1');
    await waitFor(() => rig.agentTexts(h.id).includes('5xx a:1'), { what: 'agent message during retries' });
    assert.deepEqual(await customerSeqs(rig, h, '5xx c:', 5), range(5));
    assert.equal((await rig.handover(h.id)).state, 'active');
  });

  test('transient errors on the member lookups of live events lose nothing (the agent join is seen)', async () => {
    const h = await rig.start({ join: false });
    await waitFor(() => rig.receiver.events(h.id).some((e) => e.type === 'handover.queued'), {
      what: 'queued',
    });
    // Events carry member ids only (§9.4): the agent's ALERTING and CONNECTED each need a GET member,
    // and both answer 503 here.
    await rig.fault({
      kind: 'http-error',
      status: 503,
      count: 2,
      retryAfterSeconds: 1,
      conversationId: h.convId,
    });
    const joined = await rig.emu('POST', `/emulator/v1/conversations/${h.convId}/agent/join`, {});
    assert.ok(joined.status < 300);
    await rig.agentSays(h, 'lookup a:1');
    await waitFor(() => rig.agentTexts(h.id).includes('lookup a:1'), { what: 'agent message' });
    await waitFor(() => rig.receiver.events(h.id).some((e) => e.type === 'handover.agent_joined'), {
      what: 'handover.agent_joined after 503s on the member lookups',
      timeoutMs: 15_000,
    }).catch((err: unknown) => {
      throw new Error(
        `${String(err)}: got ${rig.receiver
          .events(h.id)
          .map((e) => e.type)
          .join(', ')}`,
      );
    });
    await waitFor(async () => (await rig.handover(h.id)).state === 'active', { what: 'active' });
  });

  test('a transient error on the backfill after a reconnect loses nothing', async () => {
    const h = await rig.start();
    await rig.agentSays(h, 'bf a:1');
    await waitFor(() => rig.agentTexts(h.id).includes('bf a:1'), { what: 'first message' });
    rig.proxy!.cut();
    await rig.agentSays(h, 'bf a:2');
    await rig.agentSays(h, 'bf a:3');
    // The first guest calls after the network heals (history, members) answer 503.
    await rig.fault({
      kind: 'http-error',
      status: 503,
      count: 2,
      retryAfterSeconds: 1,
      conversationId: h.convId,
    });
    await sleep(1000);
    rig.proxy!.heal();
    await sleep(500);
    await rig.agentSays(h, 'bf a:4');
    const got = await waitFor(
      () => {
        const t = seqs(rig.agentTexts(h.id), 'bf a:');
        return t.length >= 4 ? t : undefined;
      },
      { what: 'four agent messages', timeoutMs: 20_000 },
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}: got ${JSON.stringify(rig.agentTexts(h.id))}\n${rig.gw.tail()}`);
    });
    assert.deepEqual(got, range(4));
  });

  test('a run of 503s opens the circuit breaker (metric), which closes after; nothing lost, order kept', async () => {
    const h = await rig.start();
    const gauge = async () =>
      (await rig.metric('genesys_handover_genesys_circuit_open')).reduce(
        (max, m) => Math.max(max, m.value),
        0,
      );
    assert.equal(await gauge(), 0, 'closed before the outage');
    await rig.fault({ kind: 'http-error', status: 503, count: 500, retryAfterSeconds: 1 });
    for (let i = 1; i <= 3; i++) await rig.customerSays(h, `cb c:${i}`, `cb-${h.id}-${i}`);
    await waitFor(async () => (await gauge()) === 1, {
      what: 'genesys_handover_genesys_circuit_open = 1',
      timeoutMs: 30_000,
    });
    const lines = await rig.metric('genesys_handover_genesys_circuit_open');
    assert.ok(
      lines.some((l) => /environment="[^"]+"/.test(l.labels) && l.value === 1),
      JSON.stringify(lines),
    );
    await rig.emu('DELETE', '/emulator/v1/faults'); // Genesys recovers
    await waitFor(async () => (await gauge()) === 0, {
      what: 'the breaker closes after the outage',
      timeoutMs: 60_000,
    });
    assert.deepEqual(await customerSeqs(rig, h, 'cb c:', 3), range(3));
    assert.equal((await rig.handover(h.id)).state, 'active');
  });
});

describe('the circuit breaker and new handovers (issue 8, defect 8)', () => {
  let rig: Rig;
  before(async () => {
    rig = await Rig.start();
  });
  after(async () => {
    await rig.close();
  });

  test('a handover started while the breaker is open waits for its trial and is queued, not failed; messages get 202 at once', async () => {
    const active = await rig.start();
    const gauge = async () =>
      (await rig.metric('genesys_handover_genesys_circuit_open')).reduce(
        (max, m) => Math.max(max, m.value),
        0,
      );
    // A short outage: enough 503s to open the breaker (5 in a row), gone before its 10 s cooldown ends.
    await rig.fault({ kind: 'http-error', status: 503, count: 6, retryAfterSeconds: 1 });
    const started = await rig.api('POST', '/v1/handovers', {
      endpoint: 'support',
      customer: { userId: 'u-breaker', sessionId: 's-breaker', displayName: 'Breaker Customer' },
    });
    assert.equal(started.status, 201);
    await waitFor(async () => (await gauge()) === 1, { what: 'the breaker open', timeoutMs: 20_000 });
    // While it is open: a customer message is accepted at once (the 202 needs only the local commit).
    const during = await rig.api(
      'POST',
      `/v1/handovers/${active.id}/messages`,
      { text: 'while open' },
      { 'idempotency-key': 'breaker-1' },
    );
    assert.equal(during.status, 202, JSON.stringify(during.body));
    assert.equal(await gauge(), 1, 'still open when the 202 came');
    const queued = await waitFor(
      async () => {
        const h = await rig.handover(started.body.id);
        return h.state === 'queued' || h.state === 'failed' ? h : undefined;
      },
      { what: 'the new handover settled', timeoutMs: 40_000 },
    );
    assert.equal(queued.state, 'queued', JSON.stringify(queued));
    assert.ok(!rig.eventTypes(started.body.id).includes('handover.failed'));
    await waitFor(async () => (await rig.customerTexts(active.convId)).includes('while open'), {
      what: 'the message sent once the breaker closed',
      timeoutMs: 30_000,
    });
  });
});

describe('permanent Genesys errors', () => {
  let rig: Rig;
  before(async () => {
    // Guest JWTs that expire after 4 s: Genesys then answers 401 credentials.expired (§3.2).
    rig = await Rig.start({
      emulator: { jwtLifetimeSeconds: 4 },
      moreEndpoints: [{ id: 'broken', queue: 'No Such Queue' }],
    });
  });
  after(async () => {
    await rig.close();
  });

  test('a JWT rejected mid-conversation ends the handover with the Genesys code, and the bot is told', async () => {
    const h = await rig.start();
    const created = Date.parse((await rig.conversation(h.convId)).createdAt);
    await sleep(Math.max(0, created + 4500 - Date.now()));
    await rig.customerSays(h, 'too late', 'jwt-1');
    const ended = await waitFor(
      () =>
        rig.receiver.events(h.id).find((e) => e.type === 'handover.ended' || e.type === 'handover.failed'),
      { what: 'the bot is told', timeoutMs: 20_000 },
    );
    assert.equal(ended.type, 'handover.ended');
    assert.equal(ended.data.reason, 'provider_error');
    const got = await rig.handover(h.id);
    assert.equal(got.state, 'ended');
    assert.equal(got.endReason, 'provider_error');
    assert.equal(got.failure?.code, 'credentials.expired');
    // Not retried forever: one 401 was enough.
    const calls = await rig.metric('genesys_handover_genesys_calls_total');
    const sends401 = calls.filter((c) => /status="401"/.test(c.labels)).reduce((n, c) => n + c.value, 0);
    assert.ok(sends401 >= 1 && sends401 <= 5, `401 answered ${sends401} times`);
  });

  test('a create refused with 400 (unknown queue) fails the handover with the Genesys code', async () => {
    const res = await rig.api('POST', '/v1/handovers', {
      endpoint: 'broken',
      customer: { userId: 'u-broken', sessionId: 's-broken', displayName: 'Broken Queue' },
    });
    assert.equal(res.status, 201);
    const failed = await waitFor(
      () => rig.receiver.events(res.body.id).find((e) => e.type === 'handover.failed'),
      { what: 'handover.failed' },
    );
    assert.equal(failed.data.error.code, 'chat.error.invalid.queue');
    const got = await rig.handover(res.body.id);
    assert.equal(got.state, 'failed');
    assert.equal(got.failure.code, 'chat.error.invalid.queue');
  });
});
