// Sends the customer's persisted messages to the agent, strictly in order per handover, at least
// once and — through reconciliation — exactly once as far as the provider's history can tell.
//
// Why reconciliation: when a send's outcome is unknown (a timeout, a dropped connection, a 5xx, or
// a crash mid-call), the provider may have the message already. Before sending again, the sender
// reads the conversation history and matches our own messages that no transcript line claims yet,
// in order and by text, to the pending lines; matched lines are marked sent instead of re-sent.
// (Matching by text is exact for the common case and safe for repeated texts: each history message
// is claimed once, in order.)
import type { TranscriptEntry } from '../model/transcript.ts';
import type { Failure } from '../model/handover.ts';
import { isTerminal } from '../model/handover.ts';
import type { Logger } from '../ports/logger.ts';
import { ProviderError, type HandoverProvider, type ProviderRef } from '../ports/provider.ts';
import type { HandoverStore } from '../ports/store.ts';
import { KeyedQueue } from './keyed-queue.ts';
import { sleep } from './retry.ts';

export interface OutboundSenderDeps {
  readonly store: HandoverStore;
  readonly providerFor: (handoverId: string) => Promise<HandoverProvider>;
  /** Records a line as sent (under the handover's state queue). */
  readonly commitSent: (handoverId: string, entryId: string, providerMessageId: string) => Promise<void>;
  /** A permanent provider error: the service decides whether the handover ends. */
  readonly onPermanentFailure: (handoverId: string, failure: Failure) => Promise<void>;
  readonly logger: Logger;
  readonly retry: { readonly initialDelayMs: number; readonly maxDelayMs: number };
  /** Hard stop: aborts in-flight calls. */
  readonly signal: AbortSignal;
  /** Soft stop: finish the send in flight, start no new one. */
  readonly draining: () => boolean;
  readonly random?: () => number;
}

export class OutboundSender {
  readonly #deps: OutboundSenderDeps;
  readonly #queue = new KeyedQueue();
  /** Handovers whose last send may or may not have reached the provider. */
  readonly #uncertain = new Set<string>();

  constructor(deps: OutboundSenderDeps) {
    this.#deps = deps;
  }

  /** Before the next send, check the provider's history (after a restart or an unknown outcome). */
  markUncertain(handoverId: string): void {
    this.#uncertain.add(handoverId);
  }

  /** Sends whatever is pending for the handover; a no-op while a flush for it is running already queued. */
  flush(handoverId: string): void {
    this.#queue
      .run(handoverId, () => this.#flush(handoverId))
      .catch((err: unknown) => {
        this.#deps.logger.error(
          { handoverId, error: err instanceof Error ? err.name : 'unknown' },
          'outbound flush failed',
        );
      });
  }

  /** Resolves when the handover's queued sends have settled. */
  settled(handoverId: string): Promise<void> {
    return this.#queue.run(handoverId, () => Promise.resolve());
  }

  idle(): Promise<void> {
    return this.#queue.idle();
  }

  forget(handoverId: string): void {
    this.#uncertain.delete(handoverId);
  }

  async #flush(id: string): Promise<void> {
    const { store, signal } = this.#deps;
    // A function, not a property read: TypeScript would keep the narrowing across awaits.
    const stopped = (): boolean => signal.aborted;
    let failures = 0;
    for (;;) {
      if (this.#deps.draining() || stopped()) return;
      const rec = await store.getHandover(id);
      if (!rec?.providerRef || rec.handover.state === 'requested' || isTerminal(rec.handover.state)) return;
      const pending = await store.pendingOutbound(id);
      const next = pending[0];
      if (!next) return;
      const provider = await this.#deps.providerFor(id);
      try {
        if (this.#uncertain.has(id)) {
          const claimed = await this.#reconcile(id, rec.providerRef, provider, pending);
          this.#uncertain.delete(id);
          if (claimed > 0) continue;
        }
        const sent = await provider.send(
          rec.providerRef,
          next.text,
          next.outbound?.kind === 'notice' ? 'notice' : 'text',
          signal,
        );
        failures = 0;
        await this.#deps.commitSent(id, next.id, sent.providerMessageId);
      } catch (err) {
        if (stopped()) return;
        if (err instanceof ProviderError && !err.retryable) {
          await this.#deps.onPermanentFailure(id, { code: err.code, message: err.message });
          return;
        }
        // Retryable (429, 5xx, timeout, network): the message may have arrived. Wait, then check
        // the history before sending again. Persisted messages are retried for as long as the
        // handover lives: giving up would lose them.
        this.#uncertain.add(id);
        failures += 1;
        const retryAfter = err instanceof ProviderError ? (err.details.retryAfterMs ?? 0) : 0;
        const backoff = Math.min(
          this.#deps.retry.maxDelayMs,
          this.#deps.retry.initialDelayMs * 2 ** Math.min(failures - 1, 20),
        );
        const delay = Math.max(retryAfter, backoff * (this.#deps.random ?? Math.random)());
        this.#deps.logger.warn(
          {
            handoverId: id,
            code: err instanceof ProviderError ? err.code : 'unknown',
            failures,
            delayMs: Math.round(delay),
          },
          'send failed; retrying',
        );
        try {
          await sleep(delay, signal);
        } catch {
          return;
        }
      }
    }
  }

  /** Claims our own provider messages that no transcript line owns yet for the pending lines, in order. */
  async #reconcile(
    id: string,
    ref: ProviderRef,
    provider: HandoverProvider,
    pending: readonly TranscriptEntry[],
  ): Promise<number> {
    const owned = new Set(
      (await this.#deps.store.transcript(id)).flatMap((e) =>
        e.providerMessageId ? [e.providerMessageId] : [],
      ),
    );
    const unclaimed = new Map<string, string[]>();
    for await (const m of provider.history(ref, undefined, this.#deps.signal)) {
      if (!m.own || owned.has(m.providerMessageId)) continue;
      const list = unclaimed.get(m.text) ?? [];
      list.push(m.providerMessageId);
      unclaimed.set(m.text, list);
    }
    let claimed = 0;
    for (const line of pending) {
      const providerMessageId = unclaimed.get(line.text)?.shift();
      if (!providerMessageId) break; // order: a line not yet at the provider means none after it is either
      await this.#deps.commitSent(id, line.id, providerMessageId);
      claimed += 1;
    }
    if (claimed > 0)
      this.#deps.logger.info({ handoverId: id, claimed }, 'messages found at the provider; not sent again');
    return claimed;
  }
}
