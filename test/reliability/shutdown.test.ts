// Graceful shutdown (issue 4, fault 6): SIGTERM to `genesys-handover serve` mid-traffic — customer
// sends held up at Genesys, so some are in flight — stops taking new work (503 SHUTTING_DOWN),
// finishes the sends in flight and exits 0 within a bound. After a restart nothing accepted is lost
// and nothing is sent twice.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { waitFor } from '../support/wait-for.ts';
import { sleep } from '../support/sleep.ts';
import { Rig, range, seqs, type HttpResult, type OpenHandover } from './support/rig.ts';

let rig: Rig;
before(async () => {
  rig = await Rig.start();
});
after(async () => {
  await rig.close();
});

const EXIT_BOUND_MS = 20_000;

test('defect 7: SIGTERM while Genesys is slow (delays longer than the request timeout) still exits 0 within its limit', async () => {
  const hs: OpenHandover[] = [];
  for (let i = 0; i < 3; i++) hs.push(await rig.start());
  for (const h of hs) {
    // Sends, catch-ups and leaves of every chat hang far longer than any bound of the stop.
    await rig.fault({ kind: 'delay', delayMs: 25_000, count: 10, conversationId: h.convId });
    await rig.fault({ kind: 'drop-streams', conversationId: h.convId });
  }
  for (const [i, h] of hs.entries()) await rig.customerSays(h, `slow h${i} c:1`, `slow-${i}-1`);
  void rig.api('POST', `/v1/handovers/${hs[0]!.id}/end`); // an end in progress too
  await sleep(500);
  const exit = await rig.gw.sigterm(30_000);
  assert.equal(exit.signal, null, rig.gw.tail());
  assert.equal(exit.code, 0, rig.gw.tail());
  assert.doesNotMatch(rig.gw.output(), /shutdown took longer/);
  await rig.emu('DELETE', '/emulator/v1/faults');
  await rig.gw.restart();
  // Nothing accepted is lost: the next life sends what the stop interrupted, and finishes the end.
  for (const [i, h] of hs.entries())
    await waitFor(async () => (await rig.customerTexts(h.convId)).includes(`slow h${i} c:1`), {
      what: `h${i}: the accepted message sent after the restart`,
      timeoutMs: 40_000,
    });
  await waitFor(async () => (await rig.handover(hs[0]!.id)).state === 'ended', {
    what: 'the interrupted end finished',
    timeoutMs: 40_000,
  });
});

test('SIGTERM mid-traffic: 503 SHUTTING_DOWN for new work, exit 0 in bounded time, nothing lost or doubled', async () => {
  const hs: OpenHandover[] = [];
  for (let i = 0; i < 3; i++) hs.push(await rig.start());
  // Every chat's next sends are slow at Genesys: they are in flight when the signal comes.
  for (const h of hs) await rig.fault({ kind: 'delay', delayMs: 1500, count: 2, conversationId: h.convId });
  const accepted = new Map<string, number[]>(hs.map((h) => [h.id, []]));
  for (let n = 1; n <= 3; n++) {
    for (const [i, h] of hs.entries()) {
      await rig.customerSays(h, `sd h${i} c:${n}`, `sd-${i}-${n}`);
      accepted.get(h.id)!.push(n);
    }
  }

  // New work during the drain: answered 503 SHUTTING_DOWN (or no answer once the port is closed).
  const probes: HttpResult[] = [];
  let exited = false;
  const probing = (async () => {
    let n = 4;
    while (!exited) {
      const h = hs[n % hs.length]!;
      const i = hs.indexOf(h);
      const res = await rig.api(
        'POST',
        `/v1/handovers/${h.id}/messages`,
        { text: `sd h${i} c:${n}` },
        {
          'idempotency-key': `sd-${i}-${n}`,
        },
      );
      probes.push(res);
      if (res.status === 202) accepted.get(h.id)!.push(n); // accepted = must arrive, whatever the timing
      if (res.status === 202) n += 1;
      await sleep(50);
    }
  })();
  const exit = await rig.gw.sigterm(30_000);
  exited = true;
  await probing;

  assert.equal(exit.signal, null, `killed by ${String(exit.signal)}:\n${rig.gw.tail()}`);
  assert.equal(exit.code, 0, rig.gw.tail());
  assert.ok(exit.ms < EXIT_BOUND_MS, `took ${exit.ms} ms to exit`);
  assert.match(rig.gw.output(), /SIGTERM: shutting down/);
  const refused = probes.filter((p) => p.status !== 0 && p.status !== 202);
  for (const p of refused) {
    assert.equal(p.status, 503, JSON.stringify(p.body));
    assert.equal(p.body.error.code, 'SHUTTING_DOWN');
  }
  assert.ok(
    refused.length > 0,
    `no 503 SHUTTING_DOWN seen during the drain: ${probes.map((p) => p.status).join(',')}`,
  );

  // The sends in flight were finished, not abandoned: with the gateway gone, at least the first
  // message of each chat is at Genesys already.
  for (const [i, h] of hs.entries())
    assert.ok(
      seqs(await rig.customerTexts(h.convId), `sd h${i} c:`).includes(1),
      `h${i}: the send in flight was not finished`,
    );

  await rig.gw.restart();
  for (const [i, h] of hs.entries()) {
    const want = accepted.get(h.id)!;
    await waitFor(async () => seqs(await rig.customerTexts(h.convId), `sd h${i} c:`).length >= want.length, {
      what: `h${i}: every accepted message at the agent`,
      timeoutMs: 30_000,
    });
    await sleep(300); // a late duplicate would show up now
    assert.deepEqual(seqs(await rig.customerTexts(h.convId), `sd h${i} c:`), want, `h${i}`);
    assert.deepEqual(want.slice(0, 3), range(3));
    assert.equal((await rig.handover(h.id)).state, 'active');
  }
});

test('SIGTERM while a client holds a connection open without sending a request (Node’s fetch leaves one after an aborted call) still exits 0 at once', async () => {
  // Open Messaging makes Genesys a client of the gateway; an HTTP client's pool may keep a socket it
  // never used (undici does after a call it aborted on its own timeout). Node's server.close() waits
  // for such a socket forever: the stop must not.
  const h = await rig.start();
  await rig.customerSays(h, 'idle-socket c:1', `idle-${h.id}-1`);
  const socket: Socket = connect(rig.gw.port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  try {
    const exit = await rig.gw.sigterm(30_000);
    assert.equal(exit.code, 0, rig.gw.tail());
    assert.doesNotMatch(rig.gw.output(), /shutdown took longer/);
  } finally {
    socket.destroy();
  }
  await rig.gw.restart();
  assert.equal((await rig.handover(h.id)).state, 'active');
});
