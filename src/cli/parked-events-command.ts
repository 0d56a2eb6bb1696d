// `genesys-handover parked-events [--store <file|url>] [--config <file>] [--limit n] [--json]
// [--with-payload]`: provider events whose commit kept failing and that were parked instead of holding
// up their handover (docs/reliability.md, "A provider event that cannot be stored"), newest first,
// read straight from the store. The payload is the whole event — a message's text, so personal data —
// and is shown only with --with-payload.
import { Command } from 'commander';
import { z } from 'zod';
import { configOption, parseFlagsOrReport, storeFlags, storeOption, withAdminStore } from './admin-store.ts';

const flags = z.object({
  ...storeFlags,
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
  json: z.boolean().default(false),
  withPayload: z.boolean().default(false),
});

export function parkedEventsCommand(): Command {
  return new Command('parked-events')
    .description('Provider events that could not be stored and were parked, newest first')
    .addOption(storeOption())
    .addOption(configOption())
    .option('--limit <n>', 'at most this many', '100')
    .option('--json', 'one JSON object per line')
    .option('--with-payload', 'include each event as it was received (message texts: personal data)')
    .action(async (raw: Record<string, unknown>) => {
      const f = parseFlagsOrReport(flags, raw);
      if (!f) return;
      await withAdminStore(f, async (store) => {
        const items = await store.parked.list(f.limit);
        for (const p of items) {
          const { payload, ...meta } = p;
          const shown = f.withPayload ? p : meta;
          process.stdout.write(
            f.json
              ? `${JSON.stringify(shown)}\n`
              : `${p.parkedAt}  handover ${p.handoverId}  ${p.eventType} ${p.eventKey}  error ${p.errorCode}${f.withPayload ? `  ${payload}` : ''}\n`,
          );
        }
        if (!f.json) process.stdout.write(`${items.length} parked event(s)\n`);
      });
    });
}
