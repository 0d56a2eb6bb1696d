// handovers row ↔ Handover model. Scalars the queries filter on are columns; nested values are JSONB,
// which pg hands back already parsed — each is still checked against its schema on the way out.
import { z } from 'zod';
import { EndReasons, HandoverStates } from '../../core/model/handover.ts';
import type { Handover } from '../../core/model/handover.ts';
import type { HandoverRecord } from '../../core/ports/store.ts';
import type { ProviderRef } from '../../core/ports/provider.ts';
import {
  agentInfoSchema,
  checkColumn,
  customerSchema,
  failureSchema,
  providerRefSchema,
  routingSettingsSchema,
} from '../json-columns.ts';
import { parseRow } from '../parse-row.ts';

/** Every column but the secret `provider_ref`, which only `getHandover`/`listUnended` read. */
export const HANDOVER_COLUMNS = `id, endpoint_id, user_id, session_id, customer, settings, state, end_reason, failure,
  agent, pending_agent_id, agent_ever_joined, last_seq, provider_cursor, created_at, updated_at, ended_at, version`;

export const JSONB_COLUMNS: ReadonlySet<string> = new Set(['customer', 'settings', 'failure', 'agent']);

const handoverRowSchema = z.object({
  id: z.string(),
  endpoint_id: z.string(),
  customer: z.unknown(),
  settings: z.unknown(),
  state: z.enum(HandoverStates),
  end_reason: z.enum(EndReasons).nullable(),
  failure: z.unknown(),
  agent: z.unknown(),
  pending_agent_id: z.string().nullable(),
  agent_ever_joined: z.boolean(),
  last_seq: z.number().int(),
  provider_cursor: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  ended_at: z.string().nullable(),
  version: z.number().int(),
});

const providerRefColumn = z.object({ provider_ref: z.unknown() });

/** Column values written from a Handover (every column but provider_ref). */
export type HandoverValues = Readonly<Record<string, string | number | boolean | null>>;

/**
 * Values by column. JSON goes as text (`JSON.stringify`) and is cast to JSONB in the SQL: pg would
 * turn a JS array into a PostgreSQL array literal, never into JSON.
 */
export function handoverValues(h: Handover): HandoverValues {
  return {
    id: h.id,
    endpoint_id: h.endpointId,
    user_id: h.customer.userId,
    session_id: h.customer.sessionId,
    customer: JSON.stringify(h.customer),
    settings: JSON.stringify(h.settings),
    state: h.state,
    end_reason: h.endReason ?? null,
    failure: h.failure ? JSON.stringify(h.failure) : null,
    agent: h.agent ? JSON.stringify(h.agent) : null,
    pending_agent_id: h.pendingAgentId ?? null,
    agent_ever_joined: h.agentEverJoined,
    last_seq: h.lastSeq,
    provider_cursor: h.cursor ?? null,
    created_at: h.createdAt,
    updated_at: h.updatedAt,
    ended_at: h.endedAt ?? null,
    version: h.version,
  };
}

export function providerRefValue(ref: ProviderRef | undefined): string | null {
  return ref ? JSON.stringify(ref) : null;
}

export function rowToHandover(raw: unknown): Handover {
  const row = parseRow(handoverRowSchema, raw, 'handovers');
  const column = `handovers(${row.id})`;
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    customer: checkColumn(customerSchema, row.customer, `${column}.customer`),
    settings: checkColumn(routingSettingsSchema, row.settings, `${column}.settings`),
    state: row.state,
    ...(row.end_reason === null ? {} : { endReason: row.end_reason }),
    ...(row.failure === null
      ? {}
      : { failure: checkColumn(failureSchema, row.failure, `${column}.failure`) }),
    ...(row.agent === null ? {} : { agent: checkColumn(agentInfoSchema, row.agent, `${column}.agent`) }),
    ...(row.pending_agent_id === null ? {} : { pendingAgentId: row.pending_agent_id }),
    agentEverJoined: row.agent_ever_joined,
    lastSeq: row.last_seq,
    ...(row.provider_cursor === null ? {} : { cursor: row.provider_cursor }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(row.ended_at === null ? {} : { endedAt: row.ended_at }),
    version: row.version,
  };
}

/** A row selected with `HANDOVER_COLUMNS, provider_ref`. */
export function rowToRecord(raw: unknown): HandoverRecord {
  const handover = rowToHandover(raw);
  const { provider_ref } = parseRow(providerRefColumn, raw, 'handovers');
  if (provider_ref === null) return { handover };
  return {
    handover,
    providerRef: checkColumn(providerRefSchema, provider_ref, `handovers(${handover.id}).provider_ref`),
  };
}
