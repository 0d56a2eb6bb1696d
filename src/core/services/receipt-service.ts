// Delivery receipts back to the contact center: once an agent message reached the bot (its webhook
// answered 2xx, or an SSE stream wrote it) the agent side is told `delivered`; once it was dead-
// lettered, `failed` (Open Messaging §3.3: without receipts the agent only ever sees "sent").
//
// Receipts are a courtesy, not part of "nothing lost": they are tried a few times and then given up
// (logged), never persisted — a crash between the delivery and the receipt leaves the agent seeing
// "sent". A message delivered twice (webhook and SSE, or a redelivery) is acknowledged once.
// Several instances: the owner of the handover sends it (see ReceiptServiceDeps.cluster).
import type { HandoverEvent } from '../model/events.ts';
import type { Logger } from '../ports/logger.ts';
import type { HandoverProvider } from '../ports/provider.ts';
import type { Random, Scheduler } from '../ports/scheduler.ts';
import type { BackoffPolicy } from '../retry/backoff.ts';
import { retry } from '../retry/retry.ts';
import { errorCode, retryableProviderError } from '../engine/errors.ts';
import type { HandoverUnits } from '../engine/handover-units.ts';
import type { Ownership } from '../engine/lease-keeper.ts';
import type { OwnerNote, OwnerNotes } from '../ports/owner-notes.ts';
import { LeaseLostError } from '../ports/store/index.ts';

/** Event ids acknowledged lately: enough to absorb a redelivery, bounded in memory. */
const REMEMBERED = 10_000;
const ATTEMPTS = 3;

export interface ReceiptServiceDeps {
  readonly units: Pick<HandoverUnits, 'read'>;
  readonly provider: (endpointId: string) => HandoverProvider | undefined;
  readonly scheduler: Scheduler;
  readonly random: Random;
  readonly logger: Logger;
  readonly policy: BackoffPolicy;
  /** The gateway's stop signal: receipts in flight are dropped at shutdown. */
  readonly signal: AbortSignal;
  /**
   * Several instances (issue 14): only the owner of a handover talks to the provider, and only while
   * its lease holds; a receipt settled on another instance is passed to the owner.
   */
  readonly cluster?: {
    readonly ownership: Pick<Ownership, 'owns' | 'mayAct'>;
    readonly notes: OwnerNotes;
  };
}

type Receipt = Omit<Extract<OwnerNote, { kind: 'receipt' }>, 'kind' | 'outcome'>;

export class ReceiptService {
  readonly #d: ReceiptServiceDeps;
  readonly #done = new Set<string>();

  constructor(deps: ReceiptServiceDeps) {
    this.#d = deps;
  }

  /** An event reached the bot (`delivered`) or never will (`failed`). Never rejects. */
  async settled(event: HandoverEvent, outcome: 'delivered' | 'failed'): Promise<void> {
    if (event.type !== 'handover.agent_message') return;
    const { handoverId, endpointId, id: eventId } = event;
    await this.#settle({ handoverId, endpointId, eventId, messageId: event.data.messageId }, outcome);
  }

  /** A receipt another instance passed on (ports/owner-notes.ts): sent when this one is the owner. */
  async fromNote(note: Extract<OwnerNote, { kind: 'receipt' }>): Promise<void> {
    if (this.#d.cluster?.ownership.owns(note.handoverId) !== true) return;
    const { kind: _kind, outcome, ...receipt } = note;
    await this.#settle(receipt, outcome);
  }

  async #settle(r: Receipt, outcome: 'delivered' | 'failed'): Promise<void> {
    if (this.#done.has(r.eventId)) return;
    const provider = this.#d.provider(r.endpointId);
    if (!provider?.acknowledge) return;
    this.#remember(r.eventId);
    const cluster = this.#d.cluster;
    if (cluster && !cluster.ownership.owns(r.handoverId)) {
      await cluster.notes.tell({ kind: 'receipt', ...r, outcome });
      return;
    }
    try {
      const ref = (await this.#d.units.read(r.handoverId))?.record.provider?.ref;
      if (!ref) return;
      const acknowledge = provider.acknowledge.bind(provider);
      await retry(
        () => {
          // Fenced like a send: a process that woke up after losing the lease sends nothing.
          if (cluster && !cluster.ownership.mayAct(r.handoverId)) throw new LeaseLostError(r.handoverId);
          return acknowledge(ref, r.messageId, outcome, this.#d.signal);
        },
        {
          policy: this.#d.policy,
          maxAttempts: ATTEMPTS,
          classify: retryableProviderError,
          scheduler: this.#d.scheduler,
          random: this.#d.random,
          signal: this.#d.signal,
        },
      );
    } catch (err) {
      if (this.#d.signal.aborted) return;
      this.#d.logger.warn(
        { handoverId: r.handoverId, eventId: r.eventId, code: errorCode(err) },
        'delivery receipt not sent',
      );
    }
  }

  #remember(id: string): void {
    this.#done.add(id);
    if (this.#done.size > REMEMBERED) {
      const oldest = this.#done.values().next().value;
      if (oldest !== undefined) this.#done.delete(oldest);
    }
  }
}
