// Picks and opens the store adapter named by the configuration (migrated, ready to use). Called by
// the composition root and by admin commands that work on the same data.
import type { HandoverStore } from '../core/ports/store.ts';
import type { GatewayConfig } from '../config/schema.ts';
import { PostgresHandoverStore } from './postgres/postgres-handover-store.ts';
import { SqliteHandoverStore } from './sqlite/sqlite-handover-store.ts';

export async function openStore(config: GatewayConfig['store']): Promise<HandoverStore> {
  const store: HandoverStore =
    config.kind === 'sqlite'
      ? new SqliteHandoverStore({ path: config.path })
      : new PostgresHandoverStore({
          connectionString: config.url,
          poolSize: config.poolSize,
          ...(config.schema === undefined ? {} : { schema: config.schema }),
        });
  try {
    await store.migrate();
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  return store;
}
