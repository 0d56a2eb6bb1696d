// What the provider knows of each attached conversation, shared by the notification watch, the
// webhook reader and `send`: the agent connected now (the webhook never names the agent who wrote,
// §4.6), which agents the core has already heard about, and whether the conversation ended (a
// message after that would open a new conversation, §3.5). Learned from notifications and from every
// conversation read; forgotten when the last attachment closes.
import type { MessageConversation } from '../wire/conversation.ts';
import { connectedAgent, customerGone, type GenesysParticipant } from './participants.ts';

export class ConversationMemory {
  readonly conversationId: string;
  readonly customerId: string;
  /** The agent participant connected now, as last learned. */
  agent: GenesysParticipant | undefined;
  /** Agent participants whose `connected` the core has been given (so they are not announced twice). */
  readonly announced = new Set<string>();
  /** The customer participant has left: the conversation is over for good. */
  ended = false;
  /** Listed ids a history read found to be no message (receipts, events): never a message's predecessor. */
  readonly notMessages = new Set<string>();
  attachments = 0;

  constructor(conversationId: string, customerId: string) {
    this.conversationId = conversationId;
    this.customerId = customerId;
  }

  learn(read: MessageConversation): void {
    this.agent = connectedAgent(read);
    if (customerGone(read)) this.ended = true;
  }
}

export class ConversationMemories {
  readonly #byConversation = new Map<string, ConversationMemory>();
  readonly #byCustomer = new Map<string, ConversationMemory>();

  /** The memory of an attached conversation (one per conversation, however many attachments). */
  attach(conversationId: string, customerId: string): ConversationMemory {
    let memory = this.#byConversation.get(conversationId);
    if (memory === undefined) {
      memory = new ConversationMemory(conversationId, customerId);
      this.#byConversation.set(conversationId, memory);
      this.#byCustomer.set(customerId, memory);
    }
    memory.attachments++;
    return memory;
  }

  detach(memory: ConversationMemory): void {
    memory.attachments--;
    if (memory.attachments > 0 || this.#byConversation.get(memory.conversationId) !== memory) return;
    this.#byConversation.delete(memory.conversationId);
    this.#byCustomer.delete(memory.customerId);
  }

  get(conversationId: string): ConversationMemory | undefined {
    return this.#byConversation.get(conversationId);
  }

  byCustomer(customerId: string): ConversationMemory | undefined {
    return this.#byCustomer.get(customerId);
  }
}
