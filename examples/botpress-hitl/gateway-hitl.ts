// Botpress HITL (human in the loop) on genesys-handover, with the typed client.
//
// Botpress' `hitl` interface asks an integration for a few actions — `createUser`, `startHitl`,
// `stopHitl` — plus a `hitl` channel whose messages go to the agent, and expects events back:
// `hitlAssigned` (an agent took it), `hitlStopped` (it is over) and the agent's messages as messages
// of the HITL conversation. This module implements those on the gateway's API; in a Botpress
// integration (`new IntegrationDefinition(...)` with `interfaces.hitl`), each handler calls the method
// of the same name and `BotpressSide` is a thin wrapper over the integration's `client`
// (`client.createMessage`, `client.createEvent`).
import { GatewayClient } from '../../src/client/index.ts';

/** What the integration does on the Botpress side (the integration's `client`). */
export interface BotpressSide {
  createMessage(m: { conversationId: string; userId: string; text: string }): Promise<void>;
  createEvent(e: {
    type: 'hitlAssigned' | 'hitlStopped';
    conversationId: string;
    userId?: string;
  }): Promise<void>;
}

interface HitlUser {
  readonly name?: string;
  readonly email?: string;
}

interface MessageHistoryItem {
  readonly source: { readonly type: 'user' | 'bot' };
  readonly type: string;
  readonly payload: { readonly text?: string };
}

export class GatewayHitl {
  readonly #client: GatewayClient;
  readonly #endpoint: string;
  readonly #botpress: BotpressSide;
  readonly #users = new Map<string, HitlUser>();
  readonly #stop = new AbortController();
  readonly #following = new Set<Promise<unknown>>();

  constructor(client: GatewayClient, endpoint: string, botpress: BotpressSide) {
    this.#client = client;
    this.#endpoint = endpoint;
    this.#botpress = botpress;
  }

  /** `createUser`: the gateway needs no account; the id is the Botpress user id, remembered with the name. */
  createUser(input: { userId: string; name?: string; email?: string }): { userId: string } {
    this.#users.set(input.userId, {
      ...(input.name ? { name: input.name } : {}),
      ...(input.email ? { email: input.email } : {}),
    });
    return { userId: input.userId };
  }

  /** `startHitl`: a handover whose id is the HITL conversation id; history becomes the bot transcript. */
  async startHitl(input: {
    userId: string;
    title?: string;
    description?: string;
    messageHistory?: readonly MessageHistoryItem[];
  }): Promise<{ conversationId: string }> {
    const user = this.#users.get(input.userId) ?? {};
    const transcript = (input.messageHistory ?? []).flatMap((m) =>
      m.type === 'text' && m.payload.text
        ? [{ role: m.source.type === 'bot' ? ('bot' as const) : ('customer' as const), text: m.payload.text }]
        : [],
    );
    if (input.title)
      transcript.unshift({
        role: 'bot',
        text: `${input.title}${input.description ? ` — ${input.description}` : ''}`,
      });
    const handover = await this.#client.startHandover({
      endpoint: this.#endpoint,
      // A new session per HITL request: the same user may ask for an agent again later.
      customer: {
        userId: input.userId,
        sessionId: `hitl-${Date.now()}`,
        ...(user.name ? { displayName: user.name } : {}),
        ...(user.email ? { email: user.email } : {}),
      },
      transcript,
    });
    const conversationId = handover.id;
    const following = this.#client
      .followEvents(conversationId, {
        signal: this.#stop.signal,
        onEvent: async (event) => {
          switch (event.type) {
            case 'handover.agent_joined':
              return this.#botpress.createEvent({
                type: 'hitlAssigned',
                conversationId,
                userId: event.data.agent.id,
              });
            case 'handover.agent_message':
              return this.#botpress.createMessage({
                conversationId,
                userId: event.data.agent.id,
                text: event.data.text,
              });
            case 'handover.ended':
            case 'handover.failed':
              return this.#botpress.createEvent({ type: 'hitlStopped', conversationId });
            default:
              return undefined;
          }
        },
      })
      .finally(() => this.#following.delete(following));
    this.#following.add(following);
    return { conversationId };
  }

  /** A message on the `hitl` channel: the user's text to the agent. */
  async message(input: { conversationId: string; text: string; messageId?: string }): Promise<void> {
    await this.#client.sendMessage(
      input.conversationId,
      input.text,
      input.messageId ? { idempotencyKey: input.messageId } : {},
    );
  }

  /** `stopHitl`: the user (or the bot) ends the HITL session. */
  async stopHitl(input: { conversationId: string }): Promise<void> {
    await this.#client.endHandover(input.conversationId);
  }

  async close(): Promise<void> {
    this.#stop.abort();
    await Promise.allSettled([...this.#following]);
  }
}
