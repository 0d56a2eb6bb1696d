// The Open Messaging implementation of the core's provider port, beside guest chat's. The customer
// side is ours: the bot's customer writes through inbound calls (§3) keyed on a customer id of our
// own, one per handover (§3.5). What the agent does reaches us two ways: messages and typing on the
// gateway's webhook route (`webhook.read`, §4), joins, transfers and ends as conversation detail
// notifications (`attach`, §4.6) — both checked against conversation reads, the truth (design §8).
// History and participants come from conversation reads, texts from the bulk message call (§5).
import type { Logger } from '../../../core/ports/logger.ts';
import { silentLogger } from '../../../core/ports/logger.ts';
import {
  ProviderError,
  type AttachmentHandlers,
  type Connection,
  type HandoverProvider,
  type HistoryMessage,
  type OutboundMessage,
  type Participant,
  type ParticipantState,
  type ProviderRef,
  type ProviderStartRequest,
  type SentMessage,
} from '../../../core/ports/provider.ts';
import type { OpenMessagingClient } from '../client.ts';
import { OpenMessagingApiError, OpenMessagingAuthError } from '../errors.ts';
import { WebhookVerifier } from '../webhook/webhook-verifier.ts';
import {
  conversationEnded,
  newConversationStarted,
  noConversationId,
  OpenMessagingAdapterCodes,
} from './adapter-errors.ts';
import { AgentProfiles } from './agent-profiles.ts';
import { AttachedConversation, type AttachedConversationDeps } from './attached-conversation.ts';
import { toInboundAttachment } from './attachments.ts';
import { ConversationMemories } from './conversation-memory.ts';
import { ConversationReader } from './conversation-reader.ts';
import { readHistory } from './history-reader.ts';
import { toProviderError } from './map-errors.ts';
import {
  resolveProviderSettings,
  type OpenMessagingProviderOptions,
  type ResolvedProviderSettings,
} from './options.ts';
import { isAgent, isCustomer, stateOf } from './participants.ts';
import { fromProviderRef, OPEN_MESSAGING_KIND, toProviderRef } from './provider-ref.ts';
import { customerIdOf, startMessage } from './start-message.ts';
import { WebhookReader } from './webhook-reader.ts';

/**
 * How long one conversation read answers `participants` and `history`, ms: a catch-up asks for both
 * back to back (§1.4: every read counts against the shared 300 a minute). Our own sends forget it.
 */
const READ_REUSE_MS = 2_000;

/** What a Failed receipt says (§3.3: reasons must not quote the message). */
const NOT_DELIVERED = { code: 'GeneralError', message: 'The bot could not deliver the message.' } as const;

export class OpenMessagingProvider implements HandoverProvider {
  readonly kind = OPEN_MESSAGING_KIND;
  /** Files travel by URL both ways (§3.1, §4.1). */
  readonly capabilities = { attachments: true };
  readonly maxMessageLength: number;
  readonly sendSettleMs: number;
  readonly webhook: WebhookReader;
  /** §3.3 receipts: left out when the endpoint turned them off (the port: no receipts, no calls). */
  readonly acknowledge?: NonNullable<HandoverProvider['acknowledge']>;
  readonly #client: OpenMessagingClient;
  readonly #settings: ResolvedProviderSettings;
  readonly #logger: Logger;
  readonly #memories = new ConversationMemories();
  readonly #reader: ConversationReader;
  readonly #profiles: AgentProfiles;
  readonly #attachedDeps: AttachedConversationDeps;
  readonly #attached = new Set<AttachedConversation>();

  constructor(options: OpenMessagingProviderOptions) {
    this.#settings = resolveProviderSettings(options);
    if (this.#settings.deliveryReceipts)
      this.acknowledge = (ref, providerMessageId, outcome, signal) =>
        this.#acknowledge(ref, providerMessageId, outcome, signal);
    this.#client = options.client;
    this.#logger = options.logger ?? silentLogger;
    this.maxMessageLength = this.#settings.maxMessageLength;
    this.sendSettleMs = this.#settings.sendSettleMs;
    this.#reader = new ConversationReader({
      api: this.#client.conversations,
      clock: options.clock,
      maxAgeMs: READ_REUSE_MS,
      onRead: (read) => this.#memories.get(read.id)?.learn(read),
    });
    this.#profiles = new AgentProfiles(this.#client.users, this.#logger);
    this.#attachedDeps = {
      notifications: this.#client.notifications,
      reader: this.#reader,
      profiles: this.#profiles,
      clock: options.clock,
      scheduler: options.scheduler,
      random: options.random,
      logger: this.#logger,
    };
    this.webhook = new WebhookReader({
      verifier: new WebhookVerifier({ secret: options.webhookSecret }),
      customerIdPrefix: this.#settings.customerIdPrefix,
      memories: this.#memories,
      reader: this.#reader,
      profiles: this.#profiles,
      reorderWindowMs: this.#settings.reorderWindowMs,
      logger: this.#logger,
    });
  }

  /** §3.1, §3.5, §6: the first message creates the conversation and carries the routing. */
  async start(req: ProviderStartRequest, signal: AbortSignal): Promise<ProviderRef> {
    try {
      const sent = await this.#client.inbound.sendMessage(startMessage(req, this.#settings), {
        signal,
        prefetchConversationId: true,
      });
      if (sent.conversationId === undefined) throw noConversationId();
      return toProviderRef({
        conversationId: sent.conversationId,
        customerId: customerIdOf(req.handoverId, this.#settings.customerIdPrefix),
      });
    } catch (err) {
      throw toProviderError(err);
    }
  }

  async attach(ref: ProviderRef, handlers: AttachmentHandlers, signal: AbortSignal): Promise<Connection> {
    const { conversationId, customerId } = fromProviderRef(ref);
    const memory = this.#memories.attach(conversationId, customerId);
    const attached = new AttachedConversation(this.#attachedDeps, memory, handlers);
    try {
      await attached.open(signal);
    } catch (err) {
      await attached.close();
      this.#memories.detach(memory);
      throw toProviderError(err);
    }
    this.#attached.add(attached);
    return {
      close: async () => {
        if (!this.#attached.delete(attached)) return;
        await attached.close();
        this.#memories.detach(memory);
      },
    };
  }

  async *history(
    ref: ProviderRef,
    after: string | undefined,
    signal: AbortSignal,
  ): AsyncIterable<HistoryMessage> {
    const { conversationId } = fromProviderRef(ref);
    const memory = this.#memories.get(conversationId);
    try {
      const read = await this.#reader.recent(conversationId, signal);
      yield* readHistory(
        {
          api: this.#client.conversations,
          agent: (p, s) => this.#profiles.participant(p, s),
          logger: this.#logger,
          notMessage: (id) => memory?.notMessages.add(id),
        },
        read,
        after,
        signal,
      );
    } catch (err) {
      throw toProviderError(err);
    }
  }

  /** The customer and every agent participant; the ACD and the flow are left out. */
  async participants(
    ref: ProviderRef,
    signal: AbortSignal,
  ): Promise<{ participant: Participant; state: ParticipantState }[]> {
    const { conversationId } = fromProviderRef(ref);
    const memory = this.#memories.get(conversationId);
    try {
      const read = await this.#reader.recent(conversationId, signal);
      const out: { participant: Participant; state: ParticipantState }[] = [];
      for (const p of read.participants) {
        const state = stateOf(p);
        if (state === undefined) continue;
        if (isCustomer(p)) out.push({ participant: { id: p.id, role: 'customer' }, state });
        else if (isAgent(p)) {
          out.push({ participant: await this.#profiles.participant(p, signal), state });
          // The catch-up applies these: the core has heard of this agent now.
          if (state === 'connected') memory?.announced.add(p.id);
        }
      }
      return out;
    } catch (err) {
      throw toProviderError(err);
    }
  }

  /**
   * §3.1: one inbound message, keyed on our line id and the customer's time (stable across retries,
   * §3.5). §3.5: a message after the conversation was disconnected starts a NEW one — never do that:
   * refuse once the conversation is known to have ended, and close a new one the answer reveals.
   */
  async send(ref: ProviderRef, message: OutboundMessage, signal: AbortSignal): Promise<SentMessage> {
    const { conversationId, customerId } = fromProviderRef(ref);
    const memory = this.#memories.get(conversationId);
    if (memory?.ended === true) throw conversationEnded();
    // A history look after this send must not come from a read taken before it.
    this.#reader.forget(conversationId);
    try {
      const attachments = (message.attachments ?? []).map(toInboundAttachment);
      const sent = await this.#client.inbound.sendMessage(
        {
          customer: { id: customerId },
          ...(message.text === '' ? {} : { text: message.text }),
          ...(attachments.length === 0 ? {} : { attachments }),
          messageId: message.id,
          time: new Date(message.at),
        },
        { signal, prefetchConversationId: true },
      );
      if (sent.conversationId !== undefined && sent.conversationId !== conversationId) {
        if (memory !== undefined) memory.ended = true;
        await this.#closeStray(sent.conversationId, signal);
        throw newConversationStarted();
      }
      // Genesys' message id is what history and echoes carry; our line id stands in if it sent none [U].
      return { providerMessageId: sent.genesysMessageId ?? message.id, at: message.at };
    } catch (err) {
      throw toProviderError(err);
    } finally {
      this.#reader.forget(conversationId);
    }
  }

  /** §3.2: the customer is typing. Nothing to tell once the conversation has ended. */
  async typing(ref: ProviderRef, signal: AbortSignal): Promise<void> {
    const { conversationId, customerId } = fromProviderRef(ref);
    if (this.#memories.get(conversationId)?.ended === true) return;
    try {
      await this.#client.inbound.sendTyping({ id: customerId }, { signal });
    } catch (err) {
      throw toProviderError(err);
    }
  }

  /** §5: disconnect the customer participant (already gone = done). */
  async end(ref: ProviderRef, signal: AbortSignal): Promise<void> {
    const { conversationId } = fromProviderRef(ref);
    try {
      await this.#client.conversations.disconnectCustomer(conversationId, { signal });
    } catch (err) {
      throw toProviderError(err);
    } finally {
      this.#reader.forget(conversationId);
    }
    const memory = this.#memories.get(conversationId);
    if (memory !== undefined) memory.ended = true;
  }

  /** §3.3: Delivered, or Failed (a dead letter) — final either way. */
  async #acknowledge(
    ref: ProviderRef,
    providerMessageId: string,
    outcome: 'delivered' | 'failed',
    signal: AbortSignal,
  ): Promise<void> {
    const { customerId } = fromProviderRef(ref);
    try {
      await this.#client.inbound.sendReceipt(
        {
          messageId: providerMessageId,
          customerId,
          status: outcome === 'delivered' ? 'Delivered' : 'Failed',
          ...(outcome === 'failed' ? { reasons: [NOT_DELIVERED] } : {}),
          isFinalReceipt: true,
        },
        { signal },
      );
    } catch (err) {
      throw toProviderError(err);
    }
  }

  /** A token and the integration (§1, §2); what fails is said plainly (it is shown on /readyz). */
  async check(signal: AbortSignal): Promise<void> {
    const id = this.#client.integrationId;
    let integration;
    try {
      integration = await this.#client.integrations.getIntegration(id, { signal });
    } catch (err) {
      throw checkFailure(err, id);
    }
    const status = integration.createStatus;
    if (status !== undefined && status !== 'Completed') {
      throw new ProviderError(`The Open Messaging integration ${id} is not ready (createStatus ${status})`, {
        code: OpenMessagingAdapterCodes.INTEGRATION_NOT_READY,
        retryable: status === 'Initiated',
      });
    }
  }

  /** For /metrics: gauges as they are, counters (`_total`) since start. */
  stats(): Readonly<Record<string, number>> {
    const s = this.#client.stats;
    const n = s.notifications;
    return {
      notification_channels: n.channels,
      notification_topics: n.topics,
      notification_watches: n.watches,
      notification_events_total: n.events,
      notification_interruptions_total: n.interruptions,
      notification_resubscriptions_total: n.resubscriptions,
      notification_renewals_total: n.renewals,
      token_requests_total: s.tokenRequests,
      api_calls_total: s.apiCalls,
      rate_limit_waiting: s.rateLimitWaiting,
      rate_limit_pauses_total: s.rateLimitPauses,
      rate_limited_answers_total: s.rateLimitedAnswers,
    };
  }

  /** Stops every watch and timer, then the client (sockets, token refresh, rate-limit waits). */
  async close(): Promise<void> {
    const attached = [...this.#attached];
    this.#attached.clear();
    await Promise.all(attached.map((a) => a.close()));
    await this.#client.close();
  }

  /** The conversation a stray message opened: its customer leaves again at once (best effort). */
  async #closeStray(conversationId: string, signal: AbortSignal): Promise<void> {
    try {
      await this.#client.conversations.disconnectCustomer(conversationId, { signal });
    } catch (err) {
      this.#logger.warn(
        { conversationId, code: toProviderError(err).code },
        'closing a conversation a late message opened failed',
      );
    }
  }
}

function checkFailure(err: unknown, integrationId: string): ProviderError {
  if (err instanceof OpenMessagingAuthError) {
    return new ProviderError(
      'Genesys refused the OAuth client credentials (invalid_client): check the client id, the client secret and the region',
      { code: OpenMessagingAdapterCodes.AUTH_FAILED, status: err.status, retryable: false, cause: err },
    );
  }
  if (err instanceof OpenMessagingApiError && err.status === 404) {
    return new ProviderError(
      `The Open Messaging integration ${integrationId} does not exist in this Genesys organization: check the integration id`,
      { code: OpenMessagingAdapterCodes.INTEGRATION_NOT_FOUND, status: 404, retryable: false, cause: err },
    );
  }
  if (err instanceof OpenMessagingApiError && err.status === 403) {
    return new ProviderError(
      'The OAuth client may not read the Open Messaging integration: it needs messaging:integration:view',
      { code: OpenMessagingAdapterCodes.PERMISSION_DENIED, status: 403, retryable: false, cause: err },
    );
  }
  const mapped = toProviderError(err);
  return new ProviderError(`Genesys could not be checked: ${mapped.message}`, mapped.details);
}
