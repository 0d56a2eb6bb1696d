// Throughput at concurrency, both directions, many handovers at once: N messages spread round-robin
// over H live handovers (an agent joined on each), sent as fast as they are accepted (C requests in
// flight), timed from the first send until the far side has every one. The same run against the raw
// relay gives the ratio.
//
//   agent → bot: the emulator's agent API writes; done when the bot's webhook receiver has them all.
//   bot → agent: the bot POSTs to the relay; done when the emulator's agent feed has them all.
import { AgentView } from './agent-view.ts';
import { Arrivals } from './arrivals.ts';
import { config, timeoutFor, type BenchConfig } from './config.ts';
import type { Allocations } from './inspector.ts';
import { httpJson } from './http-client.ts';
import { CpuMeter, DiskWriteMeter, withChildren } from './procfs.ts';
import type { Results, RowSpec } from './report.ts';
import {
  GatewayRelay,
  RawRelay,
  agentApi,
  openHandovers,
  pool,
  settleJoins,
  startWorld,
  type LiveHandover,
  type Relay,
  type World,
} from './rig.ts';

export type Direction = 'agent→bot' | 'bot→agent';
export const DIRECTIONS: readonly Direction[] = ['agent→bot', 'bot→agent'];

export interface Throughput {
  readonly direction: Direction;
  readonly relay: string;
  readonly handovers: number;
  readonly messages: number;
  /** Messages that arrived (all of them unless timed out). */
  readonly arrived: number;
  readonly seconds: number;
  /** Arrived messages per second, first send to last arrival. */
  readonly msgPerSec: number;
  /** How long the sender took to get every message accepted. */
  readonly acceptSeconds: number;
  /** CPU time per message, µs: the relay, the emulator, and this process (load + receiver). */
  readonly cpuUsPerMsg: { readonly relay: number; readonly emulator: number; readonly harness: number };
  /** Share of one core each process used during the run (near 1: that process was the limit). */
  readonly coreShare: { readonly relay: number; readonly emulator: number; readonly harness: number };
  readonly duplicates: number;
  /** Genesys API calls the emulator received during the run, per arrived message (both relays' own). */
  readonly genesysCallsPerMsg: number;
  /** The same by route (the emulator's), where there were any: what the calls were for. */
  readonly genesysCallsByRoute: Readonly<Record<string, number>>;
  /**
   * The gateway's answers to Genesys' webhook calls (Open Messaging), by status, per arrived
   * message: above 1 for 200, calls came twice; a 503 is a call past its deadline, sent again.
   */
  readonly webhookAnswersPerMsg?: Readonly<Record<string, number>>;
  /** The gateway's store writes per arrived message by their batch's outcome (committed, split). */
  readonly storeWritesPerMsg?: Readonly<Record<string, number>>;
  readonly timedOut?: string;
  /**
   * Bytes the relay's store wrote to storage per arrived message (`DiskWriteMeter`): the relay's own
   * process, and PostgreSQL's server with its backends on a throwaway cluster; absent behind
   * DATABASE_URL (the server's processes are not ours to read).
   */
  readonly writtenPerMsg?: number;
  /** BENCH_RELAY_ALLOC=1: what the relay allocated during the run, per arrived message. */
  readonly allocated?: { readonly bytesPerMsg: number; readonly sites: Allocations['sites'] };
}

export interface Prepared {
  readonly world: World;
  readonly relay: Relay;
  readonly handovers: readonly LiveHandover[];
}

/** A relay with `n` live handovers, an agent joined on each, warmed up in both directions. */
export async function prepareRelay(
  world: World,
  kind: 'gateway' | 'raw relay',
  n: number,
  tag: string,
): Promise<Prepared> {
  const joinedBefore = world.receiver.count('handover.agent_joined');
  const inspect = config.relayAlloc;
  const relay =
    kind === 'gateway'
      ? await GatewayRelay.start(world, { inspect })
      : await RawRelay.start(world, { inspect });
  try {
    const handovers = await openHandovers(world, relay, n, tag, {
      join: true,
      concurrency: config.createConcurrency,
    });
    await settleJoins(world, relay, joinedBefore + n);
    const prepared = { world, relay, handovers };
    if (config.warmup > 0)
      for (const direction of DIRECTIONS)
        await measureThroughput(direction, prepared, config.warmup, `${tag}-warmup-${direction}`);
    return prepared;
  } catch (err) {
    await relay.close();
    throw err;
  }
}

/**
 * Warms a fresh world's emulator: `BENCH_EMULATOR_WARMUP` messages each way through a raw relay of
 * its own, untimed, closed again. Without it the first raw relay run of a part met an emulator whose
 * code V8 had not optimised yet: in nine relay runs the first agent → bot run of the raw relay made
 * 1,547–3,752 msg/s against mostly 4,000–5,400 later, so the first round's ratio read 48–128 % (mean
 * 73 %) against 37–63 % (mean 48 %), and every part that ran the raw relay first was flattered so.
 */
export async function warmEmulator(world: World): Promise<void> {
  if (config.emulatorWarmup === 0) return;
  const prepared = await prepareRelay(world, 'raw relay', config.handovers, 'emulator-warmup');
  try {
    for (const d of DIRECTIONS)
      await measureThroughput(d, prepared, config.emulatorWarmup, `emulator-warmup-${slug(d)}`);
  } finally {
    await prepared.relay.close();
  }
}

export async function measureThroughput(
  direction: Direction,
  { world, relay, handovers }: Prepared,
  messages: number,
  tag: string,
  opts: { sampleAllocations?: boolean; window?: number } = {},
): Promise<Throughput> {
  const arrivals = new Arrivals(`${tag}:`);
  // The agent feed costs the emulator work per message: open only while it is needed.
  const view = direction === 'bot→agent' ? await AgentView.open(world.emulator.url) : undefined;
  if (view) view.arrivals = arrivals;
  else world.receiver.arrivals = arrivals;
  const cpu = {
    relay: new CpuMeter(relay.pid),
    emulator: new CpuMeter(world.emulator.pid),
    harness: new CpuMeter('self'),
  };
  const storePids = storeProcesses(world, relay);
  const disk = storePids && new DiskWriteMeter(storePids);
  const callsBefore = await genesysCalls(world);
  const countsBefore = await gatewayCounts(relay, world);
  const t0 = performance.now();
  let acceptSeconds = NaN;
  // A window: message i is sent once all but `window` of those before it arrived.
  let sent = 0;
  const window = direction === 'agent→bot' ? (opts.window ?? 0) : 0;
  const sending = pool(
    Array.from({ length: messages }, (_, i) => i),
    config.concurrency,
    async (i) => {
      const h = handovers[i % handovers.length]!;
      const text = `${tag}:${i}`;
      if (window > 0) await arrivals.reached(sent++ - window + 1);
      if (direction === 'agent→bot') await agentApi(world, h.conversationId, 'messages', { body: text });
      else await relay.send(h.id, text);
    },
  ).then(() => {
    acceptSeconds = (performance.now() - t0) / 1000;
  });
  let timedOut: string | undefined;
  let allocations: Allocations | undefined;
  const run = (): Promise<unknown> =>
    Promise.all([
      sending,
      arrivals.waitFor(messages, timeoutFor(messages), `${direction} via ${relay.name}`),
    ]);
  try {
    if (opts.sampleAllocations) {
      // The relay's own code: the gateway's compiled sources, or the raw relay's script.
      const inspector = await relay.inspector();
      try {
        ({ allocations } = await inspector.allocations(run, (url) =>
          /\/(dist-bench|src)\/|raw-relay/.test(url),
        ));
      } finally {
        inspector.close();
      }
    } else await run();
  } catch (err) {
    timedOut = err instanceof Error ? err.message : String(err);
    arrivals.release();
    // Why it did not finish is in the relay's own log (warnings and up; BENCH_GATEWAY_LOG=info for more).
    process.stderr.write(
      `${tag} via ${relay.name} timed out; its output, the tail:\n${relay.output().slice(-8_000)}\n`,
    );
    await sending.catch(() => undefined);
  }
  const seconds = ((timedOut ? performance.now() : arrivals.lastArrival) - t0) / 1000;
  const arrived = arrivals.count;
  const written = disk?.bytes;
  const callsAfter = await genesysCalls(world);
  const countsAfter = await gatewayCounts(relay, world);
  const answers = countsPerMessage(countsBefore.answers ?? {}, countsAfter.answers ?? {}, arrived);
  const writes = countsPerMessage(countsBefore.writes ?? {}, countsAfter.writes ?? {}, arrived);
  const calls = callsAfter.total - callsBefore.total;
  const byRoute = countsPerMessage(callsBefore.byRoute, callsAfter.byRoute, arrived);
  const perMsg = (m: CpuMeter): number => Math.round((m.used * 1e6) / Math.max(1, arrived));
  const share = (m: CpuMeter): number => round(m.share, 2);
  world.receiver.arrivals = undefined;
  await view?.close();
  return {
    direction,
    relay: relay.name,
    handovers: handovers.length,
    messages,
    arrived,
    seconds: round(seconds, 3),
    msgPerSec: Math.round(arrived / seconds),
    acceptSeconds: round(acceptSeconds, 3),
    cpuUsPerMsg: { relay: perMsg(cpu.relay), emulator: perMsg(cpu.emulator), harness: perMsg(cpu.harness) },
    coreShare: { relay: share(cpu.relay), emulator: share(cpu.emulator), harness: share(cpu.harness) },
    duplicates: arrivals.duplicates,
    genesysCallsPerMsg: round(calls / Math.max(1, arrived), 2),
    genesysCallsByRoute: byRoute,
    ...(Object.keys(answers).length > 0 ? { webhookAnswersPerMsg: answers } : {}),
    ...(Object.keys(writes).length > 0 ? { storeWritesPerMsg: writes } : {}),
    ...(written === undefined ? {} : { writtenPerMsg: Math.round(written / Math.max(1, arrived)) }),
    ...(timedOut ? { timedOut } : {}),
    ...(allocations
      ? {
          allocated: {
            bytesPerMsg: Math.round(allocations.bytes / Math.max(1, arrived)),
            sites: allocations.sites.map((s) => ({
              ...s,
              bytes: Math.round(s.bytes / Math.max(1, arrived)),
            })),
          },
        }
      : {}),
  };
}

/**
 * The processes whose storage writes are the relay's: the relay itself (the gateway's SQLite file is
 * written by its writer thread), plus PostgreSQL's server and its backends when the world runs on the
 * benchmark's own cluster. Undefined when the store is a server this machine cannot see into.
 */
function storeProcesses(world: World, relay: Relay): (() => readonly number[]) | undefined {
  const postgres = world.postgres;
  if (postgres === undefined) return () => [relay.pid];
  const server = postgres.serverPid;
  return server === undefined ? undefined : () => [relay.pid, ...withChildren(server)];
}

/** The guest-chat and Platform API requests the emulator has received (`GET /emulator/v1/request-rate`). */
async function genesysCalls(
  world: World,
): Promise<{ total: number; byRoute: Readonly<Record<string, number>> }> {
  const res = await httpJson('GET', `${world.emulator.url}/emulator/v1/request-rate`);
  return JSON.parse(res.body) as { total: number; byRoute: Record<string, number> };
}

/** What each count grew by between two readings, per arrived message (only those that grew). */
function countsPerMessage(
  before: Readonly<Record<string, number>>,
  after: Readonly<Record<string, number>>,
  arrived: number,
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after).flatMap(([key, n]) => {
      const made = n - (before[key] ?? 0);
      return made > 0 ? [[key, round(made / Math.max(1, arrived), 3)]] : [];
    }),
  );
}

/**
 * The gateway's counts so far, from one read of its /metrics: its answers on the Open Messaging
 * webhook route by status (`answers`, only on that path), and its group-commit writes by their
 * batch's outcome (`writes`: `committed`, or `split` — the batch failed and each write was
 * committed alone). Nothing for the raw relay.
 */
async function gatewayCounts(
  relay: Relay,
  world: World,
): Promise<{ answers?: Record<string, number>; writes?: Record<string, number> }> {
  if (!(relay instanceof GatewayRelay)) return {};
  const text = await relay.metrics();
  const writes: Record<string, number> = {};
  for (const m of text.matchAll(/^genesys_handover_store_batch_writes_total\{outcome="(\w+)"\} (\d+)/gm))
    writes[m[1] ?? ''] = Number(m[2]);
  if (world.openMessaging === undefined) return { writes };
  const answers: Record<string, number> = {};
  const line =
    /^genesys_handover_http_request_duration_seconds_count\{([^}]*route="\/genesys\/open-messaging\/:endpointId"[^}]*)\} (\d+)/gm;
  for (const m of text.matchAll(line)) {
    const status = /status="(\d+)"/.exec(m[1] ?? '')?.[1];
    if (status !== undefined) answers[status] = (answers[status] ?? 0) + Number(m[2]);
  }
  return { answers, writes };
}

/** A remark when the harness, not the relay, may have set the pace. */
export function limitNote(t: Throughput): string | undefined {
  if (t.timedOut) return t.timedOut;
  const busy = Object.entries(t.coreShare)
    .filter(([, share]) => share >= 0.9)
    .map(([name]) => name);
  if (busy.length === 0 || busy.includes('relay')) return undefined;
  return `${t.relay}: ${busy.join(' and ')} near a full core — the harness may set the pace`;
}

/** The storage row of a direction: what the gateway's store wrote per message, and the raw relay. */
function storageRow(gw: Throughput, raw: Throughput, world: World): Parameters<Results['record']>[1] {
  if (gw.writtenPerMsg === undefined || raw.writtenPerMsg === undefined)
    return {
      measured: 'not measured',
      baseline: '',
      note: "DATABASE_URL: the database server's processes are not this machine's to read",
    };
  const who = world.postgres
    ? "the gateway's process and PostgreSQL's server with its backends"
    : "the gateway's process (SQLite's file and its write-ahead log)";
  return {
    measured: kib(gw.writtenPerMsg),
    baseline: `${kib(raw.writtenPerMsg)} raw`,
    note: `write_bytes of /proc/<pid>/io: ${who}; a page dirtied again after it was written counts again`,
    values: { gateway: gw.writtenPerMsg, raw: raw.writtenPerMsg },
  };
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function fmt(x: number, digits = 0): string {
  return Number.isFinite(x)
    ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '—';
}

/** Bytes as KiB with one decimal, e.g. `26.6 KiB`. */
export function kib(bytes: number): string {
  return `${fmt(bytes / 1024, 1)} KiB`;
}

const arrow = (d: Direction): string => (d === 'agent→bot' ? 'agent → bot' : 'bot → agent');
const slug = (d: Direction): string => (d === 'agent→bot' ? 'agent-to-bot' : 'bot-to-agent');

/** The Genesys path a relay part runs over: its rows' id prefix and what they are called. */
export interface RelayPath {
  /** `relay` (guest chat), `om-relay` (Open Messaging) or `pg-relay` (guest chat, PostgreSQL). */
  readonly part: string;
  /** Put before each row's name ('' for guest chat, the rows' names since round one). */
  readonly label: string;
  readonly startWorld: () => Promise<World>;
  /**
   * A row of Genesys API calls per message: what a message costs of the OAuth client's per-token
   * limit (Open Messaging §1.4: 300 a minute), and so how many messages a minute one client carries.
   */
  readonly callRows?: boolean;
  /** Agent → bot: most messages sent and not yet at the bot (`measureThroughput`); none when absent. */
  readonly agentWindow?: number;
}

const GUEST_CHAT: RelayPath = { part: 'relay', label: '', startWorld: () => startWorld() };

export function relayRows(c: BenchConfig, path: RelayPath = GUEST_CHAT): RowSpec[] {
  return DIRECTIONS.flatMap((d) => [
    {
      id: `${path.part}.${slug(d)}`,
      what: `${path.label}${arrow(d)} throughput, ${fmt(c.handovers)} handovers`,
      goal: '≥ 5,000 msg/s, ≥ 50 % of raw',
    },
    { id: `${path.part}.${slug(d)}.cpu`, what: `${path.label}${arrow(d)} CPU per message`, goal: '' },
    ...(path.callRows
      ? [
          {
            id: `${path.part}.${slug(d)}.calls`,
            what: `${path.label}${arrow(d)} Genesys API calls per message`,
            goal: '',
          },
        ]
      : []),
    {
      id: `${path.part}.${slug(d)}.disk`,
      what: `${path.label}${arrow(d)} written to storage per message`,
      goal: '',
    },
    ...(c.relayAlloc
      ? [
          {
            id: `${path.part}.${slug(d)}.alloc`,
            what: `${path.label}${arrow(d)} allocated per message`,
            goal: '',
          },
        ]
      : []),
  ]);
}

/**
 * `npm run bench -- relay`: both directions through the raw relay and through the gateway, in
 * `BENCH_RELAY_ROUNDS` rounds. A round measures both relays one after the other, in alternating
 * order (raw first, then gateway first, …), so the two numbers of a ratio are taken a minute apart at
 * most, and a machine that speeds up or slows down during the run shifts both. The rows give the
 * round with the median ratio; the note lists every round's. `path`: the same over Open Messaging
 * (`om-relay.ts`).
 */
export async function runRelay(results: Results, path: RelayPath = GUEST_CHAT): Promise<void> {
  const world = await path.startWorld();
  const rounds: Record<string, Throughput>[] = [];
  let failure: Error | undefined;
  try {
    await warmEmulator(world);
    for (let r = 0; r < config.relayRounds; r++) {
      const runs: Record<string, Throughput> = {};
      rounds.push(runs);
      const kinds = r % 2 === 0 ? (['raw relay', 'gateway'] as const) : (['gateway', 'raw relay'] as const);
      for (const kind of kinds) {
        const tag = `${kind === 'gateway' ? 'relay-gw' : 'relay-raw'}-${r + 1}`;
        const prepared = await prepareRelay(world, kind, config.handovers, tag);
        try {
          for (const d of DIRECTIONS)
            runs[`${kind} ${d}`] = await measureThroughput(
              d,
              prepared,
              config.messages,
              `${tag}-${slug(d)}`,
              {
                sampleAllocations: config.relayAlloc,
                ...(path.agentWindow === undefined ? {} : { window: path.agentWindow }),
              },
            );
        } finally {
          await prepared.relay.close();
        }
      }
    }
  } catch (err) {
    failure = err instanceof Error ? err : new Error(String(err));
  } finally {
    results.details[path.part] = { rounds };
    await world.close();
  }
  for (const d of DIRECTIONS) {
    const measured = rounds
      .map((runs) => ({ gw: runs[`gateway ${d}`], raw: runs[`raw relay ${d}`] }))
      .filter((m): m is { gw: Throughput; raw: Throughput } => m.gw !== undefined && m.raw !== undefined)
      .map((m) => ({ ...m, ratio: m.gw.msgPerSec / m.raw.msgPerSec }));
    if (measured.length === 0) continue;
    const { gw, raw, ratio } = [...measured].sort((a, b) => a.ratio - b.ratio)[
      Math.floor((measured.length - 1) / 2)
    ]!;
    const spread =
      measured.length > 1
        ? `${measured.length} rounds, ratio ${measured.map((m) => `${fmt(m.ratio * 100)} %`).join(', ')}; gateway ${measured.map((m) => fmt(m.gw.msgPerSec)).join(', ')} msg/s; the median round shown`
        : undefined;
    const notes = [spread, limitNote(gw), limitNote(raw), world.postgres?.settings].filter(
      (x) => x !== undefined,
    );
    results.record(`${path.part}.${slug(d)}`, {
      measured: `${fmt(gw.msgPerSec)} msg/s`,
      baseline: `${fmt(raw.msgPerSec)} msg/s raw`,
      ratio: `${fmt(ratio * 100)} %`,
      pass: !gw.timedOut && gw.msgPerSec >= 5_000 && ratio >= 0.5,
      ...(notes.length ? { note: notes.join('; ') } : {}),
      values: { gateway: gw, raw, rounds: measured.map((m) => m.ratio) },
    });
    results.record(`${path.part}.${slug(d)}.cpu`, {
      measured: `${fmt(gw.cpuUsPerMsg.relay)} µs`,
      baseline: `${fmt(raw.cpuUsPerMsg.relay)} µs raw`,
      ratio: `${fmt(gw.cpuUsPerMsg.relay / raw.cpuUsPerMsg.relay, 1)} ×`,
      values: { gateway: gw.cpuUsPerMsg, raw: raw.cpuUsPerMsg },
    });
    if (path.callRows)
      results.record(`${path.part}.${slug(d)}.calls`, {
        measured: fmt(gw.genesysCallsPerMsg, 2),
        baseline: `${fmt(raw.genesysCallsPerMsg, 2)} raw`,
        note: `at 300 calls a minute per OAuth token (§1.4), one client carries ~${fmt(300 / Math.max(0.01, gw.genesysCallsPerMsg))} such messages a minute`,
        values: { gateway: gw.genesysCallsPerMsg, raw: raw.genesysCallsPerMsg },
      });
    results.record(`${path.part}.${slug(d)}.disk`, storageRow(gw, raw, world));
    if (gw.allocated && raw.allocated) {
      results.record(`${path.part}.${slug(d)}.alloc`, {
        measured: kib(gw.allocated.bytesPerMsg),
        baseline: `${kib(raw.allocated.bytesPerMsg)} raw`,
        ratio: `${fmt(gw.allocated.bytesPerMsg / raw.allocated.bytesPerMsg, 1)} ×`,
        note: `most: ${gw.allocated.sites
          .slice(0, 5)
          .map((s) => `${s.site} ${kib(s.bytes)}`)
          .join('; ')}`,
        values: { gateway: gw.allocated, raw: raw.allocated },
      });
    }
  }
  if (failure) throw failure;
}
