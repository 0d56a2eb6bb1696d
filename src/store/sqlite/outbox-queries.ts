// The webhook outbox: one row per event bound for a webhook, written in the same transaction as the
// event itself, so a state change can never be stored without its delivery being owed.
//
// Ordering: per handover, only the oldest `pending` row is ever handed out, so a bot sees a
// handover's events in seq order and a failing endpoint only delays its own handovers.
// Dead letters are the chosen exception: a `dead` row no longer counts as the head, so the events
// after it flow again (one poisoned event must not silence a live conversation until an operator
// acts). The bot detects the gap from `seq` and the event stays replayable; a replay puts it back
// as the head of its handover, i.e. it is then delivered AFTER later events already delivered.
import { z } from 'zod';
import type { HandoverEvent } from '../../core/model/events.ts';
import type {
  DeadLetter,
  DeliveryOutcome,
  OutboxStats,
  PendingDelivery,
} from '../../core/ports/store/index.ts';
import type { DeadLetterKey } from '../page-cursor.ts';
import { MAX_ERROR_LENGTH } from '../limits.ts';
import { canonicalInstant } from '../timestamps.ts';
import { parseRow } from '../parse-row.ts';
import { sqliteDialect } from '../sql/dialect.ts';
import { eventColumnsOf, rowToEvent } from '../sql/event-row.ts';
import type { StatementCache } from './statements.ts';

const EVENT_COLUMNS_OF_E = eventColumnsOf('e');

const pendingRow = z.object({
  attempts: z.number().int(),
  next_attempt_at: z.string(),
  first_attempt_at: z.string().nullable(),
  trace_parent: z.string().nullable(),
});

const deadRow = z.object({
  attempts: z.number().int(),
  last_error: z.string().nullable(),
  dead_at: z.string(),
});

/** @now, @exclude (JSON array of handover ids), @limit. Exported for the query-plan test. */
export const DUE_SQL = `SELECT ${EVENT_COLUMNS_OF_E}, o.attempts, o.next_attempt_at, o.first_attempt_at, o.trace_parent
FROM outbox o
JOIN events e ON e.id = o.event_id
WHERE o.status = 'pending' AND o.next_attempt_at <= @now
  AND NOT EXISTS (
    SELECT 1 FROM outbox older
    WHERE older.status = 'pending' AND older.handover_id = o.handover_id AND older.seq < o.seq
  )
  AND o.handover_id NOT IN (SELECT value FROM json_each(@exclude))
ORDER BY o.next_attempt_at, o.handover_id
LIMIT @limit`;

/**
 * @handover's head: its lowest pending seq, one seek on `outbox_pending`. What the dispatcher asks,
 * once per handover named, after a commit or a settled attempt, when only those handovers can have
 * become due: a statement per name (~3 µs each) is far cheaper than one statement over a JSON list
 * of them (`json_each` cost ~25 µs a call even for one name). Exported for the query-plan test.
 */
export const HEAD_SQL = `SELECT ${EVENT_COLUMNS_OF_E}, o.attempts, o.next_attempt_at, o.first_attempt_at, o.trace_parent
FROM outbox o
JOIN events e ON e.id = o.event_id
WHERE o.status = 'pending' AND o.handover_id = @handover
ORDER BY o.seq
LIMIT 1`;

/**
 * The metrics scrape: pending rows and dead letters are read on their partial indexes (pending work
 * only), and the oldest pending event through its primary key, so the cost follows the backlog,
 * never the history. Exported for the query-plan test.
 */
export const STATS_SQL = `SELECT
  (SELECT count(*) FROM outbox WHERE status = 'pending') AS pending,
  (SELECT min(e.occurred_at) FROM outbox o JOIN events e ON e.id = o.event_id WHERE o.status = 'pending') AS oldest,
  (SELECT count(*) FROM outbox WHERE status = 'dead') AS dead`;

const statsRow = z.object({
  pending: z.number().int(),
  oldest: z.string().nullable(),
  dead: z.number().int(),
});

// Outcomes. Built once: a hot statement's text is not rebuilt (and re-hashed by the cache) per call.
const ATTEMPTED = `attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, @at), last_attempt_at = @at`;
const PENDING_ROW = `WHERE event_id = @event_id AND status = 'pending'`;
const DELIVERED_SQL = `DELETE FROM outbox ${PENDING_ROW}`;
const RETRY_SQL = `UPDATE outbox SET next_attempt_at = @next, last_error = @error, ${ATTEMPTED} ${PENDING_ROW}`;
const DEAD_SQL = `UPDATE outbox SET status = 'dead', dead_at = @at, last_error = @error, ${ATTEMPTED} ${PENDING_ROW}`;

export class OutboxQueries {
  readonly #sql: StatementCache;

  constructor(sql: StatementCache) {
    this.#sql = sql;
  }

  /** Owes a delivery of `event`, due from the moment it occurred. */
  enqueue(event: HandoverEvent, traceParent: string | undefined): void {
    this.#sql
      .get(
        `INSERT INTO outbox (event_id, handover_id, seq, status, attempts, next_attempt_at, trace_parent)
         VALUES (?, ?, ?, 'pending', 0, ?, ?)`,
      )
      .run(
        event.id,
        event.handoverId,
        event.seq,
        canonicalInstant(event.occurredAt, 'event.occurredAt'),
        traceParent ?? null,
      );
  }

  /**
   * The due heads, except those of handovers in `exclude` (one JSON parameter: one prepared
   * statement). Walks the pending rows in due order on `outbox_due` and keeps a row only when no
   * older pending row of its handover exists (`outbox_pending`): both indexes hold pending work only,
   * so the cost follows the backlog, never the history. A head is usually among the first rows it
   * meets (events fall due when they occur), so it stops after about `limit` rows.
   * With `among`, only those handovers' heads are looked at (HEAD_SQL).
   */
  due(
    now: string,
    limit: number,
    exclude: ReadonlySet<string>,
    among?: ReadonlySet<string>,
  ): PendingDelivery[] {
    const at = canonicalInstant(now, 'now');
    const rows =
      among === undefined
        ? this.#sql.get(DUE_SQL).all({ now: at, exclude: JSON.stringify([...exclude]), limit })
        : this.#heads(among, exclude, at, limit);
    return rows.map((raw) => {
      const row = parseRow(pendingRow, raw, 'outbox');
      return {
        event: rowToEvent(raw, sqliteDialect),
        attempts: row.attempts,
        nextAttemptAt: row.next_attempt_at,
        ...(row.first_attempt_at === null ? {} : { firstAttemptAt: row.first_attempt_at }),
        ...(row.trace_parent === null ? {} : { traceParent: row.trace_parent }),
      };
    });
  }

  /** The due heads of `among` minus `exclude`, earliest due first (then by handover), as DUE_SQL orders. */
  #heads(among: ReadonlySet<string>, exclude: ReadonlySet<string>, now: string, limit: number): unknown[] {
    const head = this.#sql.get(HEAD_SQL);
    const rows: { raw: unknown; due: string; handover: string }[] = [];
    for (const handover of among) {
      if (exclude.has(handover)) continue;
      const raw = head.get({ handover }) as { next_attempt_at?: unknown } | undefined;
      // Canonical instants (canonicalInstant) compare as text, as DUE_SQL's `<= @now` does.
      if (raw === undefined || typeof raw.next_attempt_at !== 'string' || raw.next_attempt_at > now) continue;
      rows.push({ raw, due: raw.next_attempt_at, handover });
    }
    rows.sort((x, y) => (x.due < y.due ? -1 : x.due > y.due ? 1 : x.handover < y.handover ? -1 : 1));
    return rows.slice(0, limit).map((r) => r.raw);
  }

  /**
   * Applies an outcome to a `pending` row only: a late or duplicate outcome (two dispatchers, a
   * retry racing a replay) never turns a delivered or dead row back. Returns false for no such row
   * in `pending`; the event log tells an unknown event from one already settled.
   */
  record(eventId: string, outcome: DeliveryOutcome): boolean {
    const at = canonicalInstant(outcome.at, 'outcome.at');
    switch (outcome.kind) {
      case 'delivered':
        // Delivered rows leave the outbox (migration 7): it holds pending work and dead letters
        // only. The event itself stays in `events` (SSE replay reads that).
        return this.#sql.get(DELIVERED_SQL).run({ event_id: eventId }).changes === 1;
      case 'retry':
        return (
          this.#sql.get(RETRY_SQL).run({
            event_id: eventId,
            at,
            next: canonicalInstant(outcome.nextAttemptAt, 'outcome.nextAttemptAt'),
            error: outcome.error.slice(0, MAX_ERROR_LENGTH),
          }).changes === 1
        );
      case 'dead':
        return (
          this.#sql
            .get(DEAD_SQL)
            .run({ event_id: eventId, at, error: outcome.error.slice(0, MAX_ERROR_LENGTH) }).changes === 1
        );
    }
  }

  stats(): OutboxStats {
    const row = parseRow(statsRow, this.#sql.get(STATS_SQL).get(), 'outbox');
    return {
      pending: row.pending,
      dead: row.dead,
      ...(row.oldest === null ? {} : { oldestPendingAt: row.oldest }),
    };
  }

  /**
   * Oldest death first, `limit` rows after `after` (the keyset, walked on `outbox_dead`), only of
   * `endpoints` when given: filtered here, so a key's dead letters are never behind another's.
   */
  deadLetters(query: { limit: number; endpoints?: readonly string[]; after?: DeadLetterKey }): DeadLetter[] {
    const where = [`o.status = 'dead'`];
    const params: Record<string, unknown> = { limit: query.limit };
    if (query.endpoints) {
      where.push(`e.endpoint_id IN (SELECT value FROM json_each(@endpoints))`);
      params['endpoints'] = JSON.stringify(query.endpoints);
    }
    if (query.after) {
      where.push(`(o.dead_at, o.handover_id, o.seq) > (@dead_at, @handover_id, @seq)`);
      Object.assign(params, {
        dead_at: query.after.deadAt,
        handover_id: query.after.handoverId,
        seq: query.after.seq,
      });
    }
    const rows = this.#sql
      .get(
        `SELECT ${EVENT_COLUMNS_OF_E}, o.attempts, o.last_error, o.dead_at
         FROM outbox o JOIN events e ON e.id = o.event_id
         WHERE ${where.join(' AND ')}
         ORDER BY o.dead_at, o.handover_id, o.seq
         LIMIT @limit`,
      )
      .all(params);
    return rows.map((raw) => {
      const row = parseRow(deadRow, raw, 'outbox');
      return {
        event: rowToEvent(raw, sqliteDialect),
        attempts: row.attempts,
        lastError: row.last_error ?? '',
        deadAt: row.dead_at,
      };
    });
  }

  /** Back to `pending`, due at `now`, as if never attempted. An absent filter field matches all. */
  replay(filter: { eventId?: string; handoverId?: string }, now: string): number {
    return this.#sql
      .get(
        `UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = @now, first_attempt_at = NULL,
           last_attempt_at = NULL, last_error = NULL, dead_at = NULL
         WHERE status = 'dead'
           AND (@event_id IS NULL OR event_id = @event_id)
           AND (@handover_id IS NULL OR handover_id = @handover_id)`,
      )
      .run({
        now: canonicalInstant(now, 'now'),
        event_id: filter.eventId ?? null,
        handover_id: filter.handoverId ?? null,
      }).changes;
  }
}
