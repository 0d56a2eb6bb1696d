// The `user.end` pitfall (protocol §4.6, W9): the event fires when an agent ends the chat — and also
// when an agent rejects it, does not answer, or is transferred away (requeue/transfer), and event
// order is not guaranteed. A handover must not end on the event alone: read the conversation (the
// truth, design §8) and classify what the event meant.
import type { MessageConversation, Participant } from '../wire/conversation.ts';
import type { UserEndEvent } from './events.ts';
import { findCustomer } from '../rest/conversations-api.ts';

/**
 * Every "moved elsewhere" disconnect type, in both of Genesys' spellings: detail events say
 * `TRANSFER`, `NO_ANSWER_TRANSFER`, `DND_TRANSFER`… (§4.6); conversation participants say
 * `transfer`, `transfer.noanswer`, `transfer.consult`… (SDK `MessageMediaParticipant`).
 */
export function isTransferDisconnect(disconnectType: string | undefined): boolean {
  return disconnectType !== undefined && /transfer/i.test(disconnectType);
}

/** `PEER` / `peer`: the other side left, this participant was let go. */
function isPeerDisconnect(disconnectType: string | undefined): boolean {
  return disconnectType?.toLowerCase() === 'peer';
}

export type UserEndOutcome =
  /** The agent had been connected and left on its own: the agent ended the chat. */
  | 'agent-ended'
  /** The agent had been connected and another agent/queue has it now (or the disconnect type says transfer). */
  | 'transferred'
  /** The agent never connected (reject, no answer, requeue): the chat is still waiting for an agent. */
  | 'rejected'
  /** The customer side ended the conversation (the bot's PATCH, §5) and the agent was let go. */
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
  const customerGone = customer !== undefined && isGone(customer);
  const participant =
    conversation.participants.find((p) => p.id === event.participantId) ??
    (event.userId === undefined
      ? undefined
      : conversation.participants.findLast(
          (p) => p.user?.id === event.userId && p.purpose.toLowerCase() === 'agent',
        ));
  const verdict = (outcome: UserEndOutcome): UserEndAssessment => ({ outcome, participant });
  if (participant === undefined) return verdict(customerGone ? 'conversation-ended' : 'unknown-participant');
  if (!isGone(participant)) return verdict(customerGone ? 'conversation-ended' : 'still-active');

  const disconnectType = event.disconnectType ?? participant.disconnectType;
  // §4.6 W9: a reject says CLIENT like a real end; only "never connected" tells them apart.
  if (participant.connectedTime === undefined)
    return verdict(customerGone ? 'conversation-ended' : 'rejected');
  const someoneElse = conversation.participants.some(
    (p) => p !== participant && ROUTING_PURPOSES.has(p.purpose.toLowerCase()) && !isGone(p),
  );
  if (isTransferDisconnect(disconnectType) || (someoneElse && !customerGone)) return verdict('transferred');
  // When the agent leaves, Genesys ends a messaging conversation for the customer too (§3.5):
  // a gone customer alone does not say who ended it; the agent's own disconnect type does.
  if (customerGone && isPeerDisconnect(disconnectType)) return verdict('conversation-ended');
  return verdict('agent-ended');
}
