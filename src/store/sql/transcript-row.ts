// transcript row ↔ TranscriptEntry, shared by the SQLite and PostgreSQL adapters (the table has the same
// columns and plain types in both). The `outbound` part is three nullable columns, all set or all null.
import { z } from 'zod';
import { SenderRoles } from '../../core/model/transcript.ts';
import type { TranscriptEntry } from '../../core/model/transcript.ts';
import type { SpeakerTime } from '../../core/ports/store/index.ts';
import { attachmentsSchema, checkColumn, parseJsonText } from '../json-columns.ts';
import { parseRow } from '../parse-row.ts';

export const TRANSCRIPT_COLUMNS = `id, handover_id, role, text, at, sender_name, provider_message_id,
  outbound_status, outbound_order, outbound_kind, outbound_attempted_at, client_message_id, attachments, trace_parent`;

const transcriptRowSchema = z.object({
  id: z.string(),
  handover_id: z.string(),
  role: z.enum(SenderRoles),
  text: z.string(),
  at: z.string(),
  sender_name: z.string().nullable(),
  provider_message_id: z.string().nullable(),
  outbound_status: z.enum(['pending', 'sent', 'undelivered']).nullable(),
  outbound_order: z.number().int().nullable(),
  outbound_kind: z.enum(['message', 'transcript', 'notice']).nullable(),
  outbound_attempted_at: z.string().nullable(),
  client_message_id: z.string().nullable(),
  attachments: z.string().nullable(),
  trace_parent: z.string().nullable(),
});

/** Named parameters for INSERT; `position` is assigned by the INSERT itself. */
export function transcriptParams(entry: TranscriptEntry): Record<string, string | number | null> {
  return {
    id: entry.id,
    handover_id: entry.handoverId,
    role: entry.role,
    text: entry.text,
    at: entry.at,
    sender_name: entry.senderName ?? null,
    provider_message_id: entry.providerMessageId ?? null,
    outbound_status: entry.outbound?.status ?? null,
    outbound_order: entry.outbound?.order ?? null,
    outbound_kind: entry.outbound?.kind ?? null,
    outbound_attempted_at: entry.outbound?.attemptedAt ?? null,
    client_message_id: entry.clientMessageId ?? null,
    attachments: entry.attachments?.length ? JSON.stringify(entry.attachments) : null,
    trace_parent: entry.traceParent ?? null,
  };
}

const speakerTimeRow = z.object({ role: z.enum(['customer', 'agent']), at: z.string() });

/** A row of transcript.speakerTimes (`SELECT role, at … WHERE role IN ('customer', 'agent')`). */
export function rowToSpeakerTime(raw: unknown): SpeakerTime {
  return parseRow(speakerTimeRow, raw, 'transcript');
}

export function rowToTranscriptEntry(raw: unknown): TranscriptEntry {
  const row = parseRow(transcriptRowSchema, raw, 'transcript');
  const { outbound_status: status, outbound_order: order, outbound_kind: kind } = row;
  return {
    id: row.id,
    handoverId: row.handover_id,
    role: row.role,
    text: row.text,
    at: row.at,
    ...(row.sender_name === null ? {} : { senderName: row.sender_name }),
    ...(row.provider_message_id === null ? {} : { providerMessageId: row.provider_message_id }),
    ...(row.client_message_id === null ? {} : { clientMessageId: row.client_message_id }),
    ...(row.trace_parent === null ? {} : { traceParent: row.trace_parent }),
    ...(row.attachments === null
      ? {}
      : {
          attachments: checkColumn(
            attachmentsSchema,
            parseJsonText(row.attachments, 'transcript.attachments'),
            'transcript.attachments',
          ),
        }),
    // The table's CHECK keeps the three together; a partial triple cannot come back.
    ...(status === null || order === null || kind === null
      ? {}
      : {
          outbound: {
            status,
            order,
            kind,
            ...(row.outbound_attempted_at === null ? {} : { attemptedAt: row.outbound_attempted_at }),
          },
        }),
  };
}
