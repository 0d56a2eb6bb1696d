// Sends the customer's persisted messages to the agent: strictly in order per handover, one at a
// time, retried for as long as the handover lives (giving up would lose them), and — through
// reconciliation (reconcile.ts) — exactly once as far as the provider's history can tell.
//
// It runs outside the handover's unit queue: a slow or failing provider never delays the 202 of the
// next customer message, which depends on the local commit only (issue 8).
//
// Each send is marked on its line before the call (`attemptedAt`, persisted). A send whose outcome is
// unknown is looked for in the provider's history before the line is sent again. When no answer came
// at all — a timeout, a connection lost mid-request, a previous life of the process that stopped
// during the call — the provider may still be working on it: until its `sendSettleMs` has passed since
// the send started, a miss in the history is read again rather than trusted, so a message the
// provider stores late does not go out twice. An answer (even a 5xx) means the provider is done with
// the request; a refusal before any work (a 429, an open circuit, a connection never made) needs no
// look at all.
import type { EngineObserver } from '../ports/engine-observer.ts';
import { noTracer, type Tracer } from '../ports/tracer.ts';
import { isTerminal } from '../model/handover.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import { ProviderError, type HandoverProvider } from '../ports/provider.ts';
import { sleep, type Random, type Scheduler } from '../ports/scheduler.ts';
import type { TranscriptRepository } from '../ports/store/index.ts';
import { retryDelay, type BackoffPolicy } from '../retry/backoff.ts';
import { errorCode, isPermanentProviderError, retryableProviderError, toFailure } from './errors.ts';
import type { HandoverDraft } from './handover-draft.ts';
import type { HandoverUnits } from './handover-units.ts';
import type { Failure } from '../model/handover.ts';
import type { TranscriptEntry } from '../model/transcript.ts';
import { matchOwnMessages } from './reconcile.ts';

/** How often an unanswered send is looked for while the provider may still be working on it. */
const SETTLE_POLL_MS = 1_000;

/**
 * How recent a send mark made by another commit (premarked) must be for a send to go on it without a
 * mark of its own: the mark's time is what a restart measures `sendSettleMs` from, so an old one is
 * refreshed rather than trusted.
 */
const PREMARK_FRESH_MS = 1_000;

export interface OutboundSenderDeps {
  readonly units: HandoverUnits;
  readonly clock: Clock;
  readonly transcript: Pick<TranscriptRepository, 'all'>;
  readonly providerOf: (endpointId: string) => HandoverProvider | undefined;
  readonly scheduler: Scheduler;
  readonly random: Random;
  readonly logger: Logger;
  readonly policy: BackoffPolicy;
  /**
   * The provider refused a send for good (4xx): the engine decides what that means for the handover.
   * `conversationOver`: the provider said the conversation has ended on its side (ProviderError).
   */
  readonly onRefused: (handoverId: string, failure: Failure, conversationOver: boolean) => void;
  /**
   * Several instances: this one holds the handover's lease with time to spare. Asked right before
   * each send (no await in between), so a process frozen past its lease sends nothing on waking.
   */
  readonly mayAct?: (handoverId: string) => boolean;
  /** Relay latency of the bot's messages (metrics). */
  readonly observer?: Pick<EngineObserver, 'relayedToProvider'>;
  /** Each send is a span in the trace of the bot's request that sent the message. */
  readonly tracer?: Tracer;
}

class Loop {
  /** Set when work may have arrived while the loop was deciding to stop. */
  wake = false;
  stopped = false;
  /** A provider call is in flight (pause lets it finish; a backoff wait is cut short). */
  calling = false;
  done: Promise<void> = Promise.resolve();
  #controller: AbortController | undefined;
  #abortedWith: { reason: Error } | undefined;

  /**
   * Cuts the provider call or the backoff wait of this loop. The controller is made on first use:
   * most wakes find nothing to send (every state change of every new chat wakes its loop), and an
   * AbortController is one of the costlier objects to make (issue 12: creation profile).
   */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#abortedWith) this.#controller.abort(this.#abortedWith.reason);
    }
    return this.#controller.signal;
  }

  abort(reason: Error): void {
    if (this.#abortedWith) return; // the first reason stays, as with an AbortController
    this.#abortedWith = { reason };
    this.#controller?.abort(reason);
  }
}

export class OutboundSender {
  readonly #d: OutboundSenderDeps;
  readonly #loops = new Map<string, Loop>();
  /** Handovers whose last send may or may not have reached the provider. */
  readonly #uncertain = new Set<string>();
  /** The line this process is sending, per handover (an `attemptedAt` of another line is a previous life's). */
  readonly #attemptedHere = new Map<string, string>();
  /** Handovers whose unknown send got no answer at all: read again until `sendSettleMs` has passed. */
  readonly #unanswered = new Set<string>();
  /**
   * A pending line whose send attempt another commit already marked (its append, or the previous
   * line's confirmation), per handover: the send goes out without a commit of its own. Consumed by
   * the next send.
   */
  readonly #premarked = new Map<string, string>();
  /** Resolved whenever a handover's queue is found empty (or its loop stops). */
  readonly #drainWaiters = new Map<string, (() => void)[]>();
  #paused = false;

  constructor(deps: OutboundSenderDeps) {
    this.#d = deps;
  }

  /** There may be something to send: starts the handover's send loop unless it runs already. */
  wake(handoverId: string): void {
    if (this.#paused) return;
    const running = this.#loops.get(handoverId);
    if (running && !running.stopped) {
      running.wake = true;
      return;
    }
    const loop = new Loop();
    this.#loops.set(handoverId, loop);
    loop.done = this.#run(handoverId, loop)
      .catch((err: unknown) => {
        this.#d.logger.error({ handoverId, code: errorCode(err) }, 'outbound send loop failed');
      })
      .finally(() => {
        if (this.#loops.get(handoverId) === loop) this.#loops.delete(handoverId);
        this.#resolveDrained(handoverId);
      });
  }

  /** A commit marked the send attempt of this pending line (called before `wake`). */
  premarked(handoverId: string, entryId: string): void {
    this.#premarked.set(handoverId, entryId);
    this.#attemptedHere.set(handoverId, entryId);
  }

  /**
   * Called on every draft before it is built: a commit that confirms the line this process is
   * sending — its echo on the stream (which usually comes before the REST answer, protocol §5.6),
   * the send's own confirmation, or a look in the history — also marks the next line's send
   * attempt, so that line goes out without a commit of its own. Two commits per message (the
   * append, and the echo or the confirmation, whichever comes first — the other then changes
   * nothing) instead of three (issue 12).
   */
  premarkNext(d: HandoverDraft): void {
    const id = d.id;
    const loop = this.#loops.get(id);
    const inFlight = this.#attemptedHere.get(id);
    if (!loop || !loop.calling || stopped(loop) || this.#paused) return;
    if (inFlight === undefined || !d.confirmed(inFlight)) return;
    const next = d.pending[0];
    // A mark already there is a previous life's (only the head is ever marked): it stays, so the
    // line is looked for in the history before it is sent again.
    if (!next || next.outbound?.attemptedAt !== undefined) return;
    if (!d.provider || isTerminal(d.handover.state)) return;
    d.markAttempt(next.id);
  }

  /** Resolves once the handover has nothing left to send (or its sending stopped). */
  drained(handoverId: string): Promise<void> {
    if (!this.#loops.has(handoverId)) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.#drainWaiters.get(handoverId) ?? [];
      list.push(resolve);
      this.#drainWaiters.set(handoverId, list);
    });
  }

  /** Stops sending for a handover: aborts the send in flight and waits for the loop to end. */
  async stop(handoverId: string): Promise<void> {
    const loop = this.#loops.get(handoverId);
    this.#uncertain.delete(handoverId);
    this.#attemptedHere.delete(handoverId);
    this.#premarked.delete(handoverId);
    if (!loop) return;
    loop.stopped = true;
    loop.abort(new Error('sending stopped'));
    await loop.done;
  }

  /** Shutdown, step 1: start no new send; resolves when the sends in flight have settled. */
  async pause(): Promise<void> {
    this.#paused = true;
    for (const loop of this.#loops.values()) {
      loop.stopped = true;
      if (!loop.calling) loop.abort(new Error('sending paused'));
    }
    await Promise.allSettled([...this.#loops.values()].map((l) => l.done));
  }

  /** Shutdown, step 2: aborts whatever is still in flight. */
  async stopAll(): Promise<void> {
    await Promise.allSettled([...this.#loops.keys()].map((id) => this.stop(id)));
  }

  async #run(id: string, loop: Loop): Promise<void> {
    const { units, logger } = this.#d;
    let failures = 0;
    while (!loop.stopped) {
      loop.wake = false;
      const live = await units.read(id);
      const handover = live?.record.handover;
      const link = live?.record.provider;
      const head = live?.pending[0];
      const provider = handover ? this.#d.providerOf(handover.endpointId) : undefined;
      if (
        !live ||
        !handover ||
        !link ||
        !head ||
        !provider ||
        handover.state === 'requested' ||
        isTerminal(handover.state)
      ) {
        if (woken(loop)) continue;
        return;
      }
      // A send started by a previous life of the process: its outcome is unknown.
      const attemptedAt = head.outbound?.attemptedAt;
      if (attemptedAt !== undefined && this.#attemptedHere.get(id) !== head.id) {
        this.#uncertain.add(id);
        this.#unanswered.add(id);
      }
      let failure: unknown;
      loop.calling = true;
      try {
        if (this.#uncertain.has(id)) {
          await this.#settle(id, head, provider, link.ref, loop.signal);
          this.#uncertain.delete(id);
          this.#unanswered.delete(id);
          // This life has looked for the line's earlier attempt: it is no longer a previous life's.
          this.#attemptedHere.set(id, head.id);
          // Read the queue again: while we looked, the line may have been confirmed (here, or by
          // its echo on the stream) — sending the `head` read before the look could send it twice.
          continue;
        }
        // Until its confirmation is committed, a send's outcome is unknown (a crash right after the
        // provider answered must not send it twice): the attempt is on the line first — marked by
        // the commit that appended it or confirmed the line before (premarked), else by its own.
        if (!this.#freshPremark(id, head)) await units.run(id, (d) => d.markAttempt(head.id));
        this.#premarked.delete(id);
        this.#attemptedHere.set(id, head.id);
        if (this.#d.mayAct && !this.#d.mayAct(id)) return; // the lease is lost or about to be
        this.#uncertain.add(id);
        const message = {
          id: head.id,
          text: head.text,
          kind: head.outbound?.kind === 'notice' ? ('notice' as const) : ('text' as const),
          at: head.at,
          ...(head.attachments?.length ? { attachments: head.attachments } : {}),
        };
        // A line without a kept context (a notice, tracing off when it came) starts its own trace
        // rather than joining whatever context woke this loop.
        const sent = await (this.#d.tracer ?? noTracer).inSpan(
          'send message to Genesys',
          {
            parent: head.traceParent ?? null,
            attributes: { 'handover.id': id, 'genesys_handover.provider': provider.kind },
          },
          () => provider.send(link.ref, message, loop.signal),
        );
        // The confirmation also marks the next line's attempt (premarkNext). When the echo has
        // confirmed the line already (and marked the next one), this changes nothing: no commit.
        await units.run(id, (d) => {
          d.markSent(head.id, sent.providerMessageId);
        });
        this.#uncertain.delete(id);
        // Accepted → at the provider, for the bot's own messages (a replayed bot transcript or a
        // notice was not waiting on a bot's request).
        if (head.outbound?.kind === 'message')
          this.#d.observer?.relayedToProvider(
            provider.kind,
            this.#d.clock.now().getTime() - Date.parse(head.at),
          );
        // The confirmation may have premarked the next line (premarked() names it): keep that.
        if (this.#attemptedHere.get(id) === head.id) this.#attemptedHere.delete(id);
        failures = 0;
        continue;
      } catch (err) {
        failure = err;
      } finally {
        loop.calling = false;
      }
      if (stopped(loop)) return;
      // Confirmed meanwhile (its echo on the stream came before the call failed): it is there, and
      // the next line's mark, if any, is this life's — nothing is uncertain.
      if ((await units.read(id))?.pending[0]?.id !== head.id) {
        this.#uncertain.delete(id);
        this.#unanswered.delete(id);
        failures = 0;
        continue;
      }
      // Refused before any work (a 429, an open circuit): the message certainly did not arrive.
      if (failure instanceof ProviderError && failure.details.notProcessed === true)
        this.#uncertain.delete(id);
      // No answer at all (a timeout, a dropped connection): the provider may still be working on it.
      else if (!(failure instanceof ProviderError) || failure.details.status === undefined)
        this.#unanswered.add(id);
      if (isPermanentProviderError(failure)) {
        this.#uncertain.delete(id);
        this.#d.onRefused(
          id,
          toFailure(failure),
          failure instanceof ProviderError && failure.details.conversationOver === true,
        );
        return;
      }
      failures += 1;
      const delay = retryDelay(
        failures,
        this.#d.policy,
        this.#d.random,
        retryableProviderError(failure)?.retryAfterMs,
      );
      logger.warn(
        { handoverId: id, code: errorCode(failure), failures, delayMs: delay },
        'send failed; retrying',
      );
      try {
        await sleep(this.#d.scheduler, delay, loop.signal);
      } catch {
        return;
      }
    }
  }

  /**
   * Looks for an uncertain send in the provider's history. One that got no answer may still be in
   * progress at the provider: until `sendSettleMs` has passed since it started, a miss is read again
   * (every SETTLE_POLL_MS) rather than taken as "not there" — the common case (it landed a moment
   * ago) stays fast, and a late store is still found before the line is sent again.
   */
  async #settle(
    id: string,
    head: TranscriptEntry,
    provider: HandoverProvider,
    ref: Parameters<HandoverProvider['history']>[0],
    signal: AbortSignal,
  ): Promise<void> {
    const attemptedAt = head.outbound?.attemptedAt;
    const settledAt =
      attemptedAt !== undefined && this.#unanswered.has(id)
        ? Date.parse(attemptedAt) + provider.sendSettleMs
        : 0;
    for (;;) {
      const claimed = await this.#reconcile(id, head.id, provider, ref, signal);
      const stillPending = (await this.#d.units.read(id))?.pending[0]?.id === head.id;
      const left = settledAt - this.#d.clock.now().getTime();
      if (claimed > 0 || !stillPending || left <= 0) return;
      await sleep(this.#d.scheduler, Math.min(SETTLE_POLL_MS, left), signal);
    }
  }

  /**
   * Confirms pending lines whose message the provider has already (see reconcile.ts). Answers how
   * many lines are settled: matched now, or the head found confirmed in the store already.
   */
  async #reconcile(
    id: string,
    headId: string,
    provider: HandoverProvider,
    ref: Parameters<HandoverProvider['history']>[0],
    signal: AbortSignal,
  ): Promise<number> {
    const stored = await this.#d.transcript.all(id);
    // The store has the head settled (sent, or given up at an end) while the state this loop read
    // still had it pending: that state is behind (a stale cache once sent a confirmed message
    // again). Nothing is left to send for it: read the handover again instead of waiting to send it.
    if (stored.some((e) => e.id === headId && e.outbound !== undefined && e.outbound.status !== 'pending')) {
      this.#d.logger.warn({ handoverId: id }, 'the handover read was behind the store; reading it again');
      this.#d.units.refresh(id);
      return 1;
    }
    const claimed = new Set(stored.flatMap((e) => (e.providerMessageId ? [e.providerMessageId] : [])));
    const own: { providerMessageId: string; text: string }[] = [];
    for await (const m of provider.history(ref, undefined, signal)) if (m.own) own.push(m);
    const count = await this.#d.units.run(id, (d) => {
      let n = 0;
      for (const match of matchOwnMessages(d.pending, claimed, own))
        if (d.markSent(match.entryId, match.providerMessageId)) n += 1;
      return n;
    });
    if (count > 0)
      this.#d.logger.info(
        { handoverId: id, claimed: count },
        'messages found at the provider; not sent again',
      );
    return count;
  }

  /** The head's send attempt was marked by another commit of this life, a moment ago. */
  #freshPremark(id: string, head: TranscriptEntry): boolean {
    const attemptedAt = head.outbound?.attemptedAt;
    return (
      this.#premarked.get(id) === head.id &&
      attemptedAt !== undefined &&
      this.#d.clock.now().getTime() - Date.parse(attemptedAt) <= PREMARK_FRESH_MS
    );
  }

  #resolveDrained(id: string): void {
    const waiters = this.#drainWaiters.get(id);
    this.#drainWaiters.delete(id);
    for (const resolve of waiters ?? []) resolve();
  }
}

// Functions, not property reads: TypeScript would keep a narrowing of `loop.wake`/`loop.stopped`
// across the awaits in between, where other code flips them.
const woken = (loop: Loop): boolean => loop.wake;
const stopped = (loop: Loop): boolean => loop.stopped;
