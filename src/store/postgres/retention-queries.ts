// Retention purge on PostgreSQL: one transaction per batch deletes the oldest ended handovers with
// their outbox rows, events, transcript and parked events. SKIP LOCKED: two instances purging at once take
// different handovers instead of waiting on each other.
import type pg from 'pg';
import type { RetentionRepository } from '../../core/ports/store/index.ts';
import { assertLimit } from '../limits.ts';
import { canonicalInstant } from '../timestamps.ts';
import { guarded } from './errors.ts';
import { inTransaction } from './transaction.ts';

export function postgresRetention(pool: pg.Pool): RetentionRepository {
  return {
    purgeEnded: async (endedBefore, limit) => {
      assertLimit(limit, 'limit');
      const before = canonicalInstant(endedBefore, 'endedBefore');
      return await guarded('purgeEnded', () =>
        inTransaction(pool, async (client) => {
          const { rows } = await client.query<{ id: string }>(
            `SELECT id FROM handovers
              WHERE state IN ('ended', 'failed') AND COALESCE(ended_at, updated_at) < $1
              ORDER BY COALESCE(ended_at, updated_at), id LIMIT $2
              FOR UPDATE SKIP LOCKED`,
            [before, limit],
          );
          const ids = rows.map((r) => r.id);
          if (ids.length === 0) return 0;
          for (const table of ['outbox', 'events', 'transcript', 'parked_events', 'handover_leases'])
            await client.query(`DELETE FROM ${table} WHERE handover_id = ANY($1)`, [ids]);
          await client.query('DELETE FROM handovers WHERE id = ANY($1)', [ids]);
          return ids.length;
        }),
      );
    },
  };
}
