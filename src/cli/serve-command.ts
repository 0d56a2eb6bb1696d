// `genesys-handover serve [--config <file>]`: the gateway alone, against a real Genesys environment
// (or an emulator named by an endpoint's baseUrl). The configuration comes from the file, or from
// $GENESYS_HANDOVER_CONFIG, or — with neither — from the environment alone (docs/configuration.md).
import { Command, Option } from 'commander';
import { z } from 'zod';
import { CONFIG_FILE_VARIABLE, loadConfig } from '../config/load.ts';
import { loadOrReport } from './load-config-or-report.ts';
import { listenErrorMessage } from './listen-error.ts';
import { runUntilSignal } from './run-until-signal.ts';

const flagsSchema = z.object({ config: z.string().min(1).optional() }).strict();

export function serveCommand(): Command {
  return new Command('serve')
    .description('Run the handover gateway (configuration: a JSON or YAML file, or the environment alone)')
    .addOption(
      new Option(
        '-c, --config <file>',
        'configuration file; HOST, PORT and GH__* environment variables override its values; without one, the environment alone configures the gateway',
      ).env(CONFIG_FILE_VARIABLE),
    )
    .action(async (raw: Record<string, unknown>) => {
      const flags = flagsSchema.parse(raw);
      const config = loadOrReport(() => loadConfig(flags.config));
      if (!config) return;
      // Loaded here, not with the program: the other commands (keygen, dead-letters, …) start without
      // the gateway's modules — most of the 0.6 s a start spends loading code (bench/README.md, round
      // twenty-one).
      const { startGateway } = await import('../composition/start-gateway.ts');
      const gateway = await startGateway(config).catch((err: unknown) => {
        throw new Error(
          listenErrorMessage(err, {
            host: config.server.host,
            port: config.server.port,
            flag: 'PORT=<port> (or server.port)',
          }),
        );
      });
      process.stdout.write(`gateway: ${gateway.url}\n`);
      // The gateway's own stop is bounded by server.shutdownTimeoutSeconds; the hard limit here only
      // catches a bug (it exits 1 and says so).
      await runUntilSignal(() => gateway.close(), {
        timeoutMs: config.server.shutdownTimeoutSeconds * 1000 + 5_000,
        stopping: () => gateway.stopping(),
      });
    });
}
