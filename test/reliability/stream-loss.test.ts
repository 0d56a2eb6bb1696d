// Event-stream loss (issue 4, fault 1). Guest chat does not replay events missed while the socket
// was down (protocol §9.7): the gateway reconnects, backfills `GET …/messages?after=<cursor>`,
// de-duplicates by Genesys message id and re-reads the members, so a join, transfer or end that
// happened meanwhile is not missed. Past the grace, the handover ends `provider_error`.
//
// Drops come from the emulator's faults API (sockets killed without a close frame, like a network
// drop) and, where the gap must be long enough to be sure something happens inside it, from a TCP
// proxy between gateway and emulator that cuts the network until the test heals it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseConfig } from '../../src/config/load.ts';
import { startEmulator } from '../../src/emulator/index.ts';
import { startGateway } from '../../src/composition/start-gateway.ts';
import { waitFor } from '../support/wait-for.ts';
import { WebhookReceiver } from '../support/webhook-receiver.ts';
import { sleep } from '../support/sleep.ts';
import { Rig, call, range, seqs, type OpenHandover } from './support/rig.ts';
import { TcpProxy } from './support/tcp-proxy.ts';

describe('stream drops and network cuts (gateway child process)', () => {
  let rig: Rig;
  before(async () => {
    rig = await Rig.start({ viaProxy: true });
  });
  after(async () => {
    await rig.close();
  });

  const proxy = () => rig.proxy!;
  const eventTypes = (h: OpenHandover) => rig.receiver.events(h.id).map((e) => e.type);

  test('drops while the agent writes: every message reaches the bot once and in order', async () => {
    const h = await rig.start();
    let n = 0;
    for (let round = 0; round < 4; round++) {
      await rig.agentSays(h, `drop a:${++n}`);
      const dropped = await rig.emu('POST', '/emulator/v1/faults', {
        kind: 'drop-streams',
        conversationId: h.convId,
      });
      assert.equal(dropped.status, 200);
      // Written right after the drop: most land while the gateway is reconnecting.
      await rig.agentSays(h, `drop a:${++n}`);
      await rig.agentSays(h, `drop a:${++n}`);
      await sleep(300);
    }
    const texts = await waitFor(
      () => {
        const t = seqs(rig.agentTexts(h.id), 'drop a:');
        return t.length >= n ? t : undefined;
      },
      { what: `${n} agent messages`, timeoutMs: 20_000 },
    );
    await sleep(300);
    assert.deepEqual(seqs(rig.agentTexts(h.id), 'drop a:'), range(n));
    assert.deepEqual(texts, range(n));
    // The transcript holds each once too (backfill and live stream de-duplicated by message id).
    const transcript = (await rig.api('GET', `/v1/handovers/${h.id}/transcript`)).body.items as any[];
    assert.deepEqual(
      seqs(
        transcript.filter((i) => i.role === 'agent').map((i) => i.text as string),
        'drop a:',
      ),
      range(n),
    );
    assert.equal((await rig.handover(h.id)).state, 'active');
  });

  test('a network cut: messages written meanwhile are backfilled once, in order, with customer messages in both directions', async () => {
    const h = await rig.start();
    await rig.agentSays(h, 'cut a:1');
    await rig.customerSays(h, 'cut c:1', `cut-${h.id}-1`);
    await waitFor(() => rig.agentTexts(h.id).includes('cut a:1'), { what: 'first agent message' });

    proxy().cut();
    for (let i = 2; i <= 5; i++) await rig.agentSays(h, `cut a:${i}`);
    // Accepted while Genesys is unreachable: persisted, sent after the cut heals.
    await rig.customerSays(h, 'cut c:2', `cut-${h.id}-2`);
    await rig.customerSays(h, 'cut c:3', `cut-${h.id}-3`);
    await sleep(1500);
    proxy().heal();
    await rig.agentSays(h, 'cut a:6');

    const texts = await waitFor(
      () => {
        const t = seqs(rig.agentTexts(h.id), 'cut a:');
        return t.length >= 6 ? t : undefined;
      },
      { what: 'six agent messages', timeoutMs: 30_000 },
    );
    assert.deepEqual(texts, range(6));
    await waitFor(async () => seqs(await rig.customerTexts(h.convId), 'cut c:').length >= 3, {
      what: 'three customer messages at the agent',
      timeoutMs: 30_000,
    });
    await sleep(300);
    assert.deepEqual(seqs(await rig.customerTexts(h.convId), 'cut c:'), [1, 2, 3]);
    assert.deepEqual(seqs(rig.agentTexts(h.id), 'cut a:'), range(6));
  });

  test('an agent who joins during a cut is not missed (members re-read after the reconnect)', async () => {
    const h = await rig.start({ join: false });
    await waitFor(() => eventTypes(h).includes('handover.queued'), { what: 'queued' });
    proxy().cut();
    const accepted = await rig.emu('POST', `/emulator/v1/conversations/${h.convId}/agent/join`, {});
    assert.ok(accepted.status < 300, JSON.stringify(accepted.body));
    await rig.agentSays(h, 'joined while cut');
    await sleep(1000);
    proxy().heal();
    await waitFor(() => rig.agentTexts(h.id).includes('joined while cut'), {
      what: 'agent message written during the cut',
      timeoutMs: 30_000,
    });
    // Not missed: the members re-read after the reconnect finds the agent CONNECTED.
    // (It arrives after the backfilled message: see docs/reliability.md, "Known limits".)
    const joined = await waitFor(
      () => rig.receiver.events(h.id).find((e) => e.type === 'handover.agent_joined'),
      { what: 'handover.agent_joined', timeoutMs: 10_000 },
    );
    assert.ok(joined.data.agent.displayName);
    await waitFor(async () => (await rig.handover(h.id)).state === 'active', { what: 'active' });
  });

  test('a transfer during a cut is not missed', async () => {
    const h = await rig.start();
    const first = (await rig.handover(h.id)).agent;
    proxy().cut();
    const moved = await rig.emu('POST', `/emulator/v1/conversations/${h.convId}/transfer`, {});
    assert.ok(moved.status < 300, JSON.stringify(moved.body));
    await rig.agentSays(h, 'from the new agent');
    await sleep(1000);
    proxy().heal();
    await waitFor(() => rig.agentTexts(h.id).includes('from the new agent'), {
      what: 'message of the new agent',
      timeoutMs: 30_000,
    });
    await waitFor(() => eventTypes(h).includes('handover.transferred'), {
      what: 'handover.transferred',
      timeoutMs: 10_000,
    });
    const now = await waitFor(
      async () => {
        const got = await rig.handover(h.id);
        return got.state === 'active' && got.agent?.id !== first?.id ? got : undefined;
      },
      { what: 'active with the new agent' },
    );
    assert.notEqual(now.agent.id, first.id);
    const msg = rig.receiver.events(h.id).find((e) => e.type === 'handover.agent_message');
    assert.equal(msg?.type === 'handover.agent_message' ? msg.data.agent.id : undefined, now.agent.id);
  });

  test('the agent ending the chat during a cut is not missed', async () => {
    const h = await rig.start();
    proxy().cut();
    await rig.agentSays(h, 'goodbye');
    const left = await rig.emu('POST', `/emulator/v1/conversations/${h.convId}/agent/leave`);
    assert.ok(left.status < 300);
    await sleep(1000);
    proxy().heal();
    const ended = await waitFor(() => rig.receiver.events(h.id).find((e) => e.type === 'handover.ended'), {
      what: 'handover.ended',
      timeoutMs: 30_000,
    });
    assert.equal(ended.data.reason, 'agent_ended');
    assert.deepEqual(rig.agentTexts(h.id), ['goodbye'], 'the last message arrived before the end');
    const types = eventTypes(h);
    assert.ok(types.indexOf('handover.agent_message') < types.indexOf('handover.ended'));
    assert.equal((await rig.handover(h.id)).endReason, 'agent_ended');
  });
});

describe('past the grace (short grace in the emulator and the gateway)', () => {
  test('a cut longer than the grace ends the handover provider_error with a clear message', async () => {
    const emulator = await startEmulator({ heartbeatIntervalMs: 200, disconnectGraceMs: 1500 });
    const proxy = await new TcpProxy(emulator.port).start();
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const receiver = await WebhookReceiver.start({ secret });
    const dir = mkdtempSync(join(tmpdir(), 'gh-grace-'));
    const key = 'ghk_zKGd4Gg-6v_WIMXjGA8q5TqwN9e4mepQKwoQjm2qqjk';
    const gateway = await startGateway(
      parseConfig({
        server: { host: '127.0.0.1', port: 0, logLevel: 'silent' },
        store: { path: join(dir, 'gateway.db') },
        apiKeys: [{ name: 'bot', key, endpoints: ['*'] }],
        endpoints: [
          {
            id: 'support',
            provider: 'genesys-guest-chat',
            genesys: { baseUrl: proxy.url, organizationId: 'org-1', deploymentId: 'dep-1' },
            queue: 'Support',
            webhook: { url: receiver.url, secrets: [secret] },
          },
        ],
      }),
      { tuning: { streamHeartbeatMs: 200, streamGraceMs: 1500, webhookPollMs: 50 } },
    );
    try {
      const auth = { authorization: `Bearer ${key}` };
      const started = await call(
        `${gateway.url}/v1/handovers`,
        'POST',
        { endpoint: 'support', customer: { userId: 'g', sessionId: 'g', displayName: 'Grace Customer' } },
        auth,
      );
      assert.equal(started.status, 201);
      const id: string = started.body.id;
      const conv = await waitFor(async () => {
        const list = (await call(`${emulator.url}/emulator/v1/conversations`, 'GET', undefined, {})).body;
        return (list.entities as any[]).find((c) => c.state === 'queued');
      });
      await call(`${emulator.url}/emulator/v1/conversations/${conv.id}/agent/join`, 'POST', {}, {});
      await waitFor(
        async () =>
          (await call(`${gateway.url}/v1/handovers/${id}`, 'GET', undefined, auth)).body.state === 'active',
        { what: 'active' },
      );
      proxy.cut(); // longer than both graces: Genesys drops the guest, the gateway gives up
      const ended = await waitFor(() => receiver.events(id).find((e) => e.type === 'handover.ended'), {
        what: 'handover.ended',
        timeoutMs: 20_000,
      });
      proxy.heal();
      assert.equal(ended.data.reason, 'provider_error');
      assert.match(ended.data.message ?? '', /connection was lost/i);
      const got = (await call(`${gateway.url}/v1/handovers/${id}`, 'GET', undefined, auth)).body;
      assert.equal(got.state, 'ended');
      assert.equal(got.endReason, 'provider_error');
      // Ended for good: a customer message is refused, not silently queued.
      const late = await call(`${gateway.url}/v1/handovers/${id}/messages`, 'POST', { text: 'late' }, auth);
      assert.equal(late.status, 409);
    } finally {
      await gateway.close();
      await receiver.close();
      await proxy.close();
      await emulator.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
