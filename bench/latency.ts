// Latency at fixed offered rates, agent → bot: messages are offered open-loop at R msg/s (spread
// over the live handovers, sent on schedule whether or not earlier ones arrived), and each is timed
// from its scheduled send at the emulator's agent API to its arrival at the bot's webhook receiver.
// The gateway's p99 minus the raw relay's p99 is the gateway's overhead.
import { Arrivals, percentile } from './arrivals.ts';
import { config, timeoutFor, type BenchConfig } from './config.ts';
import { measureDiskCommits, type DiskCommits } from './disk-commit.ts';
import { fmt, prepareRelay, round, warmEmulator, type Prepared } from './relay.ts';
import type { Results, RowSpec } from './report.ts';
import { agentApi, startWorld } from './rig.ts';
import { sleep } from '../test/support/sleep.ts';

/** The rate the latency goal is stated at. */
const GOAL_RATE = 1_000;
const GOAL_OVERHEAD_MS = 2;
/** The first share of each run is not counted (connections and timers settle). */
const SETTLE_SHARE = 0.1;

export interface LatencyRun {
  readonly relay: string;
  readonly offeredPerSec: number;
  readonly messages: number;
  readonly counted: number;
  /** Delivered messages per second over the run (below the offered rate: the relay fell behind). */
  readonly deliveredPerSec: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly errors: number;
  readonly timedOut?: string;
}

export function latencyRows(c: BenchConfig): RowSpec[] {
  return [
    ...c.rates.map((rate) => ({
      id: `latency.${rate}`,
      what: `agent → bot latency at ${fmt(rate)} msg/s (p50/p95/p99)`,
      goal: rate === GOAL_RATE ? `p99 overhead ≤ ${GOAL_OVERHEAD_MS} ms` : '',
    })),
    { id: 'latency.disk', what: 'one durable commit on this disk (p50/p95/p99)', goal: '' },
  ];
}

async function offer(p: Prepared, rate: number, seconds: number, tag: string): Promise<LatencyRun> {
  const arrivals = new Arrivals(`${tag}:`);
  p.world.receiver.arrivals = arrivals;
  const total = Math.max(1, Math.round(rate * seconds));
  const settle = Math.floor(total * SETTLE_SHARE);
  const sends: Promise<void>[] = [];
  let errors = 0;
  const t0 = performance.now();
  for (let i = 0; i < total;) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate) + 1);
    for (; i < due; i++) {
      const text = `${tag}:${i}`;
      // Timed from the scheduled moment, so a late send counts against the run (no coordinated omission).
      if (i >= settle) arrivals.sent(text, t0 + (i * 1000) / rate);
      const h = p.handovers[i % p.handovers.length]!;
      sends.push(
        agentApi(p.world, h.conversationId, 'messages', { body: text }).catch(() => void (errors += 1)),
      );
    }
    await sleep(1);
  }
  await Promise.all(sends);
  let timedOut: string | undefined;
  try {
    await arrivals.waitFor(
      total - errors,
      timeoutFor(total),
      `latency run at ${rate} msg/s via ${p.relay.name}`,
    );
  } catch (err) {
    timedOut = err instanceof Error ? err.message : String(err);
  }
  p.world.receiver.arrivals = undefined;
  const ms = (x: number): number => round(x, 2);
  const l = arrivals.latencies;
  return {
    relay: p.relay.name,
    offeredPerSec: rate,
    messages: total,
    counted: l.length,
    deliveredPerSec: Math.round((arrivals.count / ((arrivals.lastArrival || performance.now()) - t0)) * 1000),
    p50: ms(percentile(l, 50)),
    p95: ms(percentile(l, 95)),
    p99: ms(percentile(l, 99)),
    max: ms(Math.max(...l)),
    errors,
    ...(timedOut ? { timedOut } : {}),
  };
}

export async function runLatency(results: Results): Promise<void> {
  const runs: Record<string, LatencyRun> = {};
  let failure: Error | undefined;
  // Before the relays start, so their load does not inflate it.
  const disk = measureDiskCommits();
  const world = await startWorld();
  try {
    await warmEmulator(world);
    for (const kind of ['raw relay', 'gateway'] as const) {
      const tag = kind === 'gateway' ? 'lat-gw' : 'lat-raw';
      const prepared = await prepareRelay(world, kind, config.handovers, tag);
      try {
        for (const rate of config.rates)
          runs[`${kind} ${rate}`] = await offer(prepared, rate, config.latencySeconds, `${tag}-${rate}`);
      } finally {
        await prepared.relay.close();
      }
    }
  } catch (err) {
    failure = err instanceof Error ? err : new Error(String(err));
  } finally {
    results.details.latency = { ...runs, disk };
    await world.close();
  }
  recordDisk(results, disk);
  const show = (r: LatencyRun): string => `${fmt(r.p50, 1)} / ${fmt(r.p95, 1)} / ${fmt(r.p99, 1)} ms`;
  for (const rate of config.rates) {
    const gw = runs[`gateway ${rate}`];
    const raw = runs[`raw relay ${rate}`];
    if (!gw || !raw) continue;
    const overhead = gw.p99 - raw.p99;
    const behind = [gw, raw]
      .filter((r) => r.deliveredPerSec < r.offeredPerSec * 0.9)
      .map((r) => `${r.relay} delivered ${fmt(r.deliveredPerSec)} of ${fmt(r.offeredPerSec)} msg/s offered`);
    const notes = [...behind, ...[gw, raw].flatMap((r) => (r.timedOut ? [r.timedOut] : []))];
    results.record(`latency.${rate}`, {
      measured: show(gw),
      baseline: `${show(raw)} raw`,
      ratio: `p99 ${overhead >= 0 ? '+' : ''}${fmt(overhead, 1)} ms`,
      ...(rate === GOAL_RATE ? { pass: !gw.timedOut && overhead <= GOAL_OVERHEAD_MS } : {}),
      ...(notes.length ? { note: notes.join('; ') } : {}),
      values: { gateway: gw, raw, p99OverheadMs: round(overhead, 2) },
    });
  }
  if (failure) throw failure;
}

/** The floor of a durable relay's overhead (disk-commit.ts): the gateway's p99 overhead beside it. */
function recordDisk(results: Results, disk: DiskCommits): void {
  results.record('latency.disk', {
    measured: `${fmt(disk.p50, 2)} / ${fmt(disk.p95, 2)} / ${fmt(disk.p99, 2)} ms`,
    baseline: `${fmt(disk.commits)} one-row commits, SQLite WAL + synchronous=FULL`,
    note: "each message is committed before it is delivered: a p99 overhead below the disk's p99 commit is out of reach on this disk",
    values: { ...disk },
  });
}
