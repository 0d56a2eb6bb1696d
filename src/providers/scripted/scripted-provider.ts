// A scripted contact center: the provider port over an in-memory conversation model that a test (or
// a demo) drives by hand — an agent joins, writes, types, transfers, ends; the stream drops, comes
// back, is lost; calls fail or take time. Shipped as a real module, like the in-memory store, so the
// core's unit tests run the engine exactly as production does, on virtual time, in milliseconds.
//
// Its rules mirror what the core relies on from a real provider: history is ordered and includes
// our own messages (flagged `own`); a live event is delivered only while the stream is up (events
// while it is down are in the history, never replayed — guest chat §9.7); the customer leaving ends
// the chat for everybody; a send to an ended chat is refused for good.
//
// In push mode (`options.push`) it behaves like Open Messaging: agent messages and typing do not
// come on the attachment but wait in the conversation's `pushed` list, for the test to deliver
// through the gateway's push path in whatever order, as often as it likes (a webhook, §4.5); like
// Open Messaging it names, when asked, the message before each pushed one that is not ours.
import type { Clock } from '../../core/ports/clock.ts';
import {
  ProviderError,
  type Connection,
  type AttachmentHandlers,
  type HandoverProvider,
  type OutboundMessage,
  type HistoryMessage,
  type Participant,
  type ParticipantState,
  type ProviderRef,
  type ProviderEvent,
  type ProviderStartRequest,
  type ProviderWebhook,
  type SentMessage,
  type WebhookReading,
} from '../../core/ports/provider.ts';
import { z } from 'zod';
import type { Attachment } from '../../core/model/attachment.ts';
import { sleep, type Scheduler } from '../../core/ports/scheduler.ts';

export const SCRIPTED_KIND = 'scripted';

export type ScriptedOperation =
  | 'start'
  | 'attach'
  | 'history'
  | 'participants'
  | 'send'
  | 'typing'
  | 'end'
  | 'acknowledge'
  /** Reading a push (the webhook route): a failure makes the read reject, like a provider call it makes. */
  | 'webhook'
  /** Naming what pushed messages follow (`webhook.place`), as Open Messaging does with a read. */
  | 'place';

/**
 * What a scripted failure looks like: retryable (a 5xx/429, optionally with Retry-After), permanent
 * (a 4xx), or no answer at all (a timeout; for a send, the provider may still store the message
 * `storedAfterMs` later — the request went on without the caller).
 */
export type ScriptedFailure =
  | { readonly kind: 'retryable'; readonly retryAfterMs?: number; readonly status?: number }
  | { readonly kind: 'permanent'; readonly code?: string; readonly status?: number }
  | { readonly kind: 'no-answer'; readonly storedAfterMs?: number };

interface Member {
  readonly participant: Participant;
  state: ParticipantState;
}

export interface ScriptedMessage {
  readonly providerMessageId: string;
  readonly participant: Participant;
  readonly text: string;
  readonly kind: 'text' | 'notice';
  readonly own: boolean;
  readonly at: string;
  readonly attachments?: readonly Attachment[];
}

/** One conversation at the scripted contact center, and the agent-side controls of a test. */
export class ScriptedConversation {
  readonly id: string;
  readonly request: ProviderStartRequest;
  readonly customer: Participant;
  readonly messages: ScriptedMessage[] = [];
  /** Delivery receipts the gateway sent for agent messages, in order. */
  readonly receipts: { providerMessageId: string; outcome: 'delivered' | 'failed' }[] = [];
  /** Push mode: agent messages and typing waiting to be delivered by the test, oldest first. */
  readonly pushed: ProviderEvent[] = [];
  readonly #members = new Map<string, Member>();
  readonly #provider: ScriptedProvider;
  #handlers: AttachmentHandlers | undefined;
  #streamUp = false;
  #agents = 0;
  /** History reads show this many messages (`historyLags`); undefined: all of them. */
  #historyShows: number | undefined;

  constructor(provider: ScriptedProvider, id: string, request: ProviderStartRequest) {
    this.#provider = provider;
    this.id = id;
    this.request = request;
    this.customer = { id: `${id}-customer`, role: 'customer', displayName: request.customer.displayName };
    this.#members.set(this.customer.id, { participant: this.customer, state: 'connected' });
  }

  get ended(): boolean {
    return this.#members.get(this.customer.id)?.state === 'disconnected';
  }

  get attached(): boolean {
    return this.#handlers !== undefined;
  }

  get streamUp(): boolean {
    return this.#streamUp;
  }

  /** Texts the customer (our gateway) sent, in order — what the agent saw. */
  customerTexts(): string[] {
    return this.messages.filter((m) => m.own && m.kind === 'text').map((m) => m.text);
  }

  /** Notices the gateway sent (presence, inactivity), in order. */
  notices(): string[] {
    return this.messages.filter((m) => m.own && m.kind === 'notice').map((m) => m.text);
  }

  /** For each id, the message just before it that is not ours (`webhook.place`); unknown ids left out. */
  messagesBefore(ids: readonly string[]): Map<string, string> {
    const wanted = new Set(ids);
    const before = new Map<string, string>();
    let last: string | undefined;
    for (const m of this.messages) {
      if (wanted.has(m.providerMessageId) && last !== undefined) before.set(m.providerMessageId, last);
      if (!m.own) last = m.providerMessageId;
    }
    return before;
  }

  /**
   * From now on history reads show only the messages there are now, until `historyCatchesUp`: a
   * read that lags what was pushed (Open Messaging answers a catch-up from a read up to 2 s old;
   * whether Genesys' own read can lag its webhook is not documented).
   */
  historyLags(): void {
    this.#historyShows = this.messages.length;
  }

  historyCatchesUp(): void {
    this.#historyShows = undefined;
  }

  /** What a history read shows now. */
  history(): readonly ScriptedMessage[] {
    return this.#historyShows === undefined ? this.messages : this.messages.slice(0, this.#historyShows);
  }

  participants(): { participant: Participant; state: ParticipantState }[] {
    return [...this.#members.values()].map((m) => ({ participant: m.participant, state: m.state }));
  }

  /** A new agent is offered the chat (ALERTING); returns the agent. */
  offerAgent(displayName = `Agent ${this.#agents + 1}`): Participant {
    this.#agents += 1;
    const agent: Participant = { id: `${this.id}-agent-${this.#agents}`, role: 'agent', displayName };
    this.#setState(agent, 'alerting');
    return agent;
  }

  /** An agent answers (CONNECTED): offered before, or a new one. */
  agentJoins(agentOrName?: Participant | string): Participant {
    const agent = typeof agentOrName === 'object' ? agentOrName : this.offerAgent(agentOrName);
    this.#setState(agent, 'connected');
    return agent;
  }

  agentWrites(
    text: string,
    agent = this.#connectedAgent(),
    attachments?: readonly Attachment[],
  ): ScriptedMessage {
    return this.#record(agent, text, 'text', false, attachments);
  }

  /** A text from a workflow/bot participant (system message). */
  systemWrites(text: string): ScriptedMessage {
    return this.#record({ id: `${this.id}-workflow`, role: 'system' }, text, 'text', false);
  }

  agentTypes(agent = this.#connectedAgent()): void {
    this.#emit({ type: 'typing', participant: agent, own: false, at: this.#now() });
  }

  /** The connected agent hands over to a new one: new agent ALERTING, old DISCONNECTED, new CONNECTED. */
  transfer(toName?: string): Participant {
    const from = this.#connectedAgent();
    const to = this.offerAgent(toName);
    this.#setState(from, 'disconnected');
    this.#setState(to, 'connected');
    return to;
  }

  /** The agent ends the chat: the agent and then the customer are disconnected. */
  agentEnds(agent = this.#connectedAgent()): void {
    this.#setState(agent, 'disconnected');
    this.#setState(this.customer, 'disconnected');
  }

  /** The socket drops: the attachment reconnects; events meanwhile go to the history only. */
  dropStream(): void {
    if (!this.#streamUp) return;
    this.#streamUp = false;
    this.#handlers?.onState('reconnecting', { reason: 'socket-closed' });
  }

  /** The socket is back: the attachment reports `open` (the core catches up). */
  restoreStream(): void {
    if (this.#streamUp || !this.#handlers) return;
    this.#streamUp = true;
    this.#handlers.onState('open');
  }

  /** The stream stayed down past the provider's grace: final. */
  loseStream(reason = 'grace-exceeded'): void {
    this.#streamUp = false;
    const handlers = this.#handlers;
    this.#handlers = undefined;
    handlers?.onState('lost', { reason });
  }

  /** The stream delivers a message again (a replayed frame, a push that came twice, a late echo). */
  redeliver(message: ScriptedMessage): void {
    this.#emit({ type: 'message', ...message });
  }

  /** An event could not be read (a lookup failed): the core catches up. */
  resync(): void {
    this.#handlers?.onState('resync', { reason: 'member lookup failed' });
  }

  // ---- the provider side -------------------------------------------------------------------------

  attachHandlers(handlers: AttachmentHandlers): void {
    this.#handlers = handlers;
    this.#streamUp = true;
    handlers.onState('open');
  }

  detachHandlers(): void {
    this.#handlers = undefined;
    this.#streamUp = false;
  }

  customerSends(text: string, kind: 'text' | 'notice', attachments?: readonly Attachment[]): ScriptedMessage {
    if (this.ended)
      throw new ProviderError('The chat has ended.', {
        code: 'scripted.conversation.ended',
        status: 400,
        retryable: false,
        conversationOver: true,
      });
    return this.#record(this.customer, text, kind, true, attachments);
  }

  customerLeaves(): void {
    if (this.ended) return;
    for (const m of this.#members.values())
      if (m.participant.role === 'agent' && m.state !== 'disconnected')
        this.#setState(m.participant, 'disconnected');
    this.#setState(this.customer, 'disconnected');
  }

  #connectedAgent(): Participant {
    for (const m of this.#members.values())
      if (m.participant.role === 'agent' && m.state === 'connected') return m.participant;
    throw new Error(`no agent is connected to ${this.id}`);
  }

  #record(
    participant: Participant,
    text: string,
    kind: 'text' | 'notice',
    own: boolean,
    attachments?: readonly Attachment[],
  ): ScriptedMessage {
    const message: ScriptedMessage = {
      providerMessageId: `${this.id}-m${this.messages.length + 1}`,
      participant,
      text,
      kind,
      own,
      at: this.#now(),
      ...(attachments?.length ? { attachments } : {}),
    };
    this.messages.push(message);
    this.#emit({ type: 'message', ...message });
    return message;
  }

  #setState(participant: Participant, state: ParticipantState): void {
    const member = this.#members.get(participant.id);
    if (member) member.state = state;
    else this.#members.set(participant.id, { participant, state });
    this.#emit({ type: 'participant', participant, state, at: this.#now() });
  }

  #emit(event: ProviderEvent): void {
    if (this.#provider.webhook && event.type !== 'participant') this.pushed.push(event);
    else if (this.#streamUp) void this.#handlers?.onEvent(event);
  }

  #now(): string {
    return this.#provider.clock.now().toISOString();
  }
}

export interface ScriptedProviderOptions {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly maxMessageLength?: number;
  readonly sendSettleMs?: number;
  /** Push mode: messages and typing are pushed (see the top of this file), reordered within this window. */
  readonly push?: {
    readonly reorderWindowMs: number;
    /** How long the contact center delivers a refused push again (`webhook.redeliveryMs`); absent: none. */
    readonly redeliveryMs?: number;
  };
}

/** A scripted push: `{ "handoverId": …, "events": [ProviderEvent, …] }`, checked like any input. */
const participantSchema = z.object({
  id: z.string(),
  role: z.enum(['customer', 'agent', 'system']),
  displayName: z.string().optional(),
  avatarUrl: z.string().optional(),
});
const pushedSchema = z.object({
  handoverId: z.string().min(1),
  events: z.array(
    z.discriminatedUnion('type', [
      z.object({
        type: z.literal('message'),
        providerMessageId: z.string(),
        participant: participantSchema,
        text: z.string(),
        kind: z.enum(['text', 'notice']),
        own: z.boolean(),
        at: z.string(),
      }),
      z.object({
        type: z.literal('typing'),
        participant: participantSchema,
        own: z.boolean(),
        at: z.string(),
        durationMs: z.number().optional(),
      }),
    ]),
  ),
});

export class ScriptedProvider implements HandoverProvider {
  readonly kind = SCRIPTED_KIND;
  readonly maxMessageLength: number;
  readonly capabilities = { attachments: true };
  readonly webhook?: ProviderWebhook;
  /** How long an unanswered send may still land (options.sendSettleMs, default 10 s). */
  readonly sendSettleMs: number;
  readonly clock: Clock;
  readonly #scheduler: Scheduler;
  readonly #conversations = new Map<string, ScriptedConversation>();
  readonly #failures = new Map<ScriptedOperation, ScriptedFailure[]>();
  readonly #latency = new Map<ScriptedOperation, number>();
  /** Calls made, by operation: what a test asserts about (e.g. "no history read happened"). */
  readonly calls = new Map<ScriptedOperation, number>();

  constructor(options: ScriptedProviderOptions) {
    this.clock = options.clock;
    this.#scheduler = options.scheduler;
    this.maxMessageLength = options.maxMessageLength ?? 4_000;
    this.sendSettleMs = options.sendSettleMs ?? 10_000;
    if (options.push)
      this.webhook = {
        reorderWindowMs: options.push.reorderWindowMs,
        ...(options.push.redeliveryMs === undefined ? {} : { redeliveryMs: options.push.redeliveryMs }),
        read: async (body, _headers, signal) => {
          const reading = readPush(body);
          try {
            await this.#call('webhook', signal);
          } catch (err) {
            // Like Open Messaging's read, which names the agent with a provider call (§4.6).
            if (reading.kind !== 'events') throw err;
            return {
              kind: 'unread',
              handoverId: reading.handoverId,
              providerMessageIds: reading.events.flatMap((e) =>
                e.type === 'message' ? [e.providerMessageId] : [],
              ),
              code: err instanceof ProviderError ? err.code : 'scripted.failed',
            };
          }
          return reading;
        },
        place: async (ref, ids, signal) => {
          await this.#call('place', signal);
          return this.#conversation(ref).messagesBefore(ids);
        },
      };
  }

  /** The next `count` calls of `operation` fail like this. */
  failNext(operation: ScriptedOperation, failure: ScriptedFailure, count = 1): void {
    const list = this.#failures.get(operation) ?? [];
    for (let i = 0; i < count; i++) list.push(failure);
    this.#failures.set(operation, list);
  }

  /** Every call of `operation` takes this long (on the scheduler) before it acts; 0 clears it. */
  latency(operation: ScriptedOperation, ms: number): void {
    this.#latency.set(operation, ms);
  }

  clearFailures(operation?: ScriptedOperation): void {
    if (operation) this.#failures.delete(operation);
    else this.#failures.clear();
  }

  conversations(): ScriptedConversation[] {
    return [...this.#conversations.values()];
  }

  /** The conversation created for this customer user id. */
  conversationOf(userId: string): ScriptedConversation {
    const found = this.conversations().find((c) => c.request.customer.userId === userId);
    if (!found) throw new Error(`no scripted conversation for user ${userId}`);
    return found;
  }

  async start(req: ProviderStartRequest, signal: AbortSignal): Promise<ProviderRef> {
    await this.#call('start', signal);
    const id = `conv-${this.#conversations.size + 1}`;
    this.#conversations.set(id, new ScriptedConversation(this, id, req));
    return { kind: SCRIPTED_KIND, data: { conversationId: id } };
  }

  async attach(ref: ProviderRef, handlers: AttachmentHandlers, signal: AbortSignal): Promise<Connection> {
    await this.#call('attach', signal);
    const conversation = this.#conversation(ref);
    conversation.attachHandlers(handlers);
    return {
      close: () => {
        conversation.detachHandlers();
        return Promise.resolve();
      },
    };
  }

  async *history(
    ref: ProviderRef,
    after: string | undefined,
    signal: AbortSignal,
  ): AsyncIterable<HistoryMessage> {
    await this.#call('history', signal);
    const messages = this.#conversation(ref).history();
    const start = after === undefined ? 0 : messages.findIndex((m) => m.providerMessageId === after) + 1;
    for (const m of messages.slice(start)) yield m;
  }

  async participants(
    ref: ProviderRef,
    signal: AbortSignal,
  ): Promise<{ participant: Participant; state: ParticipantState }[]> {
    await this.#call('participants', signal);
    return this.#conversation(ref).participants();
  }

  async send(ref: ProviderRef, message: OutboundMessage, signal: AbortSignal): Promise<SentMessage> {
    const conversation = this.#conversation(ref);
    await this.#call('send', signal, (storedAfterMs) =>
      this.#scheduler.after(storedAfterMs, () =>
        conversation.customerSends(message.text, message.kind, message.attachments),
      ),
    );
    const m = conversation.customerSends(message.text, message.kind, message.attachments);
    return { providerMessageId: m.providerMessageId, at: m.at };
  }

  async typing(ref: ProviderRef, signal: AbortSignal): Promise<void> {
    await this.#call('typing', signal);
    this.#conversation(ref);
  }

  async end(ref: ProviderRef, signal: AbortSignal): Promise<void> {
    await this.#call('end', signal);
    this.#conversation(ref).customerLeaves();
  }

  async acknowledge(
    ref: ProviderRef,
    providerMessageId: string,
    outcome: 'delivered' | 'failed',
    signal: AbortSignal,
  ): Promise<void> {
    await this.#call('acknowledge', signal);
    this.#conversation(ref).receipts.push({ providerMessageId, outcome });
  }

  #conversation(ref: ProviderRef): ScriptedConversation {
    const id = ref.data.conversationId;
    const conversation = typeof id === 'string' ? this.#conversations.get(id) : undefined;
    if (!conversation)
      throw new ProviderError('No such conversation.', {
        code: 'scripted.not_found',
        status: 404,
        retryable: false,
      });
    return conversation;
  }

  /** Counts the call, waits its latency, then fails it if a failure is scripted. */
  async #call(
    operation: ScriptedOperation,
    signal: AbortSignal,
    goesOn?: (storedAfterMs: number) => void,
  ): Promise<void> {
    this.calls.set(operation, (this.calls.get(operation) ?? 0) + 1);
    const latency = this.#latency.get(operation) ?? 0;
    if (latency > 0) await sleep(this.#scheduler, latency, signal);
    if (signal.aborted) throw signal.reason;
    const failure = this.#failures.get(operation)?.shift();
    if (!failure) return;
    if (failure.kind === 'no-answer') {
      if (failure.storedAfterMs !== undefined) goesOn?.(failure.storedAfterMs);
      throw new ProviderError(`scripted ${operation}: no answer`, {
        code: 'scripted.timeout',
        retryable: true,
      });
    }
    throw failure.kind === 'retryable'
      ? new ProviderError(`scripted ${operation} failure`, {
          code: 'scripted.unavailable',
          status: failure.status ?? 503,
          retryable: true,
          ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
          ...(failure.status === 429 ? { notProcessed: true } : {}),
        })
      : new ProviderError(`scripted ${operation} refusal`, {
          code: failure.code ?? 'scripted.refused',
          status: failure.status ?? 400,
          retryable: false,
        });
  }
}

function readPush(body: Buffer): WebhookReading {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return { kind: 'ignored', detail: 'not JSON' };
  }
  const parsed = pushedSchema.safeParse(json);
  if (!parsed.success) return { kind: 'ignored', detail: 'not a scripted push' };
  const events = parsed.data.events.map((e): ProviderEvent => {
    const { displayName, avatarUrl, ...p } = e.participant;
    const participant = {
      ...p,
      ...(displayName === undefined ? {} : { displayName }),
      ...(avatarUrl === undefined ? {} : { avatarUrl }),
    };
    if (e.type === 'message') return { ...e, participant };
    const { durationMs, ...rest } = e;
    return { ...rest, participant, ...(durationMs === undefined ? {} : { durationMs }) };
  });
  return { kind: 'events', handoverId: parsed.data.handoverId, events };
}
