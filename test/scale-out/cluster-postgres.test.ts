// Three gateway processes on one throwaway PostgreSQL (issue 14): clients spread their calls over the
// instances at random; owners are killed (-9), frozen past their lease (SIGSTOP/SIGCONT) and
// restarted one after the other (SIGTERM). Every message both ways arrives exactly once and in order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SseClient } from '../support/sse-client.ts';
import { sleep } from '../support/sleep.ts';
import { waitFor } from '../support/wait-for.ts';
import { API_KEY, range, seqs, type OpenHandover } from '../reliability/support/rig.ts';
import { Cluster, audit } from './support/cluster.ts';

const LEASE_S = 3;

/** Both directions of a handover delivered exactly once and in order: `c:1…c:n` and `a:1…a:n`. */
async function delivered(c: Cluster, h: OpenHandover, n: number, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    async () =>
      seqs(await c.customerTexts(h.convId), 'c:').length >= n && seqs(c.agentTexts(h.id), 'a:').length >= n,
    { what: `${n} messages each way in ${h.name}`, timeoutMs, intervalMs: 200 },
  );
  await sleep(500); // a duplicate would show up now
  assert.deepEqual(seqs(await c.customerTexts(h.convId), 'c:'), range(n), `customer → agent of ${h.name}`);
  assert.deepEqual(seqs(c.agentTexts(h.id), 'a:'), range(n), `agent → bot of ${h.name}`);
}

async function exchange(c: Cluster, h: OpenHandover, from: number, to: number): Promise<void> {
  for (let i = from; i <= to; i++) {
    await c.customerSays(h, `c:${i}`, `${h.id}-c${i}`);
    await c.agentSays(h, `a:${i}`);
  }
}

test(
  'a whole handover, every call on a random instance; SSE on a non-owner wakes on the owner’s events',
  { timeout: 120_000 },
  async () => {
    const c = await Cluster.start({ leaseSeconds: LEASE_S });
    try {
      const h = await c.start();
      const owner = await waitFor(() => c.ownerOf(h.id), { what: 'an owner' });
      const other = c.gws.find((g) => g !== owner)!;
      const sse = await SseClient.open(`${other.url}/v1/handovers/${h.id}/events`, {
        headers: { authorization: `Bearer ${API_KEY}` },
      });
      await exchange(c, h, 1, 6);
      await delivered(c, h, 6);
      await waitFor(() => sse.events('handover.agent_message').length >= 6, {
        what: 'six agent messages on the SSE stream of a non-owner',
      });
      assert.deepEqual(
        seqs(
          sse.events<{ data: { text: string } }>('handover.agent_message').map((e) => e.data.text),
          'a:',
        ),
        range(6),
      );
      const end = await c.api('POST', `/v1/handovers/${h.id}/end`, {}, {}, other);
      assert.ok(end.status === 200 || end.status === 202, `end answered ${end.status}`);
      await waitFor(async () => (await c.handover(h.id)).state === 'ended', {
        what: 'ended',
        timeoutMs: 30_000,
      });
      assert.equal((await c.handover(h.id)).endReason, 'customer_ended');
      await sse.close();
      // The lease of an ended handover is gone; the one instance that owned it attached it alone.
      await waitFor(async () => (await c.lease(h.id)) === undefined, { what: 'lease dropped after the end' });
    } finally {
      await c.close();
    }
  },
);

test(
  'kill -9 of an owner: another instance takes its handovers over; nothing lost or duplicated',
  { timeout: 180_000 },
  async () => {
    const c = await Cluster.start({ leaseSeconds: LEASE_S });
    try {
      const hs = await Promise.all(range(4).map(() => c.start()));
      await Promise.all(hs.map((h) => exchange(c, h, 1, 2)));
      const victim = await waitFor(() => c.ownerOf(hs[0]!.id), { what: 'an owner' });
      const victims = [];
      for (const h of hs) if ((await c.ownerOf(h.id)) === victim) victims.push(h);
      const killedAt = Date.now();
      await victim.kill9();
      // Traffic goes on both ways while nobody owns the victim's chats.
      const traffic = Promise.all(hs.map((h) => exchange(c, h, 3, 6)));
      const takeovers = await Promise.all(
        victims.map(async (h) => {
          await waitFor(
            async () => {
              const o = await c.ownerOf(h.id);
              return o !== undefined && o !== victim;
            },
            { what: `takeover of ${h.name}`, timeoutMs: 30_000, intervalMs: 50 },
          );
          return Date.now() - killedAt;
        }),
      );
      console.log(
        `# takeover after kill -9: ${takeovers.map((ms) => `${ms} ms`).join(', ')} (lease ${LEASE_S} s)`,
      );
      for (const ms of takeovers) assert.ok(ms < LEASE_S * 1000 * 3, `takeover took ${ms} ms`);
      await traffic;
      for (const h of hs) await delivered(c, h, 6);
      await victim.restart();
      await Promise.all(hs.map((h) => exchange(c, h, 7, 8)));
      for (const h of hs) await delivered(c, h, 8);
    } finally {
      await c.close();
    }
  },
);

test(
  'SIGSTOP of an owner past its lease, then SIGCONT: it sends and commits nothing (fencing)',
  { timeout: 180_000 },
  async () => {
    const c = await Cluster.start({ leaseSeconds: LEASE_S });
    try {
      const h = await c.start();
      await exchange(c, h, 1, 2);
      await delivered(c, h, 2);
      const stalled = await waitFor(() => c.ownerOf(h.id), { what: 'an owner' });
      const before = await c.lease(h.id);
      // The owner's next send hangs at Genesys (within the provider's settle time, so the heir finds it
      // in the history rather than sending it again); the owner freezes with the call in flight.
      await c.emu('POST', '/emulator/v1/faults', {
        kind: 'delay',
        delayMs: 2_500,
        count: 1,
        conversationId: h.convId,
      });
      const accepted = await c.api(
        'POST',
        `/v1/handovers/${h.id}/messages`,
        { text: 'c:3' },
        { 'idempotency-key': `${h.id}-c3` },
        stalled,
      );
      assert.equal(accepted.status, 202);
      await sleep(300);
      c.pause(stalled);
      const heir = await waitFor(
        async () => {
          const o = await c.ownerOf(h.id);
          return o !== undefined && o !== stalled ? o : undefined;
        },
        { what: 'takeover from the frozen owner', timeoutMs: 30_000 },
      );
      assert.ok(heir);
      const after = await c.lease(h.id);
      assert.ok(after && before && after.token > before.token, 'the fencing token grew with the takeover');
      await c.agentSays(h, 'a:3');
      await exchange(c, h, 4, 5);
      await delivered(c, h, 5);
      // The frozen owner wakes: its send's answer, the agent's frames and its timers all arrive at once.
      // It must notice the lost lease (a renewal finding its registration expired, or a fenced commit
      // refused) and write nothing: the handover row and what the agent saw stay as they are.
      const version = async (): Promise<number> =>
        Number((await c.db.query('SELECT version FROM handovers WHERE id = $1', [h.id])).rows[0].version);
      const frozenVersion = await version();
      const agentSaw = await c.customerTexts(h.convId);
      c.resume(stalled);
      await waitFor(
        async () =>
          /registration expired|lease lost/.test(stalled.output()) ||
          ((await c.metric(stalled, 'genesys_handover_fencing_rejections_total')) ?? 0) >= 1,
        { what: 'the woken owner noticed its lost lease', timeoutMs: 20_000 },
      );
      await sleep(2_000);
      assert.equal(await version(), frozenVersion, 'the woken owner committed nothing');
      assert.deepEqual(await c.customerTexts(h.convId), agentSaw, 'the woken owner sent nothing');
      assert.equal(await c.ownerOf(h.id), heir, 'the heir keeps the handover');
      await sleep(LEASE_S * 1000);
      await exchange(c, h, 6, 7);
      await delivered(c, h, 7);
      const final = await c.lease(h.id);
      assert.ok(final && final.token >= after.token);
      const counts = audit(range(7), seqs(await c.customerTexts(h.convId), 'c:'));
      assert.deepEqual(counts, { lost: 0, duplicated: 0, misordered: 0 });
    } finally {
      await c.close();
    }
  },
);

test(
  'a graceful rolling restart of all three: every chat moves within seconds, nothing lost',
  { timeout: 240_000 },
  async () => {
    const c = await Cluster.start({ leaseSeconds: LEASE_S });
    try {
      const hs = await Promise.all(range(6).map(() => c.start()));
      await Promise.all(hs.map((h) => exchange(c, h, 1, 1)));
      const owners = new Map<string, Set<string>>(hs.map((h) => [h.id, new Set()]));
      const note = async (): Promise<void> => {
        for (const h of hs) {
          const l = await c.lease(h.id);
          if (l?.owner) owners.get(h.id)!.add(l.owner);
        }
      };
      await note();
      let n = 1;
      for (const gw of c.gws) {
        n += 1;
        const step = n;
        const traffic = Promise.all(hs.map((h) => exchange(c, h, step, step)));
        const exit = await gw.sigterm();
        assert.equal(exit.code, 0, `SIGTERM exit of ${gw.url}`);
        // Handed back, not expired: the others hold every chat well within a lease time.
        const t0 = Date.now();
        await waitFor(
          async () => {
            for (const h of hs) {
              const o = await c.ownerOf(h.id);
              if (!o || o === gw) return false;
            }
            return true;
          },
          { what: 'every chat owned by a running instance', timeoutMs: 30_000, intervalMs: 50 },
        );
        console.log(`# rolling restart: chats of ${gw.url} moved in ${Date.now() - t0} ms after its exit`);
        // Noted now, while it is down: once back, the restarted instance claims its fair share again
        // (lease-keeper.ts) — possibly the very chats it had, under the same owner name (CI once saw
        // a chat back with its first owner before the next look, so it seemed never to have moved).
        await note();
        await traffic;
        await gw.restart();
        await note();
      }
      n += 1;
      await Promise.all(hs.map((h) => exchange(c, h, n, n)));
      for (const h of hs) await delivered(c, h, n);
      for (const h of hs) assert.ok(owners.get(h.id)!.size >= 2, `${h.name} moved at least once`);
    } finally {
      await c.close();
    }
  },
);
