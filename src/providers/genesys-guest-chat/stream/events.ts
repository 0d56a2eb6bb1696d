// Typed events emitted by the event stream: the wire frames of protocol §9, flattened, with an
// `own` flag telling whether the guest this stream was opened for caused the event (the guest's
// own messages and typing are echoed back, §9.2, §9.3).
import type { MessageBodyType } from '../wire/message.ts';
import type { MemberState } from '../wire/member.ts';

export interface MessageEvent {
  readonly kind: 'message';
  /** Genesys message id: stable, use it to dedupe against history backfill (§5.5). */
  readonly id: string;
  readonly conversationId: string;
  readonly senderId: string;
  readonly body: string;
  readonly bodyType: MessageBodyType;
  /** ISO-8601 UTC with milliseconds (§4), as sent. */
  readonly timestamp: string;
  readonly correlationId: string | undefined;
  /** True when `senderId` is the guest member the stream was opened for (an echo). */
  readonly own: boolean;
}

export interface TypingEvent {
  readonly kind: 'typing';
  /** Event id, "useful to guard against event re-delivery" (§6.10). */
  readonly id: string;
  readonly conversationId: string;
  readonly senderId: string;
  readonly timestamp: string;
  readonly correlationId: string | undefined;
  readonly own: boolean;
}

export interface MemberChangeEvent {
  readonly kind: 'member-change';
  readonly conversationId: string;
  readonly memberId: string;
  readonly state: MemberState;
  readonly timestamp: string;
  readonly correlationId: string | undefined;
  /** True when the member is the guest itself. Duplicates with unchanged state happen (§7.2). */
  readonly own: boolean;
}

export interface HeartbeatEvent {
  readonly kind: 'heartbeat';
}

export type GuestChatEvent = MessageEvent | TypingEvent | MemberChangeEvent | HeartbeatEvent;

/** Why a frame produced no event. */
export type IgnoredFrameReason =
  /** Not valid JSON (or not a text frame). */
  | 'invalid-json'
  /** Valid JSON, but not a frame kind this client knows (new topic, pong, ...). */
  | 'unknown-kind'
  /** A known kind whose body does not match the protocol. */
  | 'schema-mismatch'
  /** A conversation event for a conversation other than the stream's. */
  | 'foreign-conversation';

export type FrameParseResult =
  | { readonly ok: true; readonly event: GuestChatEvent }
  | { readonly ok: false; readonly reason: IgnoredFrameReason };
