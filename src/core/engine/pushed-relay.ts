// Pushed events (Open Messaging's webhook, §4.5) when several instances share one database (issue
// 14): the call reaches whichever instance the load balancer picked, but only the owner of the
// handover has its session. So:
// - the owner commits the events through its session, as one instance alone does;
// - any other instance — or the owner while the session is not up yet (just taken over, still
//   attaching) — persists them in the inbox (ports/pushed-inbox.ts) and answers 2xx once they are
//   durable; the inbox wakes the owner;
// - the owner drains a handover's entries oldest first, one at a time, through the same session
//   path (`acceptPushed`): each is removed only after it is committed, so a crash in between commits
//   it again — a no-op, the session skips a provider message it has.
// An owner taking a handover over drains it too, and a slow safety poll finds what a lost wake-up
// left behind. The order inside one handover is kept twice: entries by arrival, and the session's
// own rule that a pushed message is committed only after the one it `follows`.
import type { Logger } from '../ports/logger.ts';
import type { Unsubscribe } from '../ports/notifier.ts';
import type { ProviderEvent } from '../ports/provider.ts';
import type { PushedInbox } from '../ports/pushed-inbox.ts';
import type { Scheduler, TimerHandle } from '../ports/scheduler.ts';
import { errorCode } from './errors.ts';

type Outcome = 'committed' | 'ignored' | 'not-ready';

export interface PushedRelayDeps {
  readonly inbox: PushedInbox;
  /** This instance owns the handover (lease-keeper.ts). */
  readonly owns: (handoverId: string) => boolean;
  /** The engine's own intake (HandoverEngine.acceptPushed): committed through the live session. */
  readonly acceptPushed: (
    endpointId: string,
    handoverId: string,
    events: readonly ProviderEvent[],
  ) => Promise<Outcome>;
  readonly scheduler: Scheduler;
  readonly logger: Logger;
  /** An entry the session could not take yet is tried again after this, ms. Default 250. */
  readonly retryMs?: number;
  /** The safety poll, ms. Default 5,000. */
  readonly pollMs?: number;
}

/** Entries read per round of a drain. */
const BATCH = 50;
/** Handovers the safety poll looks at per round. */
const POLL_HANDOVERS = 1_000;

export class PushedRelay {
  readonly #d: PushedRelayDeps;
  readonly #draining = new Map<string, Promise<void>>();
  readonly #again = new Set<string>();
  readonly #retries = new Map<string, TimerHandle>();
  #unsubscribe: Unsubscribe | undefined;
  #poll: TimerHandle | undefined;
  #stopped = false;

  constructor(deps: PushedRelayDeps) {
    this.#d = deps;
  }

  start(): void {
    this.#unsubscribe = this.#d.inbox.onArrival((id) => (id === '' ? void this.#pollOnce() : this.wake(id)));
    this.#poll = this.#d.scheduler.every(this.#d.pollMs ?? 5_000, () => void this.#pollOnce());
  }

  stop(): void {
    this.#stopped = true;
    this.#unsubscribe?.();
    this.#poll?.cancel();
    for (const timer of this.#retries.values()) timer.cancel();
    this.#retries.clear();
  }

  /**
   * A pushed call's events, from the webhook route. `committed` means durable — in the store through
   * the session, or in the inbox for the owner: the provider may be answered 2xx.
   */
  async accept(endpointId: string, handoverId: string, events: readonly ProviderEvent[]): Promise<Outcome> {
    if (this.#d.owns(handoverId)) {
      try {
        const outcome = await this.#d.acceptPushed(endpointId, handoverId, events);
        if (outcome !== 'not-ready') return outcome;
      } catch (err) {
        // The session stopped under it (the lease was lost, a hand-back): the inbox takes it.
        this.#d.logger.info(
          { handoverId, code: errorCode(err) },
          'pushed events not committed here; to the inbox',
        );
      }
    }
    if (this.#stopped) return 'not-ready';
    const stored = await this.#d.inbox.put(endpointId, handoverId, dedupeKey(events), events);
    return stored === 'stored' ? 'committed' : 'ignored';
  }

  /** The handover has entries (put on any instance), or was just adopted: drain it if owned here. */
  wake(handoverId: string): void {
    if (this.#stopped || !this.#d.owns(handoverId)) return;
    if (this.#draining.has(handoverId)) {
      this.#again.add(handoverId);
      return;
    }
    const run = (async () => {
      do {
        this.#again.delete(handoverId);
        await this.#drain(handoverId);
      } while (this.#again.has(handoverId) && !this.#stopped);
    })().finally(() => this.#draining.delete(handoverId));
    this.#draining.set(handoverId, run);
  }

  async #drain(id: string): Promise<void> {
    try {
      for (;;) {
        if (this.#halted(id)) return;
        const entries = await this.#d.inbox.pending(id, BATCH);
        if (entries.length === 0) return;
        for (const entry of entries) {
          if (this.#halted(id)) return;
          const outcome = await this.#d.acceptPushed(entry.endpointId, id, entry.events);
          if (outcome === 'not-ready') {
            this.#retry(id); // the session is coming up (a takeover attaching)
            return;
          }
          await this.#d.inbox.remove(entry.id);
        }
      }
    } catch (err) {
      if (this.#stopped) return;
      this.#d.logger.warn(
        { handoverId: id, code: errorCode(err) },
        'pushed events from the inbox not committed yet',
      );
      this.#retry(id);
    }
  }

  /** A method, not a property read: TypeScript would keep a narrowing across the awaits. */
  #halted(id: string): boolean {
    return this.#stopped || !this.#d.owns(id);
  }

  #retry(id: string): void {
    if (this.#stopped || this.#retries.has(id)) return;
    this.#retries.set(
      id,
      this.#d.scheduler.after(this.#d.retryMs ?? 250, () => {
        this.#retries.delete(id);
        this.wake(id);
      }),
    );
  }

  async #pollOnce(): Promise<void> {
    if (this.#stopped) return;
    try {
      for (const id of await this.#d.inbox.handovers(POLL_HANDOVERS)) this.wake(id);
    } catch (err) {
      this.#d.logger.warn({ code: errorCode(err) }, 'polling the pushed-events inbox failed');
    }
  }
}

/**
 * One inbox entry per provider message: a redelivered call (to this instance or another) is stored
 * once. A call without a message (typing, a participant) is keyed by what it says and when.
 */
export function dedupeKey(events: readonly ProviderEvent[]): string {
  const message = events.find((e) => e.type === 'message');
  if (message) return `message:${message.providerMessageId}`;
  return events
    .map((e) =>
      e.type === 'participant'
        ? `${e.participant.id}:${e.state}:${e.at}`
        : `${e.type}:${e.participant.id}:${e.at}`,
    )
    .join('|');
}
