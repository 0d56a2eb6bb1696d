// One handover's live connection to its provider conversation, and the ordering invariant of the
// agent → bot direction: an agent event is committed only in provider order.
//
// The session is either LIVE (in sync: each stream event is committed as it arrives, one after the
// other) or SYNCING (after a (re)connect, a `resync`, or a failed commit: events may have been missed,
// so a catch-up reads history from the cursor). While syncing, live events are held in a buffer, not
// committed: a live event never overtakes an unread gap (issue 8, defects 1 and 4). When the catch-up
// has read everything, the buffer is applied — a buffered stream message not found in history is
// newer than all of it; one found is a duplicate and skipped — and the session is live again.
// Participant events from the buffer are only hints: the provider is read once more instead (the
// read is the truth).
//
// A failing catch-up is retried with backoff for as long as the session lives; nothing is committed
// past the gap meanwhile, so a shutdown or a crash at any point leaves the cursor at the gap.
//
// Pushed events (a provider's webhook, Open Messaging §4.5) take the same way in, and their caller
// learns when they are committed: the route answers the provider 2xx only then, so a crash before
// the commit makes the provider deliver again. A pushed event held during a catch-up settles when
// that catch-up is done (it is in the history the catch-up read, or in the buffer it applied). For a
// provider whose events arrive out of order, every event first waits in a reorder pen; a pushed
// message that names the message before it (`follows`: carried, or named by the provider's `place`
// for everything the pen releases together) is committed only after that one — live, or from the
// buffer (pushed-order.ts: the catch-up's read may be older than the push) — and a missing one is a
// gap, read by a catch-up like any other.
import type { EngineObserver } from '../ports/engine-observer.ts';
import type { Tracer } from '../ports/tracer.ts';
import { childController, releaseChild } from '../concurrency/stop-fanout.ts';
import type { InFlightLimit } from '../concurrency/in-flight-limit.ts';
import type { Logger } from '../ports/logger.ts';
import type {
  AttachmentHandlers,
  Connection,
  AttachmentState,
  HandoverProvider,
  ProviderEvent,
  ProviderRef,
} from '../ports/provider.ts';
import type { Random, Scheduler, TimerHandle } from '../ports/scheduler.ts';
import { sleep } from '../ports/scheduler.ts';
import type { Clock } from '../ports/clock.ts';
import type { TranscriptRepository } from '../ports/store/index.ts';
import type { BackoffPolicy } from '../retry/backoff.ts';
import { retryDelay } from '../retry/backoff.ts';
import { applyInOrder, catchUp, type CatchUpContext } from './catch-up.ts';
import { errorCode, isPermanentProviderError, retryableProviderError } from './errors.ts';
import { inPushedOrder } from './pushed-order.ts';
import { ReorderPen } from './reorder-pen.ts';
import type { EventParking } from './event-parking.ts';
import type { HandoverUnits } from './handover-units.ts';
import type { ProviderError } from '../ports/provider.ts';

/** The start of every session's chain of live commits (one shared settled promise). */
const SETTLED: Promise<void> = Promise.resolve();

/** Events held while syncing; past this, the buffer is dropped and the catch-up reads once more. */
const MAX_BUFFERED = 1_000;
/** Pushed message ids a session remembers as committed (newest), to answer a redelivery at once. */
const RECENT_PUSHED = 32;
/** Refused pushed messages a session looks for later (`owe`); past this, they are not listed. */
const MAX_OWED = 256;

export type CatchUpOutcome = 'done' | 'refused' | 'stopped';

/** A pushed event could not be committed (the session stopped, the provider refused a read). */
export class NotCommittedError extends Error {
  constructor(reason: string) {
    super(`The event was not committed: ${reason}.`);
    this.name = 'NotCommittedError';
  }
}

interface Arrival {
  readonly event: ProviderEvent;
  /** Pushed to the gateway (the caller waits for the commit), not from the attachment. */
  readonly pushed: boolean;
}

/** The provider's word on what pushed messages follow (ProviderWebhook.place), shared by a batch. */
type Placing = Promise<ReadonlyMap<string, string>>;

/**
 * What became of an event on its way in. Held: waiting for the catch-up — `committed` settles when
 * it ends (a pushed event's caller waits for it). Shed: held, and dropped with a full buffer.
 */
type Taken = 'committed' | 'dropped' | 'stopped' | 'shed' | { readonly committed: Promise<void> };

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

export interface ProviderSessionDeps {
  readonly units: HandoverUnits;
  readonly transcript: Pick<TranscriptRepository, 'hasProviderMessage'>;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly random: Random;
  readonly logger: Logger;
  /** Backoff of a failing catch-up (retried without limit while the session lives). */
  readonly policy: BackoffPolicy;
  /** The engine's stop signal (shutdown). */
  readonly signal: AbortSignal;
  /** The stream stayed down past the provider's grace: the conversation is gone. */
  readonly onLost: (handoverId: string, reason: string | undefined) => void;
  /** The provider refused to be read (4xx): the handover cannot go on. */
  readonly onRefused: (handoverId: string, err: ProviderError) => void;
  /** Counts reconnects and catch-ups (metrics). */
  readonly observer: Pick<EngineObserver, 'streamReconnecting' | 'catchUpStarted'>;
  /** An event from the live stream starts a trace: its webhook delivery continues it. */
  readonly tracer: Tracer;
  /** Parks an event that keeps failing to commit (event-parking.ts); absent: it is retried for ever. */
  readonly parking?: EventParking;
  /**
   * The catch-ups of all sessions, a few at a time (shared by the engine's sessions). After a
   * restart every session catches up at once; interleaved, 10,000 catch-ups evicted each other's
   * state from the units' cache between their four units (each unit read the handover again: a
   * quarter of the main thread). In turns, each runs its units back to back.
   */
  readonly catchUps: InFlightLimit;
}

export class ProviderSession implements AttachmentHandlers {
  readonly id: string;
  readonly #provider: HandoverProvider;
  readonly #ref: ProviderRef;
  readonly #d: ProviderSessionDeps;
  /**
   * Follows the engine's stop signal through a registry: no listener per session on it. Its signal
   * is read only by work that can be cut short (a catch-up's calls and pauses): on Node 20 a
   * controller is ~64 B until its `signal` is first read, then ~0.7 KiB more — for every live chat
   * whose session never catches up (issue 12, heap per chat; bench/README.md "Allocation,
   * survivors, the session's signal and ids"). Made when first needed, too: a live chat that never
   * catches up (a fresh guest chat goes live without) holds neither the controller nor its entry in
   * the registry (~0.07 KiB).
   */
  #abort: AbortController | undefined;
  /** close() was called (the engine's stop signal is the other way a session stops). */
  #closed = false;
  /** The attach in progress has a controller of its own, aborted by a close meanwhile. */
  #attaching: AbortController | undefined;
  #attachment: Connection | undefined;
  #syncing = true;
  /** Made when an event is first held: a live, idle session holds none (issue 12, heap per chat). */
  #buffer: Arrival[] | undefined;
  #overflowed = false;
  #again = false;
  #catchingUp: Promise<CatchUpOutcome> | undefined;
  /** Live commits, one after the other in arrival order. */
  #chain: Promise<unknown> = SETTLED;
  /** Pushed events held during a catch-up: settled when it ends. */
  #waiters: Waiter[] | undefined;
  /**
   * Pushed messages on their way in (the window, the commit), by provider message id: a call the
   * provider sends again — its first answer came after the provider's deadline (Open Messaging
   * §4.5: retried 5 s later) — joins the first instead of going the whole way again. Under a
   * backlog nearly every agent message came twice (bench/README.md, round fifteen).
   */
  #pushing: Map<string, Promise<void>> | undefined;
  /** The newest pushed message ids committed here (at most RECENT_PUSHED): a later redelivery is done. */
  #pushed: Set<string> | undefined;
  /** Pushed messages refused here, to look for once the provider stopped delivering them (`owe`). */
  #owed: Set<string> | undefined;
  #owedCheck: TimerHandle | undefined;
  readonly #pen: ReorderPen<Arrival> | undefined;
  /**
   * The conversation was created for this session and its provider keeps it quiet until the first
   * attachment (`quietUntilAttached`): the first open has no gap to read.
   */
  #fresh: boolean;

  constructor(
    id: string,
    provider: HandoverProvider,
    ref: ProviderRef,
    deps: ProviderSessionDeps,
    /** Created just now by this process (not loaded from the store): no stream was ever open for it. */
    created = false,
  ) {
    this.id = id;
    this.#fresh = created && provider.quietUntilAttached === true;
    this.#provider = provider;
    this.#ref = ref;
    this.#d = deps;
    const windowMs = provider.webhook?.reorderWindowMs ?? 0;
    this.#pen =
      windowMs > 0
        ? new ReorderPen<Arrival>(windowMs, deps, (batch) => this.#releaseBatch(batch))
        : undefined;
  }

  /** The session's controller (see #abort), made now if it was not yet; aborted at once after close. */
  #abortController(): AbortController {
    let abort = this.#abort;
    if (!abort) {
      abort = this.#abort = childController(this.#d.signal);
      if (this.#closed) this.#release(abort);
    }
    return abort;
  }

  #release(abort: AbortController): void {
    releaseChild(this.#d.signal, abort);
    abort.abort(new Error('session closed'));
  }

  /**
   * Opens the live stream; its first `open` starts the first catch-up (which also queues the chat) —
   * or, for a fresh conversation, only queues the chat: nothing can have happened before that open.
   */
  async attach(): Promise<void> {
    // Its own controller: the attach's signal governs the attach only (ports/provider.ts), so the
    // session's is not read for it. Following the engine's stop signal like the session's.
    const attaching = childController(this.#d.signal);
    if (this.#closed) attaching.abort(new Error('session closed'));
    this.#attaching = attaching;
    try {
      // The session is its own handler object: prototype methods, no closures per live handover.
      this.#attachment = await this.#provider.attach(this.#ref, this, attaching.signal);
    } finally {
      this.#attaching = undefined;
      releaseChild(this.#d.signal, attaching);
    }
  }

  /** AttachmentHandlers: an event from the attachment, taken in order (never rejects). */
  onEvent(event: ProviderEvent): Promise<void> {
    // Typing is a hint, not worth a trace; a message or a participant change starts one.
    if (event.type === 'typing') return this.#admit({ event, pushed: false }).catch(() => undefined);
    return this.#d.tracer
      .inSpan(
        'event from Genesys',
        {
          parent: null,
          attributes: {
            'handover.id': this.id,
            'genesys_handover.provider': this.#provider.kind,
            'genesys_handover.event': event.type,
          },
        },
        () => this.#admit({ event, pushed: false }),
      )
      .catch(() => undefined);
  }

  /** AttachmentHandlers: the attachment (re)opened, must resync, is reconnecting or was lost. */
  onState(state: AttachmentState, detail?: { reason?: string }): void {
    this.#onState(state, detail?.reason);
  }

  /**
   * Events the provider pushed to the gateway for this handover, in the order given. Resolves once
   * all are committed (duplicates count as committed); rejects with NotCommittedError otherwise.
   */
  async push(events: readonly ProviderEvent[]): Promise<void> {
    await Promise.all(events.map((event) => this.#pushOne(event)));
  }

  #pushOne(event: ProviderEvent): Promise<void> {
    if (event.type !== 'message') return this.#admit({ event, pushed: true });
    const id = event.providerMessageId;
    if (this.#pushed?.has(id) === true) return Promise.resolve();
    const pending = this.#pushing?.get(id);
    if (pending) return pending;
    const admitted = this.#admit({ event, pushed: true });
    const pushing = (this.#pushing ??= new Map());
    pushing.set(id, admitted);
    const settled = (committed: boolean): void => {
      pushing.delete(id);
      if (pushing.size === 0 && this.#pushing === pushing) this.#pushing = undefined;
      if (committed) this.#rememberPushed(id);
      else this.owe([id]);
    };
    admitted.then(
      () => settled(true),
      () => settled(false),
    );
    return admitted;
  }

  #rememberPushed(id: string): void {
    const pushed = (this.#pushed ??= new Set());
    pushed.add(id);
    const oldest = pushed.values().next(); // a Set iterates in insertion order
    if (pushed.size > RECENT_PUSHED && oldest.done !== true) pushed.delete(oldest.value);
  }

  /**
   * Pushed messages the gateway could not take (a call refused: its read or its commit failed). The
   * provider delivers them again for a while (`redeliveryMs`); should every delivery fail, only a
   * catch-up finds them, and nothing may call for one — no later message shows the gap, when they
   * were the chat's last. So once that time has passed, the session catches up unless they were
   * committed meanwhile. One check per session at a time; messages refused meanwhile join it.
   */
  owe(providerMessageIds: readonly string[]): void {
    const horizonMs = this.#provider.webhook?.redeliveryMs;
    if (horizonMs === undefined || providerMessageIds.length === 0 || this.#stopped()) return;
    const owed = (this.#owed ??= new Set());
    // Past the bound, an empty id stands for "more than listed": the check then reads in any case.
    for (const id of providerMessageIds) owed.add(owed.size < MAX_OWED ? id : '');
    this.#owedCheck ??= this.#d.scheduler.after(horizonMs, () => void this.#checkOwed());
  }

  async #checkOwed(): Promise<void> {
    const owed = this.#owed ?? new Set<string>();
    this.#owed = undefined;
    this.#owedCheck = undefined;
    if (this.#stopped() || !(await this.#anyMissing(owed)) || this.#stopped()) return;
    this.#d.logger.info(
      { handoverId: this.id },
      'a pushed message the provider stopped delivering is not committed; catching up',
    );
    void this.#requestCatchUp();
  }

  /** Whether any of these pushed messages is not committed (or the store cannot say). */
  async #anyMissing(ids: ReadonlySet<string>): Promise<boolean> {
    try {
      for (const id of ids) {
        if (id === '') return true;
        if (this.#pushed?.has(id) !== true && !(await this.#has(id))) return true;
      }
      return false;
    } catch {
      return true; // read the provider, as when one is missing
    }
  }

  get live(): boolean {
    return !this.#syncing;
  }

  /**
   * A complete catch-up now (the last read before an end, or after a refused send): joins a running
   * one and makes it read once more, so everything up to this call is read when it resolves.
   */
  catchUpNow(): Promise<CatchUpOutcome> {
    return this.#requestCatchUp();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#owedCheck?.cancel();
    if (this.#abort) this.#release(this.#abort);
    this.#attaching?.abort(new Error('session closed'));
    this.#pen?.flush(); // releases into a stopped session: pushed events are refused, not left hanging
    this.#settleWaiters('stopped');
    this.#buffer = undefined;
    const attachment = this.#attachment;
    this.#attachment = undefined;
    await attachment?.close().catch(() => undefined);
    await this.#catchingUp;
  }

  /** Without reading the session's signal (see #abort): closed, or the engine is stopping. */
  #stopped(): boolean {
    return this.#closed || this.#d.signal.aborted;
  }

  #admit(arrival: Arrival): Promise<void> {
    return this.#pen ? this.#pen.admit(arrival) : this.#onEvent(arrival, this.#place([arrival]));
  }

  /** Events out of the reorder pen, in order; their pushed messages are placed by one provider call. */
  #releaseBatch(arrivals: readonly Arrival[]): Promise<void>[] {
    const placing = this.#place(arrivals);
    return arrivals.map((arrival) => this.#onEvent(arrival, placing));
  }

  /**
   * Asks the provider what the pushed messages among these follow, all in one call (`place`): for
   * Open Messaging a conversation read, of which Genesys allows 300 a minute per client (§1.4).
   * Undefined when no message needs it, or when they will be held for a catch-up anyway.
   */
  #place(arrivals: readonly Arrival[]): Placing | undefined {
    const place = this.#placer();
    if (place === undefined || this.#stopped() || this.#syncing) return undefined;
    const ids = arrivals.flatMap(({ event, pushed }) =>
      pushed && event.type === 'message' && event.follows === undefined ? [event.providerMessageId] : [],
    );
    if (ids.length === 0) return undefined;
    const placing = place(ids);
    // Each commit awaits it; when a gap opened meanwhile, none does: not an unhandled rejection.
    placing.catch(() => undefined);
    return placing;
  }

  /**
   * Takes an event in order: committed live, or held for the catch-up reading the gap. For an event
   * from the attachment, settles once taken (a held one does not hold up the stream); for a pushed
   * one, once committed — after the catch-up, when it was held.
   */
  #onEvent(arrival: Arrival, placing?: Placing): Promise<void> {
    if (this.#stopped())
      return arrival.pushed ? Promise.reject(new NotCommittedError('stopped')) : Promise.resolve();
    const taken: Promise<Taken> = this.#syncing
      ? Promise.resolve(this.#hold(arrival))
      : this.#chain.then(() => this.#commitLive(arrival, placing));
    this.#link(taken);
    if (!arrival.pushed) return taken.then(() => undefined);
    return taken.then((t) => {
      if (typeof t === 'object') return t.committed;
      if (t === 'committed' || t === 'dropped') return undefined;
      throw new NotCommittedError(t === 'shed' ? 'too many events held' : 'stopped');
    });
  }

  #onState(state: AttachmentState, reason: string | undefined): void {
    if (this.#stopped()) return;
    if (state === 'open' && this.#fresh) this.#openFresh();
    else if (state === 'open' || state === 'resync') void this.#requestCatchUp();
    else if (state === 'reconnecting') {
      this.#syncing = true;
      this.#d.observer.streamReconnecting(this.#provider.kind);
    } else if (state === 'lost') this.#d.onLost(this.id, reason);
  }

  async #commitLive(arrival: Arrival, placing: Placing | undefined): Promise<Taken> {
    const { event } = arrival;
    if (this.#stopped()) return 'stopped';
    if (this.#syncing) return this.#hold(arrival); // a gap opened while this event waited its turn
    try {
      let follows = event.type === 'message' ? event.follows : undefined;
      if (event.type === 'message' && follows === undefined && placing !== undefined) {
        // Awaited only when asked: an extra turn for every live event would let our own echo come
        // after its send's answer (then it is looked up in the transcript, store-calls.test.ts).
        follows = (await placing).get(event.providerMessageId);
        if (!this.live) return this.#hold(arrival); // a gap opened while the provider placed it
      }
      if (follows !== undefined && !(await this.#has(follows))) {
        // Pushed out of order by more than the reorder window (a late or lost call): the message
        // before it is not read yet — a gap. The catch-up reads both, in the provider's order.
        this.#d.logger.info(
          { handoverId: this.id },
          'a pushed message came before the one it follows; catching up',
        );
        const held = this.#hold(arrival);
        void this.#requestCatchUp();
        return held;
      }
      await applyInOrder(this.#context(), [event], 'index');
      return 'committed';
    } catch (err) {
      if (this.#stopped()) return 'stopped';
      // Not committed: it is after the cursor, so the catch-up reads it again — or, when its read
      // does not list it yet, applies it from the buffer (typing aside).
      this.#d.logger.warn(
        { handoverId: this.id, code: errorCode(err) },
        'committing a live event failed; catching up',
      );
      const held = this.#hold(arrival);
      void this.#requestCatchUp();
      return held;
    }
  }

  /**
   * The provider message is committed (or the cursor is on it: read, though it carried nothing). The
   * cursor first: in order, the message a pushed one follows is the last one committed, and the
   * cursor is in memory while the transcript is a read.
   */
  async #has(providerMessageId: string): Promise<boolean> {
    if ((await this.#d.units.read(this.id))?.record.provider?.cursor === providerMessageId) return true;
    return this.#d.transcript.hasProviderMessage(this.id, providerMessageId);
  }

  #hold(arrival: Arrival): Taken {
    if (arrival.event.type === 'typing') return 'dropped'; // a hint that is stale by the time the gap is read
    if (this.#buffer && this.#buffer.length >= MAX_BUFFERED) {
      // The catch-up reads once more instead: what was dropped here is in the provider's history.
      // Pushed events among them are refused, not answered with the catch-up: its read may be older
      // than they are (pushed-order.ts), and the provider delivers a refused one again.
      this.#buffer = undefined;
      this.#overflowed = true;
      this.#rejectWaiters(new NotCommittedError('too many events held'));
      return 'shed';
    }
    (this.#buffer ??= []).push(arrival);
    return { committed: arrival.pushed ? this.#waiter() : SETTLED };
  }

  /** Settles when the catch-up ends (#settleWaiters), or rejects when the buffer is shed. */
  #waiter(): Promise<void> {
    const waiter = new Promise<void>((resolve, reject) => (this.#waiters ??= []).push({ resolve, reject }));
    waiter.catch(() => undefined); // its caller takes it a turn later (#onEvent)
    return waiter;
  }

  /** Pushed events held during the catch-up that just ended: committed with it, or not at all. */
  #settleWaiters(outcome: CatchUpOutcome): void {
    if (outcome !== 'done')
      return this.#rejectWaiters(
        new NotCommittedError(outcome === 'refused' ? 'the provider refused a read' : 'stopped'),
      );
    const waiters = this.#waiters ?? [];
    this.#waiters = undefined;
    for (const w of waiters) w.resolve();
  }

  #rejectWaiters(err: NotCommittedError): void {
    const waiters = this.#waiters ?? [];
    this.#waiters = undefined;
    for (const w of waiters) w.reject(err);
  }

  #requestCatchUp(): Promise<CatchUpOutcome> {
    this.#syncing = true;
    if (this.#catchingUp) {
      this.#again = true;
      return this.#catchingUp;
    }
    this.#d.observer.catchUpStarted(this.#provider.kind);
    const running = this.#catchUpLoop().then((outcome) => {
      if (outcome === 'done') return outcome; // settled by the loop itself
      if (this.#catchingUp === running) this.#catchingUp = undefined;
      this.#settleWaiters(outcome);
      return outcome;
    });
    this.#catchingUp = running;
    return running;
  }

  async #catchUpLoop(): Promise<CatchUpOutcome> {
    await this.#chain; // live events that arrived before the gap are committed first
    let failures = 0;
    let gaps = 0;
    for (;;) {
      if (this.#stopped()) return 'stopped';
      this.#again = false;
      this.#overflowed = false;
      try {
        await this.#round();
        if (this.#mustReadAgain()) {
          failures = 0;
          continue;
        }
        if (!(await this.#drainBuffer())) {
          // The history read was older than a held message: the read that placed it lists what it
          // follows, so the next round (which reads from there) at once; a provider read that lags
          // its pushes may not, so after that with the patience of a failure.
          gaps += 1;
          if (gaps === 1) continue;
          const delay = retryDelay(gaps - 1, this.#d.policy, this.#d.random);
          this.#d.logger.info(
            { handoverId: this.id, rounds: gaps, delayMs: delay },
            'a held pushed message follows one not read yet; reading again',
          );
          if (!(await this.#pause(delay))) return 'stopped';
          continue;
        }
        failures = 0;
        gaps = 0;
        if (this.#mustReadAgain()) continue;
        this.#syncing = false; // the buffer is empty here: nothing can slip between drain and live
        // Ended in this very turn, not in a reaction a microtask later: a gap found in between (a
        // store read of #checkOwed, an engine's catchUpNow) would join a loop that is over — its
        // held event answered as committed, and the session left syncing with no loop to end it.
        this.#catchingUp = undefined;
        this.#settleWaiters('done');
        return 'done';
      } catch (err) {
        if (this.#stopped()) return 'stopped';
        if (isPermanentProviderError(err)) {
          this.#d.onRefused(this.id, err);
          return 'refused';
        }
        failures += 1;
        const delay = retryDelay(
          failures,
          this.#d.policy,
          this.#d.random,
          retryableProviderError(err)?.retryAfterMs,
        );
        this.#d.logger.warn(
          { handoverId: this.id, code: errorCode(err), failures, delayMs: delay },
          'catching up failed; trying again',
        );
        if (!(await this.#pause(delay))) return 'stopped';
      }
    }
  }

  /** Waits before the next round; false when the session stopped meanwhile. */
  async #pause(delayMs: number): Promise<boolean> {
    try {
      await sleep(this.#d.scheduler, delayMs, this.#abortController().signal);
      return true;
    } catch {
      return false;
    }
  }

  /** Something arrived during the read that it may not cover (a new gap, a dropped buffer). */
  #mustReadAgain(): boolean {
    return this.#again || this.#overflowed;
  }

  async #round(): Promise<void> {
    await this.#d.catchUps.run(this.#abortController().signal, async () => {
      await this.#markAttached();
      await catchUp(this.#context());
    });
  }

  /** The stream is attached: Genesys routes the chat from now on (design §4 `queued`). */
  async #markAttached(): Promise<void> {
    await this.#d.units.run(this.id, (d) => {
      if (d.handover.state === 'requested') d.apply({ kind: 'attached' });
    });
  }

  /**
   * The first open of a conversation created just now, whose provider routes it only from that open
   * on (guest chat, protocol §1): there is nothing before it to read — no agent, no message — so the
   * session goes live at once instead of reading members and history (two calls per new chat). The
   * queued state is committed first in the live chain, so every event of the stream follows it. A
   * failed commit falls back to a catch-up, as for any live event.
   */
  #openFresh(): void {
    this.#fresh = false;
    this.#syncing = false;
    this.#link(
      this.#chain
        .then(() => this.#markAttached())
        .catch((err: unknown) => {
          if (this.#stopped()) return;
          this.#d.logger.warn(
            { handoverId: this.id, code: errorCode(err) },
            'queueing a new chat failed; catching up',
          );
          void this.#requestCatchUp();
        }),
    );
  }

  /**
   * Makes `link` the chain's tail, and lets go of it once it settled while still the tail: an idle
   * session holds the shared settled promise, not one of its own (issue 12, heap per handover).
   */
  #link(link: Promise<unknown>): void {
    this.#chain = link;
    const release = (): void => {
      if (this.#chain === link) this.#chain = SETTLED;
    };
    link.then(release, release);
  }

  /**
   * Applies what arrived during the catch-up: messages in order — a pushed one only after the
   * message it follows (pushed-order.ts) — and participant hints are checked by one more complete
   * read. Not the participants alone: a read newer than the history just read may show an end that
   * followed messages the history did not list yet — committed first, that end would leave them
   * behind for good (a chaos run lost an agent's last message so). A complete read takes the leaves
   * from a participants read no newer than its history read. False when a pushed message follows
   * one not read yet: the catch-up reads again, and the held events wait for it.
   */
  async #drainBuffer(): Promise<boolean> {
    while (this.#buffer) {
      const held = this.#buffer;
      this.#buffer = undefined;
      try {
        const messages = await inPushedOrder(
          held.flatMap((a) => (a.event.type === 'message' ? [{ event: a.event, pushed: a.pushed }] : [])),
          { place: this.#placer(), has: (id) => this.#has(id) },
        );
        if (messages === undefined) {
          this.#holdAgain(held);
          return false;
        }
        await applyInOrder(this.#context(), messages);
        if (held.some((a) => a.event.type === 'participant')) await catchUp(this.#context());
      } catch (err) {
        // Held again, not dropped: a read that fails now may be older than these (see above).
        this.#holdAgain(held);
        throw err;
      }
    }
    return true;
  }

  /** Puts taken-out events back at the head of the buffer, before what was held meanwhile. */
  #holdAgain(held: Arrival[]): void {
    this.#buffer = this.#buffer ? [...held, ...this.#buffer] : held;
  }

  /** The provider's `place` for this conversation, if it has one (live batches and held messages). */
  #placer(): ((ids: readonly string[]) => Promise<ReadonlyMap<string, string>>) | undefined {
    const webhook = this.#provider.webhook;
    const place = webhook?.place?.bind(webhook);
    if (place === undefined) return undefined;
    return (ids) => place(this.#ref, ids, this.#abortController().signal);
  }

  #context(): CatchUpContext {
    const abort = (): AbortController => this.#abortController();
    return {
      id: this.id,
      units: this.#d.units,
      transcript: this.#d.transcript,
      provider: this.#provider,
      ref: this.#ref,
      // Read only when a provider call or a parked commit needs it (a live event's commit does not).
      get signal() {
        return abort().signal;
      },
      now: () => this.#d.clock.now().toISOString(),
      ...(this.#d.parking ? { parking: this.#d.parking } : {}),
    };
  }
}
