// `genesys-handover serve --config <file>`: the gateway alone, against a real Genesys environment
// (or an emulator named by an endpoint's baseUrl).
import { Command } from 'commander';
import { z } from 'zod';
import { startGateway } from '../composition/start-gateway.ts';
import { loadConfigOrReport } from './load-config-or-report.ts';
import { runUntilSignal } from './run-until-signal.ts';

const flagsSchema = z.object({ config: z.string().min(1) }).strict();

export function serveCommand(): Command {
  return new Command('serve')
    .description('Run the handover gateway with a configuration file (JSON or YAML)')
    .requiredOption(
      '-c, --config <file>',
      'configuration file; GH__* environment variables override its values',
    )
    .action(async (raw: Record<string, unknown>) => {
      const flags = flagsSchema.parse(raw);
      const config = loadConfigOrReport(flags.config);
      if (!config) return;
      const gateway = await startGateway(config);
      process.stdout.write(`gateway: ${gateway.url}\n`);
      // The gateway's own stop is bounded by server.shutdownTimeoutSeconds; the hard limit here only
      // catches a bug (it exits 1 and says so).
      await runUntilSignal(() => gateway.close(), {
        timeoutMs: config.server.shutdownTimeoutSeconds * 1000 + 5_000,
      });
    });
}
