// SQL on the handovers table. Each method is one statement on the connection it is given: the
// store decides which ones share a transaction.
import { z } from 'zod';
import { HandoverStates } from '../../core/model/handover.ts';
import type { Handover, HandoverState } from '../../core/model/handover.ts';
import type { ChangeSet, HandoverRecord, NewHandover } from '../../core/ports/store/index.ts';
import type { HandoverFilter } from '../handover-filter.ts';
import { parseRow } from '../parse-row.ts';
import { postgresDialect } from '../sql/dialect.ts';
import {
  HANDOVER_COLUMNS,
  HANDOVER_JSON_COLUMNS,
  HANDOVER_UPDATED,
  HANDOVER_WRITTEN,
  handoverUpdateValues,
  handoverValues,
  providerRefValue,
  rowToHandover,
  rowToRecord,
} from '../sql/handover-row.ts';
import type { Sql } from './transaction.ts';
import { byColumn, unnestOf } from './unnest.ts';

const stateCountRow = z.object({ state: z.enum(HandoverStates), n: z.number().int() });

const TERMINAL = `('ended', 'failed')`;

/** `$n`, cast to JSONB where the column is JSON. */
const placeholder = (column: string, n: number): string =>
  HANDOVER_JSON_COLUMNS.has(column) ? `$${n}::jsonb` : `$${n}`;

const RECORD_COLUMNS = `${HANDOVER_COLUMNS}, provider_ref, provider_cursor`;

const INSERT_SQL = `INSERT INTO handovers (${HANDOVER_WRITTEN.join(', ')}, provider_ref, provider_cursor)
  VALUES (${HANDOVER_WRITTEN.map((c, i) => placeholder(c, i + 1)).join(', ')},
    $${HANDOVER_WRITTEN.length + 1}::jsonb, $${HANDOVER_WRITTEN.length + 2})
  ON CONFLICT (endpoint_id, user_id, session_id) WHERE state NOT IN ${TERMINAL} DO NOTHING`;

// The provider handle and cursor change only when given, never cleared.
const UPDATE_SQL = `UPDATE handovers SET ${HANDOVER_UPDATED.map((c, i) => `${c} = ${placeholder(c, i + 1)}`).join(', ')},
  provider_ref = COALESCE($${HANDOVER_UPDATED.length + 1}::jsonb, provider_ref),
  provider_cursor = COALESCE($${HANDOVER_UPDATED.length + 2}, provider_cursor)
  WHERE id = $${HANDOVER_UPDATED.length + 3} AND version = $${HANDOVER_UPDATED.length + 4}`;

// The same, unless the handover's transcript holds one of the change's provider message ids: the
// duplicate check rides on the update instead of costing a round trip of its own per change. One id
// (an agent's message: nearly every such change) is compared with `=`: with `= ANY(array)` the
// generic plan's estimate (an array of unknown length) could look costlier than a plan for the
// values, and PostgreSQL then planned every call again (~60 µs each; bench/README.md round nineteen).
const updateUnless = (condition: string): string =>
  `${UPDATE_SQL} AND NOT EXISTS (SELECT 1 FROM transcript
  WHERE handover_id = $${HANDOVER_UPDATED.length + 3} AND ${condition})`;
const UPDATE_UNLESS_HELD_SQL = updateUnless(`provider_message_id = $${HANDOVER_UPDATED.length + 5}`);
const UPDATE_UNLESS_ANY_HELD_SQL = updateUnless(
  `provider_message_id = ANY($${HANDOVER_UPDATED.length + 5}::text[])`,
);

/** The columns of UPDATE_ALL_SQL's rows: the new state, then which row, at which version, unless holding which id. */
const UPDATE_ALL_COLUMNS = [
  ...HANDOVER_UPDATED,
  'provider_ref',
  'provider_cursor',
  'id',
  'expected_version',
  'held',
] as const;

/** Array types of the columns that are not text (JSON goes as text and is cast where it is set). */
const UPDATE_ALL_TYPES: Readonly<Record<string, string>> = {
  agent_ever_joined: 'boolean',
  last_seq: 'int',
  version: 'int',
  expected_version: 'int',
};

// UPDATE_UNLESS_HELD_SQL for many handovers in one statement (a group-committed batch's changes,
// deferred-rows.ts): each row of the unnest updates its handover at the version it expects, unless
// the handover's transcript holds the one provider message id given. RETURNING says which matched.
// No two rows name one handover: a second commit of it in the batch goes in the next UPDATE.
// The held check is a LATERAL probe (LIMIT 1), one index look-up per row: written as
// `held IS NULL OR NOT EXISTS (…)`, PostgreSQL may turn it into a hashed subplan — the whole
// transcript read and hashed on every call — and did, in a generic plan made while the table was
// small (bench/README.md round nineteen).
const UPDATE_ALL_SQL = `UPDATE handovers h SET ${HANDOVER_UPDATED.map((c) => `${c} = r.${c}${HANDOVER_JSON_COLUMNS.has(c) ? '::jsonb' : ''}`).join(', ')},
  provider_ref = COALESCE(r.provider_ref::jsonb, h.provider_ref),
  provider_cursor = COALESCE(r.provider_cursor, h.provider_cursor)
FROM ${unnestOf(UPDATE_ALL_COLUMNS, UPDATE_ALL_TYPES)} AS r(${UPDATE_ALL_COLUMNS.join(', ')})
LEFT JOIN LATERAL (SELECT 1 AS found FROM transcript t
  WHERE t.handover_id = r.id AND t.provider_message_id = r.held LIMIT 1) held ON true
WHERE h.id = r.id AND h.version = r.expected_version AND held.found IS NULL
RETURNING h.id`;

const idRow = z.object({ id: z.string() });

/** One handover's change for `updateAll`: `held`, a provider message id it must not hold yet. */
export interface UpdateUnlessHeld {
  readonly change: ChangeSet;
  readonly held: string | undefined;
}

/** An update's values in UPDATE_SQL's order: the new state, provider handle and cursor, id, expected version. */
function updateParams(change: ChangeSet): unknown[] {
  const values = handoverUpdateValues(change.handover, postgresDialect);
  return [
    ...HANDOVER_UPDATED.map((c) => values[c]),
    providerRefValue(change.provider?.ref),
    change.provider?.cursor ?? null,
    change.handover.id,
    change.expectedVersion,
  ];
}

export class HandoverQueries {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async get(id: string): Promise<HandoverRecord | undefined> {
    const { rows } = await this.#sql.query(`SELECT ${RECORD_COLUMNS} FROM handovers WHERE id = $1`, [id]);
    return rows[0] === undefined ? undefined : rowToRecord(rows[0], postgresDialect);
  }

  async exists(id: string): Promise<boolean> {
    return ((await this.#sql.query('SELECT 1 FROM handovers WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }

  async findUnended(
    endpointId: string,
    userId: string,
    sessionId: string,
  ): Promise<HandoverRecord | undefined> {
    const { rows } = await this.#sql.query(
      `SELECT ${RECORD_COLUMNS} FROM handovers
       WHERE endpoint_id = $1 AND user_id = $2 AND session_id = $3 AND state NOT IN ${TERMINAL}`,
      [endpointId, userId, sessionId],
    );
    return rows[0] === undefined ? undefined : rowToRecord(rows[0], postgresDialect);
  }

  /**
   * Inserts unless an unended handover of the same (endpoint, user, session) exists: the partial
   * unique index is the arbiter, so of two racing inserts (two pools, two instances) the second
   * waits for the first to commit and then inserts nothing. Returns whether the row was written.
   */
  async insertUnlessUnended(change: NewHandover): Promise<boolean> {
    const values = handoverValues(change.handover, postgresDialect);
    const result = await this.#sql.query(INSERT_SQL, [
      ...HANDOVER_WRITTEN.map((c) => values[c]),
      providerRefValue(change.provider?.ref),
      change.provider?.cursor ?? null,
    ]);
    return result.rowCount === 1;
  }

  /**
   * Writes the new state only if the stored version is `expectedVersion` (optimistic concurrency).
   * A concurrent writer of the same row holds its lock until it commits; this UPDATE then re-reads
   * the row, sees the bumped version and matches nothing. Given `unlessHeld`, also only if the
   * handover's transcript holds none of those provider message ids. Returns false when no row
   * matched: nothing was written.
   */
  async update(change: ChangeSet, unlessHeld: readonly string[] = []): Promise<boolean> {
    const params = updateParams(change);
    const result =
      unlessHeld.length === 0
        ? await this.#sql.query(UPDATE_SQL, params)
        : unlessHeld.length === 1
          ? await this.#sql.query(UPDATE_UNLESS_HELD_SQL, [...params, unlessHeld[0]])
          : await this.#sql.query(UPDATE_UNLESS_ANY_HELD_SQL, [...params, unlessHeld]);
    return result.rowCount === 1;
  }

  /** `update` for many handovers in one statement; returns the ids of those written (the others: nothing). */
  async updateAll(updates: readonly UpdateUnlessHeld[]): Promise<ReadonlySet<string>> {
    const rows = updates.map(({ change, held }) => [...updateParams(change), held ?? null]);
    const { rows: written } = await this.#sql.query(
      UPDATE_ALL_SQL,
      byColumn(rows, UPDATE_ALL_COLUMNS.length),
    );
    return new Set(written.map((row) => parseRow(idRow, row, 'handovers').id));
  }

  /** Newest first: (created_at, id) descending, starting strictly after `after`. */
  async list(filter: HandoverFilter): Promise<Handover[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    // One array parameter instead of N placeholders: one statement text whatever the list length.
    if (filter.endpointIds) where.push(`endpoint_id = ANY(${param(filter.endpointIds)}::text[])`);
    if (filter.state) where.push(`state = ${param(filter.state)}`);
    if (filter.after) {
      where.push(`(created_at, id) < (${param(filter.after.createdAt)}, ${param(filter.after.id)})`);
    }
    const { rows } = await this.#sql.query(
      `SELECT ${HANDOVER_COLUMNS} FROM handovers
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, id DESC LIMIT ${param(filter.limit)}`,
      params,
    );
    return rows.map((row) => rowToHandover(row, postgresDialect));
  }

  /** Oldest first: the order in which a restarted gateway re-attaches them. */
  async listUnended(): Promise<HandoverRecord[]> {
    const { rows } = await this.#sql.query(
      `SELECT ${RECORD_COLUMNS} FROM handovers WHERE state NOT IN ${TERMINAL}
       ORDER BY created_at, id`,
    );
    return rows.map((row) => rowToRecord(row, postgresDialect));
  }

  async countByState(): Promise<Record<HandoverState, number>> {
    const counts = Object.fromEntries(HandoverStates.map((s) => [s, 0])) as Record<HandoverState, number>;
    // COUNT is bigint, which pg returns as a string: cast to int (fewer than 2^31 rows per state).
    const { rows } = await this.#sql.query('SELECT state, COUNT(*)::int AS n FROM handovers GROUP BY state');
    for (const raw of rows) {
      const { state, n } = parseRow(stateCountRow, raw, 'handovers');
      counts[state] = n;
    }
    return counts;
  }
}
