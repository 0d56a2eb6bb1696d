// One place for up to `maxTopicsPerChannel` topics: the Genesys notification channel behind it and
// its WebSocket (protocol §4.6). The slot outlives channels — it swaps in a new one when:
// - the socket drops or the watchdog finds it silent → reconnect to the same channel with backoff,
//   or to a new channel when the old is gone (handshake refused, expired); then PUT every topic
//   again (re-subscribe) and tell the owner, who reconciles (events may have been missed);
// - `v2.system.socket_closing` → make-before-break: a second socket first, then close the first;
// - the channel nears its 24 h expiry → renewal: a new channel, its socket, PUT the topics there,
//   then drop the old channel (make-before-break; duplicates are removed by the owner).
// Operations on a slot run one at a time (a promise chain), so a PUT of the full list never races
// a POST of new topics.
import type { Logger } from '../../../core/ports/logger.ts';
import type { Random, Scheduler, TimerHandle } from '../../../core/ports/scheduler.ts';
import { retryDelay, type BackoffPolicy } from '../../../core/retry/backoff.ts';
import { NotificationsChannelError, OpenMessagingAbortedError, OpenMessagingApiError } from '../errors.ts';
import type { NotificationsRest } from '../rest/notifications-api.ts';
import type { ChannelTopic, NotificationChannel } from '../wire/notification-channel.ts';
import { ChannelSocket, type SocketDownReason, type WebSocketFactory } from './channel-socket.ts';
import type { Semaphore } from './semaphore.ts';

export interface SlotSettings {
  readonly connectTimeoutMs: number;
  readonly watchdogMs: number;
  readonly closeTimeoutMs: number;
  readonly maxFrameBytes: number;
  readonly renewBeforeExpiryMs: number;
  /** Assumed channel life when Genesys gives no `expires`, ms (§4.6: 24 h). */
  readonly channelLifetimeMs: number;
  readonly reconnectBackoff: BackoffPolicy;
}

/** Why the slot re-subscribed its topics on a new socket. */
export type ResubscribeReason = SocketDownReason | 'socket-closing' | 'channel-gone';

export interface SlotContext {
  readonly rest: NotificationsRest;
  readonly scheduler: Scheduler;
  readonly now: () => number;
  readonly random: Random;
  readonly logger: Logger;
  readonly settings: SlotSettings;
  readonly factory: WebSocketFactory;
  /** One permit per channel alive at Genesys (§4.6: a 21st channel evicts the oldest). */
  readonly channelPermits: Semaphore;
  readonly onFrame: (text: string, slot: ChannelSlot) => void;
  /** The socket went down: events may be missed until `onResubscribed`. */
  readonly onInterrupted: (slot: ChannelSlot, reason: SocketDownReason) => void;
  /** Every topic is subscribed again on a live socket: reconcile from the conversation now. */
  readonly onResubscribed: (slot: ChannelSlot, reason: ResubscribeReason) => void;
  readonly onRenewed: (slot: ChannelSlot) => void;
}

interface LiveChannel {
  readonly channel: NotificationChannel;
  readonly expiresAt: number;
  readonly release: () => void;
}

export type SlotState = 'idle' | 'open' | 'down' | 'closed';

export class ChannelSlot {
  /** The topics that should be subscribed here (placement reserves them before the REST call). */
  readonly topics = new Set<string>();
  readonly #ctx: SlotContext;
  readonly #closing = new AbortController();
  #live: LiveChannel | undefined;
  #socket: ChannelSocket | undefined;
  #state: SlotState = 'idle';
  #queue: Promise<unknown> = Promise.resolve();
  #renewTimer: TimerHandle | undefined;
  #reconnectTimer: TimerHandle | undefined;
  #failures = 0;

  constructor(context: SlotContext) {
    this.#ctx = context;
  }

  get state(): SlotState {
    return this.#state;
  }

  /** The current Genesys channel id (not a secret; for logs and tests). */
  get channelId(): string | undefined {
    return this.#live?.channel.id;
  }

  /**
   * Subscribes `topics` (already in `this.topics`); resolves with Genesys' answer for them. A channel
   * Genesys no longer has (404: evicted by a 21st channel of the client, or expired, §4.6) is
   * replaced on the spot — a new channel, every topic of the slot moved there, the owner told — so
   * the watch does not fail for good over something the slot can mend.
   */
  add(topics: readonly string[], signal: AbortSignal): Promise<ChannelTopic[]> {
    return this.#enqueue(async () => {
      const both = AbortSignal.any([signal, this.#closing.signal]);
      let live = await this.#ensureOpen(both);
      const wanted = topics.filter((t) => this.topics.has(t));
      if (wanted.length === 0) return [];
      let answer: ChannelTopic[];
      try {
        answer = await this.#ctx.rest.addSubscriptions(live.channel.id, wanted, { signal: both });
      } catch (err) {
        if (!(err instanceof OpenMessagingApiError && err.status === 404)) throw err;
        this.#ctx.logger.warn({ channelId: live.channel.id }, 'notification channel gone: replacing it');
        this.#drop();
        await this.#reconnect('channel-gone');
        if (this.#live === undefined || this.#state !== 'open')
          throw new NotificationsChannelError('the channel is gone and could not be replaced yet');
        live = this.#live;
        // The reconnect PUT every topic of the slot; this asks for Genesys' word on these.
        answer = await this.#ctx.rest.addSubscriptions(live.channel.id, wanted, { signal: both });
      }
      return answer.filter((t) => wanted.includes(t.id));
    });
  }

  /** Unsubscribes `topics` (already removed from `this.topics`): PUT the rest, or DELETE all. */
  remove(signal: AbortSignal): Promise<void> {
    return this.#enqueue(async () => {
      const live = this.#live;
      if (live === undefined) return;
      const both = AbortSignal.any([signal, this.#closing.signal]);
      if (this.topics.size === 0) await this.#ctx.rest.deleteSubscriptions(live.channel.id, { signal: both });
      else await this.#ctx.rest.replaceSubscriptions(live.channel.id, [...this.topics], { signal: both });
    });
  }

  /** A `v2.system.socket_closing` frame arrived on this slot's socket. */
  socketClosing(): void {
    void this.#enqueue(() => this.#reconnect('socket-closing')).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#closing.abort();
    this.#renewTimer?.cancel();
    this.#reconnectTimer?.cancel();
    const socket = this.#socket;
    this.#socket = undefined;
    await socket?.close();
    this.#live?.release();
    this.#live = undefined;
  }

  // ---- channel and socket ----

  async #ensureOpen(signal: AbortSignal): Promise<LiveChannel> {
    if (this.#state === 'closed') throw new OpenMessagingAbortedError('subscribe');
    // While down, REST subscriptions still register; the reconnect PUTs everything again anyway.
    if (this.#live !== undefined && (this.#state === 'open' || this.#state === 'down')) return this.#live;
    if (this.#live === undefined || this.#expired(this.#live)) this.#adopt(await this.#createChannel(signal));
    const live = this.#live;
    if (live === undefined) throw new OpenMessagingAbortedError('subscribe');
    try {
      this.#socket = await this.#openSocket(live, signal);
    } catch (err) {
      // The channel is kept unless Genesys refused it: creating channels in a loop would evict ours.
      if (err instanceof NotificationsChannelError && err.reason === 'rejected') this.#drop();
      throw err;
    }
    this.#state = 'open';
    return live;
  }

  async #createChannel(signal: AbortSignal): Promise<LiveChannel> {
    const release = await this.#ctx.channelPermits.acquire(signal, 'createNotificationChannel');
    try {
      const channel = await this.#ctx.rest.createChannel({ signal });
      return { channel, expiresAt: this.#expiryOf(channel), release };
    } catch (err) {
      release();
      throw err;
    }
  }

  /**
   * When a new channel expires. `expires` is Genesys' clock; if it is absent, unreadable or already
   * within the renewal margin by our clock (clock skew), 24 h (§4.6) are assumed — renewing at once
   * would create channel after channel, and each one counts against the 20 of the OAuth client.
   */
  #expiryOf(channel: NotificationChannel): number {
    const now = this.#ctx.now();
    const expires = channel.expires === undefined ? Number.NaN : Date.parse(channel.expires);
    if (expires - now > this.#ctx.settings.renewBeforeExpiryMs) return expires;
    return now + this.#ctx.settings.channelLifetimeMs;
  }

  /** Makes `live` the slot's channel and plans its renewal. */
  #adopt(live: LiveChannel): void {
    this.#live?.release();
    this.#live = live;
    this.#renewTimer?.cancel();
    const at = live.expiresAt - this.#ctx.settings.renewBeforeExpiryMs;
    this.#renewTimer = this.#ctx.scheduler.after(Math.max(0, at - this.#ctx.now()), () => {
      this.#renewTimer = undefined;
      void this.#enqueue(() => this.#renew()).catch(() => undefined);
    });
  }

  #drop(): void {
    this.#renewTimer?.cancel();
    this.#renewTimer = undefined;
    this.#live?.release();
    this.#live = undefined;
  }

  #expired(live: LiveChannel): boolean {
    return this.#ctx.now() >= live.expiresAt;
  }

  async #openSocket(live: LiveChannel, signal: AbortSignal): Promise<ChannelSocket> {
    const { settings } = this.#ctx;
    const socket: ChannelSocket = new ChannelSocket({
      connectUri: live.channel.connectUri,
      scheduler: this.#ctx.scheduler,
      now: this.#ctx.now,
      connectTimeoutMs: settings.connectTimeoutMs,
      watchdogMs: settings.watchdogMs,
      closeTimeoutMs: settings.closeTimeoutMs,
      maxFrameBytes: settings.maxFrameBytes,
      factory: this.#ctx.factory,
      // Frames of a socket being replaced still count (make-before-break); the owner drops repeats.
      onFrame: (text) => {
        if (!this.#isClosed()) this.#ctx.onFrame(text, this);
      },
      onDown: (reason) => {
        if (this.#socket !== socket) return;
        this.#socket = undefined;
        this.#onDown(reason);
      },
    });
    await socket.open(signal);
    return socket;
  }

  // ---- reconnect, socket_closing, renewal ----

  #onDown(reason: SocketDownReason): void {
    if (this.#state === 'closed') return;
    this.#state = 'down';
    this.#ctx.logger.warn({ channelId: this.channelId, reason }, 'notification socket down: reconnecting');
    this.#ctx.onInterrupted(this, reason);
    this.#scheduleReconnect(reason);
  }

  #scheduleReconnect(reason: ResubscribeReason): void {
    if (this.#state === 'closed' || this.#reconnectTimer !== undefined) return;
    this.#failures++;
    const delay = retryDelay(this.#failures, this.#ctx.settings.reconnectBackoff, this.#ctx.random);
    this.#reconnectTimer = this.#ctx.scheduler.after(delay, () => {
      this.#reconnectTimer = undefined;
      void this.#enqueue(() => this.#reconnect(reason)).catch(() => undefined);
    });
  }

  /**
   * A new socket (on the same channel while it lives, else on a new one), the whole topic list
   * PUT again, and only then the old socket closed. On failure: back off and try again.
   */
  async #reconnect(reason: ResubscribeReason): Promise<void> {
    if (this.#state === 'closed') return;
    const signal = this.#closing.signal;
    let why = reason;
    try {
      if (this.#live === undefined || this.#expired(this.#live)) {
        this.#drop();
        this.#adopt(await this.#createChannel(signal));
        why = 'channel-gone';
      }
      let live = this.#live;
      if (live === undefined) return;
      let socket: ChannelSocket;
      try {
        socket = await this.#openSocket(live, signal);
      } catch (err) {
        if (!(err instanceof NotificationsChannelError && err.reason === 'rejected')) throw err;
        // The channel is gone at Genesys (expired, evicted): a new channel, then its socket.
        this.#drop();
        this.#adopt(await this.#createChannel(signal));
        live = this.#live;
        if (live === undefined) return;
        why = 'channel-gone';
        socket = await this.#openSocket(live, signal);
      }
      const old = this.#socket;
      this.#socket = socket;
      this.#state = 'open';
      if (this.topics.size > 0)
        await this.#ctx.rest.replaceSubscriptions(live.channel.id, [...this.topics], { signal });
      await old?.close();
      this.#failures = 0;
      // A drop while this reconnect ran (e.g. the old socket closed right after socket_closing)
      // planned another reconnect: this one already did the job.
      this.#reconnectTimer?.cancel();
      this.#reconnectTimer = undefined;
      this.#ctx.onResubscribed(this, why);
    } catch (err) {
      if (this.#isClosed()) return;
      this.#ctx.logger.warn(
        { channelId: this.channelId, reason, err: errorName(err) },
        'notification reconnect failed',
      );
      // A socket_closing reconnect that failed leaves the old socket in place until it drops.
      if (this.#socket === undefined) {
        this.#state = 'down';
        this.#scheduleReconnect(reason);
      }
    }
  }

  /** §4.6: channels live 24 h. New channel first, topics moved, then the old one dropped. */
  async #renew(): Promise<void> {
    const old = this.#live;
    if (this.#state === 'closed' || old === undefined) return;
    if (this.topics.size === 0) {
      // Nothing to carry over: let the channel go; the next subscription creates one lazily.
      const socket = this.#socket;
      this.#socket = undefined;
      this.#state = 'idle';
      this.#drop();
      await socket?.close();
      return;
    }
    const signal = this.#closing.signal;
    let next: LiveChannel | undefined;
    try {
      next = await this.#createChannel(signal);
      const socket = await this.#openSocket(next, signal);
      try {
        await this.#ctx.rest.replaceSubscriptions(next.channel.id, [...this.topics], { signal });
      } catch (err) {
        await socket.close();
        throw err;
      }
      const oldSocket = this.#socket;
      this.#socket = socket;
      this.#state = 'open';
      this.#adopt(next);
      next = undefined;
      await oldSocket?.close();
      // Polite, not required: the old channel dies at its expiry anyway.
      await this.#ctx.rest.deleteSubscriptions(old.channel.id, { signal }).catch(() => undefined);
      this.#ctx.onRenewed(this);
    } catch (err) {
      next?.release();
      if (this.#isClosed()) return;
      this.#ctx.logger.warn(
        { channelId: old.channel.id, err: errorName(err) },
        'notification channel renewal failed',
      );
      // Try again on a backoff while the old channel lives; after that the reconnect path takes over.
      this.#failures++;
      const delay = retryDelay(this.#failures, this.#ctx.settings.reconnectBackoff, this.#ctx.random);
      if (this.#ctx.now() + delay < old.expiresAt) {
        this.#renewTimer?.cancel();
        this.#renewTimer = this.#ctx.scheduler.after(delay, () => {
          this.#renewTimer = undefined;
          void this.#enqueue(() => this.#renew()).catch(() => undefined);
        });
      }
    }
  }

  // A method, not a field read: TypeScript would keep an earlier narrowing across awaits.
  #isClosed(): boolean {
    return this.#state === 'closed';
  }

  #enqueue<T>(op: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(op, op);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}
