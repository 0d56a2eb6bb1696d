// The webhook outbox on PostgreSQL, shared by several gateway instances.
//
// Ordering, as in SQLite: per handover only the OLDEST `pending` row (lowest seq) is ever handed
// out, so a bot sees a handover's events in seq order and a failing endpoint only delays its own
// handovers. Dead letters are the same documented exception: a `dead` row is no longer the head.
//
// Claims — what SQLite never needed, since one process owns the file: `dueDeliveries` hands a row
// to ONE store instance at a time. In a single statement it
//   1. picks each handover's head row that is due by the caller's `now`,
//   2. keeps those not claimed by ANOTHER instance until later than the database clock (a claim of
//      this instance does not hide the row from itself: its dispatcher already keeps one attempt
//      per handover in flight, and the port lets it ask again), nor belonging to a handover that
//      has another pending row claimed elsewhere (after a dead-letter replay the head can change
//      while an attempt is in flight),
//   3. locks them with FOR UPDATE SKIP LOCKED — an instance never waits for, nor takes, a row
//      another instance is claiming at this moment — and
//   4. stamps claimed_by = this instance, claimed_until = database now() + claim TTL.
// Under READ COMMITTED a row another instance claimed and committed after this statement's
// snapshot is re-checked once locked (the claim conditions sit on the locked row itself), so two
// instances polling together never both get it.
// recordDelivery (any outcome) and replay clear the claim, so a retry is due for every instance.
// An instance that dies mid-delivery never records: its claim expires after the TTL and another
// instance delivers the event again — at-least-once; the bot de-duplicates by event id.
import { z } from 'zod';
import type {
  DeadLetter,
  DeliveryOutcome,
  OutboxStats,
  PendingDelivery,
} from '../../core/ports/store/index.ts';
import type { DeadLetterKey } from '../page-cursor.ts';
import { MAX_ERROR_LENGTH } from '../limits.ts';
import { parseRow } from '../parse-row.ts';
import { canonicalInstant } from '../timestamps.ts';
import { postgresDialect } from '../sql/dialect.ts';
import { eventColumnsOf, rowToEvent } from '../sql/event-row.ts';
import { PLANNED_PER_CALL } from './prepared-sql.ts';
import type { Sql } from './transaction.ts';

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

/**
 * $1 now (canonical text), $2 limit, $3 this instance's id, $4 claim TTL in ms, $5 handovers to skip,
 * and with `among` $6 the only handovers to look at.
 *
 * Finds each handover's head first — the handovers with pending rows (a skip scan of
 * `outbox_pending`, one probe per handover, or the `among` list), then each one's lowest pending seq
 * — and only then keeps the due, unclaimed ones, oldest first. Finding the heads is index probes
 * whose plan does not depend on the table's statistics: the outbox churns faster than autovacuum
 * counts it, and the earlier form (the due rows in due order, each kept when no older pending row
 * existed) was planned from stale estimates into reading every pending row, often per row (6–8 ms a
 * claim on the PostgreSQL relay bench, a third of the server's time running statements:
 * bench/README.md round nineteen). The join of the heads to the rows it locks still follows the
 * estimates (PostgreSQL may hash the due rows). The heads' cost follows the handovers with pending
 * work, never the history nor the backlog behind each head.
 * Planned per call (prepared-sql.ts): with `now` and the limit unknown, a generic plan cost ~30 times
 * as much.
 */
const claimDueSql = (among: boolean): string => `${PLANNED_PER_CALL}
WITH RECURSIVE listed(handover_id) AS (${
  among
    ? `
  SELECT DISTINCT unnest($6::text[])`
    : `
  (SELECT handover_id FROM outbox WHERE status = 'pending' ORDER BY handover_id LIMIT 1)
  UNION ALL
  SELECT (SELECT o.handover_id FROM outbox o
    WHERE o.status = 'pending' AND o.handover_id > l.handover_id ORDER BY o.handover_id LIMIT 1)
  FROM listed l WHERE l.handover_id IS NOT NULL`
}
),
heads AS MATERIALIZED (
  SELECT head.event_id
  FROM listed l
  CROSS JOIN LATERAL (
    SELECT x.event_id FROM outbox x
    WHERE x.handover_id = l.handover_id AND x.status = 'pending'
    ORDER BY x.seq LIMIT 1
  ) head
  WHERE l.handover_id IS NOT NULL AND NOT (l.handover_id = ANY($5::text[]))
),
picked AS (
  SELECT o.event_id
  FROM heads JOIN outbox o ON o.event_id = heads.event_id
  WHERE o.status = 'pending'
    AND o.next_attempt_at <= $1
    AND (o.claimed_until IS NULL OR o.claimed_until <= now() OR o.claimed_by = $3)
    AND NOT EXISTS (
      SELECT 1 FROM outbox other
      WHERE other.handover_id = o.handover_id AND other.status = 'pending' AND other.event_id <> o.event_id
        AND other.claimed_until > now() AND other.claimed_by <> $3
    )
  ORDER BY o.next_attempt_at, o.handover_id
  LIMIT $2
  FOR UPDATE OF o SKIP LOCKED
),
claimed AS (
  UPDATE outbox o
  SET claimed_by = $3, claimed_until = now() + $4::int * interval '1 millisecond'
  FROM picked
  WHERE o.event_id = picked.event_id
  RETURNING o.event_id, o.attempts, o.next_attempt_at, o.first_attempt_at, o.trace_parent
)
SELECT ${EVENT_COLUMNS_OF_E}, c.attempts, c.next_attempt_at, c.first_attempt_at, c.trace_parent
FROM claimed c JOIN events e ON e.id = c.event_id
ORDER BY c.next_attempt_at, e.handover_id`;
const CLAIM_DUE_SQL = claimDueSql(false);
const CLAIM_DUE_AMONG_SQL = claimDueSql(true);

/**
 * The metrics scrape: pending rows and dead letters are read on their partial indexes (pending work
 * only), and the oldest pending event through its primary key, so the cost follows the backlog,
 * never the history.
 */
const STATS_SQL = `SELECT
  (SELECT count(*) FROM outbox WHERE status = 'pending')::int AS pending,
  (SELECT min(e.occurred_at) FROM outbox o JOIN events e ON e.id = o.event_id WHERE o.status = 'pending') AS oldest,
  (SELECT count(*) FROM outbox WHERE status = 'dead')::int AS dead`;

const statsRow = z.object({
  pending: z.number().int(),
  oldest: z.string().nullable(),
  dead: z.number().int(),
});

const CLEAR_CLAIM = 'claimed_by = NULL, claimed_until = NULL';

export class OutboxQueries {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  /** Claims and returns the due heads for `owner` (see the file comment). */
  async claimDue(
    now: string,
    limit: number,
    owner: string,
    claimTtlMs: number,
    exclude: ReadonlySet<string>,
    among?: ReadonlySet<string>,
  ): Promise<PendingDelivery[]> {
    const params = [canonicalInstant(now, 'now'), limit, owner, claimTtlMs, [...exclude]];
    const { rows } =
      among === undefined
        ? await this.#sql.query(CLAIM_DUE_SQL, params)
        : await this.#sql.query(CLAIM_DUE_AMONG_SQL, [...params, [...among]]);
    return rows.map((raw) => {
      const row = parseRow(pendingRow, raw, 'outbox');
      return {
        event: rowToEvent(raw, postgresDialect),
        attempts: row.attempts,
        nextAttemptAt: row.next_attempt_at,
        ...(row.first_attempt_at === null ? {} : { firstAttemptAt: row.first_attempt_at }),
        ...(row.trace_parent === null ? {} : { traceParent: row.trace_parent }),
      };
    });
  }

  /**
   * Applies an outcome to a `pending` row only: a late or duplicate outcome (two dispatchers, a
   * retry racing a replay, an instance whose claim expired) never turns a delivered or dead row
   * back. Returns false for no such row in `pending`; the event log tells an unknown event from one
   * already settled.
   */
  async record(eventId: string, outcome: DeliveryOutcome): Promise<boolean> {
    const at = canonicalInstant(outcome.at, 'outcome.at');
    // $1 event id, $2 at; the outcome's own values follow.
    const common = `attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, $2),
      last_attempt_at = $2, ${CLEAR_CLAIM}`;
    const where = `WHERE event_id = $1 AND status = 'pending'`;
    let result: { rowCount: number | null };
    switch (outcome.kind) {
      case 'delivered':
        // Delivered rows leave the outbox (migration 7): it holds pending work and dead letters
        // only. The event itself stays in `events` (SSE replay reads that).
        result = await this.#sql.query(`DELETE FROM outbox ${where}`, [eventId]);
        break;
      case 'retry':
        result = await this.#sql.query(
          `UPDATE outbox SET next_attempt_at = $3, last_error = $4, ${common} ${where}`,
          [
            eventId,
            at,
            canonicalInstant(outcome.nextAttemptAt, 'outcome.nextAttemptAt'),
            outcome.error.slice(0, MAX_ERROR_LENGTH),
          ],
        );
        break;
      case 'dead':
        result = await this.#sql.query(
          `UPDATE outbox SET status = 'dead', dead_at = $2, last_error = $3, ${common} ${where}`,
          [eventId, at, outcome.error.slice(0, MAX_ERROR_LENGTH)],
        );
        break;
    }
    return result.rowCount === 1;
  }

  /**
   * Start-up: takes back the claims of this instance's previous life (a `kill -9` left them), or —
   * for a single-instance deployment — every claim, so no delivery waits out the claim time-out.
   * `owner`: an instance name, or `*` for every one.
   */
  async releaseClaims(owner: string): Promise<number> {
    const result = await this.#sql.query(
      `UPDATE outbox SET ${CLEAR_CLAIM}
       WHERE status = 'pending' AND claimed_by IS NOT NULL AND ($1::text = '*' OR claimed_by = $1)`,
      [owner],
    );
    return result.rowCount ?? 0;
  }

  async stats(): Promise<OutboxStats> {
    const { rows } = await this.#sql.query(STATS_SQL);
    const row = parseRow(statsRow, rows[0], 'outbox');
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
  async deadLetters(query: {
    limit: number;
    endpoints?: readonly string[];
    after?: DeadLetterKey;
  }): Promise<DeadLetter[]> {
    const params: unknown[] = [query.limit];
    const where = [`o.status = 'dead'`];
    if (query.endpoints) {
      params.push([...query.endpoints]);
      where.push(`e.endpoint_id = ANY($${params.length}::text[])`);
    }
    if (query.after) {
      params.push(query.after.deadAt, query.after.handoverId, query.after.seq);
      const n = params.length;
      where.push(`(o.dead_at, o.handover_id, o.seq) > ($${n - 2}::text, $${n - 1}::text, $${n}::integer)`);
    }
    const { rows } = await this.#sql.query(
      `SELECT ${EVENT_COLUMNS_OF_E}, o.attempts, o.last_error, o.dead_at
       FROM outbox o JOIN events e ON e.id = o.event_id
       WHERE ${where.join(' AND ')}
       ORDER BY o.dead_at, o.handover_id, o.seq
       LIMIT $1`,
      params,
    );
    return rows.map((raw) => {
      const row = parseRow(deadRow, raw, 'outbox');
      return {
        event: rowToEvent(raw, postgresDialect),
        attempts: row.attempts,
        lastError: row.last_error ?? '',
        deadAt: row.dead_at,
      };
    });
  }

  /** Back to `pending`, due at `now`, as if never attempted. An absent filter field matches all. */
  async replay(filter: { eventId?: string; handoverId?: string }, now: string): Promise<number> {
    const result = await this.#sql.query(
      `UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $1, first_attempt_at = NULL,
         last_attempt_at = NULL, last_error = NULL, dead_at = NULL, ${CLEAR_CLAIM}
       WHERE status = 'dead'
         AND ($2::text IS NULL OR event_id = $2)
         AND ($3::text IS NULL OR handover_id = $3)`,
      [canonicalInstant(now, 'now'), filter.eventId ?? null, filter.handoverId ?? null],
    );
    return result.rowCount ?? 0;
  }
}
