// Facts about the participants of a conversation read (§5, §4.6): who is the customer, who is an
// agent, what their state means for the core. Purposes and states are lower case on this endpoint
// and compared loosely; the ACD and the flow (`acd`, `workflow`) are routing machinery, not
// participants the bot hears about.
import type { ParticipantState } from '../../../core/ports/provider.ts';
import { findCustomer } from '../rest/conversations-api.ts';
import type { MessageConversation, Participant as GenesysParticipant } from '../wire/conversation.ts';

export type { GenesysParticipant };

export const isAgent = (p: GenesysParticipant): boolean => p.purpose.toLowerCase() === 'agent';
export const isCustomer = (p: GenesysParticipant): boolean => p.purpose.toLowerCase() === 'customer';

/**
 * The core's state of a Genesys participant state. `alerting`/`offering`/`contacting` = offered,
 * not yet answered; `disconnected`/`terminated` = gone. Anything else (e.g. `parked`, [U]) says
 * nothing the core could act on.
 */
export function stateOf(p: GenesysParticipant): ParticipantState | undefined {
  switch (p.state?.toLowerCase()) {
    case 'connected':
      return 'connected';
    case 'alerting':
    case 'offering':
    case 'contacting':
      return 'alerting';
    case 'disconnected':
    case 'terminated':
      return 'disconnected';
    default:
      return undefined;
  }
}

/** An agent who answered at some point (§4.6 W9: a reject never has `connectedTime`). */
export function everConnected(p: GenesysParticipant): boolean {
  return p.connectedTime !== undefined || stateOf(p) === 'connected';
}

/** The agent participant connected now (the last one: a transfer adds participants at the end). */
export function connectedAgent(read: MessageConversation): GenesysParticipant | undefined {
  return read.participants.findLast((p) => isAgent(p) && stateOf(p) === 'connected');
}

/** The agent who handled the chat last: connected now, else the last one who ever was. */
export function latestAgent(read: MessageConversation): GenesysParticipant | undefined {
  return connectedAgent(read) ?? read.participants.findLast((p) => isAgent(p) && everConnected(p));
}

export function customerGone(read: MessageConversation): boolean {
  const customer = findCustomer(read);
  return customer !== undefined && stateOf(customer) === 'disconnected';
}

/** The agent participant a notification is about: by participant id, else the user's latest. */
export function agentOfEvent(
  read: MessageConversation,
  event: { readonly participantId: string | undefined; readonly userId: string | undefined },
): GenesysParticipant | undefined {
  const byId = read.participants.find((p) => p.id === event.participantId);
  if (byId !== undefined) return byId;
  if (event.userId === undefined) return undefined;
  return read.participants.findLast((p) => isAgent(p) && p.user?.id === event.userId);
}

/** The earlier of two ISO times (an unreadable one loses). */
export function earlier(a: string | undefined, b: string): string {
  if (a === undefined) return b;
  const ta = Date.parse(a);
  return Number.isFinite(ta) && ta < Date.parse(b) ? a : b;
}
