// Bodies of the conversation detail events (OM doc §4.6, SDK `UserStartEvent`, `UserEndEvent`,
// `CustomerStartEvent`, `CustomerEndEvent`, `AcdStartEvent`, `AcdEndEvent`, `AfterCallWorkEvent`):
// epoch-ms `eventTime`, `mediaType:"MESSAGE"`, `messageType:"OPEN"`, upper-case `disconnectType`.
import { customerOf, type Conversation, type Member } from '../model.ts';
import { nameBasedId, queueId, userIdOfAgent } from '../platform/ids.ts';
import { EMULATOR_DIVISION_ID } from '../platform/organization.ts';

const ms = (iso: string | undefined): number | undefined => (iso === undefined ? undefined : Date.parse(iso));

function base(conversation: Conversation, member: Member): Record<string, unknown> {
  const address = customerOf(conversation).address ?? '';
  const integration = conversation.integrationId ?? '';
  return {
    eventTime: Date.now(),
    conversationId: conversation.id,
    participantId: member.id,
    // One communication (session) per participant in the emulator.
    sessionId: nameBasedId('session', member.id),
    mediaType: 'MESSAGE',
    provider: 'PureCloud Messaging',
    direction: 'INBOUND',
    ani: address,
    dnis: integration,
    addressFrom: address,
    addressTo: integration,
    messageType: 'OPEN',
    divisionId: EMULATOR_DIVISION_ID,
    conversationExternalContactIds: [],
    conversationExternalOrganizationIds: [],
  };
}

/** user.* and acw events name the agent and its queue. */
function agentFields(conversation: Conversation, agent: Member): Record<string, unknown> {
  return {
    ...(agent.agentKey !== undefined ? { userId: userIdOfAgent(agent.agentKey) } : {}),
    queueId: queueId(conversation.routing.queue),
  };
}

/** How long the member alerted and interacted (ms), for the end events. */
function durations(member: Member): Record<string, number> {
  const join = ms(member.joinDate) ?? Date.now();
  const connected = ms(member.connectedDate);
  const left = ms(member.leaveDate) ?? Date.now();
  return {
    alertingDurationMs: Math.max(0, (connected ?? left) - join),
    interactingDurationMs: connected === undefined ? 0 : Math.max(0, left - connected),
    heldDurationMs: 0,
    contactingDurationMs: 0,
    dialingDurationMs: 0,
  };
}

export function userStartEvent(conversation: Conversation, agent: Member): Record<string, unknown> {
  return { ...base(conversation, agent), ...agentFields(conversation, agent) };
}

export function userEndEvent(
  conversation: Conversation,
  agent: Member,
  disconnectType: string,
): Record<string, unknown> {
  return {
    ...base(conversation, agent),
    ...agentFields(conversation, agent),
    disconnectType,
    ...durations(agent),
  };
}

export function customerStartEvent(conversation: Conversation, customer: Member): Record<string, unknown> {
  return {
    ...base(conversation, customer),
    externalContactId: nameBasedId('external-contact', customer.address ?? customer.id),
  };
}

export function customerEndEvent(
  conversation: Conversation,
  customer: Member,
  disconnectType: string,
): Record<string, unknown> {
  return {
    ...customerStartEvent(conversation, customer),
    disconnectType,
    ...durations(customer),
  };
}

export function acdStartEvent(conversation: Conversation, acd: Member): Record<string, unknown> {
  return { ...base(conversation, acd), queueId: queueId(conversation.routing.queue) };
}

/** `acdOutcome`: ANSWERED when an agent took the chat, ABANDON when the customer left the queue. */
export function acdEndEvent(
  conversation: Conversation,
  acd: Member,
  disconnectType: string,
): Record<string, unknown> {
  return {
    ...acdStartEvent(conversation, acd),
    disconnectType,
    acdOutcome: acd.disconnectCause === 'routed' ? 'ANSWERED' : 'ABANDON',
  };
}

export function afterCallWorkEvent(
  conversation: Conversation,
  agent: Member,
  wrapupDurationMs: number,
): Record<string, unknown> {
  return {
    ...base(conversation, agent),
    ...agentFields(conversation, agent),
    wrapupCode: nameBasedId('wrapup-code', 'Default Wrap-up Code'),
    wrapupNotes: '',
    wrapupDurationMs,
  };
}
