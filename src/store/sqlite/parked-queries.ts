// Parked provider events on SQLite (ports/store/parked-events.ts). Parking is one small statement of
// its own, outside the group commit of handover changes: it must succeed when the handover's commit
// keeps failing.
import type Database from 'better-sqlite3';
import type { ParkedEventRepository } from '../../core/ports/store/index.ts';
import { assertLimit } from '../limits.ts';
import { PARKED_COLUMNS, parkedValues, rowToParked } from '../sql/parked-row.ts';

export function sqliteParkedEvents(db: Database.Database): ParkedEventRepository {
  // Prepared on first use: the table exists only after migrate().
  let insert: Database.Statement | undefined;
  let newest: Database.Statement | undefined;
  return {
    park: (event) =>
      new Promise((resolve) => {
        insert ??= db.prepare(
          `INSERT INTO parked_events (${PARKED_COLUMNS.join(', ')})
           VALUES (${PARKED_COLUMNS.map((c) => `@${c}`).join(', ')})
           ON CONFLICT (handover_id, event_key) DO NOTHING`,
        );
        insert.run(parkedValues(event));
        resolve();
      }),
    list: (limit) =>
      new Promise((resolve) => {
        assertLimit(limit, 'limit');
        newest ??= db.prepare(
          `SELECT ${PARKED_COLUMNS.join(', ')} FROM parked_events
            ORDER BY parked_at DESC, handover_id DESC, event_key DESC LIMIT ?`,
        );
        resolve(newest.all(limit).map(rowToParked));
      }),
  };
}
