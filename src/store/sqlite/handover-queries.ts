// SQL on the handovers table. Synchronous: the store wraps calls in transactions and Promises.
import { z } from 'zod';
import { HandoverStates } from '../../core/model/handover.ts';
import type { Handover, HandoverState } from '../../core/model/handover.ts';
import type { HandoverRecord, NewHandover } from '../../core/ports/store/index.ts';
import type { CommitChange } from '../change-set.ts';
import type { HandoverFilter } from '../handover-filter.ts';
import { parseRow } from '../parse-row.ts';
import { sqliteDialect } from '../sql/dialect.ts';
import {
  HANDOVER_COLUMNS,
  HANDOVER_UPDATED,
  HANDOVER_WRITTEN,
  handoverUpdateValues,
  handoverValues,
  providerRefValue,
  rowToHandover,
  rowToRecord,
} from '../sql/handover-row.ts';
import type { StatementCache } from './statements.ts';

const stateCountRow = z.object({ state: z.enum(HandoverStates), n: z.number().int() });

const TERMINAL = `('ended', 'failed')`;
const RECORD_COLUMNS = `${HANDOVER_COLUMNS}, provider_ref, provider_cursor`;
// Built once: a hot statement's text is not rebuilt (and re-hashed by the cache) on every call.
const GET_SQL = `SELECT ${RECORD_COLUMNS} FROM handovers WHERE id = ?`;
const INSERT_SQL = `INSERT INTO handovers (${HANDOVER_WRITTEN.join(', ')}, provider_ref, provider_cursor)
  VALUES (${HANDOVER_WRITTEN.map((c) => `@${c}`).join(', ')}, @provider_ref, @provider_cursor)`;
const UPDATE_SQL = `UPDATE handovers SET ${HANDOVER_UPDATED.map((c) => `${c} = @${c}`).join(', ')},
    provider_ref = COALESCE(@provider_ref, provider_ref),
    provider_cursor = COALESCE(@provider_cursor, provider_cursor)
  WHERE id = @id AND version = @expected_version`;
/**
 * The same update when the state stays as it is, compared instead of written: SQLite rewrites an
 * index entry whenever its column is SET, even to the same value (the update leaves out the endpoint,
 * user and session, fixed at creation; the state is in three indexes), and each rewrite dirties
 * index pages that the commit writes to the WAL and fsyncs. Most commits (a message, a cursor move)
 * keep the state — this statement: ~25 % less CPU per write replaying the relay's writes (issue 12);
 * a commit that changes it matches no row here and takes UPDATE_SQL.
 */
const UPDATE_SAME_STATE_SQL = `UPDATE handovers SET ${HANDOVER_UPDATED.filter((c) => c !== 'state')
  .map((c) => `${c} = @${c}`)
  .join(', ')},
    provider_ref = COALESCE(@provider_ref, provider_ref),
    provider_cursor = COALESCE(@provider_cursor, provider_cursor)
  WHERE id = @id AND version = @expected_version AND state = @state`;

export class HandoverQueries {
  readonly #sql: StatementCache;

  constructor(sql: StatementCache) {
    this.#sql = sql;
  }

  get(id: string): HandoverRecord | undefined {
    const row = this.#sql.get(GET_SQL).get(id);
    return row === undefined ? undefined : rowToRecord(row, sqliteDialect);
  }

  exists(id: string): boolean {
    return this.#sql.get('SELECT 1 FROM handovers WHERE id = ?').get(id) !== undefined;
  }

  findUnended(endpointId: string, userId: string, sessionId: string): HandoverRecord | undefined {
    const row = this.#sql
      .get(
        `SELECT ${RECORD_COLUMNS} FROM handovers
         WHERE endpoint_id = ? AND user_id = ? AND session_id = ? AND state NOT IN ${TERMINAL}`,
      )
      .get(endpointId, userId, sessionId);
    return row === undefined ? undefined : rowToRecord(row, sqliteDialect);
  }

  insert(change: NewHandover): void {
    this.#sql.get(INSERT_SQL).run({
      ...handoverValues(change.handover, sqliteDialect),
      provider_ref: providerRefValue(change.provider?.ref),
      provider_cursor: change.provider?.cursor ?? null,
    });
  }

  /**
   * Writes the new state only if the stored version is `expectedVersion` (optimistic concurrency).
   * What is fixed at creation is not written (ChangeSet); the provider handle and cursor change only
   * when given, never cleared.
   * Returns false when no row matched (stale version or unknown id).
   */
  update(change: CommitChange): boolean {
    const values = {
      ...handoverUpdateValues(change.handover, sqliteDialect),
      id: change.handover.id,
      provider_ref: providerRefValue(change.provider?.ref),
      provider_cursor: change.provider?.cursor ?? null,
      expected_version: change.expectedVersion,
    };
    if (this.#sql.get(UPDATE_SAME_STATE_SQL).run(values).changes === 1) return true;
    return this.#sql.get(UPDATE_SQL).run(values).changes === 1;
  }

  /** Newest first: (created_at, id) descending, starting strictly after `after`. */
  list(filter: HandoverFilter): Handover[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (filter.endpointIds) {
      // One JSON parameter instead of N placeholders: one prepared statement whatever the list length.
      where.push('endpoint_id IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(filter.endpointIds));
    }
    if (filter.state) {
      where.push('state = ?');
      params.push(filter.state);
    }
    if (filter.after) {
      where.push('(created_at, id) < (?, ?)');
      params.push(filter.after.createdAt, filter.after.id);
    }
    const sql = `SELECT ${HANDOVER_COLUMNS} FROM handovers
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_at DESC, id DESC LIMIT ?`;
    return this.#sql
      .get(sql)
      .all(...params, filter.limit)
      .map((row) => rowToHandover(row, sqliteDialect));
  }

  /** Oldest first: the order in which a restarted gateway re-attaches them. */
  listUnended(): HandoverRecord[] {
    return this.#sql
      .get(`SELECT ${RECORD_COLUMNS} FROM handovers WHERE state NOT IN ${TERMINAL} ORDER BY created_at, id`)
      .all()
      .map((row) => rowToRecord(row, sqliteDialect));
  }

  countByState(): Record<HandoverState, number> {
    const counts = Object.fromEntries(HandoverStates.map((s) => [s, 0])) as Record<HandoverState, number>;
    for (const raw of this.#sql.get('SELECT state, COUNT(*) AS n FROM handovers GROUP BY state').all()) {
      const { state, n } = parseRow(stateCountRow, raw, 'handovers');
      counts[state] = n;
    }
    return counts;
  }
}
