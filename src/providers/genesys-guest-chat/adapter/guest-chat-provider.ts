// The guest-chat implementation of the core's provider port: create the chat with the routing
// settings, attach the event stream, map Genesys members and frames to neutral participants and
// events. Events carry member ids only (protocol §9.4), so each is resolved through a per-
// conversation member directory (GET member, cached) before it reaches the core — in arrival order.
import type {
  Connection,
  AttachmentHandlers,
  HandoverProvider,
  HistoryMessage,
  OutboundMessage,
  Participant,
  ParticipantRole,
  ParticipantState,
  ProviderEvent,
  ProviderRef,
  ProviderStartRequest,
  SentMessage,
} from '../../../core/ports/provider.ts';
import type { Scheduler } from '../../../core/ports/scheduler.ts';
import type { GuestCredentials, GuestSession } from '../credentials.ts';
import { GenesysAbortedError } from '../errors.ts';
import { MemberDirectory, type MemberProfile } from '../members/member-directory.ts';
import { DEFAULT_MAX_IN_FLIGHT, GuestChatRestClient } from '../rest/rest-client.ts';
import type { FetchLike } from '../rest/http-request.ts';
import { pooledRequest } from '../../../http/pooled-request.ts';
import {
  GuestChatEventStream,
  type GuestChatEventStreamOptions,
  type StreamLogger,
  type StreamStateChange,
} from '../stream/event-stream.ts';
import type { GuestChatEvent } from '../stream/events.ts';
import { MAX_MESSAGE_BODY_LENGTH } from '../wire/message.ts';
import type { MemberRole, MemberState } from '../wire/member.ts';
import type { CircuitBreaker } from './circuit-breaker.ts';
import { instrumentFetch, type CallObserver } from './instrumented-fetch.ts';
import { isAlreadyGone, toProviderError } from './map-errors.ts';
import { GUEST_CHAT_KIND, fromProviderRef, toProviderRef } from './provider-ref.ts';

export interface GuestChatProviderOptions {
  /** `https://api.<region>` or the emulator's URL. */
  readonly baseUrl: string;
  readonly organizationId: string;
  readonly deploymentId: string;
  /** REST timeout per call, ms. Default 16 000 (the official SDK's, protocol §12). */
  readonly timeoutMs?: number;
  /**
   * Timeout of a message send, ms. Default 60 000. Longer than other calls on purpose: sends go out
   * one at a time in order, so the next one waits for this outcome anyway, and a send abandoned
   * while Genesys is still processing it could reach the agent twice — the history check before a
   * re-send cannot see a message Genesys has not stored yet.
   */
  readonly sendTimeoutMs?: number;
  /** Expected heartbeat period of the event stream, ms. Default 30 000 (§9.5). */
  readonly heartbeatIntervalMs?: number;
  /** How long Genesys keeps a guest without a socket, ms. Default 120 000 (§9.7). */
  readonly disconnectGraceMs?: number;
  /** The HTTP exchange (a fetch function fits). Default: undici's `request` on a pool of `maxInFlight` connections. */
  readonly fetch?: FetchLike;
  /** Wraps the HTTP exchange, e.g. in the Genesys environment's request budget. Default: none. */
  readonly around?: (exchange: FetchLike) => FetchLike;
  /** REST requests in flight at once (each holds a connection); the others wait. Default 32. */
  readonly maxInFlight?: number;
  readonly onCall?: CallObserver;
  /** Shared by every endpoint of the same Genesys environment. */
  readonly breaker?: CircuitBreaker;
  readonly logger?: StreamLogger;
  /** Request timeouts, reconnect delays. Default: real timers. */
  readonly scheduler?: Scheduler;
  /**
   * The timers every live stream holds (heartbeat watchdog, stability mark), which may fire a little
   * late: the composition gives a TimerWheel so they cost one interval for all. Default: `scheduler`.
   */
  readonly coarseScheduler?: Scheduler;
}

const DEFAULT_SEND_TIMEOUT_MS = 60_000;

/** Where every attached chat's chain of events starts (one shared settled promise). */
const SETTLED: Promise<void> = Promise.resolve();

export class GuestChatProvider implements HandoverProvider {
  readonly kind = GUEST_CHAT_KIND;
  readonly maxMessageLength = MAX_MESSAGE_BODY_LENGTH;
  /** Guest chat carries text only (protocol §5.6): the API refuses attachments for these endpoints. */
  readonly capabilities = { attachments: false };
  /** Genesys routes the chat only once its event stream is open (protocol §1): nothing precedes it. */
  readonly quietUntilAttached = true;
  /**
   * Genesys stores a message while answering its request; one we stopped waiting for (our process
   * died, the connection broke) is done — stored or dropped — within seconds [I].
   */
  readonly sendSettleMs = 5_000;
  readonly #opts: GuestChatProviderOptions;
  readonly #client: GuestChatRestClient;
  /** Directories of attached conversations, so history and participants reuse resolved members. */
  readonly #directories = new Map<string, MemberDirectory>();
  /** The stream settings every attached chat shares: one object per provider, not one per chat. */
  readonly #streamSettings: StreamSettings;

  constructor(opts: GuestChatProviderOptions) {
    this.#opts = opts;
    this.#streamSettings = {
      heartbeatIntervalMs: opts.heartbeatIntervalMs,
      disconnectGraceMs: opts.disconnectGraceMs,
      logger: opts.logger,
      scheduler: opts.scheduler,
      coarseScheduler: opts.coarseScheduler,
    };
    const exchange: FetchLike = opts.fetch ?? pooledRequest(opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
    const baseFetch = opts.around ? opts.around(exchange) : exchange;
    const counted = opts.onCall ? instrumentFetch(baseFetch, opts.onCall) : baseFetch;
    this.#client = new GuestChatRestClient({
      baseUrl: opts.baseUrl,
      // A refused call (circuit open) surfaces as a retryable network error of the client.
      fetch: opts.breaker ? opts.breaker.wrap(counted) : counted,
      ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
      ...(opts.scheduler ? { scheduler: opts.scheduler } : {}),
      ...(opts.maxInFlight === undefined ? {} : { maxInFlight: opts.maxInFlight }),
    });
  }

  /** For /metrics: the event streams open now (one per attached conversation). */
  stats(): Readonly<Record<string, number>> {
    return { event_streams: this.#directories.size };
  }

  async start(req: ProviderStartRequest, signal: AbortSignal): Promise<ProviderRef> {
    const { customer, settings } = req;
    try {
      const session = await this.#client.createConversation(
        {
          organizationId: this.#opts.organizationId,
          deploymentId: this.#opts.deploymentId,
          routingTarget: {
            targetType: 'QUEUE',
            targetAddress: settings.queue,
            ...(settings.skills.length ? { skills: settings.skills } : {}),
            ...(settings.language === undefined ? {} : { language: settings.language }),
            ...(settings.priority === undefined ? {} : { priority: settings.priority }),
          },
          memberInfo: {
            displayName: customer.displayName,
            ...(customer.firstName === undefined ? {} : { firstName: customer.firstName }),
            ...(customer.lastName === undefined ? {} : { lastName: customer.lastName }),
            ...(customer.email === undefined ? {} : { email: customer.email }),
            ...(customer.phoneNumber === undefined ? {} : { phoneNumber: customer.phoneNumber }),
            // Custom attributes become the guest's customFields: participant data Architect can route on (§6.3).
            customFields: { ...settings.customAttributes },
          },
        },
        { signal },
      );
      return toProviderRef(session);
    } catch (err) {
      throw toProviderError(err);
    }
  }

  async attach(ref: ProviderRef, handlers: AttachmentHandlers, signal: AbortSignal): Promise<Connection> {
    const session = fromProviderRef(ref);
    const chat = new AttachedChat(this.#client, session, handlers, this.#directories, this.#streamSettings);
    this.#directories.set(session.conversationId, chat);
    // The chat is the stream's options and listener (its methods are called on it): no options
    // object and bound functions per live chat (issue 12, heap per handover).
    const stream = new GuestChatEventStream(chat);
    try {
      // The attach's signal governs the opening only (ports/provider.ts): the chat closes the stream.
      await stream.open(signal, { untilOpen: true });
    } catch (err) {
      this.#directories.delete(session.conversationId);
      throw toProviderError(err);
    }
    chat.stream = stream;
    return chat;
  }

  async *history(
    ref: ProviderRef,
    after: string | undefined,
    signal: AbortSignal,
  ): AsyncIterable<HistoryMessage> {
    const session = fromProviderRef(ref);
    const directory = this.#directory(session);
    try {
      for await (const m of this.#client.iterateMessages(
        session,
        { ...(after === undefined ? {} : { after }), sortOrder: 'ascending' },
        { signal },
      )) {
        if (m.bodyType !== 'standard' && m.bodyType !== 'notice') continue;
        const participant = await participantOf(m.sender.id, session, directory, signal);
        yield {
          providerMessageId: m.id,
          participant,
          text: m.body,
          kind: m.bodyType === 'notice' ? 'notice' : 'text',
          own: m.sender.id === session.memberId,
          at: m.timestamp,
        };
      }
    } catch (err) {
      throw toProviderError(err);
    }
  }

  async participants(
    ref: ProviderRef,
    signal: AbortSignal,
  ): Promise<{ participant: Participant; state: ParticipantState }[]> {
    const session = fromProviderRef(ref);
    const directory = this.#directory(session);
    const out: { participant: Participant; state: ParticipantState }[] = [];
    try {
      for await (const info of this.#client.iterateMembers(session, {}, { signal })) {
        const profile = directory.remember(info);
        if (profile.state)
          out.push({ participant: toParticipant(profile, session), state: toState(profile.state) });
      }
    } catch (err) {
      throw toProviderError(err);
    }
    return out;
  }

  async send(ref: ProviderRef, message: OutboundMessage, signal: AbortSignal): Promise<SentMessage> {
    const session = fromProviderRef(ref);
    try {
      const m = await this.#client.sendMessage(session, message.text, {
        bodyType: message.kind === 'notice' ? 'notice' : 'standard',
        signal,
        timeoutMs: this.#opts.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS,
      });
      return { providerMessageId: m.id, at: m.timestamp };
    } catch (err) {
      throw toProviderError(err);
    }
  }

  async typing(ref: ProviderRef, signal: AbortSignal): Promise<void> {
    try {
      await this.#client.sendTyping(fromProviderRef(ref), { signal });
    } catch (err) {
      throw toProviderError(err);
    }
  }

  async end(ref: ProviderRef, signal: AbortSignal): Promise<void> {
    try {
      await this.#client.leave(fromProviderRef(ref), { signal });
    } catch (err) {
      if (isAlreadyGone(err)) return;
      throw toProviderError(err);
    }
  }

  /** The attached conversation's directory, or a short-lived one (kept nowhere: no leak after detach). */
  #directory(session: GuestCredentials): MemberDirectory {
    return this.#directories.get(session.conversationId) ?? new MemberDirectory(this.#client, session);
  }
}

/** The provider-wide part of every chat's stream options. */
type StreamSettings = Pick<
  GuestChatEventStreamOptions,
  'heartbeatIntervalMs' | 'disconnectGraceMs' | 'logger' | 'scheduler' | 'coarseScheduler'
>;

/**
 * One attached conversation: the Connection the core holds, its stream's options and listener, and
 * its member directory. A class with prototype methods, so a live handover costs one object here
 * rather than an options object and a handful of closures; it is its own directory (it extends it)
 * rather than holding one, which saves a live chat an object (~56 B, issue 12).
 */
class AttachedChat extends MemberDirectory implements Connection, GuestChatEventStreamOptions {
  stream: GuestChatEventStream | undefined;
  /** Resolving a member is async: a promise chain keeps events (and state changes) in arrival order. */
  #chain: Promise<void> = SETTLED;
  /**
   * Aborts the member lookups in flight when the chat closes. Made for a lookup and dropped after
   * it: an idle chat holds no AbortSignal (~0.8 KiB each on Node 20, issue 12).
   */
  #lookups: AbortController | undefined;
  #lookupsInFlight = 0;
  #closed = false;

  constructor(
    client: Pick<GuestChatRestClient, 'getMember'>,
    readonly session: GuestSession,
    readonly handlers: AttachmentHandlers,
    /** The provider's directories of attached conversations: this one's is forgotten on close. */
    readonly directories: Map<string, MemberDirectory>,
    readonly settings: StreamSettings,
  ) {
    super(client, session);
  }

  // ---- The stream's options (GuestChatEventStreamOptions), read from the session and the settings.

  get eventStreamUri(): string {
    return this.session.eventStreamUri;
  }

  get guestMemberId(): string {
    return this.session.memberId;
  }

  get conversationId(): string {
    return this.session.conversationId;
  }

  get heartbeatIntervalMs(): number | undefined {
    return this.settings.heartbeatIntervalMs;
  }

  get disconnectGraceMs(): number | undefined {
    return this.settings.disconnectGraceMs;
  }

  get logger(): StreamLogger | undefined {
    return this.settings.logger;
  }

  get scheduler(): Scheduler | undefined {
    return this.settings.scheduler;
  }

  get coarseScheduler(): Scheduler | undefined {
    return this.settings.coarseScheduler;
  }

  onEvent(event: GuestChatEvent): void {
    // A heartbeat maps to nothing (the stream's watchdog has seen it): no link in the chain for it —
    // every live chat gets one every 30 s (§9.5).
    if (event.kind === 'heartbeat') return;
    this.#link(this.#chain.then(() => this.#event(event)).catch(() => undefined));
  }

  onState(change: StreamStateChange): void {
    this.#link(this.#chain.then(() => this.#state(change)).catch(() => undefined));
  }

  /**
   * Makes `link` the chain's tail, and lets go of it once it settled while still the tail: an idle
   * chat holds the shared settled promise, not one of its own (issue 12, heap per handover).
   */
  #link(link: Promise<void>): void {
    this.#chain = link;
    void link.then(() => {
      if (this.#chain === link) this.#chain = SETTLED;
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#lookups?.abort(new GenesysAbortedError('getMember'));
    this.directories.delete(this.session.conversationId);
    await this.stream?.close();
    await this.#chain;
  }

  async #event(event: GuestChatEvent): Promise<void> {
    if (this.#closed) return;
    let mapped: ProviderEvent | undefined;
    try {
      mapped = await mapEvent(event, (memberId) => this.#participant(memberId), this);
    } catch {
      // The sender could not be looked up (GET member failed). Dropping the event would lose a
      // join or a message: ask the owner to catch up instead — history and the member list
      // recover it, and de-duplication makes the overlap harmless.
      if (!this.#isClosed()) this.handlers.onState('resync', { reason: 'member lookup failed' });
      return;
    }
    // Closed while the sender was looked up: the owner is gone.
    if (mapped && !this.#isClosed()) await this.handlers.onEvent(mapped);
  }

  #isClosed(): boolean {
    return this.#closed;
  }

  /** Who a member is: known already (no I/O, no signal), or looked up under the chat's lookup signal. */
  async #participant(memberId: string): Promise<Participant> {
    const { session } = this;
    if (memberId === session.memberId) return { id: memberId, role: 'customer' };
    const known = this.peek(memberId);
    if (known) return toParticipant(known, session);
    const lookups = (this.#lookups ??= new AbortController());
    if (this.#closed) lookups.abort(new GenesysAbortedError('getMember'));
    this.#lookupsInFlight += 1;
    try {
      return toParticipant(await this.resolve(memberId, { signal: lookups.signal }), session);
    } finally {
      this.#lookupsInFlight -= 1;
      if (this.#lookupsInFlight === 0 && this.#lookups === lookups) this.#lookups = undefined;
    }
  }

  #state(change: StreamStateChange): void {
    const { handlers } = this;
    if (change.state === 'open') handlers.onState('open');
    else if (change.state === 'reconnecting')
      handlers.onState('reconnecting', { reason: change.reason ?? 'socket-closed' });
    else if (change.state === 'lost') handlers.onState('lost', { reason: change.reason ?? 'unknown' });
    else if (change.state === 'closed') handlers.onState('closed', { reason: change.reason ?? 'closed' });
  }
}

async function mapEvent(
  event: GuestChatEvent,
  participantOf: (memberId: string) => Promise<Participant>,
  directory: MemberDirectory,
): Promise<ProviderEvent | undefined> {
  switch (event.kind) {
    case 'heartbeat':
      return undefined;
    case 'message': {
      // member-join/-leave duplicate the member-change events (protocol §7.3); media requests are deprecated.
      if (event.bodyType !== 'standard' && event.bodyType !== 'notice') return undefined;
      const participant = await participantOf(event.senderId);
      return {
        type: 'message',
        providerMessageId: event.id,
        participant,
        text: event.body,
        kind: event.bodyType === 'notice' ? 'notice' : 'text',
        own: event.own,
        at: event.timestamp,
      };
    }
    case 'typing': {
      const participant = await participantOf(event.senderId);
      return { type: 'typing', participant, own: event.own, at: event.timestamp };
    }
    case 'member-change': {
      directory.noteState(event.memberId, event.state);
      const participant = await participantOf(event.memberId);
      return { type: 'participant', participant, state: toState(event.state), at: event.timestamp };
    }
  }
}

async function participantOf(
  memberId: string,
  session: GuestCredentials,
  directory: MemberDirectory,
  signal: AbortSignal,
): Promise<Participant> {
  if (memberId === session.memberId) return { id: memberId, role: 'customer' };
  const profile = await directory.resolve(memberId, { signal });
  return toParticipant(profile, session);
}

const ROLE: Record<MemberRole, ParticipantRole> = {
  AGENT: 'agent',
  CUSTOMER: 'customer',
  WORKFLOW: 'system',
  ACD: 'system',
};

function toParticipant(profile: MemberProfile, session: GuestCredentials): Participant {
  return {
    id: profile.id,
    role: profile.id === session.memberId ? 'customer' : ROLE[profile.role],
    ...(profile.displayName ? { displayName: profile.displayName } : {}),
    ...(profile.avatarImageUrl ? { avatarUrl: profile.avatarImageUrl } : {}),
  };
}

function toState(state: MemberState): ParticipantState {
  return state === 'ALERTING' ? 'alerting' : state === 'CONNECTED' ? 'connected' : 'disconnected';
}
