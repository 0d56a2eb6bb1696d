// The event log (what SSE reads, by seq) and the webhook outbox (what the dispatcher delivers, in
// order per handover). Events and outbox rows are written only by HandoverRepository.commit.
import type { HandoverEvent } from '../../model/events.ts';
import type { Page } from './handover-repository.ts';

/** A webhook delivery waiting in the outbox. */
export interface PendingDelivery {
  readonly event: HandoverEvent;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly firstAttemptAt?: string;
  /** The trace context of the change that owed this delivery (ChangeSet.traceParent). */
  readonly traceParent?: string;
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

/** What the outbox holds right now, for the metrics scrape. */
export interface OutboxStats {
  /** Deliveries owed (pending, due or waiting for a retry). */
  readonly pending: number;
  /** When the oldest pending event occurred; absent when nothing is pending. */
  readonly oldestPendingAt?: string;
  /** Dead letters (given up, replayable). */
  readonly dead: number;
}

export interface DeadLetterQuery {
  readonly limit: number;
  /** Only the dead letters of these endpoints (an API key's); absent: every endpoint. */
  readonly endpoints?: readonly string[];
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string;
}

export interface EventLog {
  /** Events of a handover with seq > afterSeq, in order (SSE and resume). */
  after(handoverId: string, afterSeq: number, limit: number): Promise<HandoverEvent[]>;
  get(eventId: string): Promise<HandoverEvent | undefined>;

  /**
   * Webhook outbox: for each handover with undelivered events, its OLDEST undelivered event, if due
   * by `now` (so one slow handover never blocks another, and order per handover holds). Handovers in
   * `exclude` (their delivery is in flight) are skipped, so every row returned can be sent at once.
   * With `among`, only those handovers are looked at: the caller knows only they can have become due
   * (a commit enqueued their events, or their attempt settled), and the store then pays per handover
   * named instead of per pending row. Without it, every handover.
   */
  dueDeliveries(
    now: string,
    limit: number,
    exclude?: ReadonlySet<string>,
    among?: ReadonlySet<string>,
  ): Promise<PendingDelivery[]>;
  /**
   * Records an attempt's outcome; a delivered event leaves the outbox (the event log keeps it).
   * Outcomes recorded in the same event-loop turn share a transaction (group commit), each with its
   * own verdict.
   */
  recordDelivery(eventId: string, outcome: DeliveryOutcome): Promise<void>;
  /** Counts of the outbox (read at each metrics scrape: partial indexes only, no history). */
  outboxStats(): Promise<OutboxStats>;
  /**
   * Dead letters, oldest death first (by deadAt, then handover and seq), filtered and paged by the
   * store itself: one key's entries never hide behind another's.
   */
  deadLetters(query: DeadLetterQuery): Promise<Page<DeadLetter>>;
  /** Puts dead-lettered events of a handover (or one event) back into the outbox, due now. */
  replayDeadLetters(filter: { eventId?: string; handoverId?: string }, now: string): Promise<number>;
}
