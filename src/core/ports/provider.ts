// The provider port: how the core talks to a contact center. Guest chat (a live event stream with a
// readable history) and Open Messaging (events pushed to the gateway's webhook route, participants
// from a notifications socket) implement it side by side. Everything here is provider-neutral.
import type { Attachment } from '../model/attachment.ts';
import type { Customer, RoutingSettings } from '../model/handover.ts';

/**
 * Opaque, persistable handle on a provider conversation. It holds credentials (for guest chat: the
 * JWT), so it is a secret: never logged, never returned by the API. `kind` names the provider.
 */
export interface ProviderRef {
  readonly kind: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface ProviderStartRequest {
  /**
   * The handover the conversation is for: a provider keys the conversation on it where it must
   * (Open Messaging: one customer id per handover, so a new handover never joins an old chat, §3.5).
   */
  readonly handoverId: string;
  /** The endpoint's provider settings, already validated by the config layer. */
  readonly endpointId: string;
  readonly customer: Customer;
  readonly settings: RoutingSettings;
  /** When the bot asked for the handover: stable across retries of `start`. */
  readonly requestedAt: string;
}

export type ParticipantRole = 'customer' | 'agent' | 'system';

export interface Participant {
  readonly id: string;
  readonly role: ParticipantRole;
  readonly displayName?: string;
  readonly avatarUrl?: string;
}

export type ParticipantState = 'alerting' | 'connected' | 'disconnected';

export type ProviderEvent =
  | {
      readonly type: 'participant';
      readonly participant: Participant;
      readonly state: ParticipantState;
      readonly at: string;
    }
  | {
      readonly type: 'message';
      readonly providerMessageId: string;
      readonly participant: Participant;
      /** May be empty when the message is attachments only. */
      readonly text: string;
      /** 'notice' = a system-ish text from a member (protocol §7.3). */
      readonly kind: 'text' | 'notice';
      /** Our own message echoed back by the provider (never delivered to the bot). */
      readonly own: boolean;
      readonly at: string;
      readonly attachments?: readonly Attachment[];
      /**
       * Pushed messages (they arrive in no guaranteed order, Open Messaging §4.5): the provider's
       * message just before this one that is not ours, when the provider could tell — given with the
       * event, or named later by `ProviderWebhook.place`. The core commits a live message only after
       * that one; when it is missing, the message waits for a catch-up (a gap: the call that carried
       * the other one is late, or was lost).
       */
      readonly follows?: string;
    }
  | {
      readonly type: 'typing';
      readonly participant: Participant;
      readonly own: boolean;
      readonly at: string;
      /** How long the hint holds, when the provider says (Open Messaging §4.2); else a default. */
      readonly durationMs?: number;
    };

/**
 * Connection states of a live attachment, for backfill and for ending a handover whose stream is
 * gone. `resync`: the stream is up but an event could not be read (e.g. its sender could not be
 * looked up): catch up as after a reconnect, so nothing is lost.
 */
export type AttachmentState = 'open' | 'resync' | 'reconnecting' | 'lost' | 'closed';

export interface AttachmentHandlers {
  /**
   * Called in arrival order; the caller serialises processing per handover. The promise settles once
   * the event is committed (or deliberately dropped, like stale typing): a provider that must
   * acknowledge what it received may wait for it.
   */
  onEvent(event: ProviderEvent): Promise<void>;
  /** `open` after every (re)connect and `resync`: the caller backfills history from its cursor then. `lost` is final. */
  onState(state: AttachmentState, detail?: { reason?: string }): void;
}

/** A live connection to a provider conversation (what `attach` returns). */
export interface Connection {
  close(): Promise<void>;
}

export interface SentMessage {
  readonly providerMessageId: string;
  readonly at: string;
}

export interface HistoryMessage {
  readonly providerMessageId: string;
  readonly participant: Participant;
  /** May be empty when the message is attachments only. */
  readonly text: string;
  readonly kind: 'text' | 'notice';
  readonly own: boolean;
  readonly at: string;
  readonly attachments?: readonly Attachment[];
}

/** What `send` takes: one outbound line. */
export interface OutboundMessage {
  /** Our line id: stable across retries, so a provider can use it as its message id. */
  readonly id: string;
  /** May be empty when the message is attachments only. */
  readonly text: string;
  readonly kind: 'text' | 'notice';
  /** When the customer wrote it: stable across retries (Open Messaging keys a message on id + time, §3.5). */
  readonly at: string;
  readonly attachments?: readonly Attachment[];
}

/** What a provider can do beyond the basics; the API answers a clear 4xx for what it cannot. */
export interface ProviderCapabilities {
  /** The bot may send attachments (by URL) to the agent. */
  readonly attachments: boolean;
}

/**
 * One call to the gateway's webhook route for this provider, read. `refused`: answer the status
 * (a bad signature: 401). `ignored`: answer 200 and change nothing (garbage, receipts, a
 * conversation that is not ours — any other answer would make the provider retry or fail the chat).
 * `events`: what the call carries for a handover, in order; the route answers 2xx only once they
 * are committed (so a crash before the commit makes the provider deliver again).
 */
export type WebhookReading =
  | { readonly kind: 'refused'; readonly status: number; readonly code: string; readonly detail: string }
  | { readonly kind: 'ignored'; readonly detail: string }
  | { readonly kind: 'events'; readonly handoverId: string; readonly events: readonly ProviderEvent[] }
  /**
   * A call for this handover that could not be read now: a provider call the read needed failed,
   * or the read was cut short (`code`: the failure's, for the logs). Answered so that the provider
   * delivers it again; the core also owes the handover a read (`ProviderWebhook.redeliveryMs`).
   */
  | {
      readonly kind: 'unread';
      readonly handoverId: string;
      readonly providerMessageIds: readonly string[];
      readonly code: string;
    };

/**
 * A provider whose events are pushed to the gateway over HTTP (Open Messaging's outbound webhook,
 * §4.5): at least once, in no guaranteed order. Every pushed message must also be readable in
 * `history` — that is how a catch-up finds what a push could not deliver (the gateway was down).
 */
export interface ProviderWebhook {
  /**
   * Verifies (signature on the raw bytes) and reads one call. Never rejects for bad input; may call
   * the provider (e.g. to name the agent who wrote) — when such a call fails for a call whose
   * handover is known, `unread`; otherwise it rejects.
   */
  read(
    rawBody: Buffer,
    headers: Readonly<Record<string, string | readonly string[] | undefined>>,
    signal: AbortSignal,
  ): Promise<WebhookReading>;
  /**
   * How long the core holds this provider's events (pushed and attached) before committing them in
   * provider-time order (`at`), ms: the disorder it repairs. 0 commits in arrival order.
   */
  readonly reorderWindowMs: number;
  /**
   * How long the provider goes on delivering a call the gateway did not answer 2xx, ms. A message
   * whose every delivery failed is found only by a catch-up, and nothing may call for one (no later
   * message shows the gap): a session that refused a push catches up once this has passed, unless
   * the message was committed meanwhile. Absent: it does not.
   */
  readonly redeliveryMs?: number;
  /**
   * Names the message before each of these pushed messages at the provider (their `follows`), for
   * all of them at once. The core asks when they leave the reorder window, so the messages of one
   * handover released together share one provider read — a burst costs one, not one each. Ids it
   * cannot place are left out (committed unchecked); rejects for a passing failure (the core reads
   * the gap by a catch-up instead). Absent: pushed messages carry `follows` themselves, or none.
   */
  place?(
    ref: ProviderRef,
    providerMessageIds: readonly string[],
    signal: AbortSignal,
  ): Promise<ReadonlyMap<string, string>>;
}

export interface HandoverProvider {
  readonly kind: string;
  readonly capabilities: ProviderCapabilities;
  /** Present when events arrive on the gateway's webhook route (not only on the attachment). */
  readonly webhook?: ProviderWebhook;
  /** Create the conversation at the provider. The result is persisted before anything else happens. */
  start(req: ProviderStartRequest, signal: AbortSignal): Promise<ProviderRef>;
  /**
   * Open the live event stream; resolves once it is open the first time. Reconnects by itself.
   * `signal` aborts the attach only: once it resolved, the connection lives until `close()`.
   */
  attach(ref: ProviderRef, handlers: AttachmentHandlers, signal: AbortSignal): Promise<Connection>;
  /** Messages after the given provider message id (all of them when undefined), oldest first. */
  history(ref: ProviderRef, after: string | undefined, signal: AbortSignal): AsyncIterable<HistoryMessage>;
  /** Every participant with its current state: re-read after a reconnect so nothing is missed. */
  participants(
    ref: ProviderRef,
    signal: AbortSignal,
  ): Promise<{ participant: Participant; state: ParticipantState }[]>;
  send(ref: ProviderRef, message: OutboundMessage, signal: AbortSignal): Promise<SentMessage>;
  typing(ref: ProviderRef, signal: AbortSignal): Promise<void>;
  /** The customer leaves the conversation. */
  end(ref: ProviderRef, signal: AbortSignal): Promise<void>;
  /**
   * Tells the provider an agent message reached the bot (`delivered`) or never will (`failed`, dead
   * letter). Optional: providers without delivery receipts leave it out (Open Messaging §3.3).
   */
  acknowledge?(
    ref: ProviderRef,
    providerMessageId: string,
    outcome: 'delivered' | 'failed',
    signal: AbortSignal,
  ): Promise<void>;
  /**
   * A start-up check of the provider's settings (credentials, the integration). Rejects with an
   * error whose message says in plain words what is wrong — `/readyz` shows it, so no secrets.
   * Optional.
   */
  check?(signal: AbortSignal): Promise<void>;
  /** Numbers for `/metrics` (e.g. notification channels, topics, token refreshes). Optional. */
  stats?(): Readonly<Record<string, number>>;
  /** Releases what the provider holds across conversations (sockets, timers). Optional. */
  close?(): Promise<void>;
  /** Largest text one message may carry (guest chat: 4,000 characters, protocol §6.9). */
  readonly maxMessageLength: number;
  /**
   * Nothing happens in a conversation between its creation and its first attachment (guest chat:
   * Genesys routes the chat only once the event stream is open, protocol §1): the first open of a
   * conversation this process just created needs no catch-up. Default false.
   */
  readonly quietUntilAttached?: boolean;
  /**
   * How long after it started a send that got no answer may still land at the provider, ms. Until
   * then, a miss in the history is read again before the message is sent again (so a message the
   * provider stores late does not go out twice).
   */
  readonly sendSettleMs: number;
}

/** A failure the provider reports, classified so the core can retry or give up. */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly details: {
      /** Provider's own error code, e.g. `chat.error.invalid.queue`. */
      readonly code: string;
      readonly status?: number;
      /** Retrying the same call may succeed (429, 5xx, network). */
      readonly retryable: boolean;
      readonly retryAfterMs?: number;
      /**
       * The call never reached the provider (refused locally, e.g. by an open circuit breaker), or
       * the provider refused it before doing anything (a 429): its outcome is certain — nothing
       * happened — so a send need not be looked for in the history before it is retried.
       */
      readonly notProcessed?: boolean;
      /**
       * The provider refused because the conversation is over on its side (the agent or the system
       * ended it): its end events are on their way, so the core reads them — for as long as the reads
       * take — rather than ending the handover `provider_error` (docs/reliability.md).
       */
      readonly conversationOver?: boolean;
      readonly cause?: unknown;
    },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ProviderError';
  }
  get code(): string {
    return this.details.code;
  }
  get retryable(): boolean {
    return this.details.retryable;
  }
}
