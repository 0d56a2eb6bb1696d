// The pieces every benchmark wires together: the emulator in its own process (it plays Genesys and
// the agents), the bot's webhook receiver and the load in this process, and the relay under test in
// its own process — the gateway as users run it (the built `genesys-handover serve`, the default
// SQLite store with synchronous=FULL) or the raw relay. Separate processes make RSS, CPU time and open
// files each process's own.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { EmulatorOptions } from '../src/emulator/index.ts';
import { DEFAULT_OAUTH_CLIENT } from '../src/emulator/oauth/oauth-clients.ts';
import { freePort, GatewayProcess } from '../test/support/gateway-process.ts';
import { sleep } from '../test/support/sleep.ts';
import { BotReceiver } from './bot-receiver.ts';
import { Child } from './child.ts';
import { httpJson } from './http-client.ts';
import { Inspector } from './inspector.ts';
import { benchSchema, dropSchema, type BenchPostgres } from './postgres.ts';
import { findPid } from './procfs.ts';

/**
 * What the installed `genesys-handover` command runs — the compiled CLI — built by `builtCli` into
 * the benchmark's own copy: dist-bench/, beside dist/ (the code finds package.json one level up),
 * not dist/ itself (the package test cleans dist/ and may run beside the benchmark's smoke test).
 * The benchmark measures what users run (no tsx loader thread, no source maps), not the sources the
 * tests run through tsx.
 */
const OUT = 'dist-bench';
let built: string | undefined;

/** `npm run build -- --out dist-bench` once per benchmark run (incremental: seconds when current). */
function builtCli(): string {
  if (built === undefined) {
    const root = new URL('..', import.meta.url).pathname;
    const result = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--out', OUT], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (result.status !== 0) throw new Error(`the benchmark's build failed (exit ${result.status})`);
    built = join(root, OUT, 'cli/program.js');
  }
  return built;
}

const API_KEY = 'ghk_AVzN7Fu_kw9yRTCgyHLMg72iGSDZD2ki91XxJePb_GI';
const ORG = 'bench-org';
const DEPLOYMENT = 'bench-deployment';
const QUEUE = 'Support';

/** Node options for a child process from an environment variable (space-separated). */
function nodeArgsOf(name: string): string[] {
  return (process.env[name] ?? '').split(' ').filter((a) => a !== '');
}

/** A relay under test: the gateway or the raw relay, as seen by a bot. */
export interface Relay {
  readonly name: 'gateway' | 'raw relay';
  readonly pid: number;
  /** Starts a handover for a customer with this display name; returns its id. */
  create(displayName: string): Promise<string>;
  /** The bot sends a message to the agent (accepted, not yet delivered). */
  send(id: string, text: string): Promise<void>;
  /** Its process's inspector, when it was started with `inspect: true`. */
  inspector(): Promise<Inspector>;
  /** The tail of what its process printed (the gateway's log: why a run did not finish). */
  output(): string;
  close(): Promise<void>;
}

export interface World {
  readonly emulator: Child;
  readonly receiver: BotReceiver;
  /** Set in a world of the Open Messaging path: relays started in it use it instead of guest chat. */
  readonly openMessaging?: OpenMessagingWorld;
  /** Set in a world whose gateways keep their state in PostgreSQL (a schema each) instead of SQLite. */
  readonly postgres?: BenchPostgres;
  close(): Promise<void>;
}

/**
 * The Open Messaging path's fixed points: one emulator integration per relay kind, each posting
 * Genesys' outbound calls (OM §4.1) to a port chosen before the relay starts (an integration's
 * webhook URL is fixed; every relay of that kind in the world listens on it in turn).
 */
export interface OpenMessagingWorld {
  readonly gatewayPort: number;
  readonly rawPort: number;
}

/** The emulator's pre-registered OAuth client, for both relays. */
const OM_CLIENT = {
  clientId: DEFAULT_OAUTH_CLIENT.clientId,
  clientSecret: DEFAULT_OAUTH_CLIENT.clientSecret,
};
const OM_WEBHOOK_SECRET = 'bench-open-messaging-secret';
/** The highest per-token budget the gateway takes: 10,000 calls a second, for both relays. */
const OM_REQUESTS_PER_MINUTE = 600_000;
const OM_INTEGRATION = {
  gateway: '6b0f4c2e-1d3a-4e5f-9a7b-8c9d0e1f2a3b',
  raw: '6b0f4c2e-1d3a-4e5f-9a7b-8c9d0e1f2a3c',
};

/**
 * `openMessaging`: the world of the Open Messaging path (its integrations, see `OpenMessagingWorld`).
 * `postgres`: its gateways' store.
 */
export async function startWorld(
  options: EmulatorOptions = {},
  opts: { openMessaging?: boolean; postgres?: BenchPostgres } = {},
): Promise<World> {
  const openMessaging = opts.openMessaging
    ? { gatewayPort: await freePort(), rawPort: await freePort() }
    : undefined;
  // Agents take any number of chats: routing capacity is not what is measured.
  const emulator = await Child.start(
    './emulator-process.ts',
    'emulator',
    {
      agentCapacity: 1_000_000,
      ...(openMessaging
        ? {
            tokenRequestsPerMinute: OM_REQUESTS_PER_MINUTE,
            openIntegrations: [
              {
                id: OM_INTEGRATION.gateway,
                name: 'bench gateway',
                outboundNotificationWebhookUrl: `http://127.0.0.1:${openMessaging.gatewayPort}/genesys/open-messaging/bench`,
                outboundNotificationWebhookSignatureSecretToken: OM_WEBHOOK_SECRET,
              },
              {
                id: OM_INTEGRATION.raw,
                name: 'bench raw relay',
                outboundNotificationWebhookUrl: `http://127.0.0.1:${openMessaging.rawPort}/genesys`,
                outboundNotificationWebhookSignatureSecretToken: OM_WEBHOOK_SECRET,
              },
            ],
          }
        : {}),
      ...options,
    },
    { nodeArgs: nodeArgsOf('BENCH_EMULATOR_NODE_ARGS') },
  );
  const receiver = await BotReceiver.start();
  return {
    emulator,
    receiver,
    ...(openMessaging ? { openMessaging } : {}),
    ...(opts.postgres ? { postgres: opts.postgres } : {}),
    close: async () => {
      await receiver.close();
      await emulator.stop();
    },
  };
}

/** The emulator's own count of attached event-stream sockets and conversations. */
export async function emulatorHealth(
  world: World,
): Promise<{ conversations: number; attachedStreams: number }> {
  return JSON.parse((await httpJson('GET', `${world.emulator.url}/emulator/v1/healthz`)).body);
}

export class GatewayRelay implements Relay {
  readonly name = 'gateway';
  readonly process: GatewayProcess;
  #pid: number;
  /** Its own schema, in a world on PostgreSQL (dropped on close). */
  readonly #postgres: { url: string; schema: string } | undefined;

  private constructor(gw: GatewayProcess, pid: number, postgres?: { url: string; schema: string }) {
    this.process = gw;
    this.#pid = pid;
    this.#postgres = postgres;
  }

  /** `inspect`: run the child with `--inspect=127.0.0.1:0` so heap can be measured after a GC. */
  static async start(world: World, opts: { inspect?: boolean } = {}): Promise<GatewayRelay> {
    const postgres = world.postgres ? { url: world.postgres.url, schema: benchSchema() } : undefined;
    const gw = await GatewayProcess.start({
      bin: builtCli(),
      config: {
        // SQLite (GatewayProcess' default, synchronous=FULL) unless the world is on PostgreSQL.
        ...(postgres ? { store: { kind: 'postgres', ...postgres } } : {}),
        // The bench measures the gateway, not its limits: one key drives every handover.
        limits: { requestsPerSecond: 100_000, openHandovers: 1_000_000, sseStreams: 100_000 },
        // Nor Genesys' request budget: the emulator takes whatever the gateway sends.
        genesys: { requestsPerSecond: null },
        apiKeys: [{ name: 'bench', key: API_KEY, endpoints: ['*'] }],
        endpoints: [
          {
            id: 'bench',
            maxOpenHandovers: 1_000_000,
            ...(world.openMessaging
              ? {
                  provider: 'genesys-open-messaging',
                  genesys: {
                    baseUrl: world.emulator.url,
                    ...OM_CLIENT,
                    integrationId: OM_INTEGRATION.gateway,
                    webhookSecret: OM_WEBHOOK_SECRET,
                    // Nor Genesys' per-token limit (300 a minute, OM §1.4): it would pace both relays.
                    requestsPerMinute: OM_REQUESTS_PER_MINUTE,
                  },
                }
              : {
                  provider: 'genesys-guest-chat',
                  genesys: { baseUrl: world.emulator.url, organizationId: ORG, deploymentId: DEPLOYMENT },
                }),
            queue: QUEUE,
            webhook: { url: world.receiver.url, secrets: [`whsec_${randomBytes(24).toString('base64')}`] },
          },
        ],
      },
      ...(world.openMessaging ? { port: world.openMessaging.gatewayPort } : {}),
      logLevel: process.env.BENCH_GATEWAY_LOG ?? 'warn',
      startTimeoutMs: 120_000,
      nodeArgs: nodeArgsOf('BENCH_GATEWAY_NODE_ARGS'),
      ...(opts.inspect
        ? { env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:0` } }
        : {}),
    });
    return new GatewayRelay(gw, GatewayRelay.#findPid(gw), postgres);
  }

  static #findPid(gw: GatewayProcess): number {
    const pid = findPid(gw.configPath);
    if (pid === undefined) throw new Error('gateway child process not found in /proc');
    return pid;
  }

  get pid(): number {
    return this.#pid;
  }

  get url(): string {
    return this.process.url;
  }

  async create(displayName: string): Promise<string> {
    const res = await this.#api('POST', '/v1/handovers', {
      endpoint: 'bench',
      customer: { userId: displayName, sessionId: 'bench', displayName },
    });
    return (res as { id: string }).id;
  }

  async send(id: string, text: string): Promise<void> {
    await this.#api('POST', `/v1/handovers/${id}/messages`, { text });
  }

  /** The customer leaves (POST /v1/handovers/:id/end). */
  async end(id: string): Promise<void> {
    await this.#api('POST', `/v1/handovers/${id}/end`);
  }

  async kill9(): Promise<void> {
    await this.process.kill9();
  }

  async restart(): Promise<void> {
    await this.process.restart();
    this.#pid = GatewayRelay.#findPid(this.process);
  }

  /** Prometheus text of `GET /metrics`. */
  async metrics(): Promise<string> {
    return (await httpJson('GET', `${this.url}/metrics`, undefined, { authorization: `Bearer ${API_KEY}` }))
      .body;
  }

  async inspector(): Promise<Inspector> {
    const url = Inspector.urlIn(this.process.output());
    if (!url) throw new Error('the gateway was not started with inspect: true');
    return Inspector.connect(url);
  }

  output(): string {
    return this.process.output();
  }

  async close(): Promise<void> {
    if (this.process.running) await this.process.sigterm(30_000);
    await this.process.close();
    if (this.#postgres) await dropSchema(this.#postgres.url, this.#postgres.schema);
  }

  async #api(method: string, path: string, body?: unknown): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const res = await httpJson(method, `${this.url}${path}`, body, { authorization: `Bearer ${API_KEY}` });
      if (res.status < 300) return res.body ? JSON.parse(res.body) : undefined;
      // 503 SHUTTING_DOWN / overload: retry a little, as a bot would; anything else is a bench bug.
      if (res.status >= 500 && attempt < 5) {
        await sleep(100 * (attempt + 1));
        continue;
      }
      throw new Error(`${method} ${path} → ${res.status} ${res.body.slice(0, 300)}`);
    }
  }
}

/** Reads a Prometheus sample (first match of name and optional label fragment). */
export function metricValue(text: string, name: string, label = ''): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (!(rest.startsWith(' ') || rest.startsWith('{'))) continue;
    if (label && !rest.includes(label)) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

export class RawRelay implements Relay {
  readonly name = 'raw relay';
  readonly #child: Child;

  private constructor(child: Child) {
    this.#child = child;
  }

  /** `inspect`: run it with `--inspect=127.0.0.1:0` (allocation sampling, `BENCH_RELAY_ALLOC`). */
  static async start(world: World, opts: { inspect?: boolean } = {}): Promise<RawRelay> {
    const nodeArgs = opts.inspect ? ['--inspect=127.0.0.1:0'] : [];
    const common = { emulatorUrl: world.emulator.url, webhookUrl: world.receiver.url };
    if (world.openMessaging) {
      const config = {
        ...common,
        ...OM_CLIENT,
        integrationId: OM_INTEGRATION.raw,
        port: world.openMessaging.rawPort,
      };
      return new RawRelay(await Child.start('./raw-om-relay.ts', 'raw-om-relay', config, { nodeArgs }));
    }
    const config = { ...common, organizationId: ORG, deploymentId: DEPLOYMENT, queue: QUEUE };
    return new RawRelay(await Child.start('./raw-relay.ts', 'raw-relay', config, { nodeArgs }));
  }

  async inspector(): Promise<Inspector> {
    const url = Inspector.urlIn(this.#child.output());
    if (!url) throw new Error('the raw relay was not started with inspect: true');
    return Inspector.connect(url);
  }

  output(): string {
    return this.#child.output();
  }

  get pid(): number {
    return this.#child.pid;
  }

  async create(displayName: string): Promise<string> {
    const res = await httpJson('POST', `${this.#child.url}/handovers`, { displayName });
    if (res.status !== 201) throw new Error(`raw relay create → ${res.status} ${res.body}`);
    return (JSON.parse(res.body) as { id: string }).id;
  }

  async send(id: string, text: string): Promise<void> {
    const res = await httpJson('POST', `${this.#child.url}/handovers/${id}/messages`, { text });
    if (res.status !== 202) throw new Error(`raw relay send → ${res.status}`);
  }

  async close(): Promise<void> {
    await this.#child.stop();
  }
}

/** Runs `fn` over `items` with at most `concurrency` calls in flight. */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export interface LiveHandover {
  readonly id: string;
  readonly conversationId: string;
}

/** The emulator's conversations in a state, by the customer's display name. */
async function conversationsByName(emulatorUrl: string, state: string): Promise<Map<string, string>> {
  const res = await httpJson('GET', `${emulatorUrl}/emulator/v1/conversations?state=${state}`);
  const body = JSON.parse(res.body) as { entities: { id: string; customer?: { displayName?: string } }[] };
  return new Map(body.entities.map((c) => [c.customer?.displayName ?? '', c.id]));
}

/**
 * Opens `n` handovers through a relay, waits until each is queued at the emulator (its event stream
 * attached), and — with `join` — has an agent join each one. Names are `<tag>-<i>`.
 */
export async function openHandovers(
  world: World,
  relay: Relay,
  n: number,
  tag: string,
  opts: { join: boolean; concurrency?: number; timeoutMs?: number },
): Promise<LiveHandover[]> {
  const names = Array.from({ length: n }, (_, i) => `${tag}-${i}`);
  const ids: string[] = [];
  await pool(names, opts.concurrency ?? 50, async (name, i) => {
    ids[i] = await relay.create(name);
  });
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  let queued = new Map<string, string>();
  for (;;) {
    queued = await conversationsByName(world.emulator.url, 'queued');
    if (names.every((name) => queued.has(name))) break;
    if (Date.now() > deadline)
      throw new Error(`${names.filter((x) => queued.has(x)).length} of ${n} handovers queued in time`);
    await sleep(100);
  }
  const live = names.map((name, i) => ({ id: ids[i]!, conversationId: queued.get(name)! }));
  if (opts.join) {
    await pool(live, opts.concurrency ?? 50, async (h) => {
      await agentApi(world, h.conversationId, 'join', {});
    });
  }
  return live;
}

/** Calls the emulator's agent API for a conversation (join, messages, leave …). */
export async function agentApi(
  world: World,
  conversationId: string,
  action: string,
  body: unknown,
): Promise<void> {
  const res = await httpJson(
    'POST',
    `${world.emulator.url}/emulator/v1/conversations/${conversationId}/agent/${action}`,
    body,
  );
  if (res.status >= 300) throw new Error(`agent ${action} → ${res.status} ${res.body.slice(0, 300)}`);
}

/**
 * Waits until the gateway told the bot about `expected` agent joins since the receiver started (the
 * raw relay does not report joins: nothing to wait for).
 */
export async function settleJoins(
  world: World,
  relay: Relay,
  expected: number,
  timeoutMs = 120_000,
): Promise<void> {
  if (relay.name !== 'gateway') return;
  const deadline = Date.now() + timeoutMs;
  while (world.receiver.count('handover.agent_joined') < expected) {
    if (Date.now() > deadline)
      throw new Error(
        `${world.receiver.count('handover.agent_joined')} of ${expected} agent joins reached the bot`,
      );
    await sleep(20);
  }
}
