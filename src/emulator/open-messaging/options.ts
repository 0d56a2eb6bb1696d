// Options of the Open Messaging side (§2–§6). Units are in the names; [U] facts of the protocol doc
// are options whose default is documented in docs/emulator.md.
import { numericOptions } from '../option-checks.ts';
import { checkSecret, checkWebhookUrl } from './integration-schemas.ts';

/** An integration that exists from the start (already `Completed`), e.g. for demos. */
export interface OpenIntegrationConfig {
  /** Default: a random UUID. Give one so a gateway configuration can name it. */
  readonly id?: string;
  readonly name: string;
  readonly outboundNotificationWebhookUrl: string;
  readonly outboundNotificationWebhookSignatureSecretToken: string;
  readonly webhookHeaders?: Readonly<Record<string, string>>;
}

/** The "Architect" stand-in: what the Inbound Message flow reads and does (§6). */
export interface ArchitectOptions {
  /** Participant attribute naming the queue (name or id). Default `hg_queue`. */
  readonly queueAttribute?: string;
  /** Participant attribute naming the language (e.g. "German"). Default `hg_language`. */
  readonly languageAttribute?: string;
  /** Participant attribute with comma-separated skill names. Default `hg_skills`. */
  readonly skillsAttribute?: string;
  /** Participant attribute with an integer priority. Default `hg_priority`. */
  readonly priorityAttribute?: string;
  /** Queue used when the attribute is absent or names no queue. Default: the first configured queue. */
  readonly defaultQueue?: string;
  /** Name of the flow (its `workflow` participant). Default `Emulator Inbound Message Flow`. */
  readonly flowName?: string;
  /** *Send Response* texts sent before Transfer to ACD (webhook `originatingEntity:"Bot"`). Default none. */
  readonly responses?: readonly string[];
}

export interface OpenMessagingOptions {
  /** Integrations that exist from the start. Default none. */
  readonly openIntegrations?: readonly OpenIntegrationConfig[];
  /** Time an API-created integration stays `createStatus: "Initiated"` (§2). Default 1,000 ms. */
  readonly integrationProvisioningMs?: number;
  /** Refuse webhook URLs that are not HTTPS on port 443 (what Genesys requires, §2). Default false. */
  readonly requireHttpsWebhooks?: boolean;
  /** Longest inbound `text` (§3.5 [U]). Default 4,000 characters. */
  readonly maxInboundTextLength?: number;
  /** Answer a repeated `channel.messageId` of the same customer with the first answer (§3.5, §10.1 [U]). Default false. */
  readonly dedupeInboundMessageIds?: boolean;
  readonly architect?: ArchitectOptions;
  /** Webhook answer timeout (§4.5). Default 10,000 ms. */
  readonly webhookTimeoutMs?: number;
  /** Retries after a timeout, 429 or 5xx (§4.5). Default 5. */
  readonly webhookRetries?: number;
  /** Pause between webhook attempts (§4.5). Default 5,000 ms. */
  readonly webhookRetryDelayMs?: number;
  /** Typing event duration on the webhook (§4.2). Default 5,000 ms. */
  readonly typingDurationMs?: number;
  /** Largest agent attachment (§2: 25 MB). Default 26,214,400 bytes. */
  readonly attachmentMaxBytes?: number;
  /**
   * `disconnectType` of an agent who rejected (declined) an offered conversation, as the participant
   * shows it (`user.end` upper-cases it, §4.6). Genesys' value is unknown [U]; the forum report (W9)
   * says filtering on TRANSFER does not catch a reject, so the default is `client` — a reject looks
   * like a real end unless the client checks that the agent was never connected.
   */
  readonly rejectDisconnectType?: ParticipantDisconnectType;
}

/** §4.6 / SDK `MessageMediaParticipant.disconnectType`. */
export const PARTICIPANT_DISCONNECT_TYPES = [
  'endpoint',
  'client',
  'system',
  'timeout',
  'transfer',
  'transfer.conference',
  'transfer.consult',
  'transfer.forward',
  'transfer.noanswer',
  'transfer.notavailable',
  'transport.failure',
  'error',
  'peer',
  'other',
  'spam',
  'uncallable',
] as const;
export type ParticipantDisconnectType = (typeof PARTICIPANT_DISCONNECT_TYPES)[number];

export interface ResolvedOpenMessagingOptions {
  readonly openIntegrations: readonly OpenIntegrationConfig[];
  readonly integrationProvisioningMs: number;
  readonly requireHttpsWebhooks: boolean;
  readonly maxInboundTextLength: number;
  readonly dedupeInboundMessageIds: boolean;
  readonly architect: Required<Omit<ArchitectOptions, 'defaultQueue'>> & { readonly defaultQueue?: string };
  readonly webhookTimeoutMs: number;
  readonly webhookRetries: number;
  readonly webhookRetryDelayMs: number;
  readonly typingDurationMs: number;
  readonly attachmentMaxBytes: number;
  readonly rejectDisconnectType: ParticipantDisconnectType;
}

export const DEFAULT_OPEN_MESSAGING_OPTIONS = {
  integrationProvisioningMs: 1_000,
  maxInboundTextLength: 4_000,
  webhookTimeoutMs: 10_000,
  webhookRetries: 5,
  webhookRetryDelayMs: 5_000,
  typingDurationMs: 5_000,
  attachmentMaxBytes: 25 * 1024 * 1024,
  rejectDisconnectType: 'client',
  architect: {
    queueAttribute: 'hg_queue',
    languageAttribute: 'hg_language',
    skillsAttribute: 'hg_skills',
    priorityAttribute: 'hg_priority',
    flowName: 'Emulator Inbound Message Flow',
  },
} as const;

export function resolveOpenMessagingOptions(options: OpenMessagingOptions): ResolvedOpenMessagingOptions {
  const d = DEFAULT_OPEN_MESSAGING_OPTIONS;
  const architect = options.architect ?? {};
  const ids = new Set<string>();
  for (const integration of options.openIntegrations ?? []) {
    try {
      checkWebhookUrl(integration.outboundNotificationWebhookUrl, options.requireHttpsWebhooks ?? false);
      checkSecret(integration.outboundNotificationWebhookSignatureSecretToken);
    } catch (error) {
      throw new RangeError(`emulator integration "${integration.name}": ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (integration.id !== undefined) {
      if (ids.has(integration.id))
        throw new RangeError(`emulator integration "${integration.id}" is configured twice`);
      ids.add(integration.id);
    }
  }
  return {
    ...numericOptions(options, d, {
      integrationProvisioningMs: 0,
      maxInboundTextLength: 1,
      webhookTimeoutMs: 1,
      webhookRetries: 0,
      webhookRetryDelayMs: 0,
      typingDurationMs: 1,
      attachmentMaxBytes: 1,
    }),
    openIntegrations: options.openIntegrations ?? [],
    requireHttpsWebhooks: options.requireHttpsWebhooks ?? false,
    dedupeInboundMessageIds: options.dedupeInboundMessageIds ?? false,
    architect: {
      queueAttribute: architect.queueAttribute ?? d.architect.queueAttribute,
      languageAttribute: architect.languageAttribute ?? d.architect.languageAttribute,
      skillsAttribute: architect.skillsAttribute ?? d.architect.skillsAttribute,
      priorityAttribute: architect.priorityAttribute ?? d.architect.priorityAttribute,
      flowName: architect.flowName ?? d.architect.flowName,
      responses: architect.responses ?? [],
      ...(architect.defaultQueue !== undefined ? { defaultQueue: architect.defaultQueue } : {}),
    },
    rejectDisconnectType: disconnectTypeOption(options.rejectDisconnectType ?? d.rejectDisconnectType),
  };
}

function disconnectTypeOption(value: string): ParticipantDisconnectType {
  const known = PARTICIPANT_DISCONNECT_TYPES.find((t) => t === value);
  if (known === undefined)
    throw new RangeError(
      `emulator option rejectDisconnectType must be one of ${PARTICIPANT_DISCONNECT_TYPES.join(', ')}`,
    );
  return known;
}
