// The LeaseStore port in memory (ports/ownership.ts): the rules of store/postgres/lease-queries.ts —
// registrations that expire, leases held while their owner's registration lives, a fencing token
// bumped at every change of owner, named singletons — on one Clock, so several LeaseKeepers in one
// process (unit tests on virtual time, a demo) share a "database". `handovers` is the set of
// unended handovers the instances share.
import type { Clock } from '../../core/ports/clock.ts';
import type { Unsubscribe } from '../../core/ports/notifier.ts';
import type { Claimed, ClusterView, LeaseStore } from '../../core/ports/ownership.ts';

interface Lease {
  owner: string | null;
  token: number;
}

export class MemoryLeases {
  /** Unended handovers (add when one is created, delete when it ends). */
  readonly handovers = new Set<string>();
  readonly #clock: Clock;
  readonly #leaseMs: number;
  /** owner → expiry, ms. */
  readonly #members = new Map<string, number>();
  readonly #leases = new Map<string, Lease>();
  readonly #singletons = new Map<string, string | null>();
  readonly #listeners = new Set<() => void>();
  #joins = 0;

  constructor(clock: Clock, leaseMs: number) {
    this.#clock = clock;
    this.#leaseMs = leaseMs;
  }

  /** The lease of a handover as the "database" has it. */
  lease(handoverId: string): { owner: string | null; token: number } | undefined {
    const l = this.#leases.get(handoverId);
    return l && { ...l };
  }

  /** The port for one instance (its own name prefix); every instance sees the same tables. */
  instance(instanceId: string): LeaseStore {
    return {
      join: () => Promise.resolve(this.#join(instanceId)),
      renew: (owner) => Promise.resolve(this.#renew(owner)),
      view: () => Promise.resolve(this.#view()),
      owned: (owner) => Promise.resolve(this.#owned(owner)),
      claim: (owner, ids) => Promise.resolve(ids.flatMap((id) => this.#claim(owner, id) ?? [])),
      claimAny: (owner, count) => Promise.resolve(this.#claimAny(owner, count)),
      release: (owner, ids) => Promise.resolve(this.#release(owner, ids)),
      leave: (owner) => Promise.resolve(this.#leave(owner)),
      singleton: (owner, name) => Promise.resolve(this.#singleton(owner, name)),
      onChange: (listener) => this.#onChange(listener),
      announce: () => Promise.resolve(this.#announce()),
    };
  }

  #now(): number {
    return this.#clock.now().getTime();
  }

  #live(owner: string | null): boolean {
    const expires = owner === null ? undefined : this.#members.get(owner);
    return expires !== undefined && expires > this.#now();
  }

  #join(instanceId: string): string {
    this.#joins += 1;
    const owner = `${instanceId}/${this.#joins}`;
    this.#members.set(owner, this.#now() + this.#leaseMs);
    return owner;
  }

  #renew(owner: string): boolean {
    if (!this.#live(owner)) return false; // not brought back: its leases may be someone else's
    this.#members.set(owner, this.#now() + this.#leaseMs);
    return true;
  }

  #view(): ClusterView {
    const live = [...this.#members.keys()].filter((o) => this.#live(o)).length;
    return { live, unended: this.handovers.size };
  }

  #owned(owner: string): Claimed[] {
    return [...this.#leases].flatMap(([handoverId, l]) =>
      l.owner === owner ? [{ handoverId, token: l.token }] : [],
    );
  }

  #claim(owner: string, id: string): Claimed | undefined {
    if (!this.handovers.has(id) || !this.#live(owner)) return undefined;
    const l = this.#leases.get(id);
    if (!l) {
      this.#leases.set(id, { owner, token: 1 });
      return { handoverId: id, token: 1 };
    }
    if (this.#live(l.owner)) return undefined;
    l.owner = owner;
    l.token += 1;
    return { handoverId: id, token: l.token };
  }

  #claimAny(owner: string, count: number): Claimed[] {
    const free = [...this.handovers].filter((id) => !this.#live(this.#leases.get(id)?.owner ?? null));
    return free.slice(0, Math.max(0, count)).flatMap((id) => this.#claim(owner, id) ?? []);
  }

  #release(owner: string, ids: readonly string[]): void {
    if (ids.length === 0) return;
    for (const id of ids) {
      const l = this.#leases.get(id);
      if (l?.owner !== owner) continue;
      if (this.handovers.has(id)) l.owner = null;
      else this.#leases.delete(id);
    }
    this.#announce();
  }

  #leave(owner: string): void {
    for (const l of this.#leases.values()) if (l.owner === owner) l.owner = null;
    for (const [name, holder] of this.#singletons) if (holder === owner) this.#singletons.set(name, null);
    this.#members.delete(owner);
    this.#announce();
  }

  #singleton(owner: string, name: string): boolean {
    if (!this.#live(owner)) return false;
    const holder = this.#singletons.get(name) ?? null;
    if (holder !== owner && this.#live(holder)) return false;
    this.#singletons.set(name, owner);
    return true;
  }

  #onChange(listener: () => void): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #announce(): void {
    // Like a NOTIFY: heard after the current work, not inside it.
    queueMicrotask(() => {
      for (const listener of [...this.#listeners]) listener();
    });
  }
}
