// SQL on the transcript table. Rows map to entries with the shared ../sql/transcript-row.ts: the
// table has the same columns and plain types as in SQLite.
import { z } from 'zod';
import type { TranscriptEntry } from '../../core/model/transcript.ts';
import type { SpeakerTime } from '../../core/ports/store/index.ts';
import { TRANSCRIPT_COLUMNS, rowToSpeakerTime, rowToTranscriptEntry } from '../sql/transcript-row.ts';
import { parseRow } from '../parse-row.ts';
import type { Sql } from './transaction.ts';

const countRow = z.object({ n: z.number().int() });

export class TranscriptQueries {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
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
