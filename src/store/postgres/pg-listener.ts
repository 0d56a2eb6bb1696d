// One dedicated connection that LISTENs (a pooled connection cannot: LISTEN belongs to a session,
// and a pool hands sessions around — the same reason a pooler in transaction mode breaks it, see
// docs/scale-out.md). Channels are named after the schema, so two gateways on two schemas of one
// database do not wake each other. On a lost connection it reconnects with backoff, and tells its
// users: notifications sent meanwhile are gone, so whatever they wait for must be re-read.
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { PostgresOptions } from './connection.ts';

type Handler = (payload: string) => void;

const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 5_000;

/** A channel name for `topic` in `schema` (≤ 63 bytes, an identifier whatever the schema). */
export function channelName(topic: string, schema: string | undefined): string {
  const tag = createHash('sha256')
    .update(schema ?? '(search_path)')
    .digest('hex')
    .slice(0, 16);
  return `genesys_handover_${topic}_${tag}`;
}

export class PgListener {
  readonly #options: PostgresOptions;
  readonly #handlers = new Map<string, Set<Handler>>();
  readonly #onReconnect = new Set<() => void>();
  #client: pg.Client | undefined;
  #connecting: Promise<void> | undefined;
  #closed = false;
  #failures = 0;
  #timer: NodeJS.Timeout | undefined;
  #connected = false;

  constructor(options: PostgresOptions) {
    this.#options = options;
  }

  /** Whether the LISTEN connection is up (readiness). */
  get connected(): boolean {
    return this.#connected;
  }

  /** Registers a handler; the first one of a channel LISTENs on it. */
  async listen(channel: string, handler: Handler): Promise<() => void> {
    let set = this.#handlers.get(channel);
    const fresh = !set;
    if (!set) {
      set = new Set();
      this.#handlers.set(channel, set);
    }
    set.add(handler);
    if (fresh && this.#client && this.#connected)
      await this.#client.query(`LISTEN ${pg.escapeIdentifier(channel)}`).catch(() => undefined);
    return () => set.delete(handler);
  }

  /** Called after every reconnect (not the first connect). */
  onReconnect(listener: () => void): void {
    this.#onReconnect.add(listener);
  }

  /** Connects and LISTENs on every channel registered so far. Rejects when the first connect fails. */
  start(): Promise<void> {
    this.#connecting ??= this.#connect(false);
    return this.#connecting;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    this.#connected = false;
    await client?.end().catch(() => undefined);
  }

  async #connect(again: boolean): Promise<void> {
    const client = new pg.Client({
      connectionString: this.#options.connectionString,
      application_name: 'genesys-handover listener',
      connectionTimeoutMillis: this.#options.connectTimeoutMs ?? 10_000,
      // TCP keep-alive: a connection the network dropped silently is noticed, and re-made.
      keepAlive: true,
    });
    client.on('error', () => this.#lost(client));
    client.on('end', () => this.#lost(client));
    client.on('notification', (n) => {
      const set = this.#handlers.get(n.channel);
      for (const handler of set ?? []) {
        try {
          handler(n.payload ?? '');
        } catch {
          // A handler's bug must not stop the others.
        }
      }
    });
    await client.connect();
    for (const channel of this.#handlers.keys()) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    this.#connected = true;
    this.#failures = 0;
    if (again) for (const listener of this.#onReconnect) listener();
  }

  #lost(client: pg.Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.#connected = false;
    client.end().catch(() => undefined);
    this.#retry();
  }

  #retry(): void {
    if (this.#closed) return;
    this.#failures += 1;
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** (this.#failures - 1));
    this.#timer = setTimeout(() => {
      this.#connect(true).catch(() => this.#retry());
    }, delay);
    this.#timer.unref();
  }
}
