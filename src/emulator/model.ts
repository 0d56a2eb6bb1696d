// The emulator's domain model: what a Genesys chat looks like from the inside. Guest chats and Open
// Messaging conversations share it (same queues, agents, agent API and console); the two APIs are
// projections. Field names follow the guest wire models (guest-chat doc §6.5 WebChatMemberInfo, §6.7
// WebChatMessage) so that the guest views stay thin.

/** Which Genesys surface created the conversation. */
export type ConversationKind = 'guest-chat' | 'open-messaging';

/** §7.1 member roles. */
export type MemberRole = 'CUSTOMER' | 'AGENT' | 'ACD' | 'WORKFLOW';

/** §7.2 member states. There is no HOLD state in guest chat. */
export type MemberState = 'ALERTING' | 'CONNECTED' | 'DISCONNECTED';

/** §7.3 message body types. `typing-indicator` is not one: typing is its own event kind (§9.3). */
export const BODY_TYPES = ['standard', 'notice', 'member-join', 'member-leave', 'media-request'] as const;
export type BodyType = (typeof BODY_TYPES)[number];

/**
 * Lifecycle of an emulated chat (the guest API has no conversation state field, §5.10; clients infer it
 * from member states, so this is the emulator's own bookkeeping):
 * - `awaiting-stream`: created, no event stream attached yet — not routed, not active (§1 step 3, §10).
 *   Guest chats only: an Open Messaging conversation is routed as soon as its first message arrives.
 * - `queued`: stream attached (guest) or flow done (OM), waiting for an agent (ACD member CONNECTED).
 * - `alerting`: an agent is being offered the chat.
 * - `connected`: an agent is CONNECTED.
 * - `ended`: the customer member is DISCONNECTED; every further send is refused (§9.6 step 7).
 */
export type ConversationPhase = 'awaiting-stream' | 'queued' | 'alerting' | 'connected' | 'ended';

/** Why a chat ended — reported by the agent API so tests can assert on it. */
export type EndReason = 'customer-left' | 'agent-left' | 'customer-abandoned';

/**
 * Why a member went DISCONNECTED, in the emulator's words; the platform views translate it into
 * Genesys' `disconnectType` (OM doc §4.6): `self` = it ended itself (client), `peer` = the other side
 * ended, `transfer` = an agent handed the chat to another, `reject` = an alerting agent declined,
 * `routed` = the flow / ACD handed the chat on, `timeout` = the guest's stream stayed away.
 */
export type DisconnectCause = 'self' | 'peer' | 'transfer' | 'reject' | 'routed' | 'timeout';

/** A file on a message (OM doc §3.1 inbound `content[].attachment`, §4.1 outbound). */
export interface Attachment {
  readonly id: string;
  readonly mediaType: 'Image' | 'Video' | 'Audio' | 'File' | 'Link';
  readonly url: string;
  readonly mime: string;
  readonly filename?: string;
  readonly contentSizeBytes?: number;
  readonly sha256?: string;
}

/** A delivery receipt the customer side reported for an agent or bot message (OM doc §3.3). */
export interface DeliveryReceipt {
  readonly status: 'Delivered' | 'Failed';
  readonly reasons?: readonly { readonly code?: string; readonly message: string }[];
  readonly time: string;
}

export interface Member {
  readonly id: string;
  readonly role: MemberRole;
  state: MemberState;
  /** The customer's address at its channel (Open Messaging: `channel.from.id`, OM doc §3.5). */
  address?: string;
  displayName?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  phoneNumber?: string;
  avatarImageUrl?: string;
  customFields?: Record<string, string>;
  authenticatedGuest?: boolean;
  joinDate: string;
  /** When the member last became CONNECTED (agents: when they answered). */
  connectedDate?: string;
  leaveDate?: string;
  disconnectCause?: DisconnectCause;
  /** For AGENT members: the configured agent they stand for (routing capacity is counted per agent). */
  agentKey?: string;
}

export interface ChatMessage {
  readonly id: string;
  readonly senderId: string;
  readonly body: string;
  readonly bodyType: BodyType;
  readonly timestamp: string;
  /** Open Messaging only; guest chats carry text alone. */
  readonly attachments?: readonly Attachment[];
  /** Open Messaging: the latest receipt for an agent or bot message. */
  delivery?: DeliveryReceipt;
}

export type MediaRequestType = 'COBROWSE' | 'SCREENSHARE';
export type MediaRequestState = 'PENDING' | 'ACCEPTED' | 'DECLINED' | 'TIMEDOUT' | 'CANCELLED' | 'ERRORED';

/** §6.13 — deprecated co-browse / screen-share requests. */
export interface MediaRequest {
  readonly id: string;
  name?: string;
  types: MediaRequestType[];
  state: MediaRequestState;
  communicationId?: string;
  securityKey?: string;
}

export interface RoutingRequest {
  readonly queue: string;
  readonly skills: readonly string[];
  readonly language?: string;
  readonly priority: number;
}

export interface Conversation {
  readonly id: string;
  readonly kind: ConversationKind;
  readonly organizationId: string;
  /** Guest chat: the web chat deployment. */
  readonly deploymentId?: string;
  /** Open Messaging: the integration the customer writes through (OM doc §3). */
  readonly integrationId?: string;
  readonly routing: RoutingRequest;
  readonly createdAt: string;
  readonly customerId: string;
  phase: ConversationPhase;
  endReason?: EndReason;
  /** Members in join order (§5.3 lists them in this order). */
  readonly members: Member[];
  /** History as returned by §5.5: standard/notice messages plus member-join/member-leave entries. */
  readonly messages: ChatMessage[];
  readonly mediaRequests: MediaRequest[];
  /** When the conversation entered the routing queue (priority ties are served oldest first). */
  queuedAt?: number;
  /** The same moment as wall-clock time (queue observations' `observationDate`, OM doc §7.2). */
  queuedSince?: string;
}

export function findMember(conversation: Conversation, memberId: string): Member | undefined {
  return conversation.members.find((m) => m.id === memberId);
}

export function customerOf(conversation: Conversation): Member {
  const customer = findMember(conversation, conversation.customerId);
  if (!customer) throw new Error(`conversation ${conversation.id} lost its customer member`);
  return customer;
}

/** The agent currently handling the chat (CONNECTED), if any. */
export function connectedAgent(conversation: Conversation): Member | undefined {
  return conversation.members.find((m) => m.role === 'AGENT' && m.state === 'CONNECTED');
}

/** An agent being offered the chat (ALERTING), if any. */
export function alertingAgent(conversation: Conversation): Member | undefined {
  return conversation.members.find((m) => m.role === 'AGENT' && m.state === 'ALERTING');
}

/** Active = the stream was attached at least once and the customer is not DISCONNECTED (§10). */
export function isActive(conversation: Conversation): boolean {
  return conversation.phase !== 'awaiting-stream' && conversation.phase !== 'ended';
}
