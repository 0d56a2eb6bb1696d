// SQL on the transcript table. Rows map to entries with the shared ../sql/transcript-row.ts: the
// table has the same columns and plain types as in SQLite.
import pg from 'pg';
import { z } from 'zod';
import type { TranscriptEntry } from '../../core/model/transcript.ts';
import { DuplicateProviderMessageError, type SpeakerTime } from '../../core/ports/store/index.ts';
import {
  TRANSCRIPT_COLUMNS,
  rowToSpeakerTime,
  rowToTranscriptEntry,
  transcriptParams,
} from '../sql/transcript-row.ts';
import { parseRow } from '../parse-row.ts';
import type { Sql } from './transaction.ts';

const countRow = z.object({ n: z.number().int() });

const INSERT_COLUMNS = [
  'id',
  'handover_id',
  'role',
  'text',
  'at',
  'sender_name',
  'provider_message_id',
  'outbound_status',
  'outbound_order',
  'outbound_kind',
  'outbound_attempted_at',
  'client_message_id',
  'attachments',
  'trace_parent',
] as const;

export class TranscriptQueries {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  /**
   * Appends a line; DuplicateProviderMessageError when the handover holds its provider message id
   * already (a replayed frame, a catch-up's overlap). `position` — insertion order — breaks ties
   * between equal `at`s. MAX(position) + 1 is race-free because every write of a handover's lines
   * happens in a transaction that first locked the handover's row (UPDATE in commit) or created it
   * (INSERT in createHandover, invisible to others until commit).
   */
  async append(entry: TranscriptEntry): Promise<void> {
    const params = transcriptParams(entry);
    const result = await this.#sql.query(
      `INSERT INTO transcript (${INSERT_COLUMNS.join(', ')}, position)
       VALUES (${INSERT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')},
         (SELECT COALESCE(MAX(position), 0) + 1 FROM transcript WHERE handover_id = $2))
       ON CONFLICT (handover_id, provider_message_id) WHERE provider_message_id IS NOT NULL DO NOTHING`,
      INSERT_COLUMNS.map((c) => params[c]),
    );
    if (result.rowCount !== 1)
      throw new DuplicateProviderMessageError(entry.handoverId, entry.providerMessageId ?? '');
  }

  /**
   * Settles a pending outbound line: `sent` with the provider's message id, or `undelivered`. A line
   * no longer pending keeps what it has. False when the handover has no outbound line with this id.
   */
  /** A send of a pending line starts (only a pending line changes). */
  async markAttempt(handoverId: string, entryId: string, at: string): Promise<void> {
    await this.#sql.query(
      `UPDATE transcript SET outbound_attempted_at = $3
       WHERE id = $1 AND handover_id = $2 AND outbound_status = 'pending'`,
      [entryId, handoverId, at],
    );
  }

  async settle(
    handoverId: string,
    entryId: string,
    outcome: { sent: string } | 'undelivered',
  ): Promise<boolean> {
    const result =
      outcome === 'undelivered'
        ? await this.#sql.query(
            `UPDATE transcript SET outbound_status = 'undelivered'
             WHERE id = $1 AND handover_id = $2 AND outbound_status = 'pending'`,
            [entryId, handoverId],
          )
        : await this.#confirm(handoverId, entryId, outcome.sent);
    if (result.rowCount === 1) return true;
    const found = await this.#sql.query(
      'SELECT 1 FROM transcript WHERE id = $1 AND handover_id = $2 AND outbound_status IS NOT NULL',
      [entryId, handoverId],
    );
    return (found.rowCount ?? 0) > 0;
  }

  async #confirm(handoverId: string, entryId: string, providerMessageId: string) {
    try {
      return await this.#sql.query(
        `UPDATE transcript SET outbound_status = 'sent', provider_message_id = $3
         WHERE id = $1 AND handover_id = $2 AND outbound_status = 'pending'`,
        [entryId, handoverId, providerMessageId],
      );
    } catch (err) {
      // The only unique index an UPDATE of these columns can break (SQLSTATE 23505).
      if (
        err instanceof pg.DatabaseError &&
        err.code === '23505' &&
        err.constraint === 'transcript_provider_message'
      )
        throw new DuplicateProviderMessageError(handoverId, providerMessageId);
      throw err;
    }
  }

  async all(handoverId: string): Promise<TranscriptEntry[]> {
    const { rows } = await this.#sql.query(
      `SELECT ${TRANSCRIPT_COLUMNS} FROM transcript WHERE handover_id = $1 ORDER BY at, position`,
      [handoverId],
    );
    return rows.map(rowToTranscriptEntry);
  }

  async hasProviderMessage(handoverId: string, providerMessageId: string): Promise<boolean> {
    const result = await this.#sql.query(
      'SELECT 1 FROM transcript WHERE handover_id = $1 AND provider_message_id = $2',
      [handoverId, providerMessageId],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async speakerTimes(handoverId: string): Promise<SpeakerTime[]> {
    const { rows } = await this.#sql.query(
      `SELECT role, at FROM transcript WHERE handover_id = $1 AND role IN ('customer', 'agent')`,
      [handoverId],
    );
    return rows.map(rowToSpeakerTime);
  }

  async maxOutboundOrder(handoverId: string): Promise<number> {
    const { rows } = await this.#sql.query(
      // The partial index transcript_outbound_order serves this only with its predicate spelled out.
      'SELECT COALESCE(MAX(outbound_order), 0)::int AS n FROM transcript WHERE handover_id = $1 AND outbound_order IS NOT NULL',
      [handoverId],
    );
    return parseRow(countRow, rows[0], 'transcript').n;
  }

  async byClientMessageId(handoverId: string, clientMessageId: string): Promise<TranscriptEntry[]> {
    const { rows } = await this.#sql.query(
      `SELECT ${TRANSCRIPT_COLUMNS} FROM transcript WHERE handover_id = $1 AND client_message_id = $2
       ORDER BY outbound_order`,
      [handoverId, clientMessageId],
    );
    return rows.map(rowToTranscriptEntry);
  }

  async pendingOutbound(handoverId: string): Promise<TranscriptEntry[]> {
    const { rows } = await this.#sql.query(
      `SELECT ${TRANSCRIPT_COLUMNS} FROM transcript WHERE handover_id = $1 AND outbound_status = 'pending'
       ORDER BY outbound_order`,
      [handoverId],
    );
    return rows.map(rowToTranscriptEntry);
  }
}
