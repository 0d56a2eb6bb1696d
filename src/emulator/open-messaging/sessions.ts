// Which conversation a customer's inbound messages belong to (OM doc §3.5): the key is
// (integrationId, channel.from.id); once that conversation is disconnected, the next message starts a
// new one. Also remembers answers to inbound messages when de-duplication by messageId is on (§10.1).
import type { ConversationStore } from '../store.ts';
import type { Conversation } from '../model.ts';

const key = (...parts: string[]): string => parts.join('\u0000');

/** Answers kept for de-duplication; the oldest are forgotten first. */
const MAX_REMEMBERED = 10_000;

export class OpenSessions {
  readonly #store: ConversationStore;
  /** Every conversation of a customer, oldest first; the last one may be active. */
  readonly #conversations = new Map<string, string[]>();
  readonly #answers = new Map<string, unknown>();

  constructor(store: ConversationStore) {
    this.#store = store;
  }

  /** The customer's conversation unless it has ended. */
  activeConversation(integrationId: string, fromId: string): Conversation | undefined {
    const id = this.#conversations.get(key(integrationId, fromId))?.at(-1);
    const conversation = id === undefined ? undefined : this.#store.get(id);
    return conversation && conversation.phase !== 'ended' ? conversation : undefined;
  }

  /** All conversations of the customer, newest first (receipts may concern an ended one). */
  conversationsOf(integrationId: string, fromId: string): Conversation[] {
    return (this.#conversations.get(key(integrationId, fromId)) ?? [])
      .map((id) => this.#store.get(id))
      .filter((c): c is Conversation => c !== undefined)
      .reverse();
  }

  bind(integrationId: string, fromId: string, conversationId: string): void {
    const k = key(integrationId, fromId);
    this.#conversations.set(k, [...(this.#conversations.get(k) ?? []), conversationId]);
  }

  rememberedAnswer(integrationId: string, fromId: string, messageId: string): unknown {
    return this.#answers.get(key(integrationId, fromId, messageId));
  }

  rememberAnswer(integrationId: string, fromId: string, messageId: string, answer: unknown): void {
    this.#answers.set(key(integrationId, fromId, messageId), answer);
    if (this.#answers.size > MAX_REMEMBERED) {
      const oldest = this.#answers.keys().next();
      if (oldest.done !== true) this.#answers.delete(oldest.value);
    }
  }
}
