// Events a provider pushed to an instance that does not own the handover (several instances on one
// database, issue 14). Open Messaging's webhook (§4.5) reaches whichever instance the load balancer
// picks; only the owner holds the handover's session. So a non-owner persists the call's events here
// — before the provider gets its 2xx, like any pushed event — and wakes the owner, which commits them
// through its session in arrival order and then removes them. One entry per provider message (the
// key): a redelivery to any instance is a no-op.
//
// Adapter: store/postgres (postgres-inbox.ts, a table and a NOTIFY). One instance alone owns every
// handover and never needs it.
import type { Unsubscribe } from './notifier.ts';
import type { ProviderEvent } from './provider.ts';

export interface PushedEntry {
  readonly id: string;
  readonly endpointId: string;
  readonly handoverId: string;
  readonly events: readonly ProviderEvent[];
}

export interface PushedInbox {
  /**
   * Persists the events for the handover's owner and wakes it. `ignored` when the handover is
   * unknown, of another endpoint or over (nothing is stored); a key stored already counts as stored.
   */
  put(
    endpointId: string,
    handoverId: string,
    key: string,
    events: readonly ProviderEvent[],
  ): Promise<'stored' | 'ignored'>;
  /** The handover's entries, oldest first. */
  pending(handoverId: string, limit: number): Promise<PushedEntry[]>;
  /** Handovers with entries (the safety poll); entries of handovers over or gone are dropped on the way. */
  handovers(limit: number): Promise<string[]>;
  remove(entryId: string): Promise<void>;
  /** An entry was put (on any instance) for this handover. */
  onArrival(listener: (handoverId: string) => void): Unsubscribe;
}
