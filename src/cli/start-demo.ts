// startDemo(): what `genesys-handover demo` runs — the emulator, the gateway with a ready `demo`
// endpoint, and the demo bot with the customer web chat — as one reusable function, so the browser
// tests start exactly what a newcomer gets from `npm start`.
import { randomBytes } from 'node:crypto';
import type { Logger as PinoLogger } from 'pino';
import { parseConfig } from '../config/load.ts';
import { startDemoBot, type RunningDemoBot } from '../demo-bot/index.ts';
import type { BotLogger } from '../demo-bot/demo-bot.ts';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../emulator/index.ts';
import { startGateway, type GatewayTuning, type RunningGateway } from '../composition/start-gateway.ts';

export const DEMO_ENDPOINT = 'demo';

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
}

export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const emulator = await startEmulator({
    ...options.emulator,
    host: options.host,
    port: options.emulatorPort,
    ...(options.autoAgent ? { autoAgent: { acceptDelayMs: 2000, replyDelayMs: 1200 } } : {}),
  });
  const apiKey = options.apiKey ?? `demo_${randomBytes(18).toString('base64url')}`;
  const webhookSecret = options.webhookUrl
    ? (options.webhookSecret ?? `whsec_${randomBytes(24).toString('base64')}`)
    : undefined;
  let gateway: RunningGateway | undefined;
  let bot: RunningDemoBot | undefined;
  try {
    const config = parseConfig({
      server: { host: options.host, port: options.port, logLevel: options.logLevel },
      store: { path: options.data },
      apiKeys: [{ name: 'demo', key: apiKey, endpoints: [DEMO_ENDPOINT] }],
      endpoints: [
        {
          id: DEMO_ENDPOINT,
          provider: 'genesys-guest-chat',
          genesys: { baseUrl: emulator.url, organizationId: 'demo-org', deploymentId: 'demo-deployment' },
          queue: 'Support',
          defaults: {
            language: 'english',
            skills: [],
            customAttributes: { source: 'genesys-handover demo' },
          },
          guestDisplayName: 'Demo customer',
          ...(options.webhookUrl && webhookSecret
            ? { webhook: { url: options.webhookUrl, secrets: [webhookSecret] } }
            : {}),
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
      endpoints: [{ id: DEMO_ENDPOINT, label: 'Guest chat' }],
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
    `api key: ${apiKey}`,
    ...(webhookSecret ? [`webhook secret: ${webhookSecret}`] : []),
    `chat: ${bot.url}`,
    `agent console: ${emulator.consoleUrl}`,
    `api docs: ${gateway.url}/docs`,
    `agent API: ${emulator.url}/emulator/v1/conversations`,
  ];
  let closing: Promise<void> | undefined;
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
        await running.bot.close();
        await running.gateway.close();
        await emulator.close();
      })();
      return closing;
    },
  };
}
