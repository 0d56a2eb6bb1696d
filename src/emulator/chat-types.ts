// Inputs and observers of the chat service (chat-service.ts).
import type { Attachment, ChatMessage, Conversation, Member, RoutingRequest } from './model.ts';

export interface CreateInput {
  readonly organizationId: string;
  readonly deploymentId: string;
  readonly routing: RoutingRequest;
  readonly customer: CustomerInfo;
}

export type CustomerInfo = Omit<
  Member,
  'id' | 'role' | 'state' | 'joinDate' | 'leaveDate' | 'agentKey' | 'connectedDate' | 'disconnectCause'
>;

/** OM doc §3.1 / §6: the first inbound message creates the conversation and runs the inbound flow. */
export interface OpenCreateInput {
  readonly organizationId: string;
  readonly integrationId: string;
  readonly customer: CustomerInfo;
  readonly firstMessage: { readonly body: string; readonly attachments: readonly Attachment[] };
  /** What the Architect stand-in decided: the flow's name, its Send Response texts, the routing. */
  readonly flow: { readonly name: string; readonly responses: readonly string[] };
  readonly routing: RoutingRequest;
}

/** Who should act as the agent: a named one (configured or ad hoc) or, when absent, whoever routing picks. */
export interface AgentChoice {
  readonly displayName?: string | undefined;
}

/** Things other parts (auto-agent) react to. All optional; called synchronously after the state change. */
export interface ChatObserver {
  queued?(conversation: Conversation): void;
  agentAlerting?(conversation: Conversation, agent: Member): void;
  customerMessage?(conversation: Conversation, message: ChatMessage): void;
  ended?(conversation: Conversation): void;
  /** An agent's load went down (a chat ended or was transferred away): waiting chats may now be served. */
  capacityFreed?(): void;
  /** Every history entry (joins and leaves included), after it was published. */
  messageRecorded?(conversation: Conversation, message: ChatMessage, sender: Member): void;
  typing?(conversation: Conversation, typing: TypingEvent, sender: Member): void;
  /** A member was added or changed state (`disconnectCause` is set when it went DISCONNECTED). */
  memberChanged?(conversation: Conversation, member: Member): void;
}

export interface TypingEvent {
  readonly id: string;
  readonly senderId: string;
  readonly timestamp: string;
}
