// Which live handovers this instance owns, when several instances share one database (issue 14;
// ports/ownership.ts). The keeper holds the leases and decides; the engine attaches and lets go.
//
// Every tick (a third of the lease time) it renews its registration — every lease at once — then
// balances: a fair share is ceil(unended handovers / live instances); below it, it claims handovers
// nobody live owns (an owner that died or stalled, one that handed them back, new ones); above it, it
// hands the excess back so an instance that just (re)joined gets its share. A lease release or a new
// handover anywhere (LISTEN/NOTIFY in the PostgreSQL adapter) runs a tick at once, so a graceful
// rolling restart moves every chat within a second or two, not a lease time.
//
// What a lost lease means: a renewal that finds the registration expired (this process stalled past
// the lease time, or lost the database) drops every handover — another instance may own them now —
// and joins again under a fresh name. A commit refused by its fence drops that handover. Locally, a
// lease counts as held only until `lease time − margin` after the last successful renewal started:
// the sender asks `mayAct` right before each Genesys call, so a process that was frozen between two
// renewals sends nothing when it wakes up (its clock moved on), before the database even answers.
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Unsubscribe } from '../ports/notifier.ts';
import type { Claimed, Fence, LeaseStore } from '../ports/ownership.ts';
import type { Scheduler, TimerHandle } from '../ports/scheduler.ts';
import { errorCode } from './errors.ts';

/** What the engine asks about ownership: the lease keeper, or an instance alone that owns everything. */
export interface Ownership {
  /** This instance owns the handover (it attaches, sends, reads). */
  owns(id: string): boolean;
  /**
   * The fence an owner's commit carries: undefined when there is no fencing (one instance alone),
   * null when the handover is not owned here (the write is refused).
   */
  fenceOf(id: string): Fence | null | undefined;
  /** The lease is held with time to spare: a Genesys call may start now. */
  mayAct(id: string): boolean;
  /** A handover was created here: claim it. */
  request(id: string): void;
  /** A commit was refused by its fence (or not owned here): the handover is someone else's now. */
  lost(id: string): void;
  /** The handover ended: its lease is not needed any more. */
  ended(id: string): void;
}

/** One instance alone (SQLite, memory, a single PostgreSQL gateway): it owns everything, unfenced. */
export const SOLE_OWNERSHIP: Ownership = {
  owns: () => true,
  fenceOf: () => undefined,
  mayAct: () => true,
  request: () => undefined,
  lost: () => undefined,
  ended: () => undefined,
};

/** What the keeper observes (metrics). */
export interface LeaseObserver {
  renewed(ms: number): void;
  tookOver(count: number): void;
  fenced(): void;
  owned(count: number): void;
}

export interface LeaseKeeperDeps {
  readonly leases: LeaseStore;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly logger: Logger;
  /** The lease time, ms: how long after an owner's last renewal its handovers may be taken over. */
  readonly leaseMs: number;
  /** Bring a handover this instance just won up (attach, catch up, send). */
  readonly adopt: (id: string) => void;
  /** Let a handover go without ending it (lost, or handed back): detach, stop sending. */
  readonly drop: (id: string) => Promise<void>;
  /** Safety net for a missed wake-up: re-read these owned handovers. Every SAFETY_POLL_TICKS ticks. */
  readonly refresh?: (ids: readonly string[]) => void;
  readonly observer?: LeaseObserver;
}

/** A renewal per this fraction of the lease time. */
const TICKS_PER_LEASE = 3;
/** The owned handovers are re-read every this many ticks (a missed NOTIFY costs at most this). */
const SAFETY_POLL_TICKS = 10;
/** Handovers handed back per tick when above the fair share (a gentle rebalance). */
const MAX_RELEASE_PER_TICK = 20;

export class LeaseKeeper implements Ownership {
  readonly #d: LeaseKeeperDeps;
  /** handover id → fencing token. */
  readonly #leases = new Map<string, number>();
  readonly #singletons = new Map<string, boolean>();
  #owner: string | undefined;
  /** Local time (ms) until which the leases surely still hold. */
  #validUntil = 0;
  #timer: TimerHandle | undefined;
  #unsubscribe: Unsubscribe | undefined;
  #ticking: Promise<void> | undefined;
  #again = false;
  #ticks = 0;
  #stopped = false;

  constructor(deps: LeaseKeeperDeps) {
    if (!(deps.leaseMs >= 300)) throw new RangeError('leaseMs must be at least 300');
    this.#d = deps;
  }

  /** This instance's current registration (undefined before start). */
  get owner(): string | undefined {
    return this.#owner;
  }

  get ownedCount(): number {
    return this.#leases.size;
  }

  /** Joins the cluster and takes a first share; then keeps the leases until `stop`. */
  async start(): Promise<void> {
    await this.#join();
    await this.tick();
    this.#timer = this.#d.scheduler.every(this.#d.leaseMs / TICKS_PER_LEASE, () => void this.tick());
    this.#unsubscribe = this.#d.leases.onChange(() => void this.tick());
  }

  owns(id: string): boolean {
    return this.#leases.has(id);
  }

  fenceOf(id: string): Fence | null {
    const token = this.#leases.get(id);
    return token === undefined || this.#owner === undefined ? null : { owner: this.#owner, token };
  }

  mayAct(id: string): boolean {
    const margin = this.#d.leaseMs / TICKS_PER_LEASE;
    return this.#leases.has(id) && this.#d.clock.now().getTime() < this.#validUntil - margin;
  }

  request(id: string): void {
    if (this.#stopped || this.#owner === undefined || this.#leases.has(id)) return;
    const owner = this.#owner;
    void this.#d.leases
      .claim(owner, [id])
      .then((won) => this.#adopt(owner, won))
      .catch((err: unknown) => {
        // Not lost: it stays unowned, and the next tick (here or elsewhere) claims it.
        this.#d.logger.warn({ handoverId: id, code: errorCode(err) }, 'claiming a new handover failed');
      });
  }

  lost(id: string): void {
    this.#d.observer?.fenced();
    if (!this.#leases.delete(id)) return;
    this.#d.observer?.owned(this.#leases.size);
    this.#d.logger.warn({ handoverId: id }, 'lease lost: another instance owns the handover now');
    void this.#d.drop(id);
  }

  ended(id: string): void {
    if (!this.#leases.delete(id)) return;
    this.#d.observer?.owned(this.#leases.size);
    const owner = this.#owner;
    if (owner) void this.#d.leases.release(owner, [id]).catch(() => undefined);
  }

  /** Whether this instance runs the named cluster-wide singleton (checked at each tick). */
  runsSingleton(name: string): boolean {
    if (!this.#singletons.has(name)) {
      this.#singletons.set(name, false);
      void this.tick();
    }
    return this.#singletons.get(name) === true && this.#d.clock.now().getTime() < this.#validUntil;
  }

  /** Renews, then balances. Coalesced: a tick asked for while one runs runs once after it. */
  tick(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#ticking) {
      this.#again = true;
      return this.#ticking;
    }
    const running = (async () => {
      do {
        this.#again = false;
        try {
          await this.#tickOnce();
        } catch (err) {
          this.#d.logger.warn({ code: errorCode(err) }, 'lease renewal or balancing failed');
        }
      } while (this.#more());
    })().finally(() => (this.#ticking = undefined));
    this.#ticking = running;
    return running;
  }

  /** A method, not a property read: TypeScript would keep a narrowing across the awaits. */
  #more(): boolean {
    return this.#again && !this.#stopped;
  }

  /**
   * Graceful stop: every handover is let go (the engine detaches) and its lease handed back at once,
   * so the other instances take them now instead of after a lease time.
   */
  async stop(detach: () => Promise<void>): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#timer?.cancel();
    this.#unsubscribe?.();
    await this.#ticking;
    await detach();
    const owner = this.#owner;
    this.#leases.clear();
    this.#d.observer?.owned(0);
    if (owner) await this.#d.leases.leave(owner);
  }

  async #join(): Promise<void> {
    const t0 = this.#d.clock.now().getTime();
    this.#owner = await this.#d.leases.join();
    this.#validUntil = t0 + this.#d.leaseMs;
  }

  async #tickOnce(): Promise<void> {
    const { leases, clock, observer } = this.#d;
    if (this.#owner === undefined) await this.#join();
    const owner = this.#owner;
    if (owner === undefined) return;
    const t0 = clock.now().getTime();
    if (!(await leases.renew(owner))) {
      await this.#loseAll();
      return;
    }
    this.#validUntil = t0 + this.#d.leaseMs;
    observer?.renewed(clock.now().getTime() - t0);
    for (const name of this.#singletons.keys())
      this.#singletons.set(name, await leases.singleton(owner, name));
    if (this.#stopped) return;

    const { live, unended } = await leases.view();
    const share = Math.ceil(unended / Math.max(1, live));
    const owned = this.#leases.size;
    if (owned < share) {
      const won = await leases.claimAny(owner, share - owned);
      this.#adopt(owner, won);
    } else if (owned > share) {
      await this.#handBack(owner, Math.min(owned - share, MAX_RELEASE_PER_TICK));
    }
    this.#ticks += 1;
    if (this.#ticks % SAFETY_POLL_TICKS === 0 && this.#leases.size > 0)
      this.#d.refresh?.([...this.#leases.keys()]);
  }

  #adopt(owner: string, won: readonly Claimed[]): void {
    if (owner !== this.#owner || this.#stopped) return;
    let takeovers = 0;
    for (const { handoverId, token } of won) {
      if (this.#leases.has(handoverId)) continue;
      this.#leases.set(handoverId, token);
      if (token > 1) takeovers += 1;
      this.#d.adopt(handoverId);
    }
    if (takeovers > 0) {
      this.#d.observer?.tookOver(takeovers);
      this.#d.logger.info({ count: takeovers }, 'took handovers over from another instance');
    }
    this.#d.observer?.owned(this.#leases.size);
  }

  /** Above the fair share: the newest leases go back (their chats move to an instance with room). */
  async #handBack(owner: string, count: number): Promise<void> {
    const ids = [...this.#leases.keys()].slice(-count);
    for (const id of ids) this.#leases.delete(id);
    this.#d.observer?.owned(this.#leases.size);
    await Promise.allSettled(ids.map((id) => this.#d.drop(id)));
    await this.#d.leases.release(owner, ids);
    this.#d.logger.info({ count: ids.length }, 'handed handovers back (above the fair share)');
  }

  /** The registration expired: nothing is ours any more; join again under a fresh name. */
  async #loseAll(): Promise<void> {
    const ids = [...this.#leases.keys()];
    this.#leases.clear();
    this.#owner = undefined;
    this.#validUntil = 0;
    for (const name of this.#singletons.keys()) this.#singletons.set(name, false);
    this.#d.observer?.owned(0);
    if (ids.length > 0)
      this.#d.logger.warn({ count: ids.length }, 'registration expired: every lease is lost');
    await Promise.allSettled(ids.map((id) => this.#d.drop(id)));
    if (!this.#stopped) await this.#join();
  }
}
