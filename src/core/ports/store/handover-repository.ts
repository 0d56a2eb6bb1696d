// Handovers and their one write path. `commit` writes a handover's new state with everything that
// goes with it — transcript lines, events and their webhook outbox rows, sent/undelivered marks, the
// provider link — in ONE transaction, all or nothing. That is how "persisted before acknowledged" and
// "an event is never lost between state change and delivery" are kept (design §2).
import type { HandoverEvent } from '../../model/events.ts';
import type { Handover, HandoverState } from '../../model/handover.ts';
import type { TranscriptEntry } from '../../model/transcript.ts';
import type { Fence } from '../ownership.ts';
import type { ProviderRef } from '../provider.ts';

/**
 * Where a handover stands at its provider: the secret conversation handle and the cursor (the newest
 * provider message read in order, from which a catch-up reads on). Kept apart from the domain model:
 * the provider sessions move the cursor, the state machine never sees it.
 */
export interface ProviderLink {
  readonly ref: ProviderRef;
  readonly cursor?: string;
}

export interface HandoverRecord {
  readonly handover: Handover;
  /** Absent until the provider created the conversation. A secret: never logged, never returned by the API. */
  readonly provider?: ProviderLink;
}

export interface ChangeSet {
  /**
   * The new handover state; its `version` must be `expectedVersion + 1`. What is fixed when the
   * handover is created — id, endpoint, `startedBy`, customer, routing settings, `createdAt` — is
   * not written again: a change to it here is ignored.
   */
  readonly handover: Handover;
  readonly expectedVersion: number;
  /** Sets the provider handle and/or moves the cursor; an absent field keeps the stored value. */
  readonly provider?: { readonly ref?: ProviderRef; readonly cursor?: string };
  readonly events?: readonly HandoverEvent[];
  /** Whether these events also go to the webhook outbox (false: the endpoint has no webhook; SSE only). */
  readonly webhook: boolean;
  /**
   * New transcript lines. A provider message id is stored once per handover: a line carrying one the
   * handover holds already (or another line of this change carries) fails the change with
   * DuplicateProviderMessageError.
   */
  readonly transcript?: readonly TranscriptEntry[];
  /**
   * Outbound lines now confirmed sent. A line no longer pending keeps what it has; a provider id
   * another line of the handover carries fails the change with DuplicateProviderMessageError.
   */
  readonly sent?: readonly { readonly entryId: string; readonly providerMessageId: string }[];
  /** Outbound lines that will never be sent (the handover ended first). Only pending lines change. */
  readonly undelivered?: readonly string[];
  /** A send of these pending lines starts now (the time is kept on the line). */
  readonly attempted?: readonly { readonly entryId: string; readonly at: string }[];
  /**
   * The trace context (a W3C `traceparent`) of the work that made this change, kept with its outbox
   * rows: the webhook delivery, later and maybe elsewhere, continues that trace.
   */
  readonly traceParent?: string;
  /**
   * The owner's lease (several instances, ports/ownership.ts): the commit happens only while this
   * owner still holds the handover's lease with this token, checked in the same transaction — else
   * LeaseLostError and nothing is written. Absent: not an owner's write (an API call), or one
   * instance only.
   */
  readonly fence?: Fence;
}

/** The first write of a handover: its state (version 1) and its first lines and events. */
export type NewHandover = Omit<ChangeSet, 'expectedVersion' | 'sent' | 'undelivered' | 'attempted' | 'fence'>;

export class VersionConflictError extends Error {
  constructor(readonly handoverId: string) {
    super(`handover ${handoverId} was changed concurrently`);
    this.name = 'VersionConflictError';
  }
}

/**
 * A change carried a provider message the handover holds already (a replayed frame or webhook, a
 * catch-up's overlap, an echo of a line its send's answer confirmed first): nothing was written. The
 * store's unique index decides, so a writer may skip its own look-up and read only when this comes.
 */
export class DuplicateProviderMessageError extends Error {
  constructor(
    readonly handoverId: string,
    readonly providerMessageId: string,
  ) {
    super(`handover ${handoverId} holds provider message ${providerMessageId} already`);
    this.name = 'DuplicateProviderMessageError';
  }
}

/** A fenced commit found its lease gone (another instance owns the handover now): nothing was written. */
export class LeaseLostError extends Error {
  constructor(readonly handoverId: string) {
    super(`the lease of handover ${handoverId} is no longer held`);
    this.name = 'LeaseLostError';
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

export interface HandoverRepository {
  /**
   * Inserts a new handover (state `requested`) with its first events and transcript, unless an
   * unended handover exists for the same (endpointId, userId, sessionId): then returns that one.
   */
  create(change: NewHandover): Promise<{ created: boolean; record: HandoverRecord }>;
  /**
   * Throws VersionConflictError when the stored version is not `expectedVersion`, and
   * DuplicateProviderMessageError when a provider message id would be stored twice (nothing is
   * written either way). Resolves once the
   * change is durable. Group commit: changes submitted in the same event-loop turn (any handover)
   * may share one transaction and one fsync, applied in submission order; each still succeeds or
   * fails on its own (a conflicting change never fails or loses another of its batch). Per handover,
   * submit the next change after the previous one settled (the unit queue does).
   */
  commit(change: ChangeSet): Promise<void>;
  get(id: string): Promise<HandoverRecord | undefined>;
  list(query: ListQuery): Promise<Page<Handover>>;
  /** Every handover not yet ended or failed (closing ones included): re-attached after a restart. */
  listUnended(): Promise<HandoverRecord[]>;
  countByState(): Promise<Record<HandoverState, number>>;
}
