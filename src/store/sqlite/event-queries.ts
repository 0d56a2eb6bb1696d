// SQL on the events table: the append-only, per-handover numbered log that SSE replays from.
import type { HandoverEvent } from '../../core/model/events.ts';
import { sqliteDialect } from '../sql/dialect.ts';
import { EVENT_COLUMNS, EVENT_COLUMN_LIST, eventValues, rowToEvent } from '../sql/event-row.ts';
import type { StatementCache } from './statements.ts';

// Built once: a hot statement's text is not rebuilt (and re-hashed by the cache) on every call.
const INSERT_SQL = `INSERT INTO events (${EVENT_COLUMNS}) VALUES (${EVENT_COLUMN_LIST.map((c) => `@${c}`).join(', ')})`;
const AFTER_SQL = `SELECT ${EVENT_COLUMNS} FROM events WHERE handover_id = ? AND seq > ? ORDER BY seq LIMIT ?`;
const GET_SQL = `SELECT ${EVENT_COLUMNS} FROM events WHERE id = ?`;

export class EventQueries {
  readonly #sql: StatementCache;

  constructor(sql: StatementCache) {
    this.#sql = sql;
  }

  /** Throws on a duplicate id or (handover, seq): the caller's transaction then writes nothing. */
  insert(event: HandoverEvent): void {
    this.#sql.get(INSERT_SQL).run(eventValues(event));
  }

  after(handoverId: string, afterSeq: number, limit: number): HandoverEvent[] {
    return this.#sql
      .get(AFTER_SQL)
      .all(handoverId, afterSeq, limit)
      .map((row) => rowToEvent(row, sqliteDialect));
  }

  exists(id: string): boolean {
    return this.#sql.get('SELECT 1 FROM events WHERE id = ?').get(id) !== undefined;
  }

  get(id: string): HandoverEvent | undefined {
    const row = this.#sql.get(GET_SQL).get(id);
    return row === undefined ? undefined : rowToEvent(row, sqliteDialect);
  }
}
