// Provider hints with three gateway instances on one PostgreSQL (issue 14): a customer typing pulse
// is a call to Genesys like a send, so only the owner of the handover makes it — one posted to
// another instance is passed to the owner (ports/owner-notes.ts) — and an owner frozen past its lease
// (SIGSTOP … SIGCONT) sends none when it wakes: it is fenced by its own clock, like its sends.
// The agent's side is the emulator's agent feed, which shows every typing pulse that reached Genesys.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SseClient } from '../support/sse-client.ts';
import { sleep } from '../support/sleep.ts';
import { waitFor } from '../support/wait-for.ts';
import { Cluster } from './support/cluster.ts';

const LEASE_S = 3;

test(
  'typing: sent by the owner wherever the bot posts it; an owner woken after SIGSTOP past its lease sends none',
  { timeout: 180_000 },
  async () => {
    const c = await Cluster.start({ leaseSeconds: LEASE_S });
    // The agent's side of Genesys: the emulator's agent feed shows the customer typing.
    const feed = await SseClient.open(`${c.emulator.url}/emulator/v1/events`);
    try {
      const h = await c.start();
      await c.customerSays(h, 'c:1', `${h.id}-c1`);
      const typings = (): number =>
        feed.events<{ conversationId: string }>('typing').filter((e) => e.conversationId === h.convId).length;
      const owner = await waitFor(() => c.ownerOf(h.id), { what: 'an owner' });
      const other = c.gws.find((g) => g !== owner)!;
      // Posted to a non-owner: it passes the pulse to the owner, which sends it.
      const typed = await c.api('POST', `/v1/handovers/${h.id}/typing`, {}, {}, other);
      assert.equal(typed.status, 202);
      await waitFor(() => typings() === 1, { what: 'the typing pulse at the agent, sent by the owner' });

      // The owner freezes; a pulse posted to it waits in its socket while another instance takes over.
      await sleep(3_500); // past the owner's typing throttle (3 s, protocol §5.7)
      c.pause(owner);
      const stuck = c.api('POST', `/v1/handovers/${h.id}/typing`, {}, {}, owner);
      const heir = await waitFor(
        async () => {
          const o = await c.ownerOf(h.id);
          return o !== undefined && o !== owner ? o : undefined;
        },
        { what: 'takeover from the frozen owner', timeoutMs: 30_000 },
      );
      // The heir sends a pulse now, so for the next 3 s it passes on none (its throttle): whatever
      // reaches the agent in that time can only come from the woken owner.
      await waitFor(
        async () =>
          (await c.api('POST', `/v1/handovers/${h.id}/typing`, {}, {}, heir)).body?.forwarded === true,
        { what: 'a pulse at the heir', timeoutMs: 20_000, intervalMs: 200 },
      );
      await waitFor(() => typings() === 2, { what: 'the heir’s typing pulse at the agent' });
      c.resume(owner);
      // It wakes with its lease time gone by its own clock: it answers (the pulse is dropped, or
      // passed to the heir, which is throttled) but sends nothing to Genesys itself.
      const answer = await stuck;
      assert.equal(answer.status, 202);
      await sleep(1_500);
      assert.equal(typings(), 2, 'the woken owner sent no typing pulse');
      // Later the heir sends the next one, wherever it is posted.
      await sleep(2_000);
      await waitFor(
        async () => (await c.api('POST', `/v1/handovers/${h.id}/typing`, {}, {})).body?.forwarded === true,
        { what: 'a pulse accepted again', timeoutMs: 20_000, intervalMs: 500 },
      );
      await waitFor(() => typings() === 3, { what: 'the next typing pulse at the agent' });
    } finally {
      await feed.close();
      await c.close();
    }
  },
);
