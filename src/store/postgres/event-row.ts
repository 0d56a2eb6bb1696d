// events row ↔ HandoverEvent. The payload is JSONB, checked against its type's schema on the way out.
import { z } from 'zod';
import type { HandoverEvent } from '../../core/model/events.ts';
import { checkColumn, typedEventDataSchema } from '../json-columns.ts';
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
  data: z.unknown(),
});

/** Values for `EVENT_COLUMNS`, in order; `data` as JSON text, cast to JSONB in the SQL. */
export function eventValues(e: HandoverEvent): (string | number)[] {
  return [
    e.id,
    e.handoverId,
    e.seq,
    e.type,
    e.endpointId,
    e.userId,
    e.sessionId,
    e.occurredAt,
    JSON.stringify(e.data),
  ];
}

/** Maps a row selected with `EVENT_COLUMNS` (columns may be prefixed by a join, never renamed). */
export function rowToEvent(raw: unknown): HandoverEvent {
  const row = parseRow(eventRowSchema, raw, 'events');
  // type and data are parsed together so a payload can only come back under its own type.
  const typed = checkColumn(
    typedEventDataSchema,
    { type: row.type, data: row.data },
    `events(${row.id}).data`,
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
