// The store of an operator command (`dead-letters`, `parked-events`): `--store <file|url>`, or the
// store settings of `--config` / GENESYS_HANDOVER_CONFIG (only those are read), GH__store__… applying
// on top. Opened by the composition root's factory with the admin role, closed after the work.
import { Option } from 'commander';
import { z } from 'zod';
import { openStore } from '../composition/open-store.ts';
import { CONFIG_FILE_VARIABLE, loadStoreSettings } from '../config/load.ts';
import type { Store } from '../core/ports/store/index.ts';
import { loadOrReport } from './load-config-or-report.ts';

/** The zod shape of the two flags, to spread into a command's flag schema. */
export const storeFlags = {
  config: z.string().min(1).optional(),
  store: z.string().min(1).optional(),
};

export function storeOption(): Option {
  return new Option('--store <file|url>', 'the SQLite file or postgres:// URL (instead of a configuration)');
}

export function configOption(): Option {
  return new Option(
    '-c, --config <file>',
    'the gateway configuration: only its store settings are read (GH__store__… override them)',
  ).env(CONFIG_FILE_VARIABLE);
}

/** One line naming each bad flag and why. */
export function describeFlagIssues(error: z.ZodError): string {
  return `invalid flags: ${error.issues.map((i) => `${i.path.join('.') || 'flags'}: ${i.message}`).join('; ')}`;
}

/** The command's flags parsed, or undefined after reporting them on stderr (exit code 2). */
export function parseFlagsOrReport<S extends z.ZodType>(
  schema: S,
  raw: Record<string, unknown>,
): z.output<S> | undefined {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  process.stderr.write(`${describeFlagIssues(parsed.error)}\n`);
  process.exitCode = 2;
  return undefined;
}

/** Opens the store the flags name, runs `fn`, closes it; a bad configuration is reported (exit 2). */
export async function withAdminStore(
  flags: { readonly config?: string | undefined; readonly store?: string | undefined },
  fn: (store: Store) => Promise<void>,
): Promise<void> {
  const postgres = flags.store !== undefined && /^postgres(ql)?:\/\//.test(flags.store);
  const config = loadOrReport(() =>
    flags.store === undefined
      ? loadStoreSettings(flags.config)
      : loadStoreSettings(undefined, {
          // --store names the store; the rest of the environment's GH__store__… still applies.
          ...process.env,
          [CONFIG_FILE_VARIABLE]: '',
          [postgres ? 'GH__store__url' : 'GH__store__path']: flags.store,
          ...(postgres ? { GH__store__kind: 'postgres' } : {}),
        }),
  );
  if (!config) return;
  const store = await openStore(config, { role: 'admin' });
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}
