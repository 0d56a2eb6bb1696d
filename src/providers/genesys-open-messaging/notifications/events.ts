// Typed conversation detail events (protocol §4.6 `UserStartEvent`, `UserEndEvent`,
// `CustomerEndEvent`, `AfterCallWorkEvent` [V P2]). Notifications are hints: order is not
// guaranteed and `user.end` also fires on an agent's reject and on a transfer (§4.6 pitfalls) —
// confirm with the conversation (`assessUserEnd`) before ending a handover.
import type { ConversationDetailKind } from './topics.ts';

interface DetailEventBase {
  readonly kind: ConversationDetailKind;
  readonly topic: string;
  readonly conversationId: string;
  /** The participant the event is about (the agent's for `user.*`, the customer's for `customer.end`). */
  readonly participantId: string | undefined;
  readonly userId: string | undefined;
  readonly queueId: string | undefined;
  /** `eventTime` as ISO. */
  readonly at: string;
  /** `eventTime`, epoch ms. */
  readonly eventTimeMs: number;
}

export interface UserStartEvent extends DetailEventBase {
  readonly kind: 'user.start';
}

export interface UserEndEvent extends DetailEventBase {
  readonly kind: 'user.end';
  /** §4.6: `CLIENT`, `TRANSFER`, `SYSTEM`, …; kept as sent. */
  readonly disconnectType: string | undefined;
  readonly interactingDurationMs: number | undefined;
}

export interface CustomerEndEvent extends DetailEventBase {
  readonly kind: 'customer.end';
  readonly disconnectType: string | undefined;
}

/** Wrap-up started. `wrapupNotes` is left out on purpose: agents' free text. */
export interface AfterCallWorkEvent extends DetailEventBase {
  readonly kind: 'acw';
  readonly wrapupCode: string | undefined;
  readonly wrapupDurationMs: number | undefined;
}

export type ConversationDetailEvent = UserStartEvent | UserEndEvent | CustomerEndEvent | AfterCallWorkEvent;
