// parked_events row ↔ ParkedEvent, for both SQL adapters (the columns are plain text in both).
import { z } from 'zod';
import type { ParkedEvent } from '../../core/ports/store/index.ts';
import { parseRow } from '../parse-row.ts';

export const PARKED_COLUMNS = [
  'handover_id',
  'event_key',
  'event_type',
  'error_code',
  'payload',
  'parked_at',
] as const;

const parkedRowSchema = z.object({
  handover_id: z.string(),
  event_key: z.string(),
  event_type: z.enum(['message', 'participant', 'typing']),
  error_code: z.string(),
  payload: z.string(),
  parked_at: z.string(),
});

export function parkedValues(p: ParkedEvent): Record<(typeof PARKED_COLUMNS)[number], string> {
  return {
    handover_id: p.handoverId,
    event_key: p.eventKey,
    event_type: p.eventType,
    error_code: p.errorCode,
    payload: p.payload,
    parked_at: p.parkedAt,
  };
}

export function rowToParked(raw: unknown): ParkedEvent {
  const row = parseRow(parkedRowSchema, raw, 'parked_events');
  return {
    handoverId: row.handover_id,
    eventKey: row.event_key,
    eventType: row.event_type,
    errorCode: row.error_code,
    payload: row.payload,
    parkedAt: row.parked_at,
  };
}
