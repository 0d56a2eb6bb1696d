// The connection pool the PostgreSQL store runs on, and the options that shape it.
import pg from 'pg';

export interface PostgresOptions {
  /** `postgres://user:password@host:port/database?…`. A secret (it may carry the password): never logged. */
  readonly connectionString: string;
  /**
   * Schema holding the store's tables; created by `migrate()` when missing. Lower-case letters,
   * digits and `_` only. Default: the server's search_path (usually `public`).
   */
  readonly schema?: string;
  /** Connections in the pool. Default 10. */
  readonly poolSize?: number;
  /** How long acquiring a connection may take before the call fails, in ms. Default 10 000. */
  readonly connectTimeoutMs?: number;
  /**
   * How long a webhook delivery handed out by `dueDeliveries` stays claimed by this store before
   * another instance may take it over, in ms. Must exceed the dispatcher's per-attempt timeout
   * (10 s by default). Default 60 000.
   */
  readonly claimTtlMs?: number;
  /**
   * This instance's name on outbox claims. A stable name (the host, a StatefulSet pod) lets a
   * restarted instance take back what its previous life claimed. Default: random per store.
   */
  readonly instanceId?: string;
  /**
   * Several instances: a transaction left idle this long by its client (a frozen process) is ended
   * by the server, releasing its locks — so a stalled owner cannot commit later (docs/scale-out.md).
   */
  readonly idleInTransactionTimeoutMs?: number;
  /**
   * Whether the store's statements go as named prepared statements (prepared-sql.ts), parsed and
   * planned once per connection. Default true; false for a pooler in transaction mode that does not
   * keep them (PgBouncer before 1.21, or with `max_prepared_statements = 0`).
   */
  readonly preparedStatements?: boolean;
}

export const DEFAULT_POOL_SIZE = 10;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_CLAIM_TTL_MS = 60_000;

// Unquoted-identifier rules, lower case only: the name then means the same in `search_path`, in
// `CREATE SCHEMA` and to an operator typing it in psql, with no quoting to get wrong.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) {
    throw new RangeError('schema must be 1-63 lower-case letters, digits or _, not starting with a digit');
  }
}

function positiveInteger(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${what} must be a positive integer`);
  return value;
}

export function createPool(options: PostgresOptions): pg.Pool {
  if (options.schema !== undefined) assertSchemaName(options.schema);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: positiveInteger(options.poolSize, DEFAULT_POOL_SIZE, 'poolSize'),
    connectionTimeoutMillis: positiveInteger(
      options.connectTimeoutMs,
      DEFAULT_CONNECT_TIMEOUT_MS,
      'connectTimeoutMs',
    ),
    application_name: 'genesys-handover',
    // Set at connection start-up, so every statement of every pooled connection sees the schema
    // without a per-query round trip. The name was validated above: nothing to escape.
    ...startupOptions(options),
  });
  // An idle connection that the server closed (restart, failover) emits 'error'; without a listener
  // that would crash the process. pg has already dropped it from the pool, and the next query opens
  // a fresh connection and reports a real failure to its caller.
  pool.on('error', () => undefined);
  return pool;
}

/** Settings sent at connection start-up (no per-query round trip). Values are validated: nothing to escape. */
function startupOptions(options: PostgresOptions): { options?: string } {
  const settings: string[] = [];
  if (options.schema !== undefined) settings.push(`-c search_path=${options.schema}`);
  const idle = options.idleInTransactionTimeoutMs;
  if (idle !== undefined)
    settings.push(
      `-c idle_in_transaction_session_timeout=${positiveInteger(idle, 1, 'idleInTransactionTimeoutMs')}`,
    );
  return settings.length ? { options: settings.join(' ') } : {};
}
