// `genesys-handover demo` (what `npm start` runs): the emulator and the gateway in one process with
// a ready demo endpoint, so a newcomer can walk a whole handover with curl. Prints, each on its own
// line: `gateway: <url>`, `emulator: <url>`, `endpoint: <id>`, `api key: <key>`.
import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { z } from 'zod';
import { parseConfig } from '../config/load.ts';
import { startEmulator } from '../emulator/index.ts';
import { startGateway } from '../main.ts';
import { runUntilSignal } from './run-until-signal.ts';

export const DEMO_ENDPOINT = 'demo';

const flagsSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65_535).default(8080),
  emulatorPort: z.coerce.number().int().min(0).max(65_535).default(8099),
  data: z.string().min(1).default('./data/demo.db'),
  apiKey: z.string().min(24).optional(),
  webhookUrl: z.url().optional(),
  webhookSecret: z
    .string()
    .regex(/^whsec_/)
    .optional(),
  autoAgent: z.boolean().default(false),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
});

export function demoCommand(): Command {
  return new Command('demo')
    .description('Run gateway + Genesys guest-chat emulator on localhost with a ready demo endpoint')
    .option('--host <host>', 'interface to bind both servers to', '127.0.0.1')
    .option('--port <port>', 'gateway port (0 = any free port)', '8080')
    .option('--emulator-port <port>', 'emulator port (0 = any free port)', '8099')
    .option('--data <file>', 'SQLite file', './data/demo.db')
    .option('--api-key <key>', 'API key to accept (default: a new random key, printed)')
    .option('--webhook-url <url>', "deliver the demo endpoint's events to this URL as signed webhooks")
    .option('--webhook-secret <whsec>', 'secret for --webhook-url (default: a new random one, printed)')
    .option('--auto-agent', 'emulator agents accept chats and answer by themselves')
    .option('--log-level <level>', 'gateway log level', 'warn')
    .action(async (raw: Record<string, unknown>) => {
      const flags = flagsSchema.parse(raw);
      const emulator = await startEmulator({
        host: flags.host,
        port: flags.emulatorPort,
        ...(flags.autoAgent ? { autoAgent: { acceptDelayMs: 2000, replyDelayMs: 1200 } } : {}),
      });
      const apiKey = flags.apiKey ?? `demo_${randomBytes(18).toString('base64url')}`;
      const webhookSecret = flags.webhookUrl
        ? (flags.webhookSecret ?? `whsec_${randomBytes(24).toString('base64')}`)
        : undefined;
      const config = parseConfig({
        server: { host: flags.host, port: flags.port, logLevel: flags.logLevel },
        store: { path: flags.data },
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
            ...(flags.webhookUrl && webhookSecret
              ? { webhook: { url: flags.webhookUrl, secrets: [webhookSecret] } }
              : {}),
          },
        ],
      });
      let gateway;
      try {
        gateway = await startGateway(config);
      } catch (err) {
        await emulator.close();
        throw err;
      }
      const lines = [
        `gateway: ${gateway.url}`,
        `emulator: ${emulator.url}`,
        `endpoint: ${DEMO_ENDPOINT}`,
        `api key: ${apiKey}`,
        ...(webhookSecret ? [`webhook secret: ${webhookSecret}`] : []),
        `api docs: ${gateway.url}/docs`,
        `agent API: ${emulator.url}/emulator/v1/conversations`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      await runUntilSignal(async () => {
        await gateway.close();
        await emulator.close();
      });
    });
}
