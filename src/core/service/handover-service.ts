// The application service: what the bot API calls, and what drives each handover's provider
// conversation. It owns no I/O of its own — everything goes through the ports — so it lives in core.
//
// Per handover, two serial queues (design §2, a keyed queue, not a global lock):
//  - `state`: every state change (provider events, bot commands, backfill) in arrival order;
//  - `outbound`: customer messages sent to the agent strictly in order, retried without blocking
//    the state queue (an agent's message is not held up by a customer message being retried).
import { GatewayError } from '../errors.ts';
import { isTerminal, type Customer, type Failure, type Handover } from '../model/handover.ts';
import type { TranscriptEntry } from '../model/transcript.ts';
import type { HandoverEvent } from '../model/events.ts';
import { transition } from '../lifecycle/state-machine.ts';
import type { LifecycleInput } from '../lifecycle/inputs.ts';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import {
  ProviderError,
  type Attachment,
  type HandoverProvider,
  type ProviderEvent,
  type ProviderRef,
} from '../ports/provider.ts';
import type { HandoverStore, HandoverRecord, ListQuery, Page } from '../ports/store.ts';
import { VersionConflictError } from '../ports/store.ts';
import { formatBotTranscript, type BotTranscriptLine } from '../text/bot-transcript.ts';
import { splitMessage } from '../text/split-message.ts';
import { Committer } from './committer.ts';
import { resolveSettings, type EndpointPolicy, type RoutingOverrides } from './endpoint-policy.ts';
import { KeyedQueue } from './keyed-queue.ts';
import { OutboundSender } from './outbound-sender.ts';
import { ActivityMonitor } from './activity-monitor.ts';
import { DEFAULT_RETRY, withRetry } from './retry.ts';

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
  readonly #committer: Committer;
  readonly #state = new KeyedQueue();
  readonly #sender: OutboundSender;
  readonly #live = new Map<string, Attachment>();
  readonly #typingAt = new Map<string, number>();
  readonly #stop = new AbortController();
  /** Set by shutdown(): no new work; in-flight sends finish. */
  #draining = false;
  readonly #activity = new ActivityMonitor();
  #sweeper: NodeJS.Timeout | undefined;
  #sweeping = false;

  constructor(deps: HandoverServiceDeps) {
    this.#deps = deps;
    this.#committer = new Committer({
      store: deps.store,
      clock: deps.clock,
      ids: deps.ids,
      hasWebhook: (endpointId) => deps.endpoint(endpointId)?.webhook ?? false,
      onCommitted: (id, events) => deps.onEvents?.(id, events),
    });
    this.#sender = new OutboundSender({
      store: deps.store,
      providerFor: (id) => this.#providerFor(id),
      commitSent: (id, entryId, providerMessageId) =>
        this.#state.run(id, async () => {
          const fresh = await this.#deps.store.getHandover(id);
          if (fresh)
            await this.#committer.commit(fresh.handover, noChange(fresh.handover), {
              sent: [{ entryId, providerMessageId }],
            });
        }),
      onPermanentFailure: (id, failure) => this.#failPermanently(id, failure),
      logger: deps.logger,
      retry: deps.retry ?? DEFAULT_RETRY,
      signal: this.#stop.signal,
      draining: () => this.#draining,
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
    if (created) this.#activate(id);
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

  /** Re-attaches every handover not yet ended (after a restart). */
  async resume(): Promise<number> {
    const open = await this.#deps.store.listUnended();
    for (const rec of open) this.#activate(rec.handover.id);
    this.#startSweeper();
    return open.length;
  }

  /**
   * Graceful stop: take no new work, let the sends in flight finish (bounded), then close the event
   * streams and wait for queued state changes. Pending messages stay persisted for the next start.
   */
  async shutdown(timeoutMs = 10_000): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    clearInterval(this.#sweeper);
    await withTimeout(this.#sender.idle(), timeoutMs);
    this.#stop.abort(new GatewayError('SHUTTING_DOWN'));
    await Promise.allSettled([...this.#live.keys()].map((id) => this.#detach(id)));
    await withTimeout(this.#state.idle(), timeoutMs);
  }

  get liveCount(): number {
    return this.#live.size;
  }

  // ---- Internals ------------------------------------------------------------------------------

  #activate(id: string): void {
    this.#state
      .run(id, () => this.#bringUp(id))
      .catch((err: unknown) => {
        this.#deps.logger.error({ handoverId: id, code: errorCode(err) }, 'handover could not be brought up');
      });
  }

  async #bringUp(id: string): Promise<void> {
    let rec = await this.#deps.store.getHandover(id);
    if (!rec || isTerminal(rec.handover.state) || this.#live.has(id) || this.#stopping()) return;
    this.#endpointOf.set(id, rec.handover.endpointId);
    const provider = this.#deps.provider(rec.handover.endpointId);
    if (!provider) {
      await this.#commitInput(rec, {
        kind: 'terminate',
        reason: 'provider_error',
        message: 'The endpoint is no longer configured.',
      });
      return;
    }
    let ref = rec.providerRef;
    // After a restart we cannot know whether a send in flight at the crash reached the provider.
    if (ref) this.#sender.markUncertain(id);
    if (!ref) {
      try {
        const h = rec.handover;
        ref = await withRetry(
          () =>
            provider.start(
              { endpointId: h.endpointId, customer: h.customer, settings: h.settings },
              this.#stop.signal,
            ),
          {
            ...this.#retry(),
            signal: this.#stop.signal,
          },
        );
      } catch (err) {
        if (this.#stopping()) return;
        await this.#commitInput(rec, { kind: 'start_failed', failure: toFailure(err) });
        return;
      }
      // The provider handle is persisted before anything else, so a restart re-attaches instead of creating twice.
      await this.#committer.commit(
        rec.handover,
        { handover: rec.handover, events: [], transcript: [] },
        { providerRef: ref },
      );
      rec = (await this.#deps.store.getHandover(id)) ?? rec;
    }
    const attachRef = ref;
    try {
      const attachment = await provider.attach(
        attachRef,
        {
          onEvent: (event) => this.#enqueue(id, () => this.#onProviderEvent(id, event)),
          onState: (state, detail) => {
            if (state === 'open') this.#enqueue(id, () => this.#onOpen(id, provider, attachRef));
            if (state === 'lost') {
              this.#enqueue(id, async () => {
                const r = await this.#deps.store.getHandover(id);
                if (r)
                  await this.#commitInput(r, {
                    kind: 'terminate',
                    reason: 'provider_error',
                    message: `The contact-center connection was lost${detail?.reason ? `: ${detail.reason}` : ''}.`,
                  });
                await this.#detach(id);
              });
            }
          },
        },
        this.#stop.signal,
      );
      this.#live.set(id, attachment);
      await this.#trackActivity(id);
    } catch (err) {
      if (this.#stopping()) return;
      const fresh = (await this.#deps.store.getHandover(id)) ?? rec;
      await this.#commitInput(fresh, {
        kind: 'terminate',
        reason: 'provider_error',
        message: 'The contact-center event stream could not be opened.',
        failure: toFailure(err),
      });
    }
  }

  /** After every (re)connect: queue the chat (first time), backfill missed messages, re-read members, send what waits. */
  async #onOpen(id: string, provider: HandoverProvider, ref: ProviderRef): Promise<void> {
    let rec = await this.#deps.store.getHandover(id);
    if (!rec || isTerminal(rec.handover.state)) return;
    if (rec.handover.state === 'requested') {
      await this.#commitInput(rec, { kind: 'attached' });
      rec = await this.#deps.store.getHandover(id);
      if (!rec) return;
    }
    try {
      // Retried as a whole: each attempt reads from the cursor the previous one advanced.
      await withRetry(() => this.#catchUp(id, provider, ref), {
        ...this.#retry(),
        maxAttempts: 10,
        signal: this.#stop.signal,
      });
    } catch (err) {
      if (this.#stopping()) return;
      if (err instanceof ProviderError && !err.retryable) {
        await this.#apply(id, {
          kind: 'terminate',
          reason: 'provider_error',
          message: 'The contact center refused to resume the chat.',
          failure: toFailure(err),
        });
        await this.#detach(id);
        return;
      }
      // Still failing after the retries: the next reconnect (or restart) catches up from the same cursor.
      this.#deps.logger.warn(
        { handoverId: id, code: errorCode(err) },
        'catching up after a reconnect failed',
      );
    }
    this.#sender.flush(id);
  }

  /**
   * Guest chat does not replay events missed while the socket was down (protocol §9.7): read the
   * history after the cursor (all pages), then re-read the members, so a join, transfer or end that
   * happened meanwhile is not missed. Transitions are idempotent, so nothing is applied twice.
   */
  async #catchUp(id: string, provider: HandoverProvider, ref: ProviderRef): Promise<void> {
    const rec = await this.#deps.store.getHandover(id);
    if (!rec || isTerminal(rec.handover.state)) return;
    for await (const m of provider.history(ref, rec.handover.cursor, this.#stop.signal)) {
      await this.#onProviderEvent(id, { type: 'message', ...m });
    }
    for (const { participant, state } of await provider.participants(ref, this.#stop.signal)) {
      await this.#onProviderEvent(id, {
        type: 'participant',
        participant,
        state,
        at: this.#deps.clock.now().toISOString(),
      });
    }
  }

  async #onProviderEvent(id: string, event: ProviderEvent): Promise<void> {
    const rec = await this.#deps.store.getHandover(id);
    if (!rec || isTerminal(rec.handover.state)) return;
    if (
      event.type === 'message' &&
      !event.own &&
      (await this.#deps.store.hasProviderMessage(id, event.providerMessageId))
    )
      return;
    const after = await this.#commitInput(rec, { kind: 'provider_event', event });
    const now = this.#deps.clock.now().getTime();
    if (event.type === 'message' && !event.own) this.#activity.message(id, now);
    if (after) this.#activity.agentConnected(id, after.state === 'active', now);
    if (after && isTerminal(after.state)) await this.#detach(id);
  }

  /** Applies an input under the handover's state queue (for callers outside it). */
  #apply(id: string, input: LifecycleInput): Promise<Handover | undefined> {
    return this.#state.run(id, async () => {
      const rec = await this.#deps.store.getHandover(id);
      return rec ? this.#commitInput(rec, input) : undefined;
    });
  }

  /** Runs the state machine and commits; on a version conflict (another writer) re-reads once. */
  async #commitInput(rec: HandoverRecord, input: LifecycleInput): Promise<Handover | undefined> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const t = transition(rec.handover, input);
      if (t.handover === rec.handover && t.events.length === 0 && t.transcript.length === 0)
        return rec.handover;
      try {
        return await this.#committer.commit(rec.handover, t);
      } catch (err) {
        if (!(err instanceof VersionConflictError)) throw err;
        const fresh = await this.#deps.store.getHandover(rec.handover.id);
        if (!fresh) return undefined;
        rec = fresh;
      }
    }
    throw new GatewayError('INTERNAL', { message: 'The handover kept changing concurrently.' });
  }

  /** Persists outbound lines (customer messages or notices) in order, then wakes the sender. */
  async #enqueueOutbound(
    id: string,
    texts: readonly string[],
    kind: 'message' | 'notice',
    idempotencyKey?: string,
  ): Promise<TranscriptEntry[]> {
    const entries = await this.#state.run(id, async () => {
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
      await this.#committer.commit(rec.handover, noChange(rec.handover), { transcript: lines });
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
    const ended = await this.#apply(id, input);
    const rec = await this.#deps.store.getHandover(id);
    const ref = rec?.providerRef;
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
    await this.#detach(id);
    return ended ?? (await this.get(id));
  }

  #noteCustomer(id: string): void {
    const now = this.#deps.clock.now().getTime();
    this.#activity.customer(id, now);
    this.#activity.message(id, now);
  }

  /** Starts the activity clocks from the stored transcript, so a restart does not reset them. */
  async #trackActivity(id: string): Promise<void> {
    const rec = await this.#deps.store.getHandover(id);
    if (!rec) return;
    const lines = await this.#deps.store.transcript(id);
    const created = Date.parse(rec.handover.createdAt);
    const last = (pred: (role: string) => boolean) =>
      lines.reduce((max, l) => (pred(l.role) ? Math.max(max, Date.parse(l.at)) : max), created);
    this.#activity.track(
      id,
      last((r) => r === 'customer' || r === 'agent'),
      last((r) => r === 'customer'),
    );
    this.#activity.agentConnected(id, rec.handover.state === 'active', this.#deps.clock.now().getTime());
  }

  #startSweeper(): void {
    if (this.#sweeper) return;
    this.#sweeper = setInterval(() => void this.#sweep(), this.#deps.sweepIntervalMs ?? 1000);
    this.#sweeper.unref();
  }

  async #sweep(): Promise<void> {
    if (this.#sweeping || this.#draining) return;
    this.#sweeping = true;
    try {
      const now = this.#deps.clock.now().getTime();
      const due = this.#activity.due(now, (id) => this.#limitsOf(id));
      await Promise.allSettled(
        due.map(async ({ handoverId, reason }) => {
          const policy = this.#policyOf(handoverId);
          const notice =
            reason === 'customer_abandoned' && policy?.inactivityGraceMs !== undefined
              ? policy.notices.inactivity.replace(
                  '{minutes}',
                  String(Math.round((policy.inactivityGraceMs / 60_000) * 10) / 10),
                )
              : undefined;
          this.#deps.logger.info({ handoverId, reason }, 'ending an idle handover');
          await this.#leave(handoverId, { kind: 'terminate', reason }, notice);
        }),
      );
    } finally {
      this.#sweeping = false;
    }
  }

  /** Endpoint ids of live handovers, cached when they are brought up. */
  readonly #endpointOf = new Map<string, string>();

  #policyOf(id: string): EndpointPolicy | undefined {
    const endpointId = this.#endpointOf.get(id);
    return endpointId === undefined ? undefined : this.#deps.endpoint(endpointId);
  }

  #limitsOf(id: string): { sessionDurationMs: number; inactivityGraceMs?: number } | undefined {
    const p = this.#policyOf(id);
    if (!p) return undefined;
    return {
      sessionDurationMs: p.sessionDurationMs,
      ...(p.inactivityGraceMs === undefined ? {} : { inactivityGraceMs: p.inactivityGraceMs }),
    };
  }

  #enqueue(id: string, task: () => Promise<void>): void {
    this.#state.run(id, task).catch((err: unknown) => {
      if (!this.#stopping())
        this.#deps.logger.error(
          { handoverId: id, code: errorCode(err) },
          'processing a provider event failed',
        );
    });
  }

  /**
   * A permanent provider error on a send. It may be the chat having ended a moment ago (the agent
   * left; the events are on their way): re-read the members first, so the handover ends with the
   * true reason; only if it is still open does it end as provider_error.
   */
  async #failPermanently(id: string, failure: Failure): Promise<void> {
    const rec = await this.#deps.store.getHandover(id);
    const provider = this.#deps.provider(rec?.handover.endpointId ?? '');
    if (rec?.providerRef && provider) {
      try {
        const members = await provider.participants(rec.providerRef, this.#stop.signal);
        for (const { participant, state } of members) {
          await this.#state.run(id, () =>
            this.#onProviderEvent(id, {
              type: 'participant',
              participant,
              state,
              at: this.#deps.clock.now().toISOString(),
            }),
          );
        }
      } catch {
        // The members cannot be read either: the failure stands.
      }
    }
    await this.#apply(id, {
      kind: 'terminate',
      reason: 'provider_error',
      message: 'A message could not be delivered to the agent.',
      failure,
    });
    await this.#detach(id);
  }

  async #detach(id: string): Promise<void> {
    const attachment = this.#live.get(id);
    this.#live.delete(id);
    this.#typingAt.delete(id);
    this.#sender.forget(id);
    this.#activity.forget(id);
    this.#endpointOf.delete(id);
    if (attachment) await attachment.close().catch(() => undefined);
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

  /** A method, not a property read: TypeScript would otherwise keep a narrowing across awaits. */
  #stopping(): boolean {
    return this.#stop.signal.aborted;
  }

  #assertRunning(): void {
    if (this.#draining || this.#stopping()) throw new GatewayError('SHUTTING_DOWN');
  }
}

/** A transition that changes nothing but lets the committer bump the version with extras. */
function noChange(handover: Handover): { handover: Handover; events: []; transcript: [] } {
  return { handover, events: [], transcript: [] };
}

function toFailure(err: unknown): Failure {
  if (err instanceof ProviderError) return { code: err.code, message: err.message };
  return { code: 'gateway.internal', message: 'The provider call failed unexpectedly.' };
}

function errorCode(err: unknown): string {
  if (err instanceof ProviderError || err instanceof GatewayError) return err.code;
  return err instanceof Error ? err.name : 'unknown';
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
