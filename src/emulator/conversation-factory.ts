// A new conversation with its customer member (ALERTING until the chat service connects it).
import { randomUUID } from 'node:crypto';
import type { CustomerInfo } from './chat-types.ts';
import type { Conversation, ConversationKind, ConversationPhase, Member, RoutingRequest } from './model.ts';

export interface NewConversation {
  readonly kind: ConversationKind;
  readonly organizationId: string;
  readonly deploymentId?: string;
  readonly integrationId?: string;
  readonly routing: RoutingRequest;
  readonly customer: CustomerInfo;
  readonly phase: ConversationPhase;
}

export function newConversation(init: NewConversation): Conversation {
  const timestamp = new Date().toISOString();
  const customer: Member = {
    ...init.customer,
    id: randomUUID(),
    role: 'CUSTOMER',
    state: 'ALERTING',
    joinDate: timestamp,
  };
  return {
    id: randomUUID(),
    kind: init.kind,
    organizationId: init.organizationId,
    ...(init.deploymentId !== undefined ? { deploymentId: init.deploymentId } : {}),
    ...(init.integrationId !== undefined ? { integrationId: init.integrationId } : {}),
    routing: init.routing,
    createdAt: timestamp,
    customerId: customer.id,
    phase: init.phase,
    members: [customer],
    messages: [],
    mediaRequests: [],
  };
}
