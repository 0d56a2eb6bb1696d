// The one way a handover changes: a unit of work. For one handover at a time (a keyed queue, not a
// global lock — design §2), it loads the handover once, hands a draft to the task, and commits once:
// state + transcript + events + outbox + provider link, in one transaction.
//
// Tasks do no provider I/O: they decide from the stored state (and may read the store). A task may
// run twice — on a version conflict (another writer, e.g. another instance) the unit reloads and
// runs it again — so it must not have side effects outside the draft.
//
// Live handovers (tracked by the engine) are kept in memory after each commit, so the hot paths —
// a customer message on its way to the provider, an agent message on its way to the outbox — do not
// read the handover again and again (issue 9: at most twice, and once). Only the most recently
// changed ones are kept (LIVE_CACHE_SIZE): a busy chat commits often and stays, a quiet one is read
// from the store again when it wakes — so 15,000 idle chats do not hold 15,000 copies of their
// records (~2 KiB each, issue 12). A handover being brought up is held outside that count (`hold`):
// in a burst of creations its Genesys create waits behind hundreds of others, long enough for a
// thousand other chats to pass it in the cache, and each chat's next units read it again (bench/
// README.md, round eleven).
//
// Several instances (issue 14): the owner's commits carry its lease's fence, checked by the store in
// the same transaction; a refused one is not retried (the handover is another instance's now). API
// writes (`anyInstance`) are valid from every instance and go unfenced.
import { GatewayError } from '../errors.ts';
import { isTerminal } from '../model/handover.ts';
import type { HandoverEvent } from '../model/events.ts';
import { KeyedQueue } from '../concurrency/keyed-queue.ts';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import type { ProviderRef } from '../ports/provider.ts';
import type { Store } from '../ports/store/index.ts';
import { LeaseLostError, VersionConflictError } from '../ports/store/index.ts';
import type { Fence } from '../ports/ownership.ts';
import { HandoverDraft, type LiveState } from './handover-draft.ts';

export interface Committed {
  readonly before: LiveState;
  readonly after: LiveState;
  readonly events: readonly HandoverEvent[];
  /** Outbound lines the change added. */
  readonly appendedOutbound: number;
  /** Outbound lines whose send attempt the change marked (the sender may send them without a mark of its own). */
  readonly attempted: readonly string[];
}

/** A handover's stored state as the caller knows it: the record, and its send queue when known too. */
export type Known = Pick<LiveState, 'record'> & Partial<Pick<LiveState, 'pending' | 'lastOrder'>>;

export interface HandoverUnitsDeps {
  readonly store: Pick<Store, 'handovers' | 'transcript'>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** Whether the endpoint's events also go to a webhook (else SSE only). */
  readonly webhookOf: (endpointId: string) => boolean;
  /** After every commit, in commit order per handover (the engine reacts: wake the sender, detach…). */
  readonly onCommitted: (committed: Committed) => void;
  /**
   * The lease fence of an owner's commit (several instances); undefined: unfenced (one instance);
   * null: the handover is not owned here, so an owner's write is refused without a round trip.
   */
  readonly fenceOf?: (id: string) => Fence | null | undefined;
  /** A fenced commit was refused: the lease is lost. */
  readonly onFenced?: (id: string) => void;
  /** The current trace context (tracing on), kept with the outbox rows of a commit. */
  readonly traceParent?: () => string | undefined;
  /** The last word on each draft before it is built (the sender marks the next line's send attempt). */
  readonly beforeBuild?: (draft: HandoverDraft) => void;
}

export interface RunOptions {
  /** An API write (a customer message, an end request): valid from any instance, so not fenced. */
  readonly anyInstance?: boolean;
}

/** Live handovers whose last committed state is kept in memory, most recently changed first. */
const LIVE_CACHE_SIZE = 1_000;

/** How often a unit re-runs its task after a version conflict before giving up. */
const CONFLICT_ATTEMPTS = 3;

export class HandoverUnits {
  readonly #d: HandoverUnitsDeps;
  readonly #queue = new KeyedQueue();
  /**
   * Tracked handovers, each with the first provider handle seen for it: a state read from the store
   * again (after it left the cache) shares that handle instead of holding a copy of its own — a
   * guest chat's handle is ~1 KiB of strings (the event-stream URI, the JWT, ids), and the same object
   * also keeps the provider's parsed-handle cache hitting (issue 12, heap per handover).
   */
  readonly #tracked = new Map<string, ProviderRef | undefined>();
  readonly #live = new Map<string, LiveState>();
  /** Held handovers (`hold`): how many holds each has; their states live in `#held`, not in `#live`. */
  readonly #holds = new Map<string, number>();
  readonly #held = new Map<string, LiveState>();
  /** What the caller already read of a handover just tracked: its first load takes it (see `track`). */
  readonly #known = new Map<string, Known>();
  /**
   * Loads from the store in flight, per handover (only while one is). A commit, a refresh or another
   * load that changes the cached state meanwhile marks them stale: what such a load read may be older
   * than that state, and putting it in the cache would hide the newer one until the next commit —
   * a sender that read a line as still pending after its confirmation had landed sent it again (a
   * rolling restart, three instances: reads outside the queue race with its commits).
   */
  readonly #loading = new Map<string, Set<LoadTicket>>();
  #commits = 0;

  constructor(deps: HandoverUnitsDeps) {
    this.#d = deps;
  }

  /**
   * Keep this handover in memory from now on (it is live in this process). `known`: what the caller
   * has just read or written of it (the record listed at start-up, the handover it created), so
   * its first load does not read that again (issue 12: a restart or a burst of creations read every
   * record twice). It must be the stored state: a write in between goes through a unit, whose load
   * takes it first; another instance's write fails the next commit's version check, which reloads.
   */
  track(id: string, known?: Known): void {
    if (!this.#tracked.has(id)) this.#tracked.set(id, undefined);
    if (known && !this.#live.has(id) && !this.#held.has(id)) this.#known.set(id, known);
  }

  untrack(id: string): void {
    this.#tracked.delete(id);
    this.#known.delete(id);
    this.#forget(id);
  }

  /**
   * Keeps a tracked handover's state in memory, outside the cache's limit, until as many `release`s
   * have come: for a bring-up, whose units are spread over the provider's create and attach. Bounded
   * by the bring-ups in progress (each ~1–2 KiB).
   */
  hold(id: string): void {
    this.#holds.set(id, (this.#holds.get(id) ?? 0) + 1);
    const state = this.#live.get(id);
    if (state) {
      this.#live.delete(id);
      this.#held.set(id, state);
    }
  }

  /** Ends a `hold`: the state joins the cache as its most recent entry. */
  release(id: string): void {
    const holds = this.#holds.get(id);
    if (holds === undefined) return;
    if (holds > 1) {
      this.#holds.set(id, holds - 1);
      return;
    }
    this.#holds.delete(id);
    const state = this.#held.get(id);
    this.#held.delete(id);
    if (state && this.#tracked.has(id)) this.#keep(id, state);
  }

  /**
   * Runs `task` after every unit queued before it for the same handover, then commits what the
   * draft collected (nothing when it changed nothing). Throws HANDOVER_NOT_FOUND for an unknown id.
   */
  run<T>(id: string, task: (draft: HandoverDraft) => T | Promise<T>, options: RunOptions = {}): Promise<T> {
    return this.#queue.run(id, async () => {
      for (let attempt = 1; ; attempt++) {
        const before = await this.#load(id);
        if (!before) throw new GatewayError('HANDOVER_NOT_FOUND');
        const draft = new HandoverDraft(before, { now: this.#d.clock.now().toISOString(), ids: this.#d.ids });
        const result = await task(draft);
        this.#d.beforeBuild?.(draft);
        const built = draft.build(this.#d.webhookOf(before.record.handover.endpointId));
        if (!built) return result;
        const fence = options.anyInstance ? undefined : this.#d.fenceOf?.(id);
        if (fence === null) {
          // Let go meanwhile (a part of a dropped handover finishing its step): not ours to write.
          this.#forget(id);
          this.#d.onFenced?.(id);
          throw new GatewayError('LEASE_LOST');
        }
        try {
          const traceParent =
            built.change.webhook && built.events.length ? this.#d.traceParent?.() : undefined;
          const change = traceParent === undefined ? built.change : { ...built.change, traceParent };
          await this.#d.store.handovers.commit(fence ? { ...change, fence } : change);
        } catch (err) {
          this.#forget(id);
          if (err instanceof LeaseLostError) {
            this.#d.onFenced?.(id);
            throw new GatewayError('LEASE_LOST', { cause: err });
          }
          if (err instanceof VersionConflictError && attempt < CONFLICT_ATTEMPTS) continue;
          if (err instanceof VersionConflictError)
            throw new GatewayError('INTERNAL', { message: 'The handover kept changing concurrently.' });
          throw err;
        }
        this.#commits++;
        const after = this.#tracked.has(id) ? this.#keep(id, built.next) : built.next;
        this.#d.onCommitted({
          before,
          after,
          events: built.events,
          appendedOutbound: built.appendedOutbound,
          attempted: built.change.attempted?.map((a) => a.entryId) ?? [],
        });
        return result;
      }
    });
  }

  /**
   * The handover as last committed, outside the queue (a snapshot: a unit may be changing it). From
   * memory for a tracked handover, else from the store.
   */
  read(id: string): Promise<LiveState | undefined> {
    return this.#load(id);
  }

  /** Forgets the cached state (another instance changed the handover): the next read loads it. */
  refresh(id: string): void {
    this.#known.delete(id);
    this.#forget(id);
  }

  /** Drops the cached state (held or not); the next load reads the store. */
  #forget(id: string): void {
    this.#live.delete(id);
    this.#held.delete(id);
    this.#staleLoads(id);
  }

  /**
   * How many units have committed in this process: unchanged between two looks, nothing changed any
   * handover in between (every change is a unit) — so a record read then is still the stored one.
   */
  get commits(): number {
    return this.#commits;
  }

  /** Resolves when every unit queued so far has settled. */
  idle(): Promise<void> {
    return this.#queue.idle();
  }

  async #load(id: string): Promise<LiveState | undefined> {
    for (;;) {
      const cached = this.#live.get(id) ?? this.#held.get(id);
      if (cached) return cached;
      const ticket: LoadTicket = { stale: false };
      const tickets = this.#loading.get(id) ?? new Set<LoadTicket>();
      tickets.add(ticket);
      this.#loading.set(id, tickets);
      let state: LiveState | undefined;
      try {
        state = await this.#read(id);
      } finally {
        tickets.delete(ticket);
        if (tickets.size === 0) this.#loading.delete(id); // the last load of this handover in flight
      }
      if (!state) return undefined;
      if (!this.#tracked.has(id)) return state; // a snapshot: nothing is cached for it
      // Changed while it was read: the state cached meanwhile is the newer one; none, read again.
      if (ticket.stale) continue;
      return this.#keep(id, state);
    }
  }

  /** The stored state (or what the caller already read, once). */
  async #read(id: string): Promise<LiveState | undefined> {
    const { handovers, transcript } = this.#d.store;
    const known = this.#known.get(id);
    if (known) this.#known.delete(id);
    const record = known?.record ?? (await handovers.get(id));
    if (!record) return undefined;
    const ended = isTerminal(record.handover.state);
    const pending = ended ? [] : (known?.pending ?? (await transcript.pendingOutbound(id)));
    const lastOrder = ended ? 0 : (known?.lastOrder ?? (await transcript.maxOutboundOrder(id)));
    return { record, pending, lastOrder };
  }

  /** The cached state changed or went: loads in flight may have read an older one. */
  #staleLoads(id: string): void {
    const tickets = this.#loading.get(id);
    if (tickets) for (const t of tickets) t.stale = true;
  }

  /**
   * Caches a tracked handover's state as the most recent, dropping the least recently changed; the
   * state kept (and returned) holds the handover's first-seen provider handle when it is equal.
   */
  #keep(id: string, given: LiveState): LiveState {
    this.#staleLoads(id);
    const state = this.#sharingRef(id, given);
    if (this.#holds.has(id)) {
      this.#held.set(id, state);
      return state;
    }
    this.#live.delete(id); // re-inserted last: a Map iterates in insertion order
    this.#live.set(id, state);
    if (this.#live.size > LIVE_CACHE_SIZE) {
      const oldest = this.#live.keys().next();
      if (!oldest.done) this.#live.delete(oldest.value);
    }
    return state;
  }

  #sharingRef(id: string, state: LiveState): LiveState {
    const link = state.record.provider;
    if (!link) return state;
    const known = this.#tracked.get(id);
    if (known === link.ref) return state;
    if (!known || !sameRef(known, link.ref)) {
      this.#tracked.set(id, link.ref); // the first, or a new handle (a new conversation): shared from now on
      return state;
    }
    return { ...state, record: { ...state.record, provider: { ...link, ref: known } } };
  }
}

/** A load from the store in flight; `stale` once the handover's cached state changed meanwhile. */
interface LoadTicket {
  stale: boolean;
}

/** Equal handles: the same kind and the same data, field by field (values compared with `===`). */
function sameRef(a: ProviderRef, b: ProviderRef): boolean {
  if (a.kind !== b.kind) return false;
  const keys = Object.keys(a.data);
  if (keys.length !== Object.keys(b.data).length) return false;
  return keys.every((k) => Object.hasOwn(b.data, k) && a.data[k] === b.data[k]);
}
