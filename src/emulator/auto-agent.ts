// The auto-agent (for demos and load): routing offers each waiting chat to an eligible agent
// (ALERTING), who answers after `acceptDelayMs` (CONNECTED + a greeting) and replies to every
// customer message after `replyDelayMs`, showing typing first. Waiting chats are served in routing
// order (priority, then age), so with busy agents a higher-priority chat goes first.
// Two customer commands make demos complete: "/transfer" (another agent takes over) and "/leave"
// (the agent ends the chat).
import type { ChatService } from './chat-service.ts';
import { EmulatorApiError } from './errors.ts';
import { connectedAgent, type ChatMessage, type Conversation, type Member } from './model.ts';

export class AutoAgent {
  readonly #chat: ChatService;
  readonly #acceptDelayMs: number;
  readonly #replyDelayMs: number;
  readonly #timers = new Set<NodeJS.Timeout>();
  #dispatchPending = false;
  #closed = false;

  constructor(chat: ChatService, options: { acceptDelayMs: number; replyDelayMs: number }) {
    this.#chat = chat;
    this.#acceptDelayMs = options.acceptDelayMs;
    this.#replyDelayMs = options.replyDelayMs;
    chat.observe({
      queued: () => this.#scheduleDispatch(),
      capacityFreed: () => this.#scheduleDispatch(),
      agentAlerting: (conversation, agent) => this.#accept(conversation, agent),
      customerMessage: (conversation, message) => this.#reply(conversation, message),
    });
  }

  close(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  /** Coalesces bursts of routing triggers; runs after the current state change has finished. */
  #scheduleDispatch(): void {
    if (this.#dispatchPending || this.#closed) return;
    this.#dispatchPending = true;
    queueMicrotask(() => {
      this.#dispatchPending = false;
      if (!this.#closed) this.#dispatch();
    });
  }

  #dispatch(): void {
    for (const conversation of this.#chat.waiting()) {
      try {
        this.#chat.offerAgent(conversation, {});
      } catch (error) {
        // All eligible agents busy: this chat waits; a later (lower-priority) chat of another queue may still be served.
        if (!(error instanceof EmulatorApiError)) throw error;
      }
    }
  }

  #accept(conversation: Conversation, agent: Member): void {
    this.#later(this.#acceptDelayMs, () => {
      if (agent.state !== 'ALERTING' || conversation.phase === 'ended') return;
      this.#chat.acceptAgent(conversation, agent.id);
      const customer = conversation.members.find((m) => m.id === conversation.customerId);
      this.#chat.agentMessage(
        conversation,
        `Hi ${customer?.displayName ?? 'there'}, this is ${agent.displayName ?? 'your agent'}. How can I help?`,
        'standard',
      );
    });
  }

  #reply(conversation: Conversation, message: ChatMessage): void {
    const agent = connectedAgent(conversation);
    if (!agent) return; // still queued: nobody reads it yet
    const command = message.body.trim().toLowerCase();
    this.#safely(() => this.#chat.agentTyping(conversation));
    this.#later(this.#replyDelayMs, () => {
      if (conversation.phase === 'ended' || connectedAgent(conversation) !== agent) return;
      if (command === '/leave') {
        this.#chat.agentMessage(conversation, 'Thanks for chatting with us. Goodbye!', 'standard');
        this.#chat.agentLeave(conversation);
      } else if (command === '/transfer') {
        this.#chat.agentMessage(conversation, 'Let me transfer you to a colleague.', 'standard');
        this.#chat.transfer(conversation, {});
      } else {
        this.#chat.agentMessage(conversation, `You said: "${message.body}"`, 'standard');
      }
    });
  }

  #later(ms: number, fn: () => void): void {
    if (this.#closed) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#closed) this.#safely(fn);
    }, ms);
    timer.unref();
    this.#timers.add(timer);
  }

  /** The agent API may have changed the chat meanwhile (e.g. a manual transfer); such conflicts are skipped. */
  #safely(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      if (!(error instanceof EmulatorApiError)) throw error;
    }
  }
}
