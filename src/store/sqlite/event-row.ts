// events row ↔ HandoverEvent. The payload is JSON, checked against its type's schema on the way out.
import { z } from 'zod';
import type { HandoverEvent } from '../../core/model/events.ts';
import { checkColumn, parseJsonText, typedEventDataSchema } from '../json-columns.ts';
import { parseRow } from '../parse-row.ts';

export const EVENT_COLUMNS =
  'id, handover_id, seq, type, endpoint_id, user_id, session_id, occurred_at, data';

const eventRowSchema = z.object({
  id: z.string(),
  handover_id: z.string(),
  seq: z.number().int(),
  type: z.string(),
  endpoint_id: z.string(),
  user_id: z.string(),
  session_id: z.string(),
  occurred_at: z.string(),
  data: z.string(),
});

export function eventParams(e: HandoverEvent): Record<string, string | number> {
  return {
    id: e.id,
    handover_id: e.handoverId,
    seq: e.seq,
    type: e.type,
    endpoint_id: e.endpointId,
    user_id: e.userId,
    session_id: e.sessionId,
    occurred_at: e.occurredAt,
    data: JSON.stringify(e.data),
  };
}

/** Maps a row selected with `EVENT_COLUMNS` (columns may be prefixed by a join, never renamed). */
export function rowToEvent(raw: unknown): HandoverEvent {
  const row = parseRow(eventRowSchema, raw, 'events');
  // type and data are parsed together so a payload can only come back under its own type.
  const column = `events(${row.id}).data`;
  const typed = checkColumn(
    typedEventDataSchema,
    { type: row.type, data: parseJsonText(row.data, column) },
    column,
  );
  return {
    id: row.id,
    handoverId: row.handover_id,
    endpointId: row.endpoint_id,
    userId: row.user_id,
    sessionId: row.session_id,
    seq: row.seq,
    occurredAt: row.occurred_at,
    ...typed,
  };
}
