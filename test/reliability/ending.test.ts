// How handovers end, through real processes and the emulator's fault API (issue 8, defects 2, 3
// and 5): "a handover ends only after everything accepted before the end has reached its side or
// has been reported".
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { waitFor } from '../support/wait-for.ts';
import { sleep } from '../support/sleep.ts';
import { Rig } from './support/rig.ts';

describe('ends (gateway child process)', () => {
  let rig: Rig;
  before(async () => {
    rig = await Rig.start({ handovers: { flushOnEndSeconds: 5, endWaitSeconds: 20 } });
  });
  after(async () => {
    await rig.close();
  });

  const customerLeft = async (convId: string): Promise<boolean> => {
    const c = await rig.conversation(convId);
    return (c.members as any[]).some((m) => m.role === 'CUSTOMER' && m.state === 'DISCONNECTED');
  };

  test('defect 2: /end sends a message accepted during 503s first, and the guest really leaves', async () => {
    const h = await rig.start();
    await rig.fault({
      kind: 'http-error',
      status: 503,
      count: 3,
      retryAfterSeconds: 1,
      conversationId: h.convId,
    });
    await rig.customerSays(h, 'M1 before the end', 'end-m1');
    const res = await rig.api('POST', `/v1/handovers/${h.id}/end`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.state, 'ended');
    assert.equal(res.body.endReason, 'customer_ended');
    assert.deepEqual(await rig.customerTexts(h.convId), ['M1 before the end']);
    assert.equal(await customerLeft(h.convId), true, 'the guest is DISCONNECTED at Genesys');
    const ended = await waitFor(() => rig.endedEvent(h.id), { what: 'handover.ended' });
    assert.equal(ended.data.undelivered, undefined);
  });

  test('defect 2 (limit): what cannot be sent within the flush limit is reported undelivered, and the agent never got it', async () => {
    const h = await rig.start();
    // Every guest call of this chat fails for a while: the send, then the leave, until the faults run out.
    await rig.fault({
      kind: 'http-error',
      status: 503,
      count: 12,
      retryAfterSeconds: 1,
      conversationId: h.convId,
    });
    await rig.customerSays(h, 'M1 lost to the outage', 'end-lost');
    const res = await rig.api('POST', `/v1/handovers/${h.id}/end`);
    assert.ok(res.status === 200 || res.status === 202, JSON.stringify(res.body));
    const ended = await waitFor(() => rig.endedEvent(h.id), { what: 'handover.ended', timeoutMs: 150_000 });
    assert.equal(ended.data.reason, 'customer_ended');
    assert.deepEqual(
      ended.data.undelivered.map((u: { text: string }) => u.text),
      ['M1 lost to the outage'],
    );
    assert.equal(ended.data.undelivered[0].clientMessageId, 'end-lost');
    assert.deepEqual(await rig.customerTexts(h.convId), [], 'reported undelivered = the agent never got it');
    assert.equal(await customerLeft(h.convId), true);
    const transcript = await rig.api('GET', `/v1/handovers/${h.id}/transcript`);
    const line = (transcript.body.items as any[]).find((l) => l.text === 'M1 lost to the outage');
    assert.equal(line.delivery, 'undelivered');
  });

  test('defect 3: /end while the stream is reconnecting still delivers the agent’s last message first', async () => {
    const h = await rig.start();
    await rig.fault({ kind: 'drop-streams', conversationId: h.convId });
    await rig.agentSays(h, 'your ticket is 4711');
    const res = await rig.api('POST', `/v1/handovers/${h.id}/end`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const types = rig.eventTypes(h.id);
    await waitFor(() => rig.endedEvent(h.id), { what: 'handover.ended' });
    assert.deepEqual(rig.agentTexts(h.id), ['your ticket is 4711']);
    const all = rig.eventTypes(h.id);
    assert.ok(all.indexOf('handover.agent_message') < all.indexOf('handover.ended'), all.join(','));
    assert.equal(all.at(-1), 'handover.ended', types.join(','));
  });

  test('defect 5: when the agent ends first, messages still waiting are reported undelivered', async () => {
    const h = await rig.start();
    await rig.fault({
      kind: 'http-error',
      status: 503,
      count: 40,
      retryAfterSeconds: 1,
      conversationId: h.convId,
    });
    await rig.customerSays(h, 'P1', 'pend-1');
    await rig.customerSays(h, 'P2', 'pend-2');
    const left = await rig.emu('POST', `/emulator/v1/conversations/${h.convId}/agent/leave`);
    assert.equal(left.status < 300, true, JSON.stringify(left.body));
    await rig.emu('DELETE', '/emulator/v1/faults');
    const ended = await waitFor(() => rig.endedEvent(h.id), { what: 'handover.ended', timeoutMs: 30_000 });
    assert.equal(ended.data.reason, 'agent_ended');
    assert.deepEqual(
      ended.data.undelivered.map((u: { text: string; clientMessageId: string }) => [
        u.text,
        u.clientMessageId,
      ]),
      [
        ['P1', 'pend-1'],
        ['P2', 'pend-2'],
      ],
    );
    assert.deepEqual(await rig.customerTexts(h.convId), []);
    assert.equal((await rig.handover(h.id)).state, 'ended');
  });

  test('a message posted after /end began is refused with HANDOVER_ENDING or HANDOVER_NOT_ACTIVE, never lost silently', async () => {
    const h = await rig.start();
    await rig.fault({ kind: 'delay', delayMs: 2_000, count: 1, conversationId: h.convId });
    const ending = rig.api('POST', `/v1/handovers/${h.id}/end`);
    await sleep(300);
    const late = await rig.api('POST', `/v1/handovers/${h.id}/messages`, { text: 'too late' });
    assert.equal(late.status, 409, JSON.stringify(late.body));
    assert.ok(['HANDOVER_ENDING', 'HANDOVER_NOT_ACTIVE'].includes(late.body.error.code));
    assert.equal((await ending).status, 200);
  });
});
