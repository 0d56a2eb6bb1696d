// Takeover (issue 14): three gateway instances on one PostgreSQL (DATABASE_URL), a few live chats;
// the owner of one is killed with SIGKILL and the time is taken until another instance owns it
// (lease table) and until a customer message posted right after the kill reaches the agent. Repeated
// (the victim restarted between runs); median and max. The PostgreSQL is bench/postgres.ts': DATABASE_URL
// or a throwaway cluster.
// Docs: docs/scale-out.md.
import { config, type BenchConfig } from './config.ts';
import { benchPostgres } from './postgres.ts';
import { fmt, round } from './relay.ts';
import type { Results, RowSpec } from './report.ts';
import { Cluster } from '../test/scale-out/support/cluster.ts';
import { waitFor } from '../test/support/wait-for.ts';

/** The default lease (store.leaseSeconds; 3 s in the quick smoke run); a takeover takes about 4/3 of it. */
const leaseSeconds = (c: BenchConfig): number => (c.quick ? 3 : 6);
const GOAL_S = 10;

export function takeoverRows(c: BenchConfig): RowSpec[] {
  const LEASE_S = leaseSeconds(c);
  return [
    {
      id: 'takeover.owned',
      what: `chat owned again after its owner's kill -9 (lease ${LEASE_S} s)`,
      goal: `≤ ${GOAL_S} s`,
    },
    { id: 'takeover.delivered', what: 'a message posted after the kill at the agent', goal: `≤ ${GOAL_S} s` },
  ];
}

export async function runTakeover(results: Results): Promise<void> {
  // DATABASE_URL, or a throwaway cluster put there (the cluster below reads it).
  const postgres = await benchPostgres();
  const runs = config.quick ? 2 : 5;
  const LEASE_S = leaseSeconds(config);
  const c = await Cluster.start({ leaseSeconds: LEASE_S });
  const owned: number[] = [];
  const delivered: number[] = [];
  try {
    const chats = [];
    for (let i = 0; i < 3; i++) chats.push(await c.start());
    for (let r = 1; r <= runs; r++) {
      const h = chats[r % chats.length]!;
      const victim = await waitFor(() => c.ownerOf(h.id), { what: 'an owner', timeoutMs: 30_000 });
      const t0 = performance.now();
      await victim.kill9();
      const text = `takeover ${r}`;
      const posted = c.customerSays(h, text, `${h.id}-takeover-${r}`, 60_000);
      await waitFor(
        async () => {
          const o = await c.ownerOf(h.id);
          return o !== undefined && o !== victim;
        },
        { what: 'takeover', timeoutMs: 60_000, intervalMs: 20 },
      );
      owned.push((performance.now() - t0) / 1000);
      await posted;
      await waitFor(async () => (await c.customerTexts(h.convId)).includes(text), {
        what: 'the message at the agent',
        timeoutMs: 60_000,
        intervalMs: 20,
      });
      delivered.push((performance.now() - t0) / 1000);
      await victim.restart();
    }
  } finally {
    await c.close();
  }
  results.details.takeover = {
    leaseSeconds: LEASE_S,
    ownedSeconds: owned.map((s) => round(s, 3)),
    deliveredSeconds: delivered.map((s) => round(s, 3)),
  };
  for (const [id, xs] of [
    ['takeover.owned', owned],
    ['takeover.delivered', delivered],
  ] as const) {
    const sorted = [...xs].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
    const max = sorted.at(-1) ?? NaN;
    results.record(id, {
      measured: `median ${fmt(median, 2)} s, max ${fmt(max, 2)} s`,
      baseline: `lease ${LEASE_S} s`,
      ratio: `${fmt(median / LEASE_S, 2)} ×`,
      pass: max <= GOAL_S,
      note: `${xs.length} runs; ${postgres.settings}`,
      values: { median: round(median, 3), max: round(max, 3), runs: xs.map((s) => round(s, 3)) },
    });
  }
}
