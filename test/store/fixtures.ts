// Builders of valid model objects for store tests. Ids are random so tests never collide, even
// when a factory hands out one shared database.
import { randomUUID } from 'node:crypto';
import type { HandoverEvent, PendingEvent } from '../../src/core/model/events.ts';
import type { Handover } from '../../src/core/model/handover.ts';
import type { TranscriptEntry } from '../../src/core/model/transcript.ts';
import type { ProviderRef } from '../../src/core/ports/provider.ts';

/** Looks like a guest-chat JWT so a leak is easy to spot in any message. */
export const SECRET_JWT = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.SIGNATURE-must-never-leak';

export function makeProviderRef(jwt: string = SECRET_JWT): ProviderRef {
  return {
    kind: 'genesys-guest-chat',
    data: {
      conversationId: randomUUID(),
      memberId: randomUUID(),
      jwt,
      eventStreamUri: 'wss://example.test/stream',
    },
  };
}

/** Minutes after a fixed origin, as `toISOString()` text: readable, ordered test clocks. */
export function at(minutes: number): string {
  return new Date(Date.UTC(2026, 0, 1, 12, 0, 0) + minutes * 60_000).toISOString();
}

export function makeHandover(overrides: Partial<Handover> = {}): Handover {
  return {
    id: randomUUID(),
    endpointId: 'ep-main',
    customer: { userId: `user-${randomUUID()}`, sessionId: `session-${randomUUID()}`, displayName: 'Ada' },
    settings: { queue: 'Support', skills: [], customAttributes: {} },
    state: 'requested',
    agentEverJoined: false,
    lastSeq: 0,
    createdAt: at(0),
    updatedAt: at(0),
    version: 1,
    ...overrides,
  };
}

/** The handover's next version with `patch` applied: what a service commits. */
export function nextVersion(h: Handover, patch: Partial<Handover> = {}): Handover {
  return { ...h, ...patch, version: h.version + 1 };
}

/** A `handover.queued` event by default; `pending` gives another type with its data. */
export function makeEvent(
  h: Handover,
  seq: number,
  options: { id?: string; occurredAt?: string; pending?: PendingEvent } = {},
): HandoverEvent {
  const base = {
    id: options.id ?? randomUUID(),
    handoverId: h.id,
    endpointId: h.endpointId,
    userId: h.customer.userId,
    sessionId: h.customer.sessionId,
    seq,
    occurredAt: options.occurredAt ?? at(seq),
  };
  return { ...base, ...(options.pending ?? { type: 'handover.queued', data: { queue: h.settings.queue } }) };
}

export function makeLine(h: Handover, overrides: Partial<TranscriptEntry> = {}): TranscriptEntry {
  return { id: randomUUID(), handoverId: h.id, role: 'agent', text: 'Hello', at: at(1), ...overrides };
}

export function makeOutbound(
  h: Handover,
  order: number,
  overrides: Partial<TranscriptEntry> = {},
): TranscriptEntry {
  return makeLine(h, {
    role: 'customer',
    text: `part ${order}`,
    outbound: { status: 'pending', order, kind: 'message' },
    ...overrides,
  });
}
