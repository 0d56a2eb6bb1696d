// SQL on the events table: the append-only, per-handover numbered log that SSE replays from.
import type { HandoverEvent } from '../../core/model/events.ts';
import { postgresDialect } from '../sql/dialect.ts';
import { EVENT_COLUMNS, EVENT_COLUMN_LIST, eventValues, rowToEvent } from '../sql/event-row.ts';
import type { Sql } from './transaction.ts';

export class EventQueries {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  /** Throws on a duplicate id or (handover, seq): the caller's transaction then writes nothing. */
  async insert(event: HandoverEvent): Promise<void> {
    await this.#sql.query(
      `INSERT INTO events (${EVENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)`,
      EVENT_COLUMN_LIST.map((c) => eventValues(event)[c]),
    );
  }

  async after(handoverId: string, afterSeq: number, limit: number): Promise<HandoverEvent[]> {
    const { rows } = await this.#sql.query(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE handover_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [handoverId, afterSeq, limit],
    );
    return rows.map((row) => rowToEvent(row, postgresDialect));
  }

  async exists(id: string): Promise<boolean> {
    return ((await this.#sql.query('SELECT 1 FROM events WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }

  async get(id: string): Promise<HandoverEvent | undefined> {
    const { rows } = await this.#sql.query(`SELECT ${EVENT_COLUMNS} FROM events WHERE id = $1`, [id]);
    return rows[0] === undefined ? undefined : rowToEvent(rows[0], postgresDialect);
  }
}
