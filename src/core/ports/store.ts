// The store port: asynchronous and transactional, so a PostgreSQL adapter can follow the embedded
// SQLite one with the same contract tests (design §2). A state change, its transcript lines and its
// outbox events are written by ONE `commit` call — all or nothing — which is how "persisted before
// acknowledged" and "an event is never lost between state change and delivery" are kept.
import type { HandoverEvent } from '../model/events.ts';
import type { Handover, HandoverState } from '../model/handover.ts';
import type { TranscriptEntry } from '../model/transcript.ts';
import type { ProviderRef } from './provider.ts';

export interface HandoverRecord {
  readonly handover: Handover;
  /** Secret provider handle; absent until the provider created the conversation. */
  readonly providerRef?: ProviderRef;
}

export interface ChangeSet {
  /** The new handover state; its `version` must be `expectedVersion + 1`. */
  readonly handover: Handover;
  readonly expectedVersion: number;
  readonly providerRef?: ProviderRef;
  readonly events?: readonly HandoverEvent[];
  /** Whether these events also go to the webhook outbox (false: the endpoint has no webhook; SSE only). */
  readonly webhook: boolean;
  /** New transcript lines. A line whose (handoverId, providerMessageId) exists already is skipped. */
  readonly transcript?: readonly TranscriptEntry[];
  /** Outbound lines (by id) now confirmed sent, with the provider's message id. */
  readonly sent?: readonly { readonly entryId: string; readonly providerMessageId: string }[];
}

export class VersionConflictError extends Error {
  constructor(readonly handoverId: string) {
    super(`handover ${handoverId} was changed concurrently`);
    this.name = 'VersionConflictError';
  }
}

export interface ListQuery {
  readonly endpointIds?: readonly string[];
  readonly state?: HandoverState;
  readonly limit: number;
  /** Opaque cursor from a previous page. */
  readonly cursor?: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}

/** A webhook delivery waiting in the outbox. */
export interface PendingDelivery {
  readonly event: HandoverEvent;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly firstAttemptAt?: string;
}

export type DeliveryOutcome =
  | { readonly kind: 'delivered'; readonly at: string }
  | { readonly kind: 'retry'; readonly at: string; readonly nextAttemptAt: string; readonly error: string }
  | { readonly kind: 'dead'; readonly at: string; readonly error: string };

export interface DeadLetter {
  readonly event: HandoverEvent;
  readonly attempts: number;
  readonly lastError: string;
  readonly deadAt: string;
}

export interface HandoverStore {
  /** Applies migrations (an ordered list) idempotently. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  /**
   * Inserts a new handover (state `requested`) with its first events and transcript, unless an
   * unended handover exists for the same (endpointId, userId, sessionId): then returns that one.
   */
  createHandover(
    change: Omit<ChangeSet, 'expectedVersion'>,
  ): Promise<{ created: boolean; record: HandoverRecord }>;
  commit(change: ChangeSet): Promise<void>;

  getHandover(id: string): Promise<HandoverRecord | undefined>;
  listHandovers(query: ListQuery): Promise<Page<Handover>>;
  /** Every handover not yet ended or failed: re-attached after a restart. */
  listUnended(): Promise<HandoverRecord[]>;
  countByState(): Promise<Record<HandoverState, number>>;

  transcript(handoverId: string): Promise<TranscriptEntry[]>;
  hasProviderMessage(handoverId: string, providerMessageId: string): Promise<boolean>;
  /** Outbound lines created by the request with this Idempotency-Key, in send order (empty when none). */
  outboundByClientMessageId(handoverId: string, clientMessageId: string): Promise<TranscriptEntry[]>;
  /** The highest outbound order of the handover (0 when it has no outbound line yet). */
  maxOutboundOrder(handoverId: string): Promise<number>;
  /** Outbound lines not yet confirmed sent, in send order. */
  pendingOutbound(handoverId: string): Promise<TranscriptEntry[]>;

  /** Events of a handover with seq > afterSeq, in order (SSE and resume). */
  events(handoverId: string, afterSeq: number, limit: number): Promise<HandoverEvent[]>;
  getEvent(eventId: string): Promise<HandoverEvent | undefined>;

  /**
   * Webhook outbox: for each handover with undelivered events, its OLDEST undelivered event, if due
   * by `now` (so one slow handover never blocks another, and order per handover holds).
   */
  dueDeliveries(now: string, limit: number): Promise<PendingDelivery[]>;
  recordDelivery(eventId: string, outcome: DeliveryOutcome): Promise<void>;
  deadLetters(limit: number): Promise<DeadLetter[]>;
  /** Puts dead-lettered events of a handover (or one event) back into the outbox, due now. */
  replayDeadLetters(filter: { eventId?: string; handoverId?: string }, now: string): Promise<number>;
}
