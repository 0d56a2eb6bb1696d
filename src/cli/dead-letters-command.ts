// `genesys-handover dead-letters list|replay [--store <file|url>] [--config <file>]`: webhook events
// whose retry period ran out, read straight from the gateway's store (only the store settings are
// read: `--store`, or the file's `store`, or GH__store__… — e.g. `--store ./data/demo.db` for the demo) (SQLite and PostgreSQL both allow this beside a
// running gateway, whose dispatcher picks replayed events up on its next poll). The store is opened
// by the composition root's factory and worked on through the core's DeadLetterService, as the API does.
import { Command } from 'commander';
import { z } from 'zod';
import { DeadLetterService, type Access } from '../core/services/dead-letter-service.ts';
import { systemClock } from '../time/system-time.ts';
import { configOption, describeFlagIssues, storeFlags, storeOption, withAdminStore } from './admin-store.ts';

/** The operator at the console may act on every endpoint. */
const OPERATOR: Access = { endpoints: '*' };

const listFlags = z.object({
  ...storeFlags,
  endpoint: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
  cursor: z.string().min(1).max(500).optional(),
  json: z.boolean().default(false),
});

const replayFlags = z
  .object({
    ...storeFlags,
    handover: z.uuid().optional(),
    event: z.uuid().optional(),
    all: z.boolean().default(false),
  })
  .refine((f) => f.all || f.handover !== undefined || f.event !== undefined, {
    error: 'name --handover <id> or --event <id>, or pass --all',
  });

export function deadLettersCommand(): Command {
  const cmd = new Command('dead-letters').description('Webhook events that could not be delivered in time');
  cmd
    .command('list')
    .description('List dead letters, oldest first')
    .addOption(storeOption())
    .addOption(configOption())
    .option('--endpoint <id>', 'only this endpoint')
    .option('--limit <n>', 'at most this many', '100')
    .option('--cursor <cursor>', 'continue after a previous list (its "next cursor")')
    .option('--json', 'one JSON object per line')
    .action(async (raw: Record<string, unknown>) => {
      const flags = parseFlags(listFlags, raw);
      await withDeadLetters(flags, async (deadLetters) => {
        const { items, nextCursor } = await deadLetters.list(OPERATOR, {
          limit: flags.limit,
          ...(flags.endpoint === undefined ? {} : { endpoint: flags.endpoint }),
          ...(flags.cursor === undefined ? {} : { cursor: flags.cursor }),
        });
        for (const d of items) {
          process.stdout.write(
            flags.json
              ? `${JSON.stringify(d)}\n`
              : `${d.deadAt}  ${d.event.endpointId}  handover ${d.event.handoverId}  #${d.event.seq} ${d.event.type}  event ${d.event.id}  attempts ${d.attempts}  last error: ${d.lastError}\n`,
          );
        }
        if (!flags.json) {
          process.stdout.write(`${items.length} dead letter(s)\n`);
          if (nextCursor !== undefined) process.stdout.write(`more: --cursor ${nextCursor}\n`);
        }
      });
    });
  cmd
    .command('replay')
    .description('Put dead letters back into the outbox; the gateway delivers them again')
    .addOption(storeOption())
    .addOption(configOption())
    .option('--handover <id>', 'every dead letter of this handover')
    .option('--event <id>', 'this one event')
    .option('--all', 'every dead letter')
    .action(async (raw: Record<string, unknown>) => {
      const flags = parseFlags(replayFlags, raw);
      await withDeadLetters(flags, async (deadLetters) => {
        const n = await deadLetters.replay(OPERATOR, {
          ...(flags.handover ? { handoverId: flags.handover } : {}),
          ...(flags.event ? { eventId: flags.event } : {}),
        });
        process.stdout.write(`replayed ${n} event(s)\n`);
      });
    });
  return cmd;
}

function parseFlags<S extends z.ZodType>(schema: S, raw: Record<string, unknown>): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(describeFlagIssues(parsed.error));
  return parsed.data;
}

async function withDeadLetters(
  flags: { readonly config?: string | undefined; readonly store?: string | undefined },
  fn: (deadLetters: DeadLetterService) => Promise<void>,
): Promise<void> {
  await withAdminStore(flags, (store) =>
    fn(new DeadLetterService({ events: store.events, handovers: store.handovers, clock: systemClock })),
  );
}
