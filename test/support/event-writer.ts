// A real SQLite store in memory, plus a helper that appends events to handovers the way the core
// service does (createHandover, then versioned commits), so delivery tests exercise the real outbox.
import { randomUUID } from 'node:crypto';
import type { HandoverEvent } from '../../src/core/model/events.ts';
import type { Clock } from '../../src/core/ports/clock.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { makeHandover } from './fixtures.ts';

export async function openMemoryStore(): Promise<SqliteStore> {
  const store = new SqliteStore({ path: ':memory:' });
  await store.migrate();
  return store;
}

export interface AppendSpec {
  readonly endpointId?: string;
  readonly count?: number;
  readonly terminal?: boolean;
  /** Write to the webhook outbox too (default true). */
  readonly webhook?: boolean;
}

/** Appends events to handovers, tracking each one's version and last seq. */
export class EventWriter {
  readonly #store: SqliteStore;
  readonly #clock: Clock;
  readonly #state = new Map<string, { version: number; lastSeq: number; endpointId: string }>();

  constructor(store: SqliteStore, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  async append(handoverId: string, spec: AppendSpec = {}): Promise<HandoverEvent[]> {
    const prev = this.#state.get(handoverId);
    const endpointId = prev?.endpointId ?? spec.endpointId ?? 'ep-1';
    const lastSeq = prev?.lastSeq ?? 0;
    const count = spec.count ?? 1;
    const occurredAt = this.#clock.now().toISOString();
    const handover = makeHandover(handoverId, endpointId, lastSeq + count, (prev?.version ?? 0) + 1);
    const events: HandoverEvent[] = [];
    for (let i = 1; i <= count; i++) {
      const seq = lastSeq + i;
      const base = {
        id: randomUUID(),
        handoverId,
        endpointId,
        userId: handover.customer.userId,
        sessionId: handover.customer.sessionId,
        seq,
        occurredAt,
      };
      events.push(
        spec.terminal === true && i === count
          ? { ...base, type: 'handover.ended', data: { reason: 'agent_ended' } }
          : {
              ...base,
              type: 'handover.agent_message',
              data: { messageId: `m-${seq}`, text: `secret-free text ${seq}`, agent: { id: 'a-1' } },
            },
      );
    }
    const webhook = spec.webhook ?? true;
    if (prev === undefined) {
      const { created } = await this.#store.handovers.create({ handover, events, webhook });
      if (!created) throw new Error(`handover ${handoverId} already exists`);
    } else {
      await this.#store.handovers.commit({ handover, expectedVersion: prev.version, events, webhook });
    }
    this.#state.set(handoverId, { version: handover.version, lastSeq: lastSeq + count, endpointId });
    return events;
  }
}
