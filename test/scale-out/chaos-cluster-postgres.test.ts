// Seeded chaos on three gateway instances sharing one PostgreSQL (issue 14): while customers and
// agents write both ways on several chats — every bot call to a random instance — random instances
// are killed (-9) and restarted, frozen past their lease (SIGSTOP … SIGCONT) or stopped gracefully
// (SIGTERM) and restarted. It prints each takeover time and the audit line; every message must reach
// the other side exactly once and in order. Every other chat is an Open Messaging one, whose agent
// messages come as webhook calls spread over the instances at random (the owner may be dead, frozen
// or leaving: a non-owner keeps the call in the inbox for the heir).
// Reproduce a run: SCALE_CHAOS_SEED=<seed> npm test -- test/scale-out/chaos-cluster
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sleep } from '../support/sleep.ts';
import { waitFor } from '../support/wait-for.ts';
import { range, seqs, type OpenHandover } from '../reliability/support/rig.ts';
import type { GatewayProcess } from '../support/gateway-process.ts';
import { Cluster, OM_ENDPOINT, audit } from './support/cluster.ts';
import { seededRandom } from '../support/seeded-random.ts';

const LEASE_S = 3;
const CHATS = 5;
const MESSAGES_EACH_WAY = 12;
const FAULTS = 4;

test(
  'chaos on three instances: kills, freezes and restarts while messages flow both ways',
  { timeout: 600_000 },
  async () => {
    const seed = Number(process.env.SCALE_CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`# scale-out chaos seed ${seed} (SCALE_CHAOS_SEED=${seed} to replay)`);
    const random = seededRandom(seed);
    const c = await Cluster.start({ leaseSeconds: LEASE_S, random, openMessaging: true });
    const takeovers: number[] = [];
    try {
      const hs: OpenHandover[] = [];
      for (let i = 0; i < CHATS; i++) hs.push(await c.start(i % 2 === 1 ? { endpoint: OM_ENDPOINT } : {}));

      // Each chat: customer and agent alternate, with small random gaps; the bot retries elsewhere.
      const traffic = Promise.all(
        hs.map(async (h, k) => {
          for (let i = 1; i <= MESSAGES_EACH_WAY; i++) {
            await c.customerSays(h, `c:${i}`, `${h.id}-c${i}`, 120_000);
            await c.agentSays(h, `a:${i}`);
            await sleep(200 + ((k * 97 + i * 31) % 400));
          }
        }),
      );

      const faults = (async () => {
        for (let f = 0; f < FAULTS; f++) {
          await sleep(1_500 + Math.floor(random() * 2_000));
          const up = c.gws.filter((g) => g.running);
          const victim = up[Math.floor(random() * up.length)]!;
          const kind = (['kill', 'pause', 'term'] as const)[Math.floor(random() * 3)]!;
          const owned: OpenHandover[] = [];
          for (const h of hs) if ((await c.ownerOf(h.id)) === victim) owned.push(h);
          const t0 = Date.now();
          const watch = Promise.all(owned.map((h) => takenOver(c, h, victim, t0)));
          if (kind === 'kill') await victim.kill9();
          else if (kind === 'term') await victim.sigterm();
          else c.pause(victim);
          const times = await watch;
          takeovers.push(...times);
          console.log(
            `# fault ${f + 1}: ${kind} of ${victim.url} owning ${owned.length}: takeover ${times.map((ms) => `${ms} ms`).join(', ') || '-'}`,
          );
          if (kind === 'pause') c.resume(victim);
          else await victim.restart();
        }
      })();

      await faults;
      await traffic;
      let lost = 0;
      let duplicated = 0;
      let misordered = 0;
      for (const h of hs) {
        await waitFor(
          async () =>
            seqs(await c.customerTexts(h.convId), 'c:').length >= MESSAGES_EACH_WAY &&
            seqs(c.agentTexts(h.id), 'a:').length >= MESSAGES_EACH_WAY,
          { what: `every message of ${h.name}`, timeoutMs: 90_000, intervalMs: 250 },
        ).catch(() => undefined); // counted as lost below
      }
      await sleep(1_000);
      for (const h of hs) {
        for (const got of [seqs(await c.customerTexts(h.convId), 'c:'), seqs(c.agentTexts(h.id), 'a:')]) {
          const a = audit(range(MESSAGES_EACH_WAY), got);
          lost += a.lost;
          duplicated += a.duplicated;
          misordered += a.misordered;
        }
      }
      const sorted = [...takeovers].sort((x, y) => x - y);
      const median = sorted.length ? sorted[Math.floor(sorted.length / 2)] : undefined;
      console.log(
        `# takeovers: ${sorted.length} median=${median ?? '-'} ms max=${sorted.at(-1) ?? '-'} ms (lease ${LEASE_S} s)`,
      );
      console.log(
        `# Open Messaging webhook answers: ${JSON.stringify(Object.fromEntries(c.spreader!.answers))}`,
      );
      console.log(`# lost=${lost} duplicated=${duplicated} misordered=${misordered}`);
      assert.deepEqual(
        { lost, duplicated, misordered },
        { lost: 0, duplicated: 0, misordered: 0 },
        `seed ${seed}`,
      );
    } finally {
      await c.close();
    }
  },
);

/** How long until another running instance owns `h` (from `t0`, the fault). */
async function takenOver(c: Cluster, h: OpenHandover, victim: GatewayProcess, t0: number): Promise<number> {
  await waitFor(
    async () => {
      const o = await c.ownerOf(h.id);
      return o !== undefined && o !== victim;
    },
    { what: `takeover of ${h.name}`, timeoutMs: 30_000, intervalMs: 50 },
  );
  return Date.now() - t0;
}
