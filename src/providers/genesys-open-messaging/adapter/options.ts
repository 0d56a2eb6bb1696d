// Options of the Open Messaging provider, their defaults (units in the names) and their checks. The
// composition root builds them from an endpoint's configuration.
import type { Clock } from '../../../core/ports/clock.ts';
import type { Logger } from '../../../core/ports/logger.ts';
import type { Random, Scheduler } from '../../../core/ports/scheduler.ts';
import type { OpenMessagingClient } from '../client.ts';
import { OpenMessagingConfigError } from '../errors.ts';

/**
 * The participant-data names the Architect Inbound Message flow reads to route the conversation
 * (§6: OM has no routing fields; the gateway and the flow share this contract).
 */
export interface RoutingAttributeNames {
  /** The queue's name or id. Default `hg_queue`. */
  readonly queue: string;
  /** The language, e.g. `German`. Default `hg_language`. */
  readonly language: string;
  /** Skill names joined with `,`. Default `hg_skills`. */
  readonly skills: string;
  /** The priority as a decimal string. Default `hg_priority`. */
  readonly priority: string;
}

export interface OpenMessagingProviderOptions {
  /**
   * The client of one (OAuth client, integration): the integration is the client's `integrationId`.
   * The provider owns it from now on — `close()` closes it.
   */
  readonly client: OpenMessagingClient;
  /** The integration's webhook secret (§2, §4.4); two while rotating (old and new). */
  readonly webhookSecret: string | readonly string[];
  /** Participant-data names of the routing settings (§6). Defaults `hg_queue`, `hg_language`, `hg_skills`, `hg_priority`. */
  readonly attributeNames?: Partial<RoutingAttributeNames>;
  /**
   * Text of the message that opens the Genesys conversation (§3.1: a message needs text); `{name}`
   * becomes the customer's display name. Default `{name} was handed over by the bot.`
   */
  readonly firstMessage?: string;
  /**
   * Prepended to the handover id to make the customer id (`channel.from.id`, §3.5): one per handover,
   * so a new handover never joins an old conversation; webhook calls for other ids are not ours.
   * Default `hg-`.
   */
  readonly customerIdPrefix?: string;
  /** Longest text of one message, characters (§3.5: Genesys' limit is unknown). Default 4000. */
  readonly maxMessageLength?: number;
  /** How long a send without an answer may still land at Genesys, ms. Default 10000. */
  readonly sendSettleMs?: number;
  /** How long the core holds webhook and notification events to put them in order (§4.5), ms. Default 1000. */
  readonly reorderWindowMs?: number;
  /**
   * Tell Genesys when an agent message reached the bot (`Delivered`) or never will (`Failed`, §3.3).
   * Each is a call under the per-token limit (§1.4) — of an agent message's calls, most. Default true.
   */
  readonly deliveryReceipts?: boolean;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly random: Random;
  /** Gets codes, counts and ids; never a message text, a token or a secret. */
  readonly logger?: Logger;
}

export const OPEN_MESSAGING_PROVIDER_DEFAULTS = {
  attributeNames: {
    queue: 'hg_queue',
    language: 'hg_language',
    skills: 'hg_skills',
    priority: 'hg_priority',
  },
  firstMessage: '{name} was handed over by the bot.',
  customerIdPrefix: 'hg-',
  maxMessageLength: 4_000,
  sendSettleMs: 10_000,
  reorderWindowMs: 1_000,
  deliveryReceipts: true,
} as const;

export interface ResolvedProviderSettings {
  readonly attributeNames: RoutingAttributeNames;
  readonly firstMessage: string;
  readonly customerIdPrefix: string;
  readonly maxMessageLength: number;
  readonly sendSettleMs: number;
  readonly reorderWindowMs: number;
  readonly deliveryReceipts: boolean;
}

export function resolveProviderSettings(options: OpenMessagingProviderOptions): ResolvedProviderSettings {
  const d = OPEN_MESSAGING_PROVIDER_DEFAULTS;
  const attributeNames = { ...d.attributeNames, ...options.attributeNames };
  const names = Object.values(attributeNames);
  if (names.some((n) => n.trim() === '') || new Set(names).size !== names.length) {
    throw new OpenMessagingConfigError('attributeNames must be four different, non-empty names');
  }
  const customerIdPrefix = options.customerIdPrefix ?? d.customerIdPrefix;
  // Empty would make every webhook call "ours"; whitespace would not survive some channels.
  if (!/^\S+$/.test(customerIdPrefix)) {
    throw new OpenMessagingConfigError('customerIdPrefix must be non-empty, without whitespace');
  }
  const firstMessage = options.firstMessage ?? d.firstMessage;
  if (firstMessage.trim() === '') throw new OpenMessagingConfigError('firstMessage must not be empty');
  const settings = {
    attributeNames,
    firstMessage,
    customerIdPrefix,
    maxMessageLength: options.maxMessageLength ?? d.maxMessageLength,
    sendSettleMs: options.sendSettleMs ?? d.sendSettleMs,
    reorderWindowMs: options.reorderWindowMs ?? d.reorderWindowMs,
    deliveryReceipts: options.deliveryReceipts ?? d.deliveryReceipts,
  };
  if (!Number.isInteger(settings.maxMessageLength) || settings.maxMessageLength < 1)
    throw new OpenMessagingConfigError('maxMessageLength must be an integer >= 1');
  if (!(settings.sendSettleMs >= 0) || !(settings.reorderWindowMs >= 0))
    throw new OpenMessagingConfigError('sendSettleMs and reorderWindowMs must be >= 0');
  return settings;
}
