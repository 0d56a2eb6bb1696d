// The pieces of a reliability test, all real and on 127.0.0.1: the Genesys guest-chat emulator and a
// webhook receiver that can fail (both in the test process), optionally a TCP proxy between gateway
// and emulator (to cut the network), and the gateway as a child process (`serve --config`) that the
// test kills and restarts. Helpers talk to each like a bot, an agent and an operator would.
// With `openMessaging`, the gateway also has an Open Messaging endpoint (`om`) whose emulator
// integration posts agent messages to the gateway's webhook route.
import { randomBytes } from 'node:crypto';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../../src/emulator/index.ts';
import { freePort, GatewayProcess } from '../../support/gateway-process.ts';
import { waitFor } from '../../support/wait-for.ts';
import { WebhookReceiver } from '../../support/webhook-receiver.ts';
import { TcpProxy } from './tcp-proxy.ts';

export const API_KEY = 'ghk_tkTD-nncKZowrQ866sICIPMApjQCoQ2Dr9FTQ5iCGeE';
/** The Open Messaging endpoint of a rig started with `openMessaging`, and its emulator integration. */
export const OM_ENDPOINT = 'om';
export const OM_INTEGRATION = '7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
const OM_WEBHOOK_SECRET = 'reliability-open-messaging-secret';
const OM_CLIENT = { clientId: 'emulator-client', clientSecret: 'emulator-secret' };

export interface RigOptions {
  readonly emulator?: EmulatorOptions;
  /** Extra fields of the `support` endpoint (e.g. inactivityGraceSeconds). */
  readonly endpoint?: Record<string, unknown>;
  /** More endpoints like `support` (same emulator and receiver), each `{ id, ...fields }`. */
  readonly moreEndpoints?: readonly Record<string, unknown>[];
  /** The `webhooks` section (default: 2 s timeout, 1 h max age, 1 s max retry delay). */
  readonly webhooks?: Record<string, unknown>;
  /** Route the gateway to the emulator through a TcpProxy the test can cut. */
  readonly viaProxy?: boolean;
  readonly env?: Readonly<Record<string, string>>;
  /** The `handovers` section (end wait, flush limit, start timeout). */
  readonly handovers?: Record<string, unknown>;
  /** The `server` section's extra fields (e.g. shutdownTimeoutSeconds). */
  readonly server?: Record<string, unknown>;
  /** The `store` section (default: a SQLite file in the gateway's temp dir). */
  readonly store?: Record<string, unknown>;
  /**
   * Adds the Open Messaging endpoint `om` (same emulator, receiver and queue as `support`), with
   * these extra fields when an object (its `genesys` fields are merged into the endpoint's). The
   * emulator gets an integration whose webhook is the gateway's route, so the gateway's port is
   * picked before the emulator starts.
   */
  readonly openMessaging?: boolean | Record<string, unknown>;
}

export interface HttpResult {
  /** 0 when no HTTP answer arrived (connection refused or reset: the gateway is down). */
  readonly status: number;
  readonly body: any;
  readonly error?: string;
}

export interface OpenHandover {
  readonly id: string;
  readonly convId: string;
  readonly name: string;
}

/** One webhook call of the emulator's Open Messaging side (GET /emulator/v1/webhook-deliveries). */
export interface WebhookDelivery {
  readonly messageId: string;
  readonly type: string;
  readonly duplicate: boolean;
  readonly state: 'pending' | 'delivered' | 'failed';
  readonly attempts: readonly { readonly status?: number; readonly error?: 'timeout' | 'network' }[];
}

let names = 0;

export class Rig {
  readonly emulator: RunningEmulator;
  readonly receiver: WebhookReceiver;
  readonly gw: GatewayProcess;
  readonly proxy: TcpProxy | undefined;

  private constructor(
    emulator: RunningEmulator,
    receiver: WebhookReceiver,
    gw: GatewayProcess,
    proxy: TcpProxy | undefined,
  ) {
    this.emulator = emulator;
    this.receiver = receiver;
    this.gw = gw;
    this.proxy = proxy;
  }

  static async start(opts: RigOptions = {}): Promise<Rig> {
    const om =
      opts.openMessaging === undefined || opts.openMessaging === false ? undefined : opts.openMessaging;
    const port = om === undefined ? undefined : await freePort();
    const emulator = await startEmulator({
      heartbeatIntervalMs: 1000,
      ...(port === undefined
        ? {}
        : {
            openIntegrations: [
              {
                id: OM_INTEGRATION,
                name: 'genesys-handover reliability',
                outboundNotificationWebhookUrl: `http://127.0.0.1:${port}/genesys/open-messaging/${OM_ENDPOINT}`,
                outboundNotificationWebhookSignatureSecretToken: OM_WEBHOOK_SECRET,
              },
            ],
          }),
      ...opts.emulator,
    });
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const receiver = await WebhookReceiver.start({ secret });
    const proxy = opts.viaProxy ? await new TcpProxy(emulator.port).start() : undefined;
    const baseUrl = proxy ? proxy.url : emulator.url;
    const endpoint = (fields: Record<string, unknown>) => ({
      provider: 'genesys-guest-chat',
      genesys: { baseUrl, organizationId: 'org-1', deploymentId: 'dep-1' },
      queue: 'Support',
      guestDisplayName: 'Customer',
      webhook: { url: receiver.url, secrets: [secret] },
      ...fields,
    });
    const endpoints = [
      endpoint({ id: 'support', ...opts.endpoint }),
      ...(opts.moreEndpoints ?? []).map(endpoint),
      ...(om === undefined
        ? []
        : [
            {
              id: OM_ENDPOINT,
              provider: 'genesys-open-messaging',
              genesys: {
                baseUrl,
                ...OM_CLIENT,
                integrationId: OM_INTEGRATION,
                webhookSecret: OM_WEBHOOK_SECRET,
                ...(om === true ? {} : (om.genesys as Record<string, unknown> | undefined)),
              },
              queue: 'Support',
              guestDisplayName: 'Customer',
              webhook: { url: receiver.url, secrets: [secret] },
              ...(om === true ? {} : withoutGenesys(om)),
            },
          ]),
    ];
    let gw: GatewayProcess;
    try {
      gw = await GatewayProcess.start({
        config: {
          webhooks: { timeoutSeconds: 2, maxAgeSeconds: 3600, maxRetryDelaySeconds: 1, ...opts.webhooks },
          ...(opts.handovers ? { handovers: opts.handovers } : {}),
          ...(opts.server ? { server: opts.server } : {}),
          ...(opts.store ? { store: opts.store } : {}),
          apiKeys: [{ name: 'bot', key: API_KEY, endpoints: ['*'] }],
          endpoints,
        },
        ...(opts.env ? { env: opts.env } : {}),
        ...(port === undefined ? {} : { port }),
      });
    } catch (err) {
      await proxy?.close();
      await receiver.close();
      await emulator.close();
      throw err;
    }
    return new Rig(emulator, receiver, gw, proxy);
  }

  /** A call to the gateway's API; status 0 when the gateway did not answer. */
  api(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpResult> {
    return call(`${this.gw.url}${path}`, method, body, { authorization: `Bearer ${API_KEY}`, ...headers });
  }

  /** A call to the emulator (agent API, faults API). */
  emu(method: string, path: string, body?: unknown): Promise<HttpResult> {
    return call(`${this.emulator.url}${path}`, method, body, {});
  }

  async fault(spec: Record<string, unknown>): Promise<void> {
    const res = await this.emu('POST', '/emulator/v1/faults', spec);
    if (res.status !== 200 && res.status !== 201)
      throw new Error(`fault refused: ${JSON.stringify(res.body)}`);
  }

  /** The emulator's view of a conversation, with its full history. */
  async conversation(convId: string): Promise<any> {
    const res = await this.emu('GET', `/emulator/v1/conversations/${convId}`);
    if (res.status !== 200) throw new Error(`conversation ${convId}: ${res.status}`);
    return res.body;
  }

  /** Bodies of the customer's messages at the emulator (what the agent saw), in order. */
  async customerTexts(convId: string, bodyType = 'standard'): Promise<string[]> {
    const c = await this.conversation(convId);
    return (c.messages as any[])
      .filter((m) => m.senderRole === 'CUSTOMER' && m.bodyType === bodyType)
      .map((m) => m.body as string);
  }

  /** Texts of handover.agent_message events the receiver got (de-duplicated by event id), in order. */
  agentTexts(handoverId: string): string[] {
    return this.receiver
      .events(handoverId)
      .flatMap((e) => (e.type === 'handover.agent_message' ? [e.data.text] : []));
  }

  async handover(id: string): Promise<any> {
    const res = await this.api('GET', `/v1/handovers/${id}`);
    if (res.status !== 200) throw new Error(`handover ${id}: ${res.status} ${res.error ?? ''}`);
    return res.body;
  }

  /** The bot starts a handover (retried while the gateway is down); resolves with the emulator conversation. */
  async start(opts: { name?: string; endpoint?: string; join?: boolean } = {}): Promise<OpenHandover> {
    names += 1;
    const name = opts.name ?? `Reliability Customer ${process.pid}-${names}`;
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
        // A create cut off by a crash may leave an orphan that was never attached (never routed,
        // invisible to agents): the handover's conversation is the one that got attached.
        const found = (list.body.entities as any[]).filter(
          (c) => c.customer?.displayName === name && c.state !== 'awaiting-stream' && c.state !== 'ended',
        );
        return found.length === 1 ? (found[0].id as string) : undefined;
      },
      { what: `emulator conversation of ${name}`, timeoutMs: 20_000 },
    );
    const open = { id: started.id, convId, name };
    if (opts.join ?? true) await this.join(open);
    return open;
  }

  /** An agent accepts the chat (once it is routed) and the handover becomes active. */
  async join(h: OpenHandover, displayName?: string): Promise<void> {
    await waitFor(
      async () => {
        const res = await this.emu(
          'POST',
          `/emulator/v1/conversations/${h.convId}/agent/join`,
          displayName ? { displayName } : {},
        );
        return res.status < 300;
      },
      { what: `agent joined ${h.name}`, timeoutMs: 20_000 },
    );
    await waitFor(async () => (await this.handover(h.id).catch(() => undefined))?.state === 'active', {
      what: `handover of ${h.name} active`,
      timeoutMs: 20_000,
    });
  }

  async agentSays(h: OpenHandover, text: string): Promise<void> {
    const res = await this.emu('POST', `/emulator/v1/conversations/${h.convId}/agent/messages`, {
      body: text,
    });
    if (res.status >= 300)
      throw new Error(`agent message refused: ${res.status} ${JSON.stringify(res.body)}`);
  }

  /**
   * The bot sends a customer message like a careful bot: with an Idempotency-Key, retried on no
   * answer or a 5xx (gateway down, restarting or shutting down) until accepted. Returns the 202 body.
   */
  async customerSays(h: OpenHandover, text: string, key: string, timeoutMs = 30_000): Promise<any> {
    return waitFor(
      async () => {
        const res = await this.api(
          'POST',
          `/v1/handovers/${h.id}/messages`,
          { text },
          { 'idempotency-key': key },
        );
        if (res.status === 202) return res.body;
        if (res.status === 0 || res.status >= 500) return undefined;
        throw new Error(`message refused: ${res.status} ${JSON.stringify(res.body)}`);
      },
      { what: `customer message ${text} accepted`, timeoutMs, intervalMs: 100 },
    );
  }

  /** Open Messaging: the emulator's record of its webhook calls about a conversation (oldest first). */
  async webhookDeliveries(convId: string): Promise<WebhookDelivery[]> {
    const res = await this.emu('GET', `/emulator/v1/webhook-deliveries?conversationId=${convId}`);
    if (res.status !== 200) throw new Error(`webhook deliveries of ${convId}: ${res.status}`);
    return res.body.entities as WebhookDelivery[];
  }

  /** Events of a handover the receiver got (de-duplicated by event id), in order. */
  eventTypes(handoverId: string): string[] {
    return this.receiver.events(handoverId).map((e) => e.type);
  }

  /** The handover.ended event the bot received, if any. */
  endedEvent(handoverId: string): any {
    return this.receiver.events(handoverId).find((e) => e.type === 'handover.ended');
  }

  /** The metric lines with this name, as `{labels} value` pairs. */
  async metric(name: string): Promise<{ labels: string; value: number }[]> {
    const res = await call(`${this.gw.url}/metrics`, 'GET', undefined, {
      authorization: `Bearer ${API_KEY}`,
    });
    if (res.status !== 200) return [];
    const text = typeof res.body === 'string' ? res.body : '';
    return text
      .split('\n')
      .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
      .map((l) => {
        const m = /^[^{ ]+(\{[^}]*\})?\s+(\S+)$/.exec(l);
        return { labels: m?.[1] ?? '', value: Number(m?.[2]) };
      });
  }

  async close(): Promise<void> {
    await this.gw.close();
    await this.proxy?.close();
    await this.receiver.close();
    await this.emulator.close();
  }
}

export async function call(
  url: string,
  method: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<HttpResult> {
  const h: Record<string, string> = { ...headers };
  if (body !== undefined) h['content-type'] = 'application/json';
  try {
    const res = await fetch(url, {
      method,
      headers: h,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed };
  } catch (err) {
    return {
      status: 0,
      body: undefined,
      error:
        err instanceof Error
          ? `${err.message} ${err.cause instanceof Error ? err.cause.message : ''}`
          : String(err),
    };
  }
}

function withoutGenesys(fields: Record<string, unknown>): Record<string, unknown> {
  const { genesys: _merged, ...rest } = fields;
  return rest;
}

/** `prefix:1 … prefix:n` → the sequence numbers, to check once-and-in-order. */
export function seqs(texts: readonly string[], prefix: string): number[] {
  // The number is the digits right after the prefix (a long message carries text after them).
  return texts.flatMap((t) => {
    const digits = t.startsWith(prefix) ? /^\d+/.exec(t.slice(prefix.length)) : null;
    return digits ? [Number(digits[0])] : [];
  });
}

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}
