// Ownership of live handovers when several gateway instances share one database (issue 14): each
// handover not yet ended is owned by one instance through a lease — the owner attaches to the
// provider conversation, sends the customer's messages, reads the agent's, runs the idle limits.
// Any instance may persist an API call for any handover; only the owner talks to the provider.
//
// The database is the coordinator (no cluster protocol of our own): an instance joins under a fresh
// owner name and renews ALL its leases at once by renewing that registration; a lease whose owner's
// registration expired (a crash, a stall, a partition from the database) can be claimed by another
// instance, which bumps the lease's fencing token. Every commit of an owner carries its token
// (ChangeSet.fence) and the store checks it in the same transaction, so a stalled owner that wakes up
// commits nothing after losing the lease (docs/scale-out.md).
//
// Adapters: store/postgres (several instances). SQLite and the memory store serve one instance,
// which owns everything: the engine then runs without a lease keeper.
import type { Unsubscribe } from './notifier.ts';

/** What an owner's commit proves: who it is and which generation of the lease it holds. */
export interface Fence {
  /** The owner's registration (fresh at every join). */
  readonly owner: string;
  /** The lease's fencing token: bumped at every change of owner, never reused. */
  readonly token: number;
}

export interface Claimed {
  readonly handoverId: string;
  readonly token: number;
}

/** The cluster as the database sees it, for a fair share. */
export interface ClusterView {
  /** Registrations not expired (this one included). */
  readonly live: number;
  /** Handovers not yet ended (closing ones included): what the live instances share. */
  readonly unended: number;
}

export interface LeaseStore {
  /** Registers this instance under a fresh owner name, valid for the lease time. */
  join(): Promise<string>;
  /**
   * Renews the registration — and so every lease of `owner` — for another lease time. False when it
   * had expired already: its leases may be someone else's now, so all of them count as lost.
   */
  renew(owner: string): Promise<boolean>;
  view(): Promise<ClusterView>;
  /** The handovers of `owner` (its leases, whatever their handover's state). */
  owned(owner: string): Promise<Claimed[]>;
  /** Claims these handovers where no live owner holds them; returns the ones won, with their tokens. */
  claim(owner: string, handoverIds: readonly string[]): Promise<Claimed[]>;
  /** Claims up to `count` unended handovers no live owner holds (picked at random). */
  claimAny(owner: string, count: number): Promise<Claimed[]>;
  /** Hands leases back at once (others may claim them now) and tells the other instances. */
  release(owner: string, handoverIds: readonly string[]): Promise<void>;
  /** Leaves the cluster: the registration and every lease of `owner` are released. */
  leave(owner: string): Promise<void>;
  /**
   * A named cluster-wide singleton (a sweep, a purge): true while `owner` holds it — taken when free
   * or its holder's registration expired, kept by renewing the registration.
   */
  singleton(owner: string, name: string): Promise<boolean>;
  /** Leases were released or a handover was created somewhere: a good moment to rebalance. */
  onChange(listener: () => void): Unsubscribe;
  /** Tells the other instances (onChange) that there is something to claim. */
  announce(): Promise<void>;
}
