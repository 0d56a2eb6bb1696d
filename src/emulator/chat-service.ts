// The chat lifecycle: every state change of an emulated conversation goes through here, so that
// history, member states and event-stream frames can never disagree. Event sequences follow §9.6 of
// the guest-chat doc; Open Messaging conversations (OM doc §3, §6) use the same states and members,
// and their own projections (webhook, notifications, platform views) follow the observers below.
import { randomUUID } from 'node:crypto';
import { newAgentMember, type AgentDirectory } from './agent-member.ts';
import type { AgentChoice, ChatObserver, CreateInput, OpenCreateInput, TypingEvent } from './chat-types.ts';
import { newConversation } from './conversation-factory.ts';
import { ConversationTimers } from './conversation-timers.ts';
import { EmulatorApiError, guestErrors } from './errors.ts';
import { memberChangeFrame, messageFrame, typingFrame } from './frames.ts';
import type { EventStreamHub, StreamSocket } from './hub.ts';
import {
  alertingAgent,
  connectedAgent,
  customerOf,
  isActive,
  type Attachment,
  type BodyType,
  type ChatMessage,
  type Conversation,
  type DisconnectCause,
  type EndReason,
  type Member,
  type MemberState,
} from './model.ts';
import { byRoutingOrder } from './routing.ts';
import type { ConversationStore } from './store.ts';

export type { AgentChoice, ChatObserver, CreateInput, OpenCreateInput, TypingEvent } from './chat-types.ts';

export interface ChatServiceDeps extends AgentDirectory {
  readonly store: ConversationStore;
  readonly hub: EventStreamHub;
  readonly disconnectGraceMs: number;
}

const now = (): string => new Date().toISOString();

export class ChatService {
  readonly #deps: ChatServiceDeps;
  readonly #observers: ChatObserver[] = [];
  /** Per-conversation timer: grace period without a socket, or closing sockets after the end. */
  readonly #timers = new ConversationTimers();
  readonly #waiting = new Set<string>();

  constructor(deps: ChatServiceDeps) {
    this.#deps = deps;
  }

  observe(observer: ChatObserver): void {
    this.#observers.push(observer);
  }

  create(input: CreateInput): Conversation {
    const conversation = newConversation({ ...input, kind: 'guest-chat', phase: 'awaiting-stream' });
    this.#deps.store.add(conversation);
    // A guest that never attaches its stream is dropped like one whose stream went away (§9.7).
    this.#startGrace(conversation);
    return conversation;
  }

  /** A WebSocket opened the conversation's eventStreamUri (§8). */
  streamAttached(conversation: Conversation, socket: StreamSocket): void {
    this.#deps.hub.attach(conversation.id, socket);
    if (conversation.phase === 'ended') {
      // No replay; the socket only gets heartbeats and is closed like every socket of an ended chat.
      this.#scheduleEndedClose(conversation);
      return;
    }
    this.#timers.clear(conversation.id);
    if (conversation.phase !== 'awaiting-stream') return; // re-open: no replay of missed events (§9.7)

    // §9.6 step 1: customer CONNECTED + its member-join; then the ACD member while queued (step 2).
    this.#setState(conversation, customerOf(conversation), 'CONNECTED');
    this.#record(conversation, conversation.customerId, '', 'member-join');
    this.#enqueue(conversation);
  }

  /**
   * OM doc §3.1, §6: the first inbound message of a customer creates the conversation (customer
   * CONNECTED + join, the message), the inbound flow runs as a `WORKFLOW` member (its Send Response
   * texts, then it leaves), and Transfer to ACD queues the conversation. No event stream is involved.
   */
  createOpenMessaging(input: OpenCreateInput): { conversation: Conversation; message: ChatMessage } {
    const conversation = newConversation({
      kind: 'open-messaging',
      organizationId: input.organizationId,
      integrationId: input.integrationId,
      routing: input.routing,
      customer: input.customer,
      phase: 'queued',
    });
    const customer = customerOf(conversation);
    this.#deps.store.add(conversation);
    this.#setState(conversation, customer, 'CONNECTED');
    this.#record(conversation, customer.id, '', 'member-join');
    const message = this.customerMessage(
      conversation,
      input.firstMessage.body,
      'standard',
      input.firstMessage.attachments,
    );
    const flow = this.#addConnectedMember(conversation, 'WORKFLOW', input.flow.name);
    for (const text of input.flow.responses) this.#record(conversation, flow.id, text, 'standard');
    this.#setState(conversation, flow, 'DISCONNECTED', 'routed');
    this.#enqueue(conversation);
    return { conversation, message };
  }

  /** Called by the hub when the conversation's last socket closed. */
  streamDetached(conversationId: string): void {
    const conversation = this.#deps.store.get(conversationId);
    if (!conversation || conversation.phase === 'ended') return;
    this.#startGrace(conversation);
  }

  /** Chats waiting for an agent, in the order routing serves them (priority, then age). */
  /** Agents came on queue or gained capacity: routing looks at the waiting chats again. */
  agentsChanged(): void {
    for (const o of this.#observers) o.capacityFreed?.();
  }

  waiting(): Conversation[] {
    return [...this.#waiting]
      .map((id) => this.#deps.store.get(id))
      .filter((c): c is Conversation => c !== undefined)
      .sort(byRoutingOrder);
  }

  // ---- guest side (REST §5.6–§5.8) -------------------------------------------------------------

  customerMessage(
    conversation: Conversation,
    body: string,
    bodyType: BodyType,
    attachments: readonly Attachment[] = [],
  ): ChatMessage {
    this.#requireActive(conversation);
    const message = this.#record(conversation, conversation.customerId, body, bodyType, attachments);
    for (const o of this.#observers) o.customerMessage?.(conversation, message);
    return message;
  }

  customerTyping(conversation: Conversation): TypingEvent {
    this.#requireActive(conversation);
    return this.#typing(conversation, conversation.customerId);
  }

  /** DELETE own member (§5.8): customer DISCONNECTED + member-leave, then everybody else leaves. */
  customerLeave(conversation: Conversation): void {
    if (conversation.phase === 'ended') throw guestErrors.notActive();
    this.#endByCustomer(conversation, 'customer-left');
  }

  // ---- agent side (emulator agent API) ---------------------------------------------------------

  /** §9.6 step 3: the agent is offered the chat (ALERTING). */
  offerAgent(conversation: Conversation, choice: AgentChoice): Member {
    this.#requireRoutable(conversation);
    if (connectedAgent(conversation) || alertingAgent(conversation)) {
      throw new EmulatorApiError(
        409,
        'agent_already_assigned',
        'An agent is already alerting or connected; use /transfer to change agents.',
      );
    }
    const agent = newAgentMember(this.#deps, conversation, choice, new Set());
    conversation.members.push(agent);
    this.#publishState(conversation, agent);
    conversation.phase = 'alerting';
    this.#waiting.delete(conversation.id);
    for (const o of this.#observers) o.agentAlerting?.(conversation, agent);
    return agent;
  }

  /** §9.6 step 4: the alerting agent answers: CONNECTED + member-join, the ACD member leaves. */
  acceptAgent(conversation: Conversation, agentId: string): Member {
    const agent = this.#alertingMember(conversation, agentId);
    this.#connectAgent(conversation, agent);
    return agent;
  }

  /**
   * The alerting agent declines: it goes DISCONNECTED and the chat is back in the queue (it keeps its
   * age, so it is served next). OM doc §4.6: Genesys reports this as `user.end` like a real end.
   */
  rejectAgent(conversation: Conversation, agentId: string): Member {
    const agent = this.#alertingMember(conversation, agentId);
    conversation.phase = 'queued';
    this.#waiting.add(conversation.id);
    this.#setState(conversation, agent, 'DISCONNECTED', 'reject');
    return agent;
  }

  /** Offer and accept at once (what the agent API's join does). */
  joinAgent(conversation: Conversation, choice: AgentChoice): Member {
    const agent = this.offerAgent(conversation, choice);
    return this.acceptAgent(conversation, agent.id);
  }

  agentMessage(
    conversation: Conversation,
    body: string,
    bodyType: BodyType,
    attachments: readonly Attachment[] = [],
  ): ChatMessage {
    const agent = this.requireConnectedAgent(conversation);
    return this.#record(conversation, agent.id, body, bodyType, attachments);
  }

  agentTyping(conversation: Conversation): TypingEvent {
    const agent = this.requireConnectedAgent(conversation);
    return this.#typing(conversation, agent.id);
  }

  /** §9.6 step 7: the agent ends the chat: agent DISCONNECTED + member-leave, then the customer DISCONNECTED. */
  agentLeave(conversation: Conversation): void {
    const agent = this.requireConnectedAgent(conversation);
    this.#setState(conversation, agent, 'DISCONNECTED', 'self');
    this.#record(conversation, agent.id, '', 'member-leave');
    this.#disconnectRest(conversation);
    this.#end(conversation, 'agent-left');
  }

  /**
   * §9.6 step 6: new agent ALERTING while the customer stays CONNECTED; old agent DISCONNECTED +
   * member-leave; new agent CONNECTED + member-join.
   */
  transfer(conversation: Conversation, choice: AgentChoice): { from: Member; to: Member } {
    const from = this.requireConnectedAgent(conversation);
    const to = newAgentMember(
      this.#deps,
      conversation,
      choice,
      new Set(from.agentKey ? [from.agentKey] : []),
    );
    conversation.members.push(to);
    this.#publishState(conversation, to);
    this.#setState(conversation, from, 'DISCONNECTED', 'transfer');
    this.#record(conversation, from.id, '', 'member-leave');
    this.#connectAgent(conversation, to);
    return { from, to };
  }

  /** Shutdown: stop every timer this service owns. */
  close(): void {
    this.#timers.close();
  }

  // ---- internals ------------------------------------------------------------------------------

  /** §9.6 step 2: the ACD member stands for the queue while the chat waits. */
  #enqueue(conversation: Conversation): void {
    this.#addConnectedMember(conversation, 'ACD', conversation.routing.queue);
    conversation.phase = 'queued';
    conversation.queuedAt = performance.now();
    conversation.queuedSince = now();
    this.#waiting.add(conversation.id);
    for (const o of this.#observers) o.queued?.(conversation);
  }

  /** A system member (flow or queue) that is CONNECTED from the moment it joins. */
  #addConnectedMember(conversation: Conversation, role: 'ACD' | 'WORKFLOW', displayName: string): Member {
    const member: Member = {
      id: randomUUID(),
      role,
      state: 'CONNECTED',
      displayName,
      joinDate: now(),
      connectedDate: now(),
    };
    conversation.members.push(member);
    this.#publishState(conversation, member);
    return member;
  }

  #alertingMember(conversation: Conversation, agentId: string): Member {
    const agent = conversation.members.find((m) => m.id === agentId);
    if (conversation.phase === 'ended' || agent?.state !== 'ALERTING') {
      throw new EmulatorApiError(
        409,
        'agent_not_alerting',
        'That agent is not being offered this chat any more.',
      );
    }
    return agent;
  }

  #connectAgent(conversation: Conversation, agent: Member): void {
    this.#setState(conversation, agent, 'CONNECTED');
    this.#record(conversation, agent.id, '', 'member-join');
    for (const acd of conversation.members) {
      if (acd.role === 'ACD' && acd.state !== 'DISCONNECTED')
        this.#setState(conversation, acd, 'DISCONNECTED', 'routed');
    }
    conversation.phase = 'connected';
    this.#waiting.delete(conversation.id);
  }

  #endByCustomer(conversation: Conversation, reason: EndReason): void {
    const customer = customerOf(conversation);
    this.#setState(
      conversation,
      customer,
      'DISCONNECTED',
      reason === 'customer-abandoned' ? 'timeout' : 'self',
    );
    this.#record(conversation, customer.id, '', 'member-leave');
    this.#disconnectRest(conversation);
    this.#end(conversation, reason);
  }

  /** Everybody still present goes DISCONNECTED (member-change only; only the leaver gets a member-leave). */
  #disconnectRest(conversation: Conversation): void {
    const customer = customerOf(conversation);
    for (const member of conversation.members) {
      if (member !== customer && member.state !== 'DISCONNECTED')
        this.#setState(conversation, member, 'DISCONNECTED', 'peer');
    }
    if (customer.state !== 'DISCONNECTED') this.#setState(conversation, customer, 'DISCONNECTED', 'peer');
  }

  #end(conversation: Conversation, reason: EndReason): void {
    conversation.phase = 'ended';
    conversation.endReason = reason;
    this.#waiting.delete(conversation.id);
    this.#timers.clear(conversation.id);
    // Only guest chats have event-stream sockets to close (§9.7).
    if (conversation.kind === 'guest-chat') this.#scheduleEndedClose(conversation);
    for (const o of this.#observers) o.ended?.(conversation);
  }

  #setState(conversation: Conversation, member: Member, state: MemberState, cause?: DisconnectCause): void {
    member.state = state;
    if (state === 'CONNECTED') member.connectedDate = now();
    if (state === 'DISCONNECTED') {
      member.leaveDate = now();
      if (cause !== undefined) member.disconnectCause = cause;
      if (member.role === 'AGENT' && member.agentKey !== undefined) {
        this.#deps.router.release(member.agentKey);
        for (const o of this.#observers) o.capacityFreed?.();
      }
    }
    this.#publishState(conversation, member);
  }

  #publishState(conversation: Conversation, member: Member): void {
    this.#deps.hub.publish(conversation.id, memberChangeFrame(conversation.id, member, now()));
    for (const o of this.#observers) o.memberChanged?.(conversation, member);
  }

  #record(
    conversation: Conversation,
    senderId: string,
    body: string,
    bodyType: BodyType,
    attachments: readonly Attachment[] = [],
  ): ChatMessage {
    const message: ChatMessage = {
      id: randomUUID(),
      senderId,
      body,
      bodyType,
      timestamp: now(),
      ...(attachments.length > 0 ? { attachments } : {}),
    };
    conversation.messages.push(message);
    // §9.2: everybody on the stream gets it, the sender included (echo).
    this.#deps.hub.publish(conversation.id, messageFrame(conversation.id, message));
    const sender = conversation.members.find((m) => m.id === senderId);
    if (sender) for (const o of this.#observers) o.messageRecorded?.(conversation, message, sender);
    return message;
  }

  #typing(conversation: Conversation, senderId: string): TypingEvent {
    const typing: TypingEvent = { id: randomUUID(), senderId, timestamp: now() };
    // §9.3 / §10: typing is echoed too, and never stored in history.
    this.#deps.hub.publish(conversation.id, typingFrame(conversation.id, typing));
    const sender = conversation.members.find((m) => m.id === senderId);
    if (sender) for (const o of this.#observers) o.typing?.(conversation, typing, sender);
    return typing;
  }

  #requireActive(conversation: Conversation): void {
    if (!isActive(conversation)) throw guestErrors.notActive();
  }

  #requireRoutable(conversation: Conversation): void {
    if (conversation.phase === 'ended') {
      throw new EmulatorApiError(409, 'conversation_ended', 'The conversation has ended.');
    }
    if (conversation.phase === 'awaiting-stream') {
      throw new EmulatorApiError(
        409,
        'not_routed_yet',
        'The guest has not attached its event stream yet; Genesys routes a chat only after that.',
      );
    }
  }

  /** The connected agent; 409 when the chat has ended or no agent is connected. */
  requireConnectedAgent(conversation: Conversation): Member {
    if (conversation.phase === 'ended') {
      throw new EmulatorApiError(409, 'conversation_ended', 'The conversation has ended.');
    }
    const agent = connectedAgent(conversation);
    if (!agent)
      throw new EmulatorApiError(
        409,
        'no_connected_agent',
        'No agent is connected to this chat; join one first.',
      );
    return agent;
  }

  #startGrace(conversation: Conversation): void {
    this.#timers.set(conversation.id, this.#deps.disconnectGraceMs, () => {
      if (conversation.phase !== 'ended' && this.#deps.hub.count(conversation.id) === 0) {
        this.#endByCustomer(conversation, 'customer-abandoned');
      }
    });
  }

  /** Genesys' socket behaviour at the end is unknown (§9.7 [U]); the emulator closes them after the grace period. */
  #scheduleEndedClose(conversation: Conversation): void {
    if (this.#timers.has(conversation.id)) return;
    this.#timers.set(conversation.id, this.#deps.disconnectGraceMs, () => {
      this.#deps.hub.close(conversation.id, 1000, 'conversation ended');
    });
  }
}
