// How a handover ends, on every path (issue 8: "a handover ends only after everything accepted before
// the end has reached its side or has been reported").
//
// A requested end (the bot's /end, an idle limit) — the handover is `closing`, persisted:
//   1. the customer's pending messages are sent first, for at most `flushMs`;
//   2. the customer leaves the provider conversation, retried until the provider confirms it (or says
//      the member is gone already) — for guest chat, leaving ends the chat, so the agent can write
//      nothing after it (protocol §5.8);
//   3. a last catch-up reads everything the agent wrote up to the leave;
//   4. the handover ends with the requested reason; messages still pending are marked undelivered and
//      listed in `handover.ended` (handover-draft.ts).
// Steps 2 and 3 wait out a provider outage (with backoff); a shutdown interrupts them, and the next
// start resumes the closing from the persisted state.
//
// A failure end (the stream lost past its grace, a refusal): optionally one bounded last read, then
// the handover ends `provider_error` at once, pending messages reported the same way; then one try
// to leave the provider conversation, which nothing relays any more.
//
// When the agent ends first, the state machine ends the handover from the provider's own events,
// which arrive in order after every message of ours the agent got: pending lines are undelivered.
import { isTerminal, type EndReason, type Failure } from '../model/handover.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { HandoverProvider, ProviderRef } from '../ports/provider.ts';
import type { Random, Scheduler } from '../ports/scheduler.ts';
import { retry } from '../retry/retry.ts';
import type { BackoffPolicy } from '../retry/backoff.ts';
import { errorCode, retryableProviderError } from './errors.ts';
import type { HandoverUnits } from './handover-units.ts';
import type { OutboundSender } from './outbound-sender.ts';
import type { CatchUpOutcome } from './provider-session.ts';
import { settlesWithin } from './settles-within.ts';

export interface CloserDeps {
  readonly units: HandoverUnits;
  readonly sender: OutboundSender;
  readonly providerOf: (endpointId: string) => HandoverProvider | undefined;
  /** A complete read of the provider for this handover (the session's, or a one-off one). */
  readonly catchUp: (
    handoverId: string,
    provider: HandoverProvider,
    ref: ProviderRef,
  ) => Promise<CatchUpOutcome>;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly random: Random;
  readonly logger: Logger;
  /** Backoff of the leave while the provider fails. */
  readonly policy: BackoffPolicy;
  readonly signal: AbortSignal;
  /** How long a requested end waits for the customer's pending messages to be sent, ms. */
  readonly flushMs: number;
  /** How long a failure end waits for its last read, ms. */
  readonly lastReadMs: number;
  /** Several instances: this one still holds the handover's lease (the leave is an owner's call). */
  readonly mayAct?: (handoverId: string) => boolean;
}

export interface FailureEnd {
  readonly reason: EndReason;
  readonly message: string;
  readonly failure?: Failure;
}

export class Closer {
  readonly #d: CloserDeps;
  readonly #flows = new Map<string, Promise<void>>();

  constructor(deps: CloserDeps) {
    this.#d = deps;
  }

  /** Runs the closing of a handover whose end was requested (joins it when it runs already). */
  close(id: string): Promise<void> {
    return this.#once(id, () => this.#close(id));
  }

  /** Ends a handover for a provider failure (joins a closing or failure end that runs already). */
  fail(id: string, end: FailureEnd, opts: { readonly lastRead: boolean }): Promise<void> {
    return this.#once(id, () => this.#fail(id, end, opts.lastRead));
  }

  #once(id: string, flow: () => Promise<void>): Promise<void> {
    const running = this.#flows.get(id);
    if (running) return running;
    const started = flow()
      .catch((err: unknown) => {
        if (!this.#d.signal.aborted)
          this.#d.logger.error({ handoverId: id, code: errorCode(err) }, 'ending the handover failed');
      })
      .finally(() => this.#flows.delete(id));
    this.#flows.set(id, started);
    return started;
  }

  async #close(id: string): Promise<void> {
    const { units, sender } = this.#d;
    const live = await units.read(id);
    const handover = live?.record.handover;
    if (!handover?.closing || isTerminal(handover.state)) return;
    const ref = live?.record.provider?.ref;
    const provider = this.#d.providerOf(handover.endpointId);
    if (ref && provider) {
      sender.wake(id);
      if (!(await settlesWithin(this.#d.scheduler, sender.drained(id), this.#d.flushMs)))
        this.#d.logger.warn({ handoverId: id }, 'ending: messages still unsent after the flush limit');
      await sender.stop(id);
      if (this.#stopped()) return;
      await this.#leave(id, provider, ref);
      if (this.#stopped()) return;
      const read = await this.#d.catchUp(id, provider, ref);
      if (read === 'stopped' || this.#stopped()) return;
    }
    await units.run(id, (d) => {
      const closing = d.handover.closing;
      if (!closing) return;
      d.apply({
        kind: 'terminate',
        reason: closing.reason,
        ...(closing.message === undefined ? {} : { message: closing.message }),
        ...(closing.failure === undefined ? {} : { failure: closing.failure }),
      });
    });
  }

  /** A method, not a property read: TypeScript would otherwise keep a narrowing across awaits. */
  #stopped(): boolean {
    return this.#d.signal.aborted;
  }

  /** Leaves the provider conversation; retried until confirmed. A refusal is logged, not fatal. */
  async #leave(id: string, provider: HandoverProvider, ref: ProviderRef): Promise<void> {
    try {
      await retry(
        () => {
          // Checked at each attempt: a process frozen during a backoff must not end a chat it lost.
          if (this.#d.mayAct && !this.#d.mayAct(id)) throw new Error('the lease of the handover is not held');
          return provider.end(ref, this.#d.signal);
        },
        {
          policy: this.#d.policy,
          maxAttempts: Infinity,
          classify: retryableProviderError,
          scheduler: this.#d.scheduler,
          random: this.#d.random,
          signal: this.#d.signal,
          onRetry: (err, failures, delayMs) =>
            this.#d.logger.warn(
              { handoverId: id, code: errorCode(err), failures, delayMs },
              'leaving failed; retrying',
            ),
        },
      );
    } catch (err) {
      if (!this.#d.signal.aborted)
        this.#d.logger.warn({ handoverId: id, code: errorCode(err) }, 'the provider refused the leave');
    }
  }

  async #fail(id: string, end: FailureEnd, lastRead: boolean): Promise<void> {
    const { units, sender } = this.#d;
    const live = await units.read(id);
    if (!live || isTerminal(live.record.handover.state)) return;
    const ref = live.record.provider?.ref;
    const provider = this.#d.providerOf(live.record.handover.endpointId);
    if (lastRead && ref && provider)
      await settlesWithin(this.#d.scheduler, this.#d.catchUp(id, provider, ref), this.#d.lastReadMs);
    await sender.stop(id);
    if (this.#stopped()) return;
    await units.run(id, (d) =>
      d.apply({
        kind: 'terminate',
        reason: end.reason,
        message: end.message,
        ...(end.failure ? { failure: end.failure } : {}),
      }),
    );
    // The bot learns it from the ended event; the operator from this line (the code, never a text).
    this.#d.logger.warn(
      { handoverId: id, reason: end.reason, ...(end.failure ? { code: end.failure.code } : {}) },
      'handover ended by a failure',
    );
    if (ref && provider) await this.#leaveOnce(id, provider, ref);
  }

  /**
   * After a failure end nothing relays the chat any more: leaving it (one try, no retries — the
   * provider just failed) spares the agent a customer who never answers again, and the queue a chat
   * nobody will close. A chat that is gone already counts as left.
   */
  async #leaveOnce(id: string, provider: HandoverProvider, ref: ProviderRef): Promise<void> {
    if (this.#stopped() || (this.#d.mayAct && !this.#d.mayAct(id))) return;
    try {
      await provider.end(ref, this.#d.signal);
    } catch (err) {
      if (!this.#stopped())
        this.#d.logger.warn({ handoverId: id, code: errorCode(err) }, 'leaving after a failure end failed');
    }
  }
}
