// Abandonment and limits (issue 4, fault 5), against the gateway as a child process: a customer
// silent past the endpoint's inactivity grace while an agent is connected is taken out of the chat
// (the agent sees a notice first) and the handover ends `customer_abandoned`; customer activity
// (messages, typing, presence `back`) keeps it alive; the session duration ends idle handovers
// `expired`; presence `away`/`back` reaches the agent as notices.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { waitFor } from '../support/wait-for.ts';
import { sleep } from '../support/sleep.ts';
import { Rig, type OpenHandover } from './support/rig.ts';

describe('abandonment, session duration and presence', () => {
  let rig: Rig;
  before(async () => {
    rig = await Rig.start({
      moreEndpoints: [
        { id: 'abandon', inactivityGraceSeconds: 2 },
        { id: 'expiry', sessionDurationSeconds: 2 },
      ],
    });
  });
  after(async () => {
    await rig.close();
  });

  const endedEvent = (h: OpenHandover) =>
    waitFor(
      () => {
        const e = rig.receiver.events(h.id).find((x) => x.type === 'handover.ended');
        return e?.type === 'handover.ended' ? e : undefined;
      },
      { what: 'handover.ended', timeoutMs: 20_000 },
    );

  test('a silent customer is taken out of the chat after the grace: notice first, then customer_abandoned', async () => {
    const h = await rig.start({ endpoint: 'abandon' });
    const ended = await endedEvent(h);
    assert.equal(ended.data.reason, 'customer_abandoned');
    const got = await rig.handover(h.id);
    assert.equal(got.state, 'ended');
    assert.equal(got.endReason, 'customer_abandoned');
    // At Genesys: the agent saw a notice from the customer's side, then the guest left.
    const conv = await waitFor(
      async () => {
        const c = await rig.conversation(h.convId);
        return c.state === 'ended' ? c : undefined;
      },
      { what: 'the Genesys chat ended' },
    );
    const customer = (conv.members as any[]).find((m) => m.role === 'CUSTOMER');
    assert.equal(customer.state, 'DISCONNECTED');
    const messages = conv.messages as any[];
    const notice = messages.findIndex((m) => m.bodyType === 'notice' && m.senderRole === 'CUSTOMER');
    assert.ok(notice >= 0, `no notice: ${JSON.stringify(messages.map((m) => [m.bodyType, m.body]))}`);
    assert.match(messages[notice].body, /inactive/i);
    const leave = messages.findIndex((m) => m.bodyType === 'member-leave' && m.senderRole === 'CUSTOMER');
    assert.ok(leave > notice, 'the notice came before the guest left');
  });

  test('customer activity (messages, typing, presence back) keeps the handover alive past the grace', async () => {
    const h = await rig.start({ endpoint: 'abandon' });
    // Activity every ~0.5 s for twice the grace.
    const acts: (() => Promise<unknown>)[] = [
      () => rig.customerSays(h, `still here ${Date.now()}`, `alive-${Date.now()}`),
      () => rig.api('POST', `/v1/handovers/${h.id}/typing`),
      () => rig.api('POST', `/v1/handovers/${h.id}/presence`, { status: 'back' }),
    ];
    for (let i = 0; i < 8; i++) {
      const res: any = await acts[i % acts.length]!();
      if (res?.status !== undefined) assert.equal(res.status, 202, JSON.stringify(res.body));
      await sleep(500);
    }
    assert.equal((await rig.handover(h.id)).state, 'active');
    // Then silence: the grace applies.
    assert.equal((await endedEvent(h)).data.reason, 'customer_abandoned');
  });

  test('no agent connected: the inactivity grace does not apply (a queued customer is waiting, not silent)', async () => {
    const h = await rig.start({ endpoint: 'abandon', join: false });
    await sleep(3500);
    assert.equal((await rig.handover(h.id)).state, 'queued');
    await rig.join(h); // the agent comes: from now on the customer must answer
    assert.equal((await endedEvent(h)).data.reason, 'customer_abandoned');
  });

  test('the session duration ends an idle handover: expired, and the guest leaves the chat', async () => {
    const h = await rig.start({ endpoint: 'expiry' });
    const ended = await endedEvent(h);
    assert.equal(ended.data.reason, 'expired');
    assert.equal((await rig.handover(h.id)).endReason, 'expired');
    await waitFor(async () => (await rig.conversation(h.convId)).state === 'ended', {
      what: 'the Genesys chat ended',
    });
  });

  test('messages in either direction keep a session alive', async () => {
    const h = await rig.start({ endpoint: 'expiry' });
    for (let i = 0; i < 8; i++) {
      if (i % 2) await rig.agentSays(h, `keep ${i}`);
      else await rig.customerSays(h, `keep ${i}`, `keep-${h.id}-${i}`);
      await sleep(500);
    }
    assert.equal((await rig.handover(h.id)).state, 'active');
    assert.equal((await endedEvent(h)).data.reason, 'expired');
  });

  test('presence away/back: the agent sees notices, in order with the messages; bad input is refused', async () => {
    const h = await rig.start();
    await rig.customerSays(h, 'before away', `p-${h.id}-1`);
    const away = await rig.api('POST', `/v1/handovers/${h.id}/presence`, { status: 'away' });
    assert.equal(away.status, 202, JSON.stringify(away.body));
    const back = await rig.api('POST', `/v1/handovers/${h.id}/presence`, { status: 'back' });
    assert.equal(back.status, 202);
    await rig.customerSays(h, 'after back', `p-${h.id}-2`);
    const bodies = await waitFor(
      async () => {
        const c = await rig.conversation(h.convId);
        const mine = (c.messages as any[])
          .filter(
            (m) => m.senderRole === 'CUSTOMER' && (m.bodyType === 'notice' || m.bodyType === 'standard'),
          )
          .map((m) => `${m.bodyType}:${m.body}`);
        return mine.length >= 4 ? mine : undefined;
      },
      { what: 'notices at the agent' },
    );
    assert.deepEqual(bodies, [
      'standard:before away',
      'notice:The customer left the conversation.',
      'notice:The customer is back.',
      'standard:after back',
    ]);
    // The bot never gets its own notices back.
    assert.ok(!rig.receiver.events(h.id).some((e) => e.type === 'handover.system_message'));
    const bad = await rig.api('POST', `/v1/handovers/${h.id}/presence`, { status: 'gone' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
  });
});
