// One handover's live connection to its provider conversation, and the ordering invariant of the
// agent → bot direction: an agent event is committed only in provider order.
//
// The session is either LIVE (in sync: each stream event is committed as it arrives, one after the
// other) or SYNCING (after a (re)connect, a `resync`, or a failed commit: events may have been missed,
// so a catch-up reads history from the cursor). While syncing, live events are held in a buffer, not
// committed: a live event never overtakes an unread gap (issue 8, defects 1 and 4). When the catch-up
// has read everything, the buffer is applied — a buffered message not found in history is newer than
// all of it; one found is a duplicate and skipped — and the session is live again. Participant events
// from the buffer are only hints: the participants are read once more instead (the read is the truth).
//
// A failing catch-up is retried with backoff for as long as the session lives; nothing is committed
// past the gap meanwhile, so a shutdown or a crash at any point leaves the cursor at the gap.
import type { Logger } from '../ports/logger.ts';
import type {
  Connection,
  AttachmentState,
  HandoverProvider,
  ProviderEvent,
  ProviderRef,
} from '../ports/provider.ts';
import type { Random, Scheduler } from '../ports/scheduler.ts';
import { sleep } from '../ports/scheduler.ts';
import type { Clock } from '../ports/clock.ts';
import type { TranscriptRepository } from '../ports/store/index.ts';
import type { BackoffPolicy } from '../retry/backoff.ts';
import { retryDelay } from '../retry/backoff.ts';
import { applyInOrder, catchUp, readParticipants, type CatchUpContext } from './catch-up.ts';
import { errorCode, isPermanentProviderError, retryableProviderError } from './errors.ts';
import type { HandoverUnits } from './handover-units.ts';
import type { ProviderError } from '../ports/provider.ts';

/** Events held while syncing; past this, the buffer is dropped and the catch-up reads once more. */
const MAX_BUFFERED = 1_000;

export type CatchUpOutcome = 'done' | 'refused' | 'stopped';

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
}

export class ProviderSession {
  readonly id: string;
  readonly #provider: HandoverProvider;
  readonly #ref: ProviderRef;
  readonly #d: ProviderSessionDeps;
  readonly #abort = new AbortController();
  readonly #onStop = (): void => this.#abort.abort(this.#d.signal.reason);
  #attachment: Connection | undefined;
  #syncing = true;
  #buffer: ProviderEvent[] = [];
  #overflowed = false;
  #again = false;
  #catchingUp: Promise<CatchUpOutcome> | undefined;
  /** Live commits, one after the other in arrival order. */
  #chain: Promise<void> = Promise.resolve();

  constructor(id: string, provider: HandoverProvider, ref: ProviderRef, deps: ProviderSessionDeps) {
    this.id = id;
    this.#provider = provider;
    this.#ref = ref;
    this.#d = deps;
    if (deps.signal.aborted) this.#abort.abort(deps.signal.reason);
    else deps.signal.addEventListener('abort', this.#onStop, { once: true });
  }

  /** Opens the live stream; its first `open` starts the first catch-up (which also queues the chat). */
  async attach(): Promise<void> {
    this.#attachment = await this.#provider.attach(
      this.#ref,
      { onEvent: (e) => this.#onEvent(e), onState: (s, d) => this.#onState(s, d?.reason) },
      this.#abort.signal,
    );
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
    this.#d.signal.removeEventListener('abort', this.#onStop);
    this.#abort.abort(new Error('session closed'));
    this.#buffer = [];
    const attachment = this.#attachment;
    this.#attachment = undefined;
    await attachment?.close().catch(() => undefined);
    await this.#catchingUp;
  }

  #stopped(): boolean {
    return this.#abort.signal.aborted;
  }

  /** Settles once the event is taken in order: committed, or held for the catch-up reading the gap. */
  #onEvent(event: ProviderEvent): Promise<void> {
    if (this.#stopped()) return Promise.resolve();
    if (this.#syncing) {
      this.#hold(event);
      return Promise.resolve();
    }
    const taken = this.#chain.then(() => this.#commitLive(event));
    this.#chain = taken;
    return taken;
  }

  #onState(state: AttachmentState, reason: string | undefined): void {
    if (this.#stopped()) return;
    if (state === 'open' || state === 'resync') void this.#requestCatchUp();
    else if (state === 'reconnecting') this.#syncing = true;
    else if (state === 'lost') this.#d.onLost(this.id, reason);
  }

  async #commitLive(event: ProviderEvent): Promise<void> {
    if (this.#stopped()) return;
    if (this.#syncing) {
      this.#hold(event); // a gap opened while this event waited its turn
      return;
    }
    try {
      await applyInOrder(this.#context(), [event]);
    } catch (err) {
      if (this.#stopped()) return;
      // Not committed: it is after the cursor, so the catch-up reads it again (typing aside).
      this.#d.logger.warn(
        { handoverId: this.id, code: errorCode(err) },
        'committing a live event failed; catching up',
      );
      void this.#requestCatchUp();
    }
  }

  #hold(event: ProviderEvent): void {
    if (event.type === 'typing') return; // a hint that is stale by the time the gap is read
    if (this.#buffer.length >= MAX_BUFFERED) {
      this.#buffer = [];
      this.#overflowed = true;
      return;
    }
    this.#buffer.push(event);
  }

  #requestCatchUp(): Promise<CatchUpOutcome> {
    this.#syncing = true;
    if (this.#catchingUp) {
      this.#again = true;
      return this.#catchingUp;
    }
    const running = this.#catchUpLoop().finally(() => {
      if (this.#catchingUp === running) this.#catchingUp = undefined;
    });
    this.#catchingUp = running;
    return running;
  }

  async #catchUpLoop(): Promise<CatchUpOutcome> {
    await this.#chain; // live events that arrived before the gap are committed first
    let failures = 0;
    for (;;) {
      if (this.#stopped()) return 'stopped';
      this.#again = false;
      this.#overflowed = false;
      try {
        await this.#round();
        failures = 0;
        if (this.#mustReadAgain()) continue;
        await this.#drainBuffer();
        if (this.#mustReadAgain()) continue;
        this.#syncing = false; // the buffer is empty here: nothing can slip between drain and live
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
        try {
          await sleep(this.#d.scheduler, delay, this.#abort.signal);
        } catch {
          return 'stopped';
        }
      }
    }
  }

  /** Something arrived during the read that it may not cover (a new gap, a dropped buffer). */
  #mustReadAgain(): boolean {
    return this.#again || this.#overflowed;
  }

  async #round(): Promise<void> {
    // The stream is attached: Genesys routes the chat from now on (design §4 `queued`).
    await this.#d.units.run(this.id, (d) => {
      if (d.handover.state === 'requested') d.apply({ kind: 'attached' });
    });
    await catchUp(this.#context());
  }

  /** Applies what arrived during the catch-up: messages in order, then the participants re-read. */
  async #drainBuffer(): Promise<void> {
    while (this.#buffer.length > 0) {
      const held = this.#buffer;
      this.#buffer = [];
      await applyInOrder(
        this.#context(),
        held.filter((e) => e.type === 'message'),
      );
      if (held.some((e) => e.type === 'participant')) await readParticipants(this.#context());
    }
  }

  #context(): CatchUpContext {
    return {
      id: this.id,
      units: this.#d.units,
      transcript: this.#d.transcript,
      provider: this.#provider,
      ref: this.#ref,
      signal: this.#abort.signal,
      now: () => this.#d.clock.now().toISOString(),
    };
  }
}
