// The agent-side feed: what the agent console needs to stay live without polling. Genesys' own agent
// desktop gets this from the platform; the guest event stream (§9) only reaches guests, and typing
// is never stored in history (§9.3), so the console could not see the customer typing otherwise.
// The feed listens to every frame the hub publishes and turns it into agent-friendly events that
// name the sender's role and display name (§9.4 frames carry ids only).
import type { Frame, MessageFrame, TypingFrame } from './frames.ts';
import type { EventStreamHub } from './hub.ts';
import { findMember, type Attachment, type BodyType, type Conversation, type MemberRole } from './model.ts';
import type { ConversationStore } from './store.ts';
import type { Router } from './routing.ts';
import { conversationSummary } from './views.ts';

export interface FeedSender {
  readonly senderId: string;
  readonly senderRole?: MemberRole;
  readonly senderName?: string;
}

export type FeedEvent =
  /** The conversation's state or members changed; the whole summary, as `GET /conversations/{id}` lists it. */
  | { readonly type: 'conversation'; readonly conversation: Record<string, unknown> }
  | {
      readonly type: 'message';
      readonly conversationId: string;
      readonly message: FeedSender & {
        readonly id: string;
        readonly body: string;
        readonly bodyType: BodyType;
        readonly timestamp: string;
        readonly attachments?: readonly Attachment[];
      };
    }
  | {
      readonly type: 'typing';
      readonly conversationId: string;
      readonly typing: FeedSender & { readonly id: string; readonly timestamp: string };
    };

export type FeedListener = (event: FeedEvent) => void;

export class AgentFeed {
  readonly #store: ConversationStore;
  readonly #hub: EventStreamHub;
  readonly #listeners = new Set<FeedListener>();
  /** Conversations whose summary is due: one `conversation` event per tick, however many member changes. */
  readonly #dirty = new Set<string>();
  #flush: NodeJS.Immediate | undefined;
  readonly #untap: () => void;

  readonly #router: Router | undefined;

  constructor(store: ConversationStore, hub: EventStreamHub, router?: Router) {
    this.#store = store;
    this.#hub = hub;
    this.#router = router;
    this.#untap = hub.tap((conversationId, frame) => this.#onFrame(conversationId, frame));
  }

  subscribe(listener: FeedListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get subscribers(): number {
    return this.#listeners.size;
  }

  close(): void {
    this.#untap();
    if (this.#flush) clearImmediate(this.#flush);
    this.#flush = undefined;
    this.#dirty.clear();
    this.#listeners.clear();
  }

  #onFrame(conversationId: string, frame: Frame): void {
    if (this.#listeners.size === 0 || !('metadata' in frame)) return;
    const conversation = this.#store.get(conversationId);
    if (!conversation) return;
    // §9.1: the metadata type names the frame kind (TypeScript cannot narrow the union on a nested field).
    switch (frame.metadata.type) {
      case 'message': {
        const message = (frame as MessageFrame).eventBody;
        // Frames carry text only (guest-chat §9.2); an Open Messaging file is on the stored message.
        const attachments = conversation.messages.findLast((m) => m.id === message.id)?.attachments;
        this.#emit({
          type: 'message',
          conversationId,
          message: {
            id: message.id,
            ...sender(conversation, message.sender.id),
            body: message.body,
            bodyType: message.bodyType,
            timestamp: message.timestamp,
            ...(attachments !== undefined ? { attachments } : {}),
          },
        });
        // A join/leave changes who is on the chat; the summary follows.
        this.#markDirty(conversationId);
        return;
      }
      case 'typing-indicator': {
        const typing = (frame as TypingFrame).eventBody;
        this.#emit({
          type: 'typing',
          conversationId,
          typing: { id: typing.id, ...sender(conversation, typing.sender.id), timestamp: typing.timestamp },
        });
        return;
      }
      case 'member-change':
        // The chat service updates the phase right after publishing a member change (e.g. queued
        // after the ACD member), so the summary is taken once the current call stack is done.
        this.#markDirty(conversationId);
        return;
    }
  }

  #markDirty(conversationId: string): void {
    this.#dirty.add(conversationId);
    this.#flush ??= setImmediate(() => {
      this.#flush = undefined;
      const ids = [...this.#dirty];
      this.#dirty.clear();
      for (const id of ids) {
        const conversation = this.#store.get(id);
        if (conversation) {
          this.#emit({
            type: 'conversation',
            conversation: conversationSummary(conversation, this.#hub.count(id), this.#router),
          });
        }
      }
    });
  }

  #emit(event: FeedEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}

function sender(conversation: Conversation, senderId: string): FeedSender {
  const member = findMember(conversation, senderId);
  return {
    senderId,
    ...(member ? { senderRole: member.role } : {}),
    ...(member?.displayName !== undefined ? { senderName: member.displayName } : {}),
  };
}
