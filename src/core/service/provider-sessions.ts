// The live side of each handover: creating the provider conversation, attaching its event stream,
// catching up after every (re)connect, feeding provider events through the state machine, and
// detaching when the handover ends. Everything for one handover runs in the StateWriter's queue.
import { isTerminal, type Failure } from '../model/handover.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import {
  ProviderError,
  type Attachment,
  type HandoverProvider,
  type ProviderEvent,
  type ProviderRef,
} from '../ports/provider.ts';
import type { HandoverStore } from '../ports/store.ts';
import type { ActivityMonitor } from './activity-monitor.ts';
import type { OutboundSender } from './outbound-sender.ts';
import { withRetry, type RetryOptions } from './retry.ts';
import type { StateWriter } from './state-writer.ts';
import { errorCode, noChange, toFailure } from './support.ts';

/** How long to wait before trying a failed catch-up again (after its own retries gave up). */
const CATCH_UP_RETRY_MS = 30_000;

export interface ProviderSessionsDeps {
  readonly store: HandoverStore;
  readonly provider: (endpointId: string) => HandoverProvider | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly writer: StateWriter;
  readonly sender: () => OutboundSender;
  readonly activity: ActivityMonitor;
  readonly retry: Omit<RetryOptions, 'signal'>;
  readonly signal: AbortSignal;
}

export class ProviderSessions {
  readonly #d: ProviderSessionsDeps;
  readonly #live = new Map<string, Attachment>();
  /** Endpoint ids of live handovers, for the per-endpoint idle limits. */
  readonly #endpointOf = new Map<string, string>();
  readonly #onDetach: ((id: string) => void)[] = [];
  /** Handovers whose last catch-up failed: history after their cursor is still unread. */
  readonly #gaps = new Set<string>();
  readonly #catchUpTimers = new Map<string, NodeJS.Timeout>();

  constructor(deps: ProviderSessionsDeps) {
    this.#d = deps;
  }

  get size(): number {
    return this.#live.size;
  }

  endpointOf(id: string): string | undefined {
    return this.#endpointOf.get(id);
  }

  /** Registers cleanup to run whenever a handover is detached (per-handover caches elsewhere). */
  onDetach(fn: (id: string) => void): void {
    this.#onDetach.push(fn);
  }

  /** Brings a handover up (create at the provider if needed, then attach); errors are logged. */
  activate(id: string): void {
    this.#d.writer
      .run(id, () => this.#bringUp(id))
      .catch((err: unknown) => {
        this.#d.logger.error({ handoverId: id, code: errorCode(err) }, 'handover could not be brought up');
      });
  }

  async detach(id: string): Promise<void> {
    const attachment = this.#live.get(id);
    this.#live.delete(id);
    this.#endpointOf.delete(id);
    this.#gaps.delete(id);
    clearTimeout(this.#catchUpTimers.get(id));
    this.#catchUpTimers.delete(id);
    this.#d.activity.forget(id);
    for (const fn of this.#onDetach) fn(id);
    if (attachment) await attachment.close().catch(() => undefined);
  }

  async detachAll(): Promise<void> {
    await Promise.allSettled([...this.#live.keys()].map((id) => this.detach(id)));
  }

  /**
   * A permanent provider error on a send. It may be the chat having ended a moment ago (the agent
   * left; the events are on their way): re-read the members first, so the handover ends with the
   * true reason; only if it is still open does it end as provider_error.
   */
  async failPermanently(id: string, failure: Failure): Promise<void> {
    const rec = await this.#d.store.getHandover(id);
    const provider = this.#d.provider(rec?.handover.endpointId ?? '');
    if (rec?.providerRef && provider) {
      try {
        for (const { participant, state } of await provider.participants(rec.providerRef, this.#d.signal)) {
          await this.#d.writer.run(id, () =>
            this.#onProviderEvent(id, { type: 'participant', participant, state, at: this.#now() }),
          );
        }
      } catch {
        // The members cannot be read either: the failure stands.
      }
    }
    await this.#d.writer.apply(id, {
      kind: 'terminate',
      reason: 'provider_error',
      message: 'A message could not be delivered to the agent.',
      failure,
    });
    await this.detach(id);
  }

  async #bringUp(id: string): Promise<void> {
    const { store, writer } = this.#d;
    let rec = await store.getHandover(id);
    if (!rec || isTerminal(rec.handover.state) || this.#live.has(id) || this.#stopping()) return;
    this.#endpointOf.set(id, rec.handover.endpointId);
    const provider = this.#d.provider(rec.handover.endpointId);
    if (!provider) {
      await writer.commitInput(rec, {
        kind: 'terminate',
        reason: 'provider_error',
        message: 'The endpoint is no longer configured.',
      });
      return;
    }
    let ref = rec.providerRef;
    // After a restart we cannot know whether a send in flight at the crash reached the provider.
    if (ref) this.#d.sender().markUncertain(id);
    if (!ref) {
      const h = rec.handover;
      try {
        ref = await withRetry(
          () =>
            provider.start(
              { endpointId: h.endpointId, customer: h.customer, settings: h.settings },
              this.#d.signal,
            ),
          { ...this.#d.retry, signal: this.#d.signal },
        );
      } catch (err) {
        if (this.#stopping()) return;
        await writer.commitInput(rec, { kind: 'start_failed', failure: toFailure(err) });
        return;
      }
      // The provider handle is persisted before anything else, so a restart re-attaches instead of creating twice.
      await writer.committer.commit(rec.handover, noChange(rec.handover), { providerRef: ref });
      rec = (await store.getHandover(id)) ?? rec;
    }
    const attachRef = ref;
    try {
      const attachment = await provider.attach(
        attachRef,
        {
          onEvent: (event) => this.#enqueue(id, () => this.#onProviderEvent(id, event, true)),
          onState: (state, detail) => {
            if (state === 'open' || state === 'resync')
              this.#enqueue(id, () => this.#onOpen(id, provider, attachRef));
            if (state === 'lost') this.#enqueue(id, () => this.#onLost(id, detail?.reason));
          },
        },
        this.#d.signal,
      );
      this.#live.set(id, attachment);
      await this.#trackActivity(id);
    } catch (err) {
      if (this.#stopping()) return;
      const fresh = (await store.getHandover(id)) ?? rec;
      await writer.commitInput(fresh, {
        kind: 'terminate',
        reason: 'provider_error',
        message: 'The contact-center event stream could not be opened.',
        failure: toFailure(err),
      });
    }
  }

  /** After every (re)connect: queue the chat (first time), catch up on what was missed, send what waits. */
  async #onOpen(id: string, provider: HandoverProvider, ref: ProviderRef): Promise<void> {
    const rec = await this.#d.store.getHandover(id);
    if (!rec || isTerminal(rec.handover.state)) return;
    if (rec.handover.state === 'requested') await this.#d.writer.commitInput(rec, { kind: 'attached' });
    try {
      // Retried as a whole: each attempt reads from the cursor the previous one advanced.
      await withRetry(() => this.#catchUp(id, provider, ref), {
        ...this.#d.retry,
        maxAttempts: 10,
        signal: this.#d.signal,
      });
    } catch (err) {
      if (this.#stopping()) return;
      if (err instanceof ProviderError && !err.retryable) {
        await this.#d.writer.commitInput((await this.#d.store.getHandover(id)) ?? rec, {
          kind: 'terminate',
          reason: 'provider_error',
          message: 'The contact center refused to resume the chat.',
          failure: toFailure(err),
        });
        await this.detach(id);
        return;
      }
      // Still failing after the retries (a long REST outage while the stream is up): live events go
      // on, but the cursor stays at the gap (holdCursor) and the catch-up is tried again later — so
      // the gap is read even after a restart.
      this.#gaps.add(id);
      this.#retryCatchUpLater(id, provider, ref);
      this.#d.logger.warn({ handoverId: id, code: errorCode(err) }, 'catching up failed; trying again later');
      return;
    }
    this.#gaps.delete(id);
    this.#d.sender().flush(id);
  }

  #retryCatchUpLater(id: string, provider: HandoverProvider, ref: ProviderRef): void {
    clearTimeout(this.#catchUpTimers.get(id));
    const timer = setTimeout(() => {
      this.#catchUpTimers.delete(id);
      if (this.#live.has(id)) this.#enqueue(id, () => this.#onOpen(id, provider, ref));
    }, CATCH_UP_RETRY_MS);
    timer.unref();
    this.#catchUpTimers.set(id, timer);
  }

  /**
   * Guest chat does not replay events missed while the socket was down (protocol §9.7): read the
   * history after the cursor (all pages), then re-read the members, so a join, transfer or end that
   * happened meanwhile is not missed. Transitions are idempotent, so nothing is applied twice.
   */
  async #catchUp(id: string, provider: HandoverProvider, ref: ProviderRef): Promise<void> {
    const rec = await this.#d.store.getHandover(id);
    if (!rec || isTerminal(rec.handover.state)) return;
    const members = await provider.participants(ref, this.#d.signal);
    // Joins first, then the messages, then the leaves: an agent who joined and wrote during the gap
    // is announced before its messages, and one who wrote and left ends the chat after them.
    const apply = async (wanted: (state: string) => boolean): Promise<void> => {
      for (const { participant, state } of members.filter((m) => wanted(m.state))) {
        await this.#onProviderEvent(id, { type: 'participant', participant, state, at: this.#now() });
      }
    };
    await apply((s) => s !== 'disconnected');
    for await (const m of provider.history(ref, rec.handover.cursor, this.#d.signal)) {
      await this.#onProviderEvent(id, { type: 'message', ...m });
    }
    await apply((s) => s === 'disconnected');
  }

  /** The stream stayed down past the provider's grace: the guest is gone at the provider by now. */
  async #onLost(id: string, reason: string | undefined): Promise<void> {
    const rec = await this.#d.store.getHandover(id);
    if (rec) {
      await this.#d.writer.commitInput(rec, {
        kind: 'terminate',
        reason: 'provider_error',
        message: `The contact-center connection was lost${reason ? `: ${reason}` : ''}.`,
      });
    }
    await this.detach(id);
  }

  /** `live`: from the event stream (not from a catch-up), which must not move the cursor past a gap. */
  async #onProviderEvent(id: string, event: ProviderEvent, live = false): Promise<void> {
    const { store, writer, activity } = this.#d;
    const rec = await store.getHandover(id);
    if (!rec || isTerminal(rec.handover.state)) return;
    // De-duplicate by provider message id: a backfill overlaps the live stream by design.
    if (
      event.type === 'message' &&
      !event.own &&
      (await store.hasProviderMessage(id, event.providerMessageId))
    )
      return;
    const after = await writer.commitInput(rec, {
      kind: 'provider_event',
      event,
      holdCursor: live && this.#gaps.has(id),
    });
    const now = this.#d.clock.now().getTime();
    if (event.type === 'message' && !event.own) activity.message(id, now);
    if (after) activity.agentConnected(id, after.state === 'active', now);
    if (after && isTerminal(after.state)) await this.detach(id);
  }

  /** Starts the activity clocks from the stored transcript, so a restart does not reset them. */
  async #trackActivity(id: string): Promise<void> {
    const rec = await this.#d.store.getHandover(id);
    if (!rec) return;
    const lines = await this.#d.store.transcript(id);
    const created = Date.parse(rec.handover.createdAt);
    const last = (pred: (role: string) => boolean): number =>
      lines.reduce((max, l) => (pred(l.role) ? Math.max(max, Date.parse(l.at)) : max), created);
    this.#d.activity.track(
      id,
      last((r) => r === 'customer' || r === 'agent'),
      last((r) => r === 'customer'),
    );
    this.#d.activity.agentConnected(id, rec.handover.state === 'active', this.#d.clock.now().getTime());
  }

  #enqueue(id: string, task: () => Promise<void>): void {
    this.#d.writer.run(id, task).catch((err: unknown) => {
      if (!this.#stopping())
        this.#d.logger.error({ handoverId: id, code: errorCode(err) }, 'processing a provider event failed');
    });
  }

  #now(): string {
    return this.#d.clock.now().toISOString();
  }

  /** A method, not a property read: TypeScript would otherwise keep a narrowing across awaits. */
  #stopping(): boolean {
    return this.#d.signal.aborted;
  }
}
