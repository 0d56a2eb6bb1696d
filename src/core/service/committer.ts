// Turns a state-machine transition into a store change set: gives each event its stable id, its
// per-handover sequence number and a timestamp, gives transcript lines ids, bumps the version, and
// commits it all in one call — then tells the delivery side that there is something new.
import type { HandoverEvent, PendingEvent } from '../model/events.ts';
import type { Handover } from '../model/handover.ts';
import type { TranscriptEntry } from '../model/transcript.ts';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import type { ProviderRef } from '../ports/provider.ts';
import type { HandoverStore } from '../ports/store.ts';
import type { Transition, TranscriptLineDraft } from '../lifecycle/state-machine.ts';

export interface CommitExtras {
  readonly providerRef?: ProviderRef;
  readonly transcript?: readonly TranscriptEntry[];
  readonly sent?: readonly { entryId: string; providerMessageId: string }[];
}

export class Committer {
  constructor(
    private readonly deps: {
      store: HandoverStore;
      clock: Clock;
      ids: IdGenerator;
      hasWebhook: (endpointId: string) => boolean;
      onCommitted: (handoverId: string, events: readonly HandoverEvent[]) => void;
    },
  ) {}

  /** Materialises events with ids and sequence numbers continuing from `handover.lastSeq`. */
  materialise(
    base: Handover,
    next: Handover,
    pending: readonly PendingEvent[],
  ): { handover: Handover; events: HandoverEvent[] } {
    const now = this.deps.clock.now().toISOString();
    const events = pending.map((p, i) => ({
      ...p,
      id: this.deps.ids.next(),
      handoverId: base.id,
      endpointId: base.endpointId,
      userId: base.customer.userId,
      sessionId: base.customer.sessionId,
      seq: base.lastSeq + i + 1,
      occurredAt: now,
    }));
    const terminalNow = (next.state === 'ended' || next.state === 'failed') && base.state !== next.state;
    return {
      handover: {
        ...next,
        lastSeq: base.lastSeq + events.length,
        updatedAt: now,
        version: base.version + 1,
        ...(terminalNow ? { endedAt: now } : {}),
      },
      events,
    };
  }

  lines(handoverId: string, drafts: readonly TranscriptLineDraft[]): TranscriptEntry[] {
    return drafts.map((d) => ({ ...d, id: this.deps.ids.next(), handoverId }));
  }

  /** Commits a transition of `base` (the stored state); returns the new stored handover. */
  async commit(base: Handover, t: Transition, extras: CommitExtras = {}): Promise<Handover> {
    const { handover, events } = this.materialise(base, t.handover, t.events);
    const transcript = [...this.lines(base.id, t.transcript), ...(extras.transcript ?? [])];
    await this.deps.store.commit({
      handover,
      expectedVersion: base.version,
      webhook: this.deps.hasWebhook(base.endpointId),
      events,
      transcript,
      ...(extras.providerRef ? { providerRef: extras.providerRef } : {}),
      ...(extras.sent?.length ? { sent: extras.sent } : {}),
    });
    if (events.length > 0) this.deps.onCommitted(base.id, events);
    return handover;
  }
}
