// handovers row ↔ HandoverRecord, for both SQL adapters (the dialect says how JSON and booleans look).
// Scalars the queries filter on are columns; nested values are JSON, written as text (PostgreSQL
// casts it to JSONB in the SQL: pg would turn a JS array into an array literal, never into JSON).
import { z } from 'zod';
import type { HandoverUpdate } from '../change-set.ts';
import { EndReasons, HandoverStates } from '../../core/model/handover.ts';
import type { Handover } from '../../core/model/handover.ts';
import type { ProviderRef } from '../../core/ports/provider.ts';
import type { HandoverRecord } from '../../core/ports/store/index.ts';
import {
  agentInfoSchema,
  checkColumn,
  closingSchema,
  customerSchema,
  failureSchema,
  providerRefSchema,
  routingSettingsSchema,
} from '../json-columns.ts';
import { parseRow } from '../parse-row.ts';
import type { SqlDialect } from './dialect.ts';

/** Every column but the secret `provider_ref` and the `provider_cursor`. */
export const HANDOVER_COLUMNS = `id, endpoint_id, started_by, user_id, session_id, customer, settings, state, end_reason, failure,
  agent, pending_agent_id, agent_ever_joined, last_seq, closing, created_at, updated_at, ended_at, version`;

/** The columns written from a Handover, in a fixed order (PostgreSQL binds them by position). */
export const HANDOVER_WRITTEN = [
  'id',
  'endpoint_id',
  'started_by',
  'user_id',
  'session_id',
  'customer',
  'settings',
  'state',
  'end_reason',
  'failure',
  'agent',
  'pending_agent_id',
  'agent_ever_joined',
  'last_seq',
  'closing',
  'created_at',
  'updated_at',
  'ended_at',
  'version',
] as const;

export type HandoverColumn = (typeof HANDOVER_WRITTEN)[number];

/** Set when the handover is created and never written again (ChangeSet, ports/store). */
const FIXED_COLUMNS = [
  'id',
  'endpoint_id',
  'started_by',
  'user_id',
  'session_id',
  'customer',
  'settings',
  'created_at',
] as const satisfies readonly HandoverColumn[];
type FixedColumn = (typeof FIXED_COLUMNS)[number];
const FIXED_AT_CREATION: ReadonlySet<HandoverColumn> = new Set(FIXED_COLUMNS);

/**
 * The columns an update writes, in a fixed order: all but those fixed at creation. Leaving those out
 * spares every message's commit the JSON of the customer and the routing settings and the upkeep of
 * the indexes on the endpoint and the customer's keys (issue 12).
 */
export const HANDOVER_UPDATED = HANDOVER_WRITTEN.filter(
  (c): c is Exclude<HandoverColumn, FixedColumn> => !FIXED_AT_CREATION.has(c),
);

/** Columns holding JSON (PostgreSQL: JSONB). */
export const HANDOVER_JSON_COLUMNS: ReadonlySet<string> = new Set([
  'customer',
  'settings',
  'failure',
  'agent',
  'closing',
]);

const handoverRowSchema = z.object({
  id: z.string(),
  endpoint_id: z.string(),
  started_by: z.string().nullable(),
  customer: z.unknown(),
  settings: z.unknown(),
  state: z.enum(HandoverStates),
  end_reason: z.enum(EndReasons).nullable(),
  failure: z.unknown(),
  agent: z.unknown(),
  pending_agent_id: z.string().nullable(),
  agent_ever_joined: z.unknown(),
  last_seq: z.number().int(),
  closing: z.unknown(),
  created_at: z.string(),
  updated_at: z.string(),
  ended_at: z.string().nullable(),
  version: z.number().int(),
});

const providerColumns = z.object({ provider_ref: z.unknown(), provider_cursor: z.string().nullable() });

export function handoverValues(
  h: Handover,
  dialect: SqlDialect,
): Readonly<Record<HandoverColumn, string | number | boolean | null>> {
  return {
    id: h.id,
    endpoint_id: h.endpointId,
    started_by: h.startedBy ?? null,
    user_id: h.customer.userId,
    session_id: h.customer.sessionId,
    customer: JSON.stringify(h.customer),
    settings: JSON.stringify(h.settings),
    created_at: h.createdAt,
    ...handoverUpdateValues(h, dialect),
  };
}

/** The values of HANDOVER_UPDATED (no JSON of what an update does not write). */
export function handoverUpdateValues(
  h: HandoverUpdate,
  dialect: SqlDialect,
): Readonly<Record<Exclude<HandoverColumn, FixedColumn>, string | number | boolean | null>> {
  return {
    state: h.state,
    end_reason: h.endReason ?? null,
    failure: h.failure ? JSON.stringify(h.failure) : null,
    agent: h.agent ? JSON.stringify(h.agent) : null,
    pending_agent_id: h.pendingAgentId ?? null,
    agent_ever_joined: dialect.writeBool(h.agentEverJoined),
    last_seq: h.lastSeq,
    closing: h.closing ? JSON.stringify(h.closing) : null,
    updated_at: h.updatedAt,
    ended_at: h.endedAt ?? null,
    version: h.version,
  };
}

export function providerRefValue(ref: ProviderRef | undefined): string | null {
  return ref ? JSON.stringify(ref) : null;
}

export function rowToHandover(raw: unknown, dialect: SqlDialect): Handover {
  const row = parseRow(handoverRowSchema, raw, 'handovers');
  const column = `handovers(${row.id})`;
  const json = <T>(schema: z.ZodType<T>, value: unknown, name: string): T =>
    checkColumn(schema, dialect.readJson(value, `${column}.${name}`), `${column}.${name}`);
  const present = (value: unknown): boolean => value !== null && value !== undefined;
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    ...(row.started_by === null ? {} : { startedBy: row.started_by }),
    customer: json(customerSchema, row.customer, 'customer'),
    settings: json(routingSettingsSchema, row.settings, 'settings'),
    state: row.state,
    ...(row.end_reason === null ? {} : { endReason: row.end_reason }),
    ...(present(row.failure) ? { failure: json(failureSchema, row.failure, 'failure') } : {}),
    ...(present(row.agent) ? { agent: json(agentInfoSchema, row.agent, 'agent') } : {}),
    ...(row.pending_agent_id === null ? {} : { pendingAgentId: row.pending_agent_id }),
    agentEverJoined: dialect.readBool(row.agent_ever_joined, `${column}.agent_ever_joined`),
    lastSeq: row.last_seq,
    ...(present(row.closing) ? { closing: json(closingSchema, row.closing, 'closing') } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(row.ended_at === null ? {} : { endedAt: row.ended_at }),
    version: row.version,
  };
}

/** A row selected with `HANDOVER_COLUMNS, provider_ref, provider_cursor`. */
export function rowToRecord(raw: unknown, dialect: SqlDialect): HandoverRecord {
  const handover = rowToHandover(raw, dialect);
  const { provider_ref, provider_cursor } = parseRow(providerColumns, raw, 'handovers');
  if (provider_ref === null || provider_ref === undefined) return { handover };
  const column = `handovers(${handover.id}).provider_ref`;
  const ref = checkColumn(providerRefSchema, dialect.readJson(provider_ref, column), column);
  return { handover, provider: provider_cursor === null ? { ref } : { ref, cursor: provider_cursor } };
}
