// Publishes what happens to Open Messaging conversations on the notification topics (OM doc §4.6):
// detail events per participant change, and the conversation on its queue's topic. Genesys' real
// pitfalls are kept: `user.end` also fires when an agent rejects an offered chat (disconnectType
// configurable, default CLIENT) and when it transfers the chat away (TRANSFER) — only the
// participants of the conversation tell a real end from a hand-over.
import type { ChatService } from '../chat-service.ts';
import type { Conversation, Member } from '../model.ts';
import { messageConversationView, type ViewContext } from '../open-messaging/conversation-view.ts';
import { detailDisconnectType, participantDisconnectType } from '../platform/disconnect-types.ts';
import { queueId } from '../platform/ids.ts';
import type { AcwTracker } from './acw-tracker.ts';
import type { ChannelRegistry } from './channels.ts';
import {
  acdEndEvent,
  acdStartEvent,
  afterCallWorkEvent,
  customerEndEvent,
  customerStartEvent,
  userEndEvent,
  userStartEvent,
} from './detail-events.ts';
import { detailTopic, queueMessagesTopic, type DetailEvent } from './topics.ts';

export interface NotifierDeps {
  readonly channels: ChannelRegistry;
  readonly acw: AcwTracker;
  readonly views: ViewContext;
  readonly userStartOn: 'alerting' | 'connected';
}

export class ConversationNotifier {
  readonly #deps: NotifierDeps;

  constructor(chat: ChatService, deps: NotifierDeps) {
    this.#deps = deps;
    chat.observe({
      memberChanged: (conversation, member) => {
        if (conversation.kind !== 'open-messaging') return;
        this.#detail(conversation, member);
        this.#queueTopic(conversation);
      },
    });
  }

  #publish(conversation: Conversation, event: DetailEvent, body: () => unknown): void {
    this.#deps.channels.publish(detailTopic(conversation.id, event), body);
  }

  #disconnectType(member: Member): string {
    return detailDisconnectType(
      participantDisconnectType(member.disconnectCause ?? 'self', this.#deps.views.rejectDisconnectType),
    );
  }

  #detail(conversation: Conversation, member: Member): void {
    const { state } = member;
    switch (member.role) {
      case 'CUSTOMER':
        if (state === 'CONNECTED')
          this.#publish(conversation, 'customer.start', () => customerStartEvent(conversation, member));
        if (state === 'DISCONNECTED')
          this.#publish(conversation, 'customer.end', () =>
            customerEndEvent(conversation, member, this.#disconnectType(member)),
          );
        return;
      case 'ACD':
        if (state === 'CONNECTED')
          this.#publish(conversation, 'acd.start', () => acdStartEvent(conversation, member));
        if (state === 'DISCONNECTED')
          this.#publish(conversation, 'acd.end', () =>
            acdEndEvent(conversation, member, this.#disconnectType(member)),
          );
        return;
      case 'AGENT':
        if (state === this.#deps.userStartOn.toUpperCase())
          this.#publish(conversation, 'user.start', () => userStartEvent(conversation, member));
        if (state === 'DISCONNECTED') this.#agentLeft(conversation, member);
        return;
      case 'WORKFLOW':
        return;
    }
  }

  #agentLeft(conversation: Conversation, agent: Member): void {
    this.#publish(conversation, 'user.end', () =>
      userEndEvent(conversation, agent, this.#disconnectType(agent)),
    );
    // Only an agent who was connected wraps up; a rejecting agent never was.
    if (agent.connectedDate === undefined) return;
    this.#deps.acw.start(agent.id, agent.leaveDate ?? new Date().toISOString(), (wrapupDurationMs) => {
      this.#publish(conversation, 'acw', () => afterCallWorkEvent(conversation, agent, wrapupDurationMs));
      this.#queueTopic(conversation);
    });
  }

  /** §4.6 (pypestream): the whole conversation on its queue's topic after every participant change. */
  #queueTopic(conversation: Conversation): void {
    this.#deps.channels.publish(queueMessagesTopic(queueId(conversation.routing.queue)), () =>
      messageConversationView(conversation, this.#deps.views),
    );
  }
}
