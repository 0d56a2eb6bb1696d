// The LeaseStore port on PostgreSQL (ports/ownership.ts): registrations, leases and singletons in
// the cluster tables (lease-queries.ts), and a NOTIFY whenever leases are handed back, so the other
// instances claim them at once instead of at their next tick.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Unsubscribe } from '../../core/ports/notifier.ts';
import type { Claimed, ClusterView, LeaseStore } from '../../core/ports/ownership.ts';
import { guarded } from './errors.ts';
import { LeaseQueries } from './lease-queries.ts';
import type { PgListener } from './pg-listener.ts';
import { inTransaction } from './transaction.ts';

export interface PostgresLeasesOptions {
  /** The instance's stable name (server.instanceId): shown next to each registration. */
  readonly instanceId: string;
  /** The lease time, ms. */
  readonly leaseMs: number;
}

export class PostgresLeases implements LeaseStore {
  readonly #pool: pg.Pool;
  readonly #q: LeaseQueries;
  readonly #listener: PgListener;
  readonly #channel: string;
  readonly #opts: PostgresLeasesOptions;
  readonly #listeners = new Set<() => void>();
  #listening: Promise<unknown> | undefined;

  constructor(pool: pg.Pool, listener: PgListener, channel: string, opts: PostgresLeasesOptions) {
    this.#pool = pool;
    this.#q = new LeaseQueries(pool);
    this.#listener = listener;
    this.#channel = channel;
    this.#opts = opts;
  }

  async join(): Promise<string> {
    this.#listening ??= this.#listener.listen(this.#channel, () => this.#changed());
    await this.#listening;
    const owner = `${this.#opts.instanceId}/${randomUUID()}`;
    await guarded('joinCluster', () => this.#q.join(owner, this.#opts.instanceId, this.#opts.leaseMs));
    return owner;
  }

  renew(owner: string): Promise<boolean> {
    return guarded('renewLeases', () => this.#q.renew(owner, this.#opts.leaseMs));
  }

  view(): Promise<ClusterView> {
    return guarded('clusterView', () => this.#q.view());
  }

  owned(owner: string): Promise<Claimed[]> {
    return guarded('ownedLeases', () => this.#q.owned(owner));
  }

  async claim(owner: string, handoverIds: readonly string[]): Promise<Claimed[]> {
    const won: Claimed[] = [];
    for (const id of handoverIds) {
      const claimed = await guarded('claimLease', () => this.#q.claim(owner, id));
      if (claimed) won.push(claimed);
    }
    return won;
  }

  async claimAny(owner: string, count: number): Promise<Claimed[]> {
    if (count < 1) return [];
    const ids = await guarded('unownedHandovers', () => this.#q.unowned(count));
    return this.claim(owner, ids);
  }

  async release(owner: string, handoverIds: readonly string[]): Promise<void> {
    if (handoverIds.length === 0) return;
    await guarded('releaseLeases', () => this.#q.release(owner, handoverIds));
    await this.announce();
  }

  async leave(owner: string): Promise<void> {
    await guarded('leaveCluster', () =>
      inTransaction(this.#pool, (client) => new LeaseQueries(client).leave(owner)),
    );
    await this.announce();
  }

  singleton(owner: string, name: string): Promise<boolean> {
    return guarded('singletonLease', () => this.#q.singleton(owner, name));
  }

  onChange(listener: () => void): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async announce(): Promise<void> {
    await this.#pool.query('SELECT pg_notify($1, $2)', [this.#channel, 'leases']).catch(() => undefined);
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
