// The one place that picks the store adapter named by the configuration and opens it (migrated,
// ready to use) — for the gateway and for admin commands that work on the same data.
import { hostname } from 'node:os';
import type { GatewayConfig } from '../config/schema.ts';
import type { Store } from '../core/ports/store/index.ts';

export interface OpenStoreOptions {
  /** `gateway`: this process delivers webhooks (takes back its claims at start-up). `admin`: a command beside it. */
  readonly role: 'gateway' | 'admin';
  readonly instanceId?: string;
  /** Observes each group-commit batch (the gateway's metrics). */
  readonly onBatch?: (size: number, committed: boolean) => void;
}

/** The store settings and the instance's name: the gateway's whole config, or what `dead-letters` reads. */
type StoreConfig = Pick<GatewayConfig, 'store'> & {
  readonly server: { readonly instanceId?: string | undefined };
};

export async function openStore(config: StoreConfig, options: OpenStoreOptions): Promise<Store> {
  const settings = config.store;
  const instanceId = options.instanceId ?? config.server.instanceId ?? hostname();
  const groupCommit = options.onBatch === undefined ? {} : { groupCommit: { onBatch: options.onBatch } };
  // Only the configured adapter is loaded: the other's driver (pg, better-sqlite3) and queries stay
  // out of the start-up (issue 12: ~100 ms less for a SQLite gateway).
  // The gateway writes where the config says (default: the writer thread, sqlite-store.ts); a short
  // admin command inline, without starting a thread.
  if (settings.kind === 'sqlite') {
    const { SqliteStore } = await import('../store/sqlite/sqlite-store.ts');
    return SqliteStore.open({
      path: settings.path,
      writer: options.role === 'gateway' ? settings.writer : 'inline',
      ...groupCommit,
    });
  }
  const { PostgresStore } = await import('../store/postgres/postgres-store.ts');
  const store = await PostgresStore.open({
    connectionString: settings.url,
    poolSize: settings.poolSize,
    preparedStatements: settings.preparedStatements,
    instanceId,
    ...groupCommit,
    // Several instances: a frozen process's open transaction is ended by the server well within
    // its lease, so it cannot commit after a takeover (docs/scale-out.md).
    ...(settings.singleInstance
      ? {}
      : { idleInTransactionTimeoutMs: Math.max(500, Math.round((settings.leaseSeconds * 1000) / 2)) }),
    ...(settings.schema === undefined ? {} : { schema: settings.schema }),
  });
  if (options.role === 'gateway') {
    try {
      await store.releaseClaims(settings.singleInstance ? 'all' : 'own');
    } catch (err) {
      await store.close().catch(() => undefined);
      throw err;
    }
  }
  return store;
}
