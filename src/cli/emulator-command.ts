// `genesys-handover emulator`: runs the Genesys guest-chat emulator on its own until SIGINT/SIGTERM.
import { Command } from 'commander';
import { z } from 'zod';
import { startEmulator, type EmulatorOptions } from '../emulator/index.ts';

const intFlag = (min: number) => z.coerce.number().int().min(min);

const flagsSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: intFlag(0).max(65_535).default(0),
  heartbeatMs: intFlag(1).optional(),
  graceMs: intFlag(1).optional(),
  autoAgent: z.boolean().default(false),
  autoAgentDelayMs: intFlag(0).default(1500),
});

export function emulatorCommand(): Command {
  return new Command('emulator')
    .description('Run the Genesys Cloud guest-chat emulator (REST + event stream + agent API)')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--port <port>', 'TCP port (0 picks a free one)', '0')
    .option('--heartbeat-ms <ms>', 'event-stream heartbeat interval (default 30000)')
    .option('--grace-ms <ms>', 'disconnect a guest after this long without an event stream (default 120000)')
    .option('--auto-agent', 'agents accept chats and answer messages by themselves')
    .option('--auto-agent-delay-ms <ms>', 'auto-agent: time before an agent accepts a chat', '1500')
    .action(async (raw: Record<string, unknown>) => {
      const parsed = flagsSchema.safeParse(raw);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `--${kebab(String(i.path[0] ?? ''))}: ${i.message}`);
        throw new Error(`invalid emulator flags: ${problems.join('; ')}`);
      }
      const flags = parsed.data;
      const options: EmulatorOptions = {
        host: flags.host,
        port: flags.port,
        ...(flags.heartbeatMs !== undefined ? { heartbeatIntervalMs: flags.heartbeatMs } : {}),
        ...(flags.graceMs !== undefined ? { disconnectGraceMs: flags.graceMs } : {}),
        ...(flags.autoAgent ? { autoAgent: { acceptDelayMs: flags.autoAgentDelayMs } } : {}),
      };
      const emulator = await startEmulator(options);
      process.stdout.write(`emulator: ${emulator.url}\n`);
      process.stdout.write(`agent API: ${emulator.url}/emulator/v1/conversations\n`);
      process.stdout.write(`agent console: ${emulator.consoleUrl}\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await emulator.close();
      process.stdout.write('emulator: stopped\n');
    });
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
