// Genesys' webhook calls (§4) read for the core. `WebhookVerifier` checks the signature on the raw
// bytes (§4.4) and parses the body; this decides what the call means for which handover:
// - a missing or bad signature → refused, 401 (§4.5: what the Microsoft sample answers);
// - an unreadable body, a receipt (§4.3), the customer side's typing, a flow's typing, a customer id
//   without our prefix, a message of another conversation → ignored, answered 200: any other 4xx
//   "caused the entire chat to fail" (§4.5);
// - an agent's text (`originatingEntity: Human`) → the agent's message; a flow's Send Response
//   (`Bot`, §6) → a system message; typing (`type: Event`, §4.2) → the agent typing for `durationMs`.
//
// Calls come in no order (§4.5): the core commits each message only after the one before it at
// Genesys, which `place` names from a conversation read that lists it. The core asks once the
// messages have waited out the reorder window, for all of a handover's that leave it together, so a
// burst of agent messages costs one read of the 300 a minute (§1.4), not one each — and the read
// lists every message of the chat, so it grows with the chat's length.
//
// The webhook names the integration, never the agent (§4.6): the agent is the one the notification
// watch knows to be connected; when it knows none (e.g. just after a restart) the conversation is
// read once (a kept read is fine) — and an agent it reveals that the core has not heard of yet is
// announced (`participant connected`) before its message, so the bot hears agent_joined first. When
// that read fails, the call is `unread`: answered 503, and the core reads the conversation should
// Genesys give up delivering it (`redeliveryMs`, §4.5).
import type { Logger } from '../../../core/ports/logger.ts';
import type {
  Participant,
  ProviderEvent,
  ProviderRef,
  ProviderWebhook,
  WebhookReading,
} from '../../../core/ports/provider.ts';
import { OpenMessagingError } from '../errors.ts';
import type { WebhookEvent, WebhookMessageEvent, WebhookTypingEvent } from '../webhook/events.ts';
import type { WebhookVerifier } from '../webhook/webhook-verifier.ts';
import type { AgentProfiles } from './agent-profiles.ts';
import { fromGenesysAttachment } from './attachments.ts';
import type { ConversationMemories, ConversationMemory } from './conversation-memory.ts';
import type { ConversationReader } from './conversation-reader.ts';
import { messagesBefore } from './history-reader.ts';
import { toProviderError } from './map-errors.ts';
import { earlier, latestAgent } from './participants.ts';
import { fromProviderRef } from './provider-ref.ts';

/** The core's code for a refused signature (core/errors.ts WEBHOOK_SIGNATURE_INVALID). */
export const WEBHOOK_SIGNATURE_INVALID = 'WEBHOOK_SIGNATURE_INVALID';

/** Who a flow's Send Response is from (the webhook does not name the flow participant). */
const FLOW: Participant = { id: 'genesys-flow', role: 'system' };
const NONE: ReadonlySet<string> = new Set();
/** An agent message whose agent cannot be named (no conversation id, no connected agent found). */
const UNKNOWN_AGENT: Participant = { id: 'genesys-agent', role: 'agent' };

export interface WebhookReaderDeps {
  readonly verifier: WebhookVerifier;
  readonly customerIdPrefix: string;
  readonly memories: ConversationMemories;
  readonly reader: ConversationReader;
  readonly profiles: AgentProfiles;
  readonly reorderWindowMs: number;
  readonly logger: Logger;
}

type Agent = { readonly participant: Participant; readonly announce: readonly ProviderEvent[] };

/**
 * How long Genesys goes on delivering a call not answered 2xx: 5 retries 5 s apart, each waiting up
 * to 10 s for an answer — ~85 s (§4.5) — and a margin.
 */
export const REDELIVERY_MS = 90_000;

export class WebhookReader implements ProviderWebhook {
  readonly reorderWindowMs: number;
  readonly redeliveryMs = REDELIVERY_MS;
  readonly #d: WebhookReaderDeps;

  constructor(deps: WebhookReaderDeps) {
    this.#d = deps;
    this.reorderWindowMs = deps.reorderWindowMs;
  }

  async read(
    rawBody: Buffer,
    headers: Readonly<Record<string, string | readonly string[] | undefined>>,
    signal: AbortSignal,
  ): Promise<WebhookReading> {
    const outcome = this.#d.verifier.verify(rawBody, headers);
    if (outcome.verdict === 'refused')
      return {
        kind: 'refused',
        status: outcome.status,
        code: WEBHOOK_SIGNATURE_INVALID,
        detail: outcome.reason,
      };
    if (outcome.verdict === 'unreadable') {
      // Paths and zod messages only: never the values (they may be texts).
      this.#d.logger.warn({ reason: outcome.reason, issues: outcome.issues }, 'unreadable webhook call');
      return ignored(`unreadable body (${outcome.reason})`);
    }
    const event = outcome.event;
    const prefix = this.#d.customerIdPrefix;
    if (!event.customerId.startsWith(prefix) || event.customerId.length === prefix.length)
      return ignored('the customer id is not one of this gateway');
    const handoverId = event.customerId.slice(prefix.length);
    const memory = this.#d.memories.byCustomer(event.customerId);
    if (
      memory !== undefined &&
      event.conversationId !== undefined &&
      event.conversationId !== memory.conversationId
    ) {
      // A conversation the adapter started by mistake and closed again (§3.5 guard in send).
      return ignored('a message of another conversation of this customer');
    }
    let events: ProviderEvent[] | string;
    try {
      events = await this.#events(event, memory, signal);
    } catch (err) {
      // A read to name the agent failed (or the call was cut short): Genesys delivers it again, and
      // should it give up, the core reads the conversation (`redeliveryMs`).
      return {
        kind: 'unread',
        handoverId,
        providerMessageIds: event.kind === 'message' ? [event.id] : [],
        code: toProviderError(err).code,
      };
    }
    if (typeof events === 'string') return ignored(events);
    return { kind: 'events', handoverId, events };
  }

  /** The events a call carries, or why there are none. */
  async #events(
    event: WebhookEvent,
    memory: ConversationMemory | undefined,
    signal: AbortSignal,
  ): Promise<ProviderEvent[] | string> {
    switch (event.kind) {
      case 'receipt':
        return `a ${event.status} receipt`;
      case 'unsupported':
        return event.detail;
      case 'typing':
        return this.#typing(event, memory, signal);
      case 'message':
        return this.#message(event, memory, signal);
    }
  }

  async #typing(
    event: WebhookTypingEvent,
    memory: ConversationMemory | undefined,
    signal: AbortSignal,
  ): Promise<ProviderEvent[] | string> {
    if (event.direction !== undefined && event.direction.toLowerCase() !== 'outbound')
      return 'typing of the customer side';
    if (event.origin === 'bot') return 'typing of a flow';
    const agent = await this.#agent(event, memory, signal);
    if (agent === undefined) return 'typing while no agent is known';
    return [
      ...agent.announce,
      {
        type: 'typing',
        participant: agent.participant,
        own: false,
        at: event.at,
        ...(event.durationMs === undefined ? {} : { durationMs: event.durationMs }),
      },
    ];
  }

  async #message(
    event: WebhookMessageEvent,
    memory: ConversationMemory | undefined,
    signal: AbortSignal,
  ): Promise<ProviderEvent[] | string> {
    const attachments = event.attachments.flatMap((a) => {
      const mapped = fromGenesysAttachment(a);
      return mapped === undefined ? [] : [mapped];
    });
    const conversationId = event.conversationId ?? memory?.conversationId;
    if (conversationId !== undefined) this.#d.reader.heard(conversationId, event.id);
    const text = event.text ?? '';
    if (text === '' && attachments.length === 0)
      return `no text or file the gateway carries (${event.otherContent.join(',') || 'empty'})`;
    const agent =
      event.origin === 'bot'
        ? { participant: FLOW, announce: [] }
        : ((await this.#agent(event, memory, signal)) ?? { participant: UNKNOWN_AGENT, announce: [] });
    return [
      ...agent.announce,
      {
        type: 'message',
        providerMessageId: event.id,
        participant: agent.participant,
        text,
        kind: 'text',
        own: false,
        at: event.at,
        ...(attachments.length > 0 ? { attachments } : {}),
      },
    ];
  }

  /**
   * The message before each of these at Genesys that is not the customer's, from one read that lists
   * them (the port's `place`). A read that fails for a passing reason rejects (the core reads the gap
   * by a catch-up); one refused for good, or a read that does not list a message yet, leaves it out.
   */
  async place(
    ref: ProviderRef,
    providerMessageIds: readonly string[],
    signal: AbortSignal,
  ): Promise<ReadonlyMap<string, string>> {
    const { conversationId } = fromProviderRef(ref);
    try {
      const read = await this.#d.reader.listing(conversationId, providerMessageIds, signal);
      return messagesBefore(
        read,
        providerMessageIds,
        this.#d.memories.get(conversationId)?.notMessages ?? NONE,
      );
    } catch (err) {
      if (err instanceof OpenMessagingError && err.isPermanent) {
        this.#d.logger.warn({ code: err.code }, 'conversation read to place pushed messages refused');
        return new Map();
      }
      throw toProviderError(err);
    }
  }

  /**
   * The agent who wrote: the connected one the provider knows (from the watch or a read), else the
   * conversation's latest agent by a read. Until the core has been given that agent's `connected`
   * (by the watch or a catch-up), the call announces it first — again on every call, which the core
   * takes as the no-op it is, so a call that fails to commit and comes again still announces. A read
   * that fails for a passing reason rejects (the route answers 5xx and Genesys delivers again, §4.5);
   * a lasting failure gives no agent.
   */
  async #agent(
    event: WebhookEvent,
    memory: ConversationMemory | undefined,
    signal: AbortSignal,
  ): Promise<Agent | undefined> {
    let agent = memory?.agent;
    if (agent === undefined) {
      const conversationId = event.conversationId ?? memory?.conversationId;
      if (conversationId === undefined) return undefined;
      try {
        agent = latestAgent(await this.#d.reader.recent(conversationId, signal));
      } catch (err) {
        if (err instanceof OpenMessagingError && err.isPermanent) {
          this.#d.logger.warn({ code: err.code }, 'conversation read for a webhook call refused');
          return undefined;
        }
        throw toProviderError(err);
      }
      if (agent === undefined) return undefined;
    }
    const participant = await this.#d.profiles.participant(agent, signal);
    if (memory?.announced.has(agent.id) === true) return { participant, announce: [] };
    const at = earlier(agent.connectedTime, event.at);
    return { participant, announce: [{ type: 'participant', participant, state: 'connected', at }] };
  }
}

function ignored(detail: string): WebhookReading {
  return { kind: 'ignored', detail };
}
