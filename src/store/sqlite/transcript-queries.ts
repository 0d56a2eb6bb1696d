// SQL on the transcript table.
import type { TranscriptEntry } from '../../core/model/transcript.ts';
import { DuplicateProviderMessageError, type SpeakerTime } from '../../core/ports/store/index.ts';
import {
  TRANSCRIPT_COLUMNS,
  rowToSpeakerTime,
  rowToTranscriptEntry,
  transcriptParams,
} from '../sql/transcript-row.ts';
import type { StatementCache } from './statements.ts';

export class TranscriptQueries {
  readonly #sql: StatementCache;

  constructor(sql: StatementCache) {
    this.#sql = sql;
  }

  /**
   * Appends a line; DuplicateProviderMessageError when the handover holds its provider message id
   * already (a replayed frame, a catch-up's overlap). `position` — insertion order — breaks ties
   * between equal `at`s, which keeps the transcript order stable.
   */
  append(entry: TranscriptEntry): void {
    const result = this.#sql
      .get(
        `INSERT INTO transcript (id, handover_id, position, role, text, at, sender_name, provider_message_id,
           outbound_status, outbound_order, outbound_kind, outbound_attempted_at, client_message_id, attachments, trace_parent)
         VALUES (@id, @handover_id,
           (SELECT COALESCE(MAX(position), 0) + 1 FROM transcript WHERE handover_id = @handover_id),
           @role, @text, @at, @sender_name, @provider_message_id, @outbound_status, @outbound_order, @outbound_kind,
           @outbound_attempted_at, @client_message_id, @attachments, @trace_parent)
         ON CONFLICT (handover_id, provider_message_id) WHERE provider_message_id IS NOT NULL DO NOTHING`,
      )
      .run(transcriptParams(entry));
    if (result.changes !== 1)
      throw new DuplicateProviderMessageError(entry.handoverId, entry.providerMessageId ?? '');
  }

  /**
   * Settles a pending outbound line: `sent` with the provider's message id, or `undelivered`. A line
   * no longer pending keeps what it has (a late confirmation after an echo, a send after the end).
   * Returns false when the handover has no outbound line with this id at all.
   */
  settle(handoverId: string, entryId: string, outcome: { sent: string } | 'undelivered'): boolean {
    const changed =
      outcome === 'undelivered'
        ? this.#sql
            .get(
              `UPDATE transcript SET outbound_status = 'undelivered'
               WHERE id = ? AND handover_id = ? AND outbound_status = 'pending'`,
            )
            .run(entryId, handoverId).changes
        : this.#confirm(handoverId, entryId, outcome.sent);
    if (changed === 1) return true;
    return (
      this.#sql
        .get('SELECT 1 FROM transcript WHERE id = ? AND handover_id = ? AND outbound_status IS NOT NULL')
        .get(entryId, handoverId) !== undefined
    );
  }

  #confirm(handoverId: string, entryId: string, providerMessageId: string): number {
    try {
      return this.#sql
        .get(
          `UPDATE transcript SET outbound_status = 'sent', provider_message_id = ?
           WHERE id = ? AND handover_id = ? AND outbound_status = 'pending'`,
        )
        .run(providerMessageId, entryId, handoverId).changes;
    } catch (err) {
      // The only unique index an UPDATE of these columns can break: transcript_provider_message.
      if ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE')
        throw new DuplicateProviderMessageError(handoverId, providerMessageId);
      throw err;
    }
  }

  /** A send of a pending line starts (only a pending line changes). */
  markAttempt(handoverId: string, entryId: string, at: string): void {
    this.#sql
      .get(
        `UPDATE transcript SET outbound_attempted_at = ?
         WHERE id = ? AND handover_id = ? AND outbound_status = 'pending'`,
      )
      .run(at, entryId, handoverId);
  }

  all(handoverId: string): TranscriptEntry[] {
    return this.#sql
      .get(`SELECT ${TRANSCRIPT_COLUMNS} FROM transcript WHERE handover_id = ? ORDER BY at, position`)
      .all(handoverId)
      .map(rowToTranscriptEntry);
  }

  speakerTimes(handoverId: string): SpeakerTime[] {
    return this.#sql
      .get(`SELECT role, at FROM transcript WHERE handover_id = ? AND role IN ('customer', 'agent')`)
      .all(handoverId)
      .map(rowToSpeakerTime);
  }

  hasProviderMessage(handoverId: string, providerMessageId: string): boolean {
    return (
      this.#sql
        .get('SELECT 1 FROM transcript WHERE handover_id = ? AND provider_message_id = ?')
        .get(handoverId, providerMessageId) !== undefined
    );
  }

  maxOutboundOrder(handoverId: string): number {
    // `outbound_order IS NOT NULL` lets the planner use the partial index transcript_outbound_order
    // (one seek to the handover's last outbound line); without it SQLite reads every line the
    // handover ever had — O(its history) each time a handover's state is loaded.
    const row = this.#sql
      .get(
        'SELECT COALESCE(MAX(outbound_order), 0) AS n FROM transcript WHERE handover_id = ? AND outbound_order IS NOT NULL',
      )
      .get(handoverId) as { n: number };
    return row.n;
  }

  byClientMessageId(handoverId: string, clientMessageId: string): TranscriptEntry[] {
    return this.#sql
      .get(
        `SELECT ${TRANSCRIPT_COLUMNS} FROM transcript WHERE handover_id = ? AND client_message_id = ?
         ORDER BY outbound_order`,
      )
      .all(handoverId, clientMessageId)
      .map(rowToTranscriptEntry);
  }

  pendingOutbound(handoverId: string): TranscriptEntry[] {
    return this.#sql
      .get(
        `SELECT ${TRANSCRIPT_COLUMNS} FROM transcript WHERE handover_id = ? AND outbound_status = 'pending'
         ORDER BY outbound_order`,
      )
      .all(handoverId)
      .map(rowToTranscriptEntry);
  }
}
