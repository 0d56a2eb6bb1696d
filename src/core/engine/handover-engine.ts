// The engine: what keeps live handovers moving in this process. It owns the parts — the unit of
// work (HandoverUnits), the provider sessions, the outbound sender, the closer, the idle sweeper —
// and is the only place they meet: each part reports an outcome (a commit, a refusal, a lost stream)
// and the engine decides what follows. No part calls another sideways.
//
// Several instances on one database (issue 14): the engine keeps live only the handovers this
// instance owns (Ownership, lease-keeper.ts). The keeper adopts and drops them; the engine attaches
// and detaches. A change another instance committed (an API call it answered) wakes the owner
// through the notifier (`remote`): the owner re-reads the handover and sends, or closes it.
import { silentEngineObserver, type EngineObserver } from '../ports/engine-observer.ts';
import { noTracer, type Tracer } from '../ports/tracer.ts';
import { GatewayError } from '../errors.ts';
import { isTerminal, type EndReason, type Failure } from '../model/handover.ts';
import type { EndpointPolicy } from '../model/endpoint-policy.ts';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { EventNotifier, Unsubscribe } from '../ports/notifier.ts';
import type { OwnerNotes } from '../ports/owner-notes.ts';
import type { HandoverProvider, ProviderEvent, ProviderRef } from '../ports/provider.ts';
import type { Random, Scheduler } from '../ports/scheduler.ts';
import type { HandoverRecord, ParkedEvent, ParkedEventRepository, Store } from '../ports/store/index.ts';
import type { BackoffPolicy } from '../retry/backoff.ts';
import { retry } from '../retry/retry.ts';
import { ActivityMonitor, type ActivityLimits, type Expiry } from './activity-monitor.ts';
import { Closer } from './closer.ts';
import { errorCode, retryableProviderError, toFailure } from './errors.ts';
import { HandoverUnits, type Committed, type Known } from './handover-units.ts';
import { IdleSweeper } from './idle-sweeper.ts';
import { SOLE_OWNERSHIP, type Ownership } from './lease-keeper.ts';
import { OutboundSender } from './outbound-sender.ts';
import { EventParking } from './event-parking.ts';
import { ProviderSession, type ProviderSessionDeps } from './provider-session.ts';
import { settlesWithin } from './settles-within.ts';
import { sharedString } from '../text/shared-string.ts';
import { InFlightLimit } from '../concurrency/in-flight-limit.ts';

/** Genesys guidance: send a typing pulse at most once every 3 s (protocol §5.7). */
export const TYPING_THROTTLE_MS = 3000;

/**
 * Sessions reading their provider at once (provider-session.ts `catchUps`). Well under the units'
 * cache of 1,000 states, so a catch-up's state stays cached from its first unit to its last; above
 * the guest-chat client's 32 REST calls in flight, so the calls are never what waits for a slot.
 * Measured with 10,000 chats re-attaching after a kill -9: 19.5 / 18.1 → 15.6 / 15.7 s to deliver
 * everything written while down (bench/README.md, round nine).
 */
const CATCH_UPS_AT_ONCE = 64;

/** The unended handovers as read at one moment, and how many units had committed just before. */
export interface UnendedList {
  readonly records: readonly HandoverRecord[];
  readonly commitsBefore: number;
}

/** The engine's limits and retry policies; every field has a documented default (docs/reliability.md). */
export interface EngineLimits {
  /** How often inactivity and session limits are checked, ms. Default 1,000. */
  readonly sweepIntervalMs: number;
  /** A requested end waits this long for the customer's pending messages to be sent, ms. Default 10,000. */
  readonly flushOnEndMs: number;
  /** A failure end (stream lost) waits this long for a last read of the provider, ms. Default 10,000. */
  readonly lastReadMs: number;
  /**
   * Creating the provider conversation is retried this long (a 5xx, a 429, an open circuit breaker
   * waiting for its trial) before the handover fails, ms. Default 60,000.
   */
  readonly startTimeoutMs: number;
  /** Provider calls: start, send, leave. Default 250 ms doubling to 15 s; Retry-After honoured up to 60 s. */
  readonly providerRetry: BackoffPolicy;
  /** A failing catch-up, retried while the handover lives. Default 250 ms doubling to 30 s. */
  readonly catchUpRetry: BackoffPolicy;
  /**
   * Commits of one provider event (with `catchUpRetry` between them) before it is parked, when the
   * deps name a parked-events store (event-parking.ts). Default 5.
   */
  readonly parkAfterAttempts: number;
}

export const DEFAULT_ENGINE_LIMITS: EngineLimits = {
  sweepIntervalMs: 1_000,
  flushOnEndMs: 10_000,
  lastReadMs: 10_000,
  startTimeoutMs: 60_000,
  providerRetry: { initialDelayMs: 250, maxDelayMs: 15_000, maxRetryAfterMs: 60_000 },
  catchUpRetry: { initialDelayMs: 250, maxDelayMs: 30_000, maxRetryAfterMs: 60_000 },
  parkAfterAttempts: 5,
};

export interface HandoverEngineDeps {
  readonly store: Pick<Store, 'handovers' | 'transcript'>;
  readonly endpoint: (endpointId: string) => EndpointPolicy | undefined;
  readonly provider: (endpointId: string) => HandoverProvider | undefined;
  readonly notifier: EventNotifier;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly scheduler: Scheduler;
  readonly random: Random;
  readonly logger: Logger;
  readonly limits?: Partial<EngineLimits>;
  /** Which handovers this instance owns. Default: all of them (one instance). */
  readonly ownership?: Ownership;
  /** Several instances: a typing pulse for a handover owned elsewhere goes to its owner. */
  readonly ownerNotes?: OwnerNotes;
  /** Metrics of reconnects, catch-ups and relay latency. Default: none. */
  readonly observer?: EngineObserver;
  /** Spans of provider sends and events; trace contexts kept with messages. Default: none. */
  readonly tracer?: Tracer;
  /**
   * Where a provider event that keeps failing to commit is parked (event-parking.ts), and who hears
   * of it (a metric). Absent: such an event is retried for as long as the handover lives.
   */
  readonly parking?: {
    readonly store: Pick<ParkedEventRepository, 'park'>;
    readonly onParked?: (event: ParkedEvent) => void;
  };
}

export class HandoverEngine {
  readonly units: HandoverUnits;
  readonly #d: HandoverEngineDeps;
  readonly #limits: EngineLimits;
  readonly #sender: OutboundSender;
  readonly #closer: Closer;
  readonly #activity: ActivityMonitor;
  readonly #sweeper: IdleSweeper;
  readonly #sessions = new Map<string, ProviderSession>();
  #sessionDeps: ProviderSessionDeps | undefined;
  readonly #bringingUp = new Map<string, Promise<void>>();
  readonly #typingAt = new Map<string, number>();
  /** Idle limits per endpoint: one object each, shared by its handovers. */
  readonly #limitsByEndpoint = new Map<string, ActivityLimits>();
  /** Owned handovers' subscriptions to changes committed by other instances. */
  readonly #remote = new Map<string, Unsubscribe>();
  readonly #ownership: Ownership;
  readonly #stop = new AbortController();
  readonly #parking: EventParking | undefined;
  #accepting = true;
  #stopping: Promise<void> | undefined;

  constructor(deps: HandoverEngineDeps) {
    this.#d = deps;
    this.#limits = { ...DEFAULT_ENGINE_LIMITS, ...deps.limits };
    this.#ownership = deps.ownership ?? SOLE_OWNERSHIP;
    const ownership = this.#ownership;
    const { scheduler, random, clock, logger } = deps;
    const tracer = deps.tracer ?? noTracer;
    this.#parking = deps.parking
      ? new EventParking({
          store: deps.parking.store,
          attempts: this.#limits.parkAfterAttempts,
          policy: this.#limits.catchUpRetry,
          clock,
          scheduler,
          random,
          logger,
          ...(deps.parking.onParked ? { onParked: deps.parking.onParked } : {}),
        })
      : undefined;
    this.units = new HandoverUnits({
      store: deps.store,
      clock,
      ids: deps.ids,
      webhookOf: (endpointId) => deps.endpoint(endpointId)?.webhook ?? false,
      onCommitted: (c) => this.#onCommitted(c),
      fenceOf: (id) => ownership.fenceOf(id),
      onFenced: (id) => ownership.lost(id),
      traceParent: () => tracer.current(),
      beforeBuild: (draft) => this.#sender.premarkNext(draft),
    });
    this.#sender = new OutboundSender({
      units: this.units,
      clock,
      transcript: deps.store.transcript,
      providerOf: deps.provider,
      scheduler,
      random,
      logger,
      policy: this.#limits.providerRetry,
      onRefused: (id, failure, over) => void this.#onSendRefused(id, failure, over),
      mayAct: (id) => ownership.mayAct(id),
      observer: deps.observer ?? silentEngineObserver,
      tracer,
    });
    this.#closer = new Closer({
      units: this.units,
      sender: this.#sender,
      providerOf: deps.provider,
      catchUp: (id, provider, ref) => this.#sessionFor(id, provider, ref).catchUpNow(),
      clock,
      scheduler,
      random,
      logger,
      policy: this.#limits.providerRetry,
      signal: this.#stop.signal,
      flushMs: this.#limits.flushOnEndMs,
      lastReadMs: this.#limits.lastReadMs,
      mayAct: (id) => ownership.mayAct(id),
    });
    this.#activity = new ActivityMonitor(this.#limits.sweepIntervalMs);
    this.#sweeper = new IdleSweeper({
      activity: this.#activity,
      clock,
      scheduler,
      intervalMs: this.#limits.sweepIntervalMs,
      onDue: (expiry) => this.#endIdle(expiry),
    });
  }

  /** False once shutdown began: the API answers 503 SHUTTING_DOWN. */
  get accepting(): boolean {
    return this.#accepting;
  }

  /** Handovers with a live provider session in this process. */
  get liveCount(): number {
    return this.#sessions.size;
  }

  /** Whether this instance owns the handover (always, for one instance alone). */
  owns(id: string): boolean {
    return this.#ownership.owns(id);
  }

  /**
   * Brings a handover up: creates the provider conversation if needed, attaches, catches up. With
   * several instances, one not owned here is claimed first (the keeper adopts it when won).
   */
  activate(handoverId: string, known?: Known): void {
    // Kept by several maps for the chat's life: one copy of the id for all (shared-string.ts).
    const id = sharedString(handoverId);
    if (this.#bringingUp.has(id) || this.#sessions.has(id) || !this.#accepting) return;
    if (!this.#ownership.owns(id)) {
      this.#ownership.request(id);
      return;
    }
    this.units.track(id, known);
    this.#followRemote(id);
    // Held in memory until it is up: its units are spread over the provider's create and attach.
    this.units.hold(id);
    const started = this.#bringUp(id)
      .catch((err: unknown) => {
        if (!this.#stop.signal.aborted)
          this.#d.logger.error({ handoverId: id, code: errorCode(err) }, 'handover could not be brought up');
      })
      .finally(() => {
        this.#bringingUp.delete(id);
        this.units.release(id);
      });
    this.#bringingUp.set(id, started);
  }

  /**
   * After a restart: every handover not yet ended comes back up (closing ones finish closing). With
   * several instances, the lease keeper brings up this instance's share instead (`all: false`).
   */
  async resume(options: { all?: boolean; unended?: UnendedList } = {}): Promise<number> {
    if (options.all === false) {
      this.#sweeper.start();
      return 0;
    }
    // `unended`: the list the caller already read at start-up (one read of every record, not two —
    // issue 12). It may be a moment old: a handover created since was brought up by its own start,
    // and one changed since (an end, a message) is read again by its bring-up, which skips an ended
    // one. When nothing changed, each record is handed on and not read again.
    const list = options.unended ?? (await this.listUnended());
    const fresh = this.units.commits === list.commitsBefore;
    for (const record of list.records) this.activate(record.handover.id, fresh ? { record } : undefined);
    this.#sweeper.start();
    return list.records.length;
  }

  /** Every unended handover, for `resume` (and whoever else needs them at start-up). */
  async listUnended(): Promise<UnendedList> {
    const commitsBefore = this.units.commits;
    return { records: await this.#d.store.handovers.listUnended(), commitsBefore };
  }

  /**
   * Asks a handover to end (the bot's /end, an idle limit): persists the request, then closes it
   * (closer.ts). Resolves when the handover has ended — the caller bounds the wait.
   */
  async requestEnd(id: string, reason: EndReason, notice?: string): Promise<void> {
    const owned = this.#ownership.owns(id);
    await this.units.run(
      id,
      (d) => {
        if (isTerminal(d.handover.state) || d.handover.closing) return;
        d.apply({ kind: 'end_requested', reason, at: d.now });
        if (notice) d.appendOutbound([notice], 'notice');
      },
      { anyInstance: !owned },
    );
    // Another instance owns it: woken by this commit, it closes the chat; wait for the end here.
    if (!owned) return this.#endedElsewhere(id);
    const bringingUp = this.#bringingUp.get(id);
    if (bringingUp) await bringingUp; // a conversation being created is left properly, not orphaned
    await this.#closer.close(id);
  }

  /**
   * Events a provider pushed to the gateway for one handover (its webhook). `committed`: they are
   * stored — answer the provider 2xx. `ignored`: the handover is not this endpoint's, unknown or
   * over — answer 2xx too (a retry could never succeed). `not-ready`: this process has no session
   * for it yet (its conversation is being created, the gateway is starting or stopping) — the
   * provider should deliver again. Rejects with NotCommittedError (and store errors) when the
   * events could not be committed: the provider should deliver again.
   */
  async acceptPushed(
    endpointId: string,
    id: string,
    events: readonly ProviderEvent[],
  ): Promise<'committed' | 'ignored' | 'not-ready'> {
    if (!(await this.#takesPushes(endpointId, id))) return 'ignored';
    const session = this.#sessions.get(id);
    if (!session || !this.#accepting) return 'not-ready';
    await session.push(events);
    return 'committed';
  }

  /**
   * A pushed call for this handover could not be read (ports/provider.ts `unread`): its session
   * reads the handover once the provider has given up delivering it, unless the messages were
   * committed by then. Only the owner has a session; another instance does nothing here (the
   * owner's next catch-up, or a later message's gap, finds them). Never rejects.
   */
  async owePushed(endpointId: string, id: string, providerMessageIds: readonly string[]): Promise<void> {
    const session = this.#sessions.get(id);
    if (!session) return;
    try {
      if (await this.#takesPushes(endpointId, id)) session.owe(providerMessageIds);
    } catch (err) {
      // The store failed: the call is answered 503 all the same, and Genesys delivers it again.
      this.#d.logger.warn({ handoverId: id, code: errorCode(err) }, 'could not note an unread push');
    }
  }

  /** The handover exists, is of this endpoint and has not ended: pushes for it are taken. */
  async #takesPushes(endpointId: string, id: string): Promise<boolean> {
    const handover = (await this.units.read(id))?.record.handover;
    return handover !== undefined && handover.endpointId === endpointId && !isTerminal(handover.state);
  }

  /** The customer showed a sign of life (a message, typing, presence back). */
  noteCustomer(id: string): void {
    const now = this.#d.clock.now().getTime();
    this.#activity.customer(id, now);
    this.#activity.message(id, now);
  }

  /** Forwards a customer typing pulse, at most once per TYPING_THROTTLE_MS per handover. */
  async forwardTyping(id: string): Promise<boolean> {
    const live = await this.units.read(id);
    if (!live) throw new GatewayError('HANDOVER_NOT_FOUND');
    const { handover, provider: link } = live.record;
    if (isTerminal(handover.state)) throw new GatewayError('HANDOVER_NOT_ACTIVE');
    const provider = this.#d.provider(handover.endpointId);
    const now = this.#d.clock.now().getTime();
    const last = this.#typingAt.get(id);
    if (!link || !provider || handover.state === 'requested' || handover.closing) return false;
    if (last !== undefined && now - last < TYPING_THROTTLE_MS) return false;
    this.#typingAt.set(id, now);
    this.noteCustomer(id);
    if (this.#d.ownerNotes && !this.#ownership.owns(id)) {
      // Another instance owns it: only the owner talks to the provider (ports/owner-notes.ts).
      await this.#d.ownerNotes.tell({ kind: 'typing', handoverId: id });
      return true;
    }
    // Like a send: not once the lease may have passed to another instance (a process that woke up).
    if (!this.#ownership.mayAct(id)) return false;
    try {
      await provider.typing(link.ref, this.#stop.signal);
      return true;
    } catch (err) {
      // Typing is a hint: a failed pulse is logged, never surfaced as a failed request.
      this.#d.logger.warn({ handoverId: id, code: errorCode(err) }, 'typing pulse failed');
      return false;
    }
  }

  /**
   * Graceful stop, bounded by `budgetMs`: no new work; the sends in flight may finish (so their
   * outcome is committed); then every wait, catch-up and retry is cut, the streams close and the
   * queued units settle. Only what was read in order is persisted: an interrupted catch-up leaves the
   * cursor at its gap, an interrupted end stays `closing` — the next start resumes both.
   */
  shutdown(budgetMs = 8_000): Promise<void> {
    this.#stopping ??= (async () => {
      this.#accepting = false;
      this.#sweeper.stop();
      const { scheduler, clock } = this.#d;
      const deadline = clock.now().getTime() + budgetMs;
      const left = (): number => Math.max(0, deadline - clock.now().getTime());
      await settlesWithin(scheduler, this.#sender.pause(), left() / 2);
      this.#stop.abort(new GatewayError('SHUTTING_DOWN'));
      await settlesWithin(scheduler, this.#sender.stopAll(), left());
      await settlesWithin(
        scheduler,
        Promise.allSettled([...this.#sessions.values()].map((s) => s.close())),
        left(),
      );
      await settlesWithin(scheduler, Promise.allSettled([...this.#bringingUp.values()]), left());
      await settlesWithin(scheduler, this.units.idle(), left());
    })();
    return this.#stopping;
  }

  /**
   * Lets a handover go without ending it (its lease was lost or handed back): sending stops, the
   * provider session closes, nothing is cached. The new owner re-attaches and catches up.
   */
  async relinquish(id: string): Promise<void> {
    const bringingUp = this.#bringingUp.get(id);
    if (bringingUp) await bringingUp;
    await this.#release(id);
  }

  /** Every handover live here, let go (a graceful stop of one of several instances). */
  async relinquishAll(): Promise<void> {
    const ids = new Set([...this.#sessions.keys(), ...this.#bringingUp.keys()]);
    await Promise.allSettled([...ids].map((id) => this.relinquish(id)));
  }

  /** Safety net for a missed wake-up: re-reads owned handovers as if another instance changed them. */
  refresh(ids: readonly string[]): void {
    for (const id of ids) if (this.#sessions.has(id)) this.#onRemoteChange(id);
  }

  // ---- Several instances -------------------------------------------------------------------------

  /** Changes committed by other instances to a handover owned here wake it (notifier `remote`). */
  #followRemote(id: string): void {
    if (this.#ownership === SOLE_OWNERSHIP || this.#remote.has(id)) return;
    this.#remote.set(
      id,
      this.#d.notifier.subscribe(id, (remote) => {
        if (remote) this.#onRemoteChange(id);
      }),
    );
  }

  /** Another instance committed to a handover owned here: a customer message to send, an end to run. */
  #onRemoteChange(id: string): void {
    if (!this.#sessions.has(id) || !this.#accepting) return;
    this.units.refresh(id);
    void (async () => {
      const live = await this.units.read(id);
      if (!live || isTerminal(live.record.handover.state)) return;
      if (live.record.handover.closing) {
        void this.#closer.close(id);
        return;
      }
      await this.#trackActivity(id); // a customer message counts as activity wherever it arrived
      this.#sender.wake(id);
    })().catch((err: unknown) =>
      this.#d.logger.warn({ handoverId: id, code: errorCode(err) }, 're-reading a changed handover failed'),
    );
  }

  /** Waits until a handover owned elsewhere has ended (the caller bounds the wait). */
  #endedElsewhere(id: string): Promise<void> {
    return new Promise((resolve) => {
      let done = false;
      const check = (): void => {
        void this.units.read(id).then(
          (live) => {
            if (done || (live && !isTerminal(live.record.handover.state))) return;
            done = true;
            unsubscribe();
            timer.cancel();
            resolve();
          },
          () => undefined,
        );
      };
      const unsubscribe = this.#d.notifier.subscribe(id, check);
      // Bounded: the end may take the flush and the last read, and an owner may have to be replaced.
      const timer = this.#d.scheduler.after(
        this.#limits.flushOnEndMs + this.#limits.lastReadMs + 30_000,
        () => {
          if (done) return;
          done = true;
          unsubscribe();
          resolve();
        },
      );
      check();
    });
  }

  // ---- Bring-up ----------------------------------------------------------------------------------

  async #bringUp(id: string): Promise<void> {
    const live = await this.units.read(id);
    if (!live || isTerminal(live.record.handover.state)) return;
    const handover = live.record.handover;
    const provider = this.#d.provider(handover.endpointId);
    if (!provider) {
      await this.#terminate(id, {
        reason: 'provider_error',
        message: 'The endpoint is no longer configured.',
      });
      return;
    }
    let ref = live.record.provider?.ref;
    /** The conversation is created here and now: no stream was ever open for it. */
    let fresh = false;
    if (handover.closing) {
      // A restart in the middle of an end: finish it (no need to attach the stream for that).
      void this.#closer.close(id);
      return;
    }
    if (!ref) {
      try {
        ref = await this.#retryTransient(id, 'start', () =>
          provider.start(
            {
              handoverId: handover.id,
              endpointId: handover.endpointId,
              customer: handover.customer,
              settings: handover.settings,
              requestedAt: handover.createdAt,
            },
            this.#stop.signal,
          ),
        );
      } catch (err) {
        if (this.#stop.signal.aborted) return;
        await this.units.run(id, (d) => d.apply({ kind: 'start_failed', failure: toFailure(err) }));
        return;
      }
      const created = ref;
      fresh = true;
      // Persisted before anything else, so a restart re-attaches instead of creating a second chat.
      await this.units.run(id, (d) => d.linkProvider(created));
      if ((await this.units.read(id))?.record.handover.closing) return; // ended meanwhile: requestEnd closes it
    }
    const session = this.#sessionFor(id, provider, ref, fresh);
    try {
      // A transient failure (a timeout, a 429 or 5xx, a dropped socket: Genesys busy, e.g. with every
      // chat re-attaching after a restart) is retried like a start; a refusal ends the handover.
      await this.#retryTransient(id, 'attach', () => session.attach());
    } catch (err) {
      if (this.#stop.signal.aborted) return;
      await this.#closer.fail(
        id,
        {
          reason: 'provider_error',
          message: 'The contact-center event stream could not be opened.',
          failure: toFailure(err),
        },
        { lastRead: false },
      );
      return;
    }
    await this.#trackActivity(id);
    this.#sender.wake(id);
  }

  /**
   * A provider call that starts or attaches a chat: transient failures (5xx, 429, an open circuit, a
   * timeout) are retried with backoff for up to `startTimeoutMs`; a refusal is thrown at once.
   */
  #retryTransient<T>(handoverId: string, what: 'start' | 'attach', call: () => Promise<T>): Promise<T> {
    return retry(call, {
      policy: this.#limits.providerRetry,
      maxAttempts: Infinity,
      maxElapsed: { ms: this.#limits.startTimeoutMs, clock: this.#d.clock },
      classify: retryableProviderError,
      scheduler: this.#d.scheduler,
      random: this.#d.random,
      signal: this.#stop.signal,
      onRetry: (err, failures, delayMs) =>
        this.#d.logger.warn(
          { handoverId, code: errorCode(err), failures, delayMs },
          `${what} failed; retrying`,
        ),
    });
  }

  /** The handover's session; one without a stream when none is attached (a closing after a restart). */
  #sessionFor(id: string, provider: HandoverProvider, ref: ProviderRef, fresh = false): ProviderSession {
    let session = this.#sessions.get(id);
    if (!session) {
      // One deps object for every session (not one with two closures per live handover).
      this.#sessionDeps ??= {
        units: this.units,
        transcript: this.#d.store.transcript,
        clock: this.#d.clock,
        scheduler: this.#d.scheduler,
        random: this.#d.random,
        logger: this.#d.logger,
        policy: this.#limits.catchUpRetry,
        signal: this.#stop.signal,
        onLost: (hid, reason) => void this.#onLost(hid, reason),
        onRefused: (hid, err) => void this.#onReadRefused(hid, toFailure(err)),
        observer: this.#d.observer ?? silentEngineObserver,
        tracer: this.#d.tracer ?? noTracer,
        ...(this.#parking ? { parking: this.#parking } : {}),
        catchUps: new InFlightLimit(CATCH_UPS_AT_ONCE),
      };
      session = new ProviderSession(id, provider, ref, this.#sessionDeps, fresh);
      this.#sessions.set(id, session);
    }
    return session;
  }

  // ---- Outcomes of the parts ---------------------------------------------------------------------

  #onCommitted(c: Committed): void {
    const id = c.after.record.handover.id;
    const before = c.before.record.handover;
    const after = c.after.record.handover;
    // A change to a handover another instance owns (an API call answered here) wakes that owner.
    if (c.events.length > 0 || !this.#ownership.owns(id)) this.#d.notifier.publish(id);
    const now = this.#d.clock.now().getTime();
    for (const e of c.events) if (e.type === 'handover.agent_message') this.#activity.message(id, now);
    if (before.state !== after.state) this.#activity.agentConnected(id, after.state === 'active', now);
    if (isTerminal(after.state)) {
      if (!isTerminal(before.state) && this.#ownership.owns(id)) void this.#detach(id);
      return;
    }
    if (!this.#ownership.owns(id)) return; // the owner sends, wherever the line was written
    for (const entryId of c.attempted) this.#sender.premarked(id, entryId);
    const linked = c.after.record.provider?.ref !== c.before.record.provider?.ref;
    if (c.appendedOutbound > 0 || before.state !== after.state || linked) this.#sender.wake(id);
  }

  async #onSendRefused(id: string, failure: Failure, conversationOver: boolean): Promise<void> {
    const live = await this.units.read(id);
    if (!live || live.record.handover.closing || isTerminal(live.record.handover.state)) return;
    // A refused send may be the chat having ended a moment ago (the agent left; the events are on
    // their way): read the provider first, so the handover ends with the true reason.
    const provider = this.#d.provider(live.record.handover.endpointId);
    const ref = live.record.provider?.ref;
    if (provider && ref) {
      const read = this.#sessionFor(id, provider, ref).catchUpNow();
      if (conversationOver) {
        // The provider says so itself (e.g. Open Messaging §3.5): the end and the agent's last
        // messages are there to read. The read is awaited however slow it is (a slow Platform API,
        // the rate limit's queue) — cutting it short would end provider_error and lose those messages.
        // It is retried while the handover lives, so it is bounded by the session's own limits (an
        // idle end, a shutdown). Once it has committed the end, the refused line is reported
        // undelivered like any other after an agent-first end.
        if ((await read) === 'stopped') return;
        const after = await this.units.read(id);
        if (!after || after.record.handover.closing || isTerminal(after.record.handover.state)) return;
      } else await settlesWithin(this.#d.scheduler, read, this.#limits.lastReadMs);
    }
    await this.#closer.fail(
      id,
      { reason: 'provider_error', message: 'A message could not be delivered to the agent.', failure },
      { lastRead: false },
    );
  }

  async #onLost(id: string, reason: string | undefined): Promise<void> {
    if ((await this.units.read(id))?.record.handover.closing) return; // our own leave; the closer runs
    await this.#closer.fail(
      id,
      {
        reason: 'provider_error',
        message: `The contact-center connection was lost${reason ? `: ${reason}` : ''}.`,
      },
      { lastRead: true },
    );
  }

  async #onReadRefused(id: string, failure: Failure): Promise<void> {
    if ((await this.units.read(id))?.record.handover.closing) return; // the closer goes on without the read
    await this.#closer.fail(
      id,
      { reason: 'provider_error', message: 'The contact center refused to resume the chat.', failure },
      { lastRead: false },
    );
  }

  async #terminate(id: string, end: { reason: EndReason; message: string }): Promise<void> {
    await this.units.run(id, (d) => d.apply({ kind: 'terminate', ...end }));
  }

  async #detach(id: string): Promise<void> {
    await this.#release(id);
    this.#ownership.ended(id);
  }

  /** Forgets what this process holds for a live handover and closes its provider session. */
  async #release(id: string): Promise<void> {
    const session = this.#sessions.get(id);
    this.#sessions.delete(id);
    this.#remote.get(id)?.();
    this.#remote.delete(id);
    this.#typingAt.delete(id);
    this.#activity.forget(id);
    await this.#sender.stop(id);
    await session?.close();
    this.#parking?.forget(id);
    this.units.untrack(id);
  }

  // ---- Idle endings -----------------------------------------------------------------------------

  /** The inactivity grace or the session duration ran out. */
  async #endIdle({ handoverId, reason }: Expiry): Promise<void> {
    if (!this.#accepting) return;
    const policy = await this.#policyOf(handoverId);
    const grace = policy?.inactivityGraceMs;
    const notice =
      reason === 'customer_abandoned' && policy && grace !== undefined
        ? policy.notices.inactivity.replace('{minutes}', String(Math.round((grace / 60_000) * 10) / 10))
        : undefined;
    this.#d.logger.info({ handoverId, reason }, 'ending an idle handover');
    await this.requestEnd(handoverId, reason, notice);
  }

  /** Starts the activity clocks from the stored transcript, so a restart does not reset them. */
  async #trackActivity(id: string): Promise<void> {
    const live = await this.units.read(id);
    if (!live) return;
    const spoke = await this.#d.store.transcript.speakerTimes(id);
    const created = Date.parse(live.record.handover.createdAt);
    const last = (pred: (role: string) => boolean): number =>
      spoke.reduce((max, l) => (pred(l.role) ? Math.max(max, Date.parse(l.at)) : max), created);
    const endpointId = live.record.handover.endpointId;
    const limits = this.#limitsOf(endpointId);
    if (!limits) return; // the endpoint is no longer configured: the bring-up ends it
    this.#activity.track(
      id,
      limits,
      last((r) => r === 'customer' || r === 'agent'),
      last((r) => r === 'customer'),
    );
    this.#activity.agentConnected(id, live.record.handover.state === 'active', this.#d.clock.now().getTime());
  }

  /** Read when an idle limit runs out (rarely): not kept per live handover (issue 12, heap per handover). */
  async #policyOf(id: string): Promise<EndpointPolicy | undefined> {
    const endpointId = (await this.units.read(id))?.record.handover.endpointId;
    return endpointId === undefined ? undefined : this.#d.endpoint(endpointId);
  }

  #limitsOf(endpointId: string): ActivityLimits | undefined {
    const cached = this.#limitsByEndpoint.get(endpointId);
    if (cached) return cached;
    const p = this.#d.endpoint(endpointId);
    if (!p) return undefined;
    const limits: ActivityLimits = {
      sessionDurationMs: p.sessionDurationMs,
      ...(p.inactivityGraceMs === undefined ? {} : { inactivityGraceMs: p.inactivityGraceMs }),
    };
    this.#limitsByEndpoint.set(endpointId, limits);
    return limits;
  }
}
