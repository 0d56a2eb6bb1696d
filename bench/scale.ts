// Scale: live handovers in steps (1k, 5k, 10k, 15k by default, cumulative), each measured in the
// gateway's own process — RSS (/proc VmRSS), heap after a forced GC (over the inspector), open files
// (/proc/<pid>/fd) — per handover over the idle gateway's, next to a floor: a process holding the
// same number of bare `ws` sockets to the same kind of guest chats. Plus the creation rate, and at
// each step the idle CPU (over a window) and event-loop lag p99 (prom-client's, from /metrics).
//
// The floor runs first against its own emulator, then the gateway against a fresh one: an emulator
// holding both sets of sockets would pass the per-process open-file limit.
//
// Both are warmed up before their idle baseline is taken — a thousand chats opened and closed
// again (the gateway's started, joined and ended) — so the per-handover numbers count what each live
// handover holds, not the code compiled and the caches filled once, whatever the number of chats.
import { config, type BenchConfig } from './config.ts';
import { Child } from './child.ts';
import { httpJson } from './http-client.ts';
import { Inspector, type HeapCensus } from './inspector.ts';
import { machine } from './machine.ts';
import { CpuMeter, openFiles, rssBytes } from './procfs.ts';
import { fmt, round } from './relay.ts';
import { forwardLeakWarnings, type Results, type RowSpec } from './report.ts';
import {
  GatewayRelay,
  agentApi,
  emulatorHealth,
  metricValue,
  openHandovers,
  pool,
  settleJoins,
  startWorld,
  type World,
} from './rig.ts';
import { sleep } from '../test/support/sleep.ts';

const KIB = 1024;
/**
 * Chats opened and closed again before the idle baseline (at most the first step). 200 were too few
 * for what the warm-up is for: V8 still compiled ~1.1 MB of optimised code (and its deopt data)
 * during a first step of 1,000, which the heap census counted as 1.1 KiB per handover; after 1,000
 * it compiles ~0.07 KiB per handover more.
 */
const WARM_UP = 1_000;
const GOALS = { rssKiB: 16, heapKiB: 5, filesPer: 1.05, createPerSec: 500, idleCpuPct: 5, lagMs: 20 };

interface Usage {
  readonly rss: number;
  readonly heapUsed: number;
  readonly openFiles: number;
}

export interface ScaleStep {
  readonly handovers: number;
  /** New handovers of this step per second, first start to last attached. */
  readonly createdPerSec: number;
  readonly createSeconds: number;
  readonly joinSeconds?: number;
  readonly usage: Usage;
  readonly rssPerHandover: number;
  readonly heapPerHandover: number;
  readonly filesPerHandover: number;
  readonly idleCpuPct: number;
  readonly lagP99Ms: number;
  /** The second idle window, `idleSettleSeconds` after the first (absent when that is 0). */
  readonly settled?: IdleWindow;
}

/** CPU (the process; its main thread) and event-loop lag over one idle window. */
interface IdleWindow {
  readonly cpuPct: number;
  readonly mainThreadCpuPct: number;
  readonly lagP99Ms: number;
}

interface Side {
  readonly idle: Usage;
  readonly steps: ScaleStep[];
  failed?: string;
  /**
   * BENCH_SCALE_CENSUS=1: what each handover of a step added, by `type:name` — the first step against
   * the idle gateway, each later one against the step before (so a cost paid once, at the first
   * step, shows as the difference between the first step's rows and the second's).
   */
  census?: Census[];
}

interface Census {
  /** The handovers live after the step, and how many the step added (the divisor). */
  readonly handovers: number;
  readonly added: number;
  readonly top: { key: string; perHandover: number; bytesPerHandover: number }[];
}

/** The census difference per handover, largest first (the rows that make up the heap per handover). */
function censusDiff(before: HeapCensus, after: HeapCensus, handovers: number, added: number): Census {
  const top = [...after]
    .map(([key, a]) => {
      const b = before.get(key) ?? { count: 0, bytes: 0 };
      return {
        key,
        perHandover: round((a.count - b.count) / added, 2),
        bytesPerHandover: round((a.bytes - b.bytes) / added, 0),
      };
    })
    .sort((x, y) => y.bytesPerHandover - x.bytesPerHandover)
    .slice(0, 30);
  return { handovers, added, top };
}

export function scaleRows(c: BenchConfig): RowSpec[] {
  const top = fmt(Math.max(...c.scaleSteps));
  return [
    ...c.scaleSteps.flatMap((n) => [
      { id: `scale.${n}.rss`, what: `RSS per handover at ${fmt(n)}`, goal: `≤ ${GOALS.rssKiB} KiB` },
      { id: `scale.${n}.heap`, what: `heap per handover at ${fmt(n)}`, goal: `≤ ${GOALS.heapKiB} KiB` },
      { id: `scale.${n}.files`, what: `open files per handover at ${fmt(n)}`, goal: `≤ ${GOALS.filesPer}` },
    ]),
    { id: 'scale.create', what: 'handover creation rate', goal: `≥ ${GOALS.createPerSec}/s` },
    { id: 'scale.idle-cpu', what: `idle CPU at ${top} handovers`, goal: `< ${GOALS.idleCpuPct} % of a core` },
    ...(c.idleSettleSeconds > 0
      ? [
          {
            id: 'scale.idle-cpu-settled',
            what: `idle CPU at ${top}, ${fmt(c.idleSettleSeconds)} s later`,
            goal: `< ${GOALS.idleCpuPct} % of a core`,
          },
        ]
      : []),
    { id: 'scale.lag', what: `event-loop lag p99 at ${top} idle`, goal: `< ${GOALS.lagMs} ms` },
    { id: 'scale.fd-limit', what: 'handovers one process can hold (ulimit -n)', goal: 'documented answer' },
  ];
}

/** Per-handover numbers over the idle process's (the idle gateway, the floor before any socket). */
function perHandover(idle: Usage, now: Usage, n: number) {
  return {
    rssPerHandover: (now.rss - idle.rss) / n,
    heapPerHandover: (now.heapUsed - idle.heapUsed) / n,
    filesPerHandover: now.openFiles / n,
  };
}

// ---- the floor ----------------------------------------------------------------------------------

async function measureFloor(): Promise<Side> {
  const world = await startWorld();
  const floor = await Child.start(
    './socket-floor.ts',
    'socket-floor',
    {
      emulatorUrl: world.emulator.url,
      organizationId: 'bench-org',
      deploymentId: 'bench-deployment',
      queue: 'Support',
    },
    { nodeArgs: ['--expose-gc'] },
  );
  const usage = async (): Promise<Usage & { lagP99Ms: number }> =>
    JSON.parse((await httpJson('GET', `${floor.url}/usage`)).body);
  const warm = Math.min(WARM_UP, config.scaleSteps[0] ?? WARM_UP);
  const res = await httpJson('POST', `${floor.url}/open`, {
    total: warm,
    concurrency: config.createConcurrency,
  });
  if (res.status !== 200) throw new Error(`floor warm-up: ${res.body}`);
  await httpJson('POST', `${floor.url}/close-all`);
  await sleep(1000);
  const side: Side = { idle: await usage(), steps: [] };
  try {
    for (const n of config.scaleSteps) {
      const res = await httpJson('POST', `${floor.url}/open`, {
        total: n,
        concurrency: config.createConcurrency,
      });
      if (res.status !== 200) throw new Error(`floor open ${n}: ${res.body}`);
      const opened = JSON.parse(res.body) as { opened: number; seconds: number };
      await sleep(1000);
      const now = await usage();
      const cpu = new CpuMeter(floor.pid);
      await sleep(config.idleSeconds * 1000);
      const idleCpuPct = cpu.share * 100;
      const lag = (await usage()).lagP99Ms;
      // The floor's /usage collects garbage first: read only at the end (its lag then spans the settle too).
      const settled = await settledWindow(
        floor.pid,
        () => Promise.resolve(),
        async () => (await usage()).lagP99Ms,
      );
      side.steps.push({
        handovers: n,
        createdPerSec: opened.opened / opened.seconds,
        createSeconds: opened.seconds,
        usage: { rss: now.rss, heapUsed: now.heapUsed, openFiles: now.openFiles },
        ...perHandover(side.idle, now, n),
        idleCpuPct,
        lagP99Ms: lag,
        ...(settled ? { settled } : {}),
      });
    }
  } catch (err) {
    side.failed = err instanceof Error ? err.message : String(err);
  } finally {
    await floor.stop();
    await world.close();
  }
  return side;
}

// ---- the gateway --------------------------------------------------------------------------------

async function gatewayUsage(gw: GatewayRelay, inspector: Inspector): Promise<Usage> {
  const heap = await inspector.heapAfterGc();
  return { rss: rssBytes(gw.pid), heapUsed: heap.heapUsed, openFiles: openFiles(gw.pid) };
}

async function waitUntil(
  what: string,
  timeoutMs: number,
  probe: () => Promise<boolean> | boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s: ${what}`);
    await sleep(50);
  }
}

/** Starts handovers up to `n` in all; resolves when the emulator has `n` attached event streams. */
async function grow(
  world: World,
  gw: GatewayRelay,
  from: number,
  n: number,
): Promise<{ seconds: number; joinSeconds?: number }> {
  const t0 = performance.now();
  const names = Array.from({ length: n - from }, (_, i) => `scale-${from + i}`);
  const timeoutMs = 60_000 + (names.length / 20) * 1000;
  await pool(names, config.createConcurrency, async (name) => {
    await gw.create(name);
  });
  await waitUntil(
    `${fmt(n)} event streams attached`,
    timeoutMs,
    async () => (await emulatorHealth(world)).attachedStreams >= n,
  );
  const seconds = (performance.now() - t0) / 1000;
  if (!config.scaleJoin) return { seconds };
  const t1 = performance.now();
  const queued = JSON.parse(
    (await httpJson('GET', `${world.emulator.url}/emulator/v1/conversations?state=queued`)).body,
  ) as {
    entities: { id: string }[];
  };
  const joinedBefore = world.receiver.count('handover.agent_joined');
  await pool(queued.entities, config.createConcurrency, (c) => agentApi(world, c.id, 'join', {}));
  const expected = joinedBefore + queued.entities.length;
  await waitUntil(
    `${fmt(n)} agent joins reported to the bot`,
    timeoutMs,
    () => world.receiver.count('handover.agent_joined') >= expected,
  );
  return { seconds, joinSeconds: (performance.now() - t1) / 1000 };
}

/**
 * The second idle window of a step, `idleSettleSeconds` after the first: by then V8's GC helper
 * threads have finished what the step's growth (and the forced collections of the heap reading)
 * left them. `start` begins the lag's window (the gateway's /metrics resets on read); `lagP99` reads it.
 */
async function settledWindow(
  pid: number,
  start: () => Promise<unknown>,
  lagP99: () => Promise<number>,
): Promise<IdleWindow | undefined> {
  if (config.idleSettleSeconds <= 0) return undefined;
  await sleep(config.idleSettleSeconds * 1000);
  await start();
  const cpu = new CpuMeter(pid);
  const main = new CpuMeter(pid, pid);
  await sleep(config.idleSeconds * 1000);
  const cpuPct = cpu.share * 100;
  const mainThreadCpuPct = main.share * 100;
  return { cpuPct, mainThreadCpuPct, lagP99Ms: await lagP99() };
}

/** Starts `n` handovers, has an agent join each, ends them all and waits until none is attached. */
async function warmUp(world: World, gw: GatewayRelay, n: number): Promise<void> {
  const live = await openHandovers(world, gw, n, 'warm-up', {
    join: true,
    concurrency: config.createConcurrency,
  });
  await settleJoins(world, gw, n);
  await pool(live, config.createConcurrency, (h) => gw.end(h.id));
  await waitUntil(
    'warm-up handovers ended',
    120_000,
    async () =>
      world.receiver.count('handover.ended') >= n && (await emulatorHealth(world)).attachedStreams === 0,
  );
}

async function measureGateway(): Promise<Side> {
  const world = await startWorld();
  const gw = await GatewayRelay.start(world, { inspect: true });
  const inspector = await gw.inspector();
  try {
    await warmUp(world, gw, Math.min(WARM_UP, config.scaleSteps[0] ?? WARM_UP));
    await sleep(1000);
    const side: Side = { idle: await gatewayUsage(gw, inspector), steps: [] };
    let census = config.scaleCensus ? await inspector.census() : undefined;
    let prev = 0;
    try {
      for (const n of config.scaleSteps) {
        const { seconds, joinSeconds } = await grow(world, gw, prev, n);
        await sleep(2000);
        const now = await gatewayUsage(gw, inspector);
        if (census) {
          const after = await inspector.census();
          const diff = censusDiff(census, after, n, n - prev);
          (side.census ??= []).push(diff);
          census = after;
          console.log(
            `heap census per handover ${prev === 0 ? `at ${fmt(n)}` : `from ${fmt(prev)} to ${fmt(n)}`} (bytes, count, type:name):`,
          );
          for (const r of diff.top)
            console.log(
              `  ${String(r.bytesPerHandover).padStart(6)} B ${fmt(r.perHandover, 2).padStart(6)}  ${r.key}`,
            );
        }
        await gw.metrics(); // resets prom-client's event-loop histogram: the window starts now
        const cpu = new CpuMeter(gw.pid);
        await sleep(config.idleSeconds * 1000);
        const idleCpuPct = cpu.share * 100;
        const lag = metricValue(await gw.metrics(), 'nodejs_eventloop_lag_p99_seconds');
        const lagMs = async (): Promise<number> =>
          (metricValue(await gw.metrics(), 'nodejs_eventloop_lag_p99_seconds') ?? NaN) * 1000;
        const settled = await settledWindow(gw.pid, lagMs, lagMs);
        side.steps.push({
          handovers: n,
          createdPerSec: (n - prev) / seconds,
          createSeconds: round(seconds, 2),
          ...(joinSeconds === undefined ? {} : { joinSeconds: round(joinSeconds, 2) }),
          usage: now,
          ...perHandover(side.idle, now, n),
          idleCpuPct,
          lagP99Ms: (lag ?? NaN) * 1000,
          ...(settled ? { settled } : {}),
        });
        prev = n;
      }
    } catch (err) {
      side.failed = `at ${fmt(config.scaleSteps.find((s) => s > prev) ?? prev)} handovers: ${err instanceof Error ? err.message : String(err)}`;
      if (!gw.process.running) side.failed += ` (the gateway exited:\n${gw.process.tail(1500)})`;
    }
    return side;
  } finally {
    inspector.close();
    await gw.close().catch(() => undefined);
    forwardLeakWarnings('gateway', gw.process.output());
    await world.close();
  }
}

export async function runScale(results: Results): Promise<void> {
  const floor = await measureFloor();
  const gateway = await measureGateway();
  results.details.scale = { floor, gateway };
  const kib = (b: number): string => `${fmt(b / KIB, 1)} KiB`;
  const x = (a: number, b: number): string => (b > 0 ? `${fmt(a / b, 1)} ×` : '—');
  for (const g of gateway.steps) {
    const f = floor.steps.find((s) => s.handovers === g.handovers);
    const base = (
      v: (s: ScaleStep) => number,
      show: (n: number) => string,
    ): { baseline?: string; ratio?: string } =>
      f ? { baseline: `${show(v(f))} floor`, ratio: x(v(g), v(f)) } : {};
    results.record(`scale.${g.handovers}.rss`, {
      measured: kib(g.rssPerHandover),
      ...base((s) => s.rssPerHandover, kib),
      pass: g.rssPerHandover <= GOALS.rssKiB * KIB,
      values: { gateway: g, floor: f },
    });
    results.record(`scale.${g.handovers}.heap`, {
      measured: kib(g.heapPerHandover),
      ...base((s) => s.heapPerHandover, kib),
      pass: g.heapPerHandover <= GOALS.heapKiB * KIB,
    });
    results.record(`scale.${g.handovers}.files`, {
      measured: fmt(g.filesPerHandover, 3),
      ...base(
        (s) => s.filesPerHandover,
        (n) => fmt(n, 3),
      ),
      pass: g.filesPerHandover <= GOALS.filesPer,
      note: `${fmt(g.usage.openFiles)} open files`,
    });
  }
  const created = gateway.steps.at(-1)?.handovers ?? 0;
  const createSeconds = gateway.steps.reduce((a, s) => a + s.createSeconds, 0);
  const floorCreated = floor.steps.at(-1)?.handovers ?? 0;
  const floorSeconds = floor.steps.reduce((a, s) => a + s.createSeconds, 0);
  if (created > 0) {
    const rate = created / createSeconds;
    const floorRate = floorSeconds > 0 ? floorCreated / floorSeconds : NaN;
    results.record('scale.create', {
      measured: `${fmt(rate)}/s`,
      baseline: `${fmt(floorRate)}/s floor`,
      ratio: `${fmt((rate / floorRate) * 100)} %`,
      pass: rate >= GOALS.createPerSec,
      note: `started through POST /v1/handovers, ${config.createConcurrency} at once, until the event stream is attached`,
      values: {
        perStep: gateway.steps.map((s) => ({
          handovers: s.handovers,
          perSec: round(s.createdPerSec, 1),
          joinSeconds: s.joinSeconds,
        })),
      },
    });
  }
  const top = gateway.steps.at(-1);
  const topFloor = top ? floor.steps.find((s) => s.handovers === top.handovers) : undefined;
  const planned = Math.max(...config.scaleSteps);
  if (top) {
    const partial =
      top.handovers < planned ? `only ${fmt(top.handovers)} of ${fmt(planned)} reached` : undefined;
    results.record('scale.idle-cpu', {
      measured: `${fmt(top.idleCpuPct, 1)} %`,
      ...(topFloor ? { baseline: `${fmt(topFloor.idleCpuPct, 1)} % floor` } : {}),
      pass: !partial && top.idleCpuPct < GOALS.idleCpuPct,
      note: `${partial ? `${partial}; ` : ''}per step: ${gateway.steps.map((s) => `${fmt(s.handovers)} → ${fmt(s.idleCpuPct, 1)} %`).join(', ')} (over ${config.idleSeconds} s)`,
    });
    if (top.settled) {
      const s = top.settled;
      results.record('scale.idle-cpu-settled', {
        measured: `${fmt(s.cpuPct, 1)} %`,
        ...(topFloor?.settled ? { baseline: `${fmt(topFloor.settled.cpuPct, 1)} % floor` } : {}),
        pass: !partial && s.cpuPct < GOALS.idleCpuPct,
        note: `${partial ? `${partial}; ` : ''}the same window ${config.idleSettleSeconds} s after the first; main thread ${fmt(s.mainThreadCpuPct, 1)} % (the rest: its other threads — V8's GC helpers, the store's writer, libuv); per step: ${gateway.steps.map((g) => `${fmt(g.handovers)} → ${g.settled ? fmt(g.settled.cpuPct, 1) : '—'} %`).join(', ')}; lag p99 ${fmt(s.lagP99Ms, 1)} ms`,
      });
    }
    results.record('scale.lag', {
      measured: `${fmt(top.lagP99Ms, 1)} ms`,
      ...(topFloor ? { baseline: `${fmt(topFloor.lagP99Ms, 1)} ms floor` } : {}),
      pass: !partial && top.lagP99Ms < GOALS.lagMs,
      note: `per step: ${gateway.steps.map((s) => `${fmt(s.handovers)} → ${fmt(s.lagP99Ms, 1)} ms`).join(', ')}`,
    });
    const limit = machine().openFilesLimit;
    // Files beyond the idle process's, per handover, decide how many more handovers fit.
    const fits = (side: Side, s: ScaleStep): number =>
      Math.floor((limit - side.idle.openFiles) / ((s.usage.openFiles - side.idle.openFiles) / s.handovers));
    results.record('scale.fd-limit', {
      measured: fmt(fits(gateway, top)),
      ...(topFloor ? { baseline: `${fmt(fits(floor, topFloor))} floor` } : {}),
      note: `(ulimit -n ${fmt(limit)} − idle files) ÷ added files per handover at ${fmt(top.handovers)}`,
      values: { openFilesLimit: limit },
    });
  }
  if (floor.failed) results.fail('scale.', `floor: ${floor.failed}`);
  if (gateway.failed) results.fail('scale.', `gateway ${gateway.failed}`);
}
