// events row ↔ HandoverEvent, for both SQL adapters. The payload is JSON, checked against its
// type's schema on the way out (type and data together, so a payload only comes back under its type).
import { z } from 'zod';
import type { HandoverEvent } from '../../core/model/events.ts';
import { checkColumn, typedEventDataSchema } from '../json-columns.ts';
import { parseRow } from '../parse-row.ts';
import type { SqlDialect } from './dialect.ts';

export const EVENT_COLUMN_LIST = [
  'id',
  'handover_id',
  'seq',
  'type',
  'endpoint_id',
  'user_id',
  'session_id',
  'occurred_at',
  'data',
] as const;

export const EVENT_COLUMNS = EVENT_COLUMN_LIST.join(', ');

/** The event columns prefixed for a join (`e.id, e.handover_id, …`). */
export const eventColumnsOf = (alias: string): string =>
  EVENT_COLUMN_LIST.map((c) => `${alias}.${c}`).join(', ');

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

/** Values by column; `data` as JSON text (PostgreSQL casts it to JSONB in the SQL). */
export function eventValues(
  e: HandoverEvent,
): Readonly<Record<(typeof EVENT_COLUMN_LIST)[number], string | number>> {
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
export function rowToEvent(raw: unknown, dialect: SqlDialect): HandoverEvent {
  const row = parseRow(eventRowSchema, raw, 'events');
  const column = `events(${row.id}).data`;
  const typed = checkColumn(
    typedEventDataSchema,
    { type: row.type, data: dialect.readJson(row.data, column) },
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
