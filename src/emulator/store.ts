// In-memory conversation store of one emulator instance.
import type { Conversation } from './model.ts';

export class ConversationStore {
  readonly #conversations = new Map<string, Conversation>();

  add(conversation: Conversation): void {
    this.#conversations.set(conversation.id, conversation);
  }

  get(id: string): Conversation | undefined {
    return this.#conversations.get(id);
  }

  /** In creation order. */
  list(): Conversation[] {
    return [...this.#conversations.values()];
  }
}
