// Starts the real pieces on loopback for an end-to-end test: the Genesys guest-chat emulator, a
// webhook receiver that verifies signatures with `standardwebhooks`, and the gateway (SQLite in a
// temp dir). Everything is closed by `close()`.
import { FAST_ENGINE } from './fast-engine.ts';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load.ts';
import type { HandoverEvent } from '../../src/core/model/events.ts';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.ts';
import {
  startGateway,
  type GatewayTuning,
  type RunningGateway,
} from '../../src/composition/start-gateway.ts';
import { WebhookReceiver } from './webhook-receiver.ts';
import { freePort } from './gateway-process.ts';
import { waitFor } from './wait-for.ts';
import { pino, type Logger } from 'pino';

/** Test keys in the format `genesys-handover keygen` makes (weak keys fail the configuration). */
export const API_KEY = 'ghk_yqVP_xh9eC60yB114jnd0x35zbIW62rC9Z0326aBc0o';
/** The Open Messaging endpoint and its integration at the emulator (webhook → this gateway). */
export const OM_ENDPOINT = 'support-om';
export const OM_INTEGRATION = '2f6d6c1e-8a43-4c8e-9a51-0b5e7d9c1a01';
export const OM_WEBHOOK_SECRET = 'e2e-open-messaging-webhook-secret';
export const OTHER_KEY = 'ghk_2Lg0WQ-mEDQjWkxmOLt-jzWatV0dn8zrnVVC6ApxZ5k';

export interface Harness {
  readonly emulator: RunningEmulator;
  readonly gateway: RunningGateway;
  readonly receiver: WebhookReceiver;
  readonly dataDir: string;
  api(
    method: string,
    path: string,
    body?: unknown,
    opts?: { key?: string | null; raw?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any }>;
  emu(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Webhook events of a handover (verified, de-duplicated), waiting until `predicate` holds. */
  webhookEvents(
    handoverId: string,
    predicate: (events: HandoverEvent[]) => boolean,
    what?: string,
  ): Promise<HandoverEvent[]>;
  /** The emulator's conversation for a handover's customer (by display name), once routable (stream attached). */
  conversationFor(displayName: string): Promise<any>;
  restartGateway(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(
  opts: {
    emulator?: EmulatorOptions;
    tuning?: GatewayTuning;
    /** Extra fields of the guest-chat endpoint `support` (a function: given the emulator's URL). */
    endpointExtra?: Record<string, unknown> | ((emulatorUrl: string) => Record<string, unknown>);
    omEndpointExtra?: Record<string, unknown>;
    /** With `omEndpointExtra.genesys`: point its `baseUrl` at the emulator (known only once it runs). */
    omBaseUrlFromEmulator?: boolean;
    /** The `store` config section; default: SQLite in a temp dir. */
    store?: Record<string, unknown>;
    /** More top-level configuration sections (`limits`, `genesys`, …). */
    config?: Record<string, unknown>;
    /** The gateway's logger; default: silent (or GH_TEST_LOG's level). */
    logger?: Logger;
  } = {},
): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-e2e-'));
  // The gateway's port is chosen first: the emulator's integration posts to its webhook route.
  const port = await freePort();
  const emulator = await startEmulator({
    heartbeatIntervalMs: 200,
    disconnectGraceMs: 5000,
    deployments: { 'dep-disabled': { disabled: true } },
    openIntegrations: [
      {
        id: OM_INTEGRATION,
        name: 'genesys-handover e2e',
        outboundNotificationWebhookUrl: `http://127.0.0.1:${port}/genesys/open-messaging/${OM_ENDPOINT}`,
        outboundNotificationWebhookSignatureSecretToken: OM_WEBHOOK_SECRET,
      },
    ],
    webhookRetryDelayMs: 500,
    notificationHeartbeatIntervalMs: 200,
    typingDurationMs: 3_000,
    // The Inbound Message flow greets the customer (Architect Send Response, OM §6): a system message.
    architect: { responses: ['Thanks for waiting, an agent will be with you shortly.'] },
    ...opts.emulator,
  });
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const receiver = await WebhookReceiver.start({ secret });
  const config = parseConfig({
    server: { host: '127.0.0.1', port, logLevel: 'silent' },
    store: opts.store ?? { path: join(dataDir, 'gateway.db') },
    ...opts.config,
    apiKeys: [
      { name: 'bot', key: API_KEY, endpoints: ['support', 'broken-queue', 'disabled', OM_ENDPOINT] },
      { name: 'other', key: OTHER_KEY, endpoints: ['other'] },
    ],
    endpoints: [
      {
        id: 'support',
        provider: 'genesys-guest-chat',
        genesys: { baseUrl: emulator.url, organizationId: 'org-1', deploymentId: 'dep-1' },
        queue: 'Support',
        defaults: {
          language: 'English',
          skills: ['general'],
          priority: 2,
          customAttributes: { brand: 'acme' },
        },
        guestDisplayName: 'Web visitor',
        webhook: { url: receiver.url, secrets: [secret] },
        ...(typeof opts.endpointExtra === 'function' ? opts.endpointExtra(emulator.url) : opts.endpointExtra),
      },
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
        defaults: {
          language: 'English',
          skills: ['general'],
          priority: 2,
          customAttributes: { brand: 'acme' },
        },
        guestDisplayName: 'Web visitor',
        webhook: { url: receiver.url, secrets: [secret] },
        ...withEmulatorBaseUrl(opts.omEndpointExtra, opts.omBaseUrlFromEmulator ? emulator.url : undefined),
      },
      {
        id: 'broken-queue',
        provider: 'genesys-guest-chat',
        genesys: { baseUrl: emulator.url, organizationId: 'org-1', deploymentId: 'dep-1' },
        queue: 'No Such Queue',
        webhook: { url: receiver.url, secrets: [secret] },
      },
      {
        id: 'disabled',
        provider: 'genesys-guest-chat',
        genesys: { baseUrl: emulator.url, organizationId: 'org-1', deploymentId: 'dep-disabled' },
        queue: 'Support',
        webhook: { url: receiver.url, secrets: [secret] },
      },
      {
        id: 'other',
        provider: 'genesys-guest-chat',
        genesys: { baseUrl: emulator.url, organizationId: 'org-1', deploymentId: 'dep-1' },
        queue: 'Sales',
      },
    ],
  });
  const tuning: GatewayTuning = {
    streamHeartbeatMs: 200,
    streamGraceMs: 5000,
    webhookPollMs: 50,
    webhookRetry: { initialDelayMs: 50, maxDelayMs: 500 },
    engine: FAST_ENGINE,
    sseKeepAliveMs: 1000,
    openMessaging: { reorderWindowMs: 200, notificationHeartbeatMs: 200 },
    ...opts.tuning,
  };
  const logger = opts.logger ?? pino({ level: process.env.GH_TEST_LOG ?? 'silent' });
  let gateway = await startGateway(config, { tuning, logger });

  const call = async (
    base: string,
    method: string,
    path: string,
    body: unknown,
    o: { key?: string | null; raw?: string; headers?: Record<string, string> } = {},
  ) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.key !== null && base === 'gw') headers.authorization = `Bearer ${o.key ?? API_KEY}`;
    const payload = o.raw ?? (body === undefined ? undefined : JSON.stringify(body));
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(`${base === 'gw' ? gateway.url : emulator.url}${path}`, {
      method,
      headers,
      ...(payload === undefined ? {} : { body: payload }),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as any };
  };

  return {
    emulator,
    get gateway() {
      return gateway;
    },
    receiver,
    dataDir,
    api: (method, path, body, o) => call('gw', method, path, body, o),
    emu: (method, path, body) => call('emu', method, path, body),
    webhookEvents: (handoverId, predicate, what) =>
      waitFor(
        () => {
          const events = receiver.events(handoverId);
          return predicate(events) ? events : undefined;
        },
        { what: what ?? 'webhook events', timeoutMs: 15_000 },
      ),
    conversationFor: async (displayName) =>
      waitFor(
        async () => {
          const list = await call('emu', 'GET', '/emulator/v1/conversations', undefined);
          const found = (list.body.entities as any[]).filter((c) => c.customer?.displayName === displayName);
          // Not before the gateway attached its stream: the emulator refuses to route (join, offer) a
          // chat still `awaiting-stream` (protocol §1 step 3) — a test joining then would race it.
          if (found.length !== 1 || found[0].state === 'awaiting-stream') return undefined;
          return (await call('emu', 'GET', `/emulator/v1/conversations/${found[0].id}`, undefined)).body;
        },
        { what: `emulator conversation of ${displayName}` },
      ),
    restartGateway: async () => {
      await gateway.close();
      gateway = await startGateway(config, { tuning, logger });
    },
    close: async () => {
      await gateway.close();
      await emulator.close();
      await receiver.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function withEmulatorBaseUrl(
  extra: Record<string, unknown> | undefined,
  emulatorUrl: string | undefined,
): Record<string, unknown> {
  if (!extra || emulatorUrl === undefined) return extra ?? {};
  const genesys = (extra.genesys ?? {}) as Record<string, unknown>;
  return { ...extra, genesys: { ...genesys, baseUrl: emulatorUrl } };
}
