// The application service: what the bot API calls. It owns no I/O of its own — everything goes
// through the ports — so it lives in core. Its parts, each in its own file:
//  - StateWriter: every state change, serialised per handover (a keyed queue, not a global lock);
//  - ProviderSessions: the provider conversation and its live event stream, catch-up after drops;
//  - OutboundSender: customer messages to the agent, strictly in order, retried, reconciled;
//  - ActivityMonitor + IdleSweeper: the inactivity grace and the session duration.
import { GatewayError } from '../errors.ts';
import { isTerminal, type Customer, type Handover } from '../model/handover.ts';
import type { TranscriptEntry } from '../model/transcript.ts';
import type { HandoverEvent } from '../model/events.ts';
import type { LifecycleInput } from '../lifecycle/inputs.ts';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { HandoverProvider } from '../ports/provider.ts';
import type { HandoverStore, HandoverRecord, ListQuery, Page } from '../ports/store.ts';
import { formatBotTranscript, type BotTranscriptLine } from '../text/bot-transcript.ts';
import { splitMessage } from '../text/split-message.ts';
import { ActivityMonitor, type ActivityLimits, type Expiry } from './activity-monitor.ts';
import { Committer } from './committer.ts';
import { resolveSettings, type EndpointPolicy, type RoutingOverrides } from './endpoint-policy.ts';
import { IdleSweeper } from './idle-sweeper.ts';
import { OutboundSender } from './outbound-sender.ts';
import { ProviderSessions } from './provider-sessions.ts';
import { DEFAULT_RETRY, withRetry } from './retry.ts';
import { StateWriter } from './state-writer.ts';
import { errorCode, noChange, withTimeout } from './support.ts';

/** Genesys guidance: send a typing pulse at most once every 3 s (protocol §5.7). */
export const TYPING_THROTTLE_MS = 3000;

export interface StartInput {
  readonly endpointId: string;
  readonly customer: Omit<Customer, 'displayName'> & { readonly displayName?: string };
  readonly settings?: RoutingOverrides;
  readonly transcript?: readonly BotTranscriptLine[];
}

export interface HandoverServiceDeps {
  readonly store: HandoverStore;
  readonly endpoint: (endpointId: string) => EndpointPolicy | undefined;
  readonly provider: (endpointId: string) => HandoverProvider | undefined;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  /** Called after each commit that produced events (wakes SSE streams and the webhook dispatcher). */
  readonly onEvents?: (handoverId: string, events: readonly HandoverEvent[]) => void;
  readonly retry?: { maxAttempts: number; initialDelayMs: number; maxDelayMs: number };
  /** How often inactivity and session limits are checked, ms. Default 1000. */
  readonly sweepIntervalMs?: number;
}

export class HandoverService {
  readonly #deps: HandoverServiceDeps;
  readonly #writer: StateWriter;
  readonly #sender: OutboundSender;
  readonly #sessions: ProviderSessions;
  readonly #activity = new ActivityMonitor();
  readonly #sweeper: IdleSweeper;
  readonly #typingAt = new Map<string, number>();
  readonly #stop = new AbortController();
  /** Set by shutdown(): no new work; in-flight sends finish. */
  #draining = false;

  constructor(deps: HandoverServiceDeps) {
    this.#deps = deps;
    const retry = deps.retry ?? DEFAULT_RETRY;
    const committer = new Committer({
      store: deps.store,
      clock: deps.clock,
      ids: deps.ids,
      hasWebhook: (endpointId) => deps.endpoint(endpointId)?.webhook ?? false,
      onCommitted: (id, events) => deps.onEvents?.(id, events),
    });
    this.#writer = new StateWriter(deps.store, committer);
    this.#sessions = new ProviderSessions({
      store: deps.store,
      provider: deps.provider,
      clock: deps.clock,
      logger: deps.logger,
      writer: this.#writer,
      sender: () => this.#sender,
      activity: this.#activity,
      retry,
      signal: this.#stop.signal,
    });
    this.#sender = new OutboundSender({
      store: deps.store,
      providerFor: (id) => this.#providerFor(id),
      commitSent: (id, entryId, providerMessageId) =>
        this.#writer.commitExtras(id, { sent: [{ entryId, providerMessageId }] }),
      onPermanentFailure: (id, failure) => this.#sessions.failPermanently(id, failure),
      logger: deps.logger,
      retry,
      signal: this.#stop.signal,
      draining: () => this.#draining,
    });
    this.#sessions.onDetach((id) => {
      this.#typingAt.delete(id);
      this.#sender.forget(id);
    });
    this.#sweeper = new IdleSweeper({
      activity: this.#activity,
      clock: deps.clock,
      intervalMs: deps.sweepIntervalMs ?? 1000,
      limitsOf: (id) => this.#limitsOf(id),
      onDue: (expiry) => this.#endIdle(expiry),
    });
  }

  // ---- Bot-facing operations -------------------------------------------------------------------

  async start(input: StartInput): Promise<{ created: boolean; handover: Handover }> {
    this.#assertRunning();
    const policy = this.#deps.endpoint(input.endpointId);
    const provider = this.#deps.provider(input.endpointId);
    if (!policy || !provider) throw new GatewayError('UNKNOWN_ENDPOINT');
    const now = this.#deps.clock.now().toISOString();
    const id = this.#deps.ids.next();
    const customer: Customer = {
      ...input.customer,
      displayName: input.customer.displayName ?? policy.guestDisplayName,
    };
    const handover: Handover = {
      id,
      endpointId: policy.id,
      customer,
      settings: resolveSettings(policy, input.settings),
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
      .map((l) => ({
        id: this.#deps.ids.next(),
        handoverId: id,
        role: l.role,
        text: l.text,
        at: l.at ?? now,
      }));
    // The bot conversation reaches the agent as readable text, chunked under the provider's limit,
    // sent first (before any customer message). Custom attributes travel in the create call itself,
    // so they are in place before the first chunk (the Cognigy bug of landscape §3 E cannot happen).
    const chunks = formatBotTranscript(lines, {
      maxLength: provider.maxMessageLength,
      customerName: customer.displayName,
    });
    const chunkEntries: TranscriptEntry[] = chunks.map((text, i) => ({
      id: this.#deps.ids.next(),
      handoverId: id,
      role: 'bot',
      text,
      at: now,
      outbound: { status: 'pending', order: i + 1, kind: 'transcript' },
    }));
    const { created, record } = await this.#deps.store.createHandover({
      handover,
      webhook: policy.webhook,
      events: [],
      transcript: [...originals, ...chunkEntries],
    });
    if (created) this.#sessions.activate(id);
    return { created, handover: record.handover };
  }

  async get(id: string): Promise<Handover> {
    const rec = await this.#deps.store.getHandover(id);
    if (!rec) throw new GatewayError('HANDOVER_NOT_FOUND');
    return rec.handover;
  }

  list(query: ListQuery): Promise<Page<Handover>> {
    return this.#deps.store.listHandovers(query);
  }

  /** Both directions, oldest first. The transcript chunks sent to the agent are left out (their lines are in). */
  async transcript(id: string): Promise<TranscriptEntry[]> {
    await this.get(id);
    const all = await this.#deps.store.transcript(id);
    return all.filter((e) => e.outbound?.kind !== 'transcript');
  }

  /**
   * Persists the customer's message (split into parts ≤ the provider limit) before acknowledging it.
   * With an idempotency key, a retried request (after a timeout or a crash) returns the parts the
   * first one created instead of creating them again.
   */
  async sendMessage(id: string, text: string, idempotencyKey?: string): Promise<TranscriptEntry[]> {
    this.#assertRunning();
    const provider = await this.#providerFor(id);
    const entries = await this.#enqueueOutbound(
      id,
      splitMessage(text, provider.maxMessageLength),
      'message',
      idempotencyKey,
    );
    this.#noteCustomer(id);
    return entries;
  }

  /** The bot reports the customer's presence (tab closed / back); the agent sees a notice. */
  async presence(id: string, status: 'away' | 'back'): Promise<{ notified: boolean }> {
    this.#assertRunning();
    const rec = await this.#activeRecord(id);
    const policy = this.#deps.endpoint(rec.handover.endpointId);
    if (status === 'back') this.#noteCustomer(id);
    const text = status === 'away' ? policy?.notices.customerAway : policy?.notices.customerBack;
    if (!text) return { notified: false };
    await this.#enqueueOutbound(id, [text], 'notice');
    return { notified: true };
  }

  /** Forwards a typing pulse at most once per TYPING_THROTTLE_MS per handover. */
  async typing(id: string): Promise<{ forwarded: boolean }> {
    this.#assertRunning();
    const rec = await this.#activeRecord(id);
    const provider = await this.#providerFor(id);
    const now = this.#deps.clock.now().getTime();
    const last = this.#typingAt.get(id);
    if (
      !rec.providerRef ||
      rec.handover.state === 'requested' ||
      (last !== undefined && now - last < TYPING_THROTTLE_MS)
    ) {
      return { forwarded: false };
    }
    this.#typingAt.set(id, now);
    this.#noteCustomer(id);
    try {
      await provider.typing(rec.providerRef, this.#stop.signal);
      return { forwarded: true };
    } catch (err) {
      // Typing is a hint: a failed pulse is logged, never surfaced as a failed request.
      this.#deps.logger.warn({ handoverId: id, code: errorCode(err) }, 'typing pulse failed');
      return { forwarded: false };
    }
  }

  /** The customer leaves: queued messages are sent first, then the member leaves at the provider. */
  async end(id: string): Promise<Handover> {
    this.#assertRunning();
    const first = await this.get(id);
    if (isTerminal(first.state)) return first;
    return this.#leave(id, { kind: 'customer_ended' });
  }

  // ---- Lifecycle --------------------------------------------------------------------------------

  /** Re-attaches every handover not yet ended (after a restart) and starts the idle checks. */
  async resume(): Promise<number> {
    const open = await this.#deps.store.listUnended();
    for (const rec of open) this.#sessions.activate(rec.handover.id);
    this.#sweeper.start();
    return open.length;
  }

  /**
   * Graceful stop: take no new work, let the sends in flight finish (bounded), then close the event
   * streams and wait for queued state changes. Pending messages stay persisted for the next start.
   */
  async shutdown(timeoutMs = 10_000): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    this.#sweeper.stop();
    await withTimeout(this.#sender.idle(), timeoutMs);
    this.#stop.abort(new GatewayError('SHUTTING_DOWN'));
    await this.#sessions.detachAll();
    await withTimeout(this.#writer.idle(), timeoutMs);
  }

  get liveCount(): number {
    return this.#sessions.size;
  }

  // ---- Internals ------------------------------------------------------------------------------

  /** Persists outbound lines (customer messages or notices) in order, then wakes the sender. */
  async #enqueueOutbound(
    id: string,
    texts: readonly string[],
    kind: 'message' | 'notice',
    idempotencyKey?: string,
  ): Promise<TranscriptEntry[]> {
    const entries = await this.#writer.run(id, async () => {
      if (idempotencyKey !== undefined) {
        const earlier = await this.#deps.store.outboundByClientMessageId(id, idempotencyKey);
        if (earlier.length > 0) return earlier;
      }
      const rec = await this.#activeRecord(id);
      const lastOrder = await this.#deps.store.maxOutboundOrder(id);
      const now = this.#deps.clock.now().toISOString();
      const lines: TranscriptEntry[] = texts.map((text, i) => ({
        id: this.#deps.ids.next(),
        handoverId: id,
        role: kind === 'message' ? 'customer' : 'system',
        text,
        at: now,
        ...(kind === 'message' ? { senderName: rec.handover.customer.displayName } : {}),
        outbound: { status: 'pending', order: lastOrder + i + 1, kind },
        ...(idempotencyKey === undefined ? {} : { clientMessageId: idempotencyKey }),
      }));
      await this.#writer.committer.commit(rec.handover, noChange(rec.handover), { transcript: lines });
      return lines;
    });
    this.#sender.flush(id);
    return entries;
  }

  /**
   * Takes the customer out of the chat: an optional notice for the agent and the queued messages
   * go first (bounded wait), then the state change, then the guest leaves at the provider.
   */
  async #leave(id: string, input: LifecycleInput, notice?: string): Promise<Handover> {
    const provider = await this.#providerFor(id);
    if (notice) await this.#enqueueOutbound(id, [notice], 'notice').catch(() => undefined);
    await withTimeout(this.#sender.settled(id), 10_000);
    const ended = await this.#writer.apply(id, input);
    const ref = (await this.#deps.store.getHandover(id))?.providerRef;
    if (ref) {
      try {
        await withRetry(() => provider.end(ref, this.#stop.signal), {
          ...this.#retry(),
          maxAttempts: 3,
          signal: this.#stop.signal,
        });
      } catch (err) {
        this.#deps.logger.warn(
          { handoverId: id, code: errorCode(err) },
          'leaving the provider conversation failed',
        );
      }
    }
    await this.#sessions.detach(id);
    return ended ?? (await this.get(id));
  }

  /** The inactivity grace or the session duration ran out. */
  async #endIdle({ handoverId, reason }: Expiry): Promise<void> {
    if (this.#draining) return;
    const policy = this.#policyOf(handoverId);
    const grace = policy?.inactivityGraceMs;
    const notice =
      reason === 'customer_abandoned' && policy && grace !== undefined
        ? policy.notices.inactivity.replace('{minutes}', String(Math.round((grace / 60_000) * 10) / 10))
        : undefined;
    this.#deps.logger.info({ handoverId, reason }, 'ending an idle handover');
    await this.#leave(handoverId, { kind: 'terminate', reason }, notice);
  }

  #noteCustomer(id: string): void {
    const now = this.#deps.clock.now().getTime();
    this.#activity.customer(id, now);
    this.#activity.message(id, now);
  }

  #policyOf(id: string): EndpointPolicy | undefined {
    const endpointId = this.#sessions.endpointOf(id);
    return endpointId === undefined ? undefined : this.#deps.endpoint(endpointId);
  }

  #limitsOf(id: string): ActivityLimits | undefined {
    const p = this.#policyOf(id);
    if (!p) return undefined;
    return {
      sessionDurationMs: p.sessionDurationMs,
      ...(p.inactivityGraceMs === undefined ? {} : { inactivityGraceMs: p.inactivityGraceMs }),
    };
  }

  async #activeRecord(id: string): Promise<HandoverRecord> {
    const rec = await this.#deps.store.getHandover(id);
    if (!rec) throw new GatewayError('HANDOVER_NOT_FOUND');
    if (isTerminal(rec.handover.state)) throw new GatewayError('HANDOVER_NOT_ACTIVE');
    return rec;
  }

  async #providerFor(id: string): Promise<HandoverProvider> {
    const h = await this.get(id);
    const provider = this.#deps.provider(h.endpointId);
    if (!provider) throw new GatewayError('UNKNOWN_ENDPOINT');
    return provider;
  }

  #retry(): { maxAttempts: number; initialDelayMs: number; maxDelayMs: number } {
    return this.#deps.retry ?? DEFAULT_RETRY;
  }

  #assertRunning(): void {
    if (this.#draining || this.#stop.signal.aborted) throw new GatewayError('SHUTTING_DOWN');
  }
}
