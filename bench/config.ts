// The benchmark's sizes: the numbers by default, tiny ones with BENCH_QUICK=1 (the CI smoke
// test), each overridable by an environment variable (see bench/README.md).
type Env = Readonly<Record<string, string | undefined>>;

/** The sizes for an environment (the CI smoke test asks for the quick ones without running them). */
export function loadConfig(env: Env = process.env) {
  const quick = env.BENCH_QUICK === '1';
  const num = (name: string, full: number, small: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return quick ? small : full;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0, got "${raw}"`);
    return value;
  };
  const list = (name: string, full: readonly number[], small: readonly number[]): number[] => {
    const raw = env[name];
    if (raw === undefined || raw === '') return [...(quick ? small : full)];
    const values = raw.split(',').map(Number);
    if (values.some((v) => !Number.isFinite(v) || v <= 0))
      throw new Error(`${name} must list numbers > 0, got "${raw}"`);
    return values;
  };
  return {
    quick,
    /** Live handovers the throughput, history and latency benchmarks spread their messages over. */
    handovers: num('BENCH_HANDOVERS', 100, 10),
    /** Sender requests in flight at once (throughput). */
    concurrency: num('BENCH_CONCURRENCY', 100, 10),
    /**
     * Open Messaging agent → bot: most messages sent and not yet at the bot (0: no bound). Genesys'
     * webhook calls have a deadline and retries (OM §4.5); sent as fast as the emulator takes them,
     * the calls of a backlog pass their deadline and come again, and the run measures that storm
     * rather than the relay (bench/README.md, round seventeen). The same window for the raw relay.
     */
    omWindow: num('BENCH_OM_WINDOW', 1_000, 50),
    /** Messages per direction in the throughput benchmark. */
    messages: num('BENCH_MESSAGES', 20_000, 200),
    /** Messages per direction sent (and not measured) before measuring: JIT and caches warm. */
    warmup: num('BENCH_WARMUP', 2_000, 40),
    /**
     * Messages per direction pushed through the raw relay, untimed, when a part's emulator has just
     * started and before anything is measured against it (relay, history, latency): on a cold emulator
     * the first raw relay run made a third to four fifths of later runs' rate (bench/README.md, round
     * thirteen).
     */
    emulatorWarmup: num('BENCH_EMULATOR_WARMUP', 10_000, 20),
    /**
     * Rounds of the relay part: each measures the raw relay and the gateway, in alternating order;
     * the rows give the round with the median ratio (a noisy machine's drift hits both sides).
     */
    relayRounds: Math.max(1, Math.trunc(num('BENCH_RELAY_ROUNDS', 3, 1))),
    /**
     * 1: the relay part also samples what each relay allocates per message (V8's sampling heap
     * profiler over the inspector; a little slower, so off by default): a number that does not
     * depend on how fast the machine is, unlike the throughput beside it.
     */
    relayAlloc: num('BENCH_RELAY_ALLOC', 0, 0) === 1,
    /** The two sizes of the "flat as history grows" comparison. */
    historySmall: num('BENCH_HISTORY_SMALL', 10_000, 100),
    historyLarge: num('BENCH_HISTORY_LARGE', 100_000, 300),
    /** Offered rates (msg/s, agent → bot) of the latency benchmark, and how long each runs. */
    rates: list('BENCH_RATES', [200, 1_000], [50, 200]),
    latencySeconds: num('BENCH_LATENCY_SECONDS', 10, 1),
    /** Live-handover steps of the scale benchmark (cumulative). */
    scaleSteps: list('BENCH_SCALE_STEPS', [1_000, 5_000, 10_000, 15_000], [20, 50]),
    /** Handover starts in flight at once (scale, restart). */
    createConcurrency: num('BENCH_CREATE_CONCURRENCY', 50, 10),
    /** Whether an agent joins every scale handover (1) or they stay queued (0). */
    scaleJoin: num('BENCH_SCALE_JOIN', 1, 1) === 1,
    /** 1: a heap census of the gateway per handover at each scale step, against the step before (slow; prints the top). */
    scaleCensus: num('BENCH_SCALE_CENSUS', 0, 0) === 1,
    /** The idle window over which CPU and event-loop lag are measured at each scale step. */
    idleSeconds: num('BENCH_IDLE_SECONDS', 10, 1),
    /**
     * A second idle window this long after the first (0: none): V8's GC helper threads finish what
     * the step's growth left them, so the two windows show growth's after-effects and the settled
     * idle cost side by side (bench/README.md).
     */
    idleSettleSeconds: num('BENCH_IDLE_SETTLE_SECONDS', 20, 1),
    /** Live handovers of the restart benchmark, and agent messages written to each while it is down. */
    restartHandovers: num('BENCH_RESTART_HANDOVERS', 1_000, 20),
    restartMessagesEach: num('BENCH_RESTART_MESSAGES', 1, 1),
    /** Runs of the restart part (one run varies by ±10 % here): the rows give the median's. */
    restartRuns: Math.max(1, Math.trunc(num('BENCH_RESTART_RUNS', 3, 1))),
    /** A measurement gives up when the relay is slower than this (msg/s), plus a minute. */
    minRate: num('BENCH_MIN_RATE', 50, 5),
  } as const;
}

export type BenchConfig = ReturnType<typeof loadConfig>;

export const config: BenchConfig = loadConfig();

/** How long to wait for `messages` to get through before calling it a failure. */
export function timeoutFor(messages: number): number {
  return 60_000 + (messages / Math.max(1, config.minRate)) * 1000;
}
