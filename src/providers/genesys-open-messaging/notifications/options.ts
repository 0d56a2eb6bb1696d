// Options of the notifications client with their units and defaults, checked once (protocol §4.6
// for the limits: 1,000 topics a channel, 20 channels an OAuth client, 24 h a channel).
import type { Clock } from '../../../core/ports/clock.ts';
import type { Logger } from '../../../core/ports/logger.ts';
import type { Random, Scheduler } from '../../../core/ports/scheduler.ts';
import type { BackoffPolicy } from '../../../core/retry/backoff.ts';
import { OpenMessagingConfigError } from '../errors.ts';
import type { NotificationsRest } from '../rest/notifications-api.ts';
import type { SlotSettings } from './channel-slot.ts';
import type { WebSocketFactory } from './channel-socket.ts';
import { CONVERSATION_DETAIL_KINDS } from './topics.ts';

export interface NotificationsClientOptions {
  /** Channel and subscription REST calls (normally the client's `NotificationsApi`). */
  readonly rest: NotificationsRest;
  /** Topics per channel. Default 1000 (§4.6). */
  readonly maxTopicsPerChannel?: number;
  /** Channels per OAuth client, spare included. Default 20 (§4.6). At least 2. */
  readonly maxChannels?: number;
  /** Expected heartbeat period, ms. Default 30000 (guest-chat protocol §12, S19). */
  readonly heartbeatIntervalMs?: number;
  /** Silence of `watchdogFactor × heartbeatIntervalMs` counts as a dead socket. Default 2.5; 0 disables. */
  readonly watchdogFactor?: number;
  /** WebSocket handshake timeout, ms. Default 10000. */
  readonly connectTimeoutMs?: number;
  /** Close handshake before terminating, ms. Default 1000. */
  readonly closeTimeoutMs?: number;
  /** Renew a channel this long before it expires, ms. Default 600000 (10 min). */
  readonly renewBeforeExpiryMs?: number;
  /** Channel life assumed when Genesys sends no `expires`, ms. Default 86400000 (24 h, §4.6). */
  readonly channelLifetimeMs?: number;
  /** Reconnect backoff (full jitter). Default 500 ms initial, 30 s max. */
  readonly reconnectBackoff?: BackoffPolicy;
  /** Largest accepted frame, bytes. Default 1 MiB. */
  readonly maxFrameBytes?: number;
  /** How many recent events are remembered to drop repeats (renewal overlap). Default 4096. */
  readonly recentEvents?: number;
  readonly webSocketFactory?: WebSocketFactory;
  /** Time and chance, injected (tests: VirtualTime). */
  readonly scheduler: Scheduler;
  readonly clock: Clock;
  readonly random: Random;
  /** Log lines carry channel ids, counts and reasons; never frame bodies or connect URIs. */
  readonly logger?: Logger;
}

export const NOTIFICATIONS_DEFAULTS = {
  maxTopicsPerChannel: 1000,
  maxChannels: 20,
  heartbeatIntervalMs: 30_000,
  watchdogFactor: 2.5,
  connectTimeoutMs: 10_000,
  closeTimeoutMs: 1_000,
  renewBeforeExpiryMs: 600_000,
  channelLifetimeMs: 86_400_000,
  reconnectBackoff: { initialDelayMs: 500, maxDelayMs: 30_000 },
  maxFrameBytes: 1024 * 1024,
  recentEvents: 4096,
} as const;

export interface ResolvedNotificationsOptions {
  readonly maxTopicsPerChannel: number;
  readonly maxChannels: number;
  readonly recentEvents: number;
  readonly slot: SlotSettings;
}

export function resolveNotificationsOptions(
  options: NotificationsClientOptions,
): ResolvedNotificationsOptions {
  const d = NOTIFICATIONS_DEFAULTS;
  const maxTopicsPerChannel = options.maxTopicsPerChannel ?? d.maxTopicsPerChannel;
  const maxChannels = options.maxChannels ?? d.maxChannels;
  // A conversation's topics always share a channel, so one channel must hold them all.
  if (!Number.isInteger(maxTopicsPerChannel) || maxTopicsPerChannel < CONVERSATION_DETAIL_KINDS.length) {
    throw new OpenMessagingConfigError(
      `maxTopicsPerChannel must be an integer >= ${CONVERSATION_DETAIL_KINDS.length}`,
    );
  }
  if (!Number.isInteger(maxChannels) || maxChannels < 2) {
    throw new OpenMessagingConfigError(
      'maxChannels must be an integer >= 2 (one is kept spare for renewals)',
    );
  }
  const slot: SlotSettings = {
    connectTimeoutMs: options.connectTimeoutMs ?? d.connectTimeoutMs,
    watchdogMs:
      (options.heartbeatIntervalMs ?? d.heartbeatIntervalMs) * (options.watchdogFactor ?? d.watchdogFactor),
    closeTimeoutMs: options.closeTimeoutMs ?? d.closeTimeoutMs,
    maxFrameBytes: options.maxFrameBytes ?? d.maxFrameBytes,
    renewBeforeExpiryMs: options.renewBeforeExpiryMs ?? d.renewBeforeExpiryMs,
    channelLifetimeMs: options.channelLifetimeMs ?? d.channelLifetimeMs,
    reconnectBackoff: options.reconnectBackoff ?? d.reconnectBackoff,
  };
  if (!(slot.watchdogMs >= 0) || !(slot.connectTimeoutMs > 0) || !(slot.closeTimeoutMs > 0)) {
    throw new OpenMessagingConfigError('notification timeouts must be positive (watchdog >= 0)');
  }
  if (!(slot.renewBeforeExpiryMs > 0) || !(slot.channelLifetimeMs > slot.renewBeforeExpiryMs)) {
    throw new OpenMessagingConfigError('channelLifetimeMs must exceed renewBeforeExpiryMs (> 0)');
  }
  return { maxTopicsPerChannel, maxChannels, recentEvents: options.recentEvents ?? d.recentEvents, slot };
}
