// Notification channels (OM doc §4.6): created per OAuth client (at most `maxChannelsPerClient`; one
// more evicts the oldest), each with up to `maxTopicsPerChannel` topics, living `channelLifetimeMs`
// after its creation or last subscription change. Events go to every channel subscribed to their
// topic; sockets attach to a channel through its connectUri and keep its subscriptions across
// reconnects. Expiry and faults send `v2.system.socket_closing` before closing.
import { randomBytes } from 'node:crypto';
import type { EventStreamHub } from '../hub.ts';
import { eventFrame, socketClosingFrame, type NotificationFrame } from './frames.ts';
import type { ResolvedNotificationOptions } from './options.ts';

export interface Channel {
  readonly id: string;
  readonly clientId: string;
  readonly createdAt: number;
  expiresAt: number;
  readonly topics: Set<string>;
}

type Limits = Pick<
  ResolvedNotificationOptions,
  'channelLifetimeMs' | 'maxChannelsPerClient' | 'maxTopicsPerChannel'
>;

/** Genesys channel ids look like `streaming-0-<26 base32 chars>`. */
function channelId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return `streaming-0-${[...randomBytes(26)].map((b) => alphabet[b % 32] ?? 'a').join('')}`;
}

export class ChannelRegistry {
  readonly #limits: Limits;
  readonly #hub: EventStreamHub<NotificationFrame>;
  readonly #channels = new Map<string, Channel>();
  readonly #expiry = new Map<string, NodeJS.Timeout>();
  readonly #closeTimers = new Set<NodeJS.Timeout>();

  constructor(limits: Limits, hub: EventStreamHub<NotificationFrame>) {
    this.#limits = limits;
    this.#hub = hub;
  }

  get maxTopics(): number {
    return this.#limits.maxTopicsPerChannel;
  }

  create(clientId: string): Channel {
    const own = this.listFor(clientId);
    // §4.6: a 21st channel evicts the oldest one of the same client.
    for (const old of own.slice(0, Math.max(0, own.length - this.#limits.maxChannelsPerClient + 1))) {
      this.#remove(old.id, 'socket-closing');
    }
    const now = Date.now();
    const channel: Channel = {
      id: channelId(),
      clientId,
      createdAt: now,
      expiresAt: now + this.#limits.channelLifetimeMs,
      topics: new Set(),
    };
    this.#channels.set(channel.id, channel);
    this.#scheduleExpiry(channel);
    return channel;
  }

  get(id: string): Channel | undefined {
    return this.#channels.get(id);
  }

  /** The client's channels, oldest first. */
  listFor(clientId: string): Channel[] {
    return [...this.#channels.values()].filter((c) => c.clientId === clientId);
  }

  /** Replaces (PUT) or extends (POST) the topics; the caller has checked them. Renews the lifetime. */
  subscribe(channel: Channel, topics: readonly string[], mode: 'replace' | 'add'): void {
    if (mode === 'replace') channel.topics.clear();
    for (const topic of topics) channel.topics.add(topic);
    channel.expiresAt = Date.now() + this.#limits.channelLifetimeMs;
    this.#scheduleExpiry(channel);
  }

  unsubscribeAll(channel: Channel): void {
    channel.topics.clear();
  }

  /** Builds the body only when some channel subscribes to the topic. */
  publish(topic: string, body: () => unknown): void {
    let built: unknown;
    for (const channel of this.#channels.values()) {
      if (!channel.topics.has(topic)) continue;
      built ??= body();
      this.#hub.publish(channel.id, eventFrame(topic, built));
    }
  }

  /**
   * Fault injection (and eviction, expiry): `drop` kills the sockets without a close frame;
   * `socket-closing` sends `v2.system.socket_closing`, then closes them normally. The channel and its
   * subscriptions stay (a client reconnects to the same connectUri). Returns the sockets affected.
   */
  closeSockets(channelId: string | undefined, mode: 'drop' | 'socket-closing'): number {
    const ids = channelId === undefined ? [...this.#channels.keys()] : [channelId];
    let n = 0;
    for (const id of ids) {
      if (mode === 'drop') {
        n += this.#hub.drop(id);
        continue;
      }
      // Let the frame leave before the close frame; only the sockets warned are closed (§4.6: the
      // client's replacement socket, opened in between, stays).
      const warned = this.#hub.warnThenClose(id, socketClosingFrame(id), 10, 1000, 'socket closing');
      n += warned.count;
      this.#closeTimers.add(warned.timer);
    }
    return n;
  }

  close(): void {
    for (const timer of this.#expiry.values()) clearTimeout(timer);
    this.#expiry.clear();
    for (const timer of this.#closeTimers) clearTimeout(timer);
    this.#closeTimers.clear();
    this.#channels.clear();
  }

  #remove(id: string, mode: 'drop' | 'socket-closing'): void {
    this.closeSockets(id, mode);
    this.#channels.delete(id);
    const timer = this.#expiry.get(id);
    if (timer) clearTimeout(timer);
    this.#expiry.delete(id);
  }

  #scheduleExpiry(channel: Channel): void {
    const previous = this.#expiry.get(channel.id);
    if (previous) clearTimeout(previous);
    // setTimeout overflows beyond 2^31-1 ms (~24.8 days).
    const delay = Math.min(channel.expiresAt - Date.now(), 2 ** 31 - 1);
    const timer = setTimeout(() => this.#remove(channel.id, 'socket-closing'), delay);
    timer.unref();
    this.#expiry.set(channel.id, timer);
  }
}
