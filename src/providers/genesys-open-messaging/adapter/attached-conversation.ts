// One attached conversation: its notification watch (§4.6) turned into the core's participant events.
// The webhook says nothing about joins, transfers or ends (§4.6), so these come from conversation
// detail notifications — which are hints: each is checked against a conversation read (the truth,
// design §8) before the core hears of it.
//
// - `user.start` (an agent was offered the chat, or answered — the moment is [U], §4.6): the read says
//   which. An offered agent is `alerting`, then read again on a bounded backoff until it answers
//   (no notification says so) or goes; its first message on the webhook also reveals it.
// - `user.end` also fires on a reject and a transfer (§4.6 W9): `assessUserEnd` classifies it from the
//   read; agent-ended / transferred / rejected → the agent `disconnected` (the core tells which by
//   what follows), and the customer `disconnected` too when the read shows the customer gone (when an
//   agent leaves, Genesys ends the messaging conversation for the customer as well, §3.5); a
//   connected agent's leave is preceded by a catch-up, like an end (below). A read that
//   still shows the agent (`still-active`) lags the event: read again shortly, a few times, then ask
//   the core to catch up.
// - `customer.end` → the customer `disconnected` (the conversation is over).
// Whenever the conversation is over, the core is asked to catch up first (`resync`): the end must not
// overtake the agent's last messages, which may still be on their way by webhook.
//
// Events of one conversation are handled one after the other (a chain) and each waits for the core's
// commit. Time is the injected scheduler's.
import type { Clock } from '../../../core/ports/clock.ts';
import type { Logger } from '../../../core/ports/logger.ts';
import type { AttachmentHandlers, Participant, ParticipantState } from '../../../core/ports/provider.ts';
import type { Random, Scheduler, TimerHandle } from '../../../core/ports/scheduler.ts';
import { OpenMessagingError } from '../errors.ts';
import type { ConversationDetailEvent, UserEndEvent, UserStartEvent } from '../notifications/events.ts';
import type {
  ConversationWatch,
  NotificationsClient,
  WatchState,
} from '../notifications/notifications-client.ts';
import { assessUserEnd } from '../notifications/user-end.ts';
import { findCustomer } from '../rest/conversations-api.ts';
import type { MessageConversation } from '../wire/conversation.ts';
import type { AgentProfiles } from './agent-profiles.ts';
import type { ConversationMemory } from './conversation-memory.ts';
import type { ConversationReader } from './conversation-reader.ts';
import {
  agentOfEvent,
  customerGone,
  earlier,
  everConnected,
  stateOf,
  type GenesysParticipant,
} from './participants.ts';

/** Re-reads after a `user.end` the read does not confirm yet (still-active, unknown participant), ms. */
export const CONFIRM_DELAYS_MS = [500, 1_000, 2_000, 4_000] as const;
/** Re-reads while an agent is offered the chat: growing to the last delay, ms (± 20 % jitter). */
export const ALERTING_DELAYS_MS = [500, 1_000, 2_000, 3_000] as const;
/** How long an offered agent is followed, ms (Genesys' alerting timeout is set per queue, [U]). */
export const ALERTING_FOLLOW_MS = 120_000;

export interface AttachedConversationDeps {
  readonly notifications: Pick<NotificationsClient, 'watchConversation'>;
  readonly reader: ConversationReader;
  readonly profiles: AgentProfiles;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly random: Random;
  readonly logger: Logger;
}

export class AttachedConversation {
  readonly #d: AttachedConversationDeps;
  readonly #memory: ConversationMemory;
  readonly #handlers: AttachmentHandlers;
  readonly #abort = new AbortController();
  readonly #timers = new Set<TimerHandle>();
  /** Agent participants being followed while offered. */
  readonly #following = new Set<string>();
  #chain: Promise<void> = Promise.resolve();
  #watch: ConversationWatch | undefined;

  constructor(deps: AttachedConversationDeps, memory: ConversationMemory, handlers: AttachmentHandlers) {
    this.#d = deps;
    this.#memory = memory;
    this.#handlers = handlers;
  }

  /** Subscribes the conversation's topics; resolves once they are live, then tells the core `open`. */
  async open(signal: AbortSignal): Promise<void> {
    const onAbort = (): void => this.#abort.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      this.#watch = await this.#d.notifications.watchConversation(
        this.#memory.conversationId,
        {
          onEvent: (event) => this.#inOrder(() => this.#onEvent(event)),
          onState: (state) => this.#inOrder(() => this.#onWatchState(state)),
        },
        signal,
      );
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    // The watch is live: whatever happened before it is read by the catch-up `open` starts.
    this.#inOrder(() => this.#handlers.onState('open'));
  }

  async close(): Promise<void> {
    this.#abort.abort();
    for (const t of this.#timers) t.cancel();
    this.#timers.clear();
    await this.#watch?.close().catch(() => undefined);
    await this.#chain;
  }

  get #closed(): boolean {
    return this.#abort.signal.aborted;
  }

  #inOrder(step: () => Promise<void> | void): void {
    this.#chain = this.#chain
      .then(() => (this.#closed ? undefined : step()))
      .catch((err: unknown) => {
        if (this.#closed) return;
        // A read failed: dropping the event could lose a join or an end — the core catches up
        // from the participants and the history instead (de-duplication makes overlaps harmless).
        this.#d.logger.warn(
          { conversationId: this.#memory.conversationId, code: errorCode(err) },
          'a notification could not be checked; catching up',
        );
        this.#handlers.onState('resync', { reason: 'notification check failed' });
      });
  }

  /** Runs `step` in order after `ms` (unless closed first). */
  #later(ms: number, step: () => Promise<void>): void {
    const timer = this.#d.scheduler.after(ms, () => {
      this.#timers.delete(timer);
      this.#inOrder(step);
    });
    this.#timers.add(timer);
  }

  #onWatchState(state: WatchState): void {
    if (state.state === 'interrupted') {
      this.#handlers.onState('reconnecting', { reason: state.reason });
      return;
    }
    // Subscribed again (§4.6): events may have been missed — the core re-reads participants and history.
    this.#d.reader.forget(this.#memory.conversationId);
    this.#handlers.onState('resync', { reason: `notifications ${state.reason}` });
  }

  async #onEvent(event: ConversationDetailEvent): Promise<void> {
    switch (event.kind) {
      case 'user.start':
        return this.#onUserStart(event);
      case 'user.end':
        return this.#onUserEnd(event, 0);
      case 'customer.end':
        return this.#customerLeft(event.participantId ?? this.#memory.customerId, event.at);
      case 'acw':
        // Wrap-up: nothing the bot acts on.
        return;
    }
  }

  async #onUserStart(event: UserStartEvent): Promise<void> {
    const read = await this.#read();
    const agent = agentOfEvent(read, event);
    if (agent === undefined) {
      // The read does not show the participant yet: it lags the event.
      this.#confirmLater(0, () => this.#onUserStart(event), 'user.start');
      return;
    }
    if (everConnected(agent)) {
      await this.#agent(agent, 'connected', earlier(agent.connectedTime, event.at));
      return;
    }
    if (stateOf(agent) !== 'alerting') return; // offered and gone again: its user.end says how
    await this.#agent(agent, 'alerting', event.at);
    this.#followOffer(agent.id, 0, 0);
  }

  /** Reads again while the agent is offered: nothing is notified when it answers (§4.6). */
  #followOffer(participantId: string, attempt: number, waitedMs: number): void {
    if (attempt === 0) {
      if (this.#following.has(participantId)) return;
      this.#following.add(participantId);
    }
    const base = ALERTING_DELAYS_MS[Math.min(attempt, ALERTING_DELAYS_MS.length - 1)] ?? 3_000;
    const delay = Math.round(base * (0.8 + 0.4 * this.#d.random()));
    if (waitedMs + delay > ALERTING_FOLLOW_MS || this.#memory.ended) {
      this.#following.delete(participantId);
      return;
    }
    this.#later(delay, async () => {
      const read = await this.#read();
      const agent = read.participants.find((p) => p.id === participantId);
      if (agent !== undefined && everConnected(agent)) {
        this.#following.delete(participantId);
        await this.#agent(agent, 'connected', agent.connectedTime ?? this.#d.clock.now().toISOString());
        return;
      }
      if (agent === undefined || stateOf(agent) !== 'alerting') {
        this.#following.delete(participantId);
        return;
      }
      this.#followOffer(participantId, attempt + 1, waitedMs + delay);
    });
  }

  async #onUserEnd(event: UserEndEvent, attempt: number): Promise<void> {
    const read = await this.#read();
    // confirmUserEnd's classification, on a read that also refreshes what the provider keeps.
    const { outcome, participant } = assessUserEnd(event, read);
    switch (outcome) {
      case 'still-active':
      case 'unknown-participant':
        this.#confirmLater(attempt, () => this.#onUserEnd(event, attempt + 1), 'user.end');
        return;
      case 'conversation-ended':
        await this.#customerLeft(findCustomer(read)?.id ?? this.#memory.customerId, event.at, read);
        return;
      case 'agent-ended':
      case 'transferred':
      case 'rejected':
        if (participant !== undefined) {
          this.#following.delete(participant.id);
          // An agent who was connected may have written just before leaving, and that message comes
          // by webhook — late, or still being retried (§4.5). The core reads the conversation first
          // (this read began after the event, and is the one kept), so the bot never hears an
          // agent's message after hearing that the agent left.
          if (everConnected(participant)) this.#handlers.onState('resync', { reason: 'an agent left' });
          await this.#agent(participant, 'disconnected', participant.endTime ?? event.at);
        }
        if (customerGone(read))
          await this.#customerLeft(findCustomer(read)?.id ?? this.#memory.customerId, event.at, read);
        return;
    }
  }

  /** A lagging read: try again a few times, then let the core catch up from the truth. */
  #confirmLater(attempt: number, step: () => Promise<void>, what: string): void {
    const delay = CONFIRM_DELAYS_MS[attempt];
    if (delay === undefined) {
      this.#d.logger.info(
        { conversationId: this.#memory.conversationId, what },
        'notification not confirmed by the conversation; catching up',
      );
      this.#handlers.onState('resync', { reason: `${what} not confirmed` });
      return;
    }
    this.#later(delay, step);
  }

  async #agent(p: GenesysParticipant, state: ParticipantState, at: string): Promise<void> {
    const participant: Participant = await this.#d.profiles.participant(p, this.#abort.signal);
    if (state === 'connected') {
      this.#memory.agent = p;
      this.#memory.announced.add(p.id);
    } else if (state === 'disconnected' && this.#memory.agent?.id === p.id) {
      this.#memory.agent = undefined;
    }
    await this.#handlers.onEvent({ type: 'participant', participant, state, at });
  }

  async #customerLeft(participantId: string, eventAt: string, read?: MessageConversation): Promise<void> {
    this.#memory.ended = true;
    // The end comes by notification (§4.6), the agent's last messages by webhook — possibly late or
    // still being retried (§4.5). The core catches up first (messages from the cursor, then the
    // leaves: the conversation holds them in order) and holds this end until then, so it is never
    // committed ahead of a message the agent wrote before it. That catch-up must read the
    // conversation as it is now: a read kept from before the end (reads are reused for a moment)
    // may lack the agent's last message, and the end would then be committed without it — for
    // good. A `read` given here began after the event; without one, what is kept is forgotten.
    if (read === undefined) this.#d.reader.forget(this.#memory.conversationId);
    this.#handlers.onState('resync', { reason: 'the conversation ended' });
    const customer = read === undefined ? undefined : findCustomer(read);
    await this.#handlers.onEvent({
      type: 'participant',
      participant: { id: participantId, role: 'customer' },
      state: 'disconnected',
      at: customer?.endTime ?? eventAt,
    });
  }

  /** A read that begins now, abortable by close. */
  #read(): Promise<MessageConversation> {
    return this.#d.reader.fresh(this.#memory.conversationId, this.#abort.signal);
  }
}

function errorCode(err: unknown): string {
  if (err instanceof OpenMessagingError) return err.code;
  return err instanceof Error ? err.name : 'unknown';
}
