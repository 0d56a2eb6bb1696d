// `genesys-handover demo` (what `npm start` runs): the emulator, the gateway with a ready demo
// endpoint, and the demo bot's customer web chat, in one process. Prints, each on its own line:
// `gateway: <url>`, `emulator: <url>`, `endpoint: <id>`, `api key: <key>`, then `chat: <url>` (open
// this one) and `agent console: <url>` (the agent's side), and a few more.
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { Command } from 'commander';
import { z } from 'zod';
import { exposureWarning } from '../emulator/http/host-check.ts';
import { listenErrorMessage } from './listen-error.ts';
import { runUntilSignal } from './run-until-signal.ts';

const port = z.coerce.number().int().min(0).max(65_535);

const flagsSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: port.default(8080),
  emulatorPort: port.default(8099),
  chatPort: port.default(8090),
  data: z.string().min(1).default('./data/demo.db'),
  apiKey: z.string().min(24).optional(),
  webhookUrl: z.url().optional(),
  webhookSecret: z
    .string()
    .regex(/^whsec_/)
    .optional(),
  autoAgent: z.boolean().default(false),
  keepData: z.boolean().default(false),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
});

export function demoCommand(): Command {
  return new Command('demo')
    .description(
      'Run gateway + Genesys guest-chat emulator + demo bot web chat on localhost with a ready demo endpoint',
    )
    .option('--host <host>', 'interface to bind the servers to', '127.0.0.1')
    .option('--port <port>', 'gateway port (0 = any free port)', '8080')
    .option('--emulator-port <port>', 'emulator port (0 = any free port)', '8099')
    .option('--chat-port <port>', 'demo bot web chat port (0 = any free port)', '8090')
    .option('--data <file>', 'SQLite file', './data/demo.db')
    .option('--api-key <key>', 'API key to accept (default: a new random key, printed)')
    .option('--webhook-url <url>', "deliver the demo endpoint's events to this URL as signed webhooks")
    .option('--webhook-secret <whsec>', 'secret for --webhook-url (default: a new random one, printed)')
    .option('--auto-agent', 'emulator agents accept chats and answer by themselves')
    .option(
      '--keep-data',
      "keep the previous run's demo store (by default each start begins with a fresh one)",
    )
    .option('--log-level <level>', 'gateway log level', 'warn')
    .action(async (raw: Record<string, unknown>) => {
      const flags = flagsSchema.parse(raw);
      const warning = exposureWarning(flags.host);
      if (warning) process.stderr.write(`${warning.replace('the emulator listens', 'the demo listens')}\n`);
      const demo = await (async () => {
        // The ports first: a second `npm start` beside a running one must not touch its store.
        for (const p of [flags.emulatorPort, flags.port, flags.chatPort]) await portIsFree(flags.host, p);
        // The emulator keeps its chats in memory: the previous run's open handovers point at chats
        // that no longer exist and would only end in provider errors. A fresh store avoids that.
        if (!flags.keepData)
          for (const suffix of ['', '-wal', '-shm']) rmSync(`${flags.data}${suffix}`, { force: true });
        // Loaded here: the demo's emulator and bot stay out of every other command's start-up.
        const { startDemo } = await import('./start-demo.ts');
        return startDemo(flags);
      })().catch((err: unknown) => {
        // The error names the port; the message names the flag that moves that server.
        const port = (err as { port?: unknown }).port;
        const flag =
          port === flags.emulatorPort
            ? '--emulator-port'
            : port === flags.chatPort
              ? '--chat-port'
              : port === flags.port
                ? '--port'
                : '--port, --emulator-port or --chat-port';
        throw new Error(
          listenErrorMessage(err, {
            host: flags.host,
            port: typeof port === 'number' ? port : flags.port,
            flag: `${flag} <port> (npm start -- ${flag} <port>)`,
          }),
        );
      });
      process.stdout.write(`${demo.lines.join('\n')}\n`);
      await runUntilSignal(() => demo.close(), { stopping: () => demo.stopping() });
    });
}

/** Resolves when `port` can be bound on `host` (0 always can); rejects with the listen error. */
function portIsFree(host: string, port: number): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, host, () => server.close(() => resolve()));
  });
}
