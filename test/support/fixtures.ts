// Test data: events and handovers shaped exactly like the core model, with sensible defaults.
import { randomUUID } from 'node:crypto';
import type { HandoverEvent } from '../../src/core/model/events.ts';
import type { Handover } from '../../src/core/model/handover.ts';

export interface EventSpec {
  readonly seq: number;
  readonly handoverId?: string;
  readonly endpointId?: string;
  readonly text?: string;
  readonly type?: 'handover.agent_message' | 'handover.ended';
}

export function makeEvent(spec: EventSpec): HandoverEvent {
  const base = {
    id: randomUUID(),
    handoverId: spec.handoverId ?? 'h-1',
    endpointId: spec.endpointId ?? 'ep-1',
    userId: 'user-1',
    sessionId: 'session-1',
    seq: spec.seq,
    occurredAt: new Date().toISOString(),
  };
  if (spec.type === 'handover.ended')
    return { ...base, type: 'handover.ended', data: { reason: 'agent_ended' } };
  return {
    ...base,
    type: 'handover.agent_message',
    data: {
      messageId: `m-${spec.seq}`,
      text: spec.text ?? `hello ${spec.seq}`,
      agent: { id: 'agent-1', displayName: 'Ada' },
    },
  };
}

export function makeHandover(id: string, endpointId: string, lastSeq: number, version: number): Handover {
  const now = new Date().toISOString();
  return {
    id,
    endpointId,
    customer: { userId: `user-${id}`, sessionId: `session-${id}`, displayName: 'Customer' },
    settings: { queue: 'Support', skills: [], customAttributes: {} },
    state: 'active',
    agentEverJoined: true,
    lastSeq,
    createdAt: now,
    updatedAt: now,
    version,
  };
}
