// The chat lifecycle: every state change of an emulated conversation goes through here, so that
// history, member states and event-stream frames can never disagree. Event sequences follow §9.6.
import { randomUUID } from 'node:crypto';
import { EmulatorApiError, guestErrors } from './errors.ts';
import { memberChangeFrame, messageFrame, typingFrame } from './frames.ts';
import type { EventStreamHub, StreamSocket } from './hub.ts';
import {
  alertingAgent,
  connectedAgent,
  customerOf,
  isActive,
  type BodyType,
  type ChatMessage,
  type Conversation,
  type EndReason,
  type Member,
  type MemberState,
  type RoutingRequest,
} from './model.ts';
import { byRoutingOrder, slugify, type Router } from './routing.ts';
import type { ConversationStore } from './store.ts';

export interface CreateInput {
  readonly organizationId: string;
  readonly deploymentId: string;
  readonly routing: RoutingRequest;
  readonly customer: Omit<Member, 'id' | 'role' | 'state' | 'joinDate' | 'leaveDate' | 'agentKey'>;
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
}

export interface TypingEvent {
  readonly id: string;
  readonly senderId: string;
  readonly timestamp: string;
}

export interface ChatServiceDeps {
  readonly store: ConversationStore;
  readonly hub: EventStreamHub;
  readonly router: Router;
  readonly disconnectGraceMs: number;
  /** URL of the generated avatar for an agent slug (the emulator serves it itself). */
  readonly avatarUrl: (slug: string) => string;
}

const now = (): string => new Date().toISOString();

export class ChatService {
  readonly #deps: ChatServiceDeps;
  readonly #observers: ChatObserver[] = [];
  /** Per-conversation timer: grace period without a socket, or closing sockets after the end. */
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #waiting = new Set<string>();

  constructor(deps: ChatServiceDeps) {
    this.#deps = deps;
  }

  observe(observer: ChatObserver): void {
    this.#observers.push(observer);
  }

  create(input: CreateInput): Conversation {
    const timestamp = now();
    const customer: Member = {
      ...input.customer,
      id: randomUUID(),
      role: 'CUSTOMER',
      state: 'ALERTING',
      joinDate: timestamp,
    };
    const conversation: Conversation = {
      id: randomUUID(),
      organizationId: input.organizationId,
      deploymentId: input.deploymentId,
      routing: input.routing,
      createdAt: timestamp,
      customerId: customer.id,
      phase: 'awaiting-stream',
      members: [customer],
      messages: [],
      mediaRequests: [],
    };
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
    this.#clearTimer(conversation.id);
    if (conversation.phase !== 'awaiting-stream') return; // re-open: no replay of missed events (§9.7)

    // §9.6 step 1: customer CONNECTED + its member-join; then the ACD member while queued (step 2).
    this.#setState(conversation, customerOf(conversation), 'CONNECTED');
    this.#record(conversation, conversation.customerId, '', 'member-join');
    const acd: Member = {
      id: randomUUID(),
      role: 'ACD',
      state: 'CONNECTED',
      displayName: conversation.routing.queue,
      joinDate: now(),
    };
    conversation.members.push(acd);
    this.#publishState(conversation, acd);
    conversation.phase = 'queued';
    conversation.queuedAt = performance.now();
    this.#waiting.add(conversation.id);
    for (const o of this.#observers) o.queued?.(conversation);
  }

  /** Called by the hub when the conversation's last socket closed. */
  streamDetached(conversationId: string): void {
    const conversation = this.#deps.store.get(conversationId);
    if (!conversation || conversation.phase === 'ended') return;
    this.#startGrace(conversation);
  }

  /** Chats waiting for an agent, in the order routing serves them (priority, then age). */
  waiting(): Conversation[] {
    return [...this.#waiting]
      .map((id) => this.#deps.store.get(id))
      .filter((c): c is Conversation => c !== undefined)
      .sort(byRoutingOrder);
  }

  // ---- guest side (REST §5.6–§5.8) -------------------------------------------------------------

  customerMessage(conversation: Conversation, body: string, bodyType: BodyType): ChatMessage {
    this.#requireActive(conversation);
    const message = this.#record(conversation, conversation.customerId, body, bodyType);
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
    const agent = this.#newAgentMember(conversation, choice, new Set());
    conversation.members.push(agent);
    this.#publishState(conversation, agent);
    conversation.phase = 'alerting';
    this.#waiting.delete(conversation.id);
    for (const o of this.#observers) o.agentAlerting?.(conversation, agent);
    return agent;
  }

  /** §9.6 step 4: the alerting agent answers: CONNECTED + member-join, the ACD member leaves. */
  acceptAgent(conversation: Conversation, agentId: string): Member {
    const agent = conversation.members.find((m) => m.id === agentId);
    if (conversation.phase === 'ended' || agent?.state !== 'ALERTING') {
      throw new EmulatorApiError(
        409,
        'agent_not_alerting',
        'That agent is not being offered this chat any more.',
      );
    }
    this.#connectAgent(conversation, agent);
    return agent;
  }

  /** Offer and accept at once (what the agent API's join does). */
  joinAgent(conversation: Conversation, choice: AgentChoice): Member {
    const agent = this.offerAgent(conversation, choice);
    return this.acceptAgent(conversation, agent.id);
  }

  agentMessage(conversation: Conversation, body: string, bodyType: BodyType): ChatMessage {
    const agent = this.#requireConnectedAgent(conversation);
    return this.#record(conversation, agent.id, body, bodyType);
  }

  agentTyping(conversation: Conversation): TypingEvent {
    const agent = this.#requireConnectedAgent(conversation);
    return this.#typing(conversation, agent.id);
  }

  /** §9.6 step 7: the agent ends the chat: agent DISCONNECTED + member-leave, then the customer DISCONNECTED. */
  agentLeave(conversation: Conversation): void {
    const agent = this.#requireConnectedAgent(conversation);
    this.#setState(conversation, agent, 'DISCONNECTED');
    this.#record(conversation, agent.id, '', 'member-leave');
    this.#disconnectRest(conversation);
    this.#end(conversation, 'agent-left');
  }

  /**
   * §9.6 step 6: new agent ALERTING while the customer stays CONNECTED; old agent DISCONNECTED +
   * member-leave; new agent CONNECTED + member-join.
   */
  transfer(conversation: Conversation, choice: AgentChoice): { from: Member; to: Member } {
    const from = this.#requireConnectedAgent(conversation);
    const to = this.#newAgentMember(conversation, choice, new Set(from.agentKey ? [from.agentKey] : []));
    conversation.members.push(to);
    this.#publishState(conversation, to);
    this.#setState(conversation, from, 'DISCONNECTED');
    this.#record(conversation, from.id, '', 'member-leave');
    this.#connectAgent(conversation, to);
    return { from, to };
  }

  /** Shutdown: stop every timer this service owns. */
  close(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  // ---- internals ------------------------------------------------------------------------------

  #connectAgent(conversation: Conversation, agent: Member): void {
    this.#setState(conversation, agent, 'CONNECTED');
    this.#record(conversation, agent.id, '', 'member-join');
    for (const acd of conversation.members) {
      if (acd.role === 'ACD' && acd.state !== 'DISCONNECTED')
        this.#setState(conversation, acd, 'DISCONNECTED');
    }
    conversation.phase = 'connected';
    this.#waiting.delete(conversation.id);
  }

  #newAgentMember(conversation: Conversation, choice: AgentChoice, exclude: ReadonlySet<string>): Member {
    const { router, avatarUrl } = this.#deps;
    const name = choice.displayName?.trim();
    let key: string;
    let displayName: string;
    let avatarImageUrl: string;
    if (name) {
      const configured = router.agentByName(name);
      key = configured?.key ?? `adhoc:${name.toLowerCase()}`;
      displayName = configured?.name ?? name;
      avatarImageUrl = configured?.avatarImageUrl ?? avatarUrl(configured?.avatarSlug ?? slugify(name));
      if (exclude.has(key)) {
        throw new EmulatorApiError(409, 'same_agent', `${displayName} is already handling this chat.`);
      }
    } else {
      const picked = router.pick(conversation, exclude);
      if (!picked) {
        throw new EmulatorApiError(
          409,
          'no_agent_available',
          `No agent of queue "${conversation.routing.queue}" with the requested skills/language has free capacity.`,
        );
      }
      key = picked.key;
      displayName = picked.name;
      avatarImageUrl = picked.avatarImageUrl ?? avatarUrl(picked.avatarSlug);
    }
    router.reserve(key);
    return {
      id: randomUUID(),
      role: 'AGENT',
      state: 'ALERTING',
      displayName,
      avatarImageUrl,
      joinDate: now(),
      agentKey: key,
    };
  }

  #endByCustomer(conversation: Conversation, reason: EndReason): void {
    const customer = customerOf(conversation);
    this.#setState(conversation, customer, 'DISCONNECTED');
    this.#record(conversation, customer.id, '', 'member-leave');
    this.#disconnectRest(conversation);
    this.#end(conversation, reason);
  }

  /** Everybody still present goes DISCONNECTED (member-change only; only the leaver gets a member-leave). */
  #disconnectRest(conversation: Conversation): void {
    const customer = customerOf(conversation);
    for (const member of conversation.members) {
      if (member !== customer && member.state !== 'DISCONNECTED')
        this.#setState(conversation, member, 'DISCONNECTED');
    }
    if (customer.state !== 'DISCONNECTED') this.#setState(conversation, customer, 'DISCONNECTED');
  }

  #end(conversation: Conversation, reason: EndReason): void {
    conversation.phase = 'ended';
    conversation.endReason = reason;
    this.#waiting.delete(conversation.id);
    this.#clearTimer(conversation.id);
    this.#scheduleEndedClose(conversation);
    for (const o of this.#observers) o.ended?.(conversation);
  }

  #setState(conversation: Conversation, member: Member, state: MemberState): void {
    member.state = state;
    if (state === 'DISCONNECTED') {
      member.leaveDate = now();
      if (member.role === 'AGENT' && member.agentKey !== undefined) {
        this.#deps.router.release(member.agentKey);
        for (const o of this.#observers) o.capacityFreed?.();
      }
    }
    this.#publishState(conversation, member);
  }

  #publishState(conversation: Conversation, member: Member): void {
    this.#deps.hub.publish(conversation.id, memberChangeFrame(conversation.id, member, now()));
  }

  #record(conversation: Conversation, senderId: string, body: string, bodyType: BodyType): ChatMessage {
    const message: ChatMessage = { id: randomUUID(), senderId, body, bodyType, timestamp: now() };
    conversation.messages.push(message);
    // §9.2: everybody on the stream gets it, the sender included (echo).
    this.#deps.hub.publish(conversation.id, messageFrame(conversation.id, message));
    return message;
  }

  #typing(conversation: Conversation, senderId: string): TypingEvent {
    const typing: TypingEvent = { id: randomUUID(), senderId, timestamp: now() };
    // §9.3 / §10: typing is echoed too, and never stored in history.
    this.#deps.hub.publish(conversation.id, typingFrame(conversation.id, typing));
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

  #requireConnectedAgent(conversation: Conversation): Member {
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
    this.#setTimer(conversation.id, this.#deps.disconnectGraceMs, () => {
      if (conversation.phase !== 'ended' && this.#deps.hub.count(conversation.id) === 0) {
        this.#endByCustomer(conversation, 'customer-abandoned');
      }
    });
  }

  /** Genesys' socket behaviour at the end is unknown (§9.7 [U]); the emulator closes them after the grace period. */
  #scheduleEndedClose(conversation: Conversation): void {
    if (this.#timers.has(conversation.id)) return;
    this.#setTimer(conversation.id, this.#deps.disconnectGraceMs, () => {
      this.#deps.hub.close(conversation.id, 1000, 'conversation ended');
    });
  }

  #setTimer(conversationId: string, ms: number, fn: () => void): void {
    this.#clearTimer(conversationId);
    const timer = setTimeout(() => {
      this.#timers.delete(conversationId);
      fn();
    }, ms);
    timer.unref();
    this.#timers.set(conversationId, timer);
  }

  #clearTimer(conversationId: string): void {
    const timer = this.#timers.get(conversationId);
    if (timer) clearTimeout(timer);
    this.#timers.delete(conversationId);
  }
}
