// startDemo(): what `genesys-handover demo` runs — the emulator, the gateway with two ready endpoints
// (`demo` on guest chat, `demo-om` on Open Messaging, both played by the emulator), and the demo bot
// with the customer web chat — as one reusable function, so the browser tests start exactly what a
// newcomer gets from `npm start`.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { Logger as PinoLogger } from 'pino';
import { generateApiKey } from '../config/api-key-strength.ts';
import { parseConfig } from '../config/load.ts';
import { startDemoBot, type RunningDemoBot } from '../demo-bot/index.ts';
import type { BotLogger } from '../demo-bot/demo-bot.ts';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../emulator/index.ts';
import { ShutdownSteps } from '../core/concurrency/shutdown-steps.ts';
import { startGateway, type GatewayTuning, type RunningGateway } from '../composition/start-gateway.ts';

export const DEMO_ENDPOINT = 'demo';
/** The same demo on Genesys Open Messaging (the emulator's integration posts to the gateway). */
export const DEMO_OM_ENDPOINT = 'demo-om';
const DEMO_OM_INTEGRATION = '5e1d0c7a-9b8f-4e2d-a6c3-d0e0f1a2b3c4';
/** The integration's webhook secret: a demo value (Genesys wants more than 15 characters, OM §2). */
const DEMO_OM_WEBHOOK_SECRET = 'genesys-handover-demo-webhook';

export interface DemoOptions {
  readonly host: string;
  /** Gateway, emulator and chat page ports (0 = any free port). */
  readonly port: number;
  readonly emulatorPort: number;
  readonly chatPort: number;
  /** SQLite file of the gateway. */
  readonly data: string;
  readonly apiKey?: string | undefined;
  readonly webhookUrl?: string | undefined;
  readonly webhookSecret?: string | undefined;
  readonly autoAgent: boolean;
  readonly logLevel: string;
  /** Tests: shorter timers. */
  readonly emulator?: Omit<EmulatorOptions, 'host' | 'port' | 'autoAgent'>;
  readonly tuning?: GatewayTuning;
  readonly logger?: PinoLogger;
  readonly botLogger?: BotLogger;
}

export interface RunningDemo {
  readonly emulator: RunningEmulator;
  readonly gateway: RunningGateway;
  readonly bot: RunningDemoBot;
  readonly apiKey: string;
  readonly webhookSecret: string | undefined;
  /** The lines `genesys-handover demo` prints. */
  readonly lines: readonly string[];
  close(): Promise<void>;
  /** While `close()` runs: the parts not yet stopped (what an overrunning stop waits for). */
  stopping(): string[];
}

export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  // The gateway's port is known before the emulator starts: its Open Messaging integration posts there.
  const gatewayPort = options.port === 0 ? await freePort(options.host) : options.port;
  const emulator = await startEmulator({
    ...options.emulator,
    host: options.host,
    port: options.emulatorPort,
    openIntegrations: [
      {
        id: DEMO_OM_INTEGRATION,
        name: 'genesys-handover demo',
        outboundNotificationWebhookUrl: `${httpUrl(options.host, gatewayPort)}/genesys/open-messaging/${DEMO_OM_ENDPOINT}`,
        outboundNotificationWebhookSignatureSecretToken: DEMO_OM_WEBHOOK_SECRET,
      },
    ],
    // The Inbound Message flow greets the customer while they wait (Architect Send Response, OM §6).
    architect: { responses: ['Thanks for waiting, an agent will be with you shortly.'] },
    ...(options.autoAgent ? { autoAgent: { acceptDelayMs: 2000, replyDelayMs: 1200 } } : {}),
  });
  const apiKey = options.apiKey ?? generateApiKey();
  const webhookSecret = options.webhookUrl
    ? (options.webhookSecret ?? `whsec_${randomBytes(24).toString('base64')}`)
    : undefined;
  const webhook =
    options.webhookUrl && webhookSecret
      ? { webhook: { url: options.webhookUrl, secrets: [webhookSecret] } }
      : {};
  // What both demo endpoints have in common: the queue, routing defaults, the bot's webhook.
  const shared = {
    queue: 'Support',
    defaults: { language: 'english', skills: [], customAttributes: { source: 'genesys-handover demo' } },
    guestDisplayName: 'Demo customer',
    ...webhook,
  };
  let gateway: RunningGateway | undefined;
  let bot: RunningDemoBot | undefined;
  try {
    const config = parseConfig({
      // /docs and /metrics on an admin port of their own (any free one), so a browser opens them without a key.
      server: {
        host: options.host,
        port: gatewayPort,
        adminHost: options.host,
        adminPort: 0,
        logLevel: options.logLevel,
      },
      store: { path: options.data },
      apiKeys: [{ name: 'demo', key: apiKey, endpoints: [DEMO_ENDPOINT, DEMO_OM_ENDPOINT] }],
      endpoints: [
        {
          id: DEMO_ENDPOINT,
          provider: 'genesys-guest-chat',
          genesys: { baseUrl: emulator.url, organizationId: 'demo-org', deploymentId: 'demo-deployment' },
          ...shared,
        },
        {
          id: DEMO_OM_ENDPOINT,
          provider: 'genesys-open-messaging',
          genesys: {
            baseUrl: emulator.url,
            // The emulator's demo OAuth client (docs/emulator.md).
            clientId: 'emulator-client',
            clientSecret: 'emulator-secret',
            integrationId: DEMO_OM_INTEGRATION,
            webhookSecret: DEMO_OM_WEBHOOK_SECRET,
          },
          ...shared,
        },
      ],
    });
    gateway = await startGateway(config, {
      ...(options.tuning ? { tuning: options.tuning } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
    // The demo bot is a client of the gateway like any bot: it gets the URL and a key, nothing else.
    bot = await startDemoBot({
      gatewayUrl: gateway.url,
      apiKey,
      endpoints: [
        { id: DEMO_ENDPOINT, label: 'Guest chat' },
        { id: DEMO_OM_ENDPOINT, label: 'Open Messaging' },
      ],
      host: options.host,
      port: options.chatPort,
      ...(options.botLogger ? { logger: options.botLogger } : {}),
    });
  } catch (err) {
    await bot?.close();
    await gateway?.close();
    await emulator.close();
    throw err;
  }
  const running = { gateway, bot };
  const lines = [
    `gateway: ${gateway.url}`,
    `emulator: ${emulator.url}`,
    `endpoint: ${DEMO_ENDPOINT}`,
    `endpoint: ${DEMO_OM_ENDPOINT}`,
    `api key: ${apiKey}`,
    ...(webhookSecret ? [`webhook secret: ${webhookSecret}`] : []),
    `chat: ${bot.url}`,
    `agent console: ${emulator.consoleUrl}`,
    `api docs: ${gateway.adminUrl ?? gateway.url}/docs`,
    `metrics: ${gateway.adminUrl ?? gateway.url}/metrics`,
    `agent API: ${emulator.url}/emulator/v1/conversations`,
    // For the README's curl walkthrough: paste this line into another terminal.
    `export GW=${gateway.url} EMU=${emulator.url} KEY=${apiKey}`,
  ];
  let closing: Promise<void> | undefined;
  const steps = new ShutdownSteps();
  return {
    emulator,
    gateway,
    bot,
    apiKey,
    webhookSecret,
    lines,
    close: () => {
      // The bot first (it follows the gateway's streams), then the gateway, then the emulator.
      closing ??= (async () => {
        await steps.run('demo bot', () => running.bot.close());
        await steps.run('gateway', () => running.gateway.close());
        await steps.run('emulator', () => emulator.close());
      })();
      return closing;
    },
    stopping: () =>
      steps.pending().flatMap((step) => {
        const parts =
          step === 'gateway' ? gateway.stopping() : step === 'emulator' ? emulator.stopping() : [];
        return parts.length > 0 ? parts.map((part) => `${step} ${part}`) : [step];
      }),
  };
}

/** `http://host:port`, with a wildcard bind address replaced by loopback (what a client can reach). */
function httpUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/** A free TCP port on `host` (the demo's `--port 0`). */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
