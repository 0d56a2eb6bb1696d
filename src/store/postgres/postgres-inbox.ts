// The PushedInbox port on PostgreSQL (ports/pushed-inbox.ts): events pushed to an instance that does
// not own their handover, kept in `pushed_inbox` (migration 9) until the owner committed them, and a
// NOTIFY naming the handover so its owner picks them up at once (a safety poll finds what a lost
// notification left behind).
import type pg from 'pg';
import { z } from 'zod';
import type { Unsubscribe } from '../../core/ports/notifier.ts';
import type { ProviderEvent } from '../../core/ports/provider.ts';
import type { PushedEntry, PushedInbox } from '../../core/ports/pushed-inbox.ts';
import { attachmentsSchema, checkColumn, parseJsonText } from '../json-columns.ts';
import { parseRow } from '../parse-row.ts';
import { guarded } from './errors.ts';
import type { PgListener } from './pg-listener.ts';

const TERMINAL = `('ended', 'failed')`;

const optionalString = z.string().exactOptional();
const participantSchema = z.object({
  id: z.string(),
  role: z.enum(['customer', 'agent', 'system']),
  displayName: optionalString,
  avatarUrl: optionalString,
});

/** What a row's `events` column holds: the ProviderEvents of one pushed call. */
const providerEventsSchema = z.array(
  z.discriminatedUnion('type', [
    z.object({
      type: z.literal('participant'),
      participant: participantSchema,
      state: z.enum(['alerting', 'connected', 'disconnected']),
      at: z.string(),
    }),
    z.object({
      type: z.literal('message'),
      providerMessageId: z.string(),
      participant: participantSchema,
      text: z.string(),
      kind: z.enum(['text', 'notice']),
      own: z.boolean(),
      at: z.string(),
      attachments: attachmentsSchema.exactOptional(),
      follows: optionalString,
    }),
    z.object({
      type: z.literal('typing'),
      participant: participantSchema,
      own: z.boolean(),
      at: z.string(),
      durationMs: z.number().exactOptional(),
    }),
  ]),
) satisfies z.ZodType<ProviderEvent[]>;

const entryRow = z.object({
  id: z.coerce.string(),
  handover_id: z.string(),
  endpoint_id: z.string(),
  events: z.string(),
});
const handoverRow = z.object({ handover_id: z.string() });

export class PostgresInbox implements PushedInbox {
  readonly #pool: pg.Pool;
  readonly #listener: PgListener;
  readonly #channel: string;
  readonly #listeners = new Set<(handoverId: string) => void>();

  constructor(pool: pg.Pool, listener: PgListener, channel: string) {
    this.#pool = pool;
    this.#listener = listener;
    this.#channel = channel;
  }

  /** Starts listening for arrivals (before the listener connects, like the other channels). */
  async start(): Promise<void> {
    await this.#listener.listen(this.#channel, (handoverId) => {
      for (const listener of [...this.#listeners]) listener(handoverId);
    });
    // Notifications sent while the connection was down are gone: everyone looks again.
    this.#listener.onReconnect(() => {
      for (const listener of [...this.#listeners]) listener('');
    });
  }

  async put(
    endpointId: string,
    handoverId: string,
    key: string,
    events: readonly ProviderEvent[],
  ): Promise<'stored' | 'ignored'> {
    // Stored only for a live handover of this endpoint; a key stored already is a redelivery. The
    // NOTIFY is sent by the same statement's transaction: the owner hears of it once it is durable.
    const { rows } = await guarded('putPushed', () =>
      this.#pool.query(
        `WITH target AS (
           SELECT id FROM handovers WHERE id = $1 AND endpoint_id = $2 AND state NOT IN ${TERMINAL}
         ), put AS (
           INSERT INTO pushed_inbox (handover_id, endpoint_id, dedupe_key, events)
           SELECT id, $2, $3, $4 FROM target
           ON CONFLICT (handover_id, dedupe_key) DO NOTHING
           RETURNING handover_id
         )
         SELECT (SELECT COUNT(*) FROM target)::int AS live,
                (SELECT COUNT(*) FROM put)::int AS fresh,
                (SELECT pg_notify($5, $1) FROM put) AS woken`,
        [handoverId, endpointId, key, JSON.stringify(events), this.#channel],
      ),
    );
    const row = rows[0] as { live: number } | undefined;
    return row !== undefined && row.live > 0 ? 'stored' : 'ignored';
  }

  async pending(handoverId: string, limit: number): Promise<PushedEntry[]> {
    const { rows } = await guarded('pendingPushed', () =>
      this.#pool.query(
        `SELECT id, handover_id, endpoint_id, events FROM pushed_inbox
         WHERE handover_id = $1 ORDER BY id LIMIT $2`,
        [handoverId, limit],
      ),
    );
    return rows.map((r) => {
      const row = parseRow(entryRow, r, 'pushed_inbox');
      return {
        id: row.id,
        handoverId: row.handover_id,
        endpointId: row.endpoint_id,
        events: checkColumn(providerEventsSchema, parseJsonText(row.events, 'events'), 'events'),
      };
    });
  }

  async handovers(limit: number): Promise<string[]> {
    return guarded('pushedHandovers', async () => {
      // Entries of a handover that ended (or was purged) can never be committed: they go.
      await this.#pool.query(
        `DELETE FROM pushed_inbox i WHERE NOT EXISTS (
           SELECT 1 FROM handovers h WHERE h.id = i.handover_id AND h.state NOT IN ${TERMINAL})`,
      );
      const { rows } = await this.#pool.query(
        'SELECT DISTINCT handover_id FROM pushed_inbox ORDER BY handover_id LIMIT $1',
        [limit],
      );
      return rows.map((r) => parseRow(handoverRow, r, 'pushed_inbox').handover_id);
    });
  }

  async remove(entryId: string): Promise<void> {
    await guarded('removePushed', () =>
      this.#pool.query('DELETE FROM pushed_inbox WHERE id = $1', [entryId]),
    );
  }

  onArrival(listener: (handoverId: string) => void): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
