// Webhook outages (issue 4, fault 4): a receiver that is down (connection reset), slow (answers after
// the gateway's timeout) or answering 5xx gets retries with backoff; delivery stays ordered per
// handover with no head-of-line blocking across handovers; past `webhooks.maxAgeSeconds` the events
// are dead-lettered, visible through the API and the CLI, and replayable through both.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { HandoverEvent } from '../../src/core/model/events.ts';
import { runGatewayCli } from '../support/gateway-process.ts';
import { waitFor } from '../support/wait-for.ts';
import { OK, type Answer } from '../support/webhook-receiver.ts';
import { sleep } from '../support/sleep.ts';
import { Rig, range, seqs } from './support/rig.ts';

function assertGapFree(events: readonly HandoverEvent[], what: string): void {
  assert.deepEqual(
    events.map((e) => e.seq),
    range(events.length),
    `${what}: seqs ${events.map((e) => e.seq).join(',')}`,
  );
}

describe('a receiver that is down, slow or failing (within the retry period)', () => {
  let rig: Rig;
  before(async () => {
    rig = await Rig.start({ webhooks: { timeoutSeconds: 1, maxAgeSeconds: 3600, maxRetryDelaySeconds: 1 } });
  });
  after(async () => {
    await rig.close();
  });

  test('one handover’s receiver fails (5xx, reset, slow) while another’s flows; both complete in order', async () => {
    const a = await rig.start();
    const b = await rig.start();
    let failA: Answer | undefined;
    rig.receiver.respond = (at) => (at.handoverId === a.id && failA ? failA : OK);
    const outages: Answer[] = [
      { kind: 'status', status: 503 },
      { kind: 'reset' },
      { kind: 'slow', delayMs: 2500 }, // past the gateway's 1 s timeout
      { kind: 'status', status: 500 },
    ];
    let n = 0;
    for (const outage of outages) {
      failA = outage;
      const attemptsBefore = rig.receiver.attempts.length;
      for (let k = 0; k < 2; k++) {
        n += 1;
        await rig.agentSays(a, `wa a:${n}`);
        await rig.agentSays(b, `wb a:${n}`);
      }
      // b is not blocked behind a: its messages arrive while a's receiver is failing.
      const upTo = n;
      await waitFor(() => seqs(rig.agentTexts(b.id), 'wb a:').length >= upTo, {
        what: `b's messages during a's outage (${outage.kind})`,
        timeoutMs: 10_000,
      });
      // The outage lasts until the gateway has run into it at least once.
      await waitFor(() => rig.receiver.attempts.slice(attemptsBefore).some((x) => x.handoverId === a.id), {
        what: `an attempt for a during the ${outage.kind} outage`,
        timeoutMs: 10_000,
      });
      // (A slow receiver may still process what the gateway gave up on: at-least-once, de-duplicated by id.)
      if (outage.kind !== 'slow')
        assert.ok(
          seqs(rig.agentTexts(a.id), 'wa a:').length < upTo,
          `a's receiver was failing (${outage.kind})`,
        );
    }
    failA = undefined; // a's receiver recovers
    const aTexts = await waitFor(
      () => {
        const t = seqs(rig.agentTexts(a.id), 'wa a:');
        return t.length >= n ? t : undefined;
      },
      { what: "a's messages after the recovery", timeoutMs: 30_000 },
    );
    assert.deepEqual(aTexts, range(n));
    assert.deepEqual(seqs(rig.agentTexts(b.id), 'wb a:'), range(n));
    assertGapFree(rig.receiver.events(a.id), 'a');
    assertGapFree(rig.receiver.events(b.id), 'b');
    assert.deepEqual(rig.receiver.orderViolations(), []);
    assert.deepEqual(rig.receiver.rejected, []);
  });

  test('the whole receiver down for a while: every handover catches up, in order, nothing dead', async () => {
    const hs = [await rig.start(), await rig.start(), await rig.start()];
    rig.receiver.respond = () => ({ kind: 'reset' });
    for (let i = 1; i <= 3; i++) for (const h of hs) await rig.agentSays(h, `down a:${i}`);
    await sleep(2500);
    rig.receiver.respond = () => OK;
    for (const h of hs) {
      const t = await waitFor(
        () => {
          const got = seqs(rig.agentTexts(h.id), 'down a:');
          return got.length >= 3 ? got : undefined;
        },
        { what: 'messages after the outage', timeoutMs: 30_000 },
      );
      assert.deepEqual(t, range(3));
      assertGapFree(rig.receiver.events(h.id), h.name);
    }
    assert.deepEqual(rig.receiver.orderViolations(), []);
    assert.deepEqual((await rig.api('GET', '/v1/dead-letters')).body.items, []);
  });
});

describe('past the retry period: dead letters', () => {
  let rig: Rig;
  before(async () => {
    rig = await Rig.start({ webhooks: { timeoutSeconds: 1, maxAgeSeconds: 2, maxRetryDelaySeconds: 1 } });
  });
  after(async () => {
    await rig.close();
  });

  test('events are dead-lettered, listed by the API and the CLI, and replayed by both', async () => {
    const c = await rig.start();
    const d = await rig.start();
    await waitFor(() => rig.receiver.events(c.id).some((e) => e.type === 'handover.agent_joined'), {
      what: 'c joined',
    });
    rig.receiver.respond = (at) => (at.handoverId === c.id ? { kind: 'status', status: 503 } : OK);
    await rig.agentSays(c, 'dl a:1');
    await rig.agentSays(c, 'dl a:2');
    await rig.agentSays(d, 'other a:1');
    await waitFor(() => rig.agentTexts(d.id).includes('other a:1'), { what: "d's message while c's fails" });

    const listed = await waitFor(
      async () => {
        const res = await rig.api('GET', '/v1/dead-letters?endpoint=support&limit=50');
        const mine = (res.body?.items ?? []).filter((i: any) => i.event.handoverId === c.id);
        return mine.length >= 2 ? mine : undefined;
      },
      { what: "c's two dead letters", timeoutMs: 30_000 },
    );
    assert.deepEqual(
      listed.map((i: any) => i.event.data.text),
      ['dl a:1', 'dl a:2'],
    );
    for (const item of listed) {
      assert.ok(item.attempts >= 1);
      assert.match(item.lastError, /503/);
      assert.ok(!Number.isNaN(Date.parse(item.deadAt)));
    }
    assert.deepEqual(rig.agentTexts(c.id), [], 'nothing delivered for c');

    // The CLI sees the same dead letters (read beside the running gateway).
    const cliList = await runGatewayCli(['dead-letters', 'list', '--config', rig.gw.configPath]);
    assert.equal(cliList.code, 0, cliList.stderr);
    for (const item of listed) assert.ok(cliList.stdout.includes(item.event.id), cliList.stdout);

    // Dead letters do not block the handover: with the receiver healthy again, a new event flows.
    rig.receiver.respond = () => OK;
    await rig.agentSays(c, 'dl a:3');
    await waitFor(() => rig.agentTexts(c.id).includes('dl a:3'), { what: 'a new event after the dead ones' });

    // Replay one event with the CLI, the rest of the handover with the API.
    const cliReplay = await runGatewayCli([
      'dead-letters',
      'replay',
      '--config',
      rig.gw.configPath,
      '--event',
      listed[0].event.id,
    ]);
    assert.equal(cliReplay.code, 0, cliReplay.stderr);
    assert.match(cliReplay.stdout, /1/);
    await waitFor(() => rig.agentTexts(c.id).includes('dl a:1'), { what: 'event replayed by the CLI' });
    const replayed = await rig.api('POST', '/v1/dead-letters/replay', { handoverId: c.id });
    assert.equal(replayed.status, 200, JSON.stringify(replayed.body));
    assert.equal(replayed.body.replayed, 1);
    await waitFor(() => rig.agentTexts(c.id).includes('dl a:2'), { what: 'event replayed by the API' });

    // Each exactly once (by event id), and nothing left dead.
    assert.deepEqual(rig.agentTexts(c.id), ['dl a:3', 'dl a:1', 'dl a:2']);
    const left = (await rig.api('GET', '/v1/dead-letters')).body.items.filter(
      (i: any) => i.event.handoverId === c.id,
    );
    assert.deepEqual(left, []);
    // The replayed events keep their ids and seqs: the bot restores the order from seq.
    const bySeq = [...rig.receiver.events(c.id)].sort((x, y) => x.seq - y.seq);
    assertGapFree(bySeq, 'c after replay');
    assert.deepEqual(
      bySeq.flatMap((e) => (e.type === 'handover.agent_message' ? [e.data.text] : [])),
      ['dl a:1', 'dl a:2', 'dl a:3'],
    );
  });
});
