// Open Messaging on three gateway instances sharing one PostgreSQL (issue 14): Genesys' webhook calls
// (§4.5) reach a random instance through a load balancer without stickiness, so most of them land on
// an instance that does not own the handover. That instance persists the call's events in the inbox
// before answering 200 and wakes the owner, which commits them in order (pushed-relay.ts). Then the
// owner of a chat is killed (-9) while messages flow both ways: the calls for its chats go to the
// others' inboxes until one of them takes over and drains them. Every message arrives exactly once,
// in order, both ways.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sleep } from '../support/sleep.ts';
import { waitFor } from '../support/wait-for.ts';
import { range, seqs, type OpenHandover } from '../reliability/support/rig.ts';
import { Cluster, OM_ENDPOINT, audit } from './support/cluster.ts';

const LEASE_S = 3;

async function exchange(c: Cluster, h: OpenHandover, from: number, to: number): Promise<void> {
  for (let i = from; i <= to; i++) {
    await c.customerSays(h, `c:${i}`, `${h.id}-c${i}`);
    await c.agentSays(h, `a:${i}`);
  }
}

async function counts(c: Cluster, hs: readonly OpenHandover[], n: number) {
  const total = { lost: 0, duplicated: 0, misordered: 0 };
  for (const h of hs) {
    await waitFor(
      async () =>
        seqs(await c.customerTexts(h.convId), 'c:').length >= n && seqs(c.agentTexts(h.id), 'a:').length >= n,
      { what: `${n} messages each way in ${h.name}`, timeoutMs: 60_000, intervalMs: 200 },
    ).catch(() => undefined); // counted as lost below
  }
  await sleep(1_000); // a late duplicate would show up now
  for (const h of hs)
    for (const got of [seqs(await c.customerTexts(h.convId), 'c:'), seqs(c.agentTexts(h.id), 'a:')]) {
      const a = audit(range(n), got);
      total.lost += a.lost;
      total.duplicated += a.duplicated;
      total.misordered += a.misordered;
    }
  return total;
}

test(
  'Open Messaging: webhook calls on random instances are taken by any of them; kill -9 of an owner loses nothing',
  { timeout: 240_000 },
  async () => {
    const c = await Cluster.start({ leaseSeconds: LEASE_S, openMessaging: true });
    try {
      const hs: OpenHandover[] = [];
      for (let i = 0; i < 3; i++) hs.push(await c.start({ endpoint: OM_ENDPOINT }));
      await Promise.all(hs.map((h) => exchange(c, h, 1, 4)));
      assert.deepEqual(await counts(c, hs, 4), { lost: 0, duplicated: 0, misordered: 0 });
      // Every call was answered 200 at once, by whichever instance it reached (owner or not): none
      // had to wait for Genesys to try again.
      const answers = Object.fromEntries(c.spreader!.answers);
      assert.deepEqual(Object.keys(answers), ['200'], `webhook answers ${JSON.stringify(answers)}`);
      assert.ok((answers[200] ?? 0) >= 12, `webhook calls ${JSON.stringify(answers)}`);

      const victim = await waitFor(() => c.ownerOf(hs[0]!.id), { what: 'an owner' });
      const owned: OpenHandover[] = [];
      for (const h of hs) if ((await c.ownerOf(h.id)) === victim) owned.push(h);
      const t0 = Date.now();
      await victim.kill9();
      // The agents go on writing while nobody owns the victim's chats: those calls land in the
      // survivors' inboxes and wait there for the heir.
      const traffic = Promise.all(hs.map((h) => exchange(c, h, 5, 10)));
      const takeovers = await Promise.all(
        owned.map(async (h) => {
          await waitFor(
            async () => {
              const o = await c.ownerOf(h.id);
              return o !== undefined && o !== victim;
            },
            { what: `takeover of ${h.name}`, timeoutMs: 30_000, intervalMs: 50 },
          );
          return Date.now() - t0;
        }),
      );
      console.log(
        `# Open Messaging takeover after kill -9: ${takeovers.map((ms) => `${ms} ms`).join(', ')} (lease ${LEASE_S} s)`,
      );
      await traffic;
      await victim.restart();
      await Promise.all(hs.map((h) => exchange(c, h, 11, 12)));
      const total = await counts(c, hs, 12);
      console.log(`# lost=${total.lost} duplicated=${total.duplicated} misordered=${total.misordered}`);
      assert.deepEqual(total, { lost: 0, duplicated: 0, misordered: 0 });
      // The inbox is empty again: everything taken in for another instance was committed and removed.
      await waitFor(
        async () => Number((await c.db.query('SELECT COUNT(*) AS n FROM pushed_inbox')).rows[0].n) === 0,
        { what: 'the pushed-events inbox drained', timeoutMs: 20_000 },
      );
      console.log(`# webhook answers: ${JSON.stringify(Object.fromEntries(c.spreader!.answers))}`);
    } finally {
      await c.close();
    }
  },
);
