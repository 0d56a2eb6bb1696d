// Conversation detail notifications for many handovers over few channels (protocol §4.6, design §8
// "one Notifications channel carries many handovers"). A watch subscribes a conversation's topics;
// topics are packed onto channel slots (≤ `maxTopicsPerChannel` each; at most `maxChannels − 1`
// slots, the last channel being the spare a renewal needs, §4.6: a 21st channel evicts the oldest).
// Channels are created lazily, renewed before they expire and re-subscribed after any reconnect
// (channel-slot.ts); watchers hear `interrupted` when events may be lost and `resubscribed` when
// they should reconcile from the conversation — notifications are hints, the conversation read is
// the truth (design §8). Frames are parsed with zod; unknown topics are counted and ignored.
import { silentLogger, type Logger } from '../../../core/ports/logger.ts';
import {
  NotificationsCapacityError,
  NotificationsSubscriptionError,
  OpenMessagingAbortedError,
} from '../errors.ts';
import type { NotificationsRest } from '../rest/notifications-api.ts';
import { ChannelSlot, type ResubscribeReason } from './channel-slot.ts';
import { defaultWebSocketFactory, type SocketDownReason } from './channel-socket.ts';
import type { ConversationDetailEvent } from './events.ts';
import { parseNotificationFrame, type IgnoredFrameReason } from './parse-frame.ts';
import { resolveNotificationsOptions, type NotificationsClientOptions } from './options.ts';
import { RecentKeys } from './recent-keys.ts';
import { Semaphore } from './semaphore.ts';
import {
  CONVERSATION_DETAIL_KINDS,
  conversationDetailTopics,
  type ConversationDetailKind,
} from './topics.ts';

/** What a watcher hears besides events. */
export type WatchState =
  /** The socket carrying this conversation dropped: events may be missed from now on. */
  | { readonly state: 'interrupted'; readonly reason: SocketDownReason }
  /** Topics are subscribed again on a live socket: re-read the conversation now. */
  | { readonly state: 'resubscribed'; readonly reason: ResubscribeReason };

export interface ConversationWatchHandlers {
  /** Called in arrival order, synchronously; exceptions are logged and swallowed. */
  readonly onEvent: (event: ConversationDetailEvent) => void;
  readonly onState?: (state: WatchState) => void;
}

export interface ConversationWatch {
  readonly conversationId: string;
  /** Stops this watch; topics nobody else watches are unsubscribed. Idempotent. */
  close(signal?: AbortSignal): Promise<void>;
}

export interface NotificationsStats {
  readonly channels: number;
  readonly topics: number;
  readonly watches: number;
  readonly heartbeats: number;
  readonly events: number;
  readonly duplicatesDropped: number;
  readonly ignoredFrames: Readonly<Record<IgnoredFrameReason, number>>;
  readonly interruptions: number;
  readonly resubscriptions: number;
  readonly renewals: number;
}

interface Watcher {
  readonly conversationId: string;
  readonly kinds: ReadonlySet<ConversationDetailKind>;
  readonly topics: readonly string[];
  readonly handlers: ConversationWatchHandlers;
}

export class NotificationsClient {
  readonly #rest: NotificationsRest;
  readonly #maxTopics: number;
  readonly #maxSlots: number;
  readonly #logger: Logger;
  readonly #slots: ChannelSlot[] = [];
  /** topic → its slot. */
  readonly #placement = new Map<string, ChannelSlot>();
  /** topic → watchers interested in it. */
  readonly #listeners = new Map<string, Set<Watcher>>();
  /** topic → the subscription call in flight for it. */
  readonly #subscribing = new Map<string, Promise<void>>();
  readonly #recent: RecentKeys;
  readonly #makeSlot: () => ChannelSlot;
  #closed = false;
  #stats = {
    heartbeats: 0,
    events: 0,
    duplicatesDropped: 0,
    interruptions: 0,
    resubscriptions: 0,
    renewals: 0,
  };
  readonly #ignored: Record<IgnoredFrameReason, number> = {
    'invalid-json': 0,
    'unknown-topic': 0,
    'schema-mismatch': 0,
    'other-metadata': 0,
  };

  constructor(options: NotificationsClientOptions) {
    const {
      maxTopicsPerChannel,
      maxChannels,
      recentEvents,
      slot: settings,
    } = resolveNotificationsOptions(options);
    this.#rest = options.rest;
    this.#maxTopics = maxTopicsPerChannel;
    this.#maxSlots = maxChannels - 1;
    this.#logger = options.logger ?? silentLogger;
    this.#recent = new RecentKeys(recentEvents);
    const clock = options.clock;
    const permits = new Semaphore(maxChannels);
    this.#makeSlot = () =>
      new ChannelSlot({
        rest: this.#rest,
        scheduler: options.scheduler,
        now: () => clock.now().getTime(),
        random: options.random,
        logger: this.#logger,
        settings,
        factory: options.webSocketFactory ?? defaultWebSocketFactory,
        channelPermits: permits,
        onFrame: (text, slot) => this.#onFrame(text, slot),
        onInterrupted: (slot, reason) => {
          this.#stats.interruptions++;
          this.#tell(slot, { state: 'interrupted', reason });
        },
        onResubscribed: (slot, reason) => {
          this.#stats.resubscriptions++;
          this.#tell(slot, { state: 'resubscribed', reason });
        },
        onRenewed: () => {
          this.#stats.renewals++;
        },
      });
  }

  get stats(): NotificationsStats {
    const watchers = new Set<Watcher>();
    for (const set of this.#listeners.values()) for (const w of set) watchers.add(w);
    return {
      ...this.#stats,
      channels: this.#slots.filter((s) => s.channelId !== undefined).length,
      topics: this.#placement.size,
      watches: watchers.size,
      ignoredFrames: { ...this.#ignored },
    };
  }

  /**
   * Subscribes the conversation's detail topics (default all four, §4.6) and resolves once they are
   * subscribed on a live socket. Rejects with NotificationsCapacityError (no room),
   * NotificationsSubscriptionError (Genesys refused a topic; nothing stays subscribed), or the REST
   * / channel error. Several watches of one conversation share the subscription.
   */
  async watchConversation(
    conversationId: string,
    handlers: ConversationWatchHandlers,
    signal: AbortSignal,
    kinds: readonly ConversationDetailKind[] = CONVERSATION_DETAIL_KINDS,
  ): Promise<ConversationWatch> {
    if (this.#closed) throw new OpenMessagingAbortedError('watchConversation');
    const topics = conversationDetailTopics(conversationId, kinds);
    const watcher: Watcher = { conversationId, kinds: new Set(kinds), topics, handlers };
    const fresh = topics.filter((t) => !this.#placement.has(t));
    // Topics another watch is still subscribing: wait for that subscription too.
    const inFlight = new Set(topics.flatMap((t) => this.#subscribing.get(t) ?? []));
    // Register first: events may arrive as soon as Genesys has the subscription.
    for (const t of topics) this.#listenersOf(t).add(watcher);
    try {
      if (fresh.length > 0) {
        const slot = this.#place(fresh.length);
        if (slot === undefined) throw new NotificationsCapacityError(this.#maxSlots + 1, this.#maxTopics);
        for (const t of fresh) {
          slot.topics.add(t);
          this.#placement.set(t, slot);
        }
        const subscribed = this.#subscribe(slot, fresh, signal);
        for (const t of fresh) this.#subscribing.set(t, subscribed);
        inFlight.add(subscribed);
      }
      await Promise.all(inFlight);
    } catch (err) {
      // Nothing of this watch stays subscribed; the HTTP timeout bounds the clean-up.
      await this.#unwatch(watcher, new AbortController().signal).catch(() => undefined);
      throw err;
    }
    let closed = false;
    return {
      conversationId,
      close: async (closeSignal?: AbortSignal) => {
        if (closed) return;
        closed = true;
        await this.#unwatch(watcher, closeSignal ?? new AbortController().signal);
      },
    };
  }

  async #subscribe(slot: ChannelSlot, topics: readonly string[], signal: AbortSignal): Promise<void> {
    try {
      const answer = await slot.add(topics, signal);
      const rejected = answer.filter((t) => t.state !== undefined && t.state.toLowerCase() === 'rejected');
      if (rejected.length > 0) {
        throw new NotificationsSubscriptionError(
          rejected.map((t) => ({
            topic: t.id,
            reason: t.rejectionReason,
            missingPermissions: t.missingPermissions,
          })),
        );
      }
    } finally {
      for (const t of topics) this.#subscribing.delete(t);
    }
  }

  /** Closes every socket and stops every timer. Subscriptions die with the channels at Genesys. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const slots = this.#slots.splice(0);
    this.#placement.clear();
    this.#listeners.clear();
    await Promise.all(slots.map((s) => s.close()));
  }

  // ---- placement ----

  /** The first slot with room for `n` more topics, or a new one while slots are allowed. */
  #place(n: number): ChannelSlot | undefined {
    const existing = this.#slots.find((s) => s.state !== 'closed' && s.topics.size + n <= this.#maxTopics);
    if (existing !== undefined) return existing;
    if (this.#slots.length >= this.#maxSlots) return undefined;
    const slot = this.#makeSlot();
    this.#slots.push(slot);
    return slot;
  }

  async #unwatch(watcher: Watcher, signal: AbortSignal): Promise<void> {
    const orphaned = this.#forget(watcher);
    const bySlot = new Map<ChannelSlot, string[]>();
    for (const t of orphaned) {
      const slot = this.#placement.get(t);
      if (slot === undefined) continue;
      this.#placement.delete(t);
      slot.topics.delete(t);
      bySlot.set(slot, [...(bySlot.get(slot) ?? []), t]);
    }
    await Promise.all([...bySlot.keys()].map((slot) => slot.remove(signal)));
  }

  /** Removes the watcher from its topics; returns the topics nobody listens to any more. */
  #forget(watcher: Watcher): string[] {
    const orphaned: string[] = [];
    for (const t of watcher.topics) {
      const set = this.#listeners.get(t);
      if (set === undefined) continue;
      set.delete(watcher);
      if (set.size === 0) {
        this.#listeners.delete(t);
        orphaned.push(t);
      }
    }
    return orphaned;
  }

  #listenersOf(topic: string): Set<Watcher> {
    let set = this.#listeners.get(topic);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(topic, set);
    }
    return set;
  }

  // ---- frames ----

  #onFrame(text: string, slot: ChannelSlot): void {
    const frame = parseNotificationFrame(text);
    switch (frame.type) {
      case 'heartbeat':
        this.#stats.heartbeats++;
        return;
      case 'socket-closing':
        // The service is about to close this slot's socket: reconnect before it does.
        this.#logger.info({ channelId: slot.channelId }, 'notification socket closing: reconnecting');
        slot.socketClosing();
        return;
      case 'ignored':
        this.#ignored[frame.reason]++;
        this.#logger.debug({ reason: frame.reason }, 'notification frame ignored');
        return;
      case 'event': {
        const event = frame.event;
        if (!this.#recent.firstTime(JSON.stringify(event))) {
          this.#stats.duplicatesDropped++;
          return;
        }
        this.#stats.events++;
        for (const w of this.#listeners.get(event.topic) ?? []) {
          if (!w.kinds.has(event.kind)) continue;
          try {
            w.handlers.onEvent(event);
          } catch (err) {
            this.#logger.warn(
              { err: errorName(err), kind: event.kind },
              'notification onEvent listener threw',
            );
          }
        }
      }
    }
  }

  /** Tells every watcher with a topic on `slot` (once per watcher). */
  #tell(slot: ChannelSlot, state: WatchState): void {
    const told = new Set<Watcher>();
    for (const t of slot.topics) {
      for (const w of this.#listeners.get(t) ?? []) {
        if (told.has(w)) continue;
        told.add(w);
        try {
          w.handlers.onState?.(state);
        } catch (err) {
          this.#logger.warn(
            { err: errorName(err), state: state.state },
            'notification onState listener threw',
          );
        }
      }
    }
  }
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}
