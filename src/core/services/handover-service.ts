// What the bot API calls for handovers. Thin: each command is one unit of work (persisted before it
// is acknowledged) plus a nudge to the engine; the 202 of a message depends only on the local
// commit, never on the provider or on a catch-up in progress (issue 8).
import { GatewayError } from '../errors.ts';
import { isTerminal, type Customer, type Handover, type RoutingSettings } from '../model/handover.ts';
import type { TranscriptEntry } from '../model/transcript.ts';
import type { Attachment } from '../model/attachment.ts';
import { resolveSettings, type EndpointPolicy, type RoutingOverrides } from '../model/endpoint-policy.ts';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import type { HandoverProvider } from '../ports/provider.ts';
import type { Scheduler } from '../ports/scheduler.ts';
import type { ListQuery, Page, Store } from '../ports/store/index.ts';
import { formatBotTranscript, type BotTranscriptLine } from '../text/bot-transcript.ts';
import { splitMessage } from '../text/split-message.ts';
import type { HandoverDraft } from '../engine/handover-draft.ts';
import type { HandoverEngine } from '../engine/handover-engine.ts';
import { settlesWithin } from '../engine/settles-within.ts';

export interface StartInput {
  readonly endpointId: string;
  /** The name of the API key that asks (counted by the open-handover limit per key). */
  readonly startedBy?: string;
  readonly customer: Omit<Customer, 'displayName'> & { readonly displayName?: string };
  readonly settings?: RoutingOverrides;
  readonly transcript?: readonly BotTranscriptLine[];
}

export interface HandoverServiceDeps {
  readonly store: Pick<Store, 'handovers' | 'transcript'>;
  readonly engine: HandoverEngine;
  readonly endpoint: (endpointId: string) => EndpointPolicy | undefined;
  readonly provider: (endpointId: string) => HandoverProvider | undefined;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly scheduler: Scheduler;
  /** How long POST …/end waits for the handover to end before answering 202 (it ends later), ms. Default 10,000. */
  readonly endWaitMs?: number;
  /** The current trace context (tracing on): kept with a bot's message, continued by its send. */
  readonly traceParent?: () => string | undefined;
  /**
   * The endpoint's handover policy (issue 17): throws ENDPOINT_CLOSED / NO_AGENT_AVAILABLE to refuse
   * a new handover outside business hours or with no agent; resolves to let it queue.
   */
  readonly admission?: (endpointId: string, settings: RoutingSettings) => Promise<void>;
}

/** What the bot sends on the customer's behalf: text, files by URL, or both. */
export interface CustomerMessage {
  readonly text: string;
  readonly attachments?: readonly Attachment[];
}

/** The bot's writes are valid from any instance (several instances: persisted here, sent by the owner). */
const ANY_INSTANCE = { anyInstance: true } as const;

export class HandoverService {
  readonly #d: HandoverServiceDeps;

  constructor(deps: HandoverServiceDeps) {
    this.#d = deps;
  }

  async start(input: StartInput): Promise<{ created: boolean; handover: Handover }> {
    this.#assertRunning();
    const policy = this.#d.endpoint(input.endpointId);
    const provider = this.#d.provider(input.endpointId);
    if (!policy || !provider) throw new GatewayError('UNKNOWN_ENDPOINT');
    const now = this.#d.clock.now().toISOString();
    const id = this.#d.ids.next();
    const customer: Customer = {
      ...input.customer,
      displayName: input.customer.displayName ?? policy.guestDisplayName,
    };
    const settings = resolveSettings(policy, input.settings);
    await this.#d.admission?.(policy.id, settings);
    const handover: Handover = {
      id,
      endpointId: policy.id,
      ...(input.startedBy === undefined ? {} : { startedBy: input.startedBy }),
      customer,
      settings,
      state: 'requested',
      agentEverJoined: false,
      lastSeq: 0,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    const lines = input.transcript ?? [];
    const originals: TranscriptEntry[] = lines
      .filter((l) => l.text.trim().length > 0)
      .map((l) => ({ id: this.#d.ids.next(), handoverId: id, role: l.role, text: l.text, at: l.at ?? now }));
    // The bot conversation reaches the agent as readable text, chunked under the provider's limit,
    // sent first (before any customer message). Custom attributes travel in the create call itself,
    // so they are in place before the first chunk (the Cognigy bug of landscape §3 E cannot happen).
    const chunks = formatBotTranscript(lines, {
      maxLength: provider.maxMessageLength,
      customerName: customer.displayName,
    });
    const chunkEntries: TranscriptEntry[] = chunks.map((text, i) => ({
      id: this.#d.ids.next(),
      handoverId: id,
      role: 'bot',
      text,
      at: now,
      outbound: { status: 'pending', order: i + 1, kind: 'transcript' },
    }));
    const { created, record } = await this.#d.store.handovers.create({
      handover,
      webhook: policy.webhook,
      events: [],
      transcript: [...originals, ...chunkEntries],
    });
    // Handed on as it was just written: the bring-up does not read it back (issue 12, creation rate).
    if (created)
      this.#d.engine.activate(id, { record, pending: chunkEntries, lastOrder: chunkEntries.length });
    return { created, handover: record.handover };
  }

  async get(id: string): Promise<Handover> {
    const live = await this.#d.engine.units.read(id);
    if (!live) throw new GatewayError('HANDOVER_NOT_FOUND');
    return live.record.handover;
  }

  list(query: ListQuery): Promise<Page<Handover>> {
    return this.#d.store.handovers.list(query);
  }

  /** Both directions, oldest first. The transcript chunks sent to the agent are left out (their lines are in). */
  async transcript(id: string): Promise<TranscriptEntry[]> {
    await this.get(id);
    const all = await this.#d.store.transcript.all(id);
    return all.filter((e) => e.outbound?.kind !== 'transcript');
  }

  /**
   * Persists the customer's message (split into parts ≤ the provider limit; attachments go with the
   * last part) before acknowledging it. With an idempotency key, a retried request (after a timeout
   * or a crash) returns the parts the first one created instead of creating them again.
   */
  async sendMessage(
    id: string,
    input: string | CustomerMessage,
    idempotencyKey?: string,
  ): Promise<TranscriptEntry[]> {
    const message = typeof input === 'string' ? { text: input } : input;
    this.#assertRunning();
    const entries = await this.#d.engine.units.run(
      id,
      async (d) => {
        if (idempotencyKey !== undefined) {
          const earlier = await this.#d.store.transcript.outboundByClientMessageId(id, idempotencyKey);
          if (earlier.length > 0) return earlier;
        }
        assertOpen(d);
        const provider = this.#d.provider(d.handover.endpointId);
        if (!provider) throw new GatewayError('UNKNOWN_ENDPOINT');
        const attachments = message.attachments ?? [];
        if (attachments.length > 0 && !provider.capabilities.attachments)
          throw new GatewayError('ATTACHMENTS_NOT_SUPPORTED');
        // Attachments only: one part with no text carries them.
        const parts =
          message.text.length === 0 && attachments.length > 0
            ? ['']
            : splitMessage(message.text, provider.maxMessageLength);
        const idle = d.pending.length === 0;
        const lines = d.appendOutbound(parts, 'message', {
          senderName: d.handover.customer.displayName,
          ...(idempotencyKey === undefined ? {} : { clientMessageId: idempotencyKey }),
          ...(attachments.length > 0 ? { attachments } : {}),
          traceParent: this.#d.traceParent?.(),
        });
        // Nothing queued before it: the first part goes to the provider at once, so its send attempt
        // is marked in this same commit — one commit instead of two (issue 12; outbound-sender.ts).
        // Only the owner sends (several instances): elsewhere the owner is woken and marks it itself.
        const first = lines[0];
        if (idle && first && canSend(d) && this.#d.engine.owns(id)) d.markAttempt(first.id);
        return lines;
      },
      ANY_INSTANCE,
    );
    this.#d.engine.noteCustomer(id);
    return entries;
  }

  /** The bot reports the customer's presence (tab closed / back); the agent sees a notice. */
  async presence(id: string, status: 'away' | 'back'): Promise<{ notified: boolean }> {
    this.#assertRunning();
    const notified = await this.#d.engine.units.run(
      id,
      (d) => {
        assertOpen(d);
        const policy = this.#d.endpoint(d.handover.endpointId);
        const text = status === 'away' ? policy?.notices.customerAway : policy?.notices.customerBack;
        if (!text) return false;
        d.appendOutbound([text], 'notice');
        return true;
      },
      ANY_INSTANCE,
    );
    if (status === 'back') this.#d.engine.noteCustomer(id);
    return { notified };
  }

  /** Forwards a typing pulse at most once every 3 s per handover. */
  async typing(id: string): Promise<{ forwarded: boolean }> {
    this.#assertRunning();
    return { forwarded: await this.#d.engine.forwardTyping(id) };
  }

  /**
   * The customer leaves (reason customer_ended). Resolves when the handover has ended, or after
   * `endWaitMs` with the handover still closing (`completed: false`; `handover.ended` follows).
   */
  async end(id: string): Promise<{ handover: Handover; completed: boolean }> {
    this.#assertRunning();
    const first = await this.get(id);
    if (!isTerminal(first.state)) {
      await settlesWithin(
        this.#d.scheduler,
        this.#d.engine.requestEnd(id, 'customer_ended'),
        this.#d.endWaitMs ?? 10_000,
      );
    }
    const handover = await this.get(id);
    return { handover, completed: isTerminal(handover.state) };
  }

  #assertRunning(): void {
    if (!this.#d.engine.accepting) throw new GatewayError('SHUTTING_DOWN');
  }
}

/** Whether the outbound sender sends this handover's queue now (the same test as its loop). */
function canSend(d: HandoverDraft): boolean {
  return d.provider !== undefined && d.handover.state !== 'requested' && !isTerminal(d.handover.state);
}

/** Customer input is taken until the handover ends or an end was asked for. */
function assertOpen(d: HandoverDraft): void {
  if (isTerminal(d.handover.state)) throw new GatewayError('HANDOVER_NOT_ACTIVE');
  if (d.handover.closing) throw new GatewayError('HANDOVER_ENDING');
}
