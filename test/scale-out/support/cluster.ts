// Several gateway processes on ONE throwaway PostgreSQL schema (issue 14), with the guest-chat
// emulator and a webhook receiver in the test process — all real, on 127.0.0.1. Clients spread their
// calls over the instances at random (like a load balancer would); the test kills (-9), freezes
// (SIGSTOP/SIGCONT), stops (SIGTERM) and restarts instances, and reads the lease table to know who
// owns what.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.ts';
import { GatewayProcess } from '../../support/gateway-process.ts';
import { waitFor } from '../../support/wait-for.ts';
import { WebhookReceiver } from '../../support/webhook-receiver.ts';
import { API_KEY, call, type HttpResult, type OpenHandover } from '../../reliability/support/rig.ts';
import { WebhookSpreader } from './webhook-spreader.ts';

export interface ClusterOptions {
  readonly instances?: number;
  /** store.leaseSeconds (default 3: tests wait out lease times). */
  readonly leaseSeconds?: number;
  /** A seeded random for the instance picks (default Math.random). */
  readonly random?: () => number;
  /**
   * Adds the Open Messaging endpoint `om`: the emulator's integration posts its webhook calls to a
   * WebhookSpreader that hands each to a random running instance.
   */
  readonly openMessaging?: boolean;
}

/** The Open Messaging endpoint of a cluster started with `openMessaging`. */
export const OM_ENDPOINT = 'om';
const OM_INTEGRATION = '7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
const OM_WEBHOOK_SECRET = 'scale-out-open-messaging-secret';

let names = 0;

export class Cluster {
  readonly emulator: RunningEmulator;
  readonly receiver: WebhookReceiver;
  readonly gws: readonly GatewayProcess[];
  readonly db: pg.Pool;
  readonly schema: string;
  /** With `openMessaging`: where Genesys' webhook calls go. */
  spreader: WebhookSpreader | undefined;
  readonly #random: () => number;

  private constructor(
    emulator: RunningEmulator,
    receiver: WebhookReceiver,
    gws: GatewayProcess[],
    db: pg.Pool,
    schema: string,
    random: () => number,
  ) {
    this.emulator = emulator;
    this.receiver = receiver;
    this.gws = gws;
    this.db = db;
    this.schema = schema;
    this.#random = random;
  }

  static async start(opts: ClusterOptions = {}): Promise<Cluster> {
    const url = process.env.DATABASE_URL;
    if (!url)
      throw new Error('DATABASE_URL is not set: run with `npm test` (it starts a throwaway PostgreSQL)');
    const schema = `scale_${randomBytes(4).toString('hex')}`;
    // The spreader picks among the cluster's instances, known once they run (`late`).
    const late: { cluster?: Cluster } = {};
    const spreader = opts.openMessaging
      ? await WebhookSpreader.start(() => {
          try {
            return late.cluster?.any();
          } catch {
            return undefined; // none running: a 502, retried by Genesys
          }
        })
      : undefined;
    const emulator = await startEmulator({
      heartbeatIntervalMs: 1000,
      ...(spreader
        ? {
            webhookRetryDelayMs: 500,
            webhookRetries: 30,
            openIntegrations: [
              {
                id: OM_INTEGRATION,
                name: 'genesys-handover scale-out',
                outboundNotificationWebhookUrl: `${spreader.url}/genesys/open-messaging/${OM_ENDPOINT}`,
                outboundNotificationWebhookSignatureSecretToken: OM_WEBHOOK_SECRET,
              },
            ],
          }
        : {}),
    });
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const receiver = await WebhookReceiver.start({ secret });
    const config = {
      store: {
        kind: 'postgres',
        url,
        schema,
        poolSize: 5,
        singleInstance: false,
        leaseSeconds: opts.leaseSeconds ?? 3,
      },
      webhooks: { timeoutSeconds: 2, maxAgeSeconds: 3600, maxRetryDelaySeconds: 1 },
      apiKeys: [{ name: 'bot', key: API_KEY, endpoints: ['*'] }],
      endpoints: [
        {
          id: 'support',
          provider: 'genesys-guest-chat',
          genesys: { baseUrl: emulator.url, organizationId: 'org-1', deploymentId: 'dep-1' },
          queue: 'Support',
          guestDisplayName: 'Customer',
          webhook: { url: receiver.url, secrets: [secret] },
        },
        ...(spreader
          ? [
              {
                id: OM_ENDPOINT,
                provider: 'genesys-open-messaging',
                genesys: {
                  baseUrl: emulator.url,
                  clientId: 'emulator-client',
                  clientSecret: 'emulator-secret',
                  integrationId: OM_INTEGRATION,
                  webhookSecret: OM_WEBHOOK_SECRET,
                },
                queue: 'Support',
                guestDisplayName: 'Customer',
                webhook: { url: receiver.url, secrets: [secret] },
              },
            ]
          : []),
      ],
    };
    const gws: GatewayProcess[] = [];
    const db = new pg.Pool({ connectionString: url, max: 2, options: `-c search_path=${schema}` });
    try {
      // One after the other: the first migrates, the others find the schema ready.
      for (let i = 1; i <= (opts.instances ?? 3); i++)
        gws.push(
          await GatewayProcess.start({
            config: { ...config, server: { instanceId: `gw-${i}`, shutdownTimeoutSeconds: 10 } },
          }),
        );
    } catch (err) {
      await Promise.allSettled(gws.map((g) => g.close()));
      await receiver.close();
      await emulator.close();
      await spreader?.close();
      await db.end();
      throw err;
    }
    const cluster = new Cluster(emulator, receiver, gws, db, schema, opts.random ?? Math.random);
    cluster.spreader = spreader;
    late.cluster = cluster;
    return cluster;
  }

  /** A running instance picked at random (a load balancer's pick). */
  any(): GatewayProcess {
    const up = this.gws.filter((g) => g.running && !this.#paused.has(g));
    if (up.length === 0) throw new Error('no instance is running');
    return up[Math.floor(this.#random() * up.length)]!;
  }

  readonly #paused = new Set<GatewayProcess>();

  pause(gw: GatewayProcess): void {
    this.#paused.add(gw);
    gw.pause();
  }

  resume(gw: GatewayProcess): void {
    gw.resume();
    this.#paused.delete(gw);
  }

  /** An API call to a random running instance (or `gw`); status 0 when it did not answer. */
  api(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    gw?: GatewayProcess,
  ): Promise<HttpResult> {
    const target = gw ?? this.any();
    return call(`${target.url}${path}`, method, body, { authorization: `Bearer ${API_KEY}`, ...headers });
  }

  emu(method: string, path: string, body?: unknown): Promise<HttpResult> {
    return call(`${this.emulator.url}${path}`, method, body, {});
  }

  /** The instance (gw-N) whose live registration holds the handover's lease, if any. */
  async ownerOf(handoverId: string): Promise<GatewayProcess | undefined> {
    const { rows } = await this.db.query(
      `SELECT m.instance_id FROM handover_leases l JOIN cluster_members m ON m.owner = l.owner
       WHERE l.handover_id = $1 AND m.expires_at > now()`,
      [handoverId],
    );
    const id = (rows[0] as { instance_id?: string } | undefined)?.instance_id;
    return id === undefined ? undefined : this.gws[Number(id.slice(3)) - 1];
  }

  /** The full lease (owner registration and token) of a handover. */
  async lease(handoverId: string): Promise<{ owner: string | null; token: number } | undefined> {
    const { rows } = await this.db.query('SELECT owner, token FROM handover_leases WHERE handover_id = $1', [
      handoverId,
    ]);
    const r = rows[0] as { owner: string | null; token: string } | undefined;
    return r ? { owner: r.owner, token: Number(r.token) } : undefined;
  }

  /** Metric value (summed over label sets) of one instance; undefined when it does not answer. */
  async metric(gw: GatewayProcess, name: string): Promise<number | undefined> {
    const res = await call(`${gw.url}/metrics`, 'GET', undefined, { authorization: `Bearer ${API_KEY}` });
    if (res.status !== 200 || typeof res.body !== 'string') return undefined;
    return res.body
      .split('\n')
      .filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
      .reduce((sum, l) => sum + Number(l.split(/\s+/).at(-1)), 0);
  }

  async handover(id: string): Promise<any> {
    const res = await waitFor(
      async () => {
        const r = await this.api('GET', `/v1/handovers/${id}`);
        return r.status === 200 ? r : undefined;
      },
      { what: `handover ${id} read`, timeoutMs: 20_000 },
    );
    return res.body;
  }

  /** The bot starts a handover on a random instance; resolves once an agent joined (unless join: false). */
  async start(opts: { join?: boolean; endpoint?: string } = {}): Promise<OpenHandover> {
    names += 1;
    const name = `Scale Customer ${process.pid}-${names}`;
    const started = await waitFor(
      async () => {
        const res = await this.api('POST', '/v1/handovers', {
          endpoint: opts.endpoint ?? 'support',
          customer: { userId: `u-${name}`, sessionId: `s-${name}`, displayName: name },
        });
        return res.status === 201 || res.status === 200 ? (res.body as { id: string }) : undefined;
      },
      { what: `handover of ${name} started`, timeoutMs: 20_000 },
    );
    const convId = await waitFor(
      async () => {
        const list = await this.emu('GET', '/emulator/v1/conversations');
        const found = (list.body.entities as any[]).filter(
          (c) => c.customer?.displayName === name && c.state !== 'awaiting-stream' && c.state !== 'ended',
        );
        return found.length === 1 ? (found[0].id as string) : undefined;
      },
      { what: `emulator conversation of ${name}`, timeoutMs: 30_000 },
    );
    const open = { id: started.id, convId, name };
    if (opts.join ?? true) {
      await waitFor(
        async () =>
          (await this.emu('POST', `/emulator/v1/conversations/${convId}/agent/join`, {})).status < 300,
        { what: `agent joined ${name}`, timeoutMs: 30_000 },
      );
      await waitFor(async () => (await this.handover(open.id)).state === 'active', {
        what: `handover of ${name} active`,
        timeoutMs: 30_000,
      });
    }
    return open;
  }

  async agentSays(h: OpenHandover, text: string): Promise<void> {
    const res = await this.emu('POST', `/emulator/v1/conversations/${h.convId}/agent/messages`, {
      body: text,
    });
    if (res.status >= 300)
      throw new Error(`agent message refused: ${res.status} ${JSON.stringify(res.body)}`);
  }

  /** A careful bot: Idempotency-Key, retried (on another instance, at random) until a 202. */
  async customerSays(h: OpenHandover, text: string, key: string, timeoutMs = 60_000): Promise<void> {
    await waitFor(
      async () => {
        const res = await this.api(
          'POST',
          `/v1/handovers/${h.id}/messages`,
          { text },
          { 'idempotency-key': key },
        );
        if (res.status === 202) return true;
        if (res.status === 0 || res.status >= 500) return undefined;
        throw new Error(`message refused: ${res.status} ${JSON.stringify(res.body)}`);
      },
      { what: `customer message ${text} accepted`, timeoutMs, intervalMs: 100 },
    );
  }

  /** What the agent saw from the customer, in order. */
  async customerTexts(convId: string): Promise<string[]> {
    const res = await this.emu('GET', `/emulator/v1/conversations/${convId}`);
    if (res.status !== 200) throw new Error(`conversation ${convId}: ${res.status}`);
    return (res.body.messages as any[])
      .filter((m) => m.senderRole === 'CUSTOMER' && m.bodyType === 'standard')
      .map((m) => m.body as string);
  }

  /** What the bot got from the agent (webhook, de-duplicated by event id), in order. */
  agentTexts(handoverId: string): string[] {
    return this.receiver
      .events(handoverId)
      .flatMap((e) => (e.type === 'handover.agent_message' ? [(e.data as { text: string }).text] : []));
  }

  async close(): Promise<void> {
    for (const gw of this.gws) if (this.#paused.has(gw)) gw.resume();
    await Promise.allSettled(this.gws.map((g) => g.close()));
    await this.receiver.close();
    await this.emulator.close();
    await this.spreader?.close();
    await this.db.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`).catch(() => undefined);
    await this.db.end();
  }
}

/** Counts of what went wrong between what was sent and what arrived (`prefix:n` texts). */
export function audit(
  sent: readonly number[],
  got: readonly number[],
): { lost: number; duplicated: number; misordered: number } {
  const seen = new Set<number>();
  let duplicated = 0;
  let misordered = 0;
  let last = 0;
  for (const n of got) {
    if (seen.has(n)) duplicated += 1;
    else if (n < last) misordered += 1;
    seen.add(n);
    last = Math.max(last, n);
  }
  const lost = sent.filter((n) => !seen.has(n)).length;
  return { lost, duplicated, misordered };
}
