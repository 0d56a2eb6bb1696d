// SQL on the events table: the append-only, per-handover numbered log that SSE replays from.
import type { HandoverEvent } from '../../core/model/events.ts';
import { postgresDialect } from '../sql/dialect.ts';
import { EVENT_COLUMNS, rowToEvent } from '../sql/event-row.ts';
import type { Sql } from './transaction.ts';

export class EventQueries {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
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
