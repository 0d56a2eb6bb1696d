// `genesys-handover purge --config <file> [--older-than-days <n>]`: deletes ended handovers (with
// their transcript, events and webhook outbox rows) that ended more than the retention period ago —
// what the gateway does every `retention.purgeIntervalMinutes`, on demand (e.g. from cron when the
// gateway's own purge is off). Safe beside a running gateway: unended handovers are never touched.
import { Command } from 'commander';
import { z } from 'zod';
import { openStore } from '../composition/open-store.ts';
import { silentLogger } from '../core/ports/logger.ts';
import { RetentionService } from '../core/services/retention-service.ts';
import { systemClock } from '../time/system-time.ts';
import { loadConfig } from '../config/load.ts';
import { parseFlagsOrReport } from './admin-store.ts';
import { loadOrReport } from './load-config-or-report.ts';

const flags = z
  .object({
    config: z.string().min(1),
    olderThanDays: z.coerce.number().min(0.001).max(36_500).optional(),
  })
  .strict();

export function purgeCommand(): Command {
  return new Command('purge')
    .description('Delete ended handovers older than the retention period, with transcript, events and outbox')
    .requiredOption('-c, --config <file>', 'the gateway configuration (store and retention)')
    .option('--older-than-days <n>', 'days since the end (default: retention.endedHandoverDays)')
    .action(async (raw: Record<string, unknown>) => {
      const parsed = parseFlagsOrReport(flags, raw);
      if (!parsed) return;
      const config = loadOrReport(() => loadConfig(parsed.config));
      if (!config) return;
      const days = parsed.olderThanDays ?? config.retention.endedHandoverDays;
      if (days === null) {
        process.stderr.write(
          'retention.endedHandoverDays is null (keep forever): pass --older-than-days <n>\n',
        );
        process.exitCode = 2;
        return;
      }
      const store = await openStore(config, { role: 'admin' });
      try {
        const service = new RetentionService({
          retention: store.retention,
          clock: systemClock,
          logger: silentLogger,
          days,
        });
        const n = await service.purgeNow();
        process.stdout.write(`purged ${n} handover(s) that ended before ${service.cutoff()}\n`);
      } finally {
        await store.close();
      }
    });
}
