// The demo bot: answers a few things itself, hands the customer over to a human agent through the
// gateway, relays both ways while the agent is on, and takes over again when the handover ends.
// This file is the reference for a bot developer, and the living example of the typed client
// (`genesys-handover/client`, docs/client.md) — the integration in five steps:
//   1. start:  POST /v1/handovers with routing settings and the bot transcript so far;
//   2. follow: GET /v1/handovers/{id}/events (SSE, resumable) — or receive signed webhooks;
//   3. relay:  the customer's messages and typing → POST …/messages and …/typing;
//   4. show:   queued / agent joined / typing / message / transferred / left events → the customer;
//   5. finish: handover.ended or handover.failed → the bot answers again. The customer may end first:
//      POST …/end.
import { attachmentViews } from './attachments.ts';
import { defaultChoice, type AgentView, type ChatSession, type RoutingChoice } from './chat-session.ts';
import type { DemoEndpoint } from './endpoints.ts';
import {
  GatewayApiError,
  type Agent,
  type EndReason,
  type EventOf,
  type GatewayClient,
  type HandoverEvent,
} from '../client/index.ts';
import { closedReply, GREETING, NO_AGENT, understand, waitNotice } from './replies.ts';

/** The bits of a pino logger the bot uses (pino itself fits). */
export interface BotLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface DemoBotDeps {
  readonly client: GatewayClient;
  /** The gateway endpoints this bot's API key may use (see `checkEndpoints`); the first is the default. */
  readonly endpoints: readonly DemoEndpoint[];
  readonly logger: BotLogger;
  /** Reconnect delay of the event stream, ms. */
  readonly retryMs?: number;
}

/** Why a settings change was refused (the page API turns these into error codes). */
export type SettingsRefusal = 'unknown_endpoint' | 'handover_in_progress';

export const BACK_TO_BOT =
  'I am back. Anything else I can help you with? Type "agent" to talk to a person again.';

export class DemoBot {
  readonly #deps: DemoBotDeps;
  readonly #defaultEndpoint: string;
  readonly #following = new Set<Promise<void>>();
  readonly #stopAll = new AbortController();

  constructor(deps: DemoBotDeps) {
    const first = deps.endpoints[0];
    if (!first) throw new TypeError('the demo bot needs at least one endpoint');
    this.#deps = deps;
    this.#defaultEndpoint = first.id;
  }

  /** A new browser session begins with the bot's greeting. */
  greet(session: ChatSession): void {
    session.add('bot', GREETING);
  }

  /** The contact centers the page offers, default first. */
  get endpoints(): readonly DemoEndpoint[] {
    return this.#deps.endpoints;
  }

  /** A new session's settings: the default contact center and the form's defaults. */
  initialSettings(): RoutingChoice {
    return defaultChoice(this.#defaultEndpoint);
  }

  /**
   * The form's settings, for the next handover. The contact center is fixed while a handover runs:
   * the running one stays where it is, and a change now would silently apply only to the next one.
   * Other fields may change (they only ever apply to the next handover). All or nothing.
   */
  updateSettings(session: ChatSession, choice: RoutingChoice): SettingsRefusal | undefined {
    if (!this.#deps.endpoints.some((e) => e.id === choice.endpoint)) return 'unknown_endpoint';
    if (choice.endpoint !== session.settings.endpoint && session.inHandover) return 'handover_in_progress';
    session.settings = choice;
    return undefined;
  }

  /** The customer wrote something: the agent gets it during a handover, the bot answers otherwise. */
  customerMessage(session: ChatSession, text: string): Promise<void> {
    return session.run(async () => {
      const item = session.add('customer', text);
      const handover = session.handover;
      if (handover) {
        try {
          // The timeline item's id is the idempotency key: the client's retries (network errors,
          // 429, 5xx) of this line are stored once.
          await this.#deps.client.sendMessage(handover.id, text, { idempotencyKey: item.id });
        } catch (err) {
          // 409 HANDOVER_NOT_ACTIVE: the agent ended a moment ago; the ended event is on its way.
          this.#deps.logger.warn({ handoverId: handover.id, err: describe(err) }, 'message not relayed');
          session.add('notice', 'This message did not reach the agent.');
        }
        return;
      }
      const intent = understand(text);
      if (intent.kind === 'handover') await this.#startHandover(session);
      else session.add('bot', intent.text);
    });
  }

  /** The customer is typing: a pulse for the agent (the gateway forwards at most one every 3 s). */
  async customerTyping(session: ChatSession): Promise<void> {
    const handover = session.handover;
    if (!handover || session.status.mode === 'connecting') return;
    try {
      await this.#deps.client.typing(handover.id);
    } catch (err) {
      // Typing is a hint; losing one is harmless.
      this.#deps.logger.warn({ handoverId: handover.id, err: describe(err) }, 'typing not relayed');
    }
  }

  /**
   * The page went away (no open connection for a while) or came back. During a handover the agent
   * is told, like Cognigy's "user connects/disconnects" messages; a hint, so failures are logged only.
   */
  async customerPresence(session: ChatSession, status: 'away' | 'back'): Promise<void> {
    const handover = session.handover;
    if (!handover || session.status.mode === 'connecting') return;
    try {
      await this.#deps.client.setPresence(handover.id, status);
    } catch (err) {
      this.#deps.logger.warn({ handoverId: handover.id, err: describe(err) }, 'presence not relayed');
    }
  }

  /** The "Talk to an agent" button. */
  requestHandover(session: ChatSession): Promise<void> {
    return session.run(() => this.#startHandover(session));
  }

  /** The customer's "End chat with agent" button. */
  endHandover(session: ChatSession): Promise<void> {
    return session.run(async () => {
      const handover = session.handover;
      if (!handover) return;
      try {
        const ended = await this.#deps.client.endHandover(handover.id);
        // The handover.ended event follows on the stream; finishing here too makes the page snappy,
        // and whichever comes second is ignored (the handover is no longer the session's).
        if (ended.state === 'ended' || ended.state === 'failed')
          this.#finish(session, handover.id, 'customer_ended');
      } catch (err) {
        this.#deps.logger.warn({ handoverId: handover.id, err: describe(err) }, 'end failed');
        session.add('notice', 'Could not end the chat with the agent; please try again.');
      }
    });
  }

  /** Stops following every handover (the handovers themselves go on; a restarted bot could resume them). */
  async close(): Promise<void> {
    this.#stopAll.abort();
    await Promise.allSettled([...this.#following]);
  }

  /** A session was dropped from memory: stop following its handover. */
  forget(session: ChatSession): void {
    session.handover?.stop.abort();
  }

  async #startHandover(session: ChatSession): Promise<void> {
    if (session.handover) {
      session.add('bot', 'You are already connected to the agent queue — an agent will be with you shortly.');
      return;
    }
    const transcript = session.botTranscript();
    session.add('bot', 'Let me find you an agent. One moment…');
    session.setStatus({ mode: 'connecting' });
    const { settings } = session;
    try {
      const handover = await this.#deps.client.startHandover({
        endpoint: settings.endpoint,
        // userId/sessionId make the start idempotent: retrying after a timeout returns the same handover.
        customer: {
          userId: session.customerId,
          sessionId: session.customerId,
          displayName: settings.displayName,
        },
        settings: {
          ...(settings.language ? { language: settings.language } : {}),
          skills: [...settings.skills],
          ...(settings.priority !== undefined ? { priority: settings.priority } : {}),
          customAttributes: settings.customAttributes,
        },
        transcript: [...transcript],
      });
      const stop = new AbortController();
      session.handover = { id: handover.id, stop };
      this.#follow(session, handover.id, stop);
    } catch (err) {
      session.setStatus({ mode: 'bot' });
      // The endpoint's handover policy (docs/availability.md): closed, or nobody who fits.
      if (err instanceof GatewayApiError && err.code === 'ENDPOINT_CLOSED') {
        session.add('bot', closedReply(err.nextOpening));
        return;
      }
      if (err instanceof GatewayApiError && err.code === 'NO_AGENT_AVAILABLE') {
        session.add('bot', NO_AGENT);
        return;
      }
      this.#deps.logger.warn({ endpoint: settings.endpoint, err: describe(err) }, 'handover start failed');
      session.add('bot', 'Sorry, I could not reach an agent right now. Please try again in a moment.');
    }
  }

  #follow(session: ChatSession, handoverId: string, stop: AbortController): void {
    const signal = AbortSignal.any([stop.signal, this.#stopAll.signal]);
    const run = this.#deps.client
      .followEvents(handoverId, {
        signal,
        ...(this.#deps.retryMs !== undefined ? { retryMs: this.#deps.retryMs } : {}),
        onEvent: (event) => this.#onEvent(session, handoverId, event),
        onInvalid: (reason) =>
          this.#deps.logger.warn({ handoverId, reason }, 'invalid gateway event skipped'),
        onDisconnect: (err) =>
          this.#deps.logger.info({ handoverId, err: describe(err) }, 'event stream dropped; resuming'),
      })
      .then((result) => {
        // A stream that finished without a terminal event we saw (e.g. 204) still ends the handover here.
        if (result === 'finished') this.#finish(session, handoverId, undefined);
      })
      .catch((err: unknown) => this.#deps.logger.warn({ handoverId, err: describe(err) }, 'following failed'))
      .finally(() => this.#following.delete(run));
    this.#following.add(run);
  }

  /** One gateway event, in order. Events of a handover the session no longer has are ignored. */
  #onEvent(session: ChatSession, handoverId: string, event: HandoverEvent): void {
    if (session.handover?.id !== handoverId) return;
    switch (event.type) {
      case 'handover.queued':
        session.setStatus({ mode: 'queued', queue: event.data.queue });
        session.add(
          'notice',
          `You are in the queue for ${event.data.queue}. An agent will be with you shortly.`,
        );
        return;
      case 'handover.agent_joined': {
        const agent = agentView(event.data.agent);
        session.handover.lastAgent = agent;
        session.setStatus({ mode: 'agent', agent });
        session.add('notice', `${agent.name} joined the chat.`, agent);
        return;
      }
      case 'handover.agent_typing':
        session.agentTyping(agentView(event.data.agent), event.data.expiresInMs);
        return;
      case 'handover.agent_message':
        this.#agentMessage(session, handoverId, event.data);
        return;
      case 'handover.transferred': {
        const to = agentView(event.data.to);
        const from = event.data.from ? agentView(event.data.from) : undefined;
        session.setStatus({ mode: 'transferring', agent: to });
        session.add(
          'notice',
          `${from ? `${from.name} is transferring you` : 'You are being transferred'} to ${to.name}.`,
          to,
        );
        return;
      }
      case 'handover.agent_left':
        // In a transfer the "transferring" notice already said it. Otherwise the agent is ending the
        // chat: handover.ended follows at once and its notice names the agent, so nothing to show.
        return;
      case 'handover.system_message':
        session.add('notice', event.data.text);
        return;
      case 'handover.wait_estimate': {
        const text = waitNotice(event.data);
        if (text === undefined || text === session.handover.lastWait) return;
        session.handover.lastWait = text;
        session.add('notice', text);
        return;
      }
      case 'handover.ended':
        // The gateway lists what the agent never got: the customer should know, not guess.
        for (const lost of event.data.undelivered ?? [])
          session.add('notice', `This message did not reach the agent: “${lost.text}”`);
        this.#finish(session, handoverId, event.data.reason);
        return;
      case 'handover.failed':
        this.#finish(session, handoverId, undefined, event.data.error.message);
        return;
    }
  }

  /**
   * Text, files, or both. Files the page must not link to are dropped; the log counts them but never
   * shows their URLs (a signed URL is as good as the file).
   */
  #agentMessage(
    session: ChatSession,
    handoverId: string,
    data: EventOf<'handover.agent_message'>['data'],
  ): void {
    const agent = agentView(data.agent);
    const sent = data.attachments ?? [];
    const files = attachmentViews(sent);
    if (files.length < sent.length)
      this.#deps.logger.warn(
        { handoverId, dropped: sent.length - files.length },
        'agent attachments without an http(s) URL not shown',
      );
    if (data.text === '' && files.length === 0) {
      if (sent.length > 0)
        session.add('notice', `${agent.name} sent a file that cannot be shown here.`, agent);
      return;
    }
    session.add('agent', data.text, agent, files);
  }

  /** The handover is over: say so, and the bot answers again. Idempotent per handover. */
  #finish(session: ChatSession, handoverId: string, reason: EndReason | undefined, failure?: string): void {
    if (session.handover?.id !== handoverId) return;
    const agentName = session.handover.lastAgent?.name;
    session.handover.stop.abort();
    session.handover = undefined;
    session.add('notice', endNotice(reason, agentName, failure));
    session.setStatus({ mode: 'bot' });
    session.startBotPhase();
    session.add('bot', BACK_TO_BOT);
  }
}

export function endNotice(reason: EndReason | undefined, agentName?: string, failure?: string): string {
  if (failure !== undefined) return `Sorry, the chat with an agent could not be set up (${failure}).`;
  switch (reason) {
    case 'agent_ended':
      return `${agentName ?? 'The agent'} ended the chat.`;
    case 'customer_ended':
      return 'You ended the chat with the agent.';
    case 'customer_abandoned':
      return 'The chat with the agent was closed after a period of inactivity.';
    case 'no_agent_timeout':
      return 'No agent was available in time.';
    case 'expired':
      return 'The chat with the agent expired.';
    case 'provider_error':
    case undefined:
      return 'The chat with the agent was closed.';
  }
}

function agentView(agent: Agent): AgentView {
  return {
    name: agent.displayName ?? 'An agent',
    ...(agent.avatarUrl && /^https?:\/\//.test(agent.avatarUrl) ? { avatarUrl: agent.avatarUrl } : {}),
  };
}

function describe(err: unknown): string {
  if (err instanceof GatewayApiError) return `${err.status} ${err.code}`;
  return err instanceof Error ? err.message : String(err);
}
