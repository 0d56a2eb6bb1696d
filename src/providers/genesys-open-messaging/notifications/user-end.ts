// The `user.end` pitfall (protocol §4.6, W9): the event fires when an agent ends the chat — and also
// when an agent rejects it, does not answer, or is transferred away (requeue/transfer), and event
// order is not guaranteed. A handover must not end on the event alone: read the conversation (the
// truth, design §8) and classify what the event meant.
import type { MessageConversation, Participant } from '../wire/conversation.ts';
import type { UserEndEvent } from './events.ts';
import { findCustomer } from '../rest/conversations-api.ts';

/** §4.6 disconnect types that mean "moved elsewhere", not "ended". */
export const TRANSFER_DISCONNECT_TYPES: ReadonlySet<string> = new Set([
  'TRANSFER',
  'CONFERENCE_TRANSFER',
  'CONSULT_TRANSFER',
  'FORWARD_TRANSFER',
  'NO_ANSWER_TRANSFER',
  'NOT_AVAILABLE_TRANSFER',
  'DND_TRANSFER',
]);

export function isTransferDisconnect(disconnectType: string | undefined): boolean {
  return disconnectType !== undefined && TRANSFER_DISCONNECT_TYPES.has(disconnectType.toUpperCase());
}

export type UserEndOutcome =
  /** The agent had been connected, left, and nobody took over: the agent ended the chat. */
  | 'agent-ended'
  /** The agent had been connected and another agent/queue has it now (or the disconnect type says transfer). */
  | 'transferred'
  /** The agent never connected (reject, no answer, requeue): the chat is still waiting for an agent. */
  | 'rejected'
  /** The customer participant is gone: the conversation is over whatever the agent did. */
  | 'conversation-ended'
  /** The participant is still active in the read: the read lags the event — read again shortly. */
  | 'still-active'
  /** The event's participant is not in the conversation. */
  | 'unknown-participant';

export interface UserEndAssessment {
  readonly outcome: UserEndOutcome;
  /** The agent participant the event is about, when found. */
  readonly participant: Participant | undefined;
}

const GONE = new Set(['disconnected', 'terminated']);
const ROUTING_PURPOSES = new Set(['agent', 'acd', 'user']);

const isGone = (p: Participant): boolean => p.state !== undefined && GONE.has(p.state.toLowerCase());

export function assessUserEnd(event: UserEndEvent, conversation: MessageConversation): UserEndAssessment {
  const customer = findCustomer(conversation);
  const participant =
    conversation.participants.find((p) => p.id === event.participantId) ??
    (event.userId === undefined
      ? undefined
      : conversation.participants.findLast(
          (p) => p.user?.id === event.userId && p.purpose.toLowerCase() === 'agent',
        ));
  if (customer !== undefined && isGone(customer)) return { outcome: 'conversation-ended', participant };
  if (participant === undefined) return { outcome: 'unknown-participant', participant };
  if (!isGone(participant)) return { outcome: 'still-active', participant };

  const someoneElse = conversation.participants.some(
    (p) => p !== participant && ROUTING_PURPOSES.has(p.purpose.toLowerCase()) && !isGone(p),
  );
  const wasConnected = participant.connectedTime !== undefined;
  if (!wasConnected) return { outcome: 'rejected', participant };
  if (someoneElse || isTransferDisconnect(event.disconnectType ?? participant.disconnectType)) {
    return { outcome: 'transferred', participant };
  }
  return { outcome: 'agent-ended', participant };
}
