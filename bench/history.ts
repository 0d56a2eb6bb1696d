// Flat as history grows: the same throughput measurement at a small and a large size, one after the
// other on the same relay (the large run starts with the small run's history already stored), both
// directions. The gateway's large run should not be slower per message than its small run; the raw
// relay's ratio shows how flat the harness itself is (the emulator keeps every message too).
import { config, type BenchConfig } from './config.ts';
import {
  DIRECTIONS,
  fmt,
  kib,
  limitNote,
  measureThroughput,
  prepareRelay,
  warmEmulator,
  type Direction,
  type Throughput,
} from './relay.ts';
import type { Results, RowSpec } from './report.ts';
import { startWorld } from './rig.ts';

const slug = (d: Direction): string => (d === 'agent→bot' ? 'agent-to-bot' : 'bot-to-agent');

/** Allowed noise: "not slower" means at least 95 % of the small run's rate. */
const TOLERANCE = 0.95;

export function historyRows(c: BenchConfig): RowSpec[] {
  return DIRECTIONS.map((d) => ({
    id: `history.${slug(d)}`,
    what: `${d === 'agent→bot' ? 'agent → bot' : 'bot → agent'}: ${fmt(c.historyLarge)} vs ${fmt(c.historySmall)} messages`,
    goal: 'large run not slower per message',
  }));
}

export async function runHistory(results: Results): Promise<void> {
  const runs: Record<string, Throughput> = {};
  let failure: Error | undefined;
  const world = await startWorld();
  try {
    await warmEmulator(world);
    for (const kind of ['raw relay', 'gateway'] as const) {
      const tag = kind === 'gateway' ? 'hist-gw' : 'hist-raw';
      const prepared = await prepareRelay(world, kind, config.handovers, tag);
      try {
        for (const [size, n] of [
          ['small', config.historySmall],
          ['large', config.historyLarge],
        ] as const)
          for (const d of DIRECTIONS)
            runs[`${kind} ${d} ${size}`] = await measureThroughput(
              d,
              prepared,
              n,
              `${tag}-${size}-${slug(d)}`,
            );
      } finally {
        await prepared.relay.close();
      }
    }
  } catch (err) {
    failure = err instanceof Error ? err : new Error(String(err));
  } finally {
    results.details.history = runs;
    await world.close();
  }
  for (const d of DIRECTIONS) {
    const [small, large] = [runs[`gateway ${d} small`], runs[`gateway ${d} large`]];
    const [rawSmall, rawLarge] = [runs[`raw relay ${d} small`], runs[`raw relay ${d} large`]];
    if (!small || !large) continue;
    const ratio = large.msgPerSec / small.msgPerSec;
    const rawRatio = rawSmall && rawLarge ? rawLarge.msgPerSec / rawSmall.msgPerSec : NaN;
    // What the store wrote per message: its page I/O is what grows with history (bench/README.md,
    // "History: what grows with it").
    const written =
      small.writtenPerMsg !== undefined && large.writtenPerMsg !== undefined
        ? `written to storage ${kib(large.writtenPerMsg)} a message (small run ${kib(small.writtenPerMsg)})`
        : undefined;
    const notes = [written, limitNote(small), limitNote(large)].filter((x) => x !== undefined);
    // CPU per message beside the rate: on a shared machine it moves far less than msg/s does.
    results.record(`history.${slug(d)}`, {
      measured: `${fmt(large.msgPerSec)} msg/s, ${fmt(large.cpuUsPerMsg.relay)} µs CPU/msg`,
      baseline: `${fmt(small.msgPerSec)} msg/s, ${fmt(small.cpuUsPerMsg.relay)} µs small run`,
      ratio: `${fmt(ratio * 100)} % (raw ${fmt(rawRatio * 100)} %)`,
      pass: !large.timedOut && ratio >= TOLERANCE,
      ...(notes.length ? { note: notes.join('; ') } : {}),
      values: { small, large, rawSmall, rawLarge },
    });
  }
  if (failure) throw failure;
}
