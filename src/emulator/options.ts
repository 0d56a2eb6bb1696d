// Options of startEmulator() with their defaults. Units are in the names (…Ms, …Seconds).
import { resolveOAuthOptions, type OAuthOptions, type ResolvedOAuthOptions } from './oauth/options.ts';
import { numericOptions, positive } from './option-checks.ts';
import {
  resolveNotificationOptions,
  type NotificationOptions,
  type ResolvedNotificationOptions,
} from './notifications/options.ts';
import {
  resolveOpenMessagingOptions,
  type OpenMessagingOptions,
  type ResolvedOpenMessagingOptions,
} from './open-messaging/options.ts';
import {
  resolveAvailabilityOptions,
  type AvailabilityOptions,
  type ResolvedAvailabilityOptions,
} from './platform/availability-options.ts';
import { DEFAULT_QUEUES, type QueueConfig } from './queues.ts';

export interface DeploymentConfig {
  /** §5.1: a disabled deployment answers create with 400 chat.deployment.disabled. */
  readonly disabled?: boolean;
  /**
   * §3.1: the deployment requires an authenticated guest. Create without `memberAuthToken` →
   * 400 chat.deployment.require.auth; a token that is not JWT-shaped → 400 chat.deployment.bad.auth.
   */
  readonly requireAuth?: boolean;
}

export interface AutoAgentOptions {
  /** Time between the agent being offered the chat (ALERTING) and answering it (CONNECTED). */
  readonly acceptDelayMs: number;
  /** Time between a customer message and the agent's reply (typing is shown meanwhile). Default 250. */
  readonly replyDelayMs?: number;
}

export interface EmulatorOptions
  extends OAuthOptions, OpenMessagingOptions, NotificationOptions, AvailabilityOptions {
  /** Interface to bind. Default `127.0.0.1`. */
  readonly host?: string;
  /**
   * Host names (besides IP addresses, `localhost` and `host`) that requests may carry in `Host`, e.g.
   * the emulator's name in a container network. Others get 403 (DNS rebinding). Default none.
   */
  readonly allowedHosts?: readonly string[];
  /** TCP port; `0` (default) picks a free one. */
  readonly port?: number;
  /** Interval of the `channel.metadata` heartbeat frame (§9.5). Default 30,000 ms. */
  readonly heartbeatIntervalMs?: number;
  /** How long a guest may stay without an attached event stream before it is disconnected (§9.7). Default 120,000 ms. */
  readonly disconnectGraceMs?: number;
  /** Agents that accept chats and answer messages by themselves. Default `false` (agents act only through the agent API). */
  readonly autoAgent?: false | AutoAgentOptions;
  /** Queues and their agents. Default: Support, Sales, Billing (see queues.ts). */
  readonly queues?: readonly QueueConfig[];
  /** Per-deployment behaviour keyed by deploymentId; any other deploymentId is accepted as a plain deployment. */
  readonly deployments?: Readonly<Record<string, DeploymentConfig>>;
  /** Lifetime of minted guest JWTs (§3.2: two real samples lived ≈ 21.9 h and ≈ 20.9 h). Default 78,761 s. */
  readonly jwtLifetimeSeconds?: number;
  /** Chats one agent handles at once unless the agent sets its own `capacity`. Default 100. */
  readonly agentCapacity?: number;
  /** Largest accepted request body in bytes; larger → 413 request.entity.too.large. Default 262,144. */
  readonly bodyLimitBytes?: number;
  /** Log requests with pino (to stdout). Default false. */
  readonly logger?: boolean;
}

export interface ResolvedOptions
  extends
    ResolvedOAuthOptions,
    ResolvedOpenMessagingOptions,
    ResolvedNotificationOptions,
    ResolvedAvailabilityOptions {
  readonly host: string;
  readonly allowedHosts: readonly string[];
  readonly port: number;
  readonly heartbeatIntervalMs: number;
  readonly disconnectGraceMs: number;
  readonly autoAgent: false | Required<AutoAgentOptions>;
  readonly queues: readonly QueueConfig[];
  readonly deployments: Readonly<Record<string, DeploymentConfig>>;
  readonly jwtLifetimeSeconds: number;
  readonly agentCapacity: number;
  readonly bodyLimitBytes: number;
  readonly logger: boolean;
}

export const DEFAULT_OPTIONS = {
  host: '127.0.0.1',
  port: 0,
  heartbeatIntervalMs: 30_000,
  disconnectGraceMs: 120_000,
  jwtLifetimeSeconds: 78_761,
  agentCapacity: 100,
  bodyLimitBytes: 262_144,
  replyDelayMs: 250,
} as const;

export function resolveOptions(options: EmulatorOptions = {}): ResolvedOptions {
  const autoAgent = options.autoAgent
    ? {
        acceptDelayMs: positive('autoAgent.acceptDelayMs', options.autoAgent.acceptDelayMs, 0),
        replyDelayMs: positive(
          'autoAgent.replyDelayMs',
          options.autoAgent.replyDelayMs ?? DEFAULT_OPTIONS.replyDelayMs,
          0,
        ),
      }
    : false;
  const queues = options.queues ?? DEFAULT_QUEUES;
  const names = new Set<string>();
  for (const queue of queues) {
    if (names.has(queue.name)) throw new RangeError(`emulator queue "${queue.name}" is configured twice`);
    names.add(queue.name);
  }
  const defaultQueue = options.architect?.defaultQueue;
  if (defaultQueue !== undefined && !names.has(defaultQueue))
    throw new RangeError(
      `emulator option architect.defaultQueue names no configured queue: "${defaultQueue}"`,
    );
  return {
    ...resolveOAuthOptions(options),
    ...resolveOpenMessagingOptions(options),
    ...resolveNotificationOptions(options),
    ...resolveAvailabilityOptions(options),
    ...numericOptions(options, DEFAULT_OPTIONS, {
      port: 0,
      heartbeatIntervalMs: 1,
      disconnectGraceMs: 1,
      jwtLifetimeSeconds: 1,
      agentCapacity: 1,
      bodyLimitBytes: 1024,
    }),
    host: options.host ?? DEFAULT_OPTIONS.host,
    allowedHosts: options.allowedHosts ?? [],
    autoAgent,
    queues,
    deployments: options.deployments ?? {},
    logger: options.logger ?? false,
  };
}
