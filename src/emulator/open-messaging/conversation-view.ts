// The platform view of an Open Messaging conversation (OM doc §5): `MessageConversation` with one
// `MessageMediaParticipant` per member — purpose, state, disconnectType, user, queue,
// conversationRoutingData, attributes (the custom attributes, §6) and the participant's messages.
import type { ChatMessage, Conversation, Member, MemberRole } from '../model.ts';
import { participantDisconnectType } from '../platform/disconnect-types.ts';
import { languageId, queueId, skillId, userIdOfAgent } from '../platform/ids.ts';
import { EMULATOR_DIVISION_ID } from '../platform/organization.ts';
import type { ParticipantDisconnectType } from './options.ts';

const PURPOSE: Readonly<Record<MemberRole, string>> = {
  CUSTOMER: 'customer',
  AGENT: 'agent',
  ACD: 'acd',
  WORKFLOW: 'workflow',
};

/** After-call work of an agent participant (§4.6 `acw`), known to the notifications side. */
export interface AcwTimes {
  readonly startAcwTime: string;
  readonly endAcwTime?: string;
}

export interface ViewContext {
  readonly rejectDisconnectType: ParticipantDisconnectType;
  readonly acwOf: (participantId: string) => AcwTimes | undefined;
}

export const messageConversationPath = (conversationId: string): string =>
  `/api/v2/conversations/messages/${conversationId}`;

/** §6: `conversationRoutingData {queue{id}, language{id}, priority, skills[{id}], scoredAgents[]}`. */
export function routingDataView(conversation: Conversation): Record<string, unknown> {
  const { routing } = conversation;
  const queue = queueId(routing.queue);
  return {
    queue: { id: queue, selfUri: `/api/v2/routing/queues/${queue}` },
    ...(routing.language !== undefined
      ? {
          language: {
            id: languageId(routing.language),
            selfUri: `/api/v2/routing/languages/${languageId(routing.language)}`,
          },
        }
      : {}),
    priority: routing.priority,
    skills: routing.skills.map((s) => ({ id: skillId(s), selfUri: `/api/v2/routing/skills/${skillId(s)}` })),
    scoredAgents: [],
  };
}

/**
 * SDK `MessageDetails.messageStatus` / `MessageData.status`: the customer's messages were received;
 * agent and flow messages are sent until a receipt (§3.3) says delivered or failed.
 */
export function messageStatus(member: Member, message: ChatMessage): string {
  if (member.role === 'CUSTOMER') return 'received';
  if (message.delivery?.status === 'Delivered') return 'delivery-success';
  if (message.delivery?.status === 'Failed') return 'delivery-failed';
  return 'sent';
}

/** What a participant's `messages[]` and the message reads list: texts, not joins or leaves. */
export function isListedMessage(message: ChatMessage): boolean {
  return message.bodyType === 'standard' || message.bodyType === 'notice';
}

/** SDK `MessageDetails`: what the participant sent, with the delivery state of agent/bot messages. */
function messageDetails(member: Member, message: ChatMessage): Record<string, unknown> {
  const status = messageStatus(member, message);
  const failure = message.delivery?.status === 'Failed' ? message.delivery.reasons?.[0] : undefined;
  return {
    messageId: message.id,
    messageTime: message.timestamp,
    messageStatus: status,
    messageSegmentCount: 1,
    ...(message.attachments !== undefined
      ? {
          media: message.attachments.map((a) => ({
            id: a.id,
            url: a.url,
            mediaType: a.mime,
            ...(a.contentSizeBytes !== undefined ? { contentLengthBytes: a.contentSizeBytes } : {}),
            ...(a.filename !== undefined ? { name: a.filename } : {}),
          })),
        }
      : {}),
    ...(failure !== undefined
      ? { errorInfo: { message: failure.message, code: failure.code ?? 'GeneralError', status: 400 } }
      : {}),
  };
}

export function participantView(
  conversation: Conversation,
  member: Member,
  ctx: ViewContext,
): Record<string, unknown> {
  const isAgent = member.role === 'AGENT';
  const routed = member.role === 'ACD' || isAgent;
  const queue = queueId(conversation.routing.queue);
  const acw = isAgent ? ctx.acwOf(member.id) : undefined;
  const address = member.role === 'CUSTOMER' ? member.address : undefined;
  return {
    id: member.id,
    ...(member.displayName !== undefined ? { name: member.displayName } : {}),
    ...(address !== undefined ? { address } : {}),
    startTime: member.joinDate,
    ...(isAgent ? { startAlertingTime: member.joinDate } : {}),
    ...(member.connectedDate !== undefined ? { connectedTime: member.connectedDate } : {}),
    ...(member.leaveDate !== undefined ? { endTime: member.leaveDate } : {}),
    purpose: PURPOSE[member.role],
    state: member.state.toLowerCase(),
    direction: 'inbound',
    ...(member.disconnectCause !== undefined
      ? { disconnectType: participantDisconnectType(member.disconnectCause, ctx.rejectDisconnectType) }
      : {}),
    held: false,
    wrapupRequired: isAgent && member.connectedDate !== undefined,
    ...(isAgent && member.agentKey !== undefined
      ? {
          user: {
            id: userIdOfAgent(member.agentKey),
            ...(member.displayName !== undefined ? { name: member.displayName } : {}),
            selfUri: `/api/v2/users/${userIdOfAgent(member.agentKey)}`,
          },
        }
      : {}),
    ...(routed
      ? { queue: { id: queue, name: conversation.routing.queue, selfUri: `/api/v2/routing/queues/${queue}` } }
      : {}),
    attributes: { ...member.customFields },
    provider: 'PureCloud Messaging',
    ...(routed ? { conversationRoutingData: routingDataView(conversation) } : {}),
    ...(acw !== undefined ? acw : {}),
    ...(address !== undefined
      ? {
          fromAddress: { addressNormalized: address, addressRaw: address, addressDisplayable: address },
          toAddress: {
            addressNormalized: conversation.integrationId,
            addressRaw: conversation.integrationId,
          },
        }
      : {}),
    messages: conversation.messages
      .filter((m) => m.senderId === member.id && isListedMessage(m))
      .map((m) => messageDetails(member, m)),
    // The messaging type of an Open Messaging participant (lower case like sms, webmessaging…) [I].
    type: 'open',
  };
}

/** SDK `MessageConversation`. */
export function messageConversationView(
  conversation: Conversation,
  ctx: ViewContext,
): Record<string, unknown> {
  return {
    id: conversation.id,
    participants: conversation.members.map((m) => participantView(conversation, m, ctx)),
    otherMediaUris: [],
    divisions: [
      {
        division: {
          id: EMULATOR_DIVISION_ID,
          selfUri: `/api/v2/authorization/divisions/${EMULATOR_DIVISION_ID}`,
        },
        entities: [],
      },
    ],
    selfUri: messageConversationPath(conversation.id),
  };
}
