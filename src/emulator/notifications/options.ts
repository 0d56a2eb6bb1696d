// Options of the Notifications API side (OM doc §4.6). Units are in the names.
import { numericOptions } from '../option-checks.ts';

export interface NotificationOptions {
  /** Interval of the `channel.metadata` heartbeat on notification sockets. Default 30,000 ms. */
  readonly notificationHeartbeatIntervalMs?: number;
  /** A channel lives this long after its creation or last subscription change (§4.6: 24 h). Default 86,400,000 ms. */
  readonly channelLifetimeMs?: number;
  /** Channels per OAuth client; one more evicts the oldest (§4.6: 20). Default 20. */
  readonly maxChannelsPerClient?: number;
  /** Topics per channel (§4.6: 1,000). Default 1,000. */
  readonly maxTopicsPerChannel?: number;
  /**
   * When `user.start` fires for an agent: when the chat is offered (`alerting`) or when the agent
   * answers (`connected`). Genesys' moment is unknown [U]; default `alerting` (the user's session starts
   * with the offer, so a client must not read user.start as "agent joined").
   */
  readonly userStartOn?: 'alerting' | 'connected';
  /** Time an agent spends in after-call work before the `acw` event (§4.6). Default 1,000 ms. */
  readonly acwDurationMs?: number;
}

export interface ResolvedNotificationOptions {
  readonly notificationHeartbeatIntervalMs: number;
  readonly channelLifetimeMs: number;
  readonly maxChannelsPerClient: number;
  readonly maxTopicsPerChannel: number;
  readonly userStartOn: 'alerting' | 'connected';
  readonly acwDurationMs: number;
}

export const DEFAULT_NOTIFICATION_OPTIONS = {
  notificationHeartbeatIntervalMs: 30_000,
  channelLifetimeMs: 86_400_000,
  maxChannelsPerClient: 20,
  maxTopicsPerChannel: 1000,
  userStartOn: 'alerting',
  acwDurationMs: 1000,
} as const;

export function resolveNotificationOptions(options: NotificationOptions): ResolvedNotificationOptions {
  const d = DEFAULT_NOTIFICATION_OPTIONS;
  const userStartOn = options.userStartOn ?? d.userStartOn;
  const allowed: readonly string[] = ['alerting', 'connected'];
  // JavaScript callers are not held to the type.
  if (!allowed.includes(userStartOn))
    throw new RangeError('emulator option userStartOn must be "alerting" or "connected"');
  return {
    ...numericOptions(options, d, {
      notificationHeartbeatIntervalMs: 1,
      channelLifetimeMs: 1,
      maxChannelsPerClient: 1,
      maxTopicsPerChannel: 1,
      acwDurationMs: 0,
    }),
    userStartOn,
  };
}
