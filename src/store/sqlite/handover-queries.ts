// SQL on the handovers table. Synchronous: the store wraps calls in transactions and Promises.
import { z } from 'zod';
import { HandoverStates } from '../../core/model/handover.ts';
import type { Handover, HandoverState } from '../../core/model/handover.ts';
import type { ProviderRef } from '../../core/ports/provider.ts';
import type { HandoverRecord } from '../../core/ports/store.ts';
import type { HandoverFilter } from '../handover-filter.ts';
import {
  HANDOVER_COLUMNS,
  handoverParams,
  providerRefParam,
  rowToHandover,
  rowToRecord,
} from './handover-row.ts';
import { parseRow } from '../parse-row.ts';
import type { StatementCache } from './statements.ts';

const stateCountRow = z.object({ state: z.enum(HandoverStates), n: z.number().int() });

const TERMINAL = `('ended', 'failed')`;

export class HandoverQueries {
  readonly #sql: StatementCache;

  constructor(sql: StatementCache) {
    this.#sql = sql;
  }

  get(id: string): HandoverRecord | undefined {
    const row = this.#sql.get(`SELECT ${HANDOVER_COLUMNS}, provider_ref FROM handovers WHERE id = ?`).get(id);
    return row === undefined ? undefined : rowToRecord(row);
  }

  exists(id: string): boolean {
    return this.#sql.get('SELECT 1 FROM handovers WHERE id = ?').get(id) !== undefined;
  }

  findUnended(endpointId: string, userId: string, sessionId: string): HandoverRecord | undefined {
    const row = this.#sql
      .get(
        `SELECT ${HANDOVER_COLUMNS}, provider_ref FROM handovers
         WHERE endpoint_id = ? AND user_id = ? AND session_id = ? AND state NOT IN ${TERMINAL}`,
      )
      .get(endpointId, userId, sessionId);
    return row === undefined ? undefined : rowToRecord(row);
  }

  insert(handover: Handover, providerRef: ProviderRef | undefined): void {
    this.#sql
      .get(
        `INSERT INTO handovers (id, endpoint_id, user_id, session_id, customer, settings, state, end_reason, failure,
           agent, pending_agent_id, agent_ever_joined, last_seq, provider_cursor, created_at, updated_at, ended_at,
           version, provider_ref)
         VALUES (@id, @endpoint_id, @user_id, @session_id, @customer, @settings, @state, @end_reason, @failure,
           @agent, @pending_agent_id, @agent_ever_joined, @last_seq, @provider_cursor, @created_at, @updated_at,
           @ended_at, @version, @provider_ref)`,
      )
      .run({ ...handoverParams(handover), provider_ref: providerRef ? providerRefParam(providerRef) : null });
  }

  /**
   * Writes the new state only if the stored version is `expectedVersion` (optimistic concurrency).
   * `created_at` is immutable; `provider_ref` is replaced only when given, never cleared.
   * Returns false when no row matched (stale version or unknown id).
   */
  update(handover: Handover, expectedVersion: number, providerRef: ProviderRef | undefined): boolean {
    const result = this.#sql
      .get(
        `UPDATE handovers SET endpoint_id = @endpoint_id, user_id = @user_id, session_id = @session_id,
           customer = @customer, settings = @settings, state = @state, end_reason = @end_reason, failure = @failure,
           agent = @agent, pending_agent_id = @pending_agent_id, agent_ever_joined = @agent_ever_joined,
           last_seq = @last_seq, provider_cursor = @provider_cursor, updated_at = @updated_at, ended_at = @ended_at,
           version = @version, provider_ref = COALESCE(@provider_ref, provider_ref)
         WHERE id = @id AND version = @expected_version`,
      )
      .run({
        ...handoverParams(handover),
        provider_ref: providerRef ? providerRefParam(providerRef) : null,
        expected_version: expectedVersion,
      });
    return result.changes === 1;
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
      .map(rowToHandover);
  }

  /** Oldest first: the order in which a restarted gateway re-attaches them. */
  listUnended(): HandoverRecord[] {
    return this.#sql
      .get(
        `SELECT ${HANDOVER_COLUMNS}, provider_ref FROM handovers WHERE state NOT IN ${TERMINAL}
         ORDER BY created_at, id`,
      )
      .all()
      .map(rowToRecord);
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
