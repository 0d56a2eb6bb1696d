// Open Messaging tells nothing of joins, transfers and ends on the webhook (protocol §4.6): the
// gateway learns them from the Notifications API WebSocket, whose events are lost while the socket
// is down — Genesys does not replay them. After a drop (a dead socket, or Genesys' own
// `v2.system.socket_closing`) the gateway reconnects, subscribes again and reads the conversation:
// a join, a transfer or an end that happened meanwhile still reaches the bot. And the OAuth token
// may expire (or be revoked) mid-chat (§1.3, §1.4): the gateway fetches a new one and goes on.
// Emulator in the test process, gateway as a child process; the bot's side is the webhook receiver.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sleep } from '../support/sleep.ts';
import { waitFor } from '../support/wait-for.ts';
import { OM_ENDPOINT, Rig, range, seqs, type OpenHandover } from './support/rig.ts';

describe('Open Messaging: notification sockets and tokens', () => {
  let rig: Rig;
  before(async () => {
    rig = await Rig.start({
      openMessaging: true,
      emulator: { webhookRetryDelayMs: 500, notificationHeartbeatIntervalMs: 1_000, acwDurationMs: 200 },
    });
  });
  after(async () => {
    await rig.close();
  });

  const types = (h: OpenHandover) => rig.receiver.events(h.id).map((e) => e.type);
  const count = (h: OpenHandover, type: string) => types(h).filter((t) => t === type).length;
  /** A provider stat of the OM endpoint from /metrics. */
  const stat = async (name: string): Promise<number> =>
    (await rig.metric('genesys_handover_provider')).find(
      (m) => m.labels.includes(`endpoint="${OM_ENDPOINT}"`) && m.labels.includes(`stat="${name}"`),
    )?.value ?? 0;
  const dropSockets = async (mode: 'drop' | 'socket-closing') => {
    const res = await rig.emu('POST', '/emulator/v1/faults', { kind: 'drop-notification-sockets', mode });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok(res.body.closed >= 1, `no socket to ${mode}: ${JSON.stringify(res.body)}`);
  };

  for (const mode of ['drop', 'socket-closing'] as const) {
    test(`sockets ${mode === 'drop' ? 'dropped (1006)' : 'closed by Genesys (socket_closing)'} as the agent joins, transfers and ends: nothing missed`, async () => {
      const tag = `ns-${mode}`;
      const h = await rig.start({ endpoint: OM_ENDPOINT, join: false });
      await waitFor(() => types(h).includes('handover.queued'), { what: 'queued' });
      const resubscriptions = await stat('notification_resubscriptions_total');

      // The agent answers while the socket is down.
      await dropSockets(mode);
      const joined = await rig.emu('POST', `/emulator/v1/conversations/${h.convId}/agent/join`, {
        displayName: 'Ada Answer',
      });
      assert.equal(joined.status, 200, JSON.stringify(joined.body));
      await waitFor(() => types(h).includes('handover.agent_joined'), {
        what: 'agent_joined after a join during the drop',
        timeoutMs: 20_000,
      });
      await rig.agentSays(h, `${tag} a:1`);
      await rig.customerSays(h, `${tag} c:1`, `${tag}-${h.id}-1`);

      // A transfer while the socket is down: the new agent joins, the old one writes no more.
      await dropSockets(mode);
      const transfer = await rig.emu('POST', `/emulator/v1/conversations/${h.convId}/transfer`, {
        displayName: 'Bruno Backup',
      });
      assert.equal(transfer.status, 200, JSON.stringify(transfer.body));
      await waitFor(() => count(h, 'handover.agent_joined') >= 2, {
        what: 'the second agent_joined after a transfer during the drop',
        timeoutMs: 20_000,
      });
      await rig.agentSays(h, `${tag} a:2`);
      await rig.customerSays(h, `${tag} c:2`, `${tag}-${h.id}-2`);
      await waitFor(() => seqs(rig.agentTexts(h.id), `${tag} a:`).length >= 2, {
        what: 'the second agent’s message',
        timeoutMs: 20_000,
      });

      // The agent ends the chat while the socket is down.
      await dropSockets(mode);
      const left = await rig.emu('POST', `/emulator/v1/conversations/${h.convId}/agent/leave`);
      assert.equal(left.status, 200, JSON.stringify(left.body));
      const ended = await waitFor(() => rig.endedEvent(h.id), {
        what: 'handover.ended after an end during the drop',
        timeoutMs: 30_000,
      });
      assert.equal(ended.data.reason, 'agent_ended', JSON.stringify(ended));

      await sleep(500); // nothing may follow the end
      const events = rig.receiver.events(h.id);
      assert.deepEqual(
        events.map((e) => e.seq),
        range(events.length),
        'seq gap-free',
      );
      assert.equal(events.at(-1)?.type, 'handover.ended', 'the end is the last event');
      const joins = events.filter((e) => e.type === 'handover.agent_joined') as any[];
      assert.deepEqual(
        joins.map((e) => e.data.agent.displayName),
        ['Ada Answer', 'Bruno Backup'],
      );
      assert.deepEqual(seqs(rig.agentTexts(h.id), `${tag} a:`), [1, 2]);
      const messages = events.filter((e) => e.type === 'handover.agent_message') as any[];
      assert.deepEqual(
        messages.map((e) => e.data.agent.displayName),
        ['Ada Answer', 'Bruno Backup'],
        'each message names the agent who wrote it',
      );
      assert.deepEqual(seqs(await rig.customerTexts(h.convId), `${tag} c:`), [1, 2]);
      assert.equal((await rig.handover(h.id)).state, 'ended');
      const now = await stat('notification_resubscriptions_total');
      assert.ok(
        now >= resubscriptions + 3,
        `the gateway subscribed again after each ${mode}: ${resubscriptions} → ${now}`,
      );
    });
  }

  test('a token expires again while the call that renewed it is in flight (the customer leaving): the leave is retried with a newer token', async () => {
    const h = await rig.start({ endpoint: OM_ENDPOINT });
    await rig.agentSays(h, 'twice a:1');
    await waitFor(() => seqs(rig.agentTexts(h.id), 'twice a:').length === 1, { what: 'the agent message' });
    await sleep(500); // the receipt and the reads behind the message are done
    const tokens = await stat('token_requests_total');
    /** Pending emulator faults. */
    const pending = async (): Promise<number> =>
      ((await rig.emu('GET', '/emulator/v1/faults')).body.pending as unknown[]).length;
    const expire = async () => {
      const res = await rig.emu('POST', '/emulator/v1/faults', { kind: 'expire-tokens' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    };
    // The leave's first call (its conversation read) and the call the transport sends again with a
    // renewed token each wait 2 s at Genesys before its token is checked; each token expires while
    // its call waits — one renewal per call is not enough.
    await rig.fault({ kind: 'delay', api: 'platform', conversationId: h.convId, delayMs: 2_000, count: 2 });
    const ended = rig.api('POST', `/v1/handovers/${h.id}/end`);
    await waitFor(
      async () => (await rig.emu('GET', '/emulator/v1/faults')).body.pending[0]?.remaining === 1,
      {
        what: 'the first call waiting',
      },
    );
    await expire();
    await waitFor(async () => (await pending()) === 0, { what: 'the renewed call waiting' });
    await expire();
    assert.ok([200, 202].includes((await ended).status));

    await waitFor(async () => (await rig.conversation(h.convId)).state === 'ended', {
      what: 'the customer left at Genesys',
      timeoutMs: 20_000,
    }).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${rig.gw.tail()}`);
    });
    await waitFor(() => rig.endedEvent(h.id), { what: 'handover.ended' });
    assert.equal(rig.endedEvent(h.id).data.reason, 'customer_ended');
    assert.ok((await stat('token_requests_total')) >= tokens + 2, 'a token after each expiry');
  });

  test('tokens expire mid-chat (several times, between and inside bursts): a new token, nothing lost or doubled', async () => {
    const h = await rig.start({ endpoint: OM_ENDPOINT });
    const tokensBefore = await stat('token_requests_total');
    let a = 0;
    let c = 0;
    const agent = () => rig.agentSays(h, `tok a:${++a}`);
    const customer = () => {
      c += 1;
      return rig.customerSays(h, `tok c:${c}`, `tok-${h.id}-${c}`);
    };
    /** Everything so far reached the other side. */
    const through = async () => {
      await waitFor(() => seqs(rig.agentTexts(h.id), 'tok a:').length >= a, {
        what: `${a} agent messages at the bot`,
        timeoutMs: 30_000,
      }).catch((err: unknown) => {
        throw new Error(
          `${String(err)}; got ${JSON.stringify(rig.agentTexts(h.id))} ${JSON.stringify(rig.endedEvent(h.id))}\n${rig.gw.tail()}`,
        );
      });
      await waitFor(async () => seqs(await rig.customerTexts(h.convId), 'tok c:').length >= c, {
        what: `${c} customer messages at Genesys`,
        timeoutMs: 30_000,
      }).catch(async (err: unknown) => {
        throw new Error(
          `${String(err)}; got ${JSON.stringify(await rig.customerTexts(h.convId))} ${JSON.stringify(rig.endedEvent(h.id))}`,
        );
      });
    };
    /**
     * Every token expires now (one fault at a time: the previous expiry's traffic is through);
     * `traffic` meets the expired token; the gateway gets a new one and everything arrives.
     */
    const expireDuring = async (traffic: () => Promise<unknown>) => {
      const tokens = await stat('token_requests_total');
      const res = await rig.emu('POST', '/emulator/v1/faults', { kind: 'expire-tokens' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.ok(res.body.expired >= 1, 'a token of the gateway expired');
      await traffic();
      await through();
      await waitFor(async () => (await stat('token_requests_total')) > tokens, {
        what: 'a new token after the expiry',
        timeoutMs: 15_000,
      });
      await sleep(300); // calls behind the traffic (receipts) are done with their 401 too
    };

    await agent();
    await customer();
    for (let round = 0; round < 3; round++) {
      // The next calls of every kind meet the expired token: inbound sends, conversation reads of
      // webhook calls, receipts, typing — some of them at once.
      await expireDuring(async () => {
        await customer();
        await agent();
        await rig.api('POST', `/v1/handovers/${h.id}/typing`);
        await agent();
      });
      await expireDuring(() =>
        Promise.all([
          customer(),
          (async () => {
            await agent();
            await agent();
          })(),
        ]),
      );
    }

    await through();
    await sleep(1_000); // late duplicates would show up now
    assert.deepEqual(seqs(rig.agentTexts(h.id), 'tok a:'), range(a));
    assert.deepEqual(seqs(await rig.customerTexts(h.convId), 'tok c:'), range(c));
    const events = rig.receiver.events(h.id);
    assert.deepEqual(
      events.map((e) => e.seq),
      range(events.length),
    );
    assert.equal((await rig.handover(h.id)).state, 'active');
    const tokens = await stat('token_requests_total');
    assert.ok(tokens >= tokensBefore + 6, `a new token after each expiry: ${tokensBefore} → ${tokens}`);
  });
});
