// JSON projections of the model: the guest API's wire models (§6.5, §6.7, §6.10, §6.13) and the
// emulator agent API's richer views. Optional fields are omitted, never null.
import type { TypingEvent } from './chat-service.ts';
import type { ChatMessage, Conversation, MediaRequest, Member } from './model.ts';
import type { Router } from './routing.ts';

const conversationRef = (conversationId: string) => ({
  id: conversationId,
  // §5.6 captured response: conversation.selfUri points at the *platform* conversation path.
  selfUri: `/api/v2/conversations/${conversationId}`,
});

/** §6.5 WebChatMemberInfo. */
export function memberInfo(member: Member): Record<string, unknown> {
  return {
    id: member.id,
    ...(member.displayName !== undefined ? { displayName: member.displayName } : {}),
    ...(member.firstName !== undefined ? { firstName: member.firstName } : {}),
    ...(member.lastName !== undefined ? { lastName: member.lastName } : {}),
    ...(member.email !== undefined ? { email: member.email } : {}),
    ...(member.phoneNumber !== undefined ? { phoneNumber: member.phoneNumber } : {}),
    ...(member.avatarImageUrl !== undefined ? { avatarImageUrl: member.avatarImageUrl } : {}),
    role: member.role,
    joinDate: member.joinDate,
    ...(member.leaveDate !== undefined ? { leaveDate: member.leaveDate } : {}),
    ...(member.role === 'CUSTOMER' ? { authenticatedGuest: member.authenticatedGuest ?? false } : {}),
    ...(member.customFields !== undefined ? { customFields: member.customFields } : {}),
    state: member.state,
  };
}

export function messageSelfUri(conversationId: string, messageId: string): string {
  return `/api/v2/webchat/guest/conversations/${conversationId}/messages/${messageId}`;
}

/** §6.7 WebChatMessage, as in the captured production response of §5.6 (sender carries only the id). */
export function webChatMessage(conversationId: string, message: ChatMessage): Record<string, unknown> {
  return {
    id: message.id,
    conversation: conversationRef(conversationId),
    sender: { id: message.senderId },
    body: message.body,
    bodyType: message.bodyType,
    timestamp: message.timestamp,
    selfUri: messageSelfUri(conversationId, message.id),
  };
}

/** §6.10 WebChatTyping, as captured in §5.7. */
export function webChatTyping(conversationId: string, typing: TypingEvent): Record<string, unknown> {
  return {
    id: typing.id,
    conversation: conversationRef(conversationId),
    sender: { id: typing.senderId },
    timestamp: typing.timestamp,
  };
}

/** §6.13 WebChatGuestMediaRequest. */
export function mediaRequestView(conversationId: string, request: MediaRequest): Record<string, unknown> {
  return {
    id: request.id,
    ...(request.name !== undefined ? { name: request.name } : {}),
    types: request.types,
    state: request.state,
    ...(request.communicationId !== undefined ? { communicationId: request.communicationId } : {}),
    ...(request.securityKey !== undefined ? { securityKey: request.securityKey } : {}),
    selfUri: `/api/v2/webchat/guest/conversations/${conversationId}/mediarequests/${request.id}`,
  };
}

// ---- agent API views ---------------------------------------------------------------------------

function agentMemberView(member: Member): Record<string, unknown> {
  return {
    id: member.id,
    role: member.role,
    state: member.state,
    ...(member.displayName !== undefined ? { displayName: member.displayName } : {}),
    ...(member.avatarImageUrl !== undefined ? { avatarImageUrl: member.avatarImageUrl } : {}),
    joinDate: member.joinDate,
    ...(member.leaveDate !== undefined ? { leaveDate: member.leaveDate } : {}),
    ...(member.disconnectCause !== undefined ? { disconnectCause: member.disconnectCause } : {}),
  };
}

/**
 * `router`: adds `eligibleAgents`, the configured agents routing would offer this chat (queue, skills,
 * language) — the agent console warns before someone else accepts it.
 */
export function conversationSummary(
  conversation: Conversation,
  attachedStreams: number,
  router?: Router,
): Record<string, unknown> {
  const customer = conversation.members.find((m) => m.id === conversation.customerId);
  return {
    id: conversation.id,
    kind: conversation.kind,
    organizationId: conversation.organizationId,
    ...(conversation.deploymentId !== undefined ? { deploymentId: conversation.deploymentId } : {}),
    ...(conversation.integrationId !== undefined ? { integrationId: conversation.integrationId } : {}),
    state: conversation.phase,
    ...(conversation.endReason !== undefined ? { endReason: conversation.endReason } : {}),
    createdAt: conversation.createdAt,
    queue: conversation.routing.queue,
    routing: {
      skills: conversation.routing.skills,
      ...(conversation.routing.language !== undefined ? { language: conversation.routing.language } : {}),
      priority: conversation.routing.priority,
    },
    customer: customer ? memberInfo(customer) : undefined,
    members: conversation.members.map(agentMemberView),
    attachedStreams,
    messageCount: conversation.messages.length,
    ...(router
      ? {
          eligibleAgents: router
            .agentsOf(conversation.routing.queue)
            .filter((a) => router.isEligible(a, conversation))
            .map((a) => a.name),
        }
      : {}),
  };
}

export function conversationDetail(
  conversation: Conversation,
  attachedStreams: number,
  router?: Router,
): Record<string, unknown> {
  const roles = new Map(conversation.members.map((m) => [m.id, m.role]));
  return {
    ...conversationSummary(conversation, attachedStreams, router),
    messages: conversation.messages.map((m) => ({
      id: m.id,
      senderId: m.senderId,
      senderRole: roles.get(m.senderId),
      body: m.body,
      bodyType: m.bodyType,
      timestamp: m.timestamp,
      ...(m.attachments !== undefined ? { attachments: m.attachments } : {}),
      ...(m.delivery !== undefined ? { delivery: m.delivery } : {}),
    })),
    mediaRequests: conversation.mediaRequests.map((r) => mediaRequestView(conversation.id, r)),
  };
}
