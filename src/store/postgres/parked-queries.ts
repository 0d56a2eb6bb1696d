// Parked provider events on PostgreSQL (ports/store/parked-events.ts). Parking is one statement on
// the pool, outside the group commit of handover changes: it must succeed when the handover's commit
// keeps failing. The payload is JSON text with NUL escaped, which a TEXT column takes.
import type pg from 'pg';
import type { ParkedEventRepository } from '../../core/ports/store/index.ts';
import { assertLimit } from '../limits.ts';
import { PARKED_COLUMNS, parkedValues, rowToParked } from '../sql/parked-row.ts';
import { guarded } from './errors.ts';

const INSERT_SQL = `INSERT INTO parked_events (${PARKED_COLUMNS.join(', ')})
  VALUES (${PARKED_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
  ON CONFLICT (handover_id, event_key) DO NOTHING`;

const NEWEST_SQL = `SELECT ${PARKED_COLUMNS.join(', ')} FROM parked_events
  ORDER BY parked_at DESC, handover_id DESC, event_key DESC LIMIT $1`;

export function postgresParkedEvents(pool: pg.Pool): ParkedEventRepository {
  return {
    park: async (event) => {
      const values = parkedValues(event);
      await guarded('parkEvent', () =>
        pool.query(
          INSERT_SQL,
          PARKED_COLUMNS.map((c) => values[c]),
        ),
      );
    },
    list: async (limit) => {
      assertLimit(limit, 'limit');
      const { rows } = await guarded('listParkedEvents', () => pool.query(NEWEST_SQL, [limit]));
      return rows.map(rowToParked);
    },
  };
}
