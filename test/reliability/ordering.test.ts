// The agent → bot order through real processes (issue 8, defects 1, 4 and 6): a live event never
// overtakes an unread gap, a graceful stop persists no cursor past what it read, and the 202 of a
// customer message never waits for a catch-up.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { waitFor } from '../support/wait-for.ts';
import { sleep } from '../support/sleep.ts';
import { Rig, range, seqs } from './support/rig.ts';

describe('order and acceptance (gateway child process)', () => {
  let rig: Rig;
  before(async () => {
    rig = await Rig.start();
  });
  after(async () => {
    await rig.close();
  });

  test('defect 1: SIGTERM during a slow catch-up, then a restart: A1 is not lost, order holds', async () => {
    const h = await rig.start();
    await rig.agentSays(h, 'slow a:1');
    await waitFor(() => rig.agentTexts(h.id).length === 1, { what: 'A1 live' });
    // Every REST call of this chat is slow now: the catch-up after the drop hangs in the delays.
    await rig.fault({ kind: 'delay', delayMs: 8_000, count: 3, conversationId: h.convId });
    await rig.fault({ kind: 'drop-streams', conversationId: h.convId });
    await rig.agentSays(h, 'slow a:2'); // during the gap or on the new stream: after the cursor either way
    await sleep(1_000);
    await rig.agentSays(h, 'slow a:3'); // on the new stream, while the catch-up hangs
    await sleep(300);
    const exit = await rig.gw.sigterm(30_000);
    assert.equal(exit.code, 0, rig.gw.tail());
    assert.deepEqual(
      seqs(rig.agentTexts(h.id), 'slow a:'),
      [1],
      'nothing past the gap was delivered before the stop',
    );
    await rig.emu('DELETE', '/emulator/v1/faults');
    await rig.gw.restart();
    await rig.agentSays(h, 'slow a:4');
    await waitFor(() => seqs(rig.agentTexts(h.id), 'slow a:').length >= 4, {
      what: 'A1–A4',
      timeoutMs: 30_000,
    });
    await sleep(300);
    assert.deepEqual(seqs(rig.agentTexts(h.id), 'slow a:'), range(4));
    assert.equal((await rig.handover(h.id)).state, 'active');
    const events = rig.receiver.events(h.id).map((e) => e.seq);
    assert.deepEqual(events, range(events.length), 'seq without gaps');
  });

  test('defect 4: a catch-up that keeps failing holds the live events back: A1 before A2', async () => {
    const h = await rig.start();
    await rig.fault({
      kind: 'http-error',
      status: 503,
      count: 30,
      retryAfterSeconds: 1,
      conversationId: h.convId,
    });
    await rig.fault({ kind: 'drop-streams', conversationId: h.convId });
    await rig.agentSays(h, 'gap a:1');
    await waitFor(() => /catching up failed/.test(rig.gw.output()), {
      what: 'the catch-up failing',
      timeoutMs: 20_000,
    });
    await rig.agentSays(h, 'gap a:2'); // live, while the catch-up still fails
    await sleep(1_000);
    assert.deepEqual(seqs(rig.agentTexts(h.id), 'gap a:'), [], 'A2 must wait for A1');
    await rig.emu('DELETE', '/emulator/v1/faults');
    await waitFor(() => seqs(rig.agentTexts(h.id), 'gap a:').length >= 2, {
      what: 'A1, A2',
      timeoutMs: 40_000,
    });
    assert.deepEqual(seqs(rig.agentTexts(h.id), 'gap a:'), [1, 2]);
  });

  test('defect 6: the 202 does not wait for a catch-up held up by 429s or a restart during an outage', async () => {
    const h = await rig.start();
    // The catch-up after this drop waits in a long delay; a message written in the gap proves it has not finished.
    await rig.fault({ kind: 'delay', delayMs: 15_000, count: 2, conversationId: h.convId });
    await rig.fault({ kind: 'drop-streams', conversationId: h.convId });
    await rig.agentSays(h, 'held a:1');
    await sleep(500);
    const res = await rig.api(
      'POST',
      `/v1/handovers/${h.id}/messages`,
      { text: 'accepted now' },
      { 'idempotency-key': 'held-1' },
    );
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.deepEqual(
      rig.agentTexts(h.id).filter((t) => t.startsWith('held')),
      [],
      'the catch-up was still running',
    );

    // After a kill -9, Genesys is answering 503 to every call of the chat: the restarted gateway
    // cannot catch up, yet accepts the bot's messages at once.
    const k = await rig.start();
    await rig.gw.kill9();
    await rig.agentSays(k, 'outage a:1');
    await rig.fault({
      kind: 'http-error',
      status: 503,
      count: 25,
      retryAfterSeconds: 1,
      conversationId: k.convId,
    });
    await rig.gw.restart();
    const during = await rig.api(
      'POST',
      `/v1/handovers/${k.id}/messages`,
      { text: 'during the outage' },
      { 'idempotency-key': 'out-1' },
    );
    assert.equal(during.status, 202, JSON.stringify(during.body));
    assert.deepEqual(
      rig.agentTexts(k.id).filter((t) => t.startsWith('outage')),
      [],
    );
    await rig.emu('DELETE', '/emulator/v1/faults');
    await waitFor(async () => (await rig.customerTexts(k.convId)).includes('during the outage'), {
      what: 'sent after the outage',
      timeoutMs: 40_000,
    });
    await waitFor(() => rig.agentTexts(k.id).includes('outage a:1'), {
      what: 'the gap read',
      timeoutMs: 40_000,
    });
    await waitFor(async () => (await rig.customerTexts(h.convId)).includes('accepted now'), {
      what: 'the first one sent too',
      timeoutMs: 40_000,
    });
  });
});
