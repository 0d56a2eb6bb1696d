// Events the bot receives (webhook and SSE). Names are a public surface (design §5): never rename.
import type { Attachment } from './attachment.ts';
import type { AgentInfo, EndReason, Failure } from './handover.ts';

export const EventTypes = [
  'handover.queued',
  'handover.agent_joined',
  'handover.agent_message',
  'handover.agent_typing',
  'handover.agent_left',
  'handover.transferred',
  'handover.system_message',
  'handover.wait_estimate',
  'handover.ended',
  'handover.failed',
] as const;
export type EventType = (typeof EventTypes)[number];

/**
 * How long a typing hint should be shown when the provider does not say: Genesys guidance is ~4 s
 * or until the agent's message (guest chat protocol §5.7). Open Messaging says (`duration`, §4.2).
 */
export const TYPING_EXPIRY_MS = 4000;

export interface EventDataByType {
  'handover.queued': { queue: string };
  'handover.agent_joined': { agent: AgentInfo };
  /** `text` may be empty when the agent sent only attachments. */
  'handover.agent_message': {
    messageId: string;
    text: string;
    agent: AgentInfo;
    attachments?: readonly Attachment[];
  };
  'handover.agent_typing': { agent: AgentInfo; expiresInMs: number };
  'handover.agent_left': { agent: AgentInfo };
  'handover.transferred': { from?: AgentInfo; to: AgentInfo };
  'handover.system_message': {
    messageId: string;
    text: string;
    source: 'system' | 'notice';
    attachments?: readonly Attachment[];
  };
  /**
   * While queued (issue 17): the contact center's estimate for this conversation, in seconds, and its
   * place in the queue (1 = next) when derivable (OM doc §7.6). At least one of the two is present.
   */
  'handover.wait_estimate': { estimatedWaitSeconds?: number; position?: number };
  /**
   * `error`: the provider's code and message when a provider failure ended it (reason provider_error).
   * `undelivered`: the customer's messages accepted (202) that never reached the agent, in order.
   */
  'handover.ended': {
    reason: EndReason;
    message?: string;
    error?: Failure;
    undelivered?: UndeliveredMessage[];
  };
  'handover.failed': { error: Failure; undelivered?: UndeliveredMessage[] };
}

/** A customer message the handover ended without delivering (see docs/reliability.md). */
export interface UndeliveredMessage {
  /** The part id the 202 of POST /v1/handovers/{id}/messages returned. */
  readonly id: string;
  readonly order: number;
  /** The Idempotency-Key of the request that created it, when the bot sent one. */
  readonly clientMessageId?: string;
  readonly text: string;
}

interface EventBase<T extends EventType> {
  /** Stable id: the webhook id and SSE id; identical across retries, for de-duplication. */
  readonly id: string;
  readonly type: T;
  readonly handoverId: string;
  readonly endpointId: string;
  /** The customer this handover belongs to, so a bot can route an event without a lookup. */
  readonly userId: string;
  readonly sessionId: string;
  /** 1, 2, 3 … per handover, gap-free: ordering and resume. */
  readonly seq: number;
  readonly occurredAt: string;
  readonly data: EventDataByType[T];
}

export type HandoverEvent = { [T in EventType]: EventBase<T> }[EventType];

/** An event before the service gives it an id, sequence number and timestamp. */
export type PendingEvent = { [T in EventType]: { type: T; data: EventDataByType[T] } }[EventType];

/**
 * An event as webhooks and SSE carry it: the stored event plus `timestamp`, the field name the
 * Standard Webhooks payload structure recommends (`type`, `timestamp`, `data`). It repeats
 * `occurredAt`, which stays for the bots written before it.
 */
export type WireEvent = HandoverEvent & { readonly timestamp: string };

export function toWireEvent(event: HandoverEvent): WireEvent {
  return { ...event, timestamp: event.occurredAt };
}
