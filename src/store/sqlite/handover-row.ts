// handovers row ↔ Handover model. Scalars the queries filter on are columns; nested values are JSON.
import { z } from 'zod';
import { EndReasons, HandoverStates } from '../../core/model/handover.ts';
import type { Handover } from '../../core/model/handover.ts';
import type { HandoverRecord } from '../../core/ports/store.ts';
import type { ProviderRef } from '../../core/ports/provider.ts';
import {
  agentInfoSchema,
  customerSchema,
  failureSchema,
  parseJsonColumn,
  providerRefSchema,
  routingSettingsSchema,
} from '../json-columns.ts';
import { parseRow } from '../parse-row.ts';

/** Every column but the secret `provider_ref`, which only `getHandover`/`listUnended` read. */
export const HANDOVER_COLUMNS = `id, endpoint_id, user_id, session_id, customer, settings, state, end_reason, failure,
  agent, pending_agent_id, agent_ever_joined, last_seq, provider_cursor, created_at, updated_at, ended_at, version`;

const handoverRowSchema = z.object({
  id: z.string(),
  endpoint_id: z.string(),
  customer: z.string(),
  settings: z.string(),
  state: z.enum(HandoverStates),
  end_reason: z.enum(EndReasons).nullable(),
  failure: z.string().nullable(),
  agent: z.string().nullable(),
  pending_agent_id: z.string().nullable(),
  agent_ever_joined: z.union([z.literal(0), z.literal(1)]),
  last_seq: z.number().int(),
  provider_cursor: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  ended_at: z.string().nullable(),
  version: z.number().int(),
});

const providerRefColumn = z.object({ provider_ref: z.string().nullable() });

/** Named parameters for INSERT/UPDATE (`@id`, `@endpoint_id` …). */
export type HandoverParams = Record<string, string | number | null>;

export function handoverParams(h: Handover): HandoverParams {
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
    agent_ever_joined: h.agentEverJoined ? 1 : 0,
    last_seq: h.lastSeq,
    provider_cursor: h.cursor ?? null,
    created_at: h.createdAt,
    updated_at: h.updatedAt,
    ended_at: h.endedAt ?? null,
    version: h.version,
  };
}

export function providerRefParam(ref: ProviderRef): string {
  return JSON.stringify(ref);
}

export function rowToHandover(raw: unknown): Handover {
  const row = parseRow(handoverRowSchema, raw, 'handovers');
  const column = `handovers(${row.id})`;
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    customer: parseJsonColumn(customerSchema, row.customer, `${column}.customer`),
    settings: parseJsonColumn(routingSettingsSchema, row.settings, `${column}.settings`),
    state: row.state,
    ...(row.end_reason === null ? {} : { endReason: row.end_reason }),
    ...(row.failure === null
      ? {}
      : { failure: parseJsonColumn(failureSchema, row.failure, `${column}.failure`) }),
    ...(row.agent === null ? {} : { agent: parseJsonColumn(agentInfoSchema, row.agent, `${column}.agent`) }),
    ...(row.pending_agent_id === null ? {} : { pendingAgentId: row.pending_agent_id }),
    agentEverJoined: row.agent_ever_joined === 1,
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
    providerRef: parseJsonColumn(providerRefSchema, provider_ref, `handovers(${handover.id}).provider_ref`),
  };
}
