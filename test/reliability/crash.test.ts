// Crash and restart (issue 4, fault 2): the gateway is `kill -9`ed while messages are in flight both
// ways — customer messages accepted but not yet sent (a send held up by a delay, another by 503s),
// agent messages written while it is dead — and restarted on the same SQLite file and port. Every
// unended handover is re-attached and backfilled; every customer message reaches the agent exactly
// once and in order; every agent message reaches the bot's webhook exactly once and in order.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { waitFor } from '../support/wait-for.ts';
import { sleep } from '../support/sleep.ts';
import { Rig, range, seqs, type OpenHandover } from './support/rig.ts';

let rig: Rig;
before(async () => {
  rig = await Rig.start();
});
after(async () => {
  await rig.close();
});

const customerMsg = (i: number, n: number) => `crash h${i} c:${n}`;
const agentMsg = (i: number, n: number) => `crash h${i} a:${n}`;

test('kill -9 mid-traffic, restart: every handover re-attached, both directions exactly once and in order', async () => {
  const hs: OpenHandover[] = [];
  for (let i = 0; i < 4; i++) hs.push(await rig.start());
  const [h0, h1] = hs as [OpenHandover, OpenHandover];

  // Sends in flight at the crash: h0's first send is held for 4 s (the outcome is unknown when the
  // gateway dies), h1's first sends fail with 503 and are being retried.
  await rig.fault({ kind: 'delay', delayMs: 4000, count: 1, conversationId: h0.convId });
  await rig.fault({
    kind: 'http-error',
    status: 503,
    count: 4,
    retryAfterSeconds: 1,
    conversationId: h1.convId,
  });

  // Both directions, three messages each, all handovers at once.
  const firstAnswers = new Map<number, any>();
  await Promise.all(
    hs.map(async (h, i) => {
      for (let n = 1; n <= 3; n++) {
        const answer = await rig.customerSays(h, customerMsg(i, n), `crash-${i}-${n}`);
        if (n === 1) firstAnswers.set(i, answer);
        await rig.agentSays(h, agentMsg(i, n));
      }
    }),
  );
  const beforeCrash = await rig.customerTexts(h0.convId);
  await rig.gw.kill9();
  // Precondition of the scenario: h0's accepted messages had not all reached the agent at the crash.
  assert.ok(!beforeCrash.includes(customerMsg(0, 3)), `h0 was already fully sent: ${beforeCrash.join(', ')}`);

  // While the gateway is dead: the agents keep writing (Genesys does not replay, protocol §9.7),
  // and the bot keeps trying to send (it retries with the same Idempotency-Key until accepted).
  for (const [i, h] of hs.entries()) {
    await rig.agentSays(h, agentMsg(i, 4));
    await rig.agentSays(h, agentMsg(i, 5));
  }
  const botRetries = hs.map((h, i) => rig.customerSays(h, customerMsg(i, 4), `crash-${i}-4`));
  await sleep(500);
  assert.equal((await rig.api('GET', '/healthz')).status, 0, 'the gateway is down');

  await rig.gw.restart();
  await Promise.all(botRetries);
  // A bot that never saw the answer to an accepted message retries it with the same Idempotency-Key
  // after the crash: the same parts come back (202) and nothing new is created.
  for (const [i, h] of hs.entries()) {
    const again = await rig.customerSays(h, customerMsg(i, 1), `crash-${i}-1`);
    assert.deepEqual(again, firstAnswers.get(i), `h${i}: the idempotent retry returns the first answer`);
  }
  for (const [i, h] of hs.entries()) {
    await rig.customerSays(h, customerMsg(i, 5), `crash-${i}-5`);
    await rig.agentSays(h, agentMsg(i, 6));
    await rig.customerSays(h, customerMsg(i, 6), `crash-${i}-6`);
  }

  for (const [i, h] of hs.entries()) {
    // Customer → agent: exactly once, in order, at the Genesys side.
    const sent = await waitFor(
      async () => {
        const got = seqs(await rig.customerTexts(h.convId), `crash h${i} c:`);
        return got.length >= 6 ? got : undefined;
      },
      { what: `six customer messages of h${i} at the emulator`, timeoutMs: 30_000 },
    ).catch(async (err: unknown) => {
      throw new Error(
        `${String(err)}; got ${JSON.stringify(await rig.customerTexts(h.convId))}\n${rig.gw.tail()}`,
      );
    });
    await sleep(200); // a late duplicate would show up now
    assert.deepEqual(seqs(await rig.customerTexts(h.convId), `crash h${i} c:`), range(6), `h${i} customer`);
    assert.deepEqual(sent.slice(0, 6), range(6));

    // Agent → bot: the webhook got every agent message once (after de-dup by event id), in order.
    const texts = await waitFor(
      () => {
        const t = seqs(rig.agentTexts(h.id), `crash h${i} a:`);
        return t.length >= 6 ? t : undefined;
      },
      { what: `six agent messages of h${i} at the receiver`, timeoutMs: 30_000 },
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; got ${JSON.stringify(rig.agentTexts(h.id))}\n${rig.gw.tail()}`);
    });
    assert.deepEqual(texts, range(6), `h${i} agent`);

    // Re-attached: still active, events numbered without gaps, and the live stream works again.
    const got = await rig.handover(h.id);
    assert.equal(got.state, 'active');
    const events = rig.receiver.events(h.id);
    assert.deepEqual(
      events.map((e) => e.seq),
      range(events.length),
      `h${i} event seqs`,
    );
  }
  assert.deepEqual(rig.receiver.rejected, []);
});

test('a handover started just before the crash (not yet at Genesys or not yet queued) comes up after the restart', async () => {
  // The create call is held up, so the crash hits a handover that has no Genesys conversation yet
  // or whose conversation exists but was never attached.
  await rig.fault({ kind: 'delay', delayMs: 1500, count: 1 });
  const name = `crash-early-${process.pid}`;
  const res = await rig.api('POST', '/v1/handovers', {
    endpoint: 'support',
    customer: { userId: `u-${name}`, sessionId: `s-${name}`, displayName: name },
  });
  assert.equal(res.status, 201);
  const id: string = res.body.id;
  await rig.gw.kill9();
  await rig.gw.restart();
  const h = await rig.start({ name }); // same customer session: the same handover (200), then joined
  assert.equal(h.id, id);
  const convs = (await rig.emu('GET', '/emulator/v1/conversations')).body.entities.filter(
    (c: any) => c.customer?.displayName === name && c.state !== 'ended' && c.state !== 'awaiting-stream',
  );
  assert.equal(convs.length, 1, 'one routed Genesys conversation for the handover');
  await rig.customerSays(h, 'after the early crash', 'crash-early-1');
  await waitFor(async () => (await rig.customerTexts(h.convId)).includes('after the early crash'), {
    what: 'message after the early crash',
  });
});
