// The provider port: how the core talks to a contact center. Guest chat implements it today; Open
// Messaging will implement it beside it. Everything here is provider-neutral.
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
  /** The endpoint's provider settings, already validated by the config layer. */
  readonly endpointId: string;
  readonly customer: Customer;
  readonly settings: RoutingSettings;
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
      readonly text: string;
      /** 'notice' = a system-ish text from a member (protocol §7.3). */
      readonly kind: 'text' | 'notice';
      /** Our own message echoed back by the provider (never delivered to the bot). */
      readonly own: boolean;
      readonly at: string;
    }
  | {
      readonly type: 'typing';
      readonly participant: Participant;
      readonly own: boolean;
      readonly at: string;
    };

/**
 * Connection states of a live attachment, for backfill and for ending a handover whose stream is
 * gone. `resync`: the stream is up but an event could not be read (e.g. its sender could not be
 * looked up): catch up as after a reconnect, so nothing is lost.
 */
export type AttachmentState = 'open' | 'resync' | 'reconnecting' | 'lost' | 'closed';

export interface AttachmentHandlers {
  /** Called in arrival order; the caller serialises processing per handover. */
  onEvent(event: ProviderEvent): void;
  /** `open` after every (re)connect and `resync`: the caller backfills history from its cursor then. `lost` is final. */
  onState(state: AttachmentState, detail?: { reason?: string }): void;
}

export interface Attachment {
  close(): Promise<void>;
}

export interface SentMessage {
  readonly providerMessageId: string;
  readonly at: string;
}

export interface HistoryMessage {
  readonly providerMessageId: string;
  readonly participant: Participant;
  readonly text: string;
  readonly kind: 'text' | 'notice';
  readonly own: boolean;
  readonly at: string;
}

export interface HandoverProvider {
  readonly kind: string;
  /** Create the conversation at the provider. The result is persisted before anything else happens. */
  start(req: ProviderStartRequest, signal: AbortSignal): Promise<ProviderRef>;
  /** Open the live event stream; resolves once it is open the first time. Reconnects by itself. */
  attach(ref: ProviderRef, handlers: AttachmentHandlers, signal: AbortSignal): Promise<Attachment>;
  /** Messages after the given provider message id (all of them when undefined), oldest first. */
  history(ref: ProviderRef, after: string | undefined, signal: AbortSignal): AsyncIterable<HistoryMessage>;
  /** Every participant with its current state: re-read after a reconnect so nothing is missed. */
  participants(
    ref: ProviderRef,
    signal: AbortSignal,
  ): Promise<{ participant: Participant; state: ParticipantState }[]>;
  send(ref: ProviderRef, text: string, kind: 'text' | 'notice', signal: AbortSignal): Promise<SentMessage>;
  typing(ref: ProviderRef, signal: AbortSignal): Promise<void>;
  /** The customer leaves the conversation. */
  end(ref: ProviderRef, signal: AbortSignal): Promise<void>;
  /** Largest text one message may carry (guest chat: 4,000 characters, protocol §6.9). */
  readonly maxMessageLength: number;
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
